// SPDX-License-Identifier: GPL-3.0-or-later
// The pre-norm decoder-only transformer of the llama family: RMSNorm, rotary attention with
// grouped KV heads (optional q/k/v biases, optional per-head RMSNorm of q and k before the
// rotation), SwiGLU feed-forward. llama, qwen2 and qwen3 run on it.
#pragma once

#include <string>
#include <vector>

#include "engine/model.h"

namespace deepdesk::models {

struct dense_layer {
    std::vector<float> attn_norm;       // (n_embd)
    weight_view wq;                     // (n_head * head_dim, n_embd)
    weight_view wk;                     // (n_head_kv * head_dim, n_embd)
    weight_view wv;                     // (n_head_kv * head_dim, n_embd)
    weight_view wo;                     // (n_embd, n_head * head_dim)
    std::vector<float> bq, bk, bv;      // empty, or (n_head * head_dim) / (n_head_kv * head_dim)
    std::vector<float> q_norm, k_norm;  // empty, or (head_dim): qwen3's per-head RMSNorm
    std::vector<float> ffn_norm;        // (n_embd)
    weight_view w_gate;                 // (n_ff, n_embd)
    weight_view w_up;                   // (n_ff, n_embd)
    weight_view w_down;                 // (n_embd, n_ff)
};

struct dense_weights {
    weight_view token_embd;          // (n_vocab, n_embd)
    weight_view output;              // (n_vocab, n_embd); token_embd when tied
    std::vector<float> output_norm;  // (n_embd)
    std::vector<dense_layer> layers;
};

// Metadata integer under "<arch>.<key>" (a per-layer array is accepted when all layers agree);
// `fallback` when absent and fallback >= 0, else an error naming the key.
std::int64_t hparam(const model& m, const std::string& arch, const std::string& key, std::int64_t fallback = -1);

// Reads the hyper-parameters every llama-family GGUF carries under "<arch>.".
void read_dense_config(model& m, const std::string& arch);

// Loads the weights of a dense decoder; `qkv_bias` requires the attn_{q,k,v}.bias tensors,
// `qk_norm` the attn_{q,k}_norm.weight ones.
dense_weights load_dense_weights(const model& m, bool qkv_bias, bool qk_norm = false);

struct dense_state;

class dense_decoder : public architecture_impl {
public:
    dense_decoder(const model& m, dense_weights weights) : m_config(m.config()), m_w(std::move(weights)) {}

    std::unique_ptr<run_state> make_state(const run_state_params& params) const override;
    bool forward(run_state& state, std::span<const std::int32_t> tokens, std::int64_t pos, float* logits,
                 thread_pool& pool, const std::atomic<bool>* cancel) const override;
    bool forward_states(run_state& state, std::span<const std::int32_t> tokens, std::int64_t pos, float* states,
                        thread_pool& pool, const std::atomic<bool>* cancel) const override;
    std::uint64_t kv_bytes_per_token() const override;

private:
    // The layers over `tokens`, leaving the residual stream (before the output norm) in the state.
    bool run_layers(dense_state& s, std::span<const std::int32_t> tokens, std::int64_t pos, thread_pool& pool,
                    const std::atomic<bool>* cancel) const;

    const model_config& m_config;
    dense_weights m_w;
};

}  // namespace deepdesk::models
