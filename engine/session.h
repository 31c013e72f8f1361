// SPDX-License-Identifier: GPL-3.0-or-later
// A conversation's run state over a loaded model: KV cache and buffers, allocated once when the
// session is created; evaluating tokens allocates nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include "engine/model.h"
#include "engine/thread_pool.h"

namespace deepdesk {

struct session_params {
    std::int64_t n_ctx = 4096;   // context length (positions in the KV cache)
    std::int64_t n_batch = 256;  // prompt tokens evaluated per step
    int n_threads = 0;           // 0: one per hardware thread
};
session_params default_session_params();

// The context is full, or a token id is out of range.
class session_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class session {
public:
    session(const model& m, session_params params = default_session_params());

    const model& owner() const { return m_model; }
    const session_params& params() const { return m_params; }

    // Appends `tokens` after what the cache holds and evaluates them; the logits of the last one
    // are then in logits(). Throws session_error when they do not fit or an id is invalid.
    void evaluate(std::span<const std::int32_t> tokens);

    // Logits (n_vocab) after the last evaluate().
    std::span<const float> logits() const { return m_logits; }
    // The tokens whose keys and values the cache holds, in order.
    const std::vector<std::int32_t>& tokens() const { return m_tokens; }
    std::int64_t n_past() const { return static_cast<std::int64_t>(m_tokens.size()); }
    // Forgets everything after the first n tokens (their cache entries are overwritten later).
    void truncate(std::int64_t n);

private:
    const model& m_model;
    session_params m_params;
    thread_pool m_pool;
    std::unique_ptr<run_state> m_state;
    std::vector<float> m_logits;
    std::vector<std::int32_t> m_tokens;
};

}  // namespace deepdesk
