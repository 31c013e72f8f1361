// SPDX-License-Identifier: GPL-3.0-or-later
// The local OpenAI-compatible server: GET /v1/models, POST /v1/chat/completions (streamed as
// server-sent events or not) and, with an embedding model, POST /v1/embeddings; DeepSeek's
// `reasoning_content` kept apart from `content` as the
// DeepSeek API does. One loaded model; requests wait their turn for it; a streaming client that
// goes away cancels its generation. Bound to 127.0.0.1 unless told otherwise; an optional key.
// Browsers cannot drive it: JSON bodies only, foreign Origins and Hosts refused (CSRF, DNS
// rebinding), CORS only for the origins the user allows.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/chat_engine.h"

namespace deepdesk::server {

class guarded_http_server;

struct server_options {
    std::string host = "127.0.0.1";
    int port = 8080;      // 0: any free port (bind() says which)
    std::string api_key;  // empty: no key asked for
    std::string model_id;  // the name clients use; empty: the model file's name
    std::size_t max_body_bytes = std::size_t{4} << 20;
    // Held while a request generates. The desktop app passes the lock its own chat turns take,
    // so the window and the API clients take turns on the one model; null: the server's own.
    std::mutex* generation_lock = nullptr;
    // Web pages (origins such as "http://localhost:3000") whose scripts may call the server; any
    // other page's request is refused, and so is a Host that is not this server's address.
    std::vector<std::string> allowed_origins;
    // Connections (see guarded_http.h): workers, each serving one connection at a time; the time a
    // client has to send a whole request from its first byte; how many connections that wait for
    // or send a request one client address may hold once the server is busy with them.
    std::size_t workers = 64;
    std::chrono::milliseconds request_timeout{20000};
    std::size_t connections_per_client = 16;
    // POST /v1/embeddings: the name of the embedding model in use ("" or unset: none, and the
    // route says so; it may change while the server runs, as the desktop app's choice does), and
    // a text's unit vector with the tokens it took. Called one request at a time.
    std::function<std::string()> embedding_model;
    std::function<std::vector<float>(const std::string& text, std::size_t& tokens)> embed;
};

class openai_server {
public:
    openai_server(chat_engine& engine, server_options options);
    ~openai_server();
    openai_server(const openai_server&) = delete;
    openai_server& operator=(const openai_server&) = delete;

    // Binds the address; returns the port. Throws std::runtime_error when it cannot.
    int bind();
    // Serves until stop() (from another thread or a signal handler's thread).
    void run();
    void stop();
    // Answers one HTTP request given as bytes, as if from 127.0.0.1, without listening; returns
    // the response's bytes (for the fuzz target).
    std::string answer_bytes(const std::string& request);
    const std::string& model_id() const { return m_options.model_id; }

private:
    void routes();
    bool host_allowed(const std::string& host_header) const;
    bool origin_allowed(const std::string& origin) const;

    chat_engine& m_engine;
    server_options m_options;
    std::unique_ptr<guarded_http_server> m_http;
    std::mutex m_own_lock;
    std::mutex m_embed_lock;  // one embedding request at a time
    std::mutex* m_generation;  // one generation at a time: the others wait here
    std::atomic<bool> m_stopping{false};  // stop() was called: run() serves no more
    std::atomic<bool> m_in_run{false};    // run() is under way on some thread
};

}  // namespace deepdesk::server
