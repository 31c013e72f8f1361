// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/detokenizer.h"

namespace deepdesk {
namespace {

// Length a UTF-8 sequence announces by its lead byte; 0 for a continuation or invalid byte.
std::size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) {
        return 1;
    }
    if ((lead >> 5) == 0x6) {
        return 2;
    }
    if ((lead >> 4) == 0xE) {
        return 3;
    }
    if ((lead >> 3) == 0x1E) {
        return 4;
    }
    return 0;
}

}  // namespace

std::string utf8_stream::push(std::string_view bytes) {
    m_buffer.append(bytes);
    std::string out;
    std::size_t i = 0;
    while (i < m_buffer.size()) {
        const auto lead = static_cast<unsigned char>(m_buffer[i]);
        const std::size_t need = sequence_length(lead);
        if (need == 0) {  // a stray continuation or invalid byte
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        std::size_t have = 1;
        while (have < need && i + have < m_buffer.size() &&
               (static_cast<unsigned char>(m_buffer[i + have]) & 0xC0) == 0x80) {
            ++have;
        }
        if (have == need) {
            out.append(m_buffer, i, need);
            i += need;
        } else if (i + have == m_buffer.size()) {
            break;  // incomplete at the end: wait for the next token
        } else {
            out += "\xEF\xBF\xBD";  // broken off by a byte that does not continue it
            i += have;
        }
    }
    m_buffer.erase(0, i);
    return out;
}

std::string utf8_stream::finish() {
    std::string out;
    if (!m_buffer.empty()) {
        out = "\xEF\xBF\xBD";  // U+FFFD for bytes that never became a character
    }
    m_buffer.clear();
    return out;
}

}  // namespace deepdesk
