// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/kernels/float_dot.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "engine/kernels/convert.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace deepdesk::kernels {

#if defined(__x86_64__)
// GCC 12 reports its own AVX-512 intrinsics' undefined-value placeholders as (maybe-)uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
namespace {

#define DD_AVX2 __attribute__((target("avx2,fma,f16c")))
#define DD_AVX512 __attribute__((target("avx512f,avx2,fma,f16c")))

// --- loads: W values of each type as floats ---

DD_AVX2 inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
DD_AVX2 inline __m256 load8(const std::uint16_t* p, bool bf16) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    if (bf16) {
        return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
    }
    return _mm256_cvtph_ps(h);
}
DD_AVX512 inline __m512 load16(const float* p) { return _mm512_loadu_ps(p); }
DD_AVX512 inline __m512 load16(const std::uint16_t* p, bool bf16) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    if (bf16) {
        return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
    }
    return _mm512_cvtph_ps(h);
}

// --- reductions across lanes ---

// By halves: (i, i + 4), then (0, 2) and (1, 3), then the two.
DD_AVX2 inline float halves8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_extractf128_ps(v, 1), _mm256_castps256_ps128(v));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
// The 128-bit halves, then two horizontal adds: (0 + 1) + (2 + 3).
DD_AVX2 inline float hadd8(__m256 v) {
    const __m128 t0 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 t1 = _mm_hadd_ps(t0, t0);
    return _mm_cvtss_f32(_mm_hadd_ps(t1, t1));
}

// --- AVX2 ---

// One token, F32/F16 (T is the row type): four accumulators.
template <typename T>
DD_AVX2 float one_avx2(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const T*>(vx);
    const auto* y = static_cast<const T*>(vy);
    const std::size_t whole = n / 32 * 32;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (std::size_t i = 0; i < whole; i += 32) {
        for (std::size_t a = 0; a < 4; ++a) {
            if constexpr (sizeof(T) == 4) {
                acc[a] = _mm256_fmadd_ps(load8(x + i + 8 * a), load8(y + i + 8 * a), acc[a]);
            } else {
                acc[a] = _mm256_fmadd_ps(load8(x + i + 8 * a, false), load8(y + i + 8 * a, false), acc[a]);
            }
        }
    }
    acc[0] = _mm256_add_ps(acc[0], acc[2]);
    acc[1] = _mm256_add_ps(acc[1], acc[3]);
    const float lanes = hadd8(_mm256_add_ps(acc[0], acc[1]));
    if constexpr (sizeof(T) == 4) {
        float sum = lanes;
        for (std::size_t i = whole; i < n; ++i) {
            sum = std::fma(x[i], y[i], sum);
        }
        return sum;
    } else {
        double sum = lanes;
        for (std::size_t i = whole; i < n; ++i) {
            sum += static_cast<double>(f16_to_f32(x[i]) * f16_to_f32(y[i]));
        }
        return static_cast<float>(sum);
    }
}

DD_AVX2 float one_bf16_avx2(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const std::uint16_t*>(vx);
    const auto* y = static_cast<const std::uint16_t*>(vy);
    const std::size_t whole = n / 32 * 32;
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    for (std::size_t i = 0; i < whole; i += 32) {
        for (std::size_t a = 0; a < 4; ++a) {
            acc[a] = _mm256_fmadd_ps(load8(x + i + 8 * a, true), load8(y + i + 8 * a, true), acc[a]);
        }
    }
    double sum = 0.0;
    if (whole > 0) {
        sum = halves8(_mm256_add_ps(_mm256_add_ps(acc[0], acc[2]), _mm256_add_ps(acc[1], acc[3])));
    }
    for (std::size_t i = whole; i < n; ++i) {
        sum += static_cast<double>(bf16_to_f32(x[i]) * bf16_to_f32(y[i]));
    }
    return static_cast<float>(sum);
}

// A token of a batch: one accumulator of eight lanes.
template <typename T, bool BF16>
DD_AVX2 float batch_avx2(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const T*>(vx);
    const auto* y = static_cast<const T*>(vy);
    __m256 acc = _mm256_setzero_ps();
    for (std::size_t i = 0; i < n; i += 8) {
        if constexpr (sizeof(T) == 4) {
            acc = _mm256_fmadd_ps(load8(x + i), load8(y + i), acc);
        } else {
            acc = _mm256_fmadd_ps(load8(x + i, BF16), load8(y + i, BF16), acc);
        }
    }
    return halves8(acc);
}

template <typename T, bool BF16>
float batch_or_one_avx2(const void* vx, const void* vy, std::size_t n) {
    if (n % 8 != 0) {
        if constexpr (BF16) {
            return one_bf16_avx2(vx, vy, n);
        } else {
            return one_avx2<T>(vx, vy, n);
        }
    }
    return batch_avx2<T, BF16>(vx, vy, n);
}

// --- AVX-512 ---

template <typename T>
DD_AVX512 float one_avx512(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const T*>(vx);
    const auto* y = static_cast<const T*>(vy);
    const std::size_t whole = n / 64 * 64;
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    for (std::size_t i = 0; i < whole; i += 64) {
        for (std::size_t a = 0; a < 4; ++a) {
            if constexpr (sizeof(T) == 4) {
                acc[a] = _mm512_fmadd_ps(load16(x + i + 16 * a), load16(y + i + 16 * a), acc[a]);
            } else {
                acc[a] = _mm512_fmadd_ps(load16(x + i + 16 * a, false), load16(y + i + 16 * a, false), acc[a]);
            }
        }
    }
    acc[0] = _mm512_add_ps(acc[0], acc[2]);
    acc[1] = _mm512_add_ps(acc[1], acc[3]);
    const float lanes = _mm512_reduce_add_ps(_mm512_add_ps(acc[0], acc[1]));
    if constexpr (sizeof(T) == 4) {
        float sum = lanes;
        for (std::size_t i = whole; i < n; ++i) {
            sum = std::fma(x[i], y[i], sum);
        }
        return sum;
    } else {
        double sum = lanes;
        for (std::size_t i = whole; i < n; ++i) {
            sum += static_cast<double>(f16_to_f32(x[i]) * f16_to_f32(y[i]));
        }
        return static_cast<float>(sum);
    }
}

DD_AVX512 float one_bf16_avx512(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const std::uint16_t*>(vx);
    const auto* y = static_cast<const std::uint16_t*>(vy);
    const std::size_t whole = n / 32 * 32;
    __m512 c1 = _mm512_setzero_ps(), c2 = _mm512_setzero_ps();
    for (std::size_t i = 0; i < whole; i += 32) {
        c1 = _mm512_fmadd_ps(load16(x + i, true), load16(y + i, true), c1);
        c2 = _mm512_fmadd_ps(load16(x + i + 16, true), load16(y + i + 16, true), c2);
    }
    double sum = 0.0;
    if (whole > 0) {
        sum = _mm512_reduce_add_ps(_mm512_add_ps(c1, c2));
    }
    for (std::size_t i = whole; i < n; ++i) {
        sum += static_cast<double>(bf16_to_f32(x[i]) * bf16_to_f32(y[i]));
    }
    return static_cast<float>(sum);
}

template <typename T, bool BF16>
DD_AVX512 float batch_avx512(const void* vx, const void* vy, std::size_t n) {
    const auto* x = static_cast<const T*>(vx);
    const auto* y = static_cast<const T*>(vy);
    __m512 acc = _mm512_setzero_ps();
    for (std::size_t i = 0; i < n; i += 16) {
        if constexpr (sizeof(T) == 4) {
            acc = _mm512_fmadd_ps(load16(x + i), load16(y + i), acc);
        } else {
            acc = _mm512_fmadd_ps(load16(x + i, BF16), load16(y + i, BF16), acc);
        }
    }
    return _mm512_reduce_add_ps(acc);
}

template <typename T, bool BF16>
float batch_or_one_avx512(const void* vx, const void* vy, std::size_t n) {
    if (n % 16 != 0) {
        if constexpr (BF16) {
            return one_bf16_avx512(vx, vy, n);
        } else {
            return one_avx512<T>(vx, vy, n);
        }
    }
    return batch_avx512<T, BF16>(vx, vy, n);
}

#undef DD_AVX2
#undef DD_AVX512

}  // namespace
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

float_dot_pair float_dots(tensor_type weight, isa_level isa) {
#if defined(__x86_64__)
    isa = std::min(isa, detect_isa(host_cpu()));
    if (isa >= isa_level::avx512) {
        switch (weight) {
        case tensor_type::f32: return {one_avx512<float>, batch_or_one_avx512<float, false>};
        case tensor_type::f16: return {one_avx512<std::uint16_t>, batch_or_one_avx512<std::uint16_t, false>};
        case tensor_type::bf16: return {one_bf16_avx512, batch_or_one_avx512<std::uint16_t, true>};
        default: return {};
        }
    }
    if (isa >= isa_level::avx2) {
        switch (weight) {
        case tensor_type::f32: return {one_avx2<float>, batch_or_one_avx2<float, false>};
        case tensor_type::f16: return {one_avx2<std::uint16_t>, batch_or_one_avx2<std::uint16_t, false>};
        case tensor_type::bf16: return {one_bf16_avx2, batch_or_one_avx2<std::uint16_t, true>};
        default: return {};
        }
    }
#else
    (void)weight;
    (void)isa;
#endif
    return {};
}

float_dot_pair float_dots(tensor_type weight) { return float_dots(weight, active_isa()); }

}  // namespace deepdesk::kernels
