// SPDX-License-Identifier: GPL-3.0-or-later
// Token sampling. Order as in the reference runtime: penalties -> top-k -> top-p -> min-p ->
// temperature -> draw. Temperature <= 0 is greedy. The same seed gives the same tokens.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace deepdesk {

struct sampler_params {
    float temperature = 0.8f;
    int top_k = 40;                  // <= 0: no limit
    float top_p = 0.95f;             // >= 1: off
    float min_p = 0.05f;             // <= 0: off
    float repeat_penalty = 1.0f;     // 1: off; divides positive logits, multiplies negative ones
    float presence_penalty = 0.0f;   // subtracted once from every token seen
    float frequency_penalty = 0.0f;  // subtracted per occurrence
    int penalty_last_n = 64;         // how many recent tokens the penalties look at
    std::uint64_t seed = 0;
};
sampler_params default_sampler_params();

class sampler {
public:
    // n_vocab: size of the logits it will see (buffers are allocated here, once).
    sampler(sampler_params params, std::int64_t n_vocab);

    // Picks the next token from `logits` given the tokens so far (for the penalties).
    std::int32_t sample(std::span<const float> logits, std::span<const std::int32_t> history);

    const sampler_params& params() const { return m_params; }

private:
    struct candidate {
        std::int32_t id;
        float logit;
        float p;
    };
    void apply_penalties(std::span<const std::int32_t> history);

    sampler_params m_params;
    std::mt19937_64 m_rng;
    std::vector<candidate> m_cand;
    std::vector<std::int32_t> m_counts;  // occurrences per token in the penalty window
};

}  // namespace deepdesk
