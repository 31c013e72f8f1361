// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/thread_pool.h"

#include <algorithm>

namespace deepdesk {

thread_pool::thread_pool(int n_threads)
    : m_n_threads(n_threads > 0 ? n_threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {
    for (int i = 1; i < m_n_threads; ++i) {
        m_threads.emplace_back([this, i] { worker(i); });
    }
}

thread_pool::~thread_pool() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_start.notify_all();
    for (auto& t : m_threads) {
        t.join();
    }
}

void thread_pool::chunk(int index, std::int64_t& begin, std::int64_t& end) const {
    const std::int64_t per = m_n / m_n_threads;
    const std::int64_t extra = m_n % m_n_threads;
    begin = index * per + std::min<std::int64_t>(index, extra);
    end = begin + per + (index < extra ? 1 : 0);
}

void thread_pool::run(std::int64_t n, void* ctx, trampoline call) {
    if (m_n_threads == 1 || n == 1) {
        call(ctx, 0, 0, n);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        m_n = n;
        m_ctx = ctx;
        m_call = call;
        m_pending = m_n_threads - 1;
        ++m_generation;
    }
    m_start.notify_all();
    std::int64_t begin = 0, end = 0;
    chunk(0, begin, end);
    if (begin < end) {
        call(ctx, 0, begin, end);
    }
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return m_pending == 0; });
}

void thread_pool::worker(int index) {
    std::uint64_t seen = 0;
    for (;;) {
        std::unique_lock lock(m_mutex);
        m_start.wait(lock, [&] { return m_stop || m_generation != seen; });
        if (m_stop) {
            return;
        }
        seen = m_generation;
        std::int64_t begin = 0, end = 0;
        chunk(index, begin, end);
        void* ctx = m_ctx;
        const trampoline call = m_call;
        lock.unlock();
        if (begin < end) {
            call(ctx, index, begin, end);
        }
        lock.lock();
        if (--m_pending == 0) {
            m_done.notify_one();
        }
    }
}

}  // namespace deepdesk
