// SPDX-License-Identifier: GPL-3.0-or-later
// Every tensor type's kernels in one table, a row per type, as ggml's type traits are: what its
// rows dequantize and quantize with, the type activations take for a dot product with it, the
// reference dot product, and the faster tiers (AVX2, AVX-512 VNNI) where this build has them.
// quant_dot.h's dispatch (dot_kernel, dot4_kernel, quantize_activation, ...) and
// dequantize_row_ref read this table; nothing else switches over tensor types to find a kernel,
// except float_dot.h, whose F32/F16/BF16 orders follow the reference runtime's per tier and per
// batch size (which this table's one-kernel-per-tier rows cannot say).
// The reference kernels live in quant_dot_ref.cpp and dequant.cpp, the check of the fast ones
// against them in quant_dot_check.cpp.
#pragma once

#include <cstddef>
#include <span>

#include "engine/kernels/quant_dot.h"

namespace deepdesk::kernels {

// src: (n) elements of the row's type; dst: (n) f32.
using to_float_fn = void (*)(const void* src, float* dst, std::size_t n);
// src: (n) f32; dst: a row of (n) elements of the type. n a multiple of the block size.
using from_float_fn = void (*)(const float* src, void* dst, std::size_t n);

// One tier of fast kernels for a weight type (nullptr where there is none).
struct dot_tier {
    dot_fn dot = nullptr;
    dot4_fn dot4 = nullptr;
    rows4_fn rows4 = nullptr;
    tile4x4_fn tile4x4 = nullptr;
};

struct type_kernels {
    tensor_type type;
    tensor_type vec_dot_type;       // the type activations are quantized to for vec_dot
    to_float_fn to_float;           // reference dequantization
    from_float_fn from_float;       // reference quantization into this type (activation types only)
    from_float_fn from_float_fast;  // the same bytes, faster (AVX2 and up; nullptr: none)
    dot_fn vec_dot;                 // reference dot product with a vec_dot_type row
    dot_tier avx2, avx512;          // avx512: used only once the kernels passed their check here
};

// Every row, one per type the engine computes with.
std::span<const type_kernels> all_type_kernels();
// The row of `type`, or nullptr when the engine has no kernels for it.
const type_kernels* kernels_of(tensor_type type);
// The row of `type`; throws std::invalid_argument naming `what` when there is none.
const type_kernels& kernels_for(tensor_type type, const char* what);

// The reference kernels the table is made of (quant_dot_ref.cpp, dequant.cpp).
namespace ref {
float dot_f32(const void* w, const void* a, std::size_t n);
float dot_f16(const void* w, const void* a, std::size_t n);
float dot_bf16(const void* w, const void* a, std::size_t n);
float dot_q4_0(const void* w, const void* a, std::size_t n);
float dot_q4_1(const void* w, const void* a, std::size_t n);
float dot_q5_0(const void* w, const void* a, std::size_t n);
float dot_q5_1(const void* w, const void* a, std::size_t n);
float dot_q8_0(const void* w, const void* a, std::size_t n);
float dot_iq4_nl(const void* w, const void* a, std::size_t n);
float dot_q4_k(const void* w, const void* a, std::size_t n);
float dot_q5_k(const void* w, const void* a, std::size_t n);
float dot_q6_k(const void* w, const void* a, std::size_t n);
float dot_iq4_xs(const void* w, const void* a, std::size_t n);
void to_float_f32(const void* src, float* dst, std::size_t n);
void to_float_f16(const void* src, float* dst, std::size_t n);
void to_float_bf16(const void* src, float* dst, std::size_t n);
void to_float_q4_0(const void* src, float* dst, std::size_t n);
void to_float_q4_1(const void* src, float* dst, std::size_t n);
void to_float_q5_0(const void* src, float* dst, std::size_t n);
void to_float_q5_1(const void* src, float* dst, std::size_t n);
void to_float_q8_0(const void* src, float* dst, std::size_t n);
void to_float_iq4_nl(const void* src, float* dst, std::size_t n);
void to_float_q4_k(const void* src, float* dst, std::size_t n);
void to_float_q5_k(const void* src, float* dst, std::size_t n);
void to_float_q6_k(const void* src, float* dst, std::size_t n);
void to_float_iq4_xs(const void* src, float* dst, std::size_t n);
void from_float_f32(const float* src, void* dst, std::size_t n);
void from_float_f16(const float* src, void* dst, std::size_t n);
void from_float_bf16(const float* src, void* dst, std::size_t n);
void from_float_q8_0(const float* src, void* dst, std::size_t n);
void from_float_q8_1(const float* src, void* dst, std::size_t n);
void from_float_q8_k(const float* src, void* dst, std::size_t n);
}  // namespace ref

}  // namespace deepdesk::kernels
