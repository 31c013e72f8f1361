// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/kernels/quant_dot.h"

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

float dot_q4_0(const block_q4_0* x, const block_q8_0* y, std::size_t nb) {
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

float dot_q4_1(const block_q4_1* x, const block_q8_1* y, std::size_t nb) {
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

float dot_q5_0(const block_q5_0* x, const block_q8_0* y, std::size_t nb) {
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

float dot_q5_1(const block_q5_1* x, const block_q8_1* y, std::size_t nb) {
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

float dot_q8_0(const block_q8_0* x, const block_q8_0* y, std::size_t nb) {
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

float dot_iq4_nl(const block_iq4_nl* x, const block_q8_0* y, std::size_t nb) {
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

float dot_q4_k(const block_q4_k* x, const block_q8_k* y, std::size_t nb) {
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

float dot_q5_k(const block_q5_k* x, const block_q8_k* y, std::size_t nb) {
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

float dot_q6_k(const block_q6_k* x, const block_q8_k* y, std::size_t nb) {
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

float dot_iq4_xs(const block_iq4_xs* x, const block_q8_k* y, std::size_t nb) {
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

float dot_f16(const std::uint16_t* x, const std::uint16_t* y, std::size_t n) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        sum += f16_to_f32(x[i]) * f16_to_f32(y[i]);
    }
    return sum;
}

float dot_bf16(const std::uint16_t* x, const std::uint16_t* y, std::size_t n) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        sum += bf16_to_f32(x[i]) * bf16_to_f32(y[i]);
    }
    return sum;
}

float dot_f32(const float* x, const float* y, std::size_t n) {
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
        const float d = amax / 127.0f;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
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
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
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

tensor_type activation_type(tensor_type weight) {
    switch (weight) {
    case tensor_type::q4_0:
    case tensor_type::q5_0:
    case tensor_type::q8_0:
    case tensor_type::iq4_nl: return tensor_type::q8_0;
    case tensor_type::q4_1:
    case tensor_type::q5_1: return tensor_type::q8_1;
    case tensor_type::q4_k:
    case tensor_type::q5_k:
    case tensor_type::q6_k:
    case tensor_type::iq4_xs: return tensor_type::q8_k;
    case tensor_type::f16: return tensor_type::f16;
    case tensor_type::bf16: return tensor_type::bf16;
    default: return tensor_type::f32;
    }
}

std::size_t activation_row_bytes(tensor_type weight, std::size_t n) {
    return row_bytes(traits_of(activation_type(weight)), n);
}

void quantize_activation_ref(tensor_type weight, const float* x, void* dst, std::size_t n) {
    switch (activation_type(weight)) {
    case tensor_type::q8_0: quantize_row_q8_0_ref(x, static_cast<block_q8_0*>(dst), n); return;
    case tensor_type::q8_1: quantize_row_q8_1_ref(x, static_cast<block_q8_1*>(dst), n); return;
    case tensor_type::q8_k: quantize_row_q8_k_ref(x, static_cast<block_q8_k*>(dst), n); return;
    case tensor_type::f16: f32_to_f16_ref(x, static_cast<std::uint16_t*>(dst), n); return;
    case tensor_type::bf16: {
        auto* out = static_cast<std::uint16_t*>(dst);
        for (std::size_t i = 0; i < n; ++i) {
            out[i] = f32_to_bf16(x[i]);
        }
        return;
    }
    default: std::memcpy(dst, x, n * sizeof(float)); return;
    }
}

namespace avx2 {
float dot_q8_0(const void*, const void*, std::size_t);
float dot_q4_0(const void*, const void*, std::size_t);
float dot_q4_k(const void*, const void*, std::size_t);
float dot_q6_k(const void*, const void*, std::size_t);
float dot_f16(const void*, const void*, std::size_t);
float dot_f32(const void*, const void*, std::size_t);
float dot_q5_0(const void*, const void*, std::size_t);
float dot_q5_k(const void*, const void*, std::size_t);
float dot_iq4_nl(const void*, const void*, std::size_t);
float dot_iq4_xs(const void*, const void*, std::size_t);
float dot_q4_1(const void*, const void*, std::size_t);
float dot_q5_1(const void*, const void*, std::size_t);
float dot_bf16(const void*, const void*, std::size_t);
void dot4_q4_k(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q6_k(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q8_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q4_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q5_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_iq4_nl(const void*, const void*, std::size_t, std::size_t, float*);
void quantize_row_q8_0(const float*, void*, std::size_t);
void quantize_row_q8_k(const float*, void*, std::size_t);
}  // namespace avx2

namespace avx512 {
float dot_q8_0(const void*, const void*, std::size_t);
float dot_q4_0(const void*, const void*, std::size_t);
float dot_q5_0(const void*, const void*, std::size_t);
float dot_iq4_nl(const void*, const void*, std::size_t);
float dot_q4_k(const void*, const void*, std::size_t);
float dot_q6_k(const void*, const void*, std::size_t);
void dot4_q8_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q4_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q5_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_iq4_nl(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q4_k(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q6_k(const void*, const void*, std::size_t, std::size_t, float*);
}  // namespace avx512

namespace {

template <tensor_type T>
float ref_of(const void* w, const void* a, std::size_t n) {
    return vec_dot_ref(T, w, a, n);
}

}  // namespace

dot_fn dot_kernel_ref(tensor_type weight) {
    switch (weight) {
    case tensor_type::f32: return ref_of<tensor_type::f32>;
    case tensor_type::f16: return ref_of<tensor_type::f16>;
    case tensor_type::bf16: return ref_of<tensor_type::bf16>;
    case tensor_type::q4_0: return ref_of<tensor_type::q4_0>;
    case tensor_type::q4_1: return ref_of<tensor_type::q4_1>;
    case tensor_type::q5_0: return ref_of<tensor_type::q5_0>;
    case tensor_type::q5_1: return ref_of<tensor_type::q5_1>;
    case tensor_type::q8_0: return ref_of<tensor_type::q8_0>;
    case tensor_type::iq4_nl: return ref_of<tensor_type::iq4_nl>;
    case tensor_type::q4_k: return ref_of<tensor_type::q4_k>;
    case tensor_type::q5_k: return ref_of<tensor_type::q5_k>;
    case tensor_type::q6_k: return ref_of<tensor_type::q6_k>;
    case tensor_type::iq4_xs: return ref_of<tensor_type::iq4_xs>;
    default: break;
    }
    throw std::invalid_argument("no dot product for " + std::string(traits_of(weight).name));
}

namespace {

// The AVX-512 kernels for `weight` when `isa` allows them and they passed their check here.
const kernel_pair* avx512_pair(tensor_type weight, isa_level isa) {
    if (isa < isa_level::avx512 || !avx512_kernels_usable()) {
        return nullptr;
    }
    for (const kernel_pair& k : avx512_kernels()) {
        if (k.type == weight) {
            return &k;
        }
    }
    return nullptr;
}

}  // namespace

isa_level quant_dot_isa() {
    const isa_level isa = active_isa();
    return isa >= isa_level::avx512 && !avx512_kernels_usable() ? isa_level::avx2 : isa;
}

dot_fn dot_kernel(tensor_type weight, isa_level isa) {
#if defined(__x86_64__)
    if (const kernel_pair* k = avx512_pair(weight, isa)) {
        return k->dot;
    }
    if (isa >= isa_level::avx2) {
        switch (weight) {
        case tensor_type::q8_0: return avx2::dot_q8_0;
        case tensor_type::q4_0: return avx2::dot_q4_0;
        case tensor_type::q4_k: return avx2::dot_q4_k;
        case tensor_type::q6_k: return avx2::dot_q6_k;
        case tensor_type::f16: return avx2::dot_f16;
        case tensor_type::f32: return avx2::dot_f32;
        case tensor_type::q5_0: return avx2::dot_q5_0;
        case tensor_type::q5_k: return avx2::dot_q5_k;
        case tensor_type::iq4_nl: return avx2::dot_iq4_nl;
        case tensor_type::iq4_xs: return avx2::dot_iq4_xs;
        case tensor_type::q4_1: return avx2::dot_q4_1;
        case tensor_type::q5_1: return avx2::dot_q5_1;
        case tensor_type::bf16: return avx2::dot_bf16;
        default: break;
        }
    }
#endif
    (void)isa;
    return dot_kernel_ref(weight);
}

dot_fn dot_kernel(tensor_type weight) { return dot_kernel(weight, active_isa()); }

dot4_fn dot4_kernel(tensor_type weight, isa_level isa) {
#if defined(__x86_64__)
    if (const kernel_pair* k = avx512_pair(weight, isa)) {
        return k->dot4;
    }
    if (isa >= isa_level::avx2) {
        switch (weight) {
        case tensor_type::q4_k: return avx2::dot4_q4_k;
        case tensor_type::q6_k: return avx2::dot4_q6_k;
        case tensor_type::q8_0: return avx2::dot4_q8_0;
        case tensor_type::q4_0: return avx2::dot4_q4_0;
        case tensor_type::q5_0: return avx2::dot4_q5_0;
        case tensor_type::iq4_nl: return avx2::dot4_iq4_nl;
        default: break;
        }
    }
#endif
    (void)weight;
    (void)isa;
    return nullptr;
}

dot4_fn dot4_kernel(tensor_type weight) { return dot4_kernel(weight, active_isa()); }

void quantize_activation(tensor_type weight, const float* x, void* dst, std::size_t n) {
#if defined(__x86_64__)
    if (active_isa() >= isa_level::avx2) {
        switch (activation_type(weight)) {
        case tensor_type::q8_0: avx2::quantize_row_q8_0(x, dst, n); return;
        case tensor_type::q8_k: avx2::quantize_row_q8_k(x, dst, n); return;
        case tensor_type::f16: convert_kernels().f32_to_f16(x, static_cast<std::uint16_t*>(dst), n); return;
        default: break;
        }
    }
#endif
    quantize_activation_ref(weight, x, dst, n);
}

namespace {

// Byte offsets of the f16 scale fields in a block of `type` (set to finite values by the check;
// random bytes there could be NaN or infinity).
std::vector<std::size_t> scale_offsets(tensor_type type) {
    switch (type) {
    case tensor_type::q4_1:  // d, m
    case tensor_type::q5_1:
    case tensor_type::q4_k:  // d, dmin
    case tensor_type::q5_k: return {0, 2};
    case tensor_type::q6_k: return {offsetof(block_q6_k, d)};
    default: return {0};  // d first
    }
}

// A weight row of `blocks` blocks of random bytes (finite random f16 scales) and four activation
// rows of random normal values, quantized by the reference.
struct random_case {
    std::size_t n = 0, stride = 0;
    std::vector<std::uint8_t> w, act;
};

random_case make_random_case(tensor_type type, std::size_t blocks, std::mt19937& rng) {
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const tensor_type_traits& tr = traits_of(type);
    random_case c;
    c.n = tr.block_size * blocks;
    c.w.resize(tr.type_size * blocks);
    for (auto& b : c.w) {
        b = static_cast<std::uint8_t>(byte(rng));
    }
    for (std::size_t b = 0; b < blocks; ++b) {
        for (const std::size_t off : scale_offsets(type)) {
            const std::uint16_t h = f32_to_f16(byte(rng) < 128 ? scale(rng) : -scale(rng));
            std::memcpy(c.w.data() + b * tr.type_size + off, &h, 2);
        }
    }
    c.stride = activation_row_bytes(type, c.n);
    c.act.resize(4 * c.stride);
    std::vector<float> x(c.n);
    for (int t = 0; t < 4; ++t) {
        for (auto& v : x) {
            v = normal(rng);
        }
        quantize_activation_ref(type, x.data(), c.act.data() + t * c.stride, c.n);
    }
    return c;
}

constexpr std::size_t k_check_block_counts[] = {1, 2, 3, 7, 16, 33};

// out[t] for tokens 0..3: the four-token kernel when there is one, else the one-token kernel.
void four_tokens(const kernel_pair& k, const random_case& c, float* out) {
    if (k.dot4 != nullptr) {
        k.dot4(c.w.data(), c.act.data(), c.stride, c.n, out);
        return;
    }
    for (int t = 0; t < 4; ++t) {
        out[t] = k.dot(c.w.data(), c.act.data() + t * c.stride, c.n);
    }
}

}  // namespace

double block_magnitude(tensor_type t, const std::uint8_t* w, const std::uint8_t* act, std::size_t n) {
    const std::size_t bs = traits_of(t).block_size;
    const std::size_t act_block = activation_row_bytes(t, bs);
    double sum = 0.0;
    for (std::size_t b = 0; b < n / bs; ++b) {
        sum += std::fabs(vec_dot_ref(t, w + b * traits_of(t).type_size, act + b * act_block, bs));
    }
    return sum;
}

std::string compare_with_reference(std::span<const kernel_pair> kernels, unsigned seed) {
    std::mt19937 rng(seed);
    for (const kernel_pair& k : kernels) {
        for (const std::size_t blocks : k_check_block_counts) {
            const random_case c = make_random_case(k.type, blocks, rng);
            float four[4];
            four_tokens(k, c, four);
            for (int t = 0; t < 4; ++t) {
                const std::uint8_t* a = c.act.data() + t * c.stride;
                const double want = vec_dot_ref(k.type, c.w.data(), a, c.n);
                const double tolerance = 2e-5 * block_magnitude(k.type, c.w.data(), a, c.n) + 1e-6;
                const double one = k.dot(c.w.data(), a, c.n);
                if (!(std::fabs(one - want) <= tolerance) || !(std::fabs(four[t] - want) <= tolerance)) {
                    return std::string(traits_of(k.type).name) + " n=" + std::to_string(c.n) + " token " +
                           std::to_string(t) + ": reference " + std::to_string(want) + ", one-token kernel " +
                           std::to_string(one) + ", four-token kernel " + std::to_string(four[t]);
                }
            }
        }
    }
    return {};
}

std::string compare_bit_for_bit(std::span<const kernel_pair> kernels, isa_level twin_isa, unsigned seed) {
    std::mt19937 rng(seed);
    for (const kernel_pair& k : kernels) {
        const kernel_pair twin{k.type, dot_kernel(k.type, twin_isa), dot4_kernel(k.type, twin_isa)};
        for (const std::size_t blocks : k_check_block_counts) {
            const random_case c = make_random_case(k.type, blocks, rng);
            float four[4], twin_four[4];
            four_tokens(k, c, four);
            four_tokens(twin, c, twin_four);
            for (int t = 0; t < 4; ++t) {
                const std::uint8_t* a = c.act.data() + t * c.stride;
                const float one = k.dot(c.w.data(), a, c.n), twin_one = twin.dot(c.w.data(), a, c.n);
                if (std::memcmp(&one, &twin_one, sizeof(float)) != 0 ||
                    std::memcmp(&four[t], &twin_four[t], sizeof(float)) != 0) {
                    return std::string(traits_of(k.type).name) + " n=" + std::to_string(c.n) + " token " +
                           std::to_string(t) + ": one-token " + std::to_string(one) + " vs " +
                           std::to_string(twin_one) + ", four-token " + std::to_string(four[t]) + " vs " +
                           std::to_string(twin_four[t]);
                }
            }
        }
    }
    return {};
}

std::span<const kernel_pair> avx512_kernels() {
#if defined(__x86_64__)
    static const kernel_pair kernels[] = {{tensor_type::q8_0, avx512::dot_q8_0, avx512::dot4_q8_0},
                                          {tensor_type::q4_0, avx512::dot_q4_0, avx512::dot4_q4_0},
                                          {tensor_type::q5_0, avx512::dot_q5_0, avx512::dot4_q5_0},
                                          {tensor_type::iq4_nl, avx512::dot_iq4_nl, avx512::dot4_iq4_nl},
                                          {tensor_type::q4_k, avx512::dot_q4_k, avx512::dot4_q4_k},
                                          {tensor_type::q6_k, avx512::dot_q6_k, avx512::dot4_q6_k}};
    return kernels;
#else
    return {};
#endif
}

bool avx512_kernels_usable() {
    static const bool usable = [] {
        const cpu_features& cpu = host_cpu();
        if (!(cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512_vnni && cpu.avx2 && cpu.fma && cpu.f16c)) {
            return false;
        }
        std::string mismatch = compare_with_reference(avx512_kernels(), 20261125);
        if (mismatch.empty()) {
            // The same floats as the AVX2 kernels, which the reference models are checked with.
            mismatch = compare_bit_for_bit(avx512_kernels(), isa_level::avx2, 20261126);
        }
        if (!mismatch.empty()) {
            std::fprintf(stderr, "deepdesk: the AVX-512 kernels fail their check on this CPU (%s); using AVX2\n",
                         mismatch.c_str());
            return false;
        }
        return true;
    }();
    return usable;
}

float vec_dot_ref(tensor_type weight, const void* w, const void* a, std::size_t n) {
    const std::size_t nb32 = n / 32, nb256 = n / 256;
    switch (weight) {
    case tensor_type::f32: return dot_f32(as<float>(w), as<float>(a), n);
    case tensor_type::f16: return dot_f16(as<std::uint16_t>(w), as<std::uint16_t>(a), n);
    case tensor_type::bf16: return dot_bf16(as<std::uint16_t>(w), as<std::uint16_t>(a), n);
    case tensor_type::q4_0: return dot_q4_0(as<block_q4_0>(w), as<block_q8_0>(a), nb32);
    case tensor_type::q4_1: return dot_q4_1(as<block_q4_1>(w), as<block_q8_1>(a), nb32);
    case tensor_type::q5_0: return dot_q5_0(as<block_q5_0>(w), as<block_q8_0>(a), nb32);
    case tensor_type::q5_1: return dot_q5_1(as<block_q5_1>(w), as<block_q8_1>(a), nb32);
    case tensor_type::q8_0: return dot_q8_0(as<block_q8_0>(w), as<block_q8_0>(a), nb32);
    case tensor_type::iq4_nl: return dot_iq4_nl(as<block_iq4_nl>(w), as<block_q8_0>(a), nb32);
    case tensor_type::q4_k: return dot_q4_k(as<block_q4_k>(w), as<block_q8_k>(a), nb256);
    case tensor_type::q5_k: return dot_q5_k(as<block_q5_k>(w), as<block_q8_k>(a), nb256);
    case tensor_type::q6_k: return dot_q6_k(as<block_q6_k>(w), as<block_q8_k>(a), nb256);
    case tensor_type::iq4_xs: return dot_iq4_xs(as<block_iq4_xs>(w), as<block_q8_k>(a), nb256);
    default: break;
    }
    throw std::invalid_argument("vec_dot_ref: " + std::string(traits_of(weight).name) + " is not supported");
}

}  // namespace deepdesk::kernels
