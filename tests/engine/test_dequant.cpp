// SPDX-License-Identifier: GPL-3.0-or-later
// Each block layout restated element by element ("where does element e come from?"), independently
// of the engine's block loops, and compared with dequantize_row_ref on random blocks.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/convert.h"
#include "engine/kernels/dequant.h"
#include "tests/support/reference_layouts.h"

namespace deepdesk::kernels {
namespace {

TEST(Dequant, EveryTypeMatchesTheLayoutElementByElement) {
    const auto& layouts = testing::quantized_layouts();
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> scale(-2.0f, 2.0f);
    for (const auto& lay : layouts) {
        const auto& t = traits_of(lay.type);
        for (int blocks : {1, 3}) {
            std::vector<std::uint8_t> data(t.type_size * static_cast<std::size_t>(blocks));
            for (auto& b : data) {
                b = static_cast<std::uint8_t>(rng());
            }
            for (int i = 0; i < blocks; ++i) {
                for (int off : lay.f16_at) {
                    const std::uint16_t v = f32_to_f16(scale(rng));
                    std::memcpy(data.data() + t.type_size * static_cast<std::size_t>(i) + off, &v, 2);
                }
            }
            const std::size_t n = t.block_size * static_cast<std::size_t>(blocks);
            std::vector<float> got(n);
            dequantize_row_ref(lay.type, data.data(), got.data(), n);
            for (std::size_t e = 0; e < n; ++e) {
                const float want =
                    lay.element(data.data() + t.type_size * (e / t.block_size), static_cast<int>(e % t.block_size));
                ASSERT_FLOAT_EQ(got[e], want) << t.name << " element " << e;
            }
        }
    }
}

TEST(Dequant, HandPickedValues) {
    block_q4_0 b{};
    b.d = f32_to_f16(0.5f);
    b.qs[0] = 0xF0;  // element 0: 0 - 8; element 16: 15 - 8
    std::vector<float> y(32);
    dequantize_row_ref(tensor_type::q4_0, &b, y.data(), 32);
    EXPECT_EQ(y[0], -4.0f);
    EXPECT_EQ(y[16], 3.5f);

    block_q6_k k{};
    k.d = f32_to_f16(1.0f);
    k.scales[0] = -3;
    k.ql[0] = 0x0F;  // element 0 low bits 15, high bits 0 -> 15 - 32 = -17
    std::vector<float> z(256);
    dequantize_row_ref(tensor_type::q6_k, &k, z.data(), 256);
    EXPECT_EQ(z[0], 51.0f);
}

TEST(Dequant, FloatTypesAndErrors) {
    const float f[2] = {1.5f, -2.0f};
    std::vector<float> y(2);
    dequantize_row_ref(tensor_type::f32, f, y.data(), 2);
    EXPECT_EQ(y[1], -2.0f);
    const std::uint16_t b[2] = {0x3fc0, 0xc000};
    dequantize_row_ref(tensor_type::bf16, b, y.data(), 2);
    EXPECT_EQ(y[0], 1.5f);
    EXPECT_EQ(y[1], -2.0f);
    EXPECT_THROW(dequantize_row_ref(tensor_type::q4_0, b, y.data(), 2), std::invalid_argument);
    EXPECT_THROW(dequantize_row_ref(tensor_type::q2_k, b, y.data(), 256), std::invalid_argument);
}

}  // namespace
}  // namespace deepdesk::kernels
