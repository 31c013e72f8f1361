// SPDX-License-Identifier: GPL-3.0-or-later
// Dot products of F32, F16 and BF16 weight rows with activations of the same type, in the order the
// reference runtime (ggml's CPU backend) sums them on each tier, so that the results agree bit for
// bit: W = 8 lanes on AVX2, 16 on AVX-512.
//  - One token (its vector dot products): F32 and F16 in four W-lane accumulators over steps of
//    4W values, added 0+2, 1+3, then 0+1 and reduced across lanes (AVX-512 by halves; AVX2 by the
//    128-bit halves and two horizontal adds); what is left after the last whole step is added
//    value by value (F32 in float with a fused multiply-add, F16 in double). BF16: AVX-512 two
//    16-lane accumulators over steps of 32, AVX2 four 8-lane ones over steps of 32 added (0+2) +
//    (1+3), reduced by halves, the rest in double.
//  - Prompt batches (its blocked GEMM, two tokens or more): one W-lane accumulator over the row,
//    reduced by halves; rows whose length is not a multiple of W take the one-token order, as the
//    reference does then too.
#pragma once

#include "engine/cpu_features.h"
#include "engine/kernels/quant_dot.h"
#include "engine/tensor_types.h"

namespace deepdesk::kernels {

struct float_dot_pair {
    dot_fn one = nullptr;    // a single token
    dot_fn batch = nullptr;  // a token of a prompt batch
};

// The pair for f32, f16 or bf16 weights at `isa` (at most what this CPU runs); {} for other types
// and for the scalar tier.
float_dot_pair float_dots(tensor_type weight, isa_level isa);
// At active_isa().
float_dot_pair float_dots(tensor_type weight);

}  // namespace deepdesk::kernels
