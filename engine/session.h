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

// What evaluate() does when new tokens do not fit in the context.
enum class context_policy {
    error,        // throw session_error; nothing changes
    drop_oldest,  // drop the oldest tokens after the first `keep` (the system prompt) and
                  // re-evaluate what follows them, then the new tokens
};

struct session_params {
    std::int64_t n_ctx = 4096;   // context length (positions in the KV cache)
    std::int64_t n_batch = 256;  // prompt tokens evaluated per step
    int n_threads = 0;           // 0: one per hardware thread
    context_policy on_full = context_policy::error;
};
session_params default_session_params();

// The context is full, or a token id is out of range.
class session_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The tokens do not fit: `needed` positions (what the cache holds plus the new tokens) against
// the context of `n_ctx`.
class context_full_error : public session_error {
public:
    context_full_error(std::int64_t needed_, std::int64_t n_ctx_, const std::string& what)
        : session_error(what), needed(needed_), n_ctx(n_ctx_) {}
    std::int64_t needed, n_ctx;
};

class session {
public:
    session(const model& m, session_params params = default_session_params());

    const session_params& params() const { return m_params; }

    // Appends `tokens` after what the cache holds and evaluates them; the logits of the last one
    // are then in logits(). Returns false when cancelled (the cache then holds the tokens
    // evaluated before the request was seen). Throws session_error when an id is invalid, or the
    // tokens do not fit and the policy is `error`.
    bool evaluate(std::span<const std::int32_t> tokens);

    // Prompt cache: makes the cache hold exactly `prompt`, reusing the longest common prefix with
    // what it holds and evaluating only the rest. Returns the number of tokens reused.
    std::int64_t evaluate_prompt(std::span<const std::int32_t> prompt);

    // Cancellation from another thread: evaluate() polls the flag between layers and batches.
    void set_cancel_flag(const std::atomic<bool>* flag) { m_cancel = flag; }

    // Tokens at the start that drop_oldest never removes (e.g. the system prompt).
    void set_keep(std::int64_t n) { m_keep = n; }
    // How many tokens drop_oldest has removed so far.
    std::int64_t dropped() const { return m_dropped; }

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
    std::vector<std::int32_t> m_replay;  // scratch for drop_oldest
    const std::atomic<bool>* m_cancel = nullptr;
    std::int64_t m_keep = 0;
    std::int64_t m_dropped = 0;

    bool cancelled() const { return m_cancel != nullptr && m_cancel->load(std::memory_order_relaxed); }
    bool run_chunks(std::span<const std::int32_t> tokens);
};

}  // namespace deepdesk
