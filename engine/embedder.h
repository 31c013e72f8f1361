// SPDX-License-Identifier: GPL-3.0-or-later
// Text to one vector with an embedding model: a decoder-only embedder in a llama, qwen2 or qwen3
// file (Qwen3-Embedding and the like). The model's pooling over its last hidden states (after the
// output norm), L2-normalized, so the dot product of two vectors is their cosine.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model.h"
#include "engine/thread_pool.h"
#include "engine/tokenizer.h"

namespace deepdesk {

struct embedder_params {
    std::int64_t n_ctx = 2048;  // tokens per text at most; longer texts keep their start
    std::int64_t n_batch = 256;
    int n_threads = 0;  // 0: one per hardware thread
};

class embedder {
public:
    // Throws model_error when the file cannot embed: an architecture without a states output
    // (deepseek2) or a reranker (pooling "rank").
    explicit embedder(const model& m, embedder_params params = {});
    ~embedder();

    std::size_t dims() const { return static_cast<std::size_t>(m_model.config().n_embd); }
    // The pooling used: the file's, or the last token's for a decoder-only model that names none.
    pooling_type pooling() const { return m_pooling; }
    bool reads_text() const { return m_tok != nullptr; }  // false: a file without a vocabulary

    // The text as the model reads it: BOS and EOS where the file asks for them, cut to n_ctx.
    // Throws model_error when the file has no vocabulary.
    std::vector<std::int32_t> tokens_of(std::string_view text) const;
    // A search question as the model wants it: Qwen3-Embedding (qwen3) reads questions after a
    // one-line instruction, passages as they are; other models read both as they are.
    std::string query_text(std::string_view question) const;
    // A unit vector of dims() floats; empty when `cancel` was raised.
    std::vector<float> embed(std::string_view text, const std::atomic<bool>* cancel = nullptr);
    std::vector<float> embed_tokens(std::span<const std::int32_t> tokens, const std::atomic<bool>* cancel = nullptr);

private:
    const model& m_model;
    embedder_params m_params;
    pooling_type m_pooling = pooling_type::last;
    std::unique_ptr<tokenizer> m_tok;
    thread_pool m_pool;
    std::unique_ptr<run_state> m_state;
    std::vector<float> m_states;  // n_batch x n_embd
};

// What names an embedding model's vectors in a collection: the file's name and size, so the app
// and the CLI agree on the same file wherever it is, and another model (or quantization) differs.
std::string embedding_model_key(const std::string& path);

// Dot product of two vectors of the same length (the cosine of unit vectors).
float dot(std::span<const float> a, std::span<const float> b);

}  // namespace deepdesk
