// SPDX-License-Identifier: GPL-3.0-or-later
// Streaming detokenization: token bytes in, whole UTF-8 characters out. A character whose bytes
// are spread over several tokens (common for Chinese and emoji in byte-level BPE) is held until
// it is complete, so a stream never shows half characters or replacement marks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/tokenizer.h"

namespace deepdesk {

class utf8_stream {
public:
    // Appends bytes; returns every whole character buffered so far, always valid UTF-8: bytes that
    // can never form a character (a sequence broken off, a stray continuation byte) become U+FFFD.
    std::string push(std::string_view bytes);
    // End of the stream: what is left (an incomplete character becomes U+FFFD).
    std::string finish();

private:
    std::string m_buffer;
};

class token_stream {
public:
    explicit token_stream(const tokenizer& tok) : m_tok(tok) {}
    std::string push(std::int32_t token) { return m_utf8.push(m_tok.token_bytes(token)); }
    std::string finish() { return m_utf8.finish(); }

private:
    const tokenizer& m_tok;
    utf8_stream m_utf8;
};

}  // namespace deepdesk
