// SPDX-License-Identifier: GPL-3.0-or-later
// The reference dot products and activation quantizers: scalar code that defines the numerics
// (the reference runtime's), which every fast kernel must match. kernel_table.cpp lists them.
#include "engine/kernels/kernel_table.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/kernels/convert.h"

namespace deepdesk::kernels {
namespace {

int round_int(float v) { return static_cast<int>(std::nearbyint(v)); }

float f16(std::uint16_t h) { return f16_to_f32(h); }

// --- 32-element blocks against Q8_0 / Q8_1 -------------------------------------------------------

float block_dot_q4_0(const block_q4_0* x, const block_q8_0* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        int sumi = 0;
        for (int j = 0; j < 16; ++j) {
            sumi += ((x[i].qs[j] & 0xF) - 8) * y[i].qs[j] + ((x[i].qs[j] >> 4) - 8) * y[i].qs[j + 16];
        }
        sum += static_cast<float>(sumi) * (f16(x[i].d) * f16(y[i].d));
    }
    return sum;
}

float block_dot_q4_1(const block_q4_1* x, const block_q8_1* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        int sumi = 0;
        for (int j = 0; j < 16; ++j) {
            sumi += (x[i].qs[j] & 0xF) * y[i].qs[j] + (x[i].qs[j] >> 4) * y[i].qs[j + 16];
        }
        sum += static_cast<float>(sumi) * (f16(x[i].d) * f16(y[i].d)) + f16(x[i].m) * f16(y[i].s);
    }
    return sum;
}

std::uint32_t qh_bits(const std::uint8_t* qh) {
    std::uint32_t v = 0;
    std::memcpy(&v, qh, 4);
    return v;
}

float block_dot_q5_0(const block_q5_0* x, const block_q8_0* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        const std::uint32_t qh = qh_bits(x[i].qh);
        int sumi = 0;
        for (int j = 0; j < 16; ++j) {
            const int lo = static_cast<int>(((qh >> j) << 4) & 0x10);
            const int hi = static_cast<int>((qh >> (j + 12)) & 0x10);
            sumi += (((x[i].qs[j] & 0xF) | lo) - 16) * y[i].qs[j] + (((x[i].qs[j] >> 4) | hi) - 16) * y[i].qs[j + 16];
        }
        sum += static_cast<float>(sumi) * (f16(x[i].d) * f16(y[i].d));
    }
    return sum;
}

float block_dot_q5_1(const block_q5_1* x, const block_q8_1* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        const std::uint32_t qh = qh_bits(x[i].qh);
        int sumi = 0;
        for (int j = 0; j < 16; ++j) {
            const int lo = static_cast<int>(((qh >> j) << 4) & 0x10);
            const int hi = static_cast<int>((qh >> (j + 12)) & 0x10);
            sumi += ((x[i].qs[j] & 0xF) | lo) * y[i].qs[j] + ((x[i].qs[j] >> 4) | hi) * y[i].qs[j + 16];
        }
        sum += static_cast<float>(sumi) * (f16(x[i].d) * f16(y[i].d)) + f16(x[i].m) * f16(y[i].s);
    }
    return sum;
}

float block_dot_q8_0(const block_q8_0* x, const block_q8_0* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        int sumi = 0;
        for (int j = 0; j < 32; ++j) {
            sumi += x[i].qs[j] * y[i].qs[j];
        }
        sum += static_cast<float>(sumi) * (f16(x[i].d) * f16(y[i].d));
    }
    return sum;
}

float block_dot_iq4_nl(const block_iq4_nl* x, const block_q8_0* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        int sumi = 0;
        for (int j = 0; j < 16; ++j) {
            sumi += k_iq4_grid[x[i].qs[j] & 0xF] * y[i].qs[j] + k_iq4_grid[x[i].qs[j] >> 4] * y[i].qs[j + 16];
        }
        sum += static_cast<float>(sumi) * (f16(x[i].d) * f16(y[i].d));
    }
    return sum;
}

// --- 256-element super-blocks against Q8_K --------------------------------------------------------

float block_dot_q4_k(const block_q4_k* x, const block_q8_k* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        int sumi = 0, summs = 0;
        const std::uint8_t* q = x[i].qs;
        const std::int8_t* a = y[i].qs;
        for (int c = 0; c < 4; ++c, q += 32, a += 64) {
            std::uint8_t sc1 = 0, m1 = 0, sc2 = 0, m2 = 0;
            unpack_scale_min_k4(2 * c, x[i].scales, sc1, m1);
            unpack_scale_min_k4(2 * c + 1, x[i].scales, sc2, m2);
            int s1 = 0, s2 = 0;
            for (int l = 0; l < 32; ++l) {
                s1 += (q[l] & 0xF) * a[l];
                s2 += (q[l] >> 4) * a[l + 32];
            }
            sumi += sc1 * s1 + sc2 * s2;
            summs +=
                m1 * (y[i].bsums[4 * c] + y[i].bsums[4 * c + 1]) + m2 * (y[i].bsums[4 * c + 2] + y[i].bsums[4 * c + 3]);
        }
        sum += y[i].d * f16(x[i].d) * static_cast<float>(sumi) - y[i].d * f16(x[i].dmin) * static_cast<float>(summs);
    }
    return sum;
}

float block_dot_q5_k(const block_q5_k* x, const block_q8_k* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        int sumi = 0, summs = 0;
        const std::uint8_t* q = x[i].qs;
        const std::int8_t* a = y[i].qs;
        for (int c = 0; c < 4; ++c, q += 32, a += 64) {
            std::uint8_t sc1 = 0, m1 = 0, sc2 = 0, m2 = 0;
            unpack_scale_min_k4(2 * c, x[i].scales, sc1, m1);
            unpack_scale_min_k4(2 * c + 1, x[i].scales, sc2, m2);
            int s1 = 0, s2 = 0;
            for (int l = 0; l < 32; ++l) {
                const int h1 = (x[i].qh[l] >> (2 * c)) & 1;
                const int h2 = (x[i].qh[l] >> (2 * c + 1)) & 1;
                s1 += ((q[l] & 0xF) + 16 * h1) * a[l];
                s2 += ((q[l] >> 4) + 16 * h2) * a[l + 32];
            }
            sumi += sc1 * s1 + sc2 * s2;
            summs +=
                m1 * (y[i].bsums[4 * c] + y[i].bsums[4 * c + 1]) + m2 * (y[i].bsums[4 * c + 2] + y[i].bsums[4 * c + 3]);
        }
        sum += y[i].d * f16(x[i].d) * static_cast<float>(sumi) - y[i].d * f16(x[i].dmin) * static_cast<float>(summs);
    }
    return sum;
}

float block_dot_q6_k(const block_q6_k* x, const block_q8_k* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        int sumi = 0;
        const std::uint8_t* ql = x[i].ql;
        const std::uint8_t* qh = x[i].qh;
        const std::int8_t* sc = x[i].scales;
        const std::int8_t* a = y[i].qs;
        for (int half = 0; half < 2; ++half, ql += 64, qh += 32, sc += 8, a += 128) {
            int s[8] = {};
            for (int l = 0; l < 32; ++l) {
                const int is = l / 16;
                s[is + 0] += (((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32) * a[l];
                s[is + 2] += (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * a[l + 32];
                s[is + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * a[l + 64];
                s[is + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * a[l + 96];
            }
            for (int k = 0; k < 8; ++k) {
                sumi += sc[k] * s[k];
            }
        }
        sum += f16(x[i].d) * y[i].d * static_cast<float>(sumi);
    }
    return sum;
}

float block_dot_iq4_xs(const block_iq4_xs* x, const block_q8_k* y, std::size_t nb) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < nb; ++i) {
        const std::uint8_t* qs = x[i].qs;
        const std::int8_t* a = y[i].qs;
        int sumi = 0;
        for (int ib = 0; ib < 8; ++ib, qs += 16, a += 32) {
            const int ls = ((x[i].scales_l[ib / 2] >> (4 * (ib % 2))) & 0xF) | (((x[i].scales_h >> (2 * ib)) & 3) << 4);
            int s = 0;
            for (int j = 0; j < 16; ++j) {
                s += k_iq4_grid[qs[j] & 0xF] * a[j] + k_iq4_grid[qs[j] >> 4] * a[j + 16];
            }
            sumi += (ls - 32) * s;
        }
        sum += f16(x[i].d) * y[i].d * static_cast<float>(sumi);
    }
    return sum;
}

float block_dot_f16(const std::uint16_t* x, const std::uint16_t* y, std::size_t n) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        sum += f16_to_f32(x[i]) * f16_to_f32(y[i]);
    }
    return sum;
}

float block_dot_bf16(const std::uint16_t* x, const std::uint16_t* y, std::size_t n) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        sum += bf16_to_f32(x[i]) * bf16_to_f32(y[i]);
    }
    return sum;
}

float block_dot_f32(const float* x, const float* y, std::size_t n) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        sum += x[i] * y[i];
    }
    return sum;
}

template <typename T>
const T* as(const void* p) {
    return static_cast<const T*>(p);
}

}  // namespace

void quantize_row_q8_0_ref(const float* x, block_q8_0* y, std::size_t n) {
    for (std::size_t i = 0; i < n / 32; ++i, x += 32) {
        float amax = 0.0f;
        for (int j = 0; j < 32; ++j) {
            amax = std::max(amax, std::fabs(x[j]));
        }
        // 127 / amax rather than 1 / d: the two differ in the last bit now and then, and the
        // reference runtime's x86 quantizers take the former.
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = f32_to_f16(d);
        for (int j = 0; j < 32; ++j) {
            y[i].qs[j] = static_cast<std::int8_t>(round_int(x[j] * id));
        }
    }
}

void quantize_row_q8_1_ref(const float* x, block_q8_1* y, std::size_t n) {
    for (std::size_t i = 0; i < n / 32; ++i, x += 32) {
        float amax = 0.0f;
        for (int j = 0; j < 32; ++j) {
            amax = std::max(amax, std::fabs(x[j]));
        }
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;  // as for Q8_0
        int sum = 0;
        for (int j = 0; j < 32; ++j) {
            y[i].qs[j] = static_cast<std::int8_t>(round_int(x[j] * id));
            sum += y[i].qs[j];
        }
        y[i].d = f32_to_f16(d);
        y[i].s = f32_to_f16(static_cast<float>(sum) * d);
    }
}

void quantize_row_q8_k_ref(const float* x, block_q8_k* y, std::size_t n) {
    for (std::size_t i = 0; i < n / 256; ++i, x += 256) {
        float max = 0.0f, amax = 0.0f;
        for (int j = 0; j < 256; ++j) {
            if (std::fabs(x[j]) > amax) {
                amax = std::fabs(x[j]);
                max = x[j];
            }
        }
        if (amax == 0.0f) {
            std::memset(&y[i], 0, sizeof(block_q8_k));
            continue;
        }
        // Scaled so the element of largest magnitude maps to -127 (its opposite could reach 128).
        const float iscale = -127.0f / max;
        for (int j = 0; j < 256; ++j) {
            y[i].qs[j] = static_cast<std::int8_t>(std::min(127, round_int(iscale * x[j])));
        }
        for (int g = 0; g < 16; ++g) {
            int s = 0;
            for (int j = 0; j < 16; ++j) {
                s += y[i].qs[16 * g + j];
            }
            y[i].bsums[g] = static_cast<std::int16_t>(s);
        }
        y[i].d = 1.0f / iscale;
    }
}

namespace ref {

float dot_f32(const void* w, const void* a, std::size_t n) { return block_dot_f32(as<float>(w), as<float>(a), n); }
float dot_f16(const void* w, const void* a, std::size_t n) {
    return block_dot_f16(as<std::uint16_t>(w), as<std::uint16_t>(a), n);
}
float dot_bf16(const void* w, const void* a, std::size_t n) {
    return block_dot_bf16(as<std::uint16_t>(w), as<std::uint16_t>(a), n);
}
float dot_q4_0(const void* w, const void* a, std::size_t n) {
    return block_dot_q4_0(as<block_q4_0>(w), as<block_q8_0>(a), n / 32);
}
float dot_q4_1(const void* w, const void* a, std::size_t n) {
    return block_dot_q4_1(as<block_q4_1>(w), as<block_q8_1>(a), n / 32);
}
float dot_q5_0(const void* w, const void* a, std::size_t n) {
    return block_dot_q5_0(as<block_q5_0>(w), as<block_q8_0>(a), n / 32);
}
float dot_q5_1(const void* w, const void* a, std::size_t n) {
    return block_dot_q5_1(as<block_q5_1>(w), as<block_q8_1>(a), n / 32);
}
float dot_q8_0(const void* w, const void* a, std::size_t n) {
    return block_dot_q8_0(as<block_q8_0>(w), as<block_q8_0>(a), n / 32);
}
float dot_iq4_nl(const void* w, const void* a, std::size_t n) {
    return block_dot_iq4_nl(as<block_iq4_nl>(w), as<block_q8_0>(a), n / 32);
}
float dot_q4_k(const void* w, const void* a, std::size_t n) {
    return block_dot_q4_k(as<block_q4_k>(w), as<block_q8_k>(a), n / 256);
}
float dot_q5_k(const void* w, const void* a, std::size_t n) {
    return block_dot_q5_k(as<block_q5_k>(w), as<block_q8_k>(a), n / 256);
}
float dot_q6_k(const void* w, const void* a, std::size_t n) {
    return block_dot_q6_k(as<block_q6_k>(w), as<block_q8_k>(a), n / 256);
}
float dot_iq4_xs(const void* w, const void* a, std::size_t n) {
    return block_dot_iq4_xs(as<block_iq4_xs>(w), as<block_q8_k>(a), n / 256);
}

void from_float_f32(const float* src, void* dst, std::size_t n) { std::memcpy(dst, src, n * sizeof(float)); }
void from_float_f16(const float* src, void* dst, std::size_t n) {
    f32_to_f16_ref(src, static_cast<std::uint16_t*>(dst), n);
}
void from_float_bf16(const float* src, void* dst, std::size_t n) {
    auto* out = static_cast<std::uint16_t*>(dst);
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = f32_to_bf16(src[i]);
    }
}
void from_float_q8_0(const float* src, void* dst, std::size_t n) {
    quantize_row_q8_0_ref(src, static_cast<block_q8_0*>(dst), n);
}
void from_float_q8_1(const float* src, void* dst, std::size_t n) {
    quantize_row_q8_1_ref(src, static_cast<block_q8_1*>(dst), n);
}
void from_float_q8_k(const float* src, void* dst, std::size_t n) {
    quantize_row_q8_k_ref(src, static_cast<block_q8_k*>(dst), n);
}

}  // namespace ref

}  // namespace deepdesk::kernels
