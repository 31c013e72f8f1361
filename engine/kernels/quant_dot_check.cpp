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

// Four weight rows of `blocks` blocks of random bytes each (finite random f16 scales), w_stride
// bytes apart, and four activation rows of random normal values, quantized by the reference.
struct random_case {
    std::size_t n = 0, stride = 0, w_stride = 0;
    std::vector<std::uint8_t> w, act;
    const std::uint8_t* row(int r) const { return w.data() + static_cast<std::size_t>(r) * w_stride; }
    const std::uint8_t* token(int t) const { return act.data() + static_cast<std::size_t>(t) * stride; }
};

random_case make_random_case(tensor_type type, std::size_t blocks, std::mt19937& rng) {
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const tensor_type_traits& tr = traits_of(type);
    random_case c;
    c.n = tr.block_size * blocks;
    c.w_stride = tr.type_size * blocks;
    c.w.resize(4 * c.w_stride);
    for (auto& b : c.w) {
        b = static_cast<std::uint8_t>(byte(rng));
    }
    for (std::size_t b = 0; b < 4 * blocks; ++b) {
        for (const std::size_t off : f16_scale_offsets(type)) {
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

// Every row against every token by each kernel shape a pair has ([shape][row][token]; a shape the
// pair lacks repeats the one-token kernel): one token, four tokens, four rows, four by four.
constexpr const char* k_shape_names[] = {"one-token", "four-token", "four-row", "four-by-four"};
struct shape_results {
    float v[4][4][4];
};

shape_results run_shapes(const kernel_pair& k, const random_case& c) {
    shape_results s{};
    for (int r = 0; r < 4; ++r) {
        for (int t = 0; t < 4; ++t) {
            const float one = k.dot(c.row(r), c.token(t), c.n);
            for (auto& shape : s.v) {
                shape[r][t] = one;
            }
        }
        if (k.dot4 != nullptr) {
            k.dot4(c.row(r), c.act.data(), c.stride, c.n, s.v[1][r]);
        }
    }
    if (k.rows4 != nullptr) {
        for (int t = 0; t < 4; ++t) {
            float out[4];
            k.rows4(c.w.data(), c.w_stride, c.token(t), c.n, out);
            for (int r = 0; r < 4; ++r) {
                s.v[2][r][t] = out[r];
            }
        }
    }
    if (k.tile4x4 != nullptr) {
        float out[16];
        k.tile4x4(c.w.data(), c.w_stride, c.act.data(), c.stride, c.n, out);
        for (int r = 0; r < 4; ++r) {
            for (int t = 0; t < 4; ++t) {
                s.v[3][r][t] = out[r * 4 + t];
            }
        }
    }
    return s;
}

std::string where(const kernel_pair& k, const random_case& c, int shape, int r, int t) {
    return std::string(traits_of(k.type).name) + " n=" + std::to_string(c.n) + " row " + std::to_string(r) + " token " +
           std::to_string(t) + ", " + k_shape_names[shape] + " kernel";
}

}  // namespace

std::vector<std::size_t> f16_scale_offsets(tensor_type weight) {
    switch (weight) {
    case tensor_type::q4_1:  // d, m
    case tensor_type::q5_1:
    case tensor_type::q4_k:  // d, dmin
    case tensor_type::q5_k: return {0, 2};
    case tensor_type::q6_k: return {offsetof(block_q6_k, d)};
    default: return {0};  // d first
    }
}

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
            const shape_results got = run_shapes(k, c);
            for (int r = 0; r < 4; ++r) {
                for (int t = 0; t < 4; ++t) {
                    const double want = vec_dot_ref(k.type, c.row(r), c.token(t), c.n);
                    const double tolerance = 2e-5 * block_magnitude(k.type, c.row(r), c.token(t), c.n) + 1e-6;
                    for (int shape = 0; shape < 4; ++shape) {
                        if (!(std::fabs(got.v[shape][r][t] - want) <= tolerance)) {
                            return where(k, c, shape, r, t) + ": reference " + std::to_string(want) + ", kernel " +
                                   std::to_string(got.v[shape][r][t]);
                        }
                    }
                }
            }
        }
    }
    return {};
}

std::string compare_bit_for_bit(std::span<const kernel_pair> kernels, isa_level twin_isa, unsigned seed) {
    std::mt19937 rng(seed);
    for (const kernel_pair& k : kernels) {
        const kernel_pair twin{k.type, dot_kernel(k.type, twin_isa), dot4_kernel(k.type, twin_isa),
                               rows4_kernel(k.type, twin_isa), tile4x4_kernel(k.type, twin_isa)};
        for (const std::size_t blocks : k_check_block_counts) {
            const random_case c = make_random_case(k.type, blocks, rng);
            const shape_results got = run_shapes(k, c), want = run_shapes(twin, c);
            for (int shape = 0; shape < 4; ++shape) {
                for (int r = 0; r < 4; ++r) {
                    for (int t = 0; t < 4; ++t) {
                        // Every shape of both against the twin's one-token kernel.
                        const float a = got.v[shape][r][t], b = want.v[shape][r][t], one = want.v[0][r][t];
                        if (std::memcmp(&a, &one, sizeof(float)) != 0 || std::memcmp(&b, &one, sizeof(float)) != 0) {
                            return where(k, c, shape, r, t) + ": " + std::to_string(a) + ", twin " + std::to_string(b) +
                                   ", twin's one-token kernel " + std::to_string(one);
                        }
                    }
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
                out.push_back({k.type, k.avx512.dot, k.avx512.dot4, k.avx512.rows4, k.avx512.tile4x4});
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
