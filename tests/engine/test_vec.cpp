// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/convert.h"
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
