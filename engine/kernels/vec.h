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

struct vec_kernel_set {
    isa_level isa;
    float (*dot_f32_f16)(const float* a, const std::uint16_t* b, std::size_t n);
    void (*axpy_f16)(float alpha, const std::uint16_t* x, float* y, std::size_t n);
    // The same floats as calling this set's dot_f32_f16 / axpy_f16 row by row, bit for bit.
    void (*dot_rows_f16)(const float* a, const std::uint16_t* b, std::size_t b_stride, std::size_t rows, std::size_t n,
                         float* out);
    void (*weighted_sum_f16)(const float* w, const std::uint16_t* x, std::size_t x_stride, std::size_t rows,
                             std::size_t n, float* y);
};

// Every variant this CPU runs, the reference first.
std::vector<vec_kernel_set> vec_variants();
// The variant for active_isa().
const vec_kernel_set& vec_kernels();

}  // namespace deepdesk::kernels
