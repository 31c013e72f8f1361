// SPDX-License-Identifier: GPL-3.0-or-later
// Operations shared by the architectures: normalisation, rotary embeddings, matrix products,
// attention over the f16 KV cache. Shapes are given as (outer, inner) with inner contiguous.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "engine/tensor.h"
#include "engine/tensor_types.h"
#include "engine/thread_pool.h"

namespace deepdesk::ops {

// y (n) = x / sqrt(mean(x^2) + eps) * w; y may alias x.
void rms_norm(const float* x, const float* w, float* y, std::int64_t n, float eps);

// The input of one or more matmuls, quantized per block as each weight type's dot product expects
// (kernels/quant_dot.h). Matmuls that read the same input with weights taking the same
// activation type (q/k/v, gate/up) share one quantization.
class matmul_input {
public:
    // buffer: at least n_tokens * cols * 4 bytes for the largest input it will hold.
    explicit matmul_input(void* buffer) : m_buffer(static_cast<std::uint8_t*>(buffer)) {}

    // x (n_tokens, cols) is the input of the matmuls that follow, until the next set().
    void set(const float* x, std::int64_t n_tokens, std::int64_t cols);
    // x quantized for `weight` (quantized on first use for each activation type).
    // Quantized on the pool's threads, a share of the tokens each.
    const std::uint8_t* quantized_for(tensor_type weight, thread_pool& pool);
    // The first n_tokens / 16 * 16 tokens quantized for `weight` and packed for its sixteen-row
    // kernel (kernels/gemm_amx.h), made on first use for each activation type, on the pool's threads.
    // 64-byte aligned: the kernels load whole cache lines of it (a line split costs two loads).
    const std::uint8_t* packed_for_gemm16(tensor_type weight, thread_pool& pool);

    std::int64_t n_tokens() const { return m_n_tokens; }
    std::int64_t cols() const { return m_cols; }

private:
    std::uint8_t* m_buffer;
    const float* m_x = nullptr;
    std::int64_t m_n_tokens = 0;
    std::int64_t m_cols = 0;
    bool m_valid = false;
    tensor_type m_type = tensor_type::f32;  // activation type the buffer holds when valid
    std::vector<std::uint8_t> m_packed;     // 63 bytes more than the packing, for alignment
    bool m_packed_valid = false;
    tensor_type m_packed_type = tensor_type::f32;
};

// y (in.n_tokens(), w.rows) = in (n_tokens, w.cols) * W^T.
void matmul(const weight_view& w, matmul_input& in, float* y, thread_pool& pool);
// Several matmuls with different weights and inputs in one parallel pass (the experts of a MoE
// layer): for each job, y(t) (w->rows) = W * x(t) (w->cols) for t < n_tokens, where x(t) = x + t *
// x_stride and y(t) = y + t * y_stride (0: the rows are contiguous). `act` holds the quantized
// inputs (grown as needed).
struct matmul_job {
    const weight_view* w;
    const float* x;
    std::int64_t n_tokens;
    float* y;
    std::int64_t x_stride = 0, y_stride = 0;
};
void matmul_batch(std::span<const matmul_job> jobs, std::vector<std::uint8_t>& act, thread_pool& pool);

// One matmul per head in a single parallel pass (MLA's per-head projections): for every head h
// and token t, y(t, h) (w[h].rows) = w[h] * x(t, h) (w[h].cols), where x(t, h) = x + t *
// x_token_stride + h * x_head_stride, and likewise y.
void matmul_heads(const std::vector<weight_view>& w, const float* x, std::int64_t x_token_stride,
                  std::int64_t x_head_stride, std::int64_t n_tokens, float* y, std::int64_t y_token_stride,
                  std::int64_t y_head_stride, std::vector<std::uint8_t>& act, thread_pool& pool);

// With DEEPDESK_TRACE set in the environment, prints `name` and the (rows, cols) values at `x` to
// stderr as the reference runtime's llama-eval-callback prints a tensor (the first and last three
// of each row, and the sum of all), so that a forward pass can be compared op by op.
void trace(const char* name, std::int64_t layer, const float* x, std::int64_t rows, std::int64_t cols);

// Bytes of weight matrices matmul() has read since the program started (over all threads): what
// a forward pass touches, e.g. only the chosen experts of a MoE layer.
std::uint64_t weight_bytes_read();
// Adds weights read by other means (the f32 per-head matrices of MLA attention).
void count_weight_bytes(std::uint64_t bytes);

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
    // YaRN (deepseek2): when yarn_freq_scale > 0, each pair's angle blends the interpolated
    // (position * yarn_freq_scale) and the original angle by a ramp over the pairs between
    // yarn_low and yarn_high. The output is not scaled (DeepSeek's mscale goes into the scores).
    float yarn_freq_scale = 0.0f;
    float yarn_low = 0.0f, yarn_high = 0.0f;
    // Dense models with YaRN (R1-0528-Qwen3-8B): the rotated queries and keys are scaled by
    // attn_factor * (1 + 0.1 ln factor); with every dimension rotated that is this factor on the
    // attention scores (its square), applied there.
    float yarn_score_scale = 1.0f;
};

// YaRN's ramp bounds for `dims` rotated dimensions trained on `n_ctx_orig` positions (beta_fast 32,
// beta_slow 1): sets p.yarn_low / p.yarn_high.
void set_yarn(rope_params& p, float factor, std::int64_t n_ctx_orig);

// The rotation of every pair for position `pos`: cos_sin (dims / 2, 2) = {cos, sin}. The same for
// queries and keys of every layer, so it is computed once per position.
void rope_angles(std::int64_t pos, const rope_params& p, float* cos_sin);

// x (n_heads, head_dim) rotated in place by angles from rope_angles.
void rope(float* x, int n_heads, int head_dim, const float* cos_sin, const rope_params& p);

// The SwiGLU feed-forward: out (n_tokens, down.rows) = down(silu(gate x) * up x) for x (n_tokens,
// gate.cols). `in` is the matmul input the call uses (its buffer, not its contents); gate_buf and
// up_buf hold n_tokens * gate.rows values.
void swiglu_ffn(const weight_view& gate, const weight_view& up, const weight_view& down, const float* x,
                std::int64_t n_tokens, matmul_input& in, float* gate_buf, float* up_buf, float* out, thread_pool& pool);

// out (n) = silu(gate) * up.
void swiglu(const float* gate, const float* up, float* out, std::int64_t n);

// Softmax over a query's scores against positions 0..n-1, as the reference runtime computes it
// over its cache view padded with masked (-inf) positions: scores must have room for n rounded up
// to k_score_pad values.
constexpr std::int64_t k_score_pad = 16;
void attention_softmax(float* scores, std::int64_t n);
// softmax over x (n) in place.
void softmax(float* x, std::int64_t n);

}  // namespace deepdesk::ops
