// SPDX-License-Identifier: GPL-3.0-or-later
// Operations shared by the architectures: normalisation, rotary embeddings, matrix products,
// attention over the f16 KV cache. Shapes are given as (outer, inner) with inner contiguous.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/tensor.h"
#include "engine/thread_pool.h"

namespace deepdesk::ops {

// y (n) = x / sqrt(mean(x^2) + eps) * w; y may alias x.
void rms_norm(const float* x, const float* w, float* y, std::int64_t n, float eps);

// Bytes of scratch a matmul of n_tokens needs (its quantized activations); never more than
// n_tokens * w.cols * 4.
std::size_t matmul_scratch_bytes(const weight_view& w, std::int64_t n_tokens);

// y (n_tokens, w.rows) = x (n_tokens, w.cols) * W^T, with the activations quantized per block as
// the weight type's dot product expects (kernels/quant_dot.h).
void matmul(const weight_view& w, const float* x, std::int64_t n_tokens, float* y, void* scratch, thread_pool& pool);

// y (n_tokens, n) += b (n).
void add_bias(float* y, const float* b, std::int64_t n_tokens, std::int64_t n);

// One row of any supported type to f32 (n elements).
void dequantize_row(const weight_view& w, std::int64_t r, float* dst);

enum class rope_style {
    adjacent,  // pairs (x[2i], x[2i+1]) (llama, deepseek2)
    neox,      // pairs (x[i], x[i + d/2]) (qwen2)
};

struct rope_params {
    int dims = 0;  // rotated dimensions per head (from the start of each head)
    float freq_base = 10000.0f;
    float position_scale = 1.0f;          // linear scaling: position * position_scale
    const float* freq_factors = nullptr;  // (dims / 2): theta_i is divided by these (rope_freqs)
    rope_style style = rope_style::adjacent;
};

// x (n_heads, head_dim) rotated in place for position `pos`.
void rope(float* x, int n_heads, int head_dim, std::int64_t pos, const rope_params& p);

// out (n) = silu(gate) * up.
void swiglu(const float* gate, const float* up, float* out, std::int64_t n);

// softmax over x (n) in place.
void softmax(float* x, std::int64_t n);

}  // namespace deepdesk::ops
