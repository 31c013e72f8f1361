// SPDX-License-Identifier: GPL-3.0-or-later
// The quantized dot-product kernels on one core with data in cache: multiply-adds per second for
// the single-token kernel and the four-token prompt kernel of each weight type, so that a change
// to a kernel can be judged apart from memory and threading. Alongside, the core's own ceiling for
// AVX2 int8 dot products (independent vpmaddubsw + vpmaddwd + vpaddd, 32 multiply-adds each, with
// nothing loaded) is measured in the same run, and each rate is printed as a fraction of it; where
// the AVX-512 VNNI kernels are in use, the ceiling is that of independent 512-bit vpdpbusd (64
// multiply-adds each) instead.
#include <algorithm>
#include <chrono>
#if defined(__x86_64__)
#include <immintrin.h>
#endif
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "engine/cpu_features.h"
#include "engine/kernels/gemm_amx.h"
#include "engine/kernels/quant_dot.h"
#include "engine/tensor_types.h"

namespace {

using namespace deepdesk;

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

#if defined(__x86_64__)
constexpr long k_chain_rounds = 2'000'000;

// One timed pass of eight independent maddubs/madd/add chains (32 multiply-adds each) on one
// core, k_chain_rounds rounds; returns its seconds.
__attribute__((target("avx2"))) double avx2_chains_pass() {
    __m256i acc[8], w[8];
    for (int i = 0; i < 8; ++i) {
        acc[i] = _mm256_setzero_si256();
        w[i] = _mm256_set1_epi8(static_cast<char>(i + 1));
    }
    const __m256i a = _mm256_set1_epi8(3), scale = _mm256_set1_epi16(2);
    const auto t0 = std::chrono::steady_clock::now();
    for (long k = 0; k < k_chain_rounds; ++k) {
        for (int i = 0; i < 8; ++i) {
            acc[i] = _mm256_add_epi32(acc[i], _mm256_madd_epi16(_mm256_maddubs_epi16(w[i], a), scale));
        }
        // The weights are opaque to the compiler each round, so nothing is hoisted.
        __asm__ volatile("" : "+x"(w[0]), "+x"(w[1]), "+x"(w[2]), "+x"(w[3]));
        __asm__ volatile("" : "+x"(w[4]), "+x"(w[5]), "+x"(w[6]), "+x"(w[7]));
    }
    const double seconds = seconds_since(t0);
    volatile int sink = 0;
    for (const __m256i& v : acc) {
        sink = sink + _mm256_extract_epi32(v, 0);
    }
    return seconds;
}

// The same for eight independent 512-bit vpdpbusd chains (64 multiply-adds each).
__attribute__((target("avx512f,avx512bw,avx512vnni"))) double vnni_chains_pass() {
    __m512i acc[8], w[8];
    for (int i = 0; i < 8; ++i) {
        acc[i] = _mm512_setzero_si512();
        w[i] = _mm512_set1_epi8(static_cast<char>(i + 1));
    }
    const __m512i a = _mm512_set1_epi8(3);
    const auto t0 = std::chrono::steady_clock::now();
    for (long k = 0; k < k_chain_rounds; ++k) {
        for (int i = 0; i < 8; ++i) {
            acc[i] = _mm512_dpbusd_epi32(acc[i], w[i], a);
        }
        __asm__ volatile("" : "+v"(w[0]), "+v"(w[1]), "+v"(w[2]), "+v"(w[3]));
        __asm__ volatile("" : "+v"(w[4]), "+v"(w[5]), "+v"(w[6]), "+v"(w[7]));
    }
    const double seconds = seconds_since(t0);
    volatile int sink = 0;
    for (const __m512i& v : acc) {
        int lanes[16];
        _mm512_storeu_si512(lanes, v);
        sink = sink + lanes[0];
    }
    return seconds;
}

// The best multiply-add rate (GMAC/s) of six passes, each of 8 chains x macs_per_step.
double peak_gmacs(double (*pass)(), double macs_per_step) {
    double best = 0.0;
    for (int k = 0; k < 6; ++k) {
        best = std::max(best, static_cast<double>(k_chain_rounds) * 8.0 * macs_per_step / pass() / 1e9);
    }
    return best;
}
#endif

}  // namespace

int main() {
    double peak = 0.0;
#if defined(__x86_64__)
    if (kernels::quant_dot_isa() >= isa_level::avx512) {
        std::printf("kernels: AVX-512 VNNI (checked against the reference on this CPU)\n");
        peak = peak_gmacs(vnni_chains_pass, 64.0);
        std::printf("core's AVX-512 VNNI int8 peak: %.1f GMAC/s (vpdpbusd zmm, nothing loaded)\n", peak);
    } else if (kernels::quant_dot_isa() >= isa_level::avx2) {
        std::printf("kernels: AVX2\n");
        peak = peak_gmacs(avx2_chains_pass, 32.0);
        std::printf("core's AVX2 int8 peak: %.1f GMAC/s (maddubs + madd + add, nothing loaded)\n", peak);
    }
#endif
    constexpr std::size_t cols = 1536;
    constexpr std::size_t rows = 64;  // weights ~ 60-120 KB: in L2, as in a prompt batch
    constexpr std::size_t tokens = 32;
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> byte(0, 255);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> x(cols * tokens);
    for (float& v : x) {
        v = normal(rng);
    }
    std::printf("%-8s %12s %12s %12s %12s %12s %10s\n", "type", "dot GMAC/s", "dot4 GMAC/s", "rows4 GMAC/s",
                "4x4 GMAC/s", "16x16 GMAC/s", "of peak");
    for (const tensor_type type : {tensor_type::q4_k, tensor_type::q6_k, tensor_type::q5_k, tensor_type::q8_0,
                                   tensor_type::q4_0, tensor_type::q5_0, tensor_type::iq4_nl}) {
        const auto& traits = traits_of(type);
        const std::size_t row = row_bytes(traits, cols);
        std::vector<std::uint8_t> w(row * rows);
        for (auto& b : w) {
            b = static_cast<std::uint8_t>(byte(rng));
        }
        const std::size_t act_row = kernels::activation_row_bytes(type, cols);
        std::vector<std::uint8_t> act(act_row * tokens);
        for (std::size_t t = 0; t < tokens; ++t) {
            kernels::quantize_activation_ref(type, x.data() + t * cols, act.data() + t * act_row, cols);
        }
        const kernels::dot_fn dot = kernels::dot_kernel(type);
        const kernels::dot4_fn dot4 = kernels::dot4_kernel(type);
        volatile float sink = 0.0f;
        // Multiply-adds per second of `pass_over_all` (every row against every token), best of 6.
        const auto rate = [&](const auto& pass_over_all) {
            double best = 0.0;
            for (int pass = 0; pass < 6; ++pass) {
                const auto t0 = std::chrono::steady_clock::now();
                std::size_t macs = 0;
                while (seconds_since(t0) < 0.1) {
                    pass_over_all();
                    macs += cols * rows * tokens;
                }
                best = std::max(best, static_cast<double>(macs) / seconds_since(t0) / 1e9);
            }
            return best;
        };
        const double rate1 = rate([&] {
            for (std::size_t t = 0; t < tokens; ++t) {
                for (std::size_t r = 0; r < rows; ++r) {
                    sink = sink + dot(w.data() + r * row, act.data() + t * act_row, cols);
                }
            }
        });
        const double rate4 = dot4 == nullptr ? 0.0 : rate([&] {
            float out[4];
            for (std::size_t t = 0; t + 4 <= tokens; t += 4) {
                for (std::size_t r = 0; r < rows; ++r) {
                    dot4(w.data() + r * row, act.data() + t * act_row, act_row, cols, out);
                    sink = sink + out[0];
                }
            }
        });
        const kernels::rows4_fn rows4 = kernels::rows4_kernel(type);
        const double rate_rows = rows4 == nullptr ? 0.0 : rate([&] {
            float out[4];
            for (std::size_t t = 0; t < tokens; ++t) {
                for (std::size_t r = 0; r + 4 <= rows; r += 4) {
                    rows4(w.data() + r * row, row, act.data() + t * act_row, cols, out);
                    sink = sink + out[0];
                }
            }
        });
        const kernels::tile4x4_fn tile = kernels::tile4x4_kernel(type);
        const double rate_tile = tile == nullptr ? 0.0 : rate([&] {
            float out[16];
            for (std::size_t t = 0; t + 4 <= tokens; t += 4) {
                for (std::size_t r = 0; r + 4 <= rows; r += 4) {
                    tile(w.data() + r * row, row, act.data() + t * act_row, act_row, cols, out);
                    sink = sink + out[0];
                }
            }
        });
        // The sixteen-row prompt kernel (AMX or AVX-512 VNNI) on a batch of 256 tokens, as a prompt
        // runs it: activations packed once, each call unpacking its sixteen rows.
        double rate_16 = 0.0;
        if (const kernels::amx_kernel* k16 = kernels::gemm16_for(type)) {
            constexpr std::int64_t batch = 256;
            std::vector<std::uint8_t> many(act_row * batch);
            for (std::int64_t t = 0; t < batch; ++t) {
                std::memcpy(many.data() + static_cast<std::size_t>(t) * act_row,
                            act.data() + static_cast<std::size_t>(t % tokens) * act_row, act_row);
            }
            std::vector<std::uint8_t> packed_buffer(kernels::amx_packed_bytes(type, cols, batch) + 64);
            auto* packed = reinterpret_cast<std::uint8_t*>(
                (reinterpret_cast<std::uintptr_t>(packed_buffer.data()) + 63) / 64 * 64);
            kernels::gemm16_pack(*k16, many.data(), act_row, cols, 0, batch / 16, packed);
            std::vector<float> y(rows * batch);
            rate_16 = rate([&] {
                          for (std::size_t r = 0; r < rows; r += 16) {
                              kernels::gemm16_run(*k16, {type, w.data() + r * row, row, cols, packed, batch,
                                                         y.data() + r, static_cast<std::int64_t>(rows)});
                          }
                          sink = sink + y[0];
                      }) *
                      static_cast<double>(batch) / static_cast<double>(tokens);
        }
        const double best = std::max({rate1, rate4, rate_rows, rate_tile, rate_16});
        const std::string name(traits.name);
        if (peak > 0.0) {
            std::printf("%-8s %12.1f %12.1f %12.1f %12.1f %12.1f %9.0f%%\n", name.c_str(), rate1, rate4, rate_rows,
                        rate_tile, rate_16, 100.0 * best / peak);
        } else {
            std::printf("%-8s %12.1f %12.1f %12.1f %12.1f %12.1f %10s\n", name.c_str(), rate1, rate4, rate_rows,
                        rate_tile, rate_16, "-");
        }
    }
    return 0;
}
