// SPDX-License-Identifier: GPL-3.0-or-later
// AVX2 variants of the quantized dot products (kernels/quant_dot.h). The integer sums are exact
// and the float sums run in vector lanes, so results differ from the `_ref` functions only by
// float rounding order (tested with a tolerance scaled to the block contributions).
#include <cmath>
#include <cstring>

#include "engine/kernels/convert.h"
#include "engine/kernels/quant_dot.h"
#include "engine/kernels/quant_dot_parts.h"

#if defined(__x86_64__)
#include <immintrin.h>

namespace deepdesk::kernels::avx2 {
namespace {

#define DD_AVX2 __attribute__((target("avx2,fma,f16c")))

DD_AVX2 inline int hsum_i32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 1));
    return _mm_cvtsi128_si32(s);
}

DD_AVX2 inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// Sum over 32 lanes of x * y for signed bytes, as 8 i32 partial sums.
DD_AVX2 inline __m256i dot_i8(__m256i x, __m256i y) {
    const __m256i ax = _mm256_sign_epi8(x, x);
    const __m256i sy = _mm256_sign_epi8(y, x);
    return _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), _mm256_set1_epi16(1));
}

// 16 packed bytes -> 32 nibbles: low nibbles in lanes 0..15, high nibbles in 16..31.
DD_AVX2 inline __m256i unpack_nibbles(const std::uint8_t* p) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m256i both = _mm256_set_m128i(_mm_srli_epi16(b, 4), b);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

DD_AVX2 inline float half(std::uint16_t h) { return _cvtsh_ss(h); }

// All eight 6-bit (scale, min) pairs of a Q4_K/Q5_K block (same packing as unpack_scale_min_k4).
inline void unpack_scales_k4(const std::uint8_t* q, std::uint8_t* sc, std::uint8_t* m) {
    for (int j = 0; j < 4; ++j) {
        sc[j] = q[j] & 63;
        m[j] = q[j + 4] & 63;
        sc[j + 4] = static_cast<std::uint8_t>((q[j + 8] & 0xF) | ((q[j] >> 6) << 4));
        m[j + 4] = static_cast<std::uint8_t>((q[j + 8] >> 4) | ((q[j + 4] >> 6) << 4));
    }
}

// The 6-bit scales and mins of a Q4_K/Q5_K block as 8 x i16 each.
DD_AVX2 inline void scales_mins_k4(const std::uint8_t* q, __m128i& scales, __m128i& mins) {
    const k4_scale_words w = unpack_k4_scale_words(q);
    const __m128i packed = _mm_set_epi32(static_cast<int>(w.mins_hi), static_cast<int>(w.mins_lo),
                                         static_cast<int>(w.scales_hi), static_cast<int>(w.scales_lo));
    scales = _mm_cvtepu8_epi16(packed);
    mins = _mm_cvtepu8_epi16(_mm_srli_si128(packed, 8));
}

// Shuffle masks broadcasting i16 lane k of a 128-bit register (in both halves) to all 16 lanes.
DD_AVX2 inline __m256i broadcast_lane_mask(int k) {
    return _mm256_set1_epi16(static_cast<short>((2 * k) | ((2 * k + 1) << 8)));
}

// One 128-value half of a Q6_K block as four groups of 32 unsigned 6-bit values (0..63):
// group g takes the low (g < 2) or high nibbles of ql[0..31] / ql[32..63] and bits 2g..2g+1 of qh.
DD_AVX2 inline void unpack_q6k_half(const std::uint8_t* ql, const std::uint8_t* qh, __m256i* q) {
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    const __m256i two = _mm256_set1_epi8(3);
    const __m256i l0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
    const __m256i l1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qh));
    const __m256i lows[4] = {_mm256_and_si256(l0, low4), _mm256_and_si256(l1, low4),
                             _mm256_and_si256(_mm256_srli_epi16(l0, 4), low4),
                             _mm256_and_si256(_mm256_srli_epi16(l1, 4), low4)};
    q[0] = _mm256_or_si256(lows[0], _mm256_slli_epi16(_mm256_and_si256(h, two), 4));
    q[1] = _mm256_or_si256(lows[1], _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 2), two), 4));
    q[2] = _mm256_or_si256(lows[2], _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 4), two), 4));
    q[3] = _mm256_or_si256(lows[3], _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(h, 6), two), 4));
}

// Bit j of the 32-bit qh as 0x10 in byte lane j.
DD_AVX2 inline __m256i fifth_bits(const std::uint8_t* qh_bytes) {
    std::uint32_t qh = 0;
    std::memcpy(&qh, qh_bytes, 4);
    const __m256i shuffle = _mm256_set_epi64x(0x0303030303030303, 0x0202020202020202, 0x0101010101010101, 0);
    const __m256i bit = _mm256_set1_epi64x(static_cast<long long>(0x7fbfdfeff7fbfdfe));
    const __m256i bytes = _mm256_or_si256(_mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(qh)), shuffle), bit);
    return _mm256_and_si256(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1)), _mm256_set1_epi8(0x10));
}

DD_AVX2 inline float hsum_ps128(__m128 s) {
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// 32-element weight blocks whose values are signed bytes, met by Q8_0 activations.
struct values_q8_0 {
    using block = block_q8_0;
    DD_AVX2 static __m256i get(const block& b) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs)); }
};
struct values_q4_0 {
    using block = block_q4_0;
    DD_AVX2 static __m256i get(const block& b) { return _mm256_sub_epi8(unpack_nibbles(b.qs), _mm256_set1_epi8(8)); }
};
struct values_q5_0 {
    using block = block_q5_0;
    DD_AVX2 static __m256i get(const block& b) {
        return _mm256_sub_epi8(_mm256_or_si256(unpack_nibbles(b.qs), fifth_bits(b.qh)), _mm256_set1_epi8(16));
    }
};
struct values_iq4_nl {
    using block = block_iq4_nl;
    DD_AVX2 static __m256i get(const block& b) {
        const __m256i grid = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k_iq4_grid)));
        return _mm256_shuffle_epi8(grid, unpack_nibbles(b.qs));
    }
};

// One weight row against T activation rows. Each block's integer sum is exact; the float sums
// run in eight lanes (as the reference runtime's AVX2 code does), so results differ from the
// scalar reference only by float rounding order.
template <typename V, int T>
DD_AVX2 inline void tile_32(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    const auto* x = static_cast<const typename V::block*>(vx);
    const act_rows<block_q8_0, T> y(vy, stride);
    __m256 acc[T];
    for (int t = 0; t < T; ++t) {
        acc[t] = _mm256_setzero_ps();
    }
    for (std::size_t i = 0; i < n / 32; ++i) {
        const __m256i qx = V::get(x[i]);
        const __m256i ax = _mm256_sign_epi8(qx, qx);
        const float dx = half(x[i].d);
        // Lane t: the weight's block scale times token t's; the tokens' scales are converted
        // together (the same products as one at a time).
        __m256 scales;
        if constexpr (T == 1) {
            scales = _mm256_set1_ps(dx * half(y.r[0][i].d));
        } else {
            static_assert(T == 4);
            __m128i hd = _mm_cvtsi32_si128(y.r[0][i].d);
            hd = _mm_insert_epi16(hd, y.r[1][i].d, 1);
            hd = _mm_insert_epi16(hd, y.r[2][i].d, 2);
            hd = _mm_insert_epi16(hd, y.r[3][i].d, 3);
            scales = _mm256_mul_ps(_mm256_cvtph_ps(hd), _mm256_set1_ps(dx));
        }
        for (int t = 0; t < T; ++t) {
            const __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.r[t][i].qs));
            const __m256i p =
                _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(qy, qx)), _mm256_set1_epi16(1));
            const __m256 d = T == 1 ? scales : _mm256_permutevar8x32_ps(scales, _mm256_set1_epi32(t));
            acc[t] = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(p), acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) {
        out[t] = hsum_ps(acc[t]);
    }
}

// Four weight rows (w_stride bytes apart) by four activation rows: out[r * 4 + t]. Each weight
// block is unpacked once for the four tokens and each token's block loaded once for the four rows;
// every output keeps tile_32's own eight lanes and products, so the floats are the same.
template <typename V>
DD_AVX2 inline void tile_32_4x4(const void* vx, std::size_t w_stride, const void* vy, std::size_t stride, std::size_t n,
                                float* out) {
    constexpr int R = 4, T = 4;
    const typename V::block* x[R];
    for (int r = 0; r < R; ++r) {
        x[r] = reinterpret_cast<const typename V::block*>(static_cast<const std::uint8_t*>(vx) + w_stride * r);
    }
    const act_rows<block_q8_0, T> y(vy, stride);
    __m256 acc[R][T];
    for (int r = 0; r < R; ++r) {
        for (int t = 0; t < T; ++t) {
            acc[r][t] = _mm256_setzero_ps();
        }
    }
    for (std::size_t i = 0; i < n / 32; ++i) {
        __m128i hd = _mm_cvtsi32_si128(y.r[0][i].d);
        hd = _mm_insert_epi16(hd, y.r[1][i].d, 1);
        hd = _mm_insert_epi16(hd, y.r[2][i].d, 2);
        hd = _mm_insert_epi16(hd, y.r[3][i].d, 3);
        const __m256 dy = _mm256_cvtph_ps(hd);
        __m256i qy[T];
        for (int t = 0; t < T; ++t) {
            qy[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.r[t][i].qs));
        }
        for (int r = 0; r < R; ++r) {
            const __m256i qx = V::get(x[r][i]);
            const __m256i ax = _mm256_sign_epi8(qx, qx);
            const __m256 scales = _mm256_mul_ps(dy, _mm256_set1_ps(half(x[r][i].d)));
            for (int t = 0; t < T; ++t) {
                const __m256i p =
                    _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(qy[t], qx)), _mm256_set1_epi16(1));
                acc[r][t] = _mm256_fmadd_ps(_mm256_permutevar8x32_ps(scales, _mm256_set1_epi32(t)),
                                            _mm256_cvtepi32_ps(p), acc[r][t]);
            }
        }
    }
    for (int r = 0; r < R; ++r) {
        for (int t = 0; t < T; ++t) {
            out[r * T + t] = hsum_ps(acc[r][t]);
        }
    }
}

// Q4_0 as the reference runtime computes it on AVX2 and up, where it repacks Q4_0 weights (rows in
// multiples of eight) for its own matrix kernels: each block's integer sum whole, then one fused
// multiply-add per block into a single float sum per token (no lanes).
template <typename V, int T>
DD_AVX2 inline void tile_32_blockwise(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    static_assert(T == 1 || T == 4);
    const auto* x = static_cast<const typename V::block*>(vx);
    const act_rows<block_q8_0, T> y(vy, stride);
    __m128 acc = _mm_setzero_ps();  // lane t: token t
    for (std::size_t i = 0; i < n / 32; ++i) {
        const __m256i qx = V::get(x[i]);
        const __m256i ax = _mm256_sign_epi8(qx, qx);
        const float dx = half(x[i].d);
        __m256i p[T];
        for (int t = 0; t < T; ++t) {
            const __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.r[t][i].qs));
            p[t] = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(qy, qx)), _mm256_set1_epi16(1));
        }
        if constexpr (T == 1) {
            const __m128 sum = _mm_cvtepi32_ps(_mm_cvtsi32_si128(hsum_i32(p[0])));
            acc = _mm_fmadd_ss(sum, _mm_set_ss(dx * half(y.r[0][i].d)), acc);
        } else {
            // Lane t of h: token t's sum over i32 lanes 0..3 (low half) and 4..7 (high half).
            const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(p[0], p[1]), _mm256_hadd_epi32(p[2], p[3]));
            const __m128i sums = _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
            __m128i hd = _mm_cvtsi32_si128(y.r[0][i].d);
            hd = _mm_insert_epi16(hd, y.r[1][i].d, 1);
            hd = _mm_insert_epi16(hd, y.r[2][i].d, 2);
            hd = _mm_insert_epi16(hd, y.r[3][i].d, 3);
            const __m128 scales = _mm_mul_ps(_mm_cvtph_ps(hd), _mm_set1_ps(dx));
            acc = _mm_fmadd_ps(_mm_cvtepi32_ps(sums), scales, acc);
        }
    }
    alignas(16) float lanes[4];
    _mm_store_ps(lanes, acc);
    for (int t = 0; t < T; ++t) {
        out[t] = lanes[t];
    }
}

template <int T>
DD_AVX2 inline void tile_q4_k(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    const auto* x = static_cast<const block_q4_k*>(vx);
    const act_rows<block_q8_k, T> y(vy, stride);
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    __m256 acc[T];
    __m128 acc_min[T];
    for (int t = 0; t < T; ++t) {
        acc[t] = _mm256_setzero_ps();
        acc_min[t] = _mm_setzero_ps();
    }
    for (std::size_t i = 0; i < n / 256; ++i) {
        _mm_prefetch(reinterpret_cast<const char*>(x + i + 8), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(x + i + 8) + 64, _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(x + i + 8) + 128, _MM_HINT_T0);
        __m128i scales128, mins128;
        scales_mins_k4(x[i].scales, scales128, mins128);
        const __m256i scales = _mm256_broadcastsi128_si256(scales128);
        __m256i sumi[T];
        for (int t = 0; t < T; ++t) {
            sumi[t] = _mm256_setzero_si256();
        }
        for (int c = 0; c < 4; ++c) {
            const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[i].qs + 32 * c));
            const __m256i ql = _mm256_and_si256(q, low4);
            const __m256i qh = _mm256_and_si256(_mm256_srli_epi16(q, 4), low4);
            const __m256i s1 = _mm256_shuffle_epi8(scales, broadcast_lane_mask(2 * c));
            const __m256i s2 = _mm256_shuffle_epi8(scales, broadcast_lane_mask(2 * c + 1));
            for (int t = 0; t < T; ++t) {
                const __m256i al = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.r[t][i].qs + 64 * c));
                const __m256i ah = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.r[t][i].qs + 64 * c + 32));
                const __m256i pl = _mm256_madd_epi16(_mm256_maddubs_epi16(ql, al), s1);
                const __m256i ph = _mm256_madd_epi16(_mm256_maddubs_epi16(qh, ah), s2);
                sumi[t] = _mm256_add_epi32(sumi[t], _mm256_add_epi32(pl, ph));
            }
        }
        const float d = half(x[i].d), dmin = half(x[i].dmin);
        for (int t = 0; t < T; ++t) {
            const float dy = y.r[t][i].d;
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * dy), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
            // mins[j] * (bsums[2j] + bsums[2j+1]), four i32 partial sums.
            const __m128i b0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(y.r[t][i].bsums));
            const __m128i b1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(y.r[t][i].bsums + 8));
            const __m128i m = _mm_madd_epi16(mins128, _mm_hadd_epi16(b0, b1));
            acc_min[t] = _mm_fmadd_ps(_mm_set1_ps(dmin * dy), _mm_cvtepi32_ps(m), acc_min[t]);
        }
    }
    for (int t = 0; t < T; ++t) {
        out[t] = hsum_ps(acc[t]) - hsum_ps128(acc_min[t]);
    }
}

template <int T>
DD_AVX2 inline void tile_q6_k(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    const auto* x = static_cast<const block_q6_k*>(vx);
    const act_rows<block_q8_k, T> y(vy, stride);
    __m256 acc[T];
    for (int t = 0; t < T; ++t) {
        acc[t] = _mm256_setzero_ps();
    }
    for (std::size_t i = 0; i < n / 256; ++i) {
        for (int line = 0; line < 4; ++line) {
            _mm_prefetch(reinterpret_cast<const char*>(x + i + 8) + 64 * line, _MM_HINT_T0);
        }
        __m256i sumi[T];
        for (int t = 0; t < T; ++t) {
            sumi[t] = _mm256_setzero_si256();
        }
        for (int half_i = 0; half_i < 2; ++half_i) {
            // i32 lane j: scale 8 * half_i + j in both of its i16 halves.
            const __m256i sc32 =
                _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(x[i].scales + 8 * half_i)));
            const __m256i scales =
                _mm256_or_si256(_mm256_and_si256(sc32, _mm256_set1_epi32(0xFFFF)), _mm256_slli_epi32(sc32, 16));
            __m256i q[4];
            unpack_q6k_half(x[i].ql + 64 * half_i, x[i].qh + 32 * half_i, q);
            for (int g = 0; g < 4; ++g) {
                // Lanes 0..7 hold elements 0..15 (scale 2g), lanes 8..15 elements 16..31 (scale 2g+1).
                const __m256i sc = _mm256_permutevar8x32_epi32(
                    scales, _mm256_setr_epi32(2 * g, 2 * g, 2 * g, 2 * g, 2 * g + 1, 2 * g + 1, 2 * g + 1, 2 * g + 1));
                for (int t = 0; t < T; ++t) {
                    const __m256i av =
                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.r[t][i].qs + 128 * half_i + 32 * g));
                    // (q - 32) * a per pair, as i16: q * a - 32 * a (each at most 16002 and 8128 in size).
                    const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q[g], av),
                                                       _mm256_maddubs_epi16(_mm256_set1_epi8(32), av));
                    sumi[t] = _mm256_add_epi32(sumi[t], _mm256_madd_epi16(p, sc));
                }
            }
        }
        // Each i32 lane holds its own four values of every 32 (the -32 offset included), as the
        // reference runtime's lanes do, so that the float sums round alike.
        const float d = half(x[i].d);
        for (int t = 0; t < T; ++t) {
            acc[t] = _mm256_fmadd_ps(_mm256_set1_ps(d * y.r[t][i].d), _mm256_cvtepi32_ps(sumi[t]), acc[t]);
        }
    }
    for (int t = 0; t < T; ++t) {
        out[t] = hsum_ps(acc[t]);
    }
}

}  // namespace

DD_AVX2 float dot_q8_0(const void* vx, const void* vy, std::size_t n) {
    float out = 0.0f;
    tile_32<values_q8_0, 1>(vx, vy, 0, n, &out);
    return out;
}
DD_AVX2 float dot_q4_0(const void* vx, const void* vy, std::size_t n) {
    float out = 0.0f;
    tile_32_blockwise<values_q4_0, 1>(vx, vy, 0, n, &out);
    return out;
}
DD_AVX2 float dot_q5_0(const void* vx, const void* vy, std::size_t n) {
    float out = 0.0f;
    tile_32<values_q5_0, 1>(vx, vy, 0, n, &out);
    return out;
}
DD_AVX2 float dot_iq4_nl(const void* vx, const void* vy, std::size_t n) {
    float out = 0.0f;
    tile_32<values_iq4_nl, 1>(vx, vy, 0, n, &out);
    return out;
}
DD_AVX2 float dot_q4_k(const void* vx, const void* vy, std::size_t n) {
    float out = 0.0f;
    tile_q4_k<1>(vx, vy, 0, n, &out);
    return out;
}
DD_AVX2 float dot_q6_k(const void* vx, const void* vy, std::size_t n) {
    float out = 0.0f;
    tile_q6_k<1>(vx, vy, 0, n, &out);
    return out;
}

// Four activation rows at once (prompt batches): the weight row is unpacked once per block.
DD_AVX2 void dot4_q8_0(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    tile_32<values_q8_0, 4>(vx, vy, stride, n, out);
}
DD_AVX2 void dot4_q4_0(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    tile_32_blockwise<values_q4_0, 4>(vx, vy, stride, n, out);
}
DD_AVX2 void dot4_q5_0(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    tile_32<values_q5_0, 4>(vx, vy, stride, n, out);
}
DD_AVX2 void dot4_iq4_nl(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    tile_32<values_iq4_nl, 4>(vx, vy, stride, n, out);
}
DD_AVX2 void dot4_q4_k(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    tile_q4_k<4>(vx, vy, stride, n, out);
}
DD_AVX2 void dot4_q6_k(const void* vx, const void* vy, std::size_t stride, std::size_t n, float* out) {
    tile_q6_k<4>(vx, vy, stride, n, out);
}

// The legacy types with a minimum and the K-quants without a tile kernel keep the reference
// runtime's AVX2 lanes: eight i32 lanes of four values each per block, scaled into eight float
// sums (a fused multiply-add per block) added up at the end; the minimum's terms go into one float
// sum of their own (a fused multiply-add, as the reference's compiled `summs += m * s` is), added
// last.
DD_AVX2 void tile4x4_q8_0(const void* vx, std::size_t w_stride, const void* vy, std::size_t stride, std::size_t n,
                          float* out) {
    tile_32_4x4<values_q8_0>(vx, w_stride, vy, stride, n, out);
}
DD_AVX2 void tile4x4_q5_0(const void* vx, std::size_t w_stride, const void* vy, std::size_t stride, std::size_t n,
                          float* out) {
    tile_32_4x4<values_q5_0>(vx, w_stride, vy, stride, n, out);
}
DD_AVX2 void tile4x4_iq4_nl(const void* vx, std::size_t w_stride, const void* vy, std::size_t stride, std::size_t n,
                            float* out) {
    tile_32_4x4<values_iq4_nl>(vx, w_stride, vy, stride, n, out);
}

DD_AVX2 float dot_q4_1(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const block_q4_1*>(vx);
    const auto* y = static_cast<const block_q8_1*>(vy);
    __m256 acc = _mm256_setzero_ps();
    float summs = 0.0f;
    for (std::size_t i = 0; i < n / 32; ++i) {
        summs = std::fma(half(x[i].m), half(y[i].s), summs);
        const __m256i qx = unpack_nibbles(x[i].qs);  // 0..15, unsigned: maddubs takes it as is
        const __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[i].qs));
        const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(qx, qy), _mm256_set1_epi16(1));
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half(x[i].d) * half(y[i].d)), _mm256_cvtepi32_ps(p), acc);
    }
    return hsum_ps(acc) + summs;
}

DD_AVX2 float dot_q5_1(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const block_q5_1*>(vx);
    const auto* y = static_cast<const block_q8_1*>(vy);
    __m256 acc = _mm256_setzero_ps();
    float summs = 0.0f;
    for (std::size_t i = 0; i < n / 32; ++i) {
        summs = std::fma(half(x[i].m), half(y[i].s), summs);
        const __m256i qx = _mm256_or_si256(unpack_nibbles(x[i].qs), fifth_bits(x[i].qh));  // 0..31
        const __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[i].qs));
        const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(qx, qy), _mm256_set1_epi16(1));
        acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(half(x[i].d) * half(y[i].d)), acc);
    }
    return hsum_ps(acc) + summs;
}

DD_AVX2 float dot_bf16(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const std::uint16_t*>(vx);
    const auto* y = static_cast<const std::uint16_t*>(vy);
    __m256 acc = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i xi =
            _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))), 16);
        const __m256i yi =
            _mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(y + i))), 16);
        acc = _mm256_fmadd_ps(_mm256_castsi256_ps(xi), _mm256_castsi256_ps(yi), acc);
    }
    float sum = hsum_ps(acc);
    for (; i < n; ++i) {
        sum += bf16_to_f32(x[i]) * bf16_to_f32(y[i]);
    }
    return sum;
}

DD_AVX2 float dot_iq4_xs(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const block_iq4_xs*>(vx);
    const auto* y = static_cast<const block_q8_k*>(vy);
    const __m256i grid = _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(k_iq4_grid)));
    __m256 acc = _mm256_setzero_ps();
    for (std::size_t i = 0; i < n / 256; ++i) {
        __m256i sumi = _mm256_setzero_si256();
        for (int ib = 0; ib < 8; ++ib) {
            const int ls = ((x[i].scales_l[ib / 2] >> (4 * (ib % 2))) & 0xF) | (((x[i].scales_h >> (2 * ib)) & 3) << 4);
            const __m256i qx = _mm256_shuffle_epi8(grid, unpack_nibbles(x[i].qs + 16 * ib));
            const __m256i qy = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[i].qs + 32 * ib));
            sumi = _mm256_add_epi32(sumi, _mm256_mullo_epi32(dot_i8(qx, qy), _mm256_set1_epi32(ls - 32)));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(half(x[i].d) * y[i].d), _mm256_cvtepi32_ps(sumi), acc);
    }
    return hsum_ps(acc);
}

DD_AVX2 float dot_q5_k(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const block_q5_k*>(vx);
    const auto* y = static_cast<const block_q8_k*>(vy);
    const __m256i low4 = _mm256_set1_epi8(0x0F);
    const __m256i one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    float summs = 0.0f;
    for (std::size_t i = 0; i < n / 256; ++i) {
        __m256i sumi = _mm256_setzero_si256();
        int mins_sum = 0;
        std::uint8_t scs[8], mins[8];
        unpack_scales_k4(x[i].scales, scs, mins);
        const __m256i hbits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[i].qh));
        for (int c = 0; c < 4; ++c) {
            const int sc1 = scs[2 * c], m1 = mins[2 * c], sc2 = scs[2 * c + 1], m2 = mins[2 * c + 1];
            const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x[i].qs + 32 * c));
            // Bit 2c of qh[l] adds 16 to the low nibble, bit 2c+1 to the high one.
            const __m256i h1 = _mm256_and_si256(_mm256_srl_epi16(hbits, _mm_cvtsi32_si128(2 * c)), one);
            const __m256i h2 = _mm256_and_si256(_mm256_srl_epi16(hbits, _mm_cvtsi32_si128(2 * c + 1)), one);
            const __m256i ql = _mm256_or_si256(_mm256_and_si256(q, low4), _mm256_slli_epi16(h1, 4));
            const __m256i qh =
                _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 4), low4), _mm256_slli_epi16(h2, 4));
            const __m256i al = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[i].qs + 64 * c));
            const __m256i ah = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[i].qs + 64 * c + 32));
            const __m256i pl =
                _mm256_madd_epi16(_mm256_maddubs_epi16(ql, al), _mm256_set1_epi16(static_cast<short>(sc1)));
            const __m256i ph =
                _mm256_madd_epi16(_mm256_maddubs_epi16(qh, ah), _mm256_set1_epi16(static_cast<short>(sc2)));
            sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(pl, ph));
            mins_sum +=
                m1 * (y[i].bsums[4 * c] + y[i].bsums[4 * c + 1]) + m2 * (y[i].bsums[4 * c + 2] + y[i].bsums[4 * c + 3]);
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(y[i].d * half(x[i].d)), _mm256_cvtepi32_ps(sumi), acc);
        summs = std::fma(-y[i].d * half(x[i].dmin), static_cast<float>(mins_sum), summs);
    }
    return hsum_ps(acc) + summs;
}

DD_AVX2 float dot_f16(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const std::uint16_t*>(vx);
    const auto* y = static_cast<const std::uint16_t*>(vy);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 x0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
        const __m256 y0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(y + i)));
        const __m256 x1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i + 8)));
        const __m256 y1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(y + i + 8)));
        acc0 = _mm256_fmadd_ps(x0, y0, acc0);
        acc1 = _mm256_fmadd_ps(x1, y1, acc1);
    }
    float sum = hsum_ps(_mm256_add_ps(acc0, acc1));
    for (; i < n; ++i) {
        sum += f16_to_f32(x[i]) * f16_to_f32(y[i]);
    }
    return sum;
}

// --- activation quantizers: the same bytes as quantize_row_q8_0_ref / quantize_row_q8_k_ref ---

namespace {

// Largest |x| of 8n floats (NaNs are passed over, as the reference's comparisons do).
DD_AVX2 inline float abs_max(const float* x, int n8) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (int k = 0; k < n8; ++k) {
        m = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + 8 * k)), m);  // NaN lane: keeps m
    }
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    return _mm_cvtss_f32(h);
}

// round(x[k] * scale) for 32 floats (ties to even, as nearbyint), saturated to signed bytes, in order.
DD_AVX2 inline __m256i round_to_bytes(const float* x, __m256 scale) {
    __m256i q[4];
    for (int k = 0; k < 4; ++k) {
        const __m256 v = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + 8 * k), scale),
                                         _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        q[k] = _mm256_cvtps_epi32(v);
    }
    // packs work within 128-bit halves: restore the element order afterwards.
    const __m256i b = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    return _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

}  // namespace

DD_AVX2 void quantize_row_q8_0(const float* x, void* vy, std::size_t n) {
    auto* y = static_cast<block_q8_0*>(vy);
    for (std::size_t i = 0; i < n / 32; ++i, x += 32) {
        const float amax = abs_max(x, 4);
        const float d = amax / 127.0f;
        const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
        y[i].d = f32_to_f16(d);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[i].qs), round_to_bytes(x, _mm256_set1_ps(id)));
    }
}

DD_AVX2 void quantize_row_q8_k(const float* x, void* vy, std::size_t n) {
    auto* y = static_cast<block_q8_k*>(vy);
    for (std::size_t i = 0; i < n / 256; ++i, x += 256) {
        const float amax = abs_max(x, 32);
        if (amax == 0.0f) {
            std::memset(&y[i], 0, sizeof(block_q8_k));
            continue;
        }
        // The first element of largest magnitude, with its sign (as the reference's strict > keeps).
        float max = amax;
        for (int j = 0; j < 256; ++j) {
            if (std::fabs(x[j]) == amax) {
                max = x[j];
                break;
            }
        }
        const float iscale = -127.0f / max;
        const __m256 scale = _mm256_set1_ps(iscale);
        for (int c = 0; c < 8; ++c) {
            // Saturation to 127 is the reference's min(127, ...): the values lie within [-127, 128].
            const __m256i q = round_to_bytes(x + 32 * c, scale);
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(y[i].qs + 32 * c), q);
            // Sums of 16: |q + 128| summed by vpsadbw in groups of 8, less 8 * 128 each.
            const __m256i s =
                _mm256_sad_epu8(_mm256_xor_si256(q, _mm256_set1_epi8(static_cast<char>(0x80))), _mm256_setzero_si256());
            y[i].bsums[2 * c] =
                static_cast<std::int16_t>(_mm256_extract_epi64(s, 0) + _mm256_extract_epi64(s, 1) - 2048);
            y[i].bsums[2 * c + 1] =
                static_cast<std::int16_t>(_mm256_extract_epi64(s, 2) + _mm256_extract_epi64(s, 3) - 2048);
        }
        y[i].d = 1.0f / iscale;
    }
}

// F32 weights (routers, norms kept in f32 by some converters) against an f32 activation.
DD_AVX2 float dot_f32(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const float*>(vx);
    const auto* y = static_cast<const float*>(vy);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), acc1);
    }
    float sum = hsum_ps(_mm256_add_ps(acc0, acc1));
    for (; i < n; ++i) {
        sum += x[i] * y[i];
    }
    return sum;
}

}  // namespace deepdesk::kernels::avx2
#endif
