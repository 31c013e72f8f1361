// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/kernels/convert.h"

#include <algorithm>
#include <bit>

#if defined(__x86_64__)
#include <immintrin.h>
#define DEEPDESK_HAVE_X86_KERNELS 1
#endif

namespace deepdesk::kernels {

float f16_to_f32(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1fu;
    std::uint32_t mant = h & 0x3ffu;
    std::uint32_t bits = 0;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {
            // Subnormal: value = mant * 2^-24. Normalise so the leading one lands on bit 10.
            std::uint32_t e = 113;  // exponent of 2^-14 in f32 bias, before normalising
            while ((mant & 0x400u) == 0) {
                mant <<= 1;
                --e;
            }
            bits = sign | (e << 23) | ((mant & 0x3ffu) << 13);
        }
    } else if (exp == 31) {
        bits = sign | 0x7f800000u | (mant << 13);
    } else {
        bits = sign | ((exp + 112) << 23) | (mant << 13);
    }
    return std::bit_cast<float>(bits);
}

std::uint16_t f32_to_f16(float f) {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    const auto sign = static_cast<std::uint16_t>((x >> 16) & 0x8000u);
    const std::uint32_t ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) {  // NaN: keep it a quiet NaN with the top payload bits
        return static_cast<std::uint16_t>(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
    }
    if (ax >= 0x477ff000u) {  // >= 65520 (and inf) rounds to inf
        return static_cast<std::uint16_t>(sign | 0x7c00u);
    }
    if (ax < 0x38800000u) {  // below 2^-14: f16 subnormal or zero
        const std::uint32_t e = ax >> 23;
        if (e < 102) {  // below 2^-25: rounds to zero
            return sign;
        }
        const std::uint32_t m = (ax & 0x7fffffu) | 0x800000u;
        const std::uint32_t shift = 126 - e;  // value * 2^24 = m >> shift
        std::uint32_t res = m >> shift;
        const std::uint32_t rem = m & ((1u << shift) - 1);
        const std::uint32_t half = 1u << (shift - 1);
        if (rem > half || (rem == half && (res & 1u))) {
            ++res;
        }
        return static_cast<std::uint16_t>(sign | res);
    }
    std::uint32_t res = (ax - 0x38000000u) >> 13;  // rebias exponent 127 -> 15
    const std::uint32_t rem = ax & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (res & 1u))) {
        ++res;  // a carry into the exponent is the correct rounding
    }
    return static_cast<std::uint16_t>(sign | res);
}

float bf16_to_f32(std::uint16_t b) { return std::bit_cast<float>(static_cast<std::uint32_t>(b) << 16); }

std::uint16_t f32_to_bf16(float f) {
    const std::uint32_t x = std::bit_cast<std::uint32_t>(f);
    if ((x & 0x7fffffffu) > 0x7f800000u) {
        return static_cast<std::uint16_t>((x >> 16) | 0x40u);
    }
    return static_cast<std::uint16_t>((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

void f16_to_f32_ref(const std::uint16_t* src, float* dst, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        dst[i] = f16_to_f32(src[i]);
    }
}

void f32_to_f16_ref(const float* src, std::uint16_t* dst, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        dst[i] = f32_to_f16(src[i]);
    }
}

void bf16_to_f32_ref(const std::uint16_t* src, float* dst, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        dst[i] = bf16_to_f32(src[i]);
    }
}

#ifdef DEEPDESK_HAVE_X86_KERNELS
namespace {

__attribute__((target("avx2,f16c,fma"))) void f16_to_f32_avx2(const std::uint16_t* src, float* dst, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
    }
    f16_to_f32_ref(src + i, dst + i, n - i);
}

__attribute__((target("avx2,f16c,fma"))) void f32_to_f16_avx2(const float* src, std::uint16_t* dst, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), h);
    }
    f32_to_f16_ref(src + i, dst + i, n - i);
}

__attribute__((target("avx2,f16c,fma"))) void bf16_to_f32_avx2(const std::uint16_t* src, float* dst, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        const __m256i w = _mm256_slli_epi32(_mm256_cvtepu16_epi32(b), 16);
        _mm256_storeu_ps(dst + i, _mm256_castsi256_ps(w));
    }
    bf16_to_f32_ref(src + i, dst + i, n - i);
}

// GCC 12 reports its own AVX-512 intrinsics' undefined-value placeholders as maybe-uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

__attribute__((target("avx512f,avx512bw,avx512vl"))) void f16_to_f32_avx512(const std::uint16_t* src, float* dst,
                                                                            std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(h));
    }
    if (i < n) {
        const auto mask = static_cast<__mmask16>((1u << (n - i)) - 1);
        const __m256i h = _mm256_maskz_loadu_epi16(mask, src + i);
        _mm512_mask_storeu_ps(dst + i, mask, _mm512_cvtph_ps(h));
    }
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) void f32_to_f16_avx512(const float* src, std::uint16_t* dst,
                                                                            std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i h = _mm512_cvtps_ph(_mm512_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), h);
    }
    if (i < n) {
        const auto mask = static_cast<__mmask16>((1u << (n - i)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(mask, src + i);
        const __m256i h = _mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        _mm256_mask_storeu_epi16(dst + i, mask, h);
    }
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) void bf16_to_f32_avx512(const std::uint16_t* src, float* dst,
                                                                             std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        _mm512_storeu_ps(dst + i, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(b), 16)));
    }
    if (i < n) {
        const auto mask = static_cast<__mmask16>((1u << (n - i)) - 1);
        const __m256i b = _mm256_maskz_loadu_epi16(mask, src + i);
        _mm512_mask_storeu_ps(dst + i, mask, _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(b), 16)));
    }
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace
#endif

std::vector<convert_kernel_set> convert_variants() {
    std::vector<convert_kernel_set> out{{isa_level::scalar, f16_to_f32_ref, f32_to_f16_ref, bf16_to_f32_ref}};
#ifdef DEEPDESK_HAVE_X86_KERNELS
    const isa_level best = detect_isa(host_cpu());
    if (best >= isa_level::avx2) {
        out.push_back({isa_level::avx2, f16_to_f32_avx2, f32_to_f16_avx2, bf16_to_f32_avx2});
    }
    if (best >= isa_level::avx512) {
        out.push_back({isa_level::avx512, f16_to_f32_avx512, f32_to_f16_avx512, bf16_to_f32_avx512});
    }
#endif
    return out;
}

const convert_kernel_set& convert_kernels() {
    static const convert_kernel_set chosen = pick_for_active_isa(convert_variants());
    return chosen;
}

void round_through_f16(float* x, std::size_t n) {
    const convert_kernel_set& k = convert_kernels();
    std::uint16_t half[256];
    for (std::size_t i = 0; i < n; i += 256) {
        const std::size_t m = std::min<std::size_t>(256, n - i);
        k.f32_to_f16(x + i, half, m);
        k.f16_to_f32(half, x + i, m);
    }
}

}  // namespace deepdesk::kernels
