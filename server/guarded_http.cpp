// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/guarded_http.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

namespace deepdesk::server {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int poll_one(int fd, short events, int timeout_ms) {
    pollfd p{fd, events, 0};
    int r = 0;
    do {
        r = ::poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    return r;
}

std::string address_of(const sockaddr_storage& addr, socklen_t len, int& port) {
    char host[NI_MAXHOST] = {};
    char serv[NI_MAXSERV] = {};
    if (::getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                      NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        port = 0;
        return {};
    }
    port = std::atoi(serv);
    return host;
}

// A connection's socket, read through a buffer (cpp-httplib reads request lines a byte at a time),
// every read bounded by the request's deadline as well as by the per-read timeout.
class deadline_stream final : public httplib::Stream {
public:
    deadline_stream(int fd, milliseconds read_timeout, milliseconds write_timeout)
        : m_fd(fd), m_read_timeout(read_timeout), m_write_timeout(write_timeout) {}

    void set_deadline(clock::time_point deadline) { m_deadline = deadline; }
    bool buffered() const { return m_pos < m_len; }

    bool is_readable() const override {
        return buffered() || poll_one(m_fd, POLLIN, read_wait_ms()) > 0;
    }
    bool is_writable() const override {
        if (poll_one(m_fd, POLLOUT, static_cast<int>(m_write_timeout.count())) <= 0) {
            return false;
        }
        // Still connected: nothing to read, or something that is not the end of the stream.
        if (poll_one(m_fd, POLLIN, 0) == 0) {
            return true;
        }
        char byte = 0;
        return ::recv(m_fd, &byte, 1, MSG_PEEK) > 0;
    }
    ssize_t read(char* ptr, size_t size) override {
        if (!buffered()) {
            const int wait = read_wait_ms();
            if (wait <= 0 || poll_one(m_fd, POLLIN, wait) <= 0) {
                return -1;  // the deadline passed, or the client sent nothing for the read timeout
            }
            ssize_t n = 0;
            do {
                n = ::recv(m_fd, m_buffer, sizeof m_buffer, 0);
            } while (n < 0 && errno == EINTR);
            if (n <= 0) {
                return n;
            }
            m_pos = 0;
            m_len = static_cast<std::size_t>(n);
        }
        const std::size_t n = std::min(size, m_len - m_pos);
        std::memcpy(ptr, m_buffer + m_pos, n);
        m_pos += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char* ptr, size_t size) override {
        if (!is_writable()) {
            return -1;
        }
        ssize_t n = 0;
        do {
            n = ::send(m_fd, ptr, size, MSG_NOSIGNAL);
        } while (n < 0 && errno == EINTR);
        return n;
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        ip = ::getpeername(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 ? address_of(addr, len, port) : "";
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage addr{};
        socklen_t len = sizeof addr;
        ip = ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0 ? address_of(addr, len, port) : "";
    }
    socket_t socket() const override { return m_fd; }

private:
    int read_wait_ms() const {
        const auto left = std::chrono::duration_cast<milliseconds>(m_deadline - clock::now());
        return static_cast<int>(std::max<milliseconds::rep>(0, std::min(left, m_read_timeout).count()));
    }

    int m_fd;
    milliseconds m_read_timeout;
    milliseconds m_write_timeout;
    clock::time_point m_deadline = clock::time_point::max();
    char m_buffer[4096];
    std::size_t m_pos = 0;
    std::size_t m_len = 0;
};

// A request held in memory, its response written to a string.
class memory_stream final : public httplib::Stream {
public:
    explicit memory_stream(const std::string& in) : m_in(in) {}
    const std::string& out() const { return m_out; }

    bool is_readable() const override { return m_pos < m_in.size(); }
    bool is_writable() const override { return true; }
    ssize_t read(char* ptr, size_t size) override {
        const std::size_t n = std::min(size, m_in.size() - m_pos);
        std::memcpy(ptr, m_in.data() + m_pos, n);
        m_pos += n;
        return static_cast<ssize_t>(n);
    }
    ssize_t write(const char* ptr, size_t size) override {
        m_out.append(ptr, size);
        return static_cast<ssize_t>(size);
    }
    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = "127.0.0.1";
        port = 40000;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = "127.0.0.1";
        port = 8080;
    }
    socket_t socket() const override { return INVALID_SOCKET; }

private:
    const std::string& m_in;
    std::size_t m_pos = 0;
    std::string m_out;
};

struct current {
    guarded_http_server* server = nullptr;
    void* connection = nullptr;
};
thread_local current t_current;

}  // namespace

guarded_http_server::guarded_http_server(guard_options options) : m_options(options) {
    new_task_queue = [workers = m_options.workers] { return new httplib::ThreadPool(workers); };
    m_watcher = std::thread([this] { watch(); });
}

guarded_http_server::~guarded_http_server() {
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    m_watcher.join();
}

guarded_http_server::Handler guarded_http_server::marking_read(Handler handler) {
    return [this, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
        if (t_current.server == this) {  // not when answer_bytes() runs it, without a connection
            set_reading(*static_cast<connection*>(t_current.connection), false);
        }
        handler(req, res);
    };
}

guarded_http_server& guarded_http_server::Get(const std::string& pattern, Handler handler) {
    httplib::Server::Get(pattern, marking_read(std::move(handler)));
    return *this;
}

guarded_http_server& guarded_http_server::Post(const std::string& pattern, Handler handler) {
    httplib::Server::Post(pattern, marking_read(std::move(handler)));
    return *this;
}

std::string guarded_http_server::answer_bytes(const std::string& bytes) {
    memory_stream stream(bytes);
    bool closed = false;
    process_request(stream, true, closed, nullptr);
    return stream.out();
}

void guarded_http_server::set_reading(connection& c, bool reading) {
    std::lock_guard lock(m_mutex);
    c.reading = reading;
    c.since = clock::now();
}

bool guarded_http_server::wait_for_request(const connection& c) const {
    const auto until = clock::now() + m_options.idle_timeout;
    while (svr_sock_ != INVALID_SOCKET) {
        {
            std::lock_guard lock(m_mutex);
            if (c.cut) {
                return false;
            }
        }
        const auto left = std::chrono::duration_cast<milliseconds>(until - clock::now()).count();
        if (left <= 0) {
            return false;
        }
        const int r = poll_one(c.fd, POLLIN, static_cast<int>(std::min<milliseconds::rep>(left, 100)));
        if (r != 0) {
            return r > 0;
        }
    }
    return false;
}

bool guarded_http_server::process_and_close_socket(socket_t sock) {
    deadline_stream stream(sock, milliseconds(read_timeout_sec_ * 1000 + read_timeout_usec_ / 1000),
                           milliseconds(write_timeout_sec_ * 1000 + write_timeout_usec_ / 1000));
    std::string client;
    int port = 0;
    stream.get_remote_ip_and_port(client, port);
    std::list<connection>::iterator self;
    {
        std::lock_guard lock(m_mutex);
        self = m_connections.insert(m_connections.end(), connection{sock, client, true, false, clock::now()});
    }
    m_wake.notify_all();
    t_current = {this, &*self};

    bool ok = false;
    for (std::size_t left = keep_alive_max_count_; left > 0; --left) {
        // A pipelined request already read in needs no waiting.
        if (!stream.buffered() && !wait_for_request(*self)) {
            break;
        }
        stream.set_deadline(clock::now() + m_options.request_timeout);
        bool closed = false;
        ok = process_request(stream, left == 1, closed, nullptr);
        set_reading(*self, true);  // for the next request on this connection
        if (!ok || closed) {
            break;
        }
    }

    t_current = {};
    {
        std::lock_guard lock(m_mutex);  // cut no more: the socket closes now
        m_connections.erase(self);
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
}

void guarded_http_server::cut_locked(connection& c) {
    c.cut = true;
    ::shutdown(c.fd, SHUT_RDWR);  // its reads and waits end at once; its worker closes it
}

void guarded_http_server::watch() {
    std::unique_lock lock(m_mutex);
    while (!m_quit) {
        m_wake.wait_for(lock, milliseconds(100));
        if (m_quit) {
            break;
        }
        const auto now = clock::now();
        std::vector<connection*> waiting;  // reading, not cut, oldest first
        std::map<std::string, std::size_t> per_client;
        for (auto& c : m_connections) {
            if (c.reading && !c.cut) {
                waiting.push_back(&c);
                ++per_client[c.client];
            }
        }
        std::sort(waiting.begin(), waiting.end(), [](const connection* a, const connection* b) { return a->since < b->since; });
        const auto old = [&](const connection* c) { return now - c->since >= m_options.grace; };
        // One client's slow connections beyond its share, the oldest first.
        for (auto* c : waiting) {
            if (old(c) && per_client[c->client] > m_options.per_client) {
                cut_locked(*c);
                --per_client[c->client];
            }
        }
        // Workers running short: the connections waiting longest go, until half the workers are
        // free of them again, so a fresh request always finds one.
        std::size_t count = static_cast<std::size_t>(
            std::count_if(waiting.begin(), waiting.end(), [](const connection* c) { return !c->cut; }));
        if (count + 1 >= m_options.workers) {
            for (auto* c : waiting) {
                if (count <= m_options.workers / 2) {
                    break;
                }
                if (!c->cut && old(c)) {
                    cut_locked(*c);
                    --count;
                }
            }
        }
    }
}

}  // namespace deepdesk::server
