// SPDX-License-Identifier: GPL-3.0-or-later
// A loaded model: its configuration, weight views into the mapped GGUF file, and the
// architecture code that runs it. Immutable once loaded; sessions hold the run state.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/gguf.h"
#include "engine/ops.h"
#include "engine/tensor.h"
#include "engine/thread_pool.h"

namespace deepdesk {

// A model file that cannot be used: names the file and what is wrong with it.
class model_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// GGUF's pooling types (the numbers are the file's).
enum class pooling_type { unspecified = -1, none = 0, mean = 1, cls = 2, last = 3, rank = 4 };

struct model_config {
    std::string architecture;  // general.architecture
    std::string name;          // general.name
    std::int64_t n_vocab = 0;
    std::int64_t n_ctx_train = 0;
    std::int64_t n_embd = 0;
    std::int64_t n_layer = 0;
    std::int64_t n_head = 0;
    std::int64_t n_head_kv = 0;
    std::int64_t head_dim = 0;  // key/value length per head
    std::int64_t n_ff = 0;
    float norm_eps = 1e-6f;
    ops::rope_params rope;  // freq_factors set when the model has rope_freqs
    std::int32_t bos_token = -1;
    std::int32_t eos_token = -1;
    bool add_bos = false;
    bool add_eos = false;  // tokenizer.ggml.add_eos_token (embedding models end their input with it)
    // {arch}.pooling_type: how an embedding model turns its states into one vector.
    pooling_type pooling = pooling_type::unspecified;
};

// Per-session mutable state an architecture needs (KV cache, activations).
class run_state {
public:
    virtual ~run_state() = default;
};

struct run_state_params {
    std::int64_t n_ctx = 4096;   // positions the KV cache holds
    std::int64_t n_batch = 256;  // tokens evaluated per forward call, at most
    int n_threads = 1;
};

class model;

// What each architecture implements (engine/models/<arch>.cpp).
class architecture_impl {
public:
    virtual ~architecture_impl() = default;
    virtual std::unique_ptr<run_state> make_state(const run_state_params& params) const = 0;
    // Evaluates tokens at positions [pos, pos + tokens.size()) (at most n_batch of them), updating
    // the cache; writes the last token's logits (n_vocab) to `logits`. Returns false, leaving the
    // logits unset, when `cancel` is raised (polled between layers).
    virtual bool forward(run_state& state, std::span<const std::int32_t> tokens, std::int64_t pos, float* logits,
                         thread_pool& pool, const std::atomic<bool>* cancel) const = 0;
    // Like forward(), but writes every token's last hidden state after the output norm
    // (tokens.size() x n_embd) instead of logits: what embedding models pool. Architectures without
    // it throw model_error.
    virtual bool forward_states(run_state& state, std::span<const std::int32_t> tokens, std::int64_t pos, float* states,
                                thread_pool& pool, const std::atomic<bool>* cancel) const;
    // Bytes the KV cache keeps per token over all layers.
    virtual std::uint64_t kv_bytes_per_token() const = 0;
};

class model {
public:
    // Opens and validates a GGUF model. Throws model_error or gguf::gguf_error.
    static std::unique_ptr<model> load(const std::string& path);

    const model_config& config() const { return m_config; }
    const gguf::model_file& file() const { return *m_file; }
    const architecture_impl& impl() const { return *m_impl; }
    const std::string& path() const { return m_path; }

    // Parameters stored in the file (elements of all tensors).
    std::uint64_t parameter_count() const;

    // Tensor look-ups used by the architecture loaders; the errors name the file and tensor.
    const gguf::tensor_info& tensor(const std::string& name) const;
    const gguf::tensor_info* find_tensor(const std::string& name) const;
    // A 2-D weight (rows, cols), checked against the expected shape and the supported types.
    weight_view matrix(const std::string& name, std::int64_t cols, std::int64_t rows) const;
    // A 3-D weight (count, rows, cols) as `count` 2-D slices (the experts of a MoE layer, the heads
    // of attn_k_b), checked like matrix().
    std::vector<weight_view> matrices(const std::string& name, std::int64_t cols, std::int64_t rows,
                                      std::int64_t count) const;
    // A 1-D tensor of `n` values as f32 (copied: norms and biases are small).
    std::vector<float> vector(const std::string& name, std::int64_t n) const;
    [[noreturn]] void fail(const std::string& problem) const;

    // Used by the loaders.
    model_config& mutable_config() { return m_config; }
    std::vector<float>& storage() { return m_storage; }

private:
    std::string m_path;
    std::unique_ptr<gguf::model_file> m_file;
    model_config m_config;
    std::unique_ptr<architecture_impl> m_impl;
    std::vector<float> m_storage;  // rope frequency factors
};

// Architecture loaders (engine/models/*.cpp): read the configuration and weights.
std::unique_ptr<architecture_impl> load_llama(model& m);
std::unique_ptr<architecture_impl> load_qwen2(model& m);
std::unique_ptr<architecture_impl> load_qwen3(model& m);
std::unique_ptr<architecture_impl> load_deepseek2(model& m);

}  // namespace deepdesk
