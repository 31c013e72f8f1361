// SPDX-License-Identifier: GPL-3.0-or-later
// Element-type conversions between f32 and the 16-bit float formats stored in GGUF files.
// Each kernel has a scalar `_ref` and faster variants with the same signature; `convert_kernels()`
// returns the variant for the CPU's active ISA tier. Conversions are exact (f32 -> f16 rounds to
// nearest even), so every variant must match `_ref` bit for bit, NaNs excepted (NaN in, NaN out).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/cpu_features.h"

namespace deepdesk::kernels {

// One f16 value to f32 (exact).
float f16_to_f32(std::uint16_t h);
// One f32 value to f16, rounding to nearest even; overflow gives +-inf, NaN stays NaN.
std::uint16_t f32_to_f16(float f);
// One bf16 value to f32 (exact).
float bf16_to_f32(std::uint16_t b);
// One f32 value to bf16, rounding to nearest even; NaN stays NaN.
std::uint16_t f32_to_bf16(float f);

// src: (n) f16 bits; dst: (n) f32.
void f16_to_f32_ref(const std::uint16_t* src, float* dst, std::size_t n);
// src: (n) f32; dst: (n) f16 bits.
void f32_to_f16_ref(const float* src, std::uint16_t* dst, std::size_t n);
// src: (n) bf16 bits; dst: (n) f32.
void bf16_to_f32_ref(const std::uint16_t* src, float* dst, std::size_t n);

struct convert_kernel_set {
    isa_level isa;
    void (*f16_to_f32)(const std::uint16_t* src, float* dst, std::size_t n);
    void (*f32_to_f16)(const float* src, std::uint16_t* dst, std::size_t n);
    void (*bf16_to_f32)(const std::uint16_t* src, float* dst, std::size_t n);
};

// Every variant this CPU can run, the scalar reference first.
std::vector<convert_kernel_set> convert_variants();
// The variant for active_isa().
const convert_kernel_set& convert_kernels();

// x[i] = f16_to_f32(f32_to_f16(x[i])) for (n) floats, with the fast converters: values about to
// meet an f16 cache are rounded to f16 first, as the reference runtime does.
void round_through_f16(float* x, std::size_t n);

}  // namespace deepdesk::kernels
