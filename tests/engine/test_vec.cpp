// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/convert.h"
#include "engine/kernels/float_dot.h"
#include "engine/kernels/kernel_table.h"
#include "engine/kernels/vec.h"

namespace deepdesk::kernels {
namespace {

TEST(VecKernels, EveryVariantAgreesWithTheReference) {
    std::mt19937 rng(17);
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (const auto& k : vec_variants()) {
        for (std::size_t n : {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 127, 128, 129, 1023}) {
            const std::string what = std::string(isa_name(k.isa)) + " n=" + std::to_string(n);
            std::vector<float> a(n), y_ref(n), y(n);
            std::vector<std::uint16_t> b(n);
            double magnitude = 0;
            for (std::size_t i = 0; i < n; ++i) {
                a[i] = d(rng);
                b[i] = f32_to_f16(d(rng));
                y_ref[i] = y[i] = d(rng);
                magnitude += std::fabs(a[i] * f16_to_f32(b[i]));
            }
            EXPECT_NEAR(k.dot_f32_f16(a.data(), b.data(), n), dot_f32_f16_ref(a.data(), b.data(), n),
                        1e-5 * magnitude + 1e-6)
                << what;
            axpy_f16_ref(0.37f, b.data(), y_ref.data(), n);
            k.axpy_f16(0.37f, b.data(), y.data(), n);
            for (std::size_t i = 0; i < n; ++i) {
                ASSERT_NEAR(y[i], y_ref[i], 1e-6f * (1.0f + std::fabs(y_ref[i]))) << what << " at " << i;
            }
        }
    }
}

// The run-of-rows kernels give each variant's row-by-row floats bit for bit (head sizes of the
// model families and odd ones, so both the 64-wide part and the rest are used).
TEST(VecKernels, RowRunsEqualTheirRowByRowKernels) {
    std::mt19937 rng(23);
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (const auto& k : vec_variants()) {
        for (std::size_t n : {7, 64, 100, 128, 192, 512}) {
            for (std::size_t rows : {1, 5, 37}) {
                const std::string what =
                    std::string(isa_name(k.isa)) + " n=" + std::to_string(n) + " rows=" + std::to_string(rows);
                const std::size_t stride = n + 3;
                std::vector<float> a(n), w(rows), y0(n), y1(n), out(rows);
                std::vector<std::uint16_t> b(rows * stride);
                for (auto& v : a) {
                    v = d(rng);
                }
                for (auto& v : w) {
                    v = d(rng);
                }
                for (auto& v : b) {
                    v = f32_to_f16(d(rng));
                }
                for (std::size_t i = 0; i < n; ++i) {
                    y0[i] = y1[i] = d(rng);
                }
                k.dot_rows_f16(a.data(), b.data(), stride, rows, n, out.data());
                for (std::size_t j = 0; j < rows; ++j) {
                    const float one = k.dot_f32_f16(a.data(), b.data() + j * stride, n);
                    ASSERT_EQ(std::memcmp(&out[j], &one, sizeof(float)), 0) << what << " row " << j;
                }
                k.weighted_sum_f16(w.data(), b.data(), stride, rows, n, y0.data());
                for (std::size_t j = 0; j < rows; ++j) {
                    k.axpy_f16(w[j], b.data() + j * stride, y1.data(), n);
                }
                ASSERT_EQ(std::memcmp(y0.data(), y1.data(), n * sizeof(float)), 0) << what;
            }
        }
    }
}

// The reference runtime's vector exponential is within a few units in the last place of expf, and
// its softmax sums and SiLU follow from it; -inf gives 0 (the padding of attention's softmax).
TEST(VecKernels, ExponentialAndSiluAgreeWithTheLibraryToAFewUlps) {
    std::mt19937 rng(29);
    std::uniform_real_distribution<float> u(-40.0f, 12.0f);
    for (const auto& k : vec_variants()) {
        for (std::size_t n : {1, 7, 16, 33, 100}) {
            const std::string what = std::string(isa_name(k.isa)) + " n=" + std::to_string(n);
            std::vector<float> x(n), g(n), up(n), out(n);
            for (std::size_t i = 0; i < n; ++i) {
                x[i] = u(rng);
                g[i] = u(rng) / 4.0f;
                up[i] = u(rng) / 8.0f;
            }
            x[n / 2] = -std::numeric_limits<float>::infinity();
            std::vector<float> e = x;
            const double sum = k.exp_sum(e.data(), n, 1.5f);
            double want_sum = 0.0;
            for (std::size_t i = 0; i < n; ++i) {
                const float want = std::exp(x[i] - 1.5f);
                ASSERT_NEAR(e[i], want, 4e-7f * want) << what << " at " << i;
                want_sum += want;
            }
            EXPECT_EQ(e[n / 2], 0.0f) << what;
            EXPECT_NEAR(sum, want_sum, 1e-6 * want_sum) << what;
            k.silu_mul(g.data(), up.data(), out.data(), n);
            for (std::size_t i = 0; i < n; ++i) {
                const float want = g[i] / (1.0f + std::exp(-g[i])) * up[i];
                ASSERT_NEAR(out[i], want, 1e-6f * (1.0f + std::fabs(want))) << what << " at " << i;
            }
        }
    }
}

// Attention's sums in either order, for one token and for a batch, agree with plain sums to
// float rounding; the single-token values follow the cache view's length (n_kv).
TEST(VecKernels, AttentionSumsAgreeWithPlainSums) {
    std::mt19937 rng(31);
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (const auto& k : vec_variants()) {
        for (std::size_t n : {64, 128, 100}) {
            for (std::size_t rows : {1, 20, 70}) {
                for (bool batch : {false, true}) {
                    const std::string what = std::string(isa_name(k.isa)) + " n=" + std::to_string(n) +
                                             " rows=" + std::to_string(rows) + (batch ? " batch" : " one");
                    const std::size_t stride = n + 16;
                    std::vector<float> q(n), p(rows), scores(rows), y(n);
                    std::vector<std::uint16_t> kv(rows * stride);
                    for (auto& v : q) {
                        v = f16_to_f32(f32_to_f16(d(rng)));
                    }
                    for (auto& v : p) {
                        v = std::fabs(d(rng));
                    }
                    for (auto& v : kv) {
                        v = f32_to_f16(d(rng));
                    }
                    k.attn_scores(q.data(), kv.data(), stride, rows, n, scores.data(), batch);
                    const std::size_t n_kv = (rows + 31) / 32 * 32;
                    k.attn_values(p.data(), kv.data(), stride, rows, n_kv, n, y.data(), batch);
                    for (std::size_t j = 0; j < rows; ++j) {
                        double want = 0.0, size = 0.0;
                        for (std::size_t i = 0; i < n; ++i) {
                            want += static_cast<double>(q[i]) * f16_to_f32(kv[j * stride + i]);
                            size += std::fabs(q[i] * f16_to_f32(kv[j * stride + i]));
                        }
                        ASSERT_NEAR(scores[j], want, 1e-6 * size + 1e-7) << what << " row " << j;
                    }
                    for (std::size_t i = 0; i < n; ++i) {
                        double want = 0.0, size = 0.0;
                        for (std::size_t j = 0; j < rows; ++j) {
                            want += static_cast<double>(p[j]) * f16_to_f32(kv[j * stride + i]);
                            size += std::fabs(p[j] * f16_to_f32(kv[j * stride + i]));
                        }
                        ASSERT_NEAR(y[i], want, 1e-6 * size + 1e-7) << what << " value " << i;
                    }
                }
            }
        }
    }
}

// F32/F16/BF16 rows in the reference runtime's one-token and batch orders agree with the plain
// reference dot products to float rounding, on every tier this CPU has.
TEST(FloatDots, BothOrdersAgreeWithTheReference) {
    std::mt19937 rng(37);
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (isa_level isa : {isa_level::avx2, isa_level::avx512}) {
        if (isa > detect_isa(host_cpu())) {
            continue;
        }
        for (tensor_type t : {tensor_type::f32, tensor_type::f16, tensor_type::bf16}) {
            const float_dot_pair pair = float_dots(t, isa);
            ASSERT_NE(pair.one, nullptr);
            ASSERT_NE(pair.batch, nullptr);
            const type_kernels& tk = kernels_for(t, "test");
            for (std::size_t n : {8, 40, 64, 100, 512, 1536}) {
                std::vector<float> w(n), a(n);
                for (std::size_t i = 0; i < n; ++i) {
                    w[i] = d(rng);
                    a[i] = d(rng);
                }
                const std::size_t bytes = traits_of(t).type_size * n;
                std::vector<std::uint8_t> wq(bytes), aq(bytes);
                tk.from_float(w.data(), wq.data(), n);
                tk.from_float(a.data(), aq.data(), n);
                const float want = tk.vec_dot(wq.data(), aq.data(), n);
                double size = 0.0;
                for (std::size_t i = 0; i < n; ++i) {
                    size += std::fabs(w[i] * a[i]);
                }
                const std::string what =
                    std::string(traits_of(t).name) + " " + std::string(isa_name(isa)) + " n=" + std::to_string(n);
                EXPECT_NEAR(pair.one(wq.data(), aq.data(), n), want, 1e-5 * size) << what;
                EXPECT_NEAR(pair.batch(wq.data(), aq.data(), n), want, 1e-5 * size) << what;
            }
        }
    }
    EXPECT_EQ(float_dots(tensor_type::q4_k, isa_level::avx2).one, nullptr);
}

TEST(VecKernels, ReferenceIsTheDefinition) {
    const float a[3] = {1.0f, -2.0f, 0.5f};
    const std::uint16_t b[3] = {f32_to_f16(2.0f), f32_to_f16(0.25f), f32_to_f16(-4.0f)};
    EXPECT_EQ(dot_f32_f16_ref(a, b, 3), 2.0f - 0.5f - 2.0f);
    float y[3] = {1.0f, 1.0f, 1.0f};
    axpy_f16_ref(2.0f, b, y, 3);
    EXPECT_EQ(y[0], 5.0f);
    EXPECT_EQ(y[1], 1.5f);
    EXPECT_EQ(y[2], -7.0f);
}

}  // namespace
}  // namespace deepdesk::kernels
