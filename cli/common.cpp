// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/common.h"

#include "engine/chat_engine.h"

#include <cstdio>
#include <stdexcept>

namespace deepdesk::cli {

std::string human_bytes(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 4) {
        bytes /= 1024.0;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : "%.2f %s", bytes, units[u]);
    return buf;
}

std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof(buf), "\\u%04x", c);
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

deepdesk::chat_format chat_format_of(const deepdesk::model& m, const deepdesk::tokenizer& tok,
                                     const std::string& name) {
    return deepdesk::chat_format_for(m, tok, name);
}

void reasoning_printer::print(const deepdesk::reasoning_delta& d) {
    if (!d.reasoning.empty()) {
        std::printf("\033[2m%s\033[0m", d.reasoning.c_str());
        m_reasoning_shown = true;
    }
    if (!d.answer.empty()) {
        if (!m_answer_started && m_reasoning_shown) {
            std::printf("\n\n");
        }
        m_answer_started = true;
        std::fwrite(d.answer.data(), 1, d.answer.size(), stdout);
    }
    std::fflush(stdout);
}

}  // namespace deepdesk::cli
