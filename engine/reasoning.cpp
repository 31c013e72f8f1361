// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/reasoning.h"

#include <algorithm>

namespace deepdesk {
namespace {

constexpr std::string_view k_open = "<think>";
constexpr std::string_view k_close = "</think>";

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

std::size_t partial_tag_at_end(std::string_view text, std::string_view tag) {
    for (std::size_t n = std::min(text.size(), tag.size() - 1); n > 0; --n) {
        if (text.substr(text.size() - n) == tag.substr(0, n)) {
            return n;
        }
    }
    return 0;
}

reasoning_splitter::reasoning_splitter(bool starts_in_reasoning, clock::time_point now)
    : m_state(starts_in_reasoning ? state::reasoning : state::opening), m_created(now) {
    if (starts_in_reasoning) {
        m_started = now;
        m_had_reasoning = true;
    }
}

reasoning_splitter reasoning_splitter::answer_only(clock::time_point now) {
    reasoning_splitter s(false, now);
    s.m_state = state::answer;
    s.m_prompt_closed = true;
    return s;
}

void reasoning_splitter::emit_reasoning(std::string_view text, reasoning_delta& out) {
    if (!m_reasoning_started) {  // drop the newline(s) right after "<think>"
        const auto first = text.find_first_not_of("\r\n");
        if (first == std::string_view::npos) {
            return;
        }
        text.remove_prefix(first);
        m_reasoning_started = true;
    }
    out.reasoning.append(text);
    m_reasoning.append(text);
}

void reasoning_splitter::emit_answer(std::string_view text, reasoning_delta& out) {
    out.answer.append(text);
    m_answer.append(text);
}

reasoning_delta reasoning_splitter::feed(std::string_view piece, clock::time_point now) {
    reasoning_delta out;
    m_pending.append(piece);
    for (;;) {
        switch (m_state) {
        case state::opening: {
            // Leading whitespace, then "<think>" opens the reasoning; anything else is an answer.
            const auto first = m_pending.find_first_not_of(" \t\r\n");
            if (first == std::string::npos) {
                return out;  // only whitespace so far
            }
            const std::string_view rest = std::string_view(m_pending).substr(first);
            if (rest.size() < k_open.size() && k_open.substr(0, rest.size()) == rest) {
                return out;  // could still become "<think>"
            }
            if (rest.substr(0, k_open.size()) == k_open) {
                m_pending.erase(0, first + k_open.size());
                m_state = state::reasoning;
                m_started = now;
                m_had_reasoning = true;
                continue;
            }
            m_state = state::answer;
            continue;
        }
        case state::reasoning: {
            const auto close = m_pending.find(k_close);
            if (close != std::string::npos) {
                // Trailing whitespace before the tag belongs to neither part.
                std::string_view body = std::string_view(m_pending).substr(0, close);
                while (!body.empty() && is_space(body.back())) {
                    body.remove_suffix(1);
                }
                emit_reasoning(body, out);
                m_pending.erase(0, close + k_close.size());
                m_state = state::answer_start;
                m_ended = now;
                m_closed = true;
                continue;
            }
            // Hold back a possible partial tag and trailing whitespace (it may precede the tag).
            std::size_t keep = partial_tag_at_end(m_pending, k_close);
            std::size_t end = m_pending.size() - keep;
            while (end > 0 && is_space(m_pending[end - 1])) {
                --end;
            }
            emit_reasoning(std::string_view(m_pending).substr(0, end), out);
            m_pending.erase(0, end);
            return out;
        }
        case state::answer_start: {
            // The blank lines between "</think>" and the answer are dropped.
            const auto first = m_pending.find_first_not_of(" \t\r\n");
            if (first == std::string::npos) {
                m_pending.clear();
                return out;
            }
            m_pending.erase(0, first);
            m_state = state::answer;
            continue;
        }
        case state::answer: {
            if (m_had_reasoning || m_prompt_closed) {  // a later "</think>" is text the answer is about
                emit_answer(m_pending, out);
                m_pending.clear();
                return out;
            }
            const auto close = m_pending.find(k_close);
            if (close == std::string::npos) {
                // Hold back a possible partial "</think>".
                const std::size_t end = m_pending.size() - partial_tag_at_end(m_pending, k_close);
                emit_answer(std::string_view(m_pending).substr(0, end), out);
                m_pending.erase(0, end);
                return out;
            }
            // "</think>" with no "<think>": all of it so far was reasoning, begun with the output.
            // This delta says so and carries the whole of it (what it released as answer in
            // this call too).
            std::string body = m_answer + m_pending.substr(0, close);
            m_pending.erase(0, close + k_close.size());
            out = reasoning_delta{};
            out.answer_was_reasoning = true;
            m_answer.clear();
            while (!body.empty() && is_space(body.back())) {
                body.pop_back();
            }
            const auto first = body.find_first_not_of(" \t");
            emit_reasoning(std::string_view(body).substr(first == std::string::npos ? body.size() : first), out);
            m_started = m_created;
            m_had_reasoning = true;
            m_ended = now;
            m_closed = true;
            m_state = state::answer_start;
            continue;
        }
        }
    }
}

reasoning_delta reasoning_splitter::finish(clock::time_point now) {
    reasoning_delta out;
    switch (m_state) {
    case state::opening: {  // a partial "<think>" or only whitespace: that is the answer
        const auto first = m_pending.find_first_not_of(" \t\r\n");
        if (first != std::string::npos) {
            emit_answer(std::string_view(m_pending).substr(first), out);
        }
        break;
    }
    case state::reasoning: {  // never closed: all of it is reasoning
        std::string_view body = m_pending;
        while (!body.empty() && is_space(body.back())) {
            body.remove_suffix(1);
        }
        emit_reasoning(body, out);
        m_ended = now;
        m_closed = true;
        break;
    }
    case state::answer_start:
    case state::answer: emit_answer(m_pending, out); break;
    }
    m_pending.clear();
    m_state = state::answer;
    return out;
}

std::chrono::milliseconds reasoning_splitter::reasoning_duration(clock::time_point now) const {
    if (!m_had_reasoning) {
        return std::chrono::milliseconds(0);
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>((m_closed ? m_ended : now) - m_started);
}

}  // namespace deepdesk
