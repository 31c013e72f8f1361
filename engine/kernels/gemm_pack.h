// SPDX-License-Identifier: GPL-3.0-or-later
// The activation layout of the sixteen-row prompt kernels (kernels/gemm_amx.h: AMX-INT8 tiles, and
// the AVX-512 VNNI kernels of the same shape), packed once per matmul and shared by every group of
// sixteen weight rows.
//
// Per group of sixteen tokens: each chunk of values (32 for Q8_0, 64 for Q8_K) is an AMX B tile,
// four consecutive values of one token in each 4-byte group: B[k][4 * t + j] = value 4k + j of
// token t, so that a 64-byte row holds sixteen tokens' next four values (what one vpdpbusd or one
// tile row reads). Then every block's sixteen token scales as floats, and for the 256-value blocks
// the activations' sums over each 32-value sub-block as i16 pairs (sub-blocks 2p and 2p + 1 in
// lane t of pair p), 4 x 64 bytes per block, then their sums over each 16 values (Q8_K's bsums) as
// i16 pairs the same way (bsums 2l and 2l + 1 in lane t of pair l), 8 x 64 bytes per block.
//
// The values are signed bytes, as quantized, except for the VNNI Q8_0 kernel, whose vpdpbusd takes
// its broadcast (weight) operand signed and so reads them offset by 128 as unsigned bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "engine/kernels/convert.h"
#include "engine/kernels/quant_dot.h"
#include "engine/tensor_types.h"

namespace deepdesk::kernels::gemm16 {

// Values per chunk (one B tile) and per scale block of the activation type that `weight` meets.
struct packing {
    std::size_t chunk, block, block_bytes;
};
inline packing packing_of(tensor_type weight) {
    if (weight == tensor_type::q8_0) {
        return {32, 32, sizeof(block_q8_0)};
    }
    return {64, 256, sizeof(block_q8_k)};
}

// Bytes of one packed group of sixteen tokens.
inline std::size_t group_bytes(tensor_type weight, std::size_t n) {
    const packing p = packing_of(weight);
    return n * 16 + n / p.block * (p.block == 256 ? 64 + 256 + 512 : 64);
}

// Tokens [16g, 16g + 16) of the quantized activations (act_stride apart) for `weight`, packed,
// into dst + g * group_bytes; with Unsigned, each value v as the byte v + 128.
template <bool Unsigned>
void pack_group(tensor_type weight, const std::uint8_t* act, std::size_t act_stride, std::size_t n, std::int64_t g,
                std::uint8_t* dst) {
    const packing p = packing_of(weight);
    std::uint8_t* out = dst + static_cast<std::size_t>(g) * group_bytes(weight, n);
    auto* scales = reinterpret_cast<float*>(out + n * 16);
    const std::size_t qs_offset = weight == tensor_type::q8_0 ? offsetof(block_q8_0, qs) : offsetof(block_q8_k, qs);
    for (int t = 0; t < 16; ++t) {
        const std::uint8_t* a = act + act_stride * static_cast<std::size_t>(16 * g + t);
        for (std::size_t i = 0; i < n / p.block; ++i) {
            const std::uint8_t* blk = a + i * p.block_bytes;
            float s;
            if (weight == tensor_type::q8_0) {
                std::uint16_t h;
                std::memcpy(&h, blk, 2);
                s = f16_to_f32(h);
            } else {
                std::memcpy(&s, blk, 4);
            }
            scales[i * 16 + static_cast<std::size_t>(t)] = s;
            if (p.block == 256) {
                std::int16_t bsums[16];
                std::memcpy(bsums, blk + offsetof(block_q8_k, bsums), sizeof(bsums));
                auto* pairs = reinterpret_cast<std::int16_t*>(out + n * 16 + n / 256 * 64) + i * 128;
                for (int q = 0; q < 4; ++q) {
                    pairs[q * 32 + 2 * t] = static_cast<std::int16_t>(bsums[4 * q] + bsums[4 * q + 1]);
                    pairs[q * 32 + 2 * t + 1] = static_cast<std::int16_t>(bsums[4 * q + 2] + bsums[4 * q + 3]);
                }
                auto* raw = reinterpret_cast<std::int16_t*>(out + n * 16 + n / 256 * (64 + 256)) + i * 256;
                for (int l = 0; l < 8; ++l) {
                    raw[l * 32 + 2 * t] = bsums[2 * l];
                    raw[l * 32 + 2 * t + 1] = bsums[2 * l + 1];
                }
            }
            // Each chunk: 4-byte groups of this token into column t of the chunk's tile.
            for (std::size_t c = 0; c < p.block / p.chunk; ++c) {
                const std::uint8_t* q = blk + qs_offset + c * p.chunk;
                std::uint8_t* tile = out + (i * (p.block / p.chunk) + c) * p.chunk * 16;
                for (std::size_t k = 0; k < p.chunk / 4; ++k) {
                    std::uint32_t four;
                    std::memcpy(&four, q + 4 * k, 4);
                    if constexpr (Unsigned) {
                        four ^= 0x80808080u;
                    }
                    std::memcpy(tile + k * 64 + 4 * static_cast<std::size_t>(t), &four, 4);
                }
            }
        }
    }
}

}  // namespace deepdesk::kernels::gemm16
