// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenizer throughput on 1 MB of mixed Chinese and English text, one thread; then the worst case
// of byte-pair merging, one "word" of the same size (letters only: one pre-token), which took
// minutes when merging was quadratic in a pre-token's length.
//   bench_tokenizer VOCAB.gguf|TOKENIZER_DIR [MB] [PRE]
// PRE (with a tokenizer.json directory): run that built-in pre-tokenizer (deepseek-v3, qwen2,
// llama3, ...) over the directory's vocabulary instead of the file's own regexes.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "engine/gguf.h"
#include "engine/hf/hf_tokenizer.h"
#include "engine/tokenizer.h"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_tokenizer VOCAB.gguf|TOKENIZER_DIR [MB] [PRE]\n");
        return 2;
    }
    const double mb = argc > 2 ? std::atof(argv[2]) : 1.0;
    std::unique_ptr<deepdesk::tokenizer> tok;
    if (std::filesystem::is_directory(argv[1])) {
        auto imported = deepdesk::hf::load_tokenizer_dir(argv[1]);
        tok = std::move(imported.tok);
        if (argc > 3) {
            imported.spec.pre = argv[3];
            imported.spec.pre_regexes.clear();
            tok = deepdesk::tokenizer::from_spec(imported.spec);
        }
    } else {
        const auto f = deepdesk::gguf::model_file::open(argv[1]);
        tok = deepdesk::tokenizer::from_gguf(f->main());
    }
    const std::string para =
        "DeepSeek-R1 achieves performance comparable to OpenAI-o1 across math, code, and reasoning tasks. "
        "深度求索发布的模型在数学、代码和推理任务上表现出色，并且支持在本地电脑上离线运行。 "
        "def merge(a, b):\n    return sorted(a + b)  # O(n log n)\n"
        "注意力机制（attention）让模型在生成每个词时关注输入中最相关的部分。 12345 67890\n";
    std::string text;
    while (text.size() < static_cast<std::size_t>(mb * 1e6)) {
        text += para;
    }
    const auto t0 = std::chrono::steady_clock::now();
    const auto ids = tok->encode(text, false, false);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("%s (pre-tokenizer %s): %.2f MB in %.3f s = %.2f MB/s, %zu tokens\n", argv[1], tok->pre().c_str(),
                static_cast<double>(text.size()) / 1e6, s, static_cast<double>(text.size()) / 1e6 / s, ids.size());
    std::string word;
    for (std::size_t i = 0; word.size() < static_cast<std::size_t>(mb * 1e6); ++i) {
        word += static_cast<char>('a' + (i * 7 + i / 26) % 26);
    }
    const auto w0 = std::chrono::steady_clock::now();
    const auto word_ids = tok->encode(word, false, false);
    const double ws = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    std::printf("one word of %.2f MB in %.3f s, %zu tokens\n", static_cast<double>(word.size()) / 1e6, ws,
                word_ids.size());
    return 0;
}
