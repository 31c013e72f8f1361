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

namespace deepdesk::kernels {
namespace {

constexpr int k_grid[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

float h(const std::uint8_t* p) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return f16_to_f32(v);
}
int nib(std::uint8_t b, bool high) { return high ? b >> 4 : b & 15; }

// Element e (0..block-1) of one block at p.
float q4_0(const std::uint8_t* p, int e) { return h(p) * static_cast<float>(nib(p[2 + e % 16], e >= 16) - 8); }
float q4_1(const std::uint8_t* p, int e) { return h(p) * static_cast<float>(nib(p[4 + e % 16], e >= 16)) + h(p + 2); }
int bit5(const std::uint8_t* qh, int e) { return (qh[e / 8] >> (e % 8)) & 1; }  // bit e of the u32
float q5_0(const std::uint8_t* p, int e) {
    return h(p) * static_cast<float>((nib(p[6 + e % 16], e >= 16) | (bit5(p + 2, e) << 4)) - 16);
}
float q5_1(const std::uint8_t* p, int e) {
    return h(p) * static_cast<float>(nib(p[8 + e % 16], e >= 16) | (bit5(p + 4, e) << 4)) + h(p + 2);
}
float q8_0(const std::uint8_t* p, int e) { return h(p) * static_cast<float>(static_cast<std::int8_t>(p[2 + e])); }

// 6-bit scale and min of sub-block j from the 12 packed bytes, as the format describes.
void k4_scale(const std::uint8_t* s, int j, int& sc, int& m) {
    if (j < 4) {
        sc = s[j] & 63;
        m = s[j + 4] & 63;
    } else {
        sc = (s[j + 4] & 15) | ((s[j - 4] >> 6) << 4);
        m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}
float q4_k(const std::uint8_t* p, int e) {
    const int c = e / 64, r = e % 64, l = r % 32, hi = r / 32;
    int sc = 0, m = 0;
    k4_scale(p + 4, 2 * c + hi, sc, m);
    const int q = nib(p[16 + 32 * c + l], hi == 1);
    return h(p) * static_cast<float>(sc) * static_cast<float>(q) - h(p + 2) * static_cast<float>(m);
}
float q5_k(const std::uint8_t* p, int e) {
    const int c = e / 64, r = e % 64, l = r % 32, hi = r / 32;
    int sc = 0, m = 0;
    k4_scale(p + 4, 2 * c + hi, sc, m);
    const int q = nib(p[48 + 32 * c + l], hi == 1) + 16 * ((p[16 + l] >> (2 * c + hi)) & 1);
    return h(p) * static_cast<float>(sc) * static_cast<float>(q) - h(p + 2) * static_cast<float>(m);
}
float q6_k(const std::uint8_t* p, int e) {
    const int half = e / 128, r = e % 128, g = r / 32, l = r % 32;
    const std::uint8_t* ql = p + 64 * half;
    const std::uint8_t* qh = p + 128 + 32 * half;
    const auto* sc = reinterpret_cast<const std::int8_t*>(p + 192 + 8 * half);
    const int low = nib(ql[l + (g % 2) * 32], g >= 2);
    const int high = (qh[l] >> (2 * g)) & 3;
    return h(p + 208) * static_cast<float>(sc[l / 16 + 2 * g] * ((low | (high << 4)) - 32));
}
float iq4_nl(const std::uint8_t* p, int e) { return h(p) * static_cast<float>(k_grid[nib(p[2 + e % 16], e >= 16)]); }
float iq4_xs(const std::uint8_t* p, int e) {
    const int ib = e / 32, r = e % 32;
    std::uint16_t sh;
    std::memcpy(&sh, p + 2, 2);
    const int ls = nib(p[4 + ib / 2], ib % 2 == 1) | (((sh >> (2 * ib)) & 3) << 4);
    return h(p) * static_cast<float>(ls - 32) * static_cast<float>(k_grid[nib(p[8 + 16 * ib + r % 16], r >= 16)]);
}

struct layout {
    tensor_type type;
    float (*element)(const std::uint8_t*, int);
    std::vector<int> f16_at;  // byte offsets of f16 fields, set to sane values
};

TEST(Dequant, EveryTypeMatchesTheLayoutElementByElement) {
    const std::vector<layout> layouts{
        {tensor_type::q4_0, q4_0, {0}},     {tensor_type::q4_1, q4_1, {0, 2}}, {tensor_type::q5_0, q5_0, {0}},
        {tensor_type::q5_1, q5_1, {0, 2}},  {tensor_type::q8_0, q8_0, {0}},    {tensor_type::q4_k, q4_k, {0, 2}},
        {tensor_type::q5_k, q5_k, {0, 2}},  {tensor_type::q6_k, q6_k, {208}},  {tensor_type::iq4_nl, iq4_nl, {0}},
        {tensor_type::iq4_xs, iq4_xs, {0}},
    };
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
