// SPDX-License-Identifier: GPL-3.0-or-later
// Plain pieces shared by the vectorized dot products (quant_dot_avx2.cpp, quant_dot_avx512.inc):
// no intrinsics here, so the emulated build of the AVX-512 kernels uses them too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace deepdesk::kernels {

// T activation rows, `stride` bytes apart, as arrays of blocks.
template <typename A, int T>
struct act_rows {
    const A* r[T];
    act_rows(const void* vy, std::size_t stride) {
        for (int t = 0; t < T; ++t) {
            r[t] =
                reinterpret_cast<const A*>(static_cast<const std::uint8_t*>(vy) + stride * static_cast<std::size_t>(t));
        }
    }
};

// The 12 packed bytes of a Q4_K/Q5_K block's 6-bit scales and mins, as four words of one value
// per byte: scales 0-3, scales 4-7, mins 0-3, mins 4-7 (the same packing as unpack_scale_min_k4).
// Packed, bytes 0-3 hold scales 0-3 (low 6 bits) and the top bits of scales 4-7; bytes 4-7 the
// same for the mins; bytes 8-11 the low 4 bits of scales 4-7 (low nibble) and mins 4-7 (high).
struct k4_scale_words {
    std::uint32_t scales_lo, scales_hi, mins_lo, mins_hi;
};
inline k4_scale_words unpack_k4_scale_words(const std::uint8_t* q) {
    std::uint32_t w[3];
    std::memcpy(w, q, 12);
    return {w[0] & 0x3f3f3f3fu, (w[2] & 0x0f0f0f0fu) | (((w[0] >> 6) & 0x03030303u) << 4), w[1] & 0x3f3f3f3fu,
            ((w[2] >> 4) & 0x0f0f0f0fu) | (((w[1] >> 6) & 0x03030303u) << 4)};
}

}  // namespace deepdesk::kernels
