// SPDX-License-Identifier: GPL-3.0-or-later
// AVX-512 VNNI variants of the quantized dot products (kernels/quant_dot.h), from the shared
// source quant_dot_avx512.inc compiled with the real intrinsics. Used only on CPUs with AVX-512
// F/BW/VL/VNNI, and only after avx512_kernels_usable() has checked them there.
#include <cstdint>
#include <cstring>

#include "engine/kernels/quant_dot.h"
#include "engine/kernels/quant_dot_parts.h"

#if defined(__x86_64__)
#include <immintrin.h>

namespace deepdesk::kernels::avx512 {

using vi128 = __m128i;
using vi256 = __m256i;
using vi512 = __m512i;
using vf128 = __m128;
using vf256 = __m256;
using mask64 = __mmask64;

#define DD_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))

// GCC 12 reports its own AVX-512 intrinsics' undefined-value placeholders (self-initialised
// variables) as uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

#include "engine/kernels/quant_dot_avx512.inc"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace deepdesk::kernels::avx512
#endif
