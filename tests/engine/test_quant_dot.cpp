// SPDX-License-Identifier: GPL-3.0-or-later
// Quantized dot products: the reference against the plain float dot product of the dequantized
// rows, and every fast variant against the reference over awkward block counts.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/cpu_features.h"
#include "engine/kernels/dequant.h"
#include "engine/kernels/quant_dot.h"
#include "tests/support/tiny_models.h"

namespace deepdesk::kernels {
namespace {

const std::vector<tensor_type> k_types{tensor_type::f32,   tensor_type::f16,  tensor_type::bf16, tensor_type::q4_0,
                                       tensor_type::q4_1,  tensor_type::q5_0, tensor_type::q5_1, tensor_type::q8_0,
                                       tensor_type::q4_k,  tensor_type::q5_k, tensor_type::q6_k, tensor_type::iq4_nl,
                                       tensor_type::iq4_xs};
const std::vector<int> k_block_counts{1, 3, 7, 15, 17, 31, 33};

struct row_pair {
    std::vector<std::uint8_t> w;    // one weight row
    std::vector<float> x;           // activations
    std::vector<std::uint8_t> act;  // quantized activations
};

row_pair make_pair(tensor_type t, std::size_t n, std::mt19937& rng) {
    row_pair p;
    p.w = testing::random_matrix(t, static_cast<int>(n), 1, rng);
    std::normal_distribution<float> d(0.0f, 1.0f);
    p.x.resize(n);
    for (auto& v : p.x) {
        v = d(rng);
    }
    p.act.resize(activation_row_bytes(t, n));
    quantize_activation_ref(t, p.x.data(), p.act.data(), n);
    return p;
}

TEST(QuantDot, ReferenceIsCloseToTheFloatDotProduct) {
    std::mt19937 rng(11);
    for (tensor_type t : k_types) {
        const std::size_t n = traits_of(t).block_size == 1 ? 512 : 2048;
        const row_pair p = make_pair(t, n, rng);
        std::vector<float> w(n);
        dequantize_row_ref(t, p.w.data(), w.data(), n);
        double exact = 0, scale = 0;
        for (std::size_t i = 0; i < n; ++i) {
            exact += static_cast<double>(w[i]) * p.x[i];
            scale += std::fabs(static_cast<double>(w[i]) * p.x[i]);
        }
        const float got = vec_dot_ref(t, p.w.data(), p.act.data(), n);
        // 8-bit activations: error well under 1% of the sum of |terms|.
        EXPECT_NEAR(got, exact, 0.01 * scale + 1e-6) << traits_of(t).name;
    }
}

TEST(QuantDot, EveryVariantMatchesTheReference) {
    std::mt19937 rng(5);
    const isa_level best = detect_isa(host_cpu());
    for (isa_level isa : {isa_level::scalar, isa_level::avx2, isa_level::avx512}) {
        if (isa > best) {
            continue;
        }
        for (tensor_type t : k_types) {
            const dot_fn fast = dot_kernel(t, isa);
            const dot_fn ref = dot_kernel_ref(t);
            const bool blocked = traits_of(t).block_size > 1;
            for (int blocks : k_block_counts) {
                const std::size_t n = traits_of(t).block_size == 1
                                          ? static_cast<std::size_t>(blocks) * 16 + 3
                                          : traits_of(t).block_size * static_cast<std::size_t>(blocks);
                const row_pair p = make_pair(t, n, rng);
                const float want = ref(p.w.data(), p.act.data(), n);
                const float got = fast(p.w.data(), p.act.data(), n);
                const std::string what =
                    std::string(traits_of(t).name) + " " + std::string(isa_name(isa)) + " n=" + std::to_string(n);
                if (blocked) {
                    // Exact integer sums per block; only the order of the float additions differs.
                    EXPECT_NEAR(got, want, 1e-5 * block_magnitude(t, p.w.data(), p.act.data(), n) + 1e-7) << what;
                } else {
                    EXPECT_NEAR(got, want, 1e-5 * (std::fabs(want) + 1.0)) << what;
                }
            }
        }
    }
}

TEST(QuantDot, FourRowKernelsEqualFourReferenceCalls) {
    std::mt19937 rng(21);
    int checked = 0;
    for (tensor_type t : k_types) {
        const dot4_fn four = dot4_kernel(t, detect_isa(host_cpu()));
        if (four == nullptr) {
            continue;
        }
        for (int blocks : k_block_counts) {
            const std::size_t n = traits_of(t).block_size * static_cast<std::size_t>(blocks);
            const auto w = testing::random_matrix(t, static_cast<int>(n), 1, rng);
            const std::size_t stride = activation_row_bytes(t, n);
            std::vector<std::uint8_t> acts(4 * stride);
            std::normal_distribution<float> d(0.0f, 1.0f);
            std::vector<float> x(n);
            for (int k = 0; k < 4; ++k) {
                for (auto& v : x) {
                    v = d(rng);
                }
                quantize_activation_ref(t, x.data(), acts.data() + k * stride, n);
            }
            float out[4];
            four(w.data(), acts.data(), stride, n, out);
            for (int k = 0; k < 4; ++k) {
                const std::uint8_t* a = acts.data() + k * stride;
                EXPECT_NEAR(out[k], vec_dot_ref(t, w.data(), a, n), 1e-5 * block_magnitude(t, w.data(), a, n) + 1e-7)
                    << traits_of(t).name << " n=" << n << " row " << k;
            }
            ++checked;
        }
    }
    if (detect_isa(host_cpu()) >= isa_level::avx2) {
        EXPECT_GT(checked, 0);
    }
}

// The fast activation quantizers write the reference's bytes exactly: on random rows, on rows
// whose largest magnitude occurs twice with both signs, on all-zero blocks, on values that land
// exactly halfway between two integers, and on rows with NaN.
TEST(QuantDot, FastActivationQuantizersWriteTheReferenceBytes) {
    std::mt19937 rng(31);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    std::vector<std::vector<float>> rows;
    for (int k = 0; k < 20; ++k) {
        std::vector<float> x(1024);
        for (auto& v : x) {
            v = normal(rng);
        }
        rows.push_back(x);
    }
    std::vector<float> ties(1024, 0.0f);
    for (std::size_t j = 0; j < ties.size(); ++j) {
        ties[j] = static_cast<float>(static_cast<int>(j % 255) - 127) * 0.5f;  // many x.5 products
    }
    rows.push_back(ties);
    std::vector<float> twice = rows[0];
    twice[3] = 40.0f;
    twice[200] = -40.0f;  // same block of 256: the first one decides the sign
    twice[600] = -40.0f;
    twice[700] = 40.0f;
    rows.push_back(twice);
    std::vector<float> zeros = rows[1];
    std::fill(zeros.begin(), zeros.begin() + 256, 0.0f);
    rows.push_back(zeros);
    std::vector<float> nan = rows[2];
    nan[5] = std::nanf("");
    rows.push_back(nan);
    int compared = 0;
    for (tensor_type t : {tensor_type::q8_0, tensor_type::q4_k, tensor_type::f16}) {
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const std::size_t n = rows[r].size();
            std::vector<std::uint8_t> want(activation_row_bytes(t, n)), got(want.size(), 0xAB);
            quantize_activation_ref(t, rows[r].data(), want.data(), n);
            quantize_activation(t, rows[r].data(), got.data(), n);
            if (r + 1 == rows.size()) {
                // With a NaN the block holding it may differ (its value is undefined); the rest may not.
                const std::size_t block = activation_row_bytes(t, traits_of(t).block_size > 1 ? 256 : 1);
                const std::size_t skip = t == tensor_type::f16 ? 2 * 6 : block;
                EXPECT_TRUE(std::equal(want.begin() + static_cast<long>(skip), want.end(),
                                       got.begin() + static_cast<long>(skip)))
                    << traits_of(t).name << " row " << r;
                continue;
            }
            EXPECT_EQ(want, got) << traits_of(t).name << " row " << r;
            ++compared;
        }
    }
    EXPECT_GT(compared, 0);
}

// A token's result does not depend on whether it was computed alone or with three others, so a
// prompt evaluated in a batch gives the numbers it gives token by token.
TEST(QuantDot, FourTokenKernelsGiveTheOneTokenResultsBitForBit) {
    const std::vector<tensor_type> types = {tensor_type::q4_k, tensor_type::q6_k, tensor_type::q8_0,
                                            tensor_type::q4_0, tensor_type::q5_0, tensor_type::iq4_nl};
    for (isa_level isa : {isa_level::avx2, isa_level::avx512}) {
        if (isa > detect_isa(host_cpu())) {
            continue;
        }
        // The one-token kernels alone, against the same tier's four-token kernels.
        std::vector<kernel_pair> one_only;
        for (tensor_type t : types) {
            ASSERT_NE(dot4_kernel(t, isa), nullptr) << traits_of(t).name << " " << isa_name(isa);
            one_only.push_back({t, dot_kernel(t, isa), nullptr});
        }
        EXPECT_EQ(compare_bit_for_bit(one_only, isa, 8), "") << isa_name(isa);
    }
}

}  // namespace
}  // namespace deepdesk::kernels
