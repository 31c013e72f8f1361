// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <string>

namespace deepdesk::cli {

struct chat_options {
    std::string model;
    std::string system;
    std::string chat_format;
    std::int64_t n_ctx = 4096;
    int max_tokens = 1024;
    int thinking = -1;  // generation_options::thinking_budget
    float temperature = 0.6f;  // DeepSeek's advice for R1
    std::uint64_t seed = 0;
    int threads = 0;
};

// Interactive terminal chat on stdin/stdout: reasoning dimmed above the answer, turns kept in the
// prompt cache, and the commands /reset, /regen, /system TEXT, /help, /quit. Ctrl+C stops an answer.
int run_chat(const chat_options& o);

}  // namespace deepdesk::cli
