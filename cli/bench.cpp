// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/bench.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <vector>

#include "engine/model.h"
#include "engine/sampler.h"
#include "engine/session.h"
#include "engine/thread_pool.h"

namespace deepdesk::cli {
namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Read bandwidth with `threads` threads over a buffer far larger than any cache: best of 5.
double read_bandwidth_gbs(int threads) {
    const std::size_t n = std::size_t{1} << 27;  // 128 Mi uint64 = 1 GiB
    std::vector<std::uint64_t> buf(n);
    thread_pool pool(threads);
    pool.parallel_for(static_cast<std::int64_t>(n), [&](int, std::int64_t b, std::int64_t e) {
        for (std::int64_t i = b; i < e; ++i) {
            buf[static_cast<std::size_t>(i)] = static_cast<std::uint64_t>(i);
        }
    });
    std::vector<std::uint64_t> sink(static_cast<std::size_t>(pool.size()) * 8);
    double best = 1e30;
    for (int r = 0; r < 5; ++r) {
        const auto t0 = clock_type::now();
        pool.parallel_for(static_cast<std::int64_t>(n), [&](int t, std::int64_t b, std::int64_t e) {
            std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            const std::uint64_t* p = buf.data();
            std::int64_t i = b;
            for (; i + 4 <= e; i += 4) {
                s0 += p[i];
                s1 ^= p[i + 1];
                s2 += p[i + 2];
                s3 ^= p[i + 3];
            }
            sink[static_cast<std::size_t>(t) * 8] += s0 + s1 + s2 + s3;
        });
        best = std::min(best, seconds_since(t0));
    }
    std::uint64_t total = 0;
    for (auto v : sink) {
        total += v;
    }
    if (total == 42) {
        std::fputs("", stderr);  // keeps the reads alive
    }
    return static_cast<double>(n * sizeof(std::uint64_t)) / best / 1e9;
}

}  // namespace

unsigned long long resident_bytes() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoull(line.substr(6)) * 1024ull;
        }
    }
    return 0;
}

int run_bench(const bench_options& o) {
    const double bandwidth = read_bandwidth_gbs(o.threads);
    const auto load_t0 = clock_type::now();
    const auto m = model::load(o.model);
    const double load_s = seconds_since(load_t0);
    const auto& c = m->config();

    // Weights read for one generated token: every matrix, except that the embedding gives one row.
    std::uint64_t weight_bytes = 0, embd_bytes = 0;
    for (const auto* t : m->file().tensors()) {
        weight_bytes += t->size;
        if (t->name == "token_embd.weight") {
            embd_bytes = t->size;
        }
    }
    const bool tied = m->find_tensor("output.weight") == nullptr;
    const std::uint64_t per_token =
        weight_bytes - (tied ? 0 : embd_bytes) + embd_bytes / static_cast<std::uint64_t>(c.n_vocab);

    session_params sp;
    sp.n_ctx = std::max(o.n_ctx, o.n_prompt + o.n_gen + 1);
    sp.n_batch = std::min(o.n_prompt, 512);
    sp.n_threads = o.threads;
    std::mt19937 rng(1);
    std::vector<std::int32_t> prompt(static_cast<std::size_t>(o.n_prompt));
    for (auto& t : prompt) {
        t = static_cast<std::int32_t>(rng() % static_cast<std::uint32_t>(c.n_vocab));
    }
    double pp_s = 0.0, rss_mb = 0.0;
    {
        session s(*m, sp);
        const auto pp_t0 = clock_type::now();
        s.evaluate(prompt);
        pp_s = seconds_since(pp_t0);
        rss_mb = static_cast<double>(resident_bytes()) / 1048576.0;  // with the prompt in the cache
    }

    // Generation as llama-bench measures it: n_gen tokens one at a time from an empty context
    // (a fresh session), so that both tools' tg figures mean the same; each next token is the
    // greedy pick from the logits.
    sampler_params greedy;
    greedy.temperature = 0.0f;
    sampler smp(greedy, c.n_vocab);
    session g(*m, sp);
    std::int32_t next = prompt.front();
    const std::uint64_t read_before = ops::weight_bytes_read();
    const auto tg_t0 = clock_type::now();
    for (int i = 0; i < o.n_gen; ++i) {
        g.evaluate(std::span(&next, 1));
        next = smp.sample(g.logits(), g.tokens());
    }
    const double tg_s = seconds_since(tg_t0);
    // What generation really read per token (a MoE model reads only the chosen experts), plus the
    // embedding row.
    const std::uint64_t read_per_token =
        (ops::weight_bytes_read() - read_before) / static_cast<std::uint64_t>(o.n_gen) +
        embd_bytes / static_cast<std::uint64_t>(c.n_vocab);
    const double pp_tps = o.n_prompt / pp_s;
    const double tg_tps = o.n_gen / tg_s;
    // KV read per generated token at the average position of the run.
    const double kv_read = static_cast<double>(m->impl().kv_bytes_per_token()) * (o.n_gen / 2.0);
    const double achieved = (static_cast<double>(read_per_token) + kv_read) * tg_tps / 1e9;

    if (o.json) {
        std::printf(
            "{\"model\": \"%s\", \"threads\": %d, \"n_prompt\": %d, \"n_gen\": %d, \"load_s\": %.3f, "
            "\"prompt_tok_s\": %.3f, \"gen_tok_s\": %.3f, \"weight_bytes_per_token\": %llu, "
            "\"weight_bytes_read_per_token\": %llu, "
            "\"kv_bytes_per_token_read\": %.0f, \"read_bandwidth_gb_s\": %.3f, \"gen_gb_s\": %.3f, "
            "\"memory_limit_fraction\": %.4f, \"rss_mb\": %.1f}\n",
            o.model.c_str(), o.threads, o.n_prompt, o.n_gen, load_s, pp_tps, tg_tps,
            static_cast<unsigned long long>(per_token), static_cast<unsigned long long>(read_per_token), kv_read,
            bandwidth, achieved, achieved / bandwidth, rss_mb);
        return 0;
    }
    std::printf("model:              %s (%s, %.2f GB of weights)\n", o.model.c_str(), c.architecture.c_str(),
                static_cast<double>(weight_bytes) / 1e9);
    std::printf("threads:            %d\n", o.threads);
    std::printf("read bandwidth:     %.2f GB/s (measured now, %d threads)\n", bandwidth, o.threads);
    std::printf("prompt (pp%d):     %.2f tok/s\n", o.n_prompt, pp_tps);
    std::printf("generation (tg%d): %.2f tok/s\n", o.n_gen, tg_tps);
    std::printf("bytes per token:    %.1f MB of weights read (all weights: %.1f MB) + %.1f MB of KV cache\n",
                static_cast<double>(read_per_token) / 1e6, static_cast<double>(per_token) / 1e6, kv_read / 1e6);
    std::printf("memory limit:       %.2f GB/s reached = %.1f%% of the measured bandwidth\n", achieved,
                100.0 * achieved / bandwidth);
    std::printf("resident memory:    %.1f MiB at a context of %lld (the file: %.1f MiB)\n", rss_mb,
                static_cast<long long>(sp.n_ctx), static_cast<double>(m->file().total_bytes()) / 1048576.0);
    return 0;
}

}  // namespace deepdesk::cli
