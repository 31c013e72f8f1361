// SPDX-License-Identifier: GPL-3.0-or-later
// A persistent pool of worker threads. parallel_for splits [0, n) into contiguous chunks that the
// threads take in turn (the caller works too) and returns when all chunks are done. No allocation per call.
// Workers spin briefly between jobs (a token's forward pass issues hundreds of short jobs) and
// sleep on a condition variable when idle longer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace deepdesk {

class thread_pool {
public:
    // n_threads <= 0: one per hardware thread.
    explicit thread_pool(int n_threads);
    ~thread_pool();
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;

    int size() const { return m_n_threads; }

    // fn(thread_index, begin, end) for the chunks of [0, n).
    template <typename Fn>
    void parallel_for(std::int64_t n, Fn&& fn) {
        if (n <= 0) {
            return;
        }
        run(n, &fn, [](void* ctx, int thread, std::int64_t begin, std::int64_t end) {
            (*static_cast<std::remove_reference_t<Fn>*>(ctx))(thread, begin, end);
        });
    }

private:
    using trampoline = void (*)(void*, int, std::int64_t, std::int64_t);
    void run(std::int64_t n, void* ctx, trampoline call);
    void worker(int index);
    void work(int index);

    int m_n_threads;
    std::vector<std::thread> m_threads;
    std::mutex m_mutex;
    std::condition_variable m_start;
    std::atomic<std::uint64_t> m_generation{0};
    std::atomic<int> m_pending{0};
    std::atomic<int> m_sleepers{0};
    std::atomic<bool> m_stop{false};
    // The job, written before m_generation is advanced and read after it is seen.
    std::int64_t m_n = 0;
    std::int64_t m_grain = 1;
    std::atomic<std::int64_t> m_next{0};
    void* m_ctx = nullptr;
    trampoline m_call = nullptr;
};

}  // namespace deepdesk
