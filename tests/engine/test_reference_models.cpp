// SPDX-License-Identifier: GPL-3.0-or-later
// Golden tests: the engine against logits and greedy output computed by llama.cpp's CPU backend
// on the tiny models in ../shared/testdata/models.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <vector>

#include "engine/model.h"
#include "engine/session.h"

namespace deepdesk {
namespace {

namespace fs = std::filesystem;

fs::path models_dir() { return fs::path(DEEPDESK_SHARED_DIR) / "testdata" / "models"; }

std::vector<float> read_f32(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<float> out(bytes.size() / 4);
    std::memcpy(out.data(), bytes.data(), out.size() * 4);
    return out;
}

double cosine(std::span<const float> a, std::span<const float> b) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += static_cast<double>(a[i]) * b[i];
        aa += static_cast<double>(a[i]) * a[i];
        bb += static_cast<double>(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

std::vector<std::int32_t> top_k(std::span<const float> logits, std::size_t k) {
    std::vector<std::int32_t> idx(logits.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                      [&](std::int32_t a, std::int32_t b) {
                          return logits[static_cast<std::size_t>(a)] > logits[static_cast<std::size_t>(b)];
                      });
    idx.resize(k);
    return idx;
}

struct golden_case {
    const char* stem;
    double min_cosine;
    // Largest difference of one logit allowed. The engine follows the reference's numerics (8-bit
    // activations, f16 queries and probabilities against the f16 cache), so only the order of
    // float additions differs; quantized activations can still turn that into a whole
    // quantization step somewhere, hence a margin well above float rounding.
    double max_abs_diff;
};

class ReferenceModel : public ::testing::TestWithParam<golden_case> {};

TEST_P(ReferenceModel, LogitsTopTenAndGreedyMatchLlamaCpp) {
    const golden_case& gc = GetParam();
    const fs::path gguf = models_dir() / (std::string(gc.stem) + ".gguf");
    if (!fs::exists(gguf)) {
        GTEST_SKIP() << "reference model not found: " << gguf << " (../shared is absent)";
    }
    const auto ref = nlohmann::json::parse(std::ifstream(models_dir() / (std::string(gc.stem) + ".json")));
    const auto prompt = ref["prompt_ids"].get<std::vector<std::int32_t>>();
    const auto want_top = ref["top10_ids"].get<std::vector<std::int32_t>>();
    const auto want_greedy = ref["greedy_32"].get<std::vector<std::int32_t>>();
    const std::vector<float> want_logits = read_f32(models_dir() / ref["last_logits_file"].get<std::string>());

    const auto m = model::load(gguf.string());
    ASSERT_EQ(m->config().n_vocab, ref["n_vocab"].get<std::int64_t>());
    session_params p;
    p.n_ctx = 256;
    p.n_threads = 2;
    session s(*m, p);
    s.evaluate(prompt);
    ASSERT_EQ(want_logits.size(), s.logits().size());
    const double cos = cosine(s.logits(), want_logits);
    EXPECT_GE(cos, gc.min_cosine);
    double max_diff = 0.0;
    for (std::size_t i = 0; i < want_logits.size(); ++i) {
        max_diff = std::max(max_diff, static_cast<double>(std::fabs(s.logits()[i] - want_logits[i])));
    }
    EXPECT_LE(max_diff, gc.max_abs_diff);
    EXPECT_EQ(top_k(s.logits(), 10), want_top) << "cosine " << cos << ", largest difference " << max_diff;

    std::vector<std::int32_t> greedy;
    for (std::size_t i = 0; i < want_greedy.size(); ++i) {
        const std::int32_t next = top_k(s.logits(), 1)[0];
        greedy.push_back(next);
        s.evaluate(std::span(&next, 1));
    }
    EXPECT_EQ(greedy, want_greedy);
}

INSTANTIATE_TEST_SUITE_P(Shared, ReferenceModel,
                         ::testing::Values(golden_case{"tiny-llama.f16", 0.9999, 1e-3},
                                           golden_case{"tiny-ds2-lite.f16", 0.9999, 2e-2},
                                           golden_case{"small-qwen2.q4_k_m", 0.999, 1e-2}),
                         [](const auto& param_info) {
                             std::string n = param_info.param.stem;
                             std::replace_if(
                                 n.begin(), n.end(),
                                 [](char ch) { return !std::isalnum(static_cast<unsigned char>(ch)); }, '_');
                             return n;
                         });

}  // namespace
}  // namespace deepdesk
