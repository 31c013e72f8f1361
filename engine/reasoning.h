// SPDX-License-Identifier: GPL-3.0-or-later
// Splits R1-style output, "<think>reasoning</think>answer", into reasoning and answer while it
// streams in pieces of any size. A tag split across pieces is held back until it is whole, so
// no part of "</think>" ever reaches the answer; an unclosed "<think>" is all reasoning.
// A "</think>" with no "<think>" before it (a template that opened the reasoning in the prompt,
// unknown to the caller) still ends the reasoning: what was released as answer until then is
// reasoning after all, and the delta says so (answer_was_reasoning).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace deepdesk {

// How long the end of `text` is that could still become `tag` (its longest suffix that is a
// proper prefix of the tag): the part a stream holds back until the next piece decides.
std::size_t partial_tag_at_end(std::string_view text, std::string_view tag);

struct reasoning_delta {
    std::string reasoning;  // new reasoning text
    std::string answer;     // new answer text
    // What was released as answer before this delta was reasoning: drop it; this delta's
    // reasoning holds all of it. Set once at most, and only before any reasoning was released.
    bool answer_was_reasoning = false;
};

class reasoning_splitter {
public:
    using clock = std::chrono::steady_clock;

    // starts_in_reasoning: the prompt already ended in "<think>\n", so the output begins inside the
    // reasoning (R1-Distill templates).
    explicit reasoning_splitter(bool starts_in_reasoning = false, clock::time_point now = clock::now());
    // For output that follows a prompt which already closed the reasoning ("</think>" written by
    // the template or the engine): all of it is answer, a "</think>" in it included.
    static reasoning_splitter answer_only(clock::time_point now = clock::now());

    // The next piece of generated text.
    reasoning_delta feed(std::string_view piece, clock::time_point now = clock::now());
    // End of generation: releases what was held back.
    reasoning_delta finish(clock::time_point now = clock::now());

    bool in_reasoning() const { return m_state == state::reasoning; }
    // From the start of the reasoning to its close (or to now while it runs, or to finish()).
    std::chrono::milliseconds reasoning_duration(clock::time_point now = clock::now()) const;
    // Everything emitted so far (after an answer_was_reasoning delta, as corrected).
    const std::string& reasoning() const { return m_reasoning; }
    const std::string& answer() const { return m_answer; }

private:
    enum class state { opening, reasoning, answer_start, answer };

    void emit_reasoning(std::string_view text, reasoning_delta& out);
    void emit_answer(std::string_view text, reasoning_delta& out);

    state m_state;
    std::string m_pending;  // text held back: a possible tag, or whitespace whose role is unknown
    std::string m_reasoning, m_answer;
    bool m_reasoning_started = false;  // a newline right after "<think>" is not part of it
    clock::time_point m_created{};
    clock::time_point m_started{};
    clock::time_point m_ended{};
    bool m_had_reasoning = false;
    bool m_closed = false;
    bool m_prompt_closed = false;  // answer_only()
};

}  // namespace deepdesk
