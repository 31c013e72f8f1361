// SPDX-License-Identifier: GPL-3.0-or-later
// A tiny embedding model the tests write: llama architecture, a byte-level vocabulary (one token per
// byte, BOS, EOS), mean pooling, EOS added. Its attention and feed-forward outputs are zero, so a
// text's vector is the normalized mean of its bytes' (normed) embeddings: a crude but real bag of
// bytes, so texts that share bytes are near and the app's vector search can be tested end to end.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tests/support/gguf_writer.h"
#include "tests/support/scripted_chat_model.h"

namespace deepdesk::testing {

inline void write_byte_embedding_model(const std::string& path, int n_embd = 64, unsigned seed = 7) {
    enum : int { k_bos = 256, k_eos = 257, k_vocab = 258 };
    const int n_head = 2, n_ff = 32;
    gguf_writer w;
    const std::string a = "llama";
    w.add_string("general.architecture", a);
    w.add_string("general.name", "tiny byte embedder");
    w.add_u32(a + ".context_length", 4096);
    w.add_u32(a + ".embedding_length", static_cast<std::uint32_t>(n_embd));
    w.add_u32(a + ".block_count", 1);
    w.add_u32(a + ".feed_forward_length", n_ff);
    w.add_u32(a + ".attention.head_count", n_head);
    w.add_u32(a + ".attention.head_count_kv", n_head);
    w.add_u32(a + ".rope.dimension_count", static_cast<std::uint32_t>(n_embd / n_head));
    w.add_f32(a + ".rope.freq_base", 10000.0f);
    w.add_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    w.add_u32(a + ".pooling_type", 1);  // mean
    std::vector<std::string> tokens;
    std::vector<std::int32_t> types;
    for (unsigned b = 0; b < 256; ++b) {
        tokens.push_back(byte_token_text(b));
        types.push_back(1);
    }
    tokens.push_back("<s>");
    tokens.push_back("</s>");
    types.push_back(3);
    types.push_back(3);
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "deepseek-r1-qwen");
    w.add_string_array("tokenizer.ggml.tokens", tokens);
    w.add_array("tokenizer.ggml.token_type", 5, types);
    w.add_string_array("tokenizer.ggml.merges", {});
    w.add_u32("tokenizer.ggml.bos_token_id", k_bos);
    w.add_u32("tokenizer.ggml.eos_token_id", k_eos);
    w.add_bool("tokenizer.ggml.add_bos_token", true);
    w.add_bool("tokenizer.ggml.add_eos_token", true);

    std::mt19937 rng(seed);
    std::normal_distribution<float> normal(0.0f, 0.5f);
    auto random = [&](std::size_t n) {
        std::vector<float> v(n);
        for (auto& x : v) {
            x = normal(rng);
        }
        return v;
    };
    const auto e = static_cast<std::size_t>(n_embd);
    w.add_f32_tensor("token_embd.weight", {n_embd, k_vocab}, random(e * k_vocab));
    w.add_f32_tensor("output_norm.weight", {n_embd}, std::vector<float>(e, 1.0f));
    w.add_f32_tensor("output.weight", {n_embd, k_vocab}, random(e * k_vocab));
    w.add_f32_tensor("blk.0.attn_norm.weight", {n_embd}, std::vector<float>(e, 1.0f));
    w.add_f32_tensor("blk.0.attn_q.weight", {n_embd, n_embd}, random(e * e));
    w.add_f32_tensor("blk.0.attn_k.weight", {n_embd, n_embd}, random(e * e));
    w.add_f32_tensor("blk.0.attn_v.weight", {n_embd, n_embd}, random(e * e));
    w.add_f32_tensor("blk.0.attn_output.weight", {n_embd, n_embd}, std::vector<float>(e * e, 0.0f));
    w.add_f32_tensor("blk.0.ffn_norm.weight", {n_embd}, std::vector<float>(e, 1.0f));
    w.add_f32_tensor("blk.0.ffn_gate.weight", {n_embd, n_ff}, random(e * n_ff));
    w.add_f32_tensor("blk.0.ffn_up.weight", {n_embd, n_ff}, random(e * n_ff));
    w.add_f32_tensor("blk.0.ffn_down.weight", {n_ff, n_embd}, std::vector<float>(e * n_ff, 0.0f));
    w.write(path);
}

}  // namespace deepdesk::testing
