// SPDX-License-Identifier: GPL-3.0-or-later
// Writes a GGUF model with random weights shaped like
//  - q4_k_m, q8_0: DeepSeek-R1-Distill-Qwen-1.5B (qwen2; vocabulary 151,669, hidden 1536, 28
//    layers, 12 heads / 2 KV heads of 128, FFN 8960), in the tensor type mix of a Q4_K_M file or
//    all Q8_0;
//  - v2-lite-q4_k_m: DeepSeek-V2-Lite (deepseek2; vocabulary 102,400, hidden 2048, 27 layers, 16
//    heads, kv_lora 512, rope 64, 64 experts with 6 used and 2 shared of width 1408, one dense
//    layer of 10,944), with attn_k_b/attn_v_b, in llama.cpp's Q4_K_M mix (rows whose length is
//    not a multiple of 256 fall back to Q5_0, or Q8_0 where Q6_K was meant).
//  - qwen3-8b-q4_k_m: DeepSeek-R1-0528-Qwen3-8B (qwen3; vocabulary 151,936, hidden 4096, 36
//    layers, 32 heads / 8 KV heads of 128 with q/k norms, FFN 12,288, YaRN x4 over 32K) in the
//    Q4_K_M mix.
//  - llm-7b-q4_k_m: DeepSeek LLM 7B (llama; vocabulary 102,400, hidden 4096, 30 layers, 32 heads
//    of 128, FFN 11,008, no biases) in the Q4_K_M mix.
//  - llama-f32, qwen2-f32, deepseek2-f32: small models in F32 (hidden 512, rows of multiples of
//    256 so that every K-quant fits), for quantizing with llama-quantize and comparing logits with
//    llama.cpp type by type (vs_llama.py logits); deepseek2-f32 has the attn_kv_b layout, which
//    both llama.cpp builds read, the query's low rank, one leading dense layer and DeepSeekMoE
//    layers after it. qwen3-embed-f32 is shaped as Qwen3-Embedding (last-token pooling, EOS added),
//    to compare embeddings with llama.cpp's.
// Speed does not depend on the values, so `deepdesk-cli bench` on it measures what a real file
// of that shape would give.
//   make_bench_model OUT.gguf q4_k_m|q8_0|v2-lite-q4_k_m|qwen3-8b-q4_k_m|llm-7b-q4_k_m|llama-f32|qwen2-f32|
//                    deepseek2-f32|qwen3-embed-f32
//                    [layers]
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/scripted_chat_model.h"
#include "tests/support/tiny_models.h"

namespace {

using deepdesk::tensor_type;

struct tensor_plan {
    std::string name;
    tensor_type type;
    std::int64_t cols, rows;  // rows == 0: a vector of `cols`
    std::int64_t slices = 0;  // > 0: a 3-D tensor of `slices` (rows, cols) matrices
};

bool more_bits(int layer, int n_layer);

// The type llama.cpp uses for a row of `cols` when `want` (a K-quant) does not fit it.
tensor_type fitting(tensor_type want, std::int64_t cols) {
    if (cols % 256 == 0) {
        return want;
    }
    return want == tensor_type::q6_k ? tensor_type::q8_0 : tensor_type::q5_0;
}

std::vector<tensor_plan> v2_lite_plan(int n_layer) {
    const std::int64_t n_vocab = 102400, n_embd = 2048, n_ff = 10944, n_head = 16, kv_lora = 512, rope = 64, nope = 128,
                       v_dim = 128, n_expert = 64, ff_exp = 1408, n_shared = 2;
    const tensor_type q4 = tensor_type::q4_k, q6 = tensor_type::q6_k, f32 = tensor_type::f32;
    std::vector<tensor_plan> plan;
    plan.push_back({"token_embd.weight", q4, n_embd, n_vocab});
    plan.push_back({"output_norm.weight", f32, n_embd, 0});
    plan.push_back({"output.weight", q6, n_embd, n_vocab});
    for (int l = 0; l < n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        const bool mb = more_bits(l, n_layer);
        plan.push_back({p + "attn_norm.weight", f32, n_embd, 0});
        plan.push_back({p + "attn_q.weight", q4, n_embd, n_head * (nope + rope)});
        plan.push_back({p + "attn_kv_a_mqa.weight", q4, n_embd, kv_lora + rope});
        plan.push_back({p + "attn_kv_a_norm.weight", f32, kv_lora, 0});
        plan.push_back({p + "attn_k_b.weight", fitting(q4, nope), nope, kv_lora, n_head});
        plan.push_back({p + "attn_v_b.weight", mb ? q6 : q4, kv_lora, v_dim, n_head});
        plan.push_back({p + "attn_output.weight", q4, n_head * v_dim, n_embd});
        plan.push_back({p + "ffn_norm.weight", f32, n_embd, 0});
        if (l == 0) {
            plan.push_back({p + "ffn_gate.weight", q4, n_embd, n_ff});
            plan.push_back({p + "ffn_up.weight", q4, n_embd, n_ff});
            plan.push_back({p + "ffn_down.weight", fitting(mb ? q6 : q4, n_ff), n_ff, n_embd});
            continue;
        }
        plan.push_back({p + "ffn_gate_inp.weight", f32, n_embd, n_expert});
        plan.push_back({p + "ffn_gate_exps.weight", q4, n_embd, ff_exp, n_expert});
        plan.push_back({p + "ffn_up_exps.weight", q4, n_embd, ff_exp, n_expert});
        plan.push_back({p + "ffn_down_exps.weight", fitting(mb ? q6 : q4, ff_exp), ff_exp, n_embd, n_expert});
        plan.push_back({p + "ffn_gate_shexp.weight", q4, n_embd, ff_exp * n_shared});
        plan.push_back({p + "ffn_up_shexp.weight", q4, n_embd, ff_exp * n_shared});
        plan.push_back({p + "ffn_down_shexp.weight", mb ? q6 : q4, ff_exp * n_shared, n_embd});
    }
    return plan;
}

// A byte-level BPE vocabulary of n_vocab tokens, so that llama.cpp loads the file too (vs_llama.py
// bench): the 256 byte tokens, a few merged ones, placeholders for the rest, and BOS/EOS as
// control tokens. Text tokenizes into bytes and those few merges; speed does not depend on it.
void add_vocab(deepdesk::testing::gguf_writer& h, std::int64_t n_vocab, const std::string& pre, std::int32_t bos,
               std::int32_t eos) {
    std::vector<std::string> tokens;
    std::vector<std::int32_t> types;
    for (unsigned b = 0; b < 256; ++b) {
        tokens.push_back(deepdesk::testing::byte_token_text(b));
        types.push_back(1);
    }
    const std::vector<std::string> merges = {"Ġ t", "h e", "Ġt he", "i n", "e r"};
    for (const auto& m : merges) {
        tokens.push_back(m.substr(0, m.find(' ')) + m.substr(m.find(' ') + 1));
        types.push_back(1);
    }
    while (static_cast<std::int64_t>(tokens.size()) < n_vocab) {
        const auto id = static_cast<std::int32_t>(tokens.size());
        tokens.push_back(id == bos ? "<|bos|>" : id == eos ? "<|eos|>" : "<tok" + std::to_string(id) + ">");
        types.push_back(id == bos || id == eos ? 3 : 1);
    }
    h.add_string("tokenizer.ggml.model", "gpt2");
    h.add_string("tokenizer.ggml.pre", pre);
    h.add_string_array("tokenizer.ggml.tokens", tokens);
    h.add_array("tokenizer.ggml.token_type", 5, types);
    h.add_string_array("tokenizer.ggml.merges", merges);
    h.add_u32("tokenizer.ggml.bos_token_id", static_cast<std::uint32_t>(bos));
    h.add_u32("tokenizer.ggml.eos_token_id", static_cast<std::uint32_t>(eos));
}

void v2_lite_header(deepdesk::testing::gguf_writer& h, int n_layer) {
    const std::string a = "deepseek2";
    h.add_string("general.architecture", a);
    h.add_string("general.name", "bench-deepseek-v2-lite-shape-q4_k_m");
    h.add_u32(a + ".context_length", 163840);
    h.add_u32(a + ".embedding_length", 2048);
    h.add_u32(a + ".block_count", static_cast<std::uint32_t>(n_layer));
    h.add_u32(a + ".feed_forward_length", 10944);
    h.add_u32(a + ".attention.head_count", 16);
    h.add_u32(a + ".attention.head_count_kv", 1);
    h.add_f32(a + ".rope.freq_base", 10000.0f);
    h.add_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    h.add_u32(a + ".leading_dense_block_count", 1);
    h.add_u32(a + ".attention.kv_lora_rank", 512);
    h.add_u32(a + ".attention.key_length", 576);
    h.add_u32(a + ".attention.value_length", 512);
    h.add_u32(a + ".attention.key_length_mla", 192);
    h.add_u32(a + ".attention.value_length_mla", 128);
    h.add_u32(a + ".rope.dimension_count", 64);
    h.add_u32(a + ".expert_count", 64);
    h.add_u32(a + ".expert_used_count", 6);
    h.add_u32(a + ".expert_shared_count", 2);
    h.add_u32(a + ".expert_feed_forward_length", 1408);
    h.add_u32(a + ".expert_gating_func", 1);
    h.add_bool(a + ".expert_weights_norm", false);
    h.add_f32(a + ".expert_weights_scale", 1.0f);
    h.add_string(a + ".rope.scaling.type", "yarn");
    h.add_f32(a + ".rope.scaling.factor", 40.0f);
    h.add_u32(a + ".rope.scaling.original_context_length", 4096);
    h.add_f32(a + ".rope.scaling.yarn_log_multiplier", 0.0707f);
    add_vocab(h, 102400, "deepseek-llm", 100000, 100001);
}

// The small F32 models for fidelity checks (see the top of the file).
constexpr std::int64_t fid_vocab = 32256, fid_embd = 512, fid_ff = 1536, fid_head = 8, fid_kv = 4, fid_hd = 64;
constexpr std::int64_t fid_q_lora = 512, fid_kv_lora = 256, fid_nope = 128, fid_rope = 64, fid_v = 128, fid_expert = 8,
                       fid_exp_ff = 512;

std::vector<tensor_plan> fidelity_plan(const std::string& arch, int n_layer) {
    const tensor_type f32 = tensor_type::f32;
    std::vector<tensor_plan> plan;
    plan.push_back({"token_embd.weight", f32, fid_embd, fid_vocab});
    plan.push_back({"output_norm.weight", f32, fid_embd, 0});
    plan.push_back({"output.weight", f32, fid_embd, fid_vocab});
    for (int l = 0; l < n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        plan.push_back({p + "attn_norm.weight", f32, fid_embd, 0});
        plan.push_back({p + "ffn_norm.weight", f32, fid_embd, 0});
        if (arch == "deepseek2") {
            // llama.cpp takes a deepseek2 model of other than 27 layers for a full one, whose
            // query goes through a low rank.
            plan.push_back({p + "attn_q_a.weight", f32, fid_embd, fid_q_lora});
            plan.push_back({p + "attn_q_a_norm.weight", f32, fid_q_lora, 0});
            plan.push_back({p + "attn_q_b.weight", f32, fid_q_lora, fid_head * (fid_nope + fid_rope)});
            plan.push_back({p + "attn_kv_a_mqa.weight", f32, fid_embd, fid_kv_lora + fid_rope});
            plan.push_back({p + "attn_kv_a_norm.weight", f32, fid_kv_lora, 0});
            plan.push_back({p + "attn_kv_b.weight", f32, fid_kv_lora, fid_head * (fid_nope + fid_v)});
            plan.push_back({p + "attn_output.weight", f32, fid_head * fid_v, fid_embd});
            if (l == 0) {
                plan.push_back({p + "ffn_gate.weight", f32, fid_embd, fid_ff});
                plan.push_back({p + "ffn_up.weight", f32, fid_embd, fid_ff});
                plan.push_back({p + "ffn_down.weight", f32, fid_ff, fid_embd});
                continue;
            }
            plan.push_back({p + "ffn_gate_inp.weight", f32, fid_embd, fid_expert});
            plan.push_back({p + "ffn_gate_exps.weight", f32, fid_embd, fid_exp_ff, fid_expert});
            plan.push_back({p + "ffn_up_exps.weight", f32, fid_embd, fid_exp_ff, fid_expert});
            plan.push_back({p + "ffn_down_exps.weight", f32, fid_exp_ff, fid_embd, fid_expert});
            plan.push_back({p + "ffn_gate_shexp.weight", f32, fid_embd, fid_exp_ff});
            plan.push_back({p + "ffn_up_shexp.weight", f32, fid_embd, fid_exp_ff});
            plan.push_back({p + "ffn_down_shexp.weight", f32, fid_exp_ff, fid_embd});
            continue;
        }
        plan.push_back({p + "attn_q.weight", f32, fid_embd, fid_head * fid_hd});
        plan.push_back({p + "attn_k.weight", f32, fid_embd, fid_kv * fid_hd});
        plan.push_back({p + "attn_v.weight", f32, fid_embd, fid_kv * fid_hd});
        if (arch == "qwen3") {
            plan.push_back({p + "attn_q_norm.weight", f32, fid_hd, 0});
            plan.push_back({p + "attn_k_norm.weight", f32, fid_hd, 0});
        }
        if (arch == "qwen2") {
            plan.push_back({p + "attn_q.bias", f32, fid_head * fid_hd, 0});
            plan.push_back({p + "attn_k.bias", f32, fid_kv * fid_hd, 0});
            plan.push_back({p + "attn_v.bias", f32, fid_kv * fid_hd, 0});
        }
        plan.push_back({p + "attn_output.weight", f32, fid_head * fid_hd, fid_embd});
        plan.push_back({p + "ffn_gate.weight", f32, fid_embd, fid_ff});
        plan.push_back({p + "ffn_up.weight", f32, fid_embd, fid_ff});
        plan.push_back({p + "ffn_down.weight", f32, fid_ff, fid_embd});
    }
    return plan;
}

void fidelity_header(deepdesk::testing::gguf_writer& h, const std::string& a, int n_layer) {
    h.add_string("general.architecture", a);
    h.add_string("general.name", a == "qwen3" ? "fidelity-qwen3-embedding-f32" : "fidelity-" + a + "-f32");
    h.add_u32(a + ".context_length", 4096);
    h.add_u32(a + ".embedding_length", static_cast<std::uint32_t>(fid_embd));
    h.add_u32(a + ".block_count", static_cast<std::uint32_t>(n_layer));
    h.add_u32(a + ".feed_forward_length", static_cast<std::uint32_t>(fid_ff));
    h.add_u32(a + ".attention.head_count", static_cast<std::uint32_t>(fid_head));
    h.add_f32(a + ".rope.freq_base", 10000.0f);
    h.add_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    if (a == "deepseek2") {
        h.add_u32(a + ".attention.head_count_kv", static_cast<std::uint32_t>(fid_head));
        h.add_u32(a + ".leading_dense_block_count", 1);
        h.add_u32(a + ".attention.q_lora_rank", static_cast<std::uint32_t>(fid_q_lora));
        h.add_u32(a + ".attention.kv_lora_rank", static_cast<std::uint32_t>(fid_kv_lora));
        h.add_u32(a + ".attention.key_length", static_cast<std::uint32_t>(fid_nope + fid_rope));
        h.add_u32(a + ".attention.value_length", static_cast<std::uint32_t>(fid_v));
        h.add_u32(a + ".rope.dimension_count", static_cast<std::uint32_t>(fid_rope));
        h.add_u32(a + ".expert_count", static_cast<std::uint32_t>(fid_expert));
        h.add_u32(a + ".expert_used_count", 2);
        h.add_u32(a + ".expert_shared_count", 1);
        h.add_u32(a + ".expert_feed_forward_length", static_cast<std::uint32_t>(fid_exp_ff));
        h.add_u32(a + ".expert_gating_func", 1);
        h.add_bool(a + ".expert_weights_norm", false);
        h.add_f32(a + ".expert_weights_scale", 1.0f);
        h.add_f32(a + ".rope.scaling.yarn_log_multiplier", 0.0707f);  // required; no scaling here
        add_vocab(h, fid_vocab, "deepseek-llm", 32000, 32001);
        return;
    }
    h.add_u32(a + ".attention.head_count_kv", static_cast<std::uint32_t>(fid_kv));
    if (a == "qwen3") {  // shaped as Qwen3-Embedding: the last token pooled, EOS added, no BOS
        h.add_u32(a + ".pooling_type", 3);
        h.add_bool("tokenizer.ggml.add_bos_token", false);
        h.add_bool("tokenizer.ggml.add_eos_token", true);
    }
    add_vocab(h, fid_vocab, a == "llama" ? "deepseek-llm" : "qwen2", 32000, 32001);
}

// llama.cpp's Q4_K_M keeps more bits in the first and last eighth of the layers and every third one
// between them for attn_v and ffn_down.
bool more_bits(int layer, int n_layer) {
    return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr,
                     "usage: make_bench_model OUT.gguf "
                     "q4_k_m|q8_0|v2-lite-q4_k_m|qwen3-8b-q4_k_m|llm-7b-q4_k_m|llama-f32|qwen2-f32|deepseek2-f32|"
                     "qwen3-embed-f32 [layers]\n");
        return 2;
    }
    const std::string out = argv[1];
    const std::string mix = argv[2];
    const bool fidelity =
        mix == "llama-f32" || mix == "qwen2-f32" || mix == "deepseek2-f32" || mix == "qwen3-embed-f32";
    if (mix != "q4_k_m" && mix != "q8_0" && mix != "v2-lite-q4_k_m" && mix != "qwen3-8b-q4_k_m" &&
        mix != "llm-7b-q4_k_m" && !fidelity) {
        std::fprintf(stderr,
                     "make_bench_model: unknown model '%s' (q4_k_m, q8_0, v2-lite-q4_k_m, qwen3-8b-q4_k_m, "
                     "llm-7b-q4_k_m, llama-f32, qwen2-f32, deepseek2-f32 or qwen3-embed-f32)\n",
                     mix.c_str());
        return 2;
    }
    const bool v2_lite = mix == "v2-lite-q4_k_m";
    const bool qwen3 = mix == "qwen3-8b-q4_k_m";
    const bool llm7b = mix == "llm-7b-q4_k_m";
    const int n_layer = argc > 3 ? std::atoi(argv[3]) : (fidelity ? 3 : v2_lite ? 27 : qwen3 ? 36 : llm7b ? 30 : 28);
    const std::string fid_arch = fidelity ? mix.substr(0, mix.find('-')) : "";
    const std::int64_t n_vocab = qwen3   ? 151936
                                 : llm7b ? 102400
                                         : 151669,
                       n_embd = qwen3 || llm7b ? 4096 : 1536,
                       n_ff = qwen3   ? 12288
                              : llm7b ? 11008
                                      : 8960,
                       n_head = qwen3 || llm7b ? 32 : 12,
                       n_kv = qwen3   ? 8
                              : llm7b ? 32
                                      : 2,
                       hd = 128;
    const std::string arch = qwen3 ? "qwen3" : llm7b ? "llama" : "qwen2";
    const bool q8 = mix == "q8_0";
    const tensor_type base = q8 ? tensor_type::q8_0 : tensor_type::q4_k;
    const tensor_type more = q8 ? tensor_type::q8_0 : tensor_type::q6_k;

    std::vector<tensor_plan> plan;
    if (fidelity) {
        plan = fidelity_plan(fid_arch, n_layer);
    } else if (v2_lite) {
        plan = v2_lite_plan(n_layer);
    } else {
        plan.push_back({"token_embd.weight", base, n_embd, n_vocab});
        plan.push_back({"output_norm.weight", tensor_type::f32, n_embd, 0});
        plan.push_back({"output.weight", more, n_embd, n_vocab});
        for (int l = 0; l < n_layer; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            const bool mb = more_bits(l, n_layer);
            plan.push_back({p + "attn_norm.weight", tensor_type::f32, n_embd, 0});
            plan.push_back({p + "attn_q.weight", base, n_embd, n_head * hd});
            plan.push_back({p + "attn_k.weight", base, n_embd, n_kv * hd});
            plan.push_back({p + "attn_v.weight", mb ? more : base, n_embd, n_kv * hd});
            if (qwen3) {
                plan.push_back({p + "attn_q_norm.weight", tensor_type::f32, hd, 0});
                plan.push_back({p + "attn_k_norm.weight", tensor_type::f32, hd, 0});
            } else if (!llm7b) {
                plan.push_back({p + "attn_q.bias", tensor_type::f32, n_head * hd, 0});
                plan.push_back({p + "attn_k.bias", tensor_type::f32, n_kv * hd, 0});
                plan.push_back({p + "attn_v.bias", tensor_type::f32, n_kv * hd, 0});
            }
            plan.push_back({p + "attn_output.weight", base, n_head * hd, n_embd});
            plan.push_back({p + "ffn_norm.weight", tensor_type::f32, n_embd, 0});
            plan.push_back({p + "ffn_gate.weight", base, n_embd, n_ff});
            plan.push_back({p + "ffn_up.weight", base, n_embd, n_ff});
            plan.push_back({p + "ffn_down.weight", mb ? more : base, n_ff, n_embd});
        }
    }

    // Header first (the writer lays out offsets), then the data streamed tensor by tensor.
    deepdesk::testing::gguf_writer header;
    if (fidelity) {
        fidelity_header(header, fid_arch, n_layer);
    } else if (v2_lite) {
        v2_lite_header(header, n_layer);
    } else {
        header.add_string("general.architecture", arch);
        header.add_string("general.name", qwen3   ? "bench-r1-0528-qwen3-8b-shape-q4_k_m"
                                          : llm7b ? "bench-deepseek-llm-7b-shape-q4_k_m"
                                                  : "bench-r1-distill-qwen-1.5b-shape-" + mix);
        header.add_u32(arch + ".context_length", 131072);
        header.add_u32(arch + ".embedding_length", static_cast<std::uint32_t>(n_embd));
        header.add_u32(arch + ".block_count", static_cast<std::uint32_t>(n_layer));
        header.add_u32(arch + ".feed_forward_length", static_cast<std::uint32_t>(n_ff));
        header.add_u32(arch + ".attention.head_count", static_cast<std::uint32_t>(n_head));
        header.add_u32(arch + ".attention.head_count_kv", static_cast<std::uint32_t>(n_kv));
        header.add_f32(arch + ".rope.freq_base", qwen3 ? 1000000.0f : 10000.0f);
        header.add_f32(arch + ".attention.layer_norm_rms_epsilon", 1e-6f);
        if (qwen3) {
            header.add_u32("qwen3.attention.key_length", static_cast<std::uint32_t>(hd));
            header.add_u32("qwen3.attention.value_length", static_cast<std::uint32_t>(hd));
            header.add_string("qwen3.rope.scaling.type", "yarn");
            header.add_f32("qwen3.rope.scaling.factor", 4.0f);
            header.add_u32("qwen3.rope.scaling.original_context_length", 32768);
        }
        if (llm7b) {
            add_vocab(header, n_vocab, "deepseek-llm", 100000, 100001);
        } else {
            add_vocab(header, n_vocab, "qwen2", 151646, 151643);
        }
    }
    std::vector<std::uint64_t> sizes;
    for (const auto& t : plan) {
        const auto& tr = deepdesk::traits_of(t.type);
        const std::int64_t rows = (t.rows == 0 ? 1 : t.rows) * (t.slices > 0 ? t.slices : 1);
        const std::uint64_t bytes =
            static_cast<std::uint64_t>(t.cols) / tr.block_size * tr.type_size * static_cast<std::uint64_t>(rows);
        sizes.push_back(bytes);
        std::vector<std::int64_t> ne{t.cols};
        if (t.rows != 0) {
            ne.push_back(t.rows);
        }
        if (t.slices > 0) {
            ne.push_back(t.slices);
        }
        header.add_tensor_info(t.name, static_cast<std::uint32_t>(t.type), ne, bytes);
    }
    std::ofstream f(out, std::ios::binary | std::ios::trunc);
    const auto head = header.bytes();  // header only: no data was added
    f.write(reinterpret_cast<const char*>(head.data()), static_cast<std::streamsize>(head.size()));
    std::mt19937 rng(42);
    std::uint64_t written = 0;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const auto& t = plan[i];
        const std::uint64_t offset = (written + 31) / 32 * 32;
        static const char zeros[32] = {};
        f.write(zeros, static_cast<std::streamsize>(offset - written));
        std::vector<std::uint8_t> data;
        if (t.rows == 0) {
            const auto v = deepdesk::testing::random_vector(
                static_cast<int>(t.cols), t.name.find("norm") != std::string::npos ? 1.0f : 0.0f, 0.1f, rng);
            data = deepdesk::testing::f32_bytes(v);
        } else {
            data = deepdesk::testing::random_matrix(t.type, static_cast<int>(t.cols),
                                                    static_cast<int>(t.rows * (t.slices > 0 ? t.slices : 1)), rng);
        }
        f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
        written = offset + sizes[i];
    }
    if (!f) {
        std::fprintf(stderr, "make_bench_model: cannot write %s\n", out.c_str());
        return 1;
    }
    std::printf("wrote %s: %zu tensors, %.2f GB\n", out.c_str(), plan.size(), static_cast<double>(written) / 1e9);
    return 0;
}
