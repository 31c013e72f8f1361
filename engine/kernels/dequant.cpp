// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/kernels/dequant.h"

#include "engine/kernels/kernel_table.h"

#include <cstring>

#include "engine/kernels/convert.h"

namespace deepdesk::kernels {

const std::int8_t k_iq4_grid[16] = {-127, -104, -83, -65, -49, -35, -22, -10, 1, 13, 25, 38, 53, 69, 89, 113};

void unpack_scale_min_k4(int j, const std::uint8_t* q, std::uint8_t& scale, std::uint8_t& min) {
    if (j < 4) {
        scale = q[j] & 63;
        min = q[j + 4] & 63;
    } else {
        scale = static_cast<std::uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
        min = static_cast<std::uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

namespace {

template <typename Block>
const Block* blocks_of(const void* src) {
    return static_cast<const Block*>(src);
}

void dequant_q4_0(const block_q4_0* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i, y += 32) {
        const float d = f16_to_f32(x[i].d);
        for (int j = 0; j < 16; ++j) {
            y[j] = d * static_cast<float>((x[i].qs[j] & 0xF) - 8);
            y[j + 16] = d * static_cast<float>((x[i].qs[j] >> 4) - 8);
        }
    }
}

void dequant_q4_1(const block_q4_1* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i, y += 32) {
        const float d = f16_to_f32(x[i].d);
        const float m = f16_to_f32(x[i].m);
        for (int j = 0; j < 16; ++j) {
            y[j] = d * static_cast<float>(x[i].qs[j] & 0xF) + m;
            y[j + 16] = d * static_cast<float>(x[i].qs[j] >> 4) + m;
        }
    }
}

template <typename Block>
void fifth_bits(const Block& b, int j, int& lo, int& hi) {
    std::uint32_t qh = 0;
    std::memcpy(&qh, b.qh, 4);
    lo = static_cast<int>(((qh >> j) << 4) & 0x10);
    hi = static_cast<int>((qh >> (j + 12)) & 0x10);
}

void dequant_q5_0(const block_q5_0* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i, y += 32) {
        const float d = f16_to_f32(x[i].d);
        for (int j = 0; j < 16; ++j) {
            int lo = 0, hi = 0;
            fifth_bits(x[i], j, lo, hi);
            y[j] = d * static_cast<float>(((x[i].qs[j] & 0xF) | lo) - 16);
            y[j + 16] = d * static_cast<float>(((x[i].qs[j] >> 4) | hi) - 16);
        }
    }
}

void dequant_q5_1(const block_q5_1* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i, y += 32) {
        const float d = f16_to_f32(x[i].d);
        const float m = f16_to_f32(x[i].m);
        for (int j = 0; j < 16; ++j) {
            int lo = 0, hi = 0;
            fifth_bits(x[i], j, lo, hi);
            y[j] = d * static_cast<float>((x[i].qs[j] & 0xF) | lo) + m;
            y[j + 16] = d * static_cast<float>((x[i].qs[j] >> 4) | hi) + m;
        }
    }
}

void dequant_q8_0(const block_q8_0* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i, y += 32) {
        const float d = f16_to_f32(x[i].d);
        for (int j = 0; j < 32; ++j) {
            y[j] = d * static_cast<float>(x[i].qs[j]);
        }
    }
}

void dequant_q4_k(const block_q4_k* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i) {
        const float d = f16_to_f32(x[i].d);
        const float dmin = f16_to_f32(x[i].dmin);
        const std::uint8_t* q = x[i].qs;
        for (int c = 0; c < 4; ++c, q += 32, y += 64) {
            std::uint8_t sc = 0, m = 0;
            unpack_scale_min_k4(2 * c, x[i].scales, sc, m);
            const float d1 = d * sc, m1 = dmin * m;
            unpack_scale_min_k4(2 * c + 1, x[i].scales, sc, m);
            const float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; ++l) {
                y[l] = d1 * static_cast<float>(q[l] & 0xF) - m1;
                y[l + 32] = d2 * static_cast<float>(q[l] >> 4) - m2;
            }
        }
    }
}

void dequant_q5_k(const block_q5_k* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i) {
        const float d = f16_to_f32(x[i].d);
        const float dmin = f16_to_f32(x[i].dmin);
        const std::uint8_t* ql = x[i].qs;
        const std::uint8_t* qh = x[i].qh;
        std::uint8_t u1 = 1, u2 = 2;
        for (int c = 0; c < 4; ++c, ql += 32, y += 64) {
            std::uint8_t sc = 0, m = 0;
            unpack_scale_min_k4(2 * c, x[i].scales, sc, m);
            const float d1 = d * sc, m1 = dmin * m;
            unpack_scale_min_k4(2 * c + 1, x[i].scales, sc, m);
            const float d2 = d * sc, m2 = dmin * m;
            for (int l = 0; l < 32; ++l) {
                y[l] = d1 * static_cast<float>((ql[l] & 0xF) + ((qh[l] & u1) ? 16 : 0)) - m1;
                y[l + 32] = d2 * static_cast<float>((ql[l] >> 4) + ((qh[l] & u2) ? 16 : 0)) - m2;
            }
            u1 = static_cast<std::uint8_t>(u1 << 2);
            u2 = static_cast<std::uint8_t>(u2 << 2);
        }
    }
}

void dequant_q6_k(const block_q6_k* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i) {
        const float d = f16_to_f32(x[i].d);
        const std::uint8_t* ql = x[i].ql;
        const std::uint8_t* qh = x[i].qh;
        const std::int8_t* sc = x[i].scales;
        for (int half = 0; half < 2; ++half, y += 128, ql += 64, qh += 32, sc += 8) {
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * static_cast<float>(sc[is] * q1);
                y[l + 32] = d * static_cast<float>(sc[is + 2] * q2);
                y[l + 64] = d * static_cast<float>(sc[is + 4] * q3);
                y[l + 96] = d * static_cast<float>(sc[is + 6] * q4);
            }
        }
    }
}

void dequant_iq4_nl(const block_iq4_nl* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i, y += 32) {
        const float d = f16_to_f32(x[i].d);
        for (int j = 0; j < 16; ++j) {
            y[j] = d * static_cast<float>(k_iq4_grid[x[i].qs[j] & 0xF]);
            y[j + 16] = d * static_cast<float>(k_iq4_grid[x[i].qs[j] >> 4]);
        }
    }
}

void dequant_iq4_xs(const block_iq4_xs* x, float* y, std::size_t nb) {
    for (std::size_t i = 0; i < nb; ++i) {
        const float d = f16_to_f32(x[i].d);
        const std::uint8_t* qs = x[i].qs;
        for (int ib = 0; ib < 8; ++ib, qs += 16, y += 32) {
            const int ls = ((x[i].scales_l[ib / 2] >> (4 * (ib % 2))) & 0xF) | (((x[i].scales_h >> (2 * ib)) & 3) << 4);
            const float dl = d * static_cast<float>(ls - 32);
            for (int j = 0; j < 16; ++j) {
                y[j] = dl * static_cast<float>(k_iq4_grid[qs[j] & 0xF]);
                y[j + 16] = dl * static_cast<float>(k_iq4_grid[qs[j] >> 4]);
            }
        }
    }
}

}  // namespace

// The table's to_float entries (kernel_table.cpp): n elements, a multiple of the block size.
namespace ref {

void to_float_f32(const void* src, float* dst, std::size_t n) { std::memcpy(dst, src, n * sizeof(float)); }
void to_float_f16(const void* src, float* dst, std::size_t n) {
    f16_to_f32_ref(static_cast<const std::uint16_t*>(src), dst, n);
}
void to_float_bf16(const void* src, float* dst, std::size_t n) {
    bf16_to_f32_ref(static_cast<const std::uint16_t*>(src), dst, n);
}
void to_float_q4_0(const void* src, float* dst, std::size_t n) {
    dequant_q4_0(blocks_of<block_q4_0>(src), dst, n / 32);
}
void to_float_q4_1(const void* src, float* dst, std::size_t n) {
    dequant_q4_1(blocks_of<block_q4_1>(src), dst, n / 32);
}
void to_float_q5_0(const void* src, float* dst, std::size_t n) {
    dequant_q5_0(blocks_of<block_q5_0>(src), dst, n / 32);
}
void to_float_q5_1(const void* src, float* dst, std::size_t n) {
    dequant_q5_1(blocks_of<block_q5_1>(src), dst, n / 32);
}
void to_float_q8_0(const void* src, float* dst, std::size_t n) {
    dequant_q8_0(blocks_of<block_q8_0>(src), dst, n / 32);
}
void to_float_q4_k(const void* src, float* dst, std::size_t n) {
    dequant_q4_k(blocks_of<block_q4_k>(src), dst, n / 256);
}
void to_float_q5_k(const void* src, float* dst, std::size_t n) {
    dequant_q5_k(blocks_of<block_q5_k>(src), dst, n / 256);
}
void to_float_q6_k(const void* src, float* dst, std::size_t n) {
    dequant_q6_k(blocks_of<block_q6_k>(src), dst, n / 256);
}
void to_float_iq4_nl(const void* src, float* dst, std::size_t n) {
    dequant_iq4_nl(blocks_of<block_iq4_nl>(src), dst, n / 32);
}
void to_float_iq4_xs(const void* src, float* dst, std::size_t n) {
    dequant_iq4_xs(blocks_of<block_iq4_xs>(src), dst, n / 256);
}

}  // namespace ref

}  // namespace deepdesk::kernels
