// SPDX-License-Identifier: GPL-3.0-or-later
// The sixteen-row AVX-512 VNNI prompt kernels (engine/kernels/gemm_vnni.inc) compiled against a
// C++ model of the intrinsics (tests/support/simd_emulation.h) and compared with the reference dot
// products, so their arithmetic is tested on every machine; on a CPU with AVX-512 VNNI the real
// kernels too.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "engine/cpu_features.h"
#include "engine/kernels/convert.h"
#include "engine/kernels/dequant.h"
#include "engine/kernels/gemm_amx.h"
#include "engine/kernels/gemm_pack.h"
#include "engine/kernels/quant_dot.h"
#include "tests/support/simd_emulation.h"

namespace deepdesk::kernels::vnni_emulated {
using namespace deepdesk::simd_emulation;
#define DD_VNNI
inline float dd_half(std::uint16_t h) { return f16_to_f32(h); }
#include "engine/kernels/gemm_vnni.inc"
#undef DD_VNNI
}  // namespace deepdesk::kernels::vnni_emulated

namespace deepdesk::kernels {
namespace {

// Every weight byte at its extremes against activations of +-127 and -128: the offset products
// and the sub-block scales must keep the sums exact.
TEST(GemmVnni, ExtremeValuesGiveExactSums) { EXPECT_EQ(compare_extremes_with_reference(vnni_emulated::k_kernels), ""); }

// The same floats as the AVX2 one-row kernels (and so the reference runtime), bit for bit; the
// check sees the last bit (against the scalar reference, equally valid, it fails).
TEST(GemmVnni, EmulatedKernelsGiveTheAvx2ResultsBitForBit) {
    if (detect_isa(host_cpu()) < isa_level::avx2) {
        GTEST_SKIP() << "this CPU has no AVX2";
    }
    for (unsigned seed : {1u, 2u}) {
        EXPECT_EQ(compare_gemm16_bit_for_bit(vnni_emulated::k_kernels, isa_level::avx2, seed), "") << "seed " << seed;
    }
    EXPECT_NE(compare_gemm16_bit_for_bit(vnni_emulated::k_kernels, isa_level::scalar, 4), "");
}

TEST(GemmVnni, TheCheckCatchesAWrongKernel) {
    if (detect_isa(host_cpu()) < isa_level::avx2) {
        GTEST_SKIP() << "this CPU has no AVX2";
    }
    // The Q6_K kernel on Q4_K rows; and the Q8_0 kernel given signed activations.
    const amx_kernel wrong_kernel[] = {{tensor_type::q4_k, vnni_emulated::k_kernels[2].fn,
                                        vnni_emulated::k_kernels[1].pack, vnni_emulated::k_kernels[2].scratch}};
    EXPECT_NE(compare_gemm16_bit_for_bit(wrong_kernel, isa_level::avx2, 3).find("Q4_K"), std::string::npos);
    const amx_kernel wrong_packing[] = {{tensor_type::q8_0, vnni_emulated::k_kernels[0].fn, gemm16::pack_group<false>,
                                         vnni_emulated::k_kernels[0].scratch}};
    EXPECT_NE(compare_gemm16_bit_for_bit(wrong_packing, isa_level::avx2, 3).find("Q8_0"), std::string::npos);
}

TEST(GemmVnni, RealKernelsPassTheirCheckOnThisCpu) {
    const cpu_features& cpu = host_cpu();
    if (!(cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512_vnni)) {
        GTEST_SKIP() << "this CPU has no AVX-512 VNNI: the kernels were tested through the emulation only";
    }
    if (!vnni_gemm_kernels_usable()) {
        GTEST_SKIP() << "the AVX-512 tier is turned off here (DEEPDESK_ISA or DEEPDESK_GEMM16=0)";
    }
    EXPECT_EQ(compare_extremes_with_reference(vnni_gemm_kernels()), "");
    EXPECT_EQ(compare_gemm16_bit_for_bit(vnni_gemm_kernels(), isa_level::avx2, 12), "");
    ASSERT_NE(gemm16_for(tensor_type::q6_k), nullptr);
    if (!amx_kernels_usable()) {
        EXPECT_EQ(gemm16_for(tensor_type::q6_k)->fn, vnni_gemm_kernels()[2].fn);
    }
    EXPECT_EQ(gemm16_for(tensor_type::q5_k), nullptr);
}

}  // namespace
}  // namespace deepdesk::kernels
