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
    // Find where the last, possibly incomplete, character starts.
    std::size_t cut = m_buffer.size();
    for (std::size_t back = 1; back <= 4 && back <= m_buffer.size(); ++back) {
        const auto c = static_cast<unsigned char>(m_buffer[m_buffer.size() - back]);
        if ((c & 0xC0) == 0x80) {
            continue;  // continuation byte: keep looking for the lead
        }
        const std::size_t need = sequence_length(c);
        if (need > back) {
            cut = m_buffer.size() - back;  // incomplete: hold it back
        }
        break;
    }
    std::string out = m_buffer.substr(0, cut);
    m_buffer.erase(0, cut);
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
