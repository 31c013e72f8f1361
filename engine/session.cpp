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

void session::evaluate(std::span<const std::int32_t> tokens) {
    if (tokens.empty()) {
        return;
    }
    if (n_past() + static_cast<std::int64_t>(tokens.size()) > m_params.n_ctx) {
        throw session_error("the context is full: " + std::to_string(n_past()) + " + " + std::to_string(tokens.size()) +
                            " tokens exceed the context size " + std::to_string(m_params.n_ctx));
    }
    const std::int64_t n_vocab = m_model.config().n_vocab;
    for (const std::int32_t t : tokens) {
        if (t < 0 || t >= n_vocab) {
            throw session_error("token id " + std::to_string(t) + " is outside the vocabulary (0.." +
                                std::to_string(n_vocab - 1) + ")");
        }
    }
    for (std::size_t i = 0; i < tokens.size(); i += static_cast<std::size_t>(m_params.n_batch)) {
        const auto chunk =
            tokens.subspan(i, std::min<std::size_t>(static_cast<std::size_t>(m_params.n_batch), tokens.size() - i));
        m_model.impl().forward(*m_state, chunk, n_past(), m_logits.data(), m_pool);
        m_tokens.insert(m_tokens.end(), chunk.begin(), chunk.end());
    }
}

void session::truncate(std::int64_t n) {
    if (n < n_past()) {
        m_tokens.resize(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
    }
}

}  // namespace deepdesk
