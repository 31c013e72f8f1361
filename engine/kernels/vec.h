// SPDX-License-Identifier: GPL-3.0-or-later
// Vector kernels of attention over the f16 KV cache: a scalar `_ref` and faster variants with the
// same signature, picked by vec_kernels() for the active ISA tier. The fast variants sum in a
// different order, so they agree with the reference to float rounding, not bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/cpu_features.h"

namespace deepdesk::kernels {

// sum_i a[i] * f16(b[i]); a: (n) f32, b: (n) f16 bits.
float dot_f32_f16_ref(const float* a, const std::uint16_t* b, std::size_t n);
// y[i] += alpha * f16(x[i]); x: (n) f16 bits, y: (n) f32.
void axpy_f16_ref(float alpha, const std::uint16_t* x, float* y, std::size_t n);

// out[j] = dot_f32_f16(a, b + j * b_stride, n) for j < rows: the attention scores of one query
// against a run of cached keys.
void dot_rows_f16_ref(const float* a, const std::uint16_t* b, std::size_t b_stride, std::size_t rows, std::size_t n,
                      float* out);
// axpy_f16(w[j], x + j * x_stride, y, n) for j = 0, 1, ..., rows - 1 in that order: the
// probability-weighted sum of a run of cached values.
void weighted_sum_f16_ref(const float* w, const std::uint16_t* x, std::size_t x_stride, std::size_t rows, std::size_t n,
                          float* y);

// x[i] = exp(x[i] - max) for i < n; returns the sum of the new x in double.
double exp_sum_ref(float* x, std::size_t n, float max);
// out[i] = g[i] / (1 + exp(-g[i])) * u[i] (SiLU of the gate times the up projection).
void silu_mul_ref(const float* g, const float* u, float* out, std::size_t n);

void attn_scores_ref(const float* q, const std::uint16_t* k, std::size_t k_stride, std::size_t rows, std::size_t n,
                     float* out, bool batch);
void attn_values_ref(const float* p, const std::uint16_t* v, std::size_t v_stride, std::size_t rows, std::size_t n_kv,
                     std::size_t n, float* y, bool batch);

struct vec_kernel_set {
    isa_level isa;
    float (*dot_f32_f16)(const float* a, const std::uint16_t* b, std::size_t n);
    void (*axpy_f16)(float alpha, const std::uint16_t* x, float* y, std::size_t n);
    // The same floats as calling this set's dot_f32_f16 / axpy_f16 row by row, bit for bit.
    void (*dot_rows_f16)(const float* a, const std::uint16_t* b, std::size_t b_stride, std::size_t rows, std::size_t n,
                         float* out);
    void (*weighted_sum_f16)(const float* w, const std::uint16_t* x, std::size_t x_stride, std::size_t rows,
                             std::size_t n, float* y);
    // Softmax's exponentials and SiLU as the reference runtime computes them on this tier, bit for
    // bit: its vector exponential (a polynomial with a 2^n scale, 8 lanes on AVX2, 16 on AVX-512)
    // over whole vectors, the C library's expf for what is left, and the softmax sum added up one
    // vector at a time (lanes in the order the tier's horizontal add takes them) in double. For
    // softmax, callers pad n to a multiple of 16 with -inf (a zero after exp), as the reference's
    // padded cache view does.
    double (*exp_sum)(float* x, std::size_t n, float max);
    void (*silu_mul)(const float* g, const float* u, float* out, std::size_t n);
    // Attention's two sums in the reference runtime's order on this tier, bit for bit (see
    // attention_order below): out[j] = q . k_j over n values for j < rows, and
    // y[d] = sum_j p[j] v_j[d] over j < rows for d < n (y is written, not added to). `n_kv`: the
    // reference's cache view length (rows rounded up to 32), which sets the single-token order.
    void (*attn_scores)(const float* q, const std::uint16_t* k, std::size_t k_stride, std::size_t rows, std::size_t n,
                        float* out, bool batch);
    void (*attn_values)(const float* p, const std::uint16_t* v, std::size_t v_stride, std::size_t rows,
                        std::size_t n_kv, std::size_t n, float* y, bool batch);
};

// The order of attention's sums in the reference runtime (ggml's CPU backend), W = 8 lanes on AVX2
// and 16 on AVX-512:
//  - a prompt batch (two tokens or more) goes through its blocked GEMM: each sum is a W-lane
//    accumulation (lane i takes terms i, i + W, ...) reduced by halves at the end;
//  - one token goes through its f16 dot product: four W-lane accumulators over steps of 4W terms
//    (accumulator a, lane i takes terms 4Wm + Wa + i), added 0+2, 1+3, then 0+1, then reduced across
//    lanes (AVX-512 by halves; AVX2 by the 128-bit halves and two horizontal adds); the terms past
//    the last whole step are added one by one in double. For the values the terms run over the
//    reference's padded view of n_kv positions, whose probabilities past `rows` are zero.
// The scalar tier sums in plain order. Scores need n a multiple of W for the batch order; values
// need n a multiple of the tier's vector width (head sizes are); otherwise the scalar order is used.

// Every variant this CPU runs, the reference first.
std::vector<vec_kernel_set> vec_variants();
// The variant for active_isa().
const vec_kernel_set& vec_kernels();

}  // namespace deepdesk::kernels
