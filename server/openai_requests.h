// SPDX-License-Identifier: GPL-3.0-or-later
// Requests to the OpenAI-compatible server, read and checked: chat completions (messages, tool
// calls and results, tools, the thinking switch in every client's form) and text completions.
// Anything a client may not send is a request_error with the HTTP status and OpenAI's fields.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/chat_engine.h"
#include "engine/chat_format.h"

namespace deepdesk::server {

// A request the server refuses, with the HTTP status and the OpenAI error fields.
struct request_error : std::runtime_error {
    request_error(int s, const std::string& message, std::string c = {})
        : std::runtime_error(message), status(s), code(std::move(c)) {}
    int status;
    std::string code;
};

struct gen_request {
    std::vector<chat_message> messages;  // /v1/chat/completions
    std::string prompt;                  // /v1/completions (with the suffix folded in)
    generation_options gen;
    bool stream = false;
    std::vector<std::string> stop;
    std::vector<tool_spec> tools;  // offered to the model (none when tool_choice is "none")
};

// A /v1/chat/completions body, for the model named `model_id`.
gen_request parse_chat(const std::string& text, const std::string& model_id);
// A /v1/completions body; `fim`: the model has fill-in-the-middle tokens (a suffix is allowed).
gen_request parse_completion(const std::string& text, const std::string& model_id, bool fim);

}  // namespace deepdesk::server
