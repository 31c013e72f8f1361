// SPDX-License-Identifier: GPL-3.0-or-later
// One model ready to chat: its tokenizer, chat format, a session (whose KV cache serves as the
// prompt cache between turns) and the generation loop that splits reasoning from the answer.
// The terminal chat, the desktop app's inference thread and the local server all run turns here.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/chat_format.h"
#include "engine/model.h"
#include "engine/reasoning.h"
#include "engine/sampler.h"
#include "engine/session.h"
#include "engine/tokenizer.h"

namespace deepdesk {

struct chat_engine_params {
    std::string model_path;
    std::int64_t n_ctx = 4096;  // capped at the model's training context
    int n_threads = 0;          // 0: all hardware threads
    std::string chat_format;    // empty: from the model's template; else a chat_format_by_name name
    // Called while the weights are read in (0..1, at least every 1%); returning false gives up
    // and the constructor throws load_cancelled. Unset: the weights are paged in on first use.
    std::function<bool(double)> on_load_progress;
};

// Thrown by chat_engine's constructor when on_load_progress asked to stop.
class load_cancelled : public std::runtime_error {
public:
    load_cancelled() : std::runtime_error("loading was cancelled") {}
};

struct generation_options {
    sampler_params sampling = default_sampler_params();
    int max_tokens = 2048;
    // Continue an answer that was cut off: what it had produced so far. The prompt ends with that
    // text and generation goes on from it; deltas and the result hold only the new text.
    std::string continue_reasoning, continue_answer;
    // When the conversation does not fit the context with room for an answer, leave its oldest
    // turns (after any system message) out of the prompt until it does; the last user message
    // always stays. Off: the prompt is sent whole, and context_full_error says it does not fit.
    bool drop_oldest_turns = false;
    // Thinking, for a model that thinks (format_can_think): -1 as long as it likes, 0 off, N > 0
    // at most N tokens of reasoning. Off: a hybrid model (V3.1) gets its non-thinking prompt; an
    // R1-style model's reasoning is closed before it begins. When a budget runs out the engine
    // writes the close of the reasoning ("\n</think>\n\n") itself and the answer follows.
    int thinking_budget = -1;
};

struct turn_result {
    std::string reasoning, answer;
    std::int64_t prompt_tokens = 0;     // tokens of the rendered prompt
    std::int64_t reused_tokens = 0;     // of those, taken from the cache of the previous turn
    std::int64_t generated_tokens = 0;  // sampled (end token not counted)
    double seconds = 0.0;               // generation only (after the prompt)
    double tokens_per_second = 0.0;
    std::int64_t reasoning_ms = 0;
    std::int64_t reasoning_tokens = 0;  // of generated_tokens, those inside the reasoning
    bool reasoning_cut = false;         // the thinking budget ran out and closed the reasoning
    std::string finish_reason;          // stop, length, cancelled, context_full
    std::int64_t dropped_messages = 0;  // left out of the prompt (drop_oldest_turns)
};

// The chat format of a loaded model: `name` when given, else from its template and vocabulary.
chat_format chat_format_for(const model& m, const tokenizer& tok, const std::string& name);

class chat_engine {
public:
    // Loads the model (throws model_error, tokenizer_error, std::invalid_argument for a bad format).
    explicit chat_engine(const chat_engine_params& params);

    const model& loaded_model() const { return *m_model; }
    const tokenizer& tok() const { return *m_tok; }
    const chat_format& format() const { return m_format; }
    // The model thinks before it answers (a thinking switch and budget mean something for it).
    bool can_think() const { return m_can_think; }
    std::int64_t n_ctx() const { return m_session->params().n_ctx; }
    std::int64_t n_past() const { return m_session->n_past(); }

    // Generates the assistant's next answer for `messages` (the last one a user message).
    // on_delta receives reasoning and answer text as it is produced; `cancel` (may be null) stops
    // the turn from another thread, keeping what was produced. Throws session_error when the
    // prompt does not fit the context.
    turn_result generate(const std::vector<chat_message>& messages, const generation_options& options,
                         const std::function<void(const reasoning_delta&)>& on_delta,
                         const std::atomic<bool>* cancel = nullptr);

    // Tokens of `messages` rendered as a prompt (with the generation prompt after them).
    std::int64_t count_prompt_tokens(const std::vector<chat_message>& messages) const;

    // Continues `prompt` as raw text: no chat format, no reasoning split (the local server's
    // /v1/completions). The prompt may hold special tokens (fim_prompt's, for Coder models).
    turn_result complete(const std::string& prompt, const generation_options& options,
                         const std::function<void(const std::string&)>& on_text,
                         const std::atomic<bool>* cancel = nullptr);
    // The vocabulary has DeepSeek-Coder's fill-in-the-middle tokens.
    bool supports_fim() const;

private:
    std::int64_t count_tokens_of(const rendered_chat& prompt) const;
    // Where the output starts: inside the reasoning (the prompt opened it), after it (the prompt
    // closed it), or unknown (the output says, with <think> or a bare </think>).
    enum class output_starts { unknown, in_reasoning, in_answer };
    turn_result run(const rendered_chat& text_prompt, bool split_reasoning, output_starts start,
                    const generation_options& options, const std::function<void(const reasoning_delta&)>& on_delta,
                    const std::atomic<bool>* cancel, int thinking_budget = -1);

    std::unique_ptr<model> m_model;
    std::unique_ptr<tokenizer> m_tok;
    chat_format m_format;
    bool m_can_think = false;
    std::unique_ptr<session> m_session;
};

}  // namespace deepdesk
