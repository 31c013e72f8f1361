// SPDX-License-Identifier: GPL-3.0-or-later
// A plain C++ model of the x86 intrinsics that engine/kernels/quant_dot_avx512.inc and
// engine/kernels/gemm_vnni.inc use, written from Intel's documented semantics (Intel Intrinsics
// Guide, SDM vol. 2), so that the AVX-512 VNNI kernels' arithmetic can be compiled and tested on
// machines without AVX-512. Lanes are numbered
// from the least significant; every function models exactly one intrinsic of the same name.
// Each new intrinsic in the .inc needs its model here (the test build fails without one).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "engine/kernels/convert.h"

namespace deepdesk::simd_emulation {

template <int Bytes>
struct ivec {
    std::array<std::uint8_t, Bytes> b{};
};
template <int Lanes>
struct fvec {
    std::array<float, Lanes> f{};
};
using vi128 = ivec<16>;
using vi256 = ivec<32>;
using vi512 = ivec<64>;
using vf128 = fvec<4>;
using vf256 = fvec<8>;
using vf512 = fvec<16>;
using mask32 = std::uint32_t;
using mask64 = std::uint64_t;

// Lane j of v seen as an array of L.
template <typename L, int B>
L lane(const ivec<B>& v, int j) {
    L x;
    std::memcpy(&x, v.b.data() + static_cast<std::size_t>(j) * sizeof(L), sizeof(L));
    return x;
}
template <typename L, int B>
void set_lane(ivec<B>& v, int j, L x) {
    std::memcpy(v.b.data() + static_cast<std::size_t>(j) * sizeof(L), &x, sizeof(L));
}
template <int B>
ivec<B> load(const void* p) {
    ivec<B> v;
    std::memcpy(v.b.data(), p, B);
    return v;
}
template <int B, typename Op>
ivec<B> bytewise(const ivec<B>& a, const ivec<B>& c, Op op) {
    ivec<B> r;
    for (int j = 0; j < B; ++j) {
        r.b[j] = static_cast<std::uint8_t>(op(a.b[j], c.b[j]));
    }
    return r;
}
template <int Out, int In>
ivec<Out> zero_extend(const ivec<In>& a) {
    ivec<Out> r;
    std::memcpy(r.b.data(), a.b.data(), In);
    return r;
}
inline std::int16_t saturate16(std::int32_t v) {
    return static_cast<std::int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
}
// i32 arithmetic that wraps as the hardware does.
inline std::int32_t wrap32(std::int64_t v) { return static_cast<std::int32_t>(static_cast<std::uint32_t>(v)); }

// --- loads, sets, casts ---
inline vi128 _mm_loadu_si128(const vi128* p) { return load<16>(p); }
inline vi256 _mm256_loadu_si256(const vi256* p) { return load<32>(p); }
inline vi512 _mm512_loadu_si512(const void* p) { return load<64>(p); }
inline vi256 _mm256_setzero_si256() { return {}; }
inline vi512 _mm512_setzero_si512() { return {}; }
inline vf128 _mm_setzero_ps() { return {}; }
inline vf256 _mm256_setzero_ps() { return {}; }
inline vi256 _mm256_set1_epi8(char c) {
    vi256 r;
    r.b.fill(static_cast<std::uint8_t>(c));
    return r;
}
inline vi512 _mm512_set1_epi8(char c) {
    vi512 r;
    r.b.fill(static_cast<std::uint8_t>(c));
    return r;
}
inline vf128 _mm_set1_ps(float x) {
    vf128 r;
    r.f.fill(x);
    return r;
}
inline vf256 _mm256_set1_ps(float x) {
    vf256 r;
    r.f.fill(x);
    return r;
}
inline vi128 _mm_set_epi32(int e3, int e2, int e1, int e0) {
    vi128 r;
    const int e[4] = {e0, e1, e2, e3};
    for (int j = 0; j < 4; ++j) {
        set_lane<std::int32_t>(r, j, e[j]);
    }
    return r;
}
inline vi256 _mm256_set_epi64x(long long e3, long long e2, long long e1, long long e0) {
    vi256 r;
    const long long e[4] = {e0, e1, e2, e3};
    for (int j = 0; j < 4; ++j) {
        set_lane<std::int64_t>(r, j, e[j]);
    }
    return r;
}
inline vi512 _mm512_set_epi64(long long e7, long long e6, long long e5, long long e4, long long e3, long long e2,
                              long long e1, long long e0) {
    vi512 r;
    const long long e[8] = {e0, e1, e2, e3, e4, e5, e6, e7};
    for (int j = 0; j < 8; ++j) {
        set_lane<std::int64_t>(r, j, e[j]);
    }
    return r;
}
inline vi512 _mm512_zextsi128_si512(const vi128& a) { return zero_extend<64>(a); }
inline vi512 _mm512_zextsi256_si512(const vi256& a) { return zero_extend<64>(a); }
inline vi256 _mm256_broadcastsi128_si256(const vi128& a) {
    vi256 r;
    std::memcpy(r.b.data(), a.b.data(), 16);
    std::memcpy(r.b.data() + 16, a.b.data(), 16);
    return r;
}
inline vi512 _mm512_broadcast_i64x4(const vi256& a) {
    vi512 r;
    std::memcpy(r.b.data(), a.b.data(), 32);
    std::memcpy(r.b.data() + 32, a.b.data(), 32);
    return r;
}
inline vi256 _mm512_castsi512_si256(const vi512& a) {  // the low half
    vi256 r;
    std::memcpy(r.b.data(), a.b.data(), 32);
    return r;
}
// imm bit 0 selects the 256-bit half of a.
inline vi256 _mm512_extracti64x4_epi64(const vi512& a, int imm) {
    vi256 r;
    std::memcpy(r.b.data(), a.b.data() + 32 * (imm & 1), 32);
    return r;
}
// imm bit 0 selects which 256-bit half of a is replaced by b.
inline vi512 _mm512_inserti64x4(const vi512& a, const vi256& b, int imm) {
    vi512 r = a;
    std::memcpy(r.b.data() + 32 * (imm & 1), b.b.data(), 32);
    return r;
}

// --- widening ---
inline vi128 _mm_cvtepu8_epi16(const vi128& a) {  // low 8 bytes, zero-extended
    vi128 r;
    for (int j = 0; j < 8; ++j) {
        set_lane<std::int16_t>(r, j, static_cast<std::int16_t>(a.b[j]));
    }
    return r;
}
inline vi256 _mm256_cvtepu8_epi32(const vi128& a) {  // low 8 bytes, zero-extended
    vi256 r;
    for (int j = 0; j < 8; ++j) {
        set_lane<std::int32_t>(r, j, static_cast<std::int32_t>(a.b[j]));
    }
    return r;
}
inline vi256 _mm256_cvtepi8_epi16(const vi128& a) {  // 16 bytes, sign-extended
    vi256 r;
    for (int j = 0; j < 16; ++j) {
        set_lane<std::int16_t>(r, j, lane<std::int8_t>(a, j));
    }
    return r;
}
inline float _cvtsh_ss(unsigned short h) { return kernels::f16_to_f32(h); }
template <int Lanes, int B>
fvec<Lanes> to_floats(const ivec<B>& a) {
    fvec<Lanes> r;
    for (int j = 0; j < Lanes; ++j) {
        r.f[j] = static_cast<float>(lane<std::int32_t>(a, j));  // round to nearest even (MXCSR default)
    }
    return r;
}
inline vf128 _mm_cvtepi32_ps(const vi128& a) { return to_floats<4>(a); }
inline vf256 _mm256_cvtepi32_ps(const vi256& a) { return to_floats<8>(a); }
inline vf512 _mm512_cvtepi32_ps(const vi512& a) { return to_floats<16>(a); }

// --- bitwise, shifts, byte arithmetic ---
inline vi256 _mm256_and_si256(const vi256& a, const vi256& c) {
    return bytewise(a, c, [](int x, int y) { return x & y; });
}
inline vi256 _mm256_or_si256(const vi256& a, const vi256& c) {
    return bytewise(a, c, [](int x, int y) { return x | y; });
}
inline vi512 _mm512_and_si512(const vi512& a, const vi512& c) {
    return bytewise(a, c, [](int x, int y) { return x & y; });
}
inline vi512 _mm512_or_si512(const vi512& a, const vi512& c) {
    return bytewise(a, c, [](int x, int y) { return x | y; });
}
inline vi512 _mm512_xor_si512(const vi512& a, const vi512& c) {
    return bytewise(a, c, [](int x, int y) { return x ^ y; });
}
inline vi256 _mm256_sub_epi8(const vi256& a, const vi256& c) {
    return bytewise(a, c, [](int x, int y) { return x - y; });
}
inline vi128 _mm_srli_si128(const vi128& a, int imm) {  // whole register, by bytes, zeros in
    vi128 r;
    for (int j = 0; j + imm < 16; ++j) {
        r.b[j] = a.b[j + imm];
    }
    return r;
}
template <typename L, int B>
ivec<B> shift_lanes(const ivec<B>& a, const ivec<B>& counts, bool left, bool per_lane_count, unsigned imm) {
    ivec<B> r;
    constexpr unsigned bits = 8 * sizeof(L);
    for (int j = 0; j < B / static_cast<int>(sizeof(L)); ++j) {
        const auto x = lane<L>(a, j);
        const auto n = per_lane_count ? static_cast<std::uint64_t>(lane<L>(counts, j)) : imm;
        set_lane<L>(r, j, n >= bits ? L{0} : static_cast<L>(left ? x << n : x >> n));
    }
    return r;
}
inline vi256 _mm256_slli_epi32(const vi256& a, unsigned imm) {
    return shift_lanes<std::uint32_t>(a, {}, true, false, imm);
}
inline vi512 _mm512_slli_epi16(const vi512& a, unsigned imm) {
    return shift_lanes<std::uint16_t>(a, {}, true, false, imm);
}
inline vi512 _mm512_srli_epi16(const vi512& a, unsigned imm) {
    return shift_lanes<std::uint16_t>(a, {}, false, false, imm);
}
inline vi256 _mm256_srlv_epi64(const vi256& a, const vi256& n) {
    return shift_lanes<std::uint64_t>(a, n, false, true, 0);
}
inline vi512 _mm512_srlv_epi64(const vi512& a, const vi512& n) {
    return shift_lanes<std::uint64_t>(a, n, false, true, 0);
}
// Within each 128-bit half: byte j = a[half + (c[j] & 15)], or 0 where c[j] has its top bit set.
inline vi256 _mm256_shuffle_epi8(const vi256& a, const vi256& c) {
    vi256 r;
    for (int j = 0; j < 32; ++j) {
        const int base = j < 16 ? 0 : 16;
        r.b[j] = (c.b[j] & 0x80) != 0 ? 0 : a.b[base + (c.b[j] & 0x0F)];
    }
    return r;
}
inline vi256 _mm256_maskz_mov_epi8(mask32 k, const vi256& a) {
    vi256 r;
    for (int j = 0; j < 32; ++j) {
        r.b[j] = ((k >> j) & 1u) != 0 ? a.b[j] : 0;
    }
    return r;
}
inline vi512 _mm512_abs_epi8(const vi512& a) {  // |-128| = 0x80
    vi512 r;
    for (int j = 0; j < 64; ++j) {
        const int v = static_cast<std::int8_t>(a.b[j]);
        r.b[j] = static_cast<std::uint8_t>(v < 0 ? -v : v);
    }
    return r;
}
inline mask64 _mm512_movepi8_mask(const vi512& a) {
    mask64 k = 0;
    for (int j = 0; j < 64; ++j) {
        k |= static_cast<mask64>(a.b[j] >> 7) << j;
    }
    return k;
}
inline vi512 _mm512_mask_sub_epi8(const vi512& src, mask64 k, const vi512& a, const vi512& c) {
    vi512 r;
    for (int j = 0; j < 64; ++j) {
        r.b[j] = ((k >> j) & 1u) != 0 ? static_cast<std::uint8_t>(a.b[j] - c.b[j]) : src.b[j];
    }
    return r;
}
template <int B, typename Op>
ivec<B> i32_lanes(const ivec<B>& a, const ivec<B>& c, Op op) {
    ivec<B> r;
    for (int j = 0; j < B / 4; ++j) {
        set_lane<std::int32_t>(r, j, wrap32(op(std::int64_t{lane<std::int32_t>(a, j)}, lane<std::int32_t>(c, j))));
    }
    return r;
}
inline vi256 _mm256_add_epi32(const vi256& a, const vi256& c) {
    return i32_lanes(a, c, [](std::int64_t x, std::int64_t y) { return x + y; });
}
inline vi256 _mm256_sub_epi32(const vi256& a, const vi256& c) {
    return i32_lanes(a, c, [](std::int64_t x, std::int64_t y) { return x - y; });
}
inline vi512 _mm512_sub_epi32(const vi512& a, const vi512& c) {
    return i32_lanes(a, c, [](std::int64_t x, std::int64_t y) { return x - y; });
}
inline vi512 _mm512_add_epi32(const vi512& a, const vi512& c) {
    return i32_lanes(a, c, [](std::int64_t x, std::int64_t y) { return x + y; });
}
// The low 32 bits of each product.
inline vi512 _mm512_mullo_epi32(const vi512& a, const vi512& c) {
    return i32_lanes(a, c, [](std::int64_t x, std::int64_t y) { return x * y; });
}
inline vi512 _mm512_slli_epi32(const vi512& a, int k) {
    vi512 r;
    for (int j = 0; j < 16; ++j) {
        set_lane<std::uint32_t>(r, j, k > 31 ? 0u : lane<std::uint32_t>(a, j) << k);
    }
    return r;
}
inline vi512 _mm512_set1_epi32(int v) {
    vi512 r;
    for (int j = 0; j < 16; ++j) {
        set_lane<std::int32_t>(r, j, v);
    }
    return r;
}
// i16 lanes: the pairwise sums of a (lanes 0..3), then of c (lanes 4..7), wrapping.
inline vi128 _mm_hadd_epi16(const vi128& a, const vi128& c) {
    vi128 r;
    for (int j = 0; j < 4; ++j) {
        set_lane<std::int16_t>(
            r, j, static_cast<std::int16_t>(lane<std::int16_t>(a, 2 * j) + lane<std::int16_t>(a, 2 * j + 1)));
        set_lane<std::int16_t>(
            r, 4 + j, static_cast<std::int16_t>(lane<std::int16_t>(c, 2 * j) + lane<std::int16_t>(c, 2 * j + 1)));
    }
    return r;
}

// --- multiply-adds ---
// i32 lane j = a16[2j] * c16[2j] + a16[2j + 1] * c16[2j + 1].
template <int B>
ivec<B> madd16(const ivec<B>& a, const ivec<B>& c) {
    ivec<B> r;
    for (int j = 0; j < B / 4; ++j) {
        const std::int64_t s = std::int64_t{lane<std::int16_t>(a, 2 * j)} * lane<std::int16_t>(c, 2 * j) +
                               std::int64_t{lane<std::int16_t>(a, 2 * j + 1)} * lane<std::int16_t>(c, 2 * j + 1);
        set_lane<std::int32_t>(r, j, wrap32(s));
    }
    return r;
}
inline vi128 _mm_madd_epi16(const vi128& a, const vi128& c) { return madd16(a, c); }
inline vi256 _mm256_madd_epi16(const vi256& a, const vi256& c) { return madd16(a, c); }
// i16 lane j = saturate(u8 a[2j] * s8 c[2j] + u8 a[2j + 1] * s8 c[2j + 1]).
inline vi512 _mm512_maddubs_epi16(const vi512& a, const vi512& c) {
    vi512 r;
    for (int j = 0; j < 32; ++j) {
        const std::int32_t s = a.b[2 * j] * std::int32_t{lane<std::int8_t>(c, 2 * j)} +
                               a.b[2 * j + 1] * std::int32_t{lane<std::int8_t>(c, 2 * j + 1)};
        set_lane<std::int16_t>(r, j, saturate16(s));
    }
    return r;
}
// i16 lanes, wrapping.
inline vi512 _mm512_sub_epi16(const vi512& a, const vi512& c) {
    vi512 r;
    for (int j = 0; j < 32; ++j) {
        set_lane<std::int16_t>(r, j, static_cast<std::int16_t>(lane<std::int16_t>(a, j) - lane<std::int16_t>(c, j)));
    }
    return r;
}
// VPDPBUSD: i32 lane j = src[j] + sum over k < 4 of u8 a[4j + k] * s8 c[4j + k] (wrapping).
inline vi512 _mm512_dpbusd_epi32(const vi512& src, const vi512& a, const vi512& c) {
    vi512 r;
    for (int j = 0; j < 16; ++j) {
        std::int64_t s = lane<std::int32_t>(src, j);
        for (int k = 0; k < 4; ++k) {
            s += a.b[4 * j + k] * std::int64_t{lane<std::int8_t>(c, 4 * j + k)};
        }
        set_lane<std::int32_t>(r, j, wrap32(s));
    }
    return r;
}
// VPDPWSSD: i32 lane j = src[j] + a16[2j] * c16[2j] + a16[2j + 1] * c16[2j + 1] (wrapping).
inline vi512 _mm512_dpwssd_epi32(const vi512& src, const vi512& a, const vi512& c) {
    vi512 r;
    for (int j = 0; j < 16; ++j) {
        const std::int64_t s = std::int64_t{lane<std::int32_t>(src, j)} +
                               std::int64_t{lane<std::int16_t>(a, 2 * j)} * lane<std::int16_t>(c, 2 * j) +
                               std::int64_t{lane<std::int16_t>(a, 2 * j + 1)} * lane<std::int16_t>(c, 2 * j + 1);
        set_lane<std::int32_t>(r, j, wrap32(s));
    }
    return r;
}

// --- permutes ---
inline vi512 _mm512_permutexvar_epi16(const vi512& idx, const vi512& a) {  // note: index first
    vi512 r;
    for (int j = 0; j < 32; ++j) {
        set_lane<std::int16_t>(r, j, lane<std::int16_t>(a, lane<std::uint16_t>(idx, j) & 31));
    }
    return r;
}
// --- float ---
template <int Lanes>
fvec<Lanes> fused(const fvec<Lanes>& a, const fvec<Lanes>& c, const fvec<Lanes>& acc) {  // one rounding
    fvec<Lanes> r;
    for (int j = 0; j < Lanes; ++j) {
        r.f[j] = std::fma(a.f[j], c.f[j], acc.f[j]);
    }
    return r;
}
inline vf256 _mm256_mul_ps(const vf256& a, const vf256& c) {
    vf256 r;
    for (int j = 0; j < 8; ++j) {
        r.f[j] = a.f[j] * c.f[j];
    }
    return r;
}
inline vf512 _mm512_setzero_ps() { return {}; }
inline vf512 _mm512_set1_ps(float v) {
    vf512 r;
    r.f.fill(v);
    return r;
}
inline vf512 _mm512_loadu_ps(const float* p) {
    vf512 r;
    std::memcpy(r.f.data(), p, sizeof(r.f));
    return r;
}
inline vf512 _mm512_mul_ps(const vf512& a, const vf512& c) {
    vf512 r;
    for (int j = 0; j < 16; ++j) {
        r.f[j] = a.f[j] * c.f[j];
    }
    return r;
}
inline vf512 _mm512_add_ps(const vf512& a, const vf512& c) {
    vf512 r;
    for (int j = 0; j < 16; ++j) {
        r.f[j] = a.f[j] + c.f[j];
    }
    return r;
}
inline vf512 _mm512_sub_ps(const vf512& a, const vf512& c) {
    vf512 r;
    for (int j = 0; j < 16; ++j) {
        r.f[j] = a.f[j] - c.f[j];
    }
    return r;
}
inline vf512 _mm512_fmadd_ps(const vf512& a, const vf512& c, const vf512& acc) { return fused(a, c, acc); }
// acc - a * c, one rounding.
inline vf512 _mm512_fnmadd_ps(const vf512& a, const vf512& c, const vf512& acc) {
    vf512 r;
    for (int j = 0; j < 16; ++j) {
        r.f[j] = std::fma(-a.f[j], c.f[j], acc.f[j]);
    }
    return r;
}
inline void _mm512_storeu_ps(float* p, const vf512& a) { std::memcpy(p, a.f.data(), sizeof(a.f)); }
inline vf128 _mm_fmadd_ps(const vf128& a, const vf128& c, const vf128& acc) { return fused(a, c, acc); }
inline vf256 _mm256_fmadd_ps(const vf256& a, const vf256& c, const vf256& acc) { return fused(a, c, acc); }
inline void _mm_storeu_ps(float* p, const vf128& a) { std::memcpy(p, a.f.data(), sizeof(a.f)); }
inline void _mm256_storeu_ps(float* p, const vf256& a) { std::memcpy(p, a.f.data(), sizeof(a.f)); }

}  // namespace deepdesk::simd_emulation
