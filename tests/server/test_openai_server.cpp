// SPDX-License-Identifier: GPL-3.0-or-later
// The OpenAI-compatible server over HTTP on 127.0.0.1 with a scripted R1-style model (it reasons
// "Okay" and answers "Hi 4U!"): the model list, answers with reasoning_content apart, streamed as
// server-sent events or not, stop strings, the key, a client that goes away, and bad requests.
#include <gtest/gtest.h>

#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cstring>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "server/openai_server.h"
#include "tests/support/scripted_chat_model.h"

namespace deepdesk::server {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A server on a free port for the test's lifetime.
class Running {
public:
    explicit Running(const testing::scripted_chat_spec& spec, server_options o = {}) {
        m_path = (fs::temp_directory_path() /
                  ("deepdesk-server-" + std::to_string(::getpid()) + "-" + std::to_string(s_count++) + ".gguf"))
                     .string();
        testing::write_scripted_chat_model(m_path, spec);
        chat_engine_params p;
        p.model_path = m_path;
        p.n_ctx = 2048;  // room for a tools prompt in a byte-level vocabulary
        p.n_threads = 1;
        m_engine = std::make_unique<chat_engine>(p);
        o.port = 0;
        m_server = std::make_unique<openai_server>(*m_engine, o);
        m_port = m_server->bind();
        m_thread = std::thread([this] { m_server->run(); });
    }
    ~Running() {
        m_server->stop();
        m_thread.join();
        fs::remove(m_path);
    }
    httplib::Client client(const std::string& key = "") const {
        httplib::Client c("127.0.0.1", m_port);
        c.set_read_timeout(60, 0);
        if (!key.empty()) {
            c.set_bearer_token_auth(key);
        }
        return c;
    }
    const std::string& model_id() const { return m_server->model_id(); }
    int port() const { return m_port; }
    openai_server& server() { return *m_server; }

private:
    static inline int s_count = 0;
    std::string m_path;
    std::unique_ptr<chat_engine> m_engine;
    std::unique_ptr<openai_server> m_server;
    int m_port = 0;
    std::thread m_thread;
};

json chat_body(bool stream, int max_tokens = 64) {
    return {{"messages", {{{"role", "user"}, {"content", "What do you say?"}}}},
            {"stream", stream},
            {"temperature", 0},
            {"max_tokens", max_tokens}};
}

// The data lines of an SSE response, in order.
std::vector<std::string> events(const std::string& body) {
    std::vector<std::string> out;
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("data: ", 0) == 0) {
            out.push_back(line.substr(6));
        }
    }
    return out;
}

TEST(OpenAIServer, ListsTheModelAndAnswersWithTheReasoningApart) {
    Running s({});
    auto c = s.client();
    const auto models = c.Get("/v1/models");
    ASSERT_TRUE(models);
    ASSERT_EQ(models->status, 200);
    const json list = json::parse(models->body);
    EXPECT_EQ(list["data"][0]["id"], s.model_id());

    const auto r = c.Post("/v1/chat/completions", chat_body(false).dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = json::parse(r->body);
    EXPECT_EQ(j["object"], "chat.completion");
    EXPECT_EQ(j["choices"][0]["message"]["reasoning_content"], "Okay");
    EXPECT_EQ(j["choices"][0]["message"]["content"], "Hi 4U!");
    EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
    EXPECT_GT(j["usage"]["prompt_tokens"].get<int>(), 0);
    EXPECT_EQ(j["usage"]["total_tokens"].get<int>(),
              j["usage"]["prompt_tokens"].get<int>() + j["usage"]["completion_tokens"].get<int>());
}

TEST(OpenAIServer, StreamsReasoningDeltasThenContentDeltas) {
    Running s({});
    auto c = s.client();
    const auto r = c.Post("/v1/chat/completions", chat_body(true).dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200);
    EXPECT_NE(r->get_header_value("Content-Type").find("text/event-stream"), std::string::npos);
    const auto ev = events(r->body);
    ASSERT_GE(ev.size(), 4U);
    EXPECT_EQ(ev.back(), "[DONE]");
    std::string reasoning, content, finish;
    bool content_before_reasoning_ended = false;
    json usage;
    for (std::size_t i = 0; i + 1 < ev.size(); ++i) {
        const json j = json::parse(ev[i]);
        EXPECT_EQ(j["object"], "chat.completion.chunk");
        const json& d = j["choices"][0]["delta"];
        if (d.contains("reasoning_content")) {
            reasoning += d["reasoning_content"].get<std::string>();
            content_before_reasoning_ended |= !content.empty();
        }
        if (d.contains("content") && d["content"].is_string()) {
            content += d["content"].get<std::string>();
        }
        if (j["choices"][0]["finish_reason"].is_string()) {
            finish = j["choices"][0]["finish_reason"];
            usage = j["usage"];
        }
    }
    EXPECT_EQ(reasoning, "Okay");
    EXPECT_EQ(content, "Hi 4U!");
    EXPECT_FALSE(content_before_reasoning_ended);
    EXPECT_EQ(finish, "stop");
    EXPECT_GT(usage["completion_tokens"].get<int>(), 0);
}

// A model that answers with a tool call (DeepSeek's markers are single tokens of its vocabulary).
testing::scripted_chat_spec tool_calling(const std::string& arguments = "{}") {
    testing::scripted_chat_spec spec;
    spec.answer = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>ping<｜tool▁sep｜>" + arguments +
                  "<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
    return spec;
}

json with_tools(json body) {
    body["tools"] = json::array({{{"type", "function"},
                                  {"function",
                                   {{"name", "ping"},
                                    {"description", "Checks that a host answers"},
                                    {"parameters", {{"type", "object"}, {"properties", json::object()}}}}}}});
    return body;
}

TEST(OpenAIServer, ToolCallsComeBackAsToolCallsStreamedOrNot) {
    Running s(tool_calling());
    auto c = s.client();
    const auto r = c.Post("/v1/chat/completions", with_tools(chat_body(false)).dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = json::parse(r->body);
    const json& m = j["choices"][0]["message"];
    EXPECT_EQ(j["choices"][0]["finish_reason"], "tool_calls");
    EXPECT_TRUE(m["content"].is_null()) << m.dump();
    EXPECT_EQ(m["reasoning_content"], "Okay");
    ASSERT_EQ(m["tool_calls"].size(), 1u);
    EXPECT_EQ(m["tool_calls"][0]["type"], "function");
    EXPECT_EQ(m["tool_calls"][0]["function"]["name"], "ping");
    EXPECT_EQ(m["tool_calls"][0]["function"]["arguments"], "{}");
    EXPECT_FALSE(m["tool_calls"][0]["id"].get<std::string>().empty());

    // Streamed: the reasoning, then the call as one delta, never the markers as content.
    const auto st = c.Post("/v1/chat/completions", with_tools(chat_body(true)).dump(), "application/json");
    ASSERT_TRUE(st);
    std::string content, finish;
    json calls;
    for (const auto& e : events(st->body)) {
        if (e == "[DONE]") {
            continue;
        }
        const json chunk = json::parse(e);
        const json& d = chunk["choices"][0]["delta"];
        if (d.contains("content") && d["content"].is_string()) {
            content += d["content"].get<std::string>();
        }
        if (d.contains("tool_calls")) {
            calls = d["tool_calls"];
        }
        if (chunk["choices"][0]["finish_reason"].is_string()) {
            finish = chunk["choices"][0]["finish_reason"];
        }
    }
    EXPECT_EQ(content, "");
    EXPECT_EQ(finish, "tool_calls");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0]["index"], 0);
    EXPECT_EQ(calls[0]["function"]["name"], "ping");

    // The result goes back as a tool message, after the assistant's call.
    json body = with_tools(chat_body(false));
    body["messages"].push_back({{"role", "assistant"}, {"content", nullptr}, {"tool_calls", m["tool_calls"]}});
    body["messages"].push_back({{"role", "tool"}, {"tool_call_id", m["tool_calls"][0]["id"]}, {"content", "pong"}});
    const auto again = c.Post("/v1/chat/completions", body.dump(), "application/json");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->status, 200) << again->body;

    // Offered none: the model's text as it is.
    body = with_tools(chat_body(false));
    body["tool_choice"] = "none";
    const auto none = c.Post("/v1/chat/completions", body.dump(), "application/json");
    ASSERT_TRUE(none);
    EXPECT_EQ(json::parse(none->body)["choices"][0]["finish_reason"], "stop");
}

TEST(OpenAIServer, ToolCallArgumentsThatAreNotJsonComeBackAsText) {
    Running s(tool_calling("{x"));
    auto c = s.client();
    for (const bool stream : {false, true}) {
        const auto r = c.Post("/v1/chat/completions", with_tools(chat_body(stream)).dump(), "application/json");
        ASSERT_TRUE(r);
        ASSERT_EQ(r->status, 200) << r->body;
        std::string content;
        if (stream) {
            for (const auto& e : events(r->body)) {
                if (e != "[DONE]") {
                    const json d = json::parse(e)["choices"][0]["delta"];
                    content += d.contains("content") && d["content"].is_string() ? d["content"].get<std::string>() : "";
                }
            }
        } else {
            const json j = json::parse(r->body);
            EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
            EXPECT_FALSE(j["choices"][0]["message"].contains("tool_calls"));
            content = j["choices"][0]["message"]["content"];
        }
        EXPECT_NE(content.find("ping<｜tool▁sep｜>{x"), std::string::npos) << content;
    }
}

TEST(OpenAIServer, StopStringsCutTheAnswerStreamedOrNot) {
    Running s({});
    auto c = s.client();
    json body = chat_body(false);
    body["stop"] = {"4U"};
    const json j = json::parse(c.Post("/v1/chat/completions", body.dump(), "application/json")->body);
    EXPECT_EQ(j["choices"][0]["message"]["content"], "Hi ");
    EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
    body["stream"] = true;
    std::string content, finish;
    for (const auto& e : events(c.Post("/v1/chat/completions", body.dump(), "application/json")->body)) {
        if (e != "[DONE]") {
            const json choice = json::parse(e)["choices"][0];
            if (choice["delta"].contains("content") && choice["delta"]["content"].is_string()) {
                content += choice["delta"]["content"].get<std::string>();
            }
            if (choice["finish_reason"].is_string()) {
                finish = choice["finish_reason"];
            }
        }
    }
    EXPECT_EQ(content, "Hi ");
    EXPECT_EQ(finish, "stop");
}

TEST(OpenAIServer, MaxTokensEndsWithLength) {
    testing::scripted_chat_spec spec;
    spec.loop = true;  // never ends by itself
    Running s(spec);
    const json j =
        json::parse(s.client().Post("/v1/chat/completions", chat_body(false, 20).dump(), "application/json")->body);
    EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
    EXPECT_EQ(j["usage"]["completion_tokens"], 20);
}

// A streaming client that goes away stops its generation: the next request is answered,
// although the first asked for a million tokens of a model that never stops.
TEST(OpenAIServer, AClientThatGoesAwayCancelsItsGeneration) {
    testing::scripted_chat_spec spec;
    spec.loop = true;
    Running s(spec);
    {
        auto c = s.client();
        int chunks = 0;
        httplib::Request req;
        req.method = "POST";
        req.path = "/v1/chat/completions";
        req.body = chat_body(true, 1000000).dump();
        req.set_header("Content-Type", "application/json");
        req.content_receiver = [&](const char*, std::size_t, std::uint64_t, std::uint64_t) {
            return ++chunks < 5;  // then the client hangs up
        };
        const auto r = c.send(req);
        EXPECT_FALSE(r);
        EXPECT_GE(chunks, 5);
    }
    const auto r = s.client().Post("/v1/chat/completions", chat_body(false, 8).dump(), "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
}

// /v1/completions continues raw text: no chat format, no reasoning split.
TEST(OpenAIServer, CompletionsContinueRawText) {
    Running s({});
    auto c = s.client();
    // The scripted model's own generation prompt: it goes on with its reasoning, the end of it and
    // the answer, all as plain text.
    const json body = {{"prompt", "<\uff5cUser\uff5c>What do you say?<\uff5cAssistant\uff5c><think>\n"},
                       {"max_tokens", 40},
                       {"temperature", 0}};
    const auto r = c.Post("/v1/completions", body.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json j = json::parse(r->body);
    EXPECT_EQ(j["object"], "text_completion");
    const std::string text = j["choices"][0]["text"];
    EXPECT_EQ(text.rfind("Okay", 0), 0U) << text;
    EXPECT_NE(text.find("Hi 4U!"), std::string::npos) << text;
    EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
    // A suffix needs fill-in-the-middle tokens, which this vocabulary does not have.
    json fim = body;
    fim["suffix"] = "end";
    const auto refused = c.Post("/v1/completions", fim.dump(), "application/json");
    EXPECT_EQ(refused->status, 400);
    EXPECT_NE(refused->body.find("fill-in-the-middle"), std::string::npos);
}

// With a DeepSeek-Coder vocabulary the suffix becomes a fill-in-the-middle prompt whose markers
// are single tokens.
TEST(OpenAIServer, CompletionsWithASuffixFillTheMiddle) {
    const std::string model = DEEPDESK_SHARED_DIR "/testdata/models/tiny-llama.f16.gguf";
    if (!fs::exists(model)) {
        GTEST_SKIP() << "reference model not found: " << model << " (../shared is absent)";
    }
    chat_engine_params p;
    p.model_path = model;
    p.n_ctx = 256;
    p.n_threads = 1;
    chat_engine engine(p);
    ASSERT_TRUE(engine.supports_fim());
    server_options o;
    o.port = 0;
    openai_server server(engine, o);
    const int port = server.bind();
    std::thread t([&] { server.run(); });
    httplib::Client c("127.0.0.1", port);
    const json body = {{"prompt", "def add(a, b):\n    "}, {"suffix", "\n    return c\n"}, {"max_tokens", 4}};
    const auto r = c.Post("/v1/completions", body.dump(), "application/json");
    server.stop();
    t.join();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const auto want = engine.tok().encode(fim_prompt("def add(a, b):\n    ", "\n    return c\n"), true, true);
    EXPECT_EQ(json::parse(r->body)["usage"]["prompt_tokens"], want.size());
    EXPECT_EQ(json::parse(r->body)["usage"]["completion_tokens"], 4);
}

long resident_kb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return 0;
}

// Fifty streaming clients at once: every one gets the whole answer (they take turns for the
// model); then a thousand malformed requests, each refused. Done twice: the second round must not
// need more memory than the first left behind (nothing kept per request).
TEST(OpenAIServer, FiftyConcurrentStreamsAndAThousandMalformedRequests) {
    Running s({});
    const auto round = [&] {
        std::vector<std::string> answers(50);
        std::vector<std::thread> clients;
        for (std::size_t i = 0; i < answers.size(); ++i) {
            clients.emplace_back([&, i] {
                auto c = s.client();
                const auto r = c.Post("/v1/chat/completions", chat_body(true).dump(), "application/json");
                if (!r || r->status != 200) {
                    answers[i] = "(failed: " + (r ? std::to_string(r->status) : httplib::to_string(r.error())) + ")";
                    return;
                }
                for (const auto& e : events(r->body)) {
                    if (e == "[DONE]") {
                        answers[i] += "|done";
                        continue;
                    }
                    const json d = json::parse(e)["choices"][0]["delta"];
                    if (d.contains("content") && d["content"].is_string()) {
                        answers[i] += d["content"].get<std::string>();
                    }
                }
            });
        }
        for (auto& t : clients) {
            t.join();
        }
        for (const auto& a : answers) {
            EXPECT_EQ(a, "Hi 4U!|done");
        }
        auto c = s.client();
        std::mt19937 rng(5);
        for (int i = 0; i < 1000; ++i) {
            std::string junk = chat_body(i % 2 == 0).dump();
            junk.resize(rng() % junk.size());  // cut anywhere, and end in a raw control character
            junk += static_cast<char>(1 + rng() % 31);
            const auto r = c.Post("/v1/chat/completions", junk, "application/json");
            ASSERT_TRUE(r) << "request " << i;
            ASSERT_EQ(r->status, 400) << junk;
        }
        EXPECT_EQ(c.Post("/v1/chat/completions", chat_body(false).dump(), "application/json")->status, 200);
    };
    const long start = resident_kb();
    round();
    const long first = resident_kb();
    round();
    const long second = resident_kb();
    std::printf("50 streams and 1,000 malformed requests: resident memory %+ld kB, then %+ld kB for a second round\n",
                first - start, second - first);
#if !defined(__SANITIZE_ADDRESS__)  // AddressSanitizer keeps freed memory (LeakSanitizer checks instead)
    EXPECT_LT(second - first, 16 * 1024);
#endif
}

TEST(OpenAIServer, BadRequestsGetOpenAIErrors) {
    server_options o;
    o.api_key = "sk-local";
    o.max_body_bytes = 1 << 16;
    Running s({}, o);
    const auto code_of = [](const httplib::Result& r) { return r ? r->status : -1; };
    const auto error_of = [](const httplib::Result& r) { return json::parse(r->body)["error"]; };

    auto anonymous = s.client();
    auto wrong = s.client("sk-wrong");
    auto c = s.client("sk-local");
    EXPECT_EQ(code_of(anonymous.Get("/v1/models")), 401);
    EXPECT_EQ(error_of(wrong.Get("/v1/models"))["code"], "invalid_api_key");
    EXPECT_EQ(code_of(c.Get("/v1/models")), 200);

    const auto post = [&](const std::string& body) { return c.Post("/v1/chat/completions", body, "application/json"); };
    EXPECT_EQ(code_of(post("{not json")), 400);
    EXPECT_EQ(error_of(post("{not json"))["type"], "invalid_request_error");
    EXPECT_EQ(code_of(post(R"({"messages": []})")), 400);
    EXPECT_EQ(code_of(post(R"({"messages": [{"role": "user", "content": "x"}], "temperature": "hot"})")), 400);
    EXPECT_EQ(code_of(post(R"({"messages": [{"role": "wizard", "content": "x"}]})")), 400);
    const auto unknown = post(R"({"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]})");
    EXPECT_EQ(code_of(unknown), 404);
    EXPECT_EQ(error_of(unknown)["code"], "model_not_found");
    EXPECT_EQ(code_of(post(std::string(1 << 17, 'x'))), 413);
    EXPECT_EQ(code_of(c.Get("/v1/elsewhere")), 404);
    // Many malformed requests in a row: each answered, the server still serves.
    for (int i = 0; i < 200; ++i) {
        std::string junk = R"({"messages": [{"role": "user", "content": )" + std::to_string(i);
        junk.resize(static_cast<std::size_t>(i % 40));
        ASSERT_EQ(code_of(post(junk)), 400) << junk;
    }
    EXPECT_EQ(code_of(post(chat_body(false, 4).dump())), 200);
}

// A body nested far deeper than any request (it crashed the server: recursive JSON copies).
// /v1/embeddings with a stand-in embedding (a text's length and its first byte): floats and
// base64 give the same bytes, every input comes back in order, and what is not text is refused.
TEST(OpenAIServer, EmbeddingsAsFloatsOrBase64AndTheirErrors) {
    server_options o;
    std::string current = "tiny-embedder";
    o.embedding_model = [&current] { return current; };
    o.embed = [](const std::string& text, std::size_t& tokens) {
        tokens = text.size() + 2;
        return text == "fail" ? std::vector<float>()
                              : std::vector<float>{static_cast<float>(text.size()), -0.5f, 1e-3f};
    };
    Running s({}, o);
    auto c = s.client();
    const auto post = [&](const std::string& body) { return c.Post("/v1/embeddings", body, "application/json"); };
    const auto models = json::parse(c.Get("/v1/models")->body);
    ASSERT_EQ(models["data"].size(), 2u);
    EXPECT_EQ(models["data"][1]["id"], "tiny-embedder");

    auto r = post(R"({"model":"tiny-embedder","input":["ab","你好"]})");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const auto floats = json::parse(r->body);
    EXPECT_EQ(floats["object"], "list");
    EXPECT_EQ(floats["model"], "tiny-embedder");
    ASSERT_EQ(floats["data"].size(), 2u);
    EXPECT_EQ(floats["data"][1]["index"], 1);
    EXPECT_EQ(floats["data"][1]["embedding"][0], 6.0);  // 你好: six UTF-8 bytes
    EXPECT_EQ(floats["usage"]["prompt_tokens"], 4 + 8);

    r = post(R"({"input":"ab","encoding_format":"base64"})");
    ASSERT_EQ(r->status, 200) << r->body;
    // 2.0f, -0.5f, 0.001f as little-endian float32, in base64.
    std::vector<float> want{2.0f, -0.5f, 1e-3f};
    std::string bytes(reinterpret_cast<const char*>(want.data()), want.size() * sizeof(float));
    static const char* k_b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string decoded;
    const std::string text = json::parse(r->body)["data"][0]["embedding"];
    ASSERT_EQ(text.size(), 16u);  // 12 bytes
    for (std::size_t i = 0; i < text.size(); i += 4) {
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            v = v << 6 | static_cast<std::uint32_t>(std::strchr(k_b64, text[i + k]) - k_b64);
        }
        decoded += static_cast<char>(v >> 16);
        decoded += static_cast<char>((v >> 8) & 0xff);
        decoded += static_cast<char>(v & 0xff);
    }
    EXPECT_EQ(decoded, bytes);

    EXPECT_EQ(post(R"({"input":[1,2,3]})")->status, 400);
    EXPECT_EQ(post(R"({"input":[]})")->status, 400);
    EXPECT_EQ(post(R"({"model":"x"})")->status, 400);
    EXPECT_EQ(post(R"({"input":"x","encoding_format":"int8"})")->status, 400);
    EXPECT_EQ(post("{oops")->status, 400);
    EXPECT_EQ(post(R"({"input":"fail"})")->status, 503);
    current.clear();  // the model was turned off
    r = post(R"({"input":"x"})");
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "model_not_found");
    EXPECT_EQ(json::parse(c.Get("/v1/models")->body)["data"].size(), 1u);
}

TEST(OpenAIServer, DeeplyNestedJsonIsRefusedBeforeItIsBuilt) {
    Running s({});
    auto c = s.client();
    const std::size_t depth = 200000;
    std::string nested = R"({"messages": [{"role": "user", "content": )";
    nested += std::string(depth, '[') + std::string(depth, ']') + "}]}";
    const auto r = c.Post("/v1/chat/completions", nested, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_NE(r->body.find("nested"), std::string::npos) << r->body;
    const auto shallow = std::string(70, '[') + std::string(70, ']');
    EXPECT_EQ(c.Post("/v1/completions", R"({"prompt": )" + shallow + "}", "application/json")->status, 400);
    EXPECT_EQ(c.Post("/v1/chat/completions", chat_body(false, 4).dump(), "application/json")->status, 200);
}

// Fields of the wrong type are the client's error (400), and no failure shows its internals.
TEST(OpenAIServer, BadlyTypedFieldsAre400WithoutInternals) {
    Running s({});
    auto c = s.client();
    for (const char* body :
         {R"({"messages": [{"role": "user", "content": "x"}], "stream": "yes"})",
          R"({"messages": [{"role": "user", "content": "x"}], "stop": {"a": 1}})",
          R"({"messages": [{"role": "user", "content": 5}]})", R"({"messages": [{"role": 5, "content": "x"}]})"}) {
        const auto r = c.Post("/v1/chat/completions", body, "application/json");
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 400) << body << " -> " << r->body;
        EXPECT_FALSE(r->has_header("EXCEPTION_WHAT")) << body;
        EXPECT_EQ(json::parse(r->body)["error"]["type"], "invalid_request_error");
    }
    EXPECT_EQ(c.Post("/v1/completions", R"({"prompt": "x", "max_tokens": "many"})", "application/json")->status, 400);
}

// Web pages cannot drive the server: a cross-origin "simple" POST (text/plain, the CSRF kind), a
// foreign Origin, a Host that is not this server (DNS rebinding) and a foreign preflight are
// refused; an origin the user allowed gets CORS headers.
TEST(OpenAIServer, BrowsersOfOtherOriginsAndHostsAreRefused) {
    server_options o;
    o.allowed_origins = {"http://localhost:3000"};
    Running s({}, o);
    auto c = s.client();
    const std::string body = chat_body(false, 4).dump();
    const auto plain = c.Post("/v1/chat/completions", body, "text/plain");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->status, 415);

    const auto from = [&](const std::string& origin) {
        return c.Post("/v1/chat/completions", httplib::Headers{{"Origin", origin}}, body, "application/json");
    };
    const auto evil = from("https://evil.example");
    ASSERT_TRUE(evil);
    EXPECT_EQ(evil->status, 403);
    EXPECT_EQ(json::parse(evil->body)["error"]["code"], "origin_not_allowed");
    EXPECT_FALSE(evil->has_header("Access-Control-Allow-Origin"));
    const auto allowed = from("http://localhost:3000");
    ASSERT_TRUE(allowed);
    EXPECT_EQ(allowed->status, 200);
    EXPECT_EQ(allowed->get_header_value("Access-Control-Allow-Origin"), "http://localhost:3000");

    const auto rebound = c.Get("/v1/models", httplib::Headers{{"Host", "attacker.example:8080"}});
    ASSERT_TRUE(rebound);
    EXPECT_EQ(rebound->status, 403);
    EXPECT_EQ(json::parse(rebound->body)["error"]["code"], "host_not_allowed");
    for (const char* host : {"localhost:1234", "127.0.0.1", "[::1]:80", "LOCALHOST"}) {
        const auto ok = c.Get("/v1/models", httplib::Headers{{"Host", host}});
        ASSERT_TRUE(ok);
        EXPECT_EQ(ok->status, 200) << host;
    }

    const auto preflight = [&](const std::string& origin) {
        return c.Options("/v1/chat/completions",
                         httplib::Headers{{"Origin", origin}, {"Access-Control-Request-Method", "POST"}});
    };
    EXPECT_EQ(preflight("https://evil.example")->status, 403);
    const auto good = preflight("http://localhost:3000");
    ASSERT_TRUE(good);
    EXPECT_EQ(good->status, 204);
    EXPECT_EQ(good->get_header_value("Access-Control-Allow-Origin"), "http://localhost:3000");
    EXPECT_NE(good->get_header_value("Access-Control-Allow-Headers").find("Authorization"), std::string::npos);
}

// A client that sends a request slowly, as a slowloris attack does: the request line, then a
// header line every `gap`, for at most `for_at_most`. closed() tells when the server hung up.
class SlowSender {
public:
    SlowSender(int port, std::chrono::milliseconds gap,
               std::chrono::milliseconds for_at_most = std::chrono::seconds(15)) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            m_closed = true;
            return;
        }
        m_thread = std::thread([this, gap, for_at_most] {
            const auto until = std::chrono::steady_clock::now() + for_at_most;
            std::string line = "GET /v1/models HTTP/1.1\r\n";
            for (int i = 0; !m_stop && std::chrono::steady_clock::now() < until; ++i) {
                if (::send(m_fd, line.data(), line.size(), MSG_NOSIGNAL) < 0) {
                    break;
                }
                line = "X-Slow-" + std::to_string(i) + ": a\r\n";
                pollfd p{m_fd, POLLIN, 0};
                if (::poll(&p, 1, static_cast<int>(gap.count())) > 0) {
                    char byte = 0;
                    if (::recv(m_fd, &byte, 1, 0) <= 0) {
                        break;  // the server hung up
                    }
                }
            }
            m_closed = std::chrono::steady_clock::now() < until && !m_stop;
        });
    }
    ~SlowSender() {
        m_stop = true;
        if (m_thread.joinable()) {
            m_thread.join();
        }
        ::close(m_fd);
    }
    bool closed() const { return m_closed; }

private:
    int m_fd = -1;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_closed{false};
    std::thread m_thread;
};

template <typename Pred>
bool within(std::chrono::milliseconds limit, Pred pred) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

// A request must be read whole within the deadline, however steadily its bytes trickle in
// (cpp-httplib alone bounds only each read, so a header line every few seconds kept a worker
// forever).
TEST(OpenAIServer, ARequestSentSlowlyIsCutAtItsDeadline) {
    server_options o;
    o.request_timeout = std::chrono::milliseconds(1500);
    Running s({}, o);
    SlowSender slow(s.port(), std::chrono::milliseconds(200));
    EXPECT_TRUE(within(std::chrono::seconds(8), [&] { return slow.closed(); }))
        << "a request trickling in for 8 s was still being read (deadline 1.5 s)";
}

// Slowloris: more slow clients than workers. A fresh request is still answered: connections that
// have waited for their request longest are cut once the workers run short.
TEST(OpenAIServer, SlowClientsDoNotLockOutAFreshOne) {
    server_options o;
    o.workers = 8;
    Running s({}, o);
    std::vector<std::unique_ptr<SlowSender>> slow;
    for (int i = 0; i < 20; ++i) {
        slow.push_back(std::make_unique<SlowSender>(s.port(), std::chrono::milliseconds(500)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    httplib::Client fresh("127.0.0.1", s.port());
    fresh.set_read_timeout(12, 0);
    fresh.set_write_timeout(12, 0);
    const auto started = std::chrono::steady_clock::now();
    const auto models = fresh.Get("/v1/models");
    ASSERT_TRUE(models) << "no answer for a fresh client while 20 slow ones hold 8 workers";
    EXPECT_EQ(models->status, 200);
    std::printf(
        "a fresh request answered after %lld ms\n",
        static_cast<long long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count()));
}

// One client holds at most its share of connections that wait for a request: beyond it, its
// oldest are cut even while workers are plentiful; those within the share are left alone.
TEST(OpenAIServer, OneClientsSlowConnectionsAreLimited) {
    server_options o;
    o.connections_per_client = 4;
    Running s({}, o);
    std::vector<std::unique_ptr<SlowSender>> slow;
    for (int i = 0; i < 10; ++i) {
        slow.push_back(std::make_unique<SlowSender>(s.port(), std::chrono::milliseconds(300)));
    }
    const auto cut = [&] { return std::count_if(slow.begin(), slow.end(), [](const auto& c) { return c->closed(); }); };
    EXPECT_TRUE(within(std::chrono::seconds(6), [&] { return cut() >= 6; })) << cut() << " of 10 cut";
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    EXPECT_EQ(cut(), 6) << "connections within the client's share were cut too";
    // The client itself is still served.
    const auto models = s.client().Get("/v1/models");
    ASSERT_TRUE(models);
    EXPECT_EQ(models->status, 200);
}

// The fuzz target's way in: a request as bytes gets the same answers as over a socket.
TEST(OpenAIServer, ARequestGivenAsBytesIsAnswered) {
    Running s({});
    openai_server& server = s.server();
    const std::string models = server.answer_bytes("GET /v1/models HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(models.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << models;
    EXPECT_NE(models.find("\"object\":\"list\""), std::string::npos) << models;
    const std::string body = chat_body(false, 16).dump();
    const std::string chat = server.answer_bytes(
        "POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body);
    EXPECT_EQ(chat.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << chat;
    EXPECT_NE(chat.find("Hi 4U!"), std::string::npos) << chat;
    EXPECT_EQ(server.answer_bytes("BREW /pot HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 400", 0), 0u);
}

// Switched on and off at once (the app does so when a model is loaded right after the server is
// turned on): stop() called before run() has begun listening still ends it. It used to be lost,
// and the server served on with its owner waiting for it for ever (this test then hangs until
// ctest's timeout).
TEST(OpenAIServer, StoppedBeforeItListensItStillStops) {
    const std::string path =
        (fs::temp_directory_path() / ("deepdesk-stop-" + std::to_string(::getpid()) + ".gguf")).string();
    testing::write_scripted_chat_model(path);
    chat_engine_params p;
    p.model_path = path;
    p.n_ctx = 256;
    p.n_threads = 1;
    chat_engine engine(p);
    for (int i = 0; i < 200; ++i) {
        server_options o;
        o.port = 0;
        openai_server server(engine, o);
        server.bind();
        std::thread serving([&] { server.run(); });
        if (i % 2 == 1) {
            std::this_thread::yield();
        }
        server.stop();
        serving.join();
    }
    fs::remove(path);
}

}  // namespace
}  // namespace deepdesk::server
