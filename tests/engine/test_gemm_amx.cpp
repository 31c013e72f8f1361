// SPDX-License-Identifier: GPL-3.0-or-later
// The AMX kernels (engine/kernels/gemm_amx.inc) compiled against a C++ model of the tile
// instructions (tests/support/amx_emulation.h) and compared with the reference dot products, so
// their arithmetic is tested on every machine; on a CPU with AMX-INT8 the real kernels too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "engine/cpu_features.h"
#include "engine/kernels/convert.h"
#include "engine/kernels/dequant.h"
#include "engine/kernels/gemm_amx.h"
#include "engine/kernels/gemm_pack.h"
#include "engine/kernels/quant_dot.h"
#include "engine/ops.h"
#include "engine/thread_pool.h"
#include "tests/support/amx_emulation.h"

namespace deepdesk::kernels::amx_emulated {
using namespace deepdesk::amx_emulation;
#define DD_AMX
inline float dd_half(std::uint16_t h) { return f16_to_f32(h); }
inline void dd_scale_rows(float (*acc)[16], const std::int32_t (*c)[16], const float* dx, const float* dy) {
    for (int r = 0; r < 16; ++r) {
        for (int t = 0; t < 16; ++t) {
            acc[r][t] = std::fma(dx[r] * dy[t], static_cast<float>(c[r][t]), acc[r][t]);
        }
    }
}
struct dd_acc {
    float v[16][16];
};
inline void dd_acc_zero(dd_acc& acc) { std::memset(acc.v, 0, sizeof(acc.v)); }
inline void dd_scale_acc(dd_acc& acc, const std::int32_t (*c)[16], const float* dx, const float* dy) {
    dd_scale_rows(acc.v, c, dx, dy);
}
inline void dd_acc_store(const dd_acc& acc, float (*out)[16]) { std::memcpy(out, acc.v, sizeof(acc.v)); }
inline void dd_mins(float (*acc_min)[16], const std::int32_t* sums, const std::uint32_t* min_pairs, const float* dmin,
                    const float* dy) {
    for (int r = 0; r < 16; ++r) {
        for (int t = 0; t < 16; ++t) {
            std::int32_t m = 0;
            for (int p = 0; p < 4; ++p) {
                const auto pair = static_cast<std::uint32_t>(sums[16 * p + t]);
                const auto lo = static_cast<std::int16_t>(pair & 0xFFFF), hi = static_cast<std::int16_t>(pair >> 16);
                m += lo * static_cast<std::int32_t>(min_pairs[4 * r + p] & 0xFFFF) +
                     hi * static_cast<std::int32_t>(min_pairs[4 * r + p] >> 16);
            }
            acc_min[r][t] = std::fma(dmin[r] * dy[t], static_cast<float>(m), acc_min[r][t]);
        }
    }
}
inline void dd_scale_rows_k(float (*acc)[16], const std::int32_t (*lo)[16], const std::int32_t (*hi)[16],
                            const float* d, const float* dy) {
    for (int r = 0; r < 16; ++r) {
        for (int t = 0; t < 16; ++t) {
            acc[r][t] = std::fma(d[r] * dy[t], static_cast<float>(hi[r][t] * 256 + lo[r][t]), acc[r][t]);
        }
    }
}
#include "engine/kernels/gemm_amx.inc"
#undef DD_AMX
}  // namespace deepdesk::kernels::amx_emulated

namespace deepdesk::kernels {
namespace {

TEST(GemmAmx, EmulatedKernelsMatchTheReference) {
    for (unsigned seed : {1u, 2u}) {
        EXPECT_EQ(compare_amx_with_reference(amx_emulated::k_kernels, seed), "") << "seed " << seed;
    }
}

TEST(GemmAmx, TheCheckCatchesAWrongKernel) {
    // The Q6_K kernel on Q4_K rows, and the Q8_0 kernel with the K-quants' packing.
    const amx_kernel wrong[] = {{tensor_type::q4_k, amx_emulated::k_kernels[2].fn, amx_emulated::k_kernels[1].pack,
                                 amx_emulated::k_kernels[2].scratch}};
    EXPECT_NE(compare_amx_with_reference(wrong, 3).find("Q4_K"), std::string::npos);
}

// Every weight value at its extremes, against activations of +-127 and -128: the split
// products and their sums must stay exact.
TEST(GemmAmx, ExtremeValuesGiveExactSums) { EXPECT_EQ(compare_extremes_with_reference(amx_emulated::k_kernels), ""); }

TEST(GemmAmx, RealKernelsPassTheirCheckOnThisCpu) {
    if (!host_cpu().amx_int8) {
        GTEST_SKIP() << "this CPU has no AMX-INT8: the AMX kernels were tested through the emulation only";
    }
    if (!amx_kernels_usable()) {
        GTEST_SKIP() << "AMX is turned off here (DEEPDESK_AMX=0, DEEPDESK_ISA, or the system refused the tiles)";
    }
    EXPECT_EQ(compare_amx_with_reference(amx_kernels(), 11), "");
    ASSERT_NE(gemm16_for(tensor_type::q4_k), nullptr);
    EXPECT_EQ(gemm16_for(tensor_type::q4_k)->fn, amx_kernels()[1].fn);
    EXPECT_EQ(gemm16_for(tensor_type::q5_k), nullptr);
}

// ops::matmul and ops::matmul_batch as a model calls them, with a part of fewer than sixteen rows and of fewer than
// sixteen tokens left over (AMX where this CPU has it, the AVX-512 or AVX2 shapes for the rest):
// every output equals the reference dot product of its row and token within rounding.
TEST(GemmAmx, MatmulWithLeftoverRowsAndTokensMatchesTheReference) {
    std::mt19937 rng(5);
    std::uniform_int_distribution<int> byte(0, 255);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    thread_pool pool(2);
    for (const tensor_type type : {tensor_type::q8_0, tensor_type::q4_k, tensor_type::q6_k}) {
        const tensor_type_traits& tr = traits_of(type);
        const std::int64_t rows = 40, cols = 512, tokens = 37;
        const std::size_t row = tr.type_size * static_cast<std::size_t>(cols) / tr.block_size;
        std::vector<std::uint8_t> w(row * rows);
        for (auto& b : w) {
            b = static_cast<std::uint8_t>(byte(rng));
        }
        const std::uint16_t h = f32_to_f16(0.01f);
        for (std::size_t b = 0; b < w.size() / tr.type_size; ++b) {
            for (const std::size_t off : f16_scale_offsets(type)) {
                std::memcpy(w.data() + b * tr.type_size + off, &h, 2);
            }
        }
        std::vector<float> x(static_cast<std::size_t>(tokens * cols));
        for (float& v : x) {
            v = normal(rng);
        }
        const weight_view view{type, cols, rows, w.data(), row};
        std::vector<float> buffer(static_cast<std::size_t>(tokens * cols));
        ops::matmul_input in(buffer.data());
        in.set(x.data(), tokens, cols);
        std::vector<float> y(static_cast<std::size_t>(tokens * rows));
        ops::matmul(view, in, y.data(), pool);
        // The same as two jobs of one batch (as a MoE layer's experts): the first 20 tokens, and
        // the other 17 read and written with strides of their own.
        std::vector<float> yb(static_cast<std::size_t>(tokens * (rows + 5)));
        const ops::matmul_job jobs[] = {{&view, x.data(), 20, yb.data(), cols, rows + 5},
                                        {&view, x.data() + 20 * cols, 17, yb.data() + 20 * (rows + 5), cols, rows + 5}};
        std::vector<std::uint8_t> batch_act;
        ops::matmul_batch(jobs, batch_act, pool);
        const std::size_t act_row = activation_row_bytes(type, cols);
        std::vector<std::uint8_t> act(act_row);
        for (std::int64_t t = 0; t < tokens; ++t) {
            quantize_activation_ref(type, x.data() + t * cols, act.data(), cols);
            for (std::int64_t r = 0; r < rows; ++r) {
                const std::uint8_t* wr = w.data() + row * static_cast<std::size_t>(r);
                const double want = vec_dot_ref(type, wr, act.data(), cols);
                const double tolerance = 2e-5 * block_magnitude(type, wr, act.data(), cols) + 1e-6;
                ASSERT_NEAR(y[static_cast<std::size_t>(t * rows + r)], want, tolerance)
                    << tr.name << " row " << r << " token " << t;
                ASSERT_NEAR(yb[static_cast<std::size_t>(t * (rows + 5) + r)], want, tolerance)
                    << tr.name << " batch, row " << r << " token " << t;
            }
        }
    }
}

}  // namespace
}  // namespace deepdesk::kernels
