// SPDX-License-Identifier: GPL-3.0-or-later
// The fast kernels checked against the reference on random rows, and the AVX-512 kernels' check
// on the machine that runs them.
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/convert.h"
#include "engine/kernels/kernel_table.h"

namespace deepdesk::kernels {

namespace {

// Byte offsets of the f16 scale fields in a block of `type` (set to finite values by the check;
// random bytes there could be NaN or infinity).
std::vector<std::size_t> scale_offsets(tensor_type type) {
    switch (type) {
    case tensor_type::q4_1:  // d, m
    case tensor_type::q5_1:
    case tensor_type::q4_k:  // d, dmin
    case tensor_type::q5_k: return {0, 2};
    case tensor_type::q6_k: return {offsetof(block_q6_k, d)};
    default: return {0};  // d first
    }
}

// A weight row of `blocks` blocks of random bytes (finite random f16 scales) and four activation
// rows of random normal values, quantized by the reference.
struct random_case {
    std::size_t n = 0, stride = 0;
    std::vector<std::uint8_t> w, act;
};

random_case make_random_case(tensor_type type, std::size_t blocks, std::mt19937& rng) {
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const tensor_type_traits& tr = traits_of(type);
    random_case c;
    c.n = tr.block_size * blocks;
    c.w.resize(tr.type_size * blocks);
    for (auto& b : c.w) {
        b = static_cast<std::uint8_t>(byte(rng));
    }
    for (std::size_t b = 0; b < blocks; ++b) {
        for (const std::size_t off : scale_offsets(type)) {
            const std::uint16_t h = f32_to_f16(byte(rng) < 128 ? scale(rng) : -scale(rng));
            std::memcpy(c.w.data() + b * tr.type_size + off, &h, 2);
        }
    }
    c.stride = activation_row_bytes(type, c.n);
    c.act.resize(4 * c.stride);
    std::vector<float> x(c.n);
    for (int t = 0; t < 4; ++t) {
        for (auto& v : x) {
            v = normal(rng);
        }
        quantize_activation_ref(type, x.data(), c.act.data() + t * c.stride, c.n);
    }
    return c;
}

constexpr std::size_t k_check_block_counts[] = {1, 2, 3, 7, 16, 33};

// out[t] for tokens 0..3: the four-token kernel when there is one, else the one-token kernel.
void four_tokens(const kernel_pair& k, const random_case& c, float* out) {
    if (k.dot4 != nullptr) {
        k.dot4(c.w.data(), c.act.data(), c.stride, c.n, out);
        return;
    }
    for (int t = 0; t < 4; ++t) {
        out[t] = k.dot(c.w.data(), c.act.data() + t * c.stride, c.n);
    }
}

}  // namespace

double block_magnitude(tensor_type t, const std::uint8_t* w, const std::uint8_t* act, std::size_t n) {
    const std::size_t bs = traits_of(t).block_size;
    const std::size_t act_block = activation_row_bytes(t, bs);
    double sum = 0.0;
    for (std::size_t b = 0; b < n / bs; ++b) {
        sum += std::fabs(vec_dot_ref(t, w + b * traits_of(t).type_size, act + b * act_block, bs));
    }
    return sum;
}

std::string compare_with_reference(std::span<const kernel_pair> kernels, unsigned seed) {
    std::mt19937 rng(seed);
    for (const kernel_pair& k : kernels) {
        for (const std::size_t blocks : k_check_block_counts) {
            const random_case c = make_random_case(k.type, blocks, rng);
            float four[4];
            four_tokens(k, c, four);
            for (int t = 0; t < 4; ++t) {
                const std::uint8_t* a = c.act.data() + t * c.stride;
                const double want = vec_dot_ref(k.type, c.w.data(), a, c.n);
                const double tolerance = 2e-5 * block_magnitude(k.type, c.w.data(), a, c.n) + 1e-6;
                const double one = k.dot(c.w.data(), a, c.n);
                if (!(std::fabs(one - want) <= tolerance) || !(std::fabs(four[t] - want) <= tolerance)) {
                    return std::string(traits_of(k.type).name) + " n=" + std::to_string(c.n) + " token " +
                           std::to_string(t) + ": reference " + std::to_string(want) + ", one-token kernel " +
                           std::to_string(one) + ", four-token kernel " + std::to_string(four[t]);
                }
            }
        }
    }
    return {};
}

std::string compare_bit_for_bit(std::span<const kernel_pair> kernels, isa_level twin_isa, unsigned seed) {
    std::mt19937 rng(seed);
    for (const kernel_pair& k : kernels) {
        const kernel_pair twin{k.type, dot_kernel(k.type, twin_isa), dot4_kernel(k.type, twin_isa)};
        for (const std::size_t blocks : k_check_block_counts) {
            const random_case c = make_random_case(k.type, blocks, rng);
            float four[4], twin_four[4];
            four_tokens(k, c, four);
            four_tokens(twin, c, twin_four);
            for (int t = 0; t < 4; ++t) {
                const std::uint8_t* a = c.act.data() + t * c.stride;
                const float one = k.dot(c.w.data(), a, c.n), twin_one = twin.dot(c.w.data(), a, c.n);
                if (std::memcmp(&one, &twin_one, sizeof(float)) != 0 ||
                    std::memcmp(&four[t], &twin_four[t], sizeof(float)) != 0) {
                    return std::string(traits_of(k.type).name) + " n=" + std::to_string(c.n) + " token " +
                           std::to_string(t) + ": one-token " + std::to_string(one) + " vs " +
                           std::to_string(twin_one) + ", four-token " + std::to_string(four[t]) + " vs " +
                           std::to_string(twin_four[t]);
                }
            }
        }
    }
    return {};
}

std::span<const kernel_pair> avx512_kernels() {
    static const std::vector<kernel_pair> kernels = [] {
        std::vector<kernel_pair> out;
        for (const type_kernels& k : all_type_kernels()) {
            if (k.avx512.dot != nullptr) {
                out.push_back({k.type, k.avx512.dot, k.avx512.dot4});
            }
        }
        return out;
    }();
    return kernels;
}

bool avx512_kernels_usable() {
    static const bool usable = [] {
        const cpu_features& cpu = host_cpu();
        if (!(cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512_vnni && cpu.avx2 && cpu.fma && cpu.f16c)) {
            return false;
        }
        std::string mismatch = compare_with_reference(avx512_kernels(), 20261125);
        if (mismatch.empty()) {
            // The same floats as the AVX2 kernels, which the reference models are checked with.
            mismatch = compare_bit_for_bit(avx512_kernels(), isa_level::avx2, 20261126);
        }
        if (!mismatch.empty()) {
            std::fprintf(stderr, "deepdesk: the AVX-512 kernels fail their check on this CPU (%s); using AVX2\n",
                         mismatch.c_str());
            return false;
        }
        return true;
    }();
    return usable;
}

}  // namespace deepdesk::kernels
