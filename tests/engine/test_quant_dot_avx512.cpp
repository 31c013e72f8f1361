// SPDX-License-Identifier: GPL-3.0-or-later
// The AVX-512 VNNI kernels (engine/kernels/quant_dot_avx512.inc) compiled against a C++ model of
// their intrinsics (tests/support/simd_emulation.h) and compared with the reference, so their
// arithmetic is tested on machines without AVX-512. The model itself is checked against the real
// AVX2 instructions wherever one does the same thing on 256 bits. On a CPU with AVX-512 VNNI the
// real kernels are also run (EveryVariantMatchesTheReference in test_quant_dot.cpp, and the
// self-check below).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/cpu_features.h"
#include "engine/kernels/convert.h"
#include "engine/kernels/dequant.h"
#include "engine/kernels/quant_dot.h"
#include "engine/kernels/quant_dot_parts.h"
#include "tests/support/simd_emulation.h"

namespace deepdesk::kernels::avx512_emulated {
using namespace deepdesk::simd_emulation;
#define DD_AVX512
#include "engine/kernels/quant_dot_avx512.inc"
#undef DD_AVX512
}  // namespace deepdesk::kernels::avx512_emulated

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace deepdesk::kernels {
namespace {

namespace emu = avx512_emulated;

std::vector<kernel_pair> emulated_kernels() {
    return {{tensor_type::q8_0, emu::dot_q8_0, emu::dot4_q8_0, emu::rows4_q8_0, emu::tile4x4_q8_0},
            {tensor_type::q5_0, emu::dot_q5_0, emu::dot4_q5_0, emu::rows4_q5_0, emu::tile4x4_q5_0},
            {tensor_type::iq4_nl, emu::dot_iq4_nl, emu::dot4_iq4_nl, emu::rows4_iq4_nl, emu::tile4x4_iq4_nl},
            {tensor_type::q4_k, emu::dot_q4_k, emu::dot4_q4_k},
            {tensor_type::q6_k, emu::dot_q6_k, emu::dot4_q6_k}};
}

TEST(QuantDotAvx512, EmulatedKernelsMatchTheReferenceOnRandomBlocks) {
    const std::vector<kernel_pair> kernels = emulated_kernels();
    ASSERT_EQ(kernels.size(), avx512_kernels().size()) << "every AVX-512 kernel has an emulated twin";
    for (unsigned seed : {1u, 2u, 3u}) {
        EXPECT_EQ(compare_with_reference(kernels, seed), "") << "seed " << seed;
    }
}

// Weight rows at the edges of each format's range, against activations of +-127: the integer sums
// must be exact (no saturation in the pairwise i16 sums), so the results equal the reference up to
// float ordering.
TEST(QuantDotAvx512, ExtremeValuesGiveExactIntegerSums) {
    const std::size_t n = 512;
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = (i % 3 == 0) ? -1.0f : 1.0f;  // quantizes to +-127 with one scale
    }
    for (const kernel_pair& k : emulated_kernels()) {
        const tensor_type_traits& tr = traits_of(k.type);
        const std::size_t blocks = n / tr.block_size;
        for (const std::uint8_t fill : {0x00, 0xFF, 0x80, 0x7F, 0x3F}) {
            std::vector<std::uint8_t> w(blocks * tr.type_size, fill);
            for (std::size_t b = 0; b < blocks; ++b) {
                const std::uint16_t one = f32_to_f16(0.5f);
                std::memcpy(w.data() + b * tr.type_size + (k.type == tensor_type::q6_k ? offsetof(block_q6_k, d) : 0),
                            &one, 2);
                if (k.type == tensor_type::q4_k) {
                    std::memcpy(w.data() + b * tr.type_size + 2, &one, 2);
                }
            }
            std::vector<std::uint8_t> act(activation_row_bytes(k.type, n) * 4);
            const std::size_t stride = act.size() / 4;
            for (int t = 0; t < 4; ++t) {
                quantize_activation_ref(k.type, x.data(), act.data() + t * stride, n);
            }
            const float want = vec_dot_ref(k.type, w.data(), act.data(), n);
            float four[4];
            k.dot4(w.data(), act.data(), stride, n, four);
            const std::string what = std::string(tr.name) + " fill " + std::to_string(fill);
            EXPECT_NEAR(k.dot(w.data(), act.data(), n), want, 1e-5 * std::fabs(want) + 1e-3) << what;
            for (float f : four) {
                EXPECT_NEAR(f, want, 1e-5 * std::fabs(want) + 1e-3) << what;
            }
        }
    }
}

// The AVX-512 kernels give the AVX2 kernels' floats bit for bit (the same integer lanes and the
// same float order), so a model gives the same numbers on either machine.
TEST(QuantDotAvx512, EmulatedKernelsGiveTheAvx2ResultsBitForBit) {
    if (detect_isa(host_cpu()) < isa_level::avx2) {
        GTEST_SKIP() << "this CPU has no AVX2";
    }
    for (const kernel_pair& k : emulated_kernels()) {
        // The four-token paths are compared too.
        ASSERT_NE(dot4_kernel(k.type, isa_level::avx2), nullptr) << traits_of(k.type).name;
    }
    for (unsigned seed : {4u, 5u, 6u}) {
        EXPECT_EQ(compare_bit_for_bit(emulated_kernels(), isa_level::avx2, seed), "") << "seed " << seed;
    }
    // The check sees a difference in the last bit: against the (equally valid) scalar reference.
    EXPECT_NE(compare_bit_for_bit(emulated_kernels(), isa_level::scalar, 4), "");
}

TEST(QuantDotAvx512, TheSelfCheckCatchesAWrongKernel) {
    // Q5_0 kernels run on Q8_0 data: 32 values and the scale first in each block, different
    // values (Q5_0's shorter blocks read within Q8_0's rows).
    const kernel_pair wrong[] = {{tensor_type::q8_0, emu::dot_q5_0, emu::dot4_q5_0}};
    const std::string report = compare_with_reference(wrong, 7);
    EXPECT_NE(report.find("Q8_0"), std::string::npos) << report;
    // A kernel right for one token but wrong for four is caught too (the wrong kernel reads
    // within the row, as above).
    const kernel_pair wrong4[] = {{tensor_type::q8_0, emu::dot_q8_0, emu::dot4_q5_0}};
    EXPECT_NE(compare_with_reference(wrong4, 7), "");
    // And the four-row and four-by-four kernels, each wrong on its own.
    const kernel_pair wrong_rows[] = {{tensor_type::q8_0, emu::dot_q8_0, emu::dot4_q8_0, emu::rows4_q5_0}};
    EXPECT_NE(compare_with_reference(wrong_rows, 7).find("four-row"), std::string::npos);
    const kernel_pair wrong_tile[] = {
        {tensor_type::q8_0, emu::dot_q8_0, emu::dot4_q8_0, emu::rows4_q8_0, emu::tile4x4_q5_0}};
    EXPECT_NE(compare_with_reference(wrong_tile, 7).find("four-by-four"), std::string::npos);
}

TEST(QuantDotAvx512, RealKernelsPassTheSelfCheckOnThisCpu) {
    const cpu_features& cpu = host_cpu();
    if (!(cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx512_vnni)) {
        GTEST_SKIP() << "this CPU has no AVX-512 VNNI: the AVX-512 kernels were tested through the emulation only";
    }
    EXPECT_EQ(compare_with_reference(avx512_kernels(), 11), "");
    EXPECT_EQ(compare_bit_for_bit(avx512_kernels(), isa_level::avx2, 12), "");
    EXPECT_TRUE(avx512_kernels_usable());
}

#if defined(__x86_64__)
// The model of each intrinsic that has a 256-bit AVX2 twin, against the real instruction, on
// random inputs (both halves of a 512-bit value for the 512-bit ones).
#define DD_AVX2_TEST __attribute__((target("avx2,fma,f16c")))

template <int B>
simd_emulation::ivec<B> random_vec(std::mt19937& rng) {
    simd_emulation::ivec<B> v;
    for (auto& b : v.b) {
        b = static_cast<std::uint8_t>(rng());
    }
    return v;
}
DD_AVX2_TEST __m256i real(const simd_emulation::vi256& v) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(v.b.data()));
}
DD_AVX2_TEST simd_emulation::vi256 model(__m256i v) {
    simd_emulation::vi256 r;
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(r.b.data()), v);
    return r;
}
simd_emulation::vi256 half_of(const simd_emulation::vi512& v, int h) {
    simd_emulation::vi256 r;
    std::memcpy(r.b.data(), v.b.data() + 32 * h, 32);
    return r;
}

DD_AVX2_TEST void compare_models_with_avx2() {
    namespace m = simd_emulation;
    std::mt19937 rng(3);
    for (int round = 0; round < 200; ++round) {
        const m::vi512 a = random_vec<64>(rng), c = random_vec<64>(rng);
        const m::vi256 a2 = half_of(a, 0), c2 = half_of(c, 0);
        const m::vi512 mb = m::_mm512_maddubs_epi16(a, c);
        const m::vi512 absv = m::_mm512_abs_epi8(a);
        const m::vi512 sl = m::_mm512_slli_epi16(a, 4), sr = m::_mm512_srli_epi16(a, 4);
        for (int h = 0; h < 2; ++h) {
            const __m256i ra = real(half_of(a, h)), rc = real(half_of(c, h));
            EXPECT_EQ(half_of(mb, h).b, model(_mm256_maddubs_epi16(ra, rc)).b) << "maddubs";
            EXPECT_EQ(half_of(absv, h).b, model(_mm256_abs_epi8(ra)).b) << "abs_epi8";
            EXPECT_EQ(half_of(sl, h).b, model(_mm256_slli_epi16(ra, 4)).b) << "slli_epi16";
            EXPECT_EQ(half_of(sr, h).b, model(_mm256_srli_epi16(ra, 4)).b) << "srli_epi16";
        }
        EXPECT_EQ(m::_mm256_madd_epi16(a2, c2).b, model(_mm256_madd_epi16(real(a2), real(c2))).b) << "madd";
        EXPECT_EQ(m::_mm256_shuffle_epi8(a2, c2).b, model(_mm256_shuffle_epi8(real(a2), real(c2))).b) << "shuffle";
        EXPECT_EQ(m::_mm256_sub_epi8(a2, c2).b, model(_mm256_sub_epi8(real(a2), real(c2))).b) << "sub_epi8";
        EXPECT_EQ(m::_mm256_slli_epi32(a2, 16).b, model(_mm256_slli_epi32(real(a2), 16)).b) << "slli_epi32";
        const m::vi256 counts = m::_mm256_set_epi64x(rng() % 70, rng() % 70, rng() % 70, rng() % 70);
        EXPECT_EQ(m::_mm256_srlv_epi64(a2, counts).b, model(_mm256_srlv_epi64(real(a2), real(counts))).b) << "srlv";
        const m::vi128 q = m::_mm_loadu_si128(reinterpret_cast<const m::vi128*>(a.b.data()));
        const __m128i rq = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a.b.data()));
        EXPECT_EQ(m::_mm256_cvtepi8_epi16(q).b, model(_mm256_cvtepi8_epi16(rq)).b) << "cvtepi8_epi16";
        EXPECT_EQ(m::_mm256_cvtepu8_epi32(q).b, model(_mm256_cvtepu8_epi32(rq)).b) << "cvtepu8_epi32";
        EXPECT_EQ(m::_mm256_broadcastsi128_si256(q).b, model(_mm256_broadcastsi128_si256(rq)).b) << "broadcast";
        m::vi128 w16 = m::_mm_cvtepu8_epi16(q), s8 = m::_mm_srli_si128(q, 8);
        __m128i rw16 = _mm_cvtepu8_epi16(rq), rs8 = _mm_srli_si128(rq, 8);
        EXPECT_EQ(0, std::memcmp(w16.b.data(), &rw16, 16)) << "cvtepu8_epi16";
        EXPECT_EQ(0, std::memcmp(s8.b.data(), &rs8, 16)) << "srli_si128";
        const m::vi128 q2 = m::_mm_loadu_si128(reinterpret_cast<const m::vi128*>(c.b.data()));
        const __m128i rq2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(c.b.data()));
        const m::vi128 hadd = m::_mm_hadd_epi16(q, q2), madd = m::_mm_madd_epi16(q, q2);
        const __m128i rhadd = _mm_hadd_epi16(rq, rq2), rmadd = _mm_madd_epi16(rq, rq2);
        EXPECT_EQ(0, std::memcmp(hadd.b.data(), &rhadd, 16)) << "hadd_epi16";
        EXPECT_EQ(0, std::memcmp(madd.b.data(), &rmadd, 16)) << "madd_epi16 (128)";
        EXPECT_EQ(m::_mm256_add_epi32(a2, c2).b, model(_mm256_add_epi32(real(a2), real(c2))).b) << "add_epi32";
        EXPECT_EQ(m::_mm256_sub_epi32(a2, c2).b, model(_mm256_sub_epi32(real(a2), real(c2))).b) << "sub_epi32";
        // int -> float and the fused multiply-add, on integers of any size and random floats.
        const m::vf256 fi = m::_mm256_cvtepi32_ps(a2);
        float rfi[8];
        _mm256_storeu_ps(rfi, _mm256_cvtepi32_ps(real(a2)));
        std::uniform_real_distribution<float> u(-1e3f, 1e3f);
        const m::vf256 fa = m::_mm256_set1_ps(u(rng)), fc = m::_mm256_set1_ps(u(rng));
        const m::vf256 fm = m::_mm256_fmadd_ps(fa, fi, fc);
        float rfm[8];
        _mm256_storeu_ps(rfm, _mm256_fmadd_ps(_mm256_set1_ps(fa.f[0]), _mm256_loadu_ps(rfi), _mm256_set1_ps(fc.f[0])));
        for (int j = 0; j < 8; ++j) {
            EXPECT_EQ(fi.f[j], rfi[j]) << "cvtepi32_ps";
            EXPECT_EQ(fm.f[j], rfm[j]) << "fmadd_ps";
        }
        // vpdpbusd with sums that vpmaddubsw cannot saturate: the same as maddubs + madd(1) + add.
        m::vi512 small = a;
        for (auto& b : small.b) {
            b &= 0x3F;
        }
        const m::vi512 acc = random_vec<64>(rng);
        const m::vi512 dp = m::_mm512_dpbusd_epi32(acc, small, c);
        for (int hh = 0; hh < 2; ++hh) {
            const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(real(half_of(small, hh)), real(half_of(c, hh))),
                                                _mm256_set1_epi16(1));
            EXPECT_EQ(half_of(dp, hh).b, model(_mm256_add_epi32(p, real(half_of(acc, hh)))).b) << "dpbusd";
            const __m256i w = _mm256_madd_epi16(real(half_of(a, hh)), real(half_of(c, hh)));
            EXPECT_EQ(half_of(m::_mm512_dpwssd_epi32(acc, a, c), hh).b,
                      model(_mm256_add_epi32(w, real(half_of(acc, hh)))).b)
                << "dpwssd";
        }
    }
}

TEST(QuantDotAvx512, TheIntrinsicModelAgreesWithTheRealAvx2Instructions) {
    if (detect_isa(host_cpu()) < isa_level::avx2) {
        GTEST_SKIP() << "this CPU has no AVX2";
    }
    compare_models_with_avx2();
}
#endif

}  // namespace
}  // namespace deepdesk::kernels
