// SPDX-License-Identifier: GPL-3.0-or-later
// cpp-httplib's server with what a server open to a network needs and cpp-httplib 0.11 lacks: a
// deadline for reading a whole request (headers and body), not only for each read, and limits on
// the connections that hold a worker without a request to run (slow senders, idle keep-alives).
// cpp-httplib serves one connection per worker; 64 clients that send a header line every few
// seconds would otherwise hold every worker and nobody else is answered (slowloris).
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace deepdesk::server {

struct guard_options {
    std::size_t workers = 64;
    // From the moment a connection waits for a request until the request is read whole.
    std::chrono::milliseconds request_timeout{20000};
    // How long a connection may wait for its first or next (kept-alive) request.
    std::chrono::milliseconds idle_timeout{5000};
    // A connection reading for longer than this may be cut when workers run short or when its
    // client holds more than `per_client` such connections; fresh ones never are.
    std::chrono::milliseconds grace{1000};
    std::size_t per_client = 16;
};

class guarded_http_server : public httplib::Server {
public:
    explicit guarded_http_server(guard_options options = {});
    ~guarded_http_server() override;
    guarded_http_server(const guarded_http_server&) = delete;
    guarded_http_server& operator=(const guarded_http_server&) = delete;

    // Route handlers, registered so that their connection counts as busy, not as waiting for its
    // request, from the moment the handler starts (the request is read whole by then): a
    // generation that takes minutes is never taken for a slow client. They hide cpp-httplib's own.
    guarded_http_server& Get(const std::string& pattern, Handler handler);
    guarded_http_server& Post(const std::string& pattern, Handler handler);
    // Answers the request held in `bytes` as if a client on 127.0.0.1 had sent it, without a
    // socket; returns the response's bytes (the fuzz target drives the server this way).
    std::string answer_bytes(const std::string& bytes);

private:
    struct connection {
        int fd;
        std::string client;
        bool reading = true;
        bool cut = false;
        std::chrono::steady_clock::time_point since;
    };

    bool process_and_close_socket(socket_t sock) override;
    Handler marking_read(Handler handler);
    // Until the connection's next request begins to arrive (false: idle too long, cut, or stopping).
    bool wait_for_request(const connection& c) const;
    void set_reading(connection& c, bool reading);
    void watch();
    void cut_locked(connection& c);

    guard_options m_options;
    mutable std::mutex m_mutex;
    std::list<connection> m_connections;  // every connection a worker holds
    std::condition_variable m_wake;
    bool m_quit = false;
    std::thread m_watcher;
};

}  // namespace deepdesk::server
