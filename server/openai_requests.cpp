// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/openai_requests.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

namespace deepdesk::server {
namespace {

using json = nlohmann::json;

// The text of a message's content: a string, or an array of {type: "text", text} parts.
std::string content_text(const json& content) {
    if (content.is_string()) {
        return content.get<std::string>();
    }
    if (content.is_null()) {
        return {};
    }
    if (!content.is_array()) {
        throw request_error(400, "'content' must be a string or an array of text parts");
    }
    std::string out;
    for (const auto& part : content) {
        if (!part.is_object() || part.value("type", "") != "text" || !part.contains("text") ||
            !part["text"].is_string()) {
            throw request_error(400, "only text content parts are supported");
        }
        out += part["text"].get<std::string>();
    }
    return out;
}

template <typename T>
T number(const json& body, const char* key, T fallback, T low, T high) {
    if (!body.contains(key) || body[key].is_null()) {
        return fallback;
    }
    if (!body[key].is_number()) {
        throw request_error(400, std::string("'") + key + "' must be a number");
    }
    const auto v = body[key].get<double>();
    if (!(v >= static_cast<double>(low) && v <= static_cast<double>(high))) {
        throw request_error(400, std::string("'") + key + "' is out of range");
    }
    return static_cast<T>(v);
}

// Deeper than any real request; copying or printing JSON recurses, so nesting is refused while
// parsing, before anything is built from it.
constexpr int k_max_json_depth = 64;

json parse_body(const std::string& text, const std::string& model_id) {
    json body;
    try {
        body = json::parse(text, [](int depth, json::parse_event_t, json&) {
            if (depth > k_max_json_depth) {
                throw request_error(400, "the request body is nested more than " + std::to_string(k_max_json_depth) +
                                             " levels deep");
            }
            return true;
        });
    } catch (const json::exception&) {
        throw request_error(400, "the request body is not valid JSON");
    }
    if (!body.is_object()) {
        throw request_error(400, "the request body must be a JSON object");
    }
    if (body.contains("model") && (!body["model"].is_string() || body["model"].get<std::string>() != model_id)) {
        throw request_error(404, "The model '" + (body["model"].is_string() ? body["model"].get<std::string>() : "") +
                                     "' does not exist; this server has '" + model_id + "'",
                            "model_not_found");
    }
    return body;
}

// Sampling, length, streaming and stop strings, as both endpoints take them.
void parse_common(const json& body, int default_max_tokens, gen_request& r) {
    if (body.contains("stream") && !body["stream"].is_null()) {
        if (!body["stream"].is_boolean()) {
            throw request_error(400, "'stream' must be true or false");
        }
        r.stream = body["stream"].get<bool>();
    }
    r.gen.sampling = default_sampler_params();
    r.gen.sampling.temperature = number<float>(body, "temperature", 1.0f, 0.0f, 2.0f);
    r.gen.sampling.top_p = number<float>(body, "top_p", 1.0f, 0.0f, 1.0f);
    r.gen.sampling.top_k = 0;
    r.gen.sampling.min_p = 0.0f;
    r.gen.sampling.presence_penalty = number<float>(body, "presence_penalty", 0.0f, -2.0f, 2.0f);
    r.gen.sampling.frequency_penalty = number<float>(body, "frequency_penalty", 0.0f, -2.0f, 2.0f);
    const auto seed = number<double>(body, "seed", -1.0, -9.2e18, 9.2e18);
    r.gen.sampling.seed = seed >= 0 ? static_cast<std::uint64_t>(seed) : std::random_device{}();
    const int max_tokens = number<int>(body, "max_tokens", 0, 1, 1 << 20);
    r.gen.max_tokens =
        number<int>(body, "max_completion_tokens", max_tokens > 0 ? max_tokens : default_max_tokens, 1, 1 << 20);
    if (body.contains("stop") && !body["stop"].is_null()) {
        const json& st = body["stop"];
        if (st.is_string()) {
            r.stop.push_back(st.get<std::string>());
        } else if (st.is_array() && st.size() <= 16) {
            for (const auto& x : st) {
                if (!x.is_string()) {
                    throw request_error(400, "'stop' must be a string or an array of strings");
                }
                r.stop.push_back(x.get<std::string>());
            }
        } else {
            throw request_error(400, "'stop' must be a string or an array of at most 16 strings");
        }
        std::erase(r.stop, std::string());
    }
}

// The thinking switch and budget, in each form clients send it (-1: as the model likes, 0: off,
// N: at most N tokens of reasoning):
// - the DeepSeek platform's "thinking": {"type": "enabled" | "disabled"} (or true/false);
// - vLLM's and SGLang's "chat_template_kwargs": {"thinking" | "enable_thinking": bool};
// - OpenAI's "reasoning_effort": none/minimal (off), low (1,024), medium (4,096), high (as it likes);
// - a budget in tokens: "thinking": {"type": "enabled", "budget_tokens": N}, or "thinking_budget".
int parse_thinking(const json& body) {
    int budget = -1;
    const auto on_off = [](const json& v, const char* what) {
        if (!v.is_boolean()) {
            throw request_error(400, std::string("'") + what + "' must be true or false");
        }
        return v.get<bool>() ? -1 : 0;
    };
    if (body.contains("reasoning_effort") && !body["reasoning_effort"].is_null()) {
        const json& e = body["reasoning_effort"];
        const std::string effort = e.is_string() ? e.get<std::string>() : std::string();
        if (effort == "none" || effort == "minimal") {
            budget = 0;
        } else if (effort == "low") {
            budget = 1024;
        } else if (effort == "medium") {
            budget = 4096;
        } else if (effort == "high") {
            budget = -1;
        } else {
            throw request_error(400, "'reasoning_effort' must be none, minimal, low, medium or high");
        }
    }
    if (body.contains("chat_template_kwargs") && body["chat_template_kwargs"].is_object()) {
        const json& k = body["chat_template_kwargs"];
        for (const char* key : {"thinking", "enable_thinking"}) {
            if (k.contains(key) && !k[key].is_null()) {
                if (on_off(k[key], key) == 0) {
                    budget = 0;
                }
            }
        }
    }
    if (body.contains("thinking") && !body["thinking"].is_null()) {
        const json& t = body["thinking"];
        if (t.is_boolean()) {
            budget = t.get<bool>() ? budget : 0;
        } else if (t.is_object()) {
            const std::string type = t.value("type", std::string("enabled"));
            if (type == "disabled") {
                budget = 0;
            } else if (type != "enabled") {
                throw request_error(400, "'thinking.type' must be enabled or disabled");
            } else if (t.contains("budget_tokens")) {
                budget = number<int>(t, "budget_tokens", -1, 0, 1 << 20);
            }
        } else {
            throw request_error(400, "'thinking' must be true, false or {\"type\": \"enabled\" | \"disabled\"}");
        }
    }
    if (body.contains("thinking_budget") && !body["thinking_budget"].is_null()) {
        budget = number<int>(body, "thinking_budget", -1, -1, 1 << 20);
    }
    return budget;
}

}  // namespace

gen_request parse_chat(const std::string& text, const std::string& model_id) {
    const json body = parse_body(text, model_id);
    if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
        throw request_error(400, "'messages' must be a non-empty array");
    }
    gen_request r;
    for (const auto& m : body["messages"]) {
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
            throw request_error(400, "every message needs a 'role'");
        }
        const std::string role = m["role"].get<std::string>();
        chat_message cm{chat_message::role::user, content_text(m.value("content", json()))};
        if (role == "system" || role == "developer") {
            cm.who = chat_message::role::system;
        } else if (role == "assistant") {
            cm.who = chat_message::role::assistant;  // reasoning_content, if sent back, is ignored
            if (m.contains("tool_calls") && !m["tool_calls"].is_null()) {
                if (!m["tool_calls"].is_array()) {
                    throw request_error(400, "'tool_calls' must be an array");
                }
                for (const auto& c : m["tool_calls"]) {
                    if (!c.is_object() || !c.contains("function") || !c["function"].is_object() ||
                        !c["function"].contains("name") || !c["function"]["name"].is_string()) {
                        throw request_error(400, "every tool call needs a function with a name");
                    }
                    const json& f = c["function"];
                    const json args = f.value("arguments", json("{}"));
                    cm.tool_calls.push_back({c.value("id", std::string()), f["name"].get<std::string>(),
                                             args.is_string() ? args.get<std::string>() : args.dump()});
                }
            }
        } else if (role == "tool") {
            cm.who = chat_message::role::tool;
        } else if (role != "user") {
            throw request_error(400, "unsupported role '" + role + "'");
        }
        r.messages.push_back(std::move(cm));
    }
    if (r.messages.back().who != chat_message::role::user && r.messages.back().who != chat_message::role::tool) {
        throw request_error(400, "the last message must be from the user (or a tool's result)");
    }
    if (body.contains("tools") && !body["tools"].is_null()) {
        if (!body["tools"].is_array() || body["tools"].size() > 128) {
            throw request_error(400, "'tools' must be an array of at most 128 tools");
        }
        for (const auto& t : body["tools"]) {
            if (!t.is_object() || t.value("type", std::string("function")) != "function" || !t.contains("function") ||
                !t["function"].is_object() || !t["function"].contains("name") || !t["function"]["name"].is_string()) {
                throw request_error(400, "every tool must be {\"type\": \"function\", \"function\": {\"name\": ...}}");
            }
            const json& f = t["function"];
            const json desc = f.value("description", json(""));
            r.tools.push_back({f["name"].get<std::string>(), desc.is_string() ? desc.get<std::string>() : std::string(),
                               f.contains("parameters") ? f["parameters"].dump() : std::string("{}")});
        }
    }
    if (body.contains("tool_choice") && body["tool_choice"].is_string() && body["tool_choice"] == "none") {
        r.tools.clear();  // "auto", "required" and a named function all offer the tools
    }
    parse_common(body, 4096, r);
    r.gen.thinking_budget = parse_thinking(body);
    return r;
}

gen_request parse_completion(const std::string& text, const std::string& model_id, bool fim) {
    const json body = parse_body(text, model_id);
    gen_request r;
    if (body.contains("prompt") && body["prompt"].is_array() && body["prompt"].size() == 1 &&
        body["prompt"][0].is_string()) {
        r.prompt = body["prompt"][0].get<std::string>();
    } else if (body.contains("prompt") && body["prompt"].is_string()) {
        r.prompt = body["prompt"].get<std::string>();
    } else {
        throw request_error(400, "'prompt' must be a string (one prompt per request)");
    }
    if (body.contains("suffix") && !body["suffix"].is_null()) {
        if (!body["suffix"].is_string()) {
            throw request_error(400, "'suffix' must be a string");
        }
        if (!fim) {
            throw request_error(400, "this model has no fill-in-the-middle tokens, so 'suffix' cannot be used "
                                     "(DeepSeek-Coder models have them)");
        }
        r.prompt = fim_prompt(r.prompt, body["suffix"].get<std::string>());
    }
    parse_common(body, 16, r);  // OpenAI's default for completions
    return r;
}

}  // namespace deepdesk::server
