// SPDX-License-Identifier: GPL-3.0-or-later
// Each GGUF block layout restated element by element ("where does element e come from?"), written
// from the format description independently of the engine's block loops. Used as the reference
// by the dequantization tests and by the double-precision model reference.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/kernels/convert.h"
#include "engine/tensor_types.h"

namespace deepdesk::testing {

using kernels::f16_to_f32;

constexpr int k_grid[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

inline float h(const std::uint8_t* p) {
    std::uint16_t v;
    std::memcpy(&v, p, 2);
    return f16_to_f32(v);
}
inline int nib(std::uint8_t b, bool high) { return high ? b >> 4 : b & 15; }

// Element e (0..block-1) of one block at p.
inline float q4_0(const std::uint8_t* p, int e) { return h(p) * static_cast<float>(nib(p[2 + e % 16], e >= 16) - 8); }
inline float q4_1(const std::uint8_t* p, int e) {
    return h(p) * static_cast<float>(nib(p[4 + e % 16], e >= 16)) + h(p + 2);
}
inline int bit5(const std::uint8_t* qh, int e) { return (qh[e / 8] >> (e % 8)) & 1; }  // bit e of the u32
inline float q5_0(const std::uint8_t* p, int e) {
    return h(p) * static_cast<float>((nib(p[6 + e % 16], e >= 16) | (bit5(p + 2, e) << 4)) - 16);
}
inline float q5_1(const std::uint8_t* p, int e) {
    return h(p) * static_cast<float>(nib(p[8 + e % 16], e >= 16) | (bit5(p + 4, e) << 4)) + h(p + 2);
}
inline float q8_0(const std::uint8_t* p, int e) {
    return h(p) * static_cast<float>(static_cast<std::int8_t>(p[2 + e]));
}

// 6-bit scale and min of sub-block j from the 12 packed bytes, as the format describes.
inline void k4_scale(const std::uint8_t* s, int j, int& sc, int& m) {
    if (j < 4) {
        sc = s[j] & 63;
        m = s[j + 4] & 63;
    } else {
        sc = (s[j + 4] & 15) | ((s[j - 4] >> 6) << 4);
        m = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}
inline float q4_k(const std::uint8_t* p, int e) {
    const int c = e / 64, r = e % 64, l = r % 32, hi = r / 32;
    int sc = 0, m = 0;
    k4_scale(p + 4, 2 * c + hi, sc, m);
    const int q = nib(p[16 + 32 * c + l], hi == 1);
    return h(p) * static_cast<float>(sc) * static_cast<float>(q) - h(p + 2) * static_cast<float>(m);
}
inline float q5_k(const std::uint8_t* p, int e) {
    const int c = e / 64, r = e % 64, l = r % 32, hi = r / 32;
    int sc = 0, m = 0;
    k4_scale(p + 4, 2 * c + hi, sc, m);
    const int q = nib(p[48 + 32 * c + l], hi == 1) + 16 * ((p[16 + l] >> (2 * c + hi)) & 1);
    return h(p) * static_cast<float>(sc) * static_cast<float>(q) - h(p + 2) * static_cast<float>(m);
}
inline float q6_k(const std::uint8_t* p, int e) {
    const int half = e / 128, r = e % 128, g = r / 32, l = r % 32;
    const std::uint8_t* ql = p + 64 * half;
    const std::uint8_t* qh = p + 128 + 32 * half;
    const auto* sc = reinterpret_cast<const std::int8_t*>(p + 192 + 8 * half);
    const int low = nib(ql[l + (g % 2) * 32], g >= 2);
    const int high = (qh[l] >> (2 * g)) & 3;
    return h(p + 208) * static_cast<float>(sc[l / 16 + 2 * g] * ((low | (high << 4)) - 32));
}
inline float iq4_nl(const std::uint8_t* p, int e) {
    return h(p) * static_cast<float>(k_grid[nib(p[2 + e % 16], e >= 16)]);
}
inline float iq4_xs(const std::uint8_t* p, int e) {
    const int ib = e / 32, r = e % 32;
    std::uint16_t sh;
    std::memcpy(&sh, p + 2, 2);
    const int ls = nib(p[4 + ib / 2], ib % 2 == 1) | (((sh >> (2 * ib)) & 3) << 4);
    return h(p) * static_cast<float>(ls - 32) * static_cast<float>(k_grid[nib(p[8 + 16 * ib + r % 16], r >= 16)]);
}

struct element_layout {
    tensor_type type;
    float (*element)(const std::uint8_t*, int);
    std::vector<int> f16_at;  // byte offsets of the block's f16 scale fields
};

// The quantized types with their element formula and where their f16 scales sit.
inline const std::vector<element_layout>& quantized_layouts() {
    static const std::vector<element_layout> layouts{
        {tensor_type::q4_0, q4_0, {0}},     {tensor_type::q4_1, q4_1, {0, 2}}, {tensor_type::q5_0, q5_0, {0}},
        {tensor_type::q5_1, q5_1, {0, 2}},  {tensor_type::q8_0, q8_0, {0}},    {tensor_type::q4_k, q4_k, {0, 2}},
        {tensor_type::q5_k, q5_k, {0, 2}},  {tensor_type::q6_k, q6_k, {208}},  {tensor_type::iq4_nl, iq4_nl, {0}},
        {tensor_type::iq4_xs, iq4_xs, {0}},
    };
    return layouts;
}

// Element e of a row of `type` stored at `row`, for any supported type (float types included).
inline double element_of(tensor_type type, const std::uint8_t* row, std::int64_t e) {
    switch (type) {
    case tensor_type::f32: {
        float v;
        std::memcpy(&v, row + 4 * e, 4);
        return v;
    }
    case tensor_type::f16: return h(row + 2 * e);
    case tensor_type::bf16: {
        std::uint16_t b;
        std::memcpy(&b, row + 2 * e, 2);
        return kernels::bf16_to_f32(b);
    }
    default: break;
    }
    const auto& t = traits_of(type);
    for (const auto& l : quantized_layouts()) {
        if (l.type == type) {
            return l.element(row + t.type_size * static_cast<std::size_t>(e / static_cast<std::int64_t>(t.block_size)),
                             static_cast<int>(e % static_cast<std::int64_t>(t.block_size)));
        }
    }
    return 0.0;
}

}  // namespace deepdesk::testing
