// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/openai_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "server/guarded_http.h"

namespace deepdesk::server {
namespace {

using json = nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// OpenAI's error object; `code` is null when empty.
json error_body(const std::string& message, const std::string& type, const std::string& code) {
    return {{"error",
             {{"message", message},
              {"type", type},
              {"param", nullptr},
              {"code", code.empty() ? json(nullptr) : json(code)}}}};
}

void send_error(httplib::Response& res, int status, const std::string& message,
                const std::string& type = "invalid_request_error", const std::string& code = "") {
    res.status = status;
    res.set_content(dump(error_body(message, type, code)), "application/json");
}

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

// Stop strings over streamed answer text: passes on what cannot be the start of a stop string,
// holds back the rest, and cuts the text where a stop string appears.
class stop_filter {
public:
    explicit stop_filter(std::vector<std::string> stops) : m_stops(std::move(stops)) {}

    std::string push(const std::string& text) {
        if (m_hit) {
            return {};
        }
        m_pending += text;
        std::size_t cut = std::string::npos;
        for (const auto& s : m_stops) {
            cut = std::min(cut, m_pending.find(s));
        }
        if (cut != std::string::npos) {
            m_hit = true;
            std::string out = m_pending.substr(0, cut);
            m_pending.clear();
            return out;
        }
        std::size_t hold = 0;  // the longest end of the text that begins a stop string
        for (const auto& s : m_stops) {
            hold = std::max(hold, partial_tag_at_end(m_pending, s));
        }
        std::string out = m_pending.substr(0, m_pending.size() - hold);
        m_pending.erase(0, m_pending.size() - hold);
        return out;
    }
    std::string flush() {
        std::string out = m_hit ? std::string() : m_pending;
        m_pending.clear();
        return out;
    }
    bool hit() const { return m_hit; }

private:
    std::vector<std::string> m_stops;
    std::string m_pending;
    bool m_hit = false;
};

// The tool calls in a model's answer, as the API returns them: {content, tool_calls}, or nothing
// when there are none, they are cut off, or an argument is not JSON (the answer is then returned
// as text, as the model wrote it).
struct api_tool_calls {
    std::string content;
    json calls = json::array();
};
std::optional<api_tool_calls> read_tool_calls(const std::string& answer, const std::string& id_prefix) {
    const parsed_tool_calls p = parse_tool_calls(answer);
    if (p.calls.empty() || !p.complete) {
        return std::nullopt;
    }
    api_tool_calls out;
    out.content = p.content;
    for (std::size_t i = 0; i < p.calls.size(); ++i) {
        const json args = json::parse(p.calls[i].arguments, nullptr, false);
        if (args.is_discarded() || !args.is_object()) {
            return std::nullopt;
        }
        out.calls.push_back({{"index", i},
                             {"id", id_prefix + std::to_string(i)},
                             {"type", "function"},
                             {"function", {{"name", p.calls[i].name}, {"arguments", p.calls[i].arguments}}}});
    }
    return out;
}

std::string completion_id() {
    static std::atomic<std::uint64_t> counter{0};
    std::mt19937_64 rng(std::random_device{}());
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx%04llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(counter++ & 0xffff));
    return buf;
}

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string finish_reason(const turn_result& r, const stop_filter& f) {
    if (f.hit()) {
        return "stop";
    }
    return (r.finish_reason == "length" || r.finish_reason == "context_full") ? "length" : "stop";
}

json usage(const turn_result& r) {
    return {{"prompt_tokens", r.prompt_tokens},
            {"completion_tokens", r.generated_tokens},
            {"total_tokens", r.prompt_tokens + r.generated_tokens},
            {"completion_tokens_details", {{"reasoning_tokens", r.reasoning_tokens}}}};
}

// One generation for a request, written as the endpoint's JSON or streamed as server-sent events:
// chat completions (reasoning_content apart from content) or text completions.
void answer(chat_engine& engine, std::mutex& turn, const std::string& model_id, gen_request parsed, bool chat,
            httplib::Response& res) {
    const std::string id = (chat ? "chatcmpl-" : "cmpl-") + completion_id();
    const std::int64_t created = now_seconds();
    const std::string object = chat ? "chat.completion" : "text_completion";
    const auto run = [&engine, chat](const gen_request& r, const std::function<void(const reasoning_delta&)>& on_delta,
                                     std::atomic<bool>* cancel) {
        if (chat && !r.tools.empty()) {
            // The tools go into the system prompt, in the format's own words.
            std::vector<chat_message> messages = r.messages;
            const std::string offer = tools_system_prompt(engine.format(), r.tools);
            if (!messages.empty() && messages.front().who == chat_message::role::system) {
                messages.front().content += "\n\n" + offer;
            } else {
                messages.insert(messages.begin(), chat_message{chat_message::role::system, offer});
            }
            return engine.generate(messages, r.gen, on_delta, cancel);
        }
        if (chat) {
            return engine.generate(r.messages, r.gen, on_delta, cancel);
        }
        return engine.complete(
            r.prompt, r.gen, [&](const std::string& text) { on_delta({{}, text}); }, cancel);
    };
    const auto choice = [chat](const std::string& reasoning, const std::string& text, bool delta) {
        if (!chat) {
            return json{{"index", 0}, {"text", text}, {"logprobs", nullptr}};
        }
        json m = delta ? json::object() : json{{"role", "assistant"}};
        if (!reasoning.empty()) {
            m["content"] = nullptr;
            m["reasoning_content"] = reasoning;
        }
        if (!text.empty() || !delta) {
            m["content"] = text;
        }
        return json{{"index", 0}, {delta ? "delta" : "message", m}};
    };
    if (!parsed.stream) {
        std::string reasoning, text;
        stop_filter filter(parsed.stop);
        std::atomic<bool> cancel{false};
        turn_result r;
        try {
            std::lock_guard lock(turn);
            r = run(
                parsed,
                [&](const reasoning_delta& d) {
                    if (d.answer_was_reasoning) {  // "</think>" with no "<think>": the text so far
                        text.clear();
                        filter = stop_filter(parsed.stop);
                    }
                    reasoning += d.reasoning;
                    text += filter.push(d.answer);
                    if (filter.hit()) {
                        cancel = true;
                    }
                },
                &cancel);
        } catch (const std::exception& e) {
            send_error(res, 400, e.what(), "invalid_request_error", "context_length_exceeded");
            return;
        }
        text += filter.flush();
        json c = choice(reasoning, text, false);
        c["finish_reason"] = finish_reason(r, filter);
        if (!parsed.tools.empty()) {
            if (auto calls = read_tool_calls(text, "call_" + id.substr(id.size() - 8) + "_")) {
                c = choice(reasoning, calls->content, false);
                if (calls->content.empty()) {
                    c["message"]["content"] = nullptr;
                }
                for (auto& call : calls->calls) {
                    call.erase("index");
                }
                c["message"]["tool_calls"] = calls->calls;
                c["finish_reason"] = "tool_calls";
            }
        }
        const json body = {{"id", id},         {"object", object},
                           {"created", created}, {"model", model_id},
                           {"choices", json::array({c})}, {"usage", usage(r)}};
        res.set_content(dump(body), "application/json");
        return;
    }
    auto request = std::make_shared<gen_request>(std::move(parsed));
    res.set_header("Cache-Control", "no-cache");
    res.set_chunked_content_provider("text/event-stream", [&turn, model_id, request, id, created, object,
                                                           chat, run, choice](std::size_t, httplib::DataSink& sink) {
        std::atomic<bool> cancel{false};  // the client went away, or a stop string appeared
        bool gone = false;
        const auto send = [&](json c, const json& finish, const json& use) {
            c["finish_reason"] = finish;
            json body = {{"id", id},
                         {"object", chat ? object + ".chunk" : object},
                         {"created", created},
                         {"model", model_id},
                         {"choices", json::array({c})}};
            if (!use.is_null()) {
                body["usage"] = use;
            }
            const std::string line = "data: " + dump(body) + "\n\n";
            if (!gone && !sink.write(line.data(), line.size())) {
                gone = true;  // the client went away: stop generating for it
                cancel = true;
            }
        };
        std::lock_guard lock(turn);
        if (chat) {
            send(json{{"index", 0}, {"delta", {{"role", "assistant"}, {"content", ""}}}}, nullptr, nullptr);
        }
        stop_filter filter(request->stop);
        std::string sent;  // the content sent so far
        std::string held;  // with tools: content not sent yet (a call, or what may begin one)
        bool in_calls = false;
        turn_result r;
        try {
            r = run(
                *request,
                [&](const reasoning_delta& d) {
                    std::string_view reasoning = d.reasoning;
                    if (d.answer_was_reasoning) {
                        // "</think>" with no "<think>": what went out as content was reasoning. It
                        // cannot be taken back; the rest of the reasoning goes as reasoning.
                        const auto first = sent.find_first_not_of(" \t\r\n");
                        const std::string_view was = first == std::string::npos
                                                         ? std::string_view()
                                                         : std::string_view(sent).substr(first);
                        if (reasoning.substr(0, was.size()) == was) {
                            reasoning.remove_prefix(was.size());
                        }
                        filter = stop_filter(request->stop);  // what it held back was reasoning too
                    }
                    if (!reasoning.empty()) {
                        send(choice(std::string(reasoning), "", true), nullptr, nullptr);
                    }
                    std::string text = filter.push(d.answer);
                    if (!request->tools.empty()) {
                        // Tool calls are held back until they are whole and checked.
                        held += text;
                        text.clear();
                        if (!in_calls) {
                            in_calls = tool_calls_start(held) != std::string::npos;
                            const std::size_t cut = tool_calls_text_end(held);
                            text = held.substr(0, cut);
                            held.erase(0, cut);
                        }
                    }
                    sent += text;
                    if (!text.empty()) {
                        send(choice("", text, true), nullptr, nullptr);
                    }
                    if (filter.hit()) {
                        cancel = true;
                    }
                },
                &cancel);
        } catch (const std::exception& e) {
            const std::string line = "data: " + dump(error_body(e.what(), "invalid_request_error", "")) + "\n\n";
            sink.write(line.data(), line.size());
            sink.done();
            return true;
        }
        std::string rest = held + filter.flush();
        if (in_calls) {
            if (auto calls = read_tool_calls(rest, "call_" + id.substr(id.size() - 8) + "_")) {
                json c = choice("", "", true);
                c["delta"]["tool_calls"] = calls->calls;
                send(c, nullptr, nullptr);
                send(choice("", "", true), "tool_calls", usage(r));
                if (gone || !sink.write("data: [DONE]\n\n", 14)) {
                    return false;
                }
                sink.done();
                return true;
            }
        }
        if (!rest.empty()) {  // no call after all (or one that is not valid): the text as written
            send(choice("", rest, true), nullptr, nullptr);
        }
        send(choice("", "", true), finish_reason(r, filter), usage(r));
        if (gone || !sink.write("data: [DONE]\n\n", 14)) {
            return false;
        }
        sink.done();
        return true;
    });
}

}  // namespace

openai_server::openai_server(chat_engine& engine, server_options options)
    : m_engine(engine),
      m_options(std::move(options)),
      m_http(std::make_unique<guarded_http_server>(guard_options{.workers = m_options.workers,
                                                                 .request_timeout = m_options.request_timeout,
                                                                 .per_client = m_options.connections_per_client})),
      m_generation(m_options.generation_lock != nullptr ? m_options.generation_lock : &m_own_lock) {
    if (m_options.model_id.empty()) {
        m_options.model_id = std::filesystem::path(engine.loaded_model().path()).stem().string();
    }
    routes();
}

openai_server::~openai_server() { stop(); }

int openai_server::bind() {
    // cpp-httplib listens with a backlog of 5, so a burst of clients (an editor opening several
    // requests, the load test's fifty) finds connections refused or reset. The listening socket is
    // kept when it is made and given the system's backlog once bound.
    int listening = -1;
    m_http->set_socket_options([&listening](int sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        listening = sock;
    });
    const int port = m_options.port == 0 ? m_http->bind_to_any_port(m_options.host)
                                         : (m_http->bind_to_port(m_options.host, m_options.port) ? m_options.port : -1);
    if (port < 0) {
        throw std::runtime_error("cannot listen on " + m_options.host + ":" + std::to_string(m_options.port) +
                                 " (is the port in use?)");
    }
    if (listening >= 0) {
        ::listen(listening, SOMAXCONN);
    }
    return port;
}

void openai_server::run() {
    m_in_run = true;  // before looking at m_stopping, as stop() sets that before looking at this
    if (!m_stopping) {
        m_http->listen_after_bind();
    }
    m_in_run = false;
}

std::string openai_server::answer_bytes(const std::string& request) { return m_http->answer_bytes(request); }

void openai_server::stop() {
    // cpp-httplib's stop() does nothing until listening has begun, and run() on another thread may
    // not have got there yet (a server switched on and off at once would then serve on for ever):
    // wait for it to begin, then stop it. A run() that comes later returns at once.
    m_stopping = true;
    while (m_in_run && !m_http->is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    m_http->stop();
}

namespace {

// The host part of a Host header or of an origin's authority: "[::1]:8080" -> "::1".
std::string host_part(std::string authority) {
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        return close == std::string::npos ? authority : authority.substr(1, close - 1);
    }
    const auto colon = authority.rfind(':');
    return colon == std::string::npos ? authority : authority.substr(0, colon);
}

bool is_ip_literal(const std::string& host) {
    return !host.empty() && (host.find(':') != std::string::npos ||
                             host.find_first_not_of("0123456789.") == std::string::npos);
}

bool is_loopback_name(const std::string& host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

}  // namespace

bool openai_server::host_allowed(const std::string& host_header) const {
    if (host_header.empty()) {
        return true;  // HTTP/1.0 clients; no browser sends none
    }
    std::string host = host_part(host_header);
    std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
    const bool any_address = m_options.host == "0.0.0.0" || m_options.host == "::";
    return is_loopback_name(host) || host == m_options.host ||
           (any_address && is_ip_literal(host));
}

bool openai_server::origin_allowed(const std::string& origin) const {
    return std::find(m_options.allowed_origins.begin(), m_options.allowed_origins.end(), origin) !=
           m_options.allowed_origins.end();
}

void openai_server::routes() {
    guarded_http_server& http = *m_http;
    http.set_payload_max_length(m_options.max_body_bytes);
    // Nothing about a failure inside the server goes out but its status (cpp-httplib would put the
    // exception's text in a header).
    http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        send_error(res, 500, "The server failed to answer this request.", "server_error");
    });
    http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
        using HR = httplib::Server::HandlerResponse;
        // A browser page must not reach the model: a name that resolves here by DNS rebinding is
        // refused by its Host; a page of another origin by its Origin (unless the user allowed it).
        if (!host_allowed(req.get_header_value("Host"))) {
            send_error(res, 403, "This server answers requests addressed to " + m_options.host +
                                     " only (Host: " + req.get_header_value("Host") + ").",
                       "invalid_request_error", "host_not_allowed");
            return HR::Handled;
        }
        const std::string origin = req.get_header_value("Origin");
        if (!origin.empty()) {
            if (!origin_allowed(origin)) {
                send_error(res, 403,
                           "Requests from web pages of " + origin +
                               " are refused; allow the origin in DeepDesk's server settings to use it.",
                           "invalid_request_error", "origin_not_allowed");
                return HR::Handled;
            }
            res.set_header("Access-Control-Allow-Origin", origin);
            res.set_header("Vary", "Origin");
        }
        if (req.method == "OPTIONS") {  // a CORS preflight from an allowed origin
            res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
            res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type");
            res.set_header("Access-Control-Max-Age", "600");
            res.status = 204;
            return HR::Handled;
        }
        if (req.method == "POST" && req.get_header_value("Content-Type").rfind("application/json", 0) != 0) {
            send_error(res, 415, "Send the request body as JSON, with 'Content-Type: application/json'.");
            return HR::Handled;
        }
        if (!m_options.api_key.empty() && req.get_header_value("Authorization") != "Bearer " + m_options.api_key) {
            send_error(res, 401, "Incorrect or missing API key: send 'Authorization: Bearer <key>'.",
                       "invalid_request_error", "invalid_api_key");
            return HR::Handled;
        }
        return HR::Unhandled;
    });
    http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) {
            return;
        }
        if (res.status == 404) {
            send_error(res, 404, "Unknown request URL: " + req.method + " " + req.path, "invalid_request_error",
                       "unknown_url");
        } else if (res.status == 413) {
            send_error(res, 413, "The request body is too large.");
        } else {
            send_error(res, res.status, "The request could not be handled (HTTP " + std::to_string(res.status) + ").");
        }
    });

    http.Get("/v1/models", [this](const httplib::Request&, httplib::Response& res) {
        const json body = {{"object", "list"},
                           {"data", json::array({{{"id", m_options.model_id},
                                                   {"object", "model"},
                                                   {"created", now_seconds()},
                                                   {"owned_by", "deepdesk"}}})}};
        res.set_content(dump(body), "application/json");
    });

    http.Post("/v1/chat/completions", [this](const httplib::Request& req, httplib::Response& res) {
        try {
            answer(m_engine, *m_generation, m_options.model_id, parse_chat(req.body, m_options.model_id), true, res);
        } catch (const request_error& e) {
            send_error(res, e.status, e.what(), "invalid_request_error", e.code);
        } catch (const json::exception&) {
            send_error(res, 400, "a field of the request has the wrong type");
        }
    });
    http.Post("/v1/completions", [this](const httplib::Request& req, httplib::Response& res) {
        try {
            answer(m_engine, *m_generation, m_options.model_id,
                   parse_completion(req.body, m_options.model_id, m_engine.supports_fim()), false, res);
        } catch (const request_error& e) {
            send_error(res, e.status, e.what(), "invalid_request_error", e.code);
        } catch (const json::exception&) {
            send_error(res, 400, "a field of the request has the wrong type");
        }
    });
}

}  // namespace deepdesk::server
