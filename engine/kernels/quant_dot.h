// SPDX-License-Identifier: GPL-3.0-or-later
// Dot products of a quantized weight row with an activation row quantized per block, as the
// reference runtime computes them: the activation is quantized once (Q8_K for the K-quants and
// IQ4_XS, Q8_0 or Q8_1 for the 32-blocks, f16/bf16 for those weights) and the inner sums are
// integers. The scalar `_ref` functions define the numerics; fast variants must match them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

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

// The same bytes as quantize_activation_ref, by the fastest quantizer active_isa() allows.
void quantize_activation(tensor_type weight, const float* x, void* dst, std::size_t n);

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

// Four weight rows (w_stride bytes apart) against one activation row: out[0..3]. Same results as
// four dot_fn calls; the rows' sums are independent, so generation is not held up by the latency
// of one row's additions.
using rows4_fn = void (*)(const void* w, std::size_t w_stride, const void* act, std::size_t n, float* out);
// Four weight rows against four activation rows: out[r * 4 + t]. Same results as sixteen dot_fn
// calls; each activation row is prepared once for the four weight rows.
using tile4x4_fn = void (*)(const void* w, std::size_t w_stride, const void* act, std::size_t act_stride, std::size_t n,
                            float* out);
// nullptr when `weight` has no such kernel at `isa` (or at active_isa()).
rows4_fn rows4_kernel(tensor_type weight, isa_level isa);
rows4_fn rows4_kernel(tensor_type weight);
tile4x4_fn tile4x4_kernel(tensor_type weight, isa_level isa);
tile4x4_fn tile4x4_kernel(tensor_type weight);

// The fastest kernel for `weight` at `isa` (falling back to lower tiers and to the reference).
dot_fn dot_kernel(tensor_type weight, isa_level isa);
// The kernel for active_isa().
dot_fn dot_kernel(tensor_type weight);
// The reference kernel for `weight` (a function per type, usable as dot_fn).
dot_fn dot_kernel_ref(tensor_type weight);

// Byte offsets of the f16 scale fields (d, and dmin where there is one) in a block of `weight`:
// random test rows set them to finite values, as random bytes there could be NaN or infinity.
std::vector<std::size_t> f16_scale_offsets(tensor_type weight);

// Sum over the blocks of |reference dot product of that block| for a weight row and an
// activation row of n values: the scale of the float rounding a kernel may show when it adds the
// block contributions in another order (tolerances are multiples of it).
double block_magnitude(tensor_type weight, const std::uint8_t* w, const std::uint8_t* act, std::size_t n);

// One type's fast kernels (dot4 may be nullptr), for checking against the reference.
struct kernel_pair {
    tensor_type type;
    dot_fn dot;
    dot4_fn dot4;
    rows4_fn rows4 = nullptr;
    tile4x4_fn tile4x4 = nullptr;
};
// Runs each kernel and the reference on four weight rows of random bytes (block scales set to finite
// values, so every quantized value and sub-scale occurs, extremes included) against four random
// quantized activations, over several block counts, with every kernel shape the pair has. Returns "" when all agree
// within float-ordering tolerance, else which type and size differed and by how much.
std::string compare_with_reference(std::span<const kernel_pair> kernels, unsigned seed);

// Runs each kernel and its twin, the kernel dot_kernel / dot4_kernel give for the same type at
// `twin_isa`, on the same random rows; "" when every result is the same float, bit for bit, else
// the first difference.
std::string compare_bit_for_bit(std::span<const kernel_pair> kernels, isa_level twin_isa, unsigned seed);

// The AVX-512 VNNI kernels of this build (Q8_0, Q5_0, IQ4_NL, Q4_K, Q6_K); empty off x86-64.
std::span<const kernel_pair> avx512_kernels();
// True when this CPU has AVX-512 F/BW/VL/VNNI and, on it, the AVX-512 kernels passed
// compare_with_reference and gave the AVX2 kernels' floats bit for bit (compare_bit_for_bit).
// Checked once, at first use: the build machines have no AVX-512, so the kernels prove
// themselves on the machine that runs them; on a mismatch a line goes to stderr and the AVX2
// kernels are used instead.
bool avx512_kernels_usable();
// The tier the quantized dot products run at: active_isa(), but avx2 where that is avx512 and the
// AVX-512 kernels are not usable.
isa_level quant_dot_isa();

// Individual quantizers (also used by tests and by writers of test models).
void quantize_row_q8_0_ref(const float* x, block_q8_0* y, std::size_t n);
void quantize_row_q8_1_ref(const float* x, block_q8_1* y, std::size_t n);
void quantize_row_q8_k_ref(const float* x, block_q8_k* y, std::size_t n);

}  // namespace deepdesk::kernels
