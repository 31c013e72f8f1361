// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/thread_pool.h"

#include <algorithm>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace deepdesk {
namespace {

// About 50-100 microseconds of polling before a worker goes to sleep.
constexpr int k_spin_rounds = 20000;

inline void cpu_relax() {
#if defined(__x86_64__)
    _mm_pause();
#endif
}

}  // namespace

thread_pool::thread_pool(int n_threads)
    : m_n_threads(n_threads > 0 ? n_threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency()))) {
    for (int i = 1; i < m_n_threads; ++i) {
        m_threads.emplace_back([this, i] { worker(i); });
    }
}

thread_pool::~thread_pool() {
    {
        std::lock_guard lock(m_mutex);
        m_stop.store(true);
    }
    m_start.notify_all();
    for (auto& t : m_threads) {
        t.join();
    }
}

void thread_pool::work(int index) {
    for (;;) {
        const std::int64_t begin = m_next.fetch_add(m_grain, std::memory_order_relaxed);
        if (begin >= m_n) {
            return;
        }
        m_call(m_ctx, index, begin, std::min(begin + m_grain, m_n));
    }
}

void thread_pool::run(std::int64_t n, void* ctx, trampoline call) {
    if (m_n_threads == 1 || n == 1) {
        call(ctx, 0, 0, n);
        return;
    }
    m_n = n;
    m_ctx = ctx;
    m_call = call;
    // About eight chunks per thread, handed out in order: a thread that the OS delays or that
    // meets slower memory takes fewer, and no thread idles while another has a long tail.
    m_grain = std::max<std::int64_t>(1, n / (8 * static_cast<std::int64_t>(m_n_threads)));
    m_next.store(0, std::memory_order_relaxed);
    m_pending.store(m_n_threads - 1, std::memory_order_relaxed);
    m_generation.fetch_add(1, std::memory_order_release);
    if (m_sleepers.load(std::memory_order_acquire) > 0) {
        { std::lock_guard lock(m_mutex); }
        m_start.notify_all();
    }
    work(0);
    for (int spins = 0; m_pending.load(std::memory_order_acquire) != 0; ++spins) {
        if (spins < k_spin_rounds) {
            cpu_relax();
        } else {
            std::this_thread::yield();
        }
    }
}

void thread_pool::worker(int index) {
    std::uint64_t seen = 0;
    for (;;) {
        // Poll for the next job, then sleep.
        int spins = 0;
        while (m_generation.load(std::memory_order_acquire) == seen && !m_stop.load(std::memory_order_relaxed) &&
               spins < k_spin_rounds) {
            cpu_relax();
            ++spins;
        }
        if (m_generation.load(std::memory_order_acquire) == seen && !m_stop.load()) {
            std::unique_lock lock(m_mutex);
            m_sleepers.fetch_add(1, std::memory_order_acq_rel);
            m_start.wait(lock, [&] { return m_stop.load() || m_generation.load(std::memory_order_acquire) != seen; });
            m_sleepers.fetch_sub(1, std::memory_order_acq_rel);
        }
        if (m_stop.load()) {
            return;
        }
        seen = m_generation.load(std::memory_order_acquire);
        work(index);
        m_pending.fetch_sub(1, std::memory_order_acq_rel);
    }
}

}  // namespace deepdesk
