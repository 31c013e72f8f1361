// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "engine/thread_pool.h"

namespace deepdesk {
namespace {

TEST(ThreadPool, EveryIndexExactlyOnceOverManyJobs) {
    for (int threads : {1, 2, 3, 4}) {
        thread_pool pool(threads);
        EXPECT_EQ(pool.size(), threads);
        std::vector<std::atomic<int>> hits(1000);
        for (int job = 0; job < 3000; ++job) {
            const std::int64_t n = 1 + job % 997;
            pool.parallel_for(n, [&](int thread, std::int64_t begin, std::int64_t end) {
                ASSERT_GE(thread, 0);
                ASSERT_LT(thread, threads);
                for (std::int64_t i = begin; i < end; ++i) {
                    hits[static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed);
                }
            });
        }
        // Index i was inside n for every job with 1 + job % 997 > i.
        for (std::size_t i = 0; i < 997; ++i) {
            int expected = 0;
            for (int job = 0; job < 3000; ++job) {
                expected += (1 + job % 997) > static_cast<int>(i) ? 1 : 0;
            }
            ASSERT_EQ(hits[i].load(), expected) << "index " << i << " with " << threads << " threads";
        }
    }
}

TEST(ThreadPool, WorkersWakeAfterSleeping) {
    thread_pool pool(2);
    std::atomic<int> sum{0};
    for (int round = 0; round < 3; ++round) {
        // Long enough for the workers to stop spinning and sleep.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        pool.parallel_for(10, [&](int, std::int64_t b, std::int64_t e) { sum += static_cast<int>(e - b); });
    }
    EXPECT_EQ(sum.load(), 30);
}

}  // namespace
}  // namespace deepdesk
