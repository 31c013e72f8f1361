// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/kernels/vec.h"

#include "engine/kernels/convert.h"

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

#if defined(__x86_64__)
namespace {

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
    std::vector<vec_kernel_set> out{
        {isa_level::scalar, dot_f32_f16_ref, axpy_f16_ref, dot_rows_f16_ref, weighted_sum_f16_ref}};
#if defined(__x86_64__)
    if (detect_isa(host_cpu()) >= isa_level::avx2) {
        out.push_back({isa_level::avx2, dot_f32_f16_avx2, axpy_f16_avx2, dot_rows_f16_avx2, weighted_sum_f16_avx2});
    }
#endif
    return out;
}

const vec_kernel_set& vec_kernels() {
    static const vec_kernel_set chosen = pick_for_active_isa(vec_variants());
    return chosen;
}

}  // namespace deepdesk::kernels
