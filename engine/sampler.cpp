// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/sampler.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace deepdesk {

sampler_params default_sampler_params() { return {}; }

sampler::sampler(sampler_params params, std::int64_t n_vocab)
    : m_params(params), m_rng(params.seed), m_counts(static_cast<std::size_t>(n_vocab), 0) {
    m_cand.reserve(static_cast<std::size_t>(n_vocab));
}

void sampler::apply_penalties(std::span<const std::int32_t> history) {
    const sampler_params& p = m_params;
    if (p.repeat_penalty == 1.0f && p.presence_penalty == 0.0f && p.frequency_penalty == 0.0f) {
        return;
    }
    const std::size_t n = std::min(history.size(), static_cast<std::size_t>(std::max(p.penalty_last_n, 0)));
    const auto window = history.subspan(history.size() - n);
    for (const std::int32_t t : window) {
        if (t >= 0 && static_cast<std::size_t>(t) < m_counts.size()) {
            ++m_counts[static_cast<std::size_t>(t)];
        }
    }
    for (auto& c : m_cand) {
        const std::int32_t count = m_counts[static_cast<std::size_t>(c.id)];
        if (count == 0) {
            continue;
        }
        c.logit = c.logit > 0 ? c.logit / p.repeat_penalty : c.logit * p.repeat_penalty;
        c.logit -= static_cast<float>(count) * p.frequency_penalty + p.presence_penalty;
    }
    for (const std::int32_t t : window) {  // reset only what was touched
        if (t >= 0 && static_cast<std::size_t>(t) < m_counts.size()) {
            m_counts[static_cast<std::size_t>(t)] = 0;
        }
    }
}

std::int32_t sampler::sample(std::span<const float> logits, std::span<const std::int32_t> history) {
    if (logits.size() != m_counts.size()) {
        throw std::invalid_argument("sampler: logits size does not match the vocabulary");
    }
    m_cand.clear();
    for (std::size_t i = 0; i < logits.size(); ++i) {
        m_cand.push_back({static_cast<std::int32_t>(i), logits[i], 0.0f});
    }
    apply_penalties(history);
    const auto by_logit = [](const candidate& a, const candidate& b) {
        return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
    };
    if (m_params.temperature <= 0.0f) {
        return std::min_element(m_cand.begin(), m_cand.end(), by_logit)->id;
    }
    // top-k: keep the k highest, sorted.
    std::size_t keep = m_cand.size();
    if (m_params.top_k > 0 && static_cast<std::size_t>(m_params.top_k) < keep) {
        keep = static_cast<std::size_t>(m_params.top_k);
    }
    std::partial_sort(m_cand.begin(), m_cand.begin() + static_cast<std::ptrdiff_t>(keep), m_cand.end(), by_logit);
    m_cand.resize(keep);
    // Probabilities at temperature 1 for top-p and min-p.
    const auto softmax = [&](float temperature) {
        const float max = m_cand.front().logit;
        double sum = 0.0;
        for (auto& c : m_cand) {
            c.p = std::exp((c.logit - max) / temperature);
            sum += c.p;
        }
        for (auto& c : m_cand) {
            c.p = static_cast<float>(c.p / sum);
        }
    };
    softmax(1.0f);
    if (m_params.top_p < 1.0f) {
        double cum = 0.0;
        std::size_t n = 0;
        while (n < m_cand.size()) {
            cum += m_cand[n].p;
            ++n;
            if (cum >= m_params.top_p) {
                break;
            }
        }
        m_cand.resize(std::max<std::size_t>(n, 1));
    }
    if (m_params.min_p > 0.0f) {
        const float threshold = m_params.min_p * m_cand.front().p;
        std::size_t n = 1;
        while (n < m_cand.size() && m_cand[n].p >= threshold) {
            ++n;
        }
        m_cand.resize(n);
    }
    softmax(m_params.temperature);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    const double r = uniform(m_rng);
    double cum = 0.0;
    for (const auto& c : m_cand) {
        cum += c.p;
        if (r < cum) {
            return c.id;
        }
    }
    return m_cand.back().id;
}

}  // namespace deepdesk
