// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers the deepdesk-cli commands share.
#pragma once

#include <string>
#include <string_view>

#include "engine/chat_format.h"
#include "engine/model.h"
#include "engine/reasoning.h"
#include "engine/tokenizer.h"

namespace deepdesk::cli {

// "1.23 GiB" and the like.
std::string human_bytes(double bytes);
// A JSON string literal for `s` (quotes included).
std::string json_string(std::string_view s);
// The model's chat format: `name` when given (deepseek-llm, deepseek-coder, deepseek-v3,
// deepseek-r1), else its template, else guessed from its vocabulary.
deepdesk::chat_format chat_format_of(const deepdesk::model& m, const deepdesk::tokenizer& tok, const std::string& name);

// Prints what a reasoning_splitter releases to stdout as it streams: the reasoning dimmed, then a
// blank line and the answer.
class reasoning_printer {
public:
    void print(const deepdesk::reasoning_delta& d);

private:
    bool m_reasoning_shown = false;
    bool m_answer_started = false;
};

}  // namespace deepdesk::cli
