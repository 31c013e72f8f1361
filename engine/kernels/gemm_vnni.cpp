// SPDX-License-Identifier: GPL-3.0-or-later
// The sixteen-row AVX-512 VNNI prompt kernels (kernels/gemm_vnni.inc) compiled with the real
// intrinsics, and their check against the reference on the machine that runs them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "engine/cpu_features.h"
#include "engine/kernels/dequant.h"
#include "engine/kernels/gemm_amx.h"
#include "engine/kernels/gemm_pack.h"
#include "engine/kernels/quant_dot.h"

#if defined(__x86_64__)
#include <immintrin.h>

namespace deepdesk::kernels::vnni {

using vi512 = __m512i;
using vf512 = __m512;

#define DD_VNNI __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

DD_VNNI inline float dd_half(std::uint16_t h) { return _cvtsh_ss(h); }

#include "engine/kernels/gemm_vnni.inc"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace deepdesk::kernels::vnni
#define DEEPDESK_HAVE_VNNI_GEMM 1
#endif

namespace deepdesk::kernels {

std::span<const amx_kernel> vnni_gemm_kernels() {
#if DEEPDESK_HAVE_VNNI_GEMM
    return vnni::k_kernels;
#else
    return {};
#endif
}

bool vnni_gemm_kernels_usable() {
    static const bool usable = [] {
        const char* env = std::getenv("DEEPDESK_GEMM16");
        if (active_isa() < isa_level::avx512 || !avx512_kernels_usable() ||
            (env != nullptr && std::strcmp(env, "0") == 0) || vnni_gemm_kernels().empty()) {
            return false;
        }
        // The same floats as the AVX2 kernels, which the reference models are checked with (and
        // those against the reference here: avx512_kernels_usable). A check within a tolerance of
        // the reference would not do: a block's eight lane sums can cancel to far below their
        // own size, so their rounding is not small against the block's result.
        std::string mismatch = compare_gemm16_bit_for_bit(vnni_gemm_kernels(), isa_level::avx2, 20261203);
        if (mismatch.empty()) {
            mismatch = compare_extremes_with_reference(vnni_gemm_kernels());
        }
        if (!mismatch.empty()) {
            std::fprintf(
                stderr, "deepdesk: the AVX-512 VNNI prompt kernels fail their check on this CPU (%s); not using them\n",
                mismatch.c_str());
            return false;
        }
        return true;
    }();
    return usable;
}

}  // namespace deepdesk::kernels
