// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/kernels/vec.h"

#include "engine/kernels/convert.h"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace deepdesk::kernels {

float dot_f32_f16_ref(const float* a, const std::uint16_t* b, std::size_t n) {
    float sum = 0.0f;
    for (std::size_t i = 0; i < n; ++i) {
        sum += a[i] * f16_to_f32(b[i]);
    }
    return sum;
}

void axpy_f16_ref(float alpha, const std::uint16_t* x, float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        y[i] += alpha * f16_to_f32(x[i]);
    }
}

void dot_rows_f16_ref(const float* a, const std::uint16_t* b, std::size_t b_stride, std::size_t rows, std::size_t n,
                      float* out) {
    for (std::size_t j = 0; j < rows; ++j) {
        out[j] = dot_f32_f16_ref(a, b + j * b_stride, n);
    }
}

void weighted_sum_f16_ref(const float* w, const std::uint16_t* x, std::size_t x_stride, std::size_t rows, std::size_t n,
                          float* y) {
    for (std::size_t j = 0; j < rows; ++j) {
        axpy_f16_ref(w[j], x + j * x_stride, y, n);
    }
}

double exp_sum_ref(float* x, std::size_t n, float max) {
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = std::exp(x[i] - max);
        sum += static_cast<double>(x[i]);
    }
    return sum;
}

void silu_mul_ref(const float* g, const float* u, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        out[i] = g[i] / (1.0f + std::exp(-g[i])) * u[i];
    }
}

void attn_scores_ref(const float* q, const std::uint16_t* k, std::size_t k_stride, std::size_t rows, std::size_t n,
                     float* out, bool /*batch*/) {
    dot_rows_f16_ref(q, k, k_stride, rows, n, out);
}

void attn_values_ref(const float* p, const std::uint16_t* v, std::size_t v_stride, std::size_t rows,
                     std::size_t /*n_kv*/, std::size_t n, float* y, bool /*batch*/) {
    std::fill(y, y + n, 0.0f);
    weighted_sum_f16_ref(p, v, v_stride, rows, n, y);
}

#if defined(__x86_64__)
namespace {

// Lane sums of the values (attention_order in vec.h): acc holds `lanes` rows of n floats, lane L
// having taken the terms the order gives it. Folds them by halves into row 0, down to `last`
// lanes (1: all the way).
template <class Add>
void fold_halves(float* acc, std::size_t lanes, std::size_t last, std::size_t n, Add add) {
    for (std::size_t h = lanes / 2; h >= last && h >= 1; h /= 2) {
        for (std::size_t l = 0; l < h; ++l) {
            add(acc + l * n, acc + (l + h) * n, n);
        }
    }
}

std::vector<float>& lane_buffer(std::size_t size) {
    thread_local std::vector<float> buffer;
    if (buffer.size() < size) {
        buffer.resize(size);
    }
    return buffer;
}

// The vector exponential: n = round(x / ln 2) by the 1.5 * 2^23 shift, b = x - n ln 2 in two
// parts, exp(b) by a degree-5 polynomial, times 2^n. Constants are the reference runtime's (from
// Arm's optimized routines); beyond |n| > 126 the AVX2 form splits the scale in two, and beyond
// 192 the result is 0 or infinity.
constexpr float k_shift = 0x1.8p23f, k_log2e = 0x1.715476p+0f, k_ln2_hi = 0x1.62e4p-1f, k_ln2_lo = 0x1.7f7d1cp-20f;
constexpr float k_c1 = 0x1.ffffecp-1f, k_c2 = 0x1.fffdb6p-2f, k_c3 = 0x1.555e66p-3f, k_c4 = 0x1.573e2ep-5f,
                k_c5 = 0x1.0e4020p-7f;

__attribute__((target("avx2,fma"))) __m256 exp8(__m256 x) {
    const __m256 shift = _mm256_set1_ps(k_shift);
    const __m256 z = _mm256_fmadd_ps(x, _mm256_set1_ps(k_log2e), shift);
    const __m256 n = _mm256_sub_ps(z, shift);
    const __m256 b = _mm256_fnmadd_ps(n, _mm256_set1_ps(k_ln2_lo), _mm256_fnmadd_ps(n, _mm256_set1_ps(k_ln2_hi), x));
    const __m256i e = _mm256_slli_epi32(_mm256_castps_si256(z), 23);
    const __m256 scale = _mm256_castsi256_ps(_mm256_add_epi32(e, _mm256_castps_si256(_mm256_set1_ps(1.0f))));
    const __m256 abs_n = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), n);
    const __m256 big = _mm256_cmp_ps(abs_n, _mm256_set1_ps(126.0f), _CMP_GT_OQ);
    const __m256 u = _mm256_mul_ps(b, b);
    const __m256 odd = _mm256_fmadd_ps(_mm256_set1_ps(k_c5), b, _mm256_set1_ps(k_c4));
    const __m256 even = _mm256_fmadd_ps(_mm256_set1_ps(k_c3), b, _mm256_set1_ps(k_c2));
    const __m256 poly =
        _mm256_fmadd_ps(_mm256_fmadd_ps(odd, u, even), u, _mm256_mul_ps(_mm256_set1_ps(k_c1), b));  // exp(b) - 1
    if (_mm256_movemask_ps(big) == 0) {
        return _mm256_fmadd_ps(poly, scale, scale);
    }
    // 2^n as s1 * s2 so that neither overflows: s1 = 2^127 or 2^-125 by the sign of n.
    const __m256i neg = _mm256_and_si256(_mm256_castps_si256(_mm256_cmp_ps(n, _mm256_setzero_ps(), _CMP_LE_OQ)),
                                         _mm256_set1_epi32(static_cast<int>(0x82000000u)));
    const __m256 s1 = _mm256_castsi256_ps(_mm256_add_epi32(neg, _mm256_set1_epi32(0x7f000000)));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_sub_epi32(e, neg));
    const __m256 huge = _mm256_cmp_ps(abs_n, _mm256_set1_ps(192.0f), _CMP_GT_OQ);
    const __m256 split = _mm256_mul_ps(_mm256_fmadd_ps(s2, poly, s2), s1);
    const __m256 plain = _mm256_fmadd_ps(scale, poly, scale);
    const __m256 finite = _mm256_blendv_ps(plain, split, big);
    return _mm256_blendv_ps(finite, _mm256_mul_ps(s1, s1), huge);
}

__attribute__((target("avx2,fma"))) float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx2,fma"))) double exp_sum_avx2(float* x, std::size_t n, float max) {
    double sum = 0.0;
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = exp8(_mm256_sub_ps(_mm256_loadu_ps(x + i), _mm256_set1_ps(max)));
        _mm256_storeu_ps(x + i, v);
        sum += static_cast<double>(hsum8(v));
    }
    for (; i < n; ++i) {
        x[i] = std::exp(x[i] - max);
        sum += static_cast<double>(x[i]);
    }
    return sum;
}

__attribute__((target("avx2,fma"))) void silu_mul_avx2(const float* g, const float* u, float* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 x = _mm256_loadu_ps(g + i);
        const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), x));
        const __m256 silu = _mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(silu, _mm256_loadu_ps(u + i)));
    }
    silu_mul_ref(g + i, u + i, out + i, n - i);
}

__attribute__((target("avx2,fma,f16c"))) inline __m256 load_f16x8(const std::uint16_t* x) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x)));
}

__attribute__((target("avx2,fma,f16c"))) void attn_scores_avx2(const float* q, const std::uint16_t* k,
                                                               std::size_t k_stride, std::size_t rows, std::size_t n,
                                                               float* out, bool batch) {
    if (n % 8 != 0) {
        attn_scores_ref(q, k, k_stride, rows, n, out, batch);
        return;
    }
    for (std::size_t j = 0; j < rows; ++j) {
        if (batch) {
            __m256 acc = _mm256_setzero_ps();
            for (std::size_t i = 0; i < n; i += 8) {
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), load_f16x8(k + j * k_stride + i), acc);
            }
            out[j] = hsum8(acc);
            continue;
        }
        const std::size_t whole = n / 32 * 32;
        __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
        for (std::size_t i = 0; i < whole; i += 32) {
            for (std::size_t a = 0; a < 4; ++a) {
                acc[a] =
                    _mm256_fmadd_ps(_mm256_loadu_ps(q + i + 8 * a), load_f16x8(k + j * k_stride + i + 8 * a), acc[a]);
            }
        }
        acc[0] = _mm256_add_ps(acc[0], acc[2]);
        acc[1] = _mm256_add_ps(acc[1], acc[3]);
        acc[0] = _mm256_add_ps(acc[0], acc[1]);
        const __m128 t0 = _mm_add_ps(_mm256_castps256_ps128(acc[0]), _mm256_extractf128_ps(acc[0], 1));
        const __m128 t1 = _mm_hadd_ps(t0, t0);
        double sum = _mm_cvtss_f32(_mm_hadd_ps(t1, t1));
        for (std::size_t i = whole; i < n; ++i) {
            sum += static_cast<double>(q[i] * f16_to_f32(k[j * k_stride + i]));
        }
        out[j] = static_cast<float>(sum);
    }
}

// acc[d] = fma(f16(v[d]), p, acc[d]) for d < n (n a multiple of 8).
__attribute__((target("avx2,fma,f16c"))) void lane_fma_avx2(float* acc, const std::uint16_t* v, float p,
                                                            std::size_t n) {
    const __m256 pv = _mm256_set1_ps(p);
    for (std::size_t d = 0; d < n; d += 8) {
        _mm256_storeu_ps(acc + d, _mm256_fmadd_ps(load_f16x8(v + d), pv, _mm256_loadu_ps(acc + d)));
    }
}

void add_rows(float* dst, const float* src, std::size_t n) {
    for (std::size_t d = 0; d < n; ++d) {
        dst[d] += src[d];
    }
}

// The values in the reference's order (attention_order in vec.h) with `lane_fma` doing the
// multiply-adds; `lanes` = W, and the single-token order's last step across the final lanes is
// by halves (AVX-512) or by adjacent pairs (AVX2's horizontal adds, when `pairs`).
template <class LaneFma>
void attn_values_lanes(const float* p, const std::uint16_t* v, std::size_t v_stride, std::size_t rows, std::size_t n_kv,
                       std::size_t n, float* y, bool batch, std::size_t lanes, bool pairs, LaneFma lane_fma) {
    const std::size_t total = batch ? lanes : 4 * lanes;
    const std::size_t whole = batch ? rows : std::min(rows, n_kv / total * total);
    std::vector<float>& buffer = lane_buffer(total * n);
    float* acc = buffer.data();
    std::fill(acc, acc + total * n, 0.0f);
    for (std::size_t j = 0; j < whole; ++j) {
        lane_fma(acc + (j % total) * n, v + j * v_stride, p[j], n);
    }
    if (batch || !pairs) {
        fold_halves(acc, total, 1, n, add_rows);
        std::copy(acc, acc + n, y);
    } else {
        fold_halves(acc, total, 4, n, add_rows);
        for (std::size_t d = 0; d < n; ++d) {
            y[d] = (acc[d] + acc[n + d]) + (acc[2 * n + d] + acc[3 * n + d]);
        }
    }
    if (batch || whole == rows) {
        return;
    }
    for (std::size_t d = 0; d < n; ++d) {
        double sum = y[d];
        for (std::size_t j = whole; j < rows; ++j) {
            sum += static_cast<double>(f16_to_f32(v[j * v_stride + d]) * p[j]);
        }
        y[d] = static_cast<float>(sum);
    }
}

void attn_values_avx2(const float* p, const std::uint16_t* v, std::size_t v_stride, std::size_t rows, std::size_t n_kv,
                      std::size_t n, float* y, bool batch) {
    if (n % 8 != 0) {
        attn_values_ref(p, v, v_stride, rows, n_kv, n, y, batch);
        return;
    }
    attn_values_lanes(p, v, v_stride, rows, n_kv, n, y, batch, 8, true, lane_fma_avx2);
}

// GCC 12 reports its own AVX-512 intrinsics' undefined-value placeholders as (maybe-)uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

// The AVX-512 form: the polynomial includes the 1 and vscalefps applies 2^n; beyond |n| > 192 the
// result is 0 (n <= 0) or infinity.
__attribute__((target("avx512f"))) __m512 exp16(__m512 x) {
    const __m512 shift = _mm512_set1_ps(k_shift);
    const __m512 z = _mm512_fmadd_ps(x, _mm512_set1_ps(k_log2e), shift);
    const __m512 n = _mm512_sub_ps(z, shift);
    const __m512 b = _mm512_fnmadd_ps(n, _mm512_set1_ps(k_ln2_lo), _mm512_fnmadd_ps(n, _mm512_set1_ps(k_ln2_hi), x));
    const __mmask16 huge = _mm512_cmp_ps_mask(_mm512_abs_ps(n), _mm512_set1_ps(192.0f), _CMP_GT_OQ);
    const __m512 u = _mm512_mul_ps(b, b);
    const __m512 odd = _mm512_fmadd_ps(_mm512_set1_ps(k_c5), b, _mm512_set1_ps(k_c4));
    const __m512 even = _mm512_fmadd_ps(_mm512_set1_ps(k_c3), b, _mm512_set1_ps(k_c2));
    const __m512 poly = _mm512_fmadd_ps(_mm512_fmadd_ps(odd, u, even), u,
                                        _mm512_fmadd_ps(_mm512_set1_ps(k_c1), b, _mm512_set1_ps(1.0f)));
    const __m512 result = _mm512_scalef_ps(poly, n);
    if (huge == 0) {
        return result;
    }
    const __mmask16 non_positive = _mm512_cmp_ps_mask(n, _mm512_setzero_ps(), _CMP_LE_OQ);
    const __m512 limit = _mm512_mask_blend_ps(non_positive, _mm512_set1_ps(__builtin_inff()), _mm512_setzero_ps());
    return _mm512_mask_blend_ps(huge, result, limit);
}

__attribute__((target("avx512f"))) double exp_sum_avx512(float* x, std::size_t n, float max) {
    double sum = 0.0;
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 v = exp16(_mm512_sub_ps(_mm512_loadu_ps(x + i), _mm512_set1_ps(max)));
        _mm512_storeu_ps(x + i, v);
        sum += static_cast<double>(_mm512_reduce_add_ps(v));
    }
    for (; i < n; ++i) {
        x[i] = std::exp(x[i] - max);
        sum += static_cast<double>(x[i]);
    }
    return sum;
}

__attribute__((target("avx512f"))) void silu_mul_avx512(const float* g, const float* u, float* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m512 x = _mm512_loadu_ps(g + i);
        const __m512 e = exp16(_mm512_sub_ps(_mm512_setzero_ps(), x));
        const __m512 silu = _mm512_div_ps(x, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
        _mm512_storeu_ps(out + i, _mm512_mul_ps(silu, _mm512_loadu_ps(u + i)));
    }
    silu_mul_ref(g + i, u + i, out + i, n - i);
}

__attribute__((target("avx512f"))) inline __m512 load_f16x16(const std::uint16_t* x) {
    return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)));
}

__attribute__((target("avx512f"))) void attn_scores_avx512(const float* q, const std::uint16_t* k, std::size_t k_stride,
                                                           std::size_t rows, std::size_t n, float* out, bool batch) {
    if (n % 16 != 0) {
        attn_scores_ref(q, k, k_stride, rows, n, out, batch);
        return;
    }
    for (std::size_t j = 0; j < rows; ++j) {
        if (batch) {
            __m512 acc = _mm512_setzero_ps();
            for (std::size_t i = 0; i < n; i += 16) {
                acc = _mm512_fmadd_ps(_mm512_loadu_ps(q + i), load_f16x16(k + j * k_stride + i), acc);
            }
            out[j] = _mm512_reduce_add_ps(acc);
            continue;
        }
        const std::size_t whole = n / 64 * 64;
        __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
        for (std::size_t i = 0; i < whole; i += 64) {
            for (std::size_t a = 0; a < 4; ++a) {
                acc[a] = _mm512_fmadd_ps(_mm512_loadu_ps(q + i + 16 * a), load_f16x16(k + j * k_stride + i + 16 * a),
                                         acc[a]);
            }
        }
        acc[0] = _mm512_add_ps(acc[0], acc[2]);
        acc[1] = _mm512_add_ps(acc[1], acc[3]);
        double sum = _mm512_reduce_add_ps(_mm512_add_ps(acc[0], acc[1]));
        for (std::size_t i = whole; i < n; ++i) {
            sum += static_cast<double>(q[i] * f16_to_f32(k[j * k_stride + i]));
        }
        out[j] = static_cast<float>(sum);
    }
}

__attribute__((target("avx512f"))) void lane_fma_avx512(float* acc, const std::uint16_t* v, float p, std::size_t n) {
    const __m512 pv = _mm512_set1_ps(p);
    for (std::size_t d = 0; d < n; d += 16) {
        _mm512_storeu_ps(acc + d, _mm512_fmadd_ps(load_f16x16(v + d), pv, _mm512_loadu_ps(acc + d)));
    }
}

void attn_values_avx512(const float* p, const std::uint16_t* v, std::size_t v_stride, std::size_t rows,
                        std::size_t n_kv, std::size_t n, float* y, bool batch) {
    if (n % 16 != 0) {
        attn_values_ref(p, v, v_stride, rows, n_kv, n, y, batch);
        return;
    }
    attn_values_lanes(p, v, v_stride, rows, n_kv, n, y, batch, 16, false, lane_fma_avx512);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

__attribute__((target("avx2,fma,f16c"))) float dot_f32_f16_avx2(const float* a, const std::uint16_t* b, std::size_t n) {
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256 b0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i)));
        const __m256 b1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i + 8)));
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), b0, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), b1, acc1);
    }
    const __m256 acc = _mm256_add_ps(acc0, acc1);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    float sum = _mm_cvtss_f32(s);
    for (; i < n; ++i) {
        sum += a[i] * _cvtsh_ss(b[i]);
    }
    return sum;
}

__attribute__((target("avx2,fma,f16c"))) void axpy_f16_avx2(float alpha, const std::uint16_t* x, float* y,
                                                            std::size_t n) {
    const __m256 va = _mm256_set1_ps(alpha);
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 xv = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
        _mm256_storeu_ps(y + i, _mm256_fmadd_ps(va, xv, _mm256_loadu_ps(y + i)));
    }
    for (; i < n; ++i) {
        y[i] += alpha * _cvtsh_ss(x[i]);
    }
}

__attribute__((target("avx2,fma,f16c"))) void dot_rows_f16_avx2(const float* a, const std::uint16_t* b,
                                                                std::size_t b_stride, std::size_t rows, std::size_t n,
                                                                float* out) {
    for (std::size_t j = 0; j < rows; ++j) {
        out[j] = dot_f32_f16_avx2(a, b + j * b_stride, n);
    }
}

// Each element's sum runs over the rows in order, as axpy_f16_avx2 row by row adds them; the sums
// of 64 elements stay in registers across the rows instead of going through memory per row.
__attribute__((target("avx2,fma,f16c"))) void weighted_sum_f16_avx2(const float* w, const std::uint16_t* x,
                                                                    std::size_t x_stride, std::size_t rows,
                                                                    std::size_t n, float* y) {
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m256 acc[8];
        for (int k = 0; k < 8; ++k) {
            acc[k] = _mm256_loadu_ps(y + i + 8 * k);
        }
        for (std::size_t j = 0; j < rows; ++j) {
            const __m256 wj = _mm256_set1_ps(w[j]);
            const std::uint16_t* xj = x + j * x_stride + i;
            for (int k = 0; k < 8; ++k) {
                const __m256 xv = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(xj + 8 * k)));
                acc[k] = _mm256_fmadd_ps(wj, xv, acc[k]);
            }
        }
        for (int k = 0; k < 8; ++k) {
            _mm256_storeu_ps(y + i + 8 * k, acc[k]);
        }
    }
    if (i < n) {
        for (std::size_t j = 0; j < rows; ++j) {
            axpy_f16_avx2(w[j], x + j * x_stride + i, y + i, n - i);
        }
    }
}

}  // namespace
#endif

std::vector<vec_kernel_set> vec_variants() {
    std::vector<vec_kernel_set> out{{isa_level::scalar, dot_f32_f16_ref, axpy_f16_ref, dot_rows_f16_ref,
                                     weighted_sum_f16_ref, exp_sum_ref, silu_mul_ref, attn_scores_ref,
                                     attn_values_ref}};
#if defined(__x86_64__)
    if (detect_isa(host_cpu()) >= isa_level::avx2) {
        out.push_back({isa_level::avx2, dot_f32_f16_avx2, axpy_f16_avx2, dot_rows_f16_avx2, weighted_sum_f16_avx2,
                       exp_sum_avx2, silu_mul_avx2, attn_scores_avx2, attn_values_avx2});
    }
    if (detect_isa(host_cpu()) >= isa_level::avx512) {
        out.push_back({isa_level::avx512, dot_f32_f16_avx2, axpy_f16_avx2, dot_rows_f16_avx2, weighted_sum_f16_avx2,
                       exp_sum_avx512, silu_mul_avx512, attn_scores_avx512, attn_values_avx512});
    }
#endif
    return out;
}

const vec_kernel_set& vec_kernels() {
    static const vec_kernel_set chosen = pick_for_active_isa(vec_variants());
    return chosen;
}

}  // namespace deepdesk::kernels
