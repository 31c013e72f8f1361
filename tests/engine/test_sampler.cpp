// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <vector>

#include "engine/sampler.h"

namespace deepdesk {
namespace {

const std::vector<float> k_logits{1.0f, 3.0f, 2.5f, -1.0f, 0.0f, 2.9f};

sampler_params greedy() {
    sampler_params p;
    p.temperature = 0.0f;
    return p;
}

TEST(Sampler, GreedyTakesTheLargestLogit) {
    sampler s(greedy(), 6);
    EXPECT_EQ(s.sample(k_logits, {}), 1);
}

TEST(Sampler, SameSeedSameTokens) {
    sampler_params p;
    p.temperature = 1.5f;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.seed = 1234;
    sampler a(p, 6), b(p, 6);
    std::vector<std::int32_t> ta, tb;
    for (int i = 0; i < 200; ++i) {
        ta.push_back(a.sample(k_logits, {}));
        tb.push_back(b.sample(k_logits, {}));
    }
    EXPECT_EQ(ta, tb);
    p.seed = 4321;
    sampler c(p, 6);
    std::vector<std::int32_t> tc;
    for (int i = 0; i < 200; ++i) {
        tc.push_back(c.sample(k_logits, {}));
    }
    EXPECT_NE(ta, tc);
}

TEST(Sampler, FrequenciesFollowTheTemperedSoftmax) {
    sampler_params p;
    p.temperature = 0.7f;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.seed = 7;
    sampler s(p, 6);
    std::map<int, int> counts;
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        ++counts[s.sample(k_logits, {})];
    }
    double z = 0;
    for (float l : k_logits) {
        z += std::exp(l / 0.7);
    }
    for (int id = 0; id < 6; ++id) {
        const double want = std::exp(k_logits[static_cast<std::size_t>(id)] / 0.7) / z;
        EXPECT_NEAR(counts[id] / static_cast<double>(n), want, 0.015) << "token " << id;
    }
}

TEST(Sampler, TopKTopPAndMinPCutTheTail) {
    sampler_params p;
    p.temperature = 1.0f;
    p.min_p = 0.0f;
    p.top_p = 1.0f;
    p.top_k = 2;  // only 1 and 5
    p.seed = 3;
    sampler k(p, 6);
    for (int i = 0; i < 300; ++i) {
        const auto t = k.sample(k_logits, {});
        EXPECT_TRUE(t == 1 || t == 5) << t;
    }
    p.top_k = 0;
    p.top_p = 0.3f;  // the first token alone already holds ~36%
    sampler tp(p, 6);
    for (int i = 0; i < 100; ++i) {
        EXPECT_EQ(tp.sample(k_logits, {}), 1);
    }
    p.top_p = 1.0f;
    p.min_p = 0.5f;  // keeps tokens with p >= 0.5 * p(1): 1, 5, 2
    sampler mp(p, 6);
    for (int i = 0; i < 300; ++i) {
        const auto t = mp.sample(k_logits, {});
        EXPECT_TRUE(t == 1 || t == 5 || t == 2) << t;
    }
}

TEST(Sampler, PenaltiesPushRepeatedTokensDown) {
    sampler_params p = greedy();
    p.repeat_penalty = 1.5f;  // 3.0 -> 2.0: token 5 (2.9) wins
    sampler r(p, 6);
    const std::vector<std::int32_t> history{1};
    EXPECT_EQ(r.sample(k_logits, history), 5);
    p.repeat_penalty = 1.0f;
    p.frequency_penalty = 0.5f;  // 1 seen twice: 3.0 - 1.0; 5 once: 2.9 - 0.5 -> 2 (2.5) wins
    sampler f(p, 6);
    const std::vector<std::int32_t> twice{1, 1, 5};
    EXPECT_EQ(f.sample(k_logits, twice), 2);
    p.frequency_penalty = 0.0f;
    p.presence_penalty = 0.2f;  // 3.0 - 0.2 = 2.8 < 2.9
    sampler pr(p, 6);
    EXPECT_EQ(pr.sample(k_logits, history), 5);
    p.penalty_last_n = 1;  // the 1 is outside the window
    sampler w(p, 6);
    const std::vector<std::int32_t> old{1, 4};
    EXPECT_EQ(w.sample(k_logits, old), 1);
}

TEST(Sampler, RejectsLogitsOfTheWrongSize) {
    sampler s(greedy(), 10);
    EXPECT_THROW(s.sample(k_logits, {}), std::invalid_argument);
}

}  // namespace
}  // namespace deepdesk
