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
#include "server/openai_requests.h"

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
            const std::vector<chat_message> messages = offer_tools(engine.format(), r.messages, r.tools);
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

// Standard base64 (RFC 4648) of bytes: OpenAI's `encoding_format: "base64"` for embeddings, which
// the official SDKs ask for by default.
std::string base64(const unsigned char* bytes, std::size_t n) {
    static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((n + 2) / 3 * 4);
    for (std::size_t i = 0; i < n; i += 3) {
        const std::uint32_t v = static_cast<std::uint32_t>(bytes[i]) << 16 |
                                (i + 1 < n ? static_cast<std::uint32_t>(bytes[i + 1]) << 8 : 0U) |
                                (i + 2 < n ? static_cast<std::uint32_t>(bytes[i + 2]) : 0U);
        out += k_alphabet[(v >> 18) & 63];
        out += k_alphabet[(v >> 12) & 63];
        out += i + 1 < n ? k_alphabet[(v >> 6) & 63] : '=';
        out += i + 2 < n ? k_alphabet[v & 63] : '=';
    }
    return out;
}

// The texts of an embeddings request: `input` as a string or an array of strings.
std::vector<std::string> embedding_inputs(const json& body) {
    if (!body.contains("input")) {
        throw request_error(400, "'input' is required", "missing_input");
    }
    const json& input = body.at("input");
    std::vector<std::string> texts;
    if (input.is_string()) {
        texts.push_back(input.get<std::string>());
    } else if (input.is_array() && !input.empty()) {
        for (const json& item : input) {
            if (!item.is_string()) {
                throw request_error(400,
                                    "'input' must be a string or an array of strings (token ids are not taken: they "
                                    "would be another tokenizer's)",
                                    "invalid_input");
            }
            texts.push_back(item.get<std::string>());
        }
    } else {
        throw request_error(400, "'input' must be a string or a non-empty array of strings", "invalid_input");
    }
    if (texts.size() > 2048) {
        throw request_error(400, "at most 2048 inputs per request", "invalid_input");
    }
    return texts;
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
        json data = json::array({{{"id", m_options.model_id},
                                  {"object", "model"},
                                  {"created", now_seconds()},
                                  {"owned_by", "deepdesk"}}});
        if (const std::string embedding = m_options.embedding_model ? m_options.embedding_model() : std::string();
            !embedding.empty()) {
            data.push_back({{"id", embedding},
                            {"object", "model"},
                            {"created", now_seconds()},
                            {"owned_by", "deepdesk"}});
        }
        res.set_content(dump({{"object", "list"}, {"data", data}}), "application/json");
    });

    http.Post("/v1/embeddings", [this](const httplib::Request& req, httplib::Response& res) {
        try {
            const std::string embedding = m_options.embedding_model ? m_options.embedding_model() : std::string();
            if (embedding.empty() || !m_options.embed) {
                throw request_error(404,
                                    "No embedding model is loaded: choose one (deepdesk-cli serve --embedding-model, or "
                                    "Documents > Search by meaning in the app) to use embeddings.",
                                    "model_not_found");
            }
            const json body = json::parse(req.body);
            if (!body.is_object()) {
                throw request_error(400, "the request body must be a JSON object");
            }
            const std::vector<std::string> texts = embedding_inputs(body);
            const std::string format = body.value("encoding_format", std::string("float"));
            if (format != "float" && format != "base64") {
                throw request_error(400, "'encoding_format' must be 'float' or 'base64'", "invalid_encoding_format");
            }
            json data = json::array();
            std::size_t total = 0;
            {
                const std::lock_guard lock(m_embed_lock);
                for (std::size_t i = 0; i < texts.size(); ++i) {
                    std::size_t tokens = 0;
                    const std::vector<float> v = m_options.embed(texts[i], tokens);
                    if (v.empty()) {
                        throw request_error(503, "The embedding model was turned off.", "model_not_found");
                    }
                    total += tokens;
                    json item = {{"object", "embedding"}, {"index", i}};
                    if (format == "base64") {
                        item["embedding"] = base64(reinterpret_cast<const unsigned char*>(v.data()), v.size() * sizeof(float));
                    } else {
                        item["embedding"] = v;
                    }
                    data.push_back(std::move(item));
                }
            }
            const json out = {{"object", "list"},
                              {"data", data},
                              {"model", embedding},
                              {"usage", {{"prompt_tokens", total}, {"total_tokens", total}}}};
            res.set_content(dump(out), "application/json");
        } catch (const request_error& e) {
            send_error(res, e.status, e.what(), "invalid_request_error", e.code);
        } catch (const json::parse_error&) {
            send_error(res, 400, "the request body is not valid JSON");
        } catch (const json::exception&) {
            send_error(res, 400, "a field of the request has the wrong type");
        } catch (const std::exception& e) {
            send_error(res, 500, std::string("the text could not be embedded: ") + e.what(), "server_error");
        }
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
