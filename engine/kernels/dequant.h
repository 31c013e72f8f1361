// SPDX-License-Identifier: GPL-3.0-or-later
// Dequantization of GGUF tensor rows to f32, for every type the engine supports. The scalar
// `_ref` functions are the definition (block layouts in shared/docs/engine-facts.md); matrix
// kernels are tested against them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/tensor_types.h"

namespace deepdesk::kernels {

// Block layouts, as stored in the file.
struct block_q4_0 {
    std::uint16_t d;  // f16 scale
    std::uint8_t qs[16];
};
struct block_q4_1 {
    std::uint16_t d, m;  // f16 scale and minimum
    std::uint8_t qs[16];
};
struct block_q5_0 {
    std::uint16_t d;
    std::uint8_t qh[4];  // fifth bits, little-endian u32
    std::uint8_t qs[16];
};
struct block_q5_1 {
    std::uint16_t d, m;
    std::uint8_t qh[4];
    std::uint8_t qs[16];
};
struct block_q8_0 {
    std::uint16_t d;
    std::int8_t qs[32];
};
struct block_q4_k {
    std::uint16_t d, dmin;
    std::uint8_t scales[12];  // 8 x (6-bit scale, 6-bit min), packed
    std::uint8_t qs[128];
};
struct block_q5_k {
    std::uint16_t d, dmin;
    std::uint8_t scales[12];
    std::uint8_t qh[32];
    std::uint8_t qs[128];
};
struct block_q6_k {
    std::uint8_t ql[128];
    std::uint8_t qh[64];
    std::int8_t scales[16];
    std::uint16_t d;
};
struct block_q8_k {
    float d;
    std::int8_t qs[256];
    std::int16_t bsums[16];  // sums of qs in groups of 16
};
struct block_iq4_nl {
    std::uint16_t d;
    std::uint8_t qs[16];
};
struct block_iq4_xs {
    std::uint16_t d;
    std::uint16_t scales_h;
    std::uint8_t scales_l[4];
    std::uint8_t qs[128];
};

static_assert(sizeof(block_q4_0) == 18 && sizeof(block_q4_1) == 20 && sizeof(block_q5_0) == 22 &&
              sizeof(block_q5_1) == 24 && sizeof(block_q8_0) == 34 && sizeof(block_q4_k) == 144 &&
              sizeof(block_q5_k) == 176 && sizeof(block_q6_k) == 210 && sizeof(block_q8_k) == 292 &&
              sizeof(block_iq4_nl) == 18 && sizeof(block_iq4_xs) == 136);

// The non-linear 4-bit grid of IQ4_NL and IQ4_XS.
extern const std::int8_t k_iq4_grid[16];

// Sub-block j (0..7) scale and min of a Q4_K/Q5_K block's packed `scales`.
void unpack_scale_min_k4(int j, const std::uint8_t* scales, std::uint8_t& scale, std::uint8_t& min);

// src: one row of `n` elements of `type` (n a multiple of the block size); dst: (n) f32.
void dequantize_row_ref(tensor_type type, const void* src, float* dst, std::size_t n);

}  // namespace deepdesk::kernels
