// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/session.h"

#include <algorithm>
#include <string>

namespace deepdesk {

session_params default_session_params() { return {}; }

session::session(const model& m, session_params params) : m_model(m), m_params(params), m_pool(params.n_threads) {
    if (m_params.n_ctx <= 0) {
        m_params.n_ctx = m.config().n_ctx_train;
    }
    m_params.n_batch = std::clamp<std::int64_t>(m_params.n_batch, 1, m_params.n_ctx);
    m_params.n_threads = m_pool.size();
    m_state = m.impl().make_state({m_params.n_ctx, m_params.n_batch, m_params.n_threads});
    m_logits.resize(static_cast<std::size_t>(m.config().n_vocab));
    m_tokens.reserve(static_cast<std::size_t>(m_params.n_ctx));
}

bool session::run_chunks(std::span<const std::int32_t> tokens) {
    for (std::size_t i = 0; i < tokens.size(); i += static_cast<std::size_t>(m_params.n_batch)) {
        if (cancelled()) {
            return false;
        }
        const auto chunk =
            tokens.subspan(i, std::min<std::size_t>(static_cast<std::size_t>(m_params.n_batch), tokens.size() - i));
        if (!m_model.impl().forward(*m_state, chunk, n_past(), m_logits.data(), m_pool, m_cancel)) {
            return false;
        }
        m_tokens.insert(m_tokens.end(), chunk.begin(), chunk.end());
    }
    return true;
}

bool session::evaluate(std::span<const std::int32_t> tokens) {
    if (tokens.empty()) {
        return true;
    }
    const std::int64_t n_vocab = m_model.config().n_vocab;
    for (const std::int32_t t : tokens) {
        if (t < 0 || t >= n_vocab) {
            throw session_error("token id " + std::to_string(t) + " is outside the vocabulary (0.." +
                                std::to_string(n_vocab - 1) + ")");
        }
    }
    const auto n_new = static_cast<std::int64_t>(tokens.size());
    if (n_past() + n_new <= m_params.n_ctx) {
        return run_chunks(tokens);
    }
    const std::int64_t keep = std::min(m_keep, n_past());
    if (m_params.on_full == context_policy::error || keep + n_new > m_params.n_ctx) {
        throw context_full_error(n_past() + n_new, m_params.n_ctx,
                                 "the context is full: " + std::to_string(n_past()) + " + " + std::to_string(n_new) +
                                     " tokens exceed the context size " + std::to_string(m_params.n_ctx));
    }
    // Drop at least what is needed, and at least half of what may go, so that a long generation
    // does not re-evaluate the context at every token.
    const std::int64_t droppable = n_past() - keep;
    const std::int64_t needed = n_past() + n_new - m_params.n_ctx;
    const std::int64_t drop = std::min(droppable, std::max(needed, droppable / 2));
    m_replay.assign(m_tokens.begin() + keep + drop, m_tokens.end());
    m_replay.insert(m_replay.end(), tokens.begin(), tokens.end());
    m_tokens.resize(static_cast<std::size_t>(keep));
    m_dropped += drop;
    return run_chunks(m_replay);
}

std::int64_t session::evaluate_prompt(std::span<const std::int32_t> prompt) {
    std::int64_t common = 0;
    const auto limit = std::min<std::int64_t>(n_past(), static_cast<std::int64_t>(prompt.size()));
    while (common < limit && m_tokens[static_cast<std::size_t>(common)] == prompt[static_cast<std::size_t>(common)]) {
        ++common;
    }
    // The logits of the last prompt token are needed: evaluate at least that one.
    if (common == static_cast<std::int64_t>(prompt.size()) && common > 0) {
        --common;
    }
    truncate(common);
    evaluate(prompt.subspan(static_cast<std::size_t>(common)));
    return common;
}

void session::truncate(std::int64_t n) {
    if (n < n_past()) {
        m_tokens.resize(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
    }
}

}  // namespace deepdesk
