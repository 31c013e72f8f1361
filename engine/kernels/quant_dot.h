// SPDX-License-Identifier: GPL-3.0-or-later
// Dot products of a quantized weight row with an activation row quantized per block, as the
// reference runtime computes them: the activation is quantized once (Q8_K for the K-quants and
// IQ4_XS, Q8_0 or Q8_1 for the 32-blocks, f16/bf16 for those weights) and the inner sums are
// integers. The scalar `_ref` functions define the numerics; fast variants must match them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/cpu_features.h"
#include "engine/kernels/dequant.h"
#include "engine/tensor_types.h"

namespace deepdesk::kernels {

struct block_q8_1 {
    std::uint16_t d;  // f16 scale
    std::uint16_t s;  // f16 of d * sum(qs)
    std::int8_t qs[32];
};
static_assert(sizeof(block_q8_1) == 36);

// The type a weight type's activations are quantized to (f32 stays f32).
tensor_type activation_type(tensor_type weight);
// Bytes of an activation row of n elements for `weight`.
std::size_t activation_row_bytes(tensor_type weight, std::size_t n);

// x (n) f32 -> dst in activation_type(weight); n a multiple of the block size.
void quantize_activation_ref(tensor_type weight, const float* x, void* dst, std::size_t n);

// Dot product of one weight row (n elements, `weight` type) with an activation row from
// quantize_activation_ref.
float vec_dot_ref(tensor_type weight, const void* w_row, const void* act, std::size_t n);

// One dot product kernel: weight row (n elements) with a quantized activation row.
using dot_fn = float (*)(const void* w_row, const void* act, std::size_t n);

// Four activation rows (act_stride bytes apart) against one weight row: out[0..3]. Same results
// as four dot_fn calls; exists where sharing the weight unpacking pays (prompt batches).
using dot4_fn = void (*)(const void* w_row, const void* act, std::size_t act_stride, std::size_t n, float* out);
// nullptr when `weight` has no four-row kernel at `isa`.
dot4_fn dot4_kernel(tensor_type weight, isa_level isa);
dot4_fn dot4_kernel(tensor_type weight);

// The fastest kernel for `weight` at `isa` (falling back to lower tiers and to the reference).
dot_fn dot_kernel(tensor_type weight, isa_level isa);
// The kernel for active_isa().
dot_fn dot_kernel(tensor_type weight);
// The reference kernel for `weight` (a function per type, usable as dot_fn).
dot_fn dot_kernel_ref(tensor_type weight);

// Individual quantizers (also used by tests and by writers of test models).
void quantize_row_q8_0_ref(const float* x, block_q8_0* y, std::size_t n);
void quantize_row_q8_1_ref(const float* x, block_q8_1* y, std::size_t n);
void quantize_row_q8_k_ref(const float* x, block_q8_k* y, std::size_t n);

}  // namespace deepdesk::kernels
