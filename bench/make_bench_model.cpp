// SPDX-License-Identifier: GPL-3.0-or-later
// Writes a qwen2 GGUF model shaped like DeepSeek-R1-Distill-Qwen-1.5B (vocabulary 151,669, hidden
// 1536, 28 layers, 12 heads / 2 KV heads of 128, FFN 8960) with random weights, in the tensor type
// mix of a Q4_K_M file or all Q8_0. Speed does not depend on the values, so `deepdesk-cli bench`
// on it measures what a real file of that shape would give.
//   make_bench_model OUT.gguf q4_k_m|q8_0 [layers]
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "tests/support/tiny_models.h"

namespace {

using deepdesk::tensor_type;

struct tensor_plan {
    std::string name;
    tensor_type type;
    std::int64_t cols, rows;  // rows == 0: a vector of `cols`
};

// llama.cpp's Q4_K_M keeps more bits in the first and last eighth of the layers and every third one
// between them for attn_v and ffn_down.
bool more_bits(int layer, int n_layer) {
    return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: make_bench_model OUT.gguf q4_k_m|q8_0 [layers]\n");
        return 2;
    }
    const std::string out = argv[1];
    const std::string mix = argv[2];
    if (mix != "q4_k_m" && mix != "q8_0") {
        std::fprintf(stderr, "make_bench_model: unknown type mix '%s' (q4_k_m or q8_0)\n", mix.c_str());
        return 2;
    }
    const int n_layer = argc > 3 ? std::atoi(argv[3]) : 28;
    const std::int64_t n_vocab = 151669, n_embd = 1536, n_ff = 8960, n_head = 12, n_kv = 2, hd = 128;
    const bool q8 = mix == "q8_0";
    const tensor_type base = q8 ? tensor_type::q8_0 : tensor_type::q4_k;
    const tensor_type more = q8 ? tensor_type::q8_0 : tensor_type::q6_k;

    std::vector<tensor_plan> plan;
    plan.push_back({"token_embd.weight", base, n_embd, n_vocab});
    plan.push_back({"output_norm.weight", tensor_type::f32, n_embd, 0});
    plan.push_back({"output.weight", more, n_embd, n_vocab});
    for (int l = 0; l < n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        const bool mb = more_bits(l, n_layer);
        plan.push_back({p + "attn_norm.weight", tensor_type::f32, n_embd, 0});
        plan.push_back({p + "attn_q.weight", base, n_embd, n_head * hd});
        plan.push_back({p + "attn_q.bias", tensor_type::f32, n_head * hd, 0});
        plan.push_back({p + "attn_k.weight", base, n_embd, n_kv * hd});
        plan.push_back({p + "attn_k.bias", tensor_type::f32, n_kv * hd, 0});
        plan.push_back({p + "attn_v.weight", mb ? more : base, n_embd, n_kv * hd});
        plan.push_back({p + "attn_v.bias", tensor_type::f32, n_kv * hd, 0});
        plan.push_back({p + "attn_output.weight", base, n_head * hd, n_embd});
        plan.push_back({p + "ffn_norm.weight", tensor_type::f32, n_embd, 0});
        plan.push_back({p + "ffn_gate.weight", base, n_embd, n_ff});
        plan.push_back({p + "ffn_up.weight", base, n_embd, n_ff});
        plan.push_back({p + "ffn_down.weight", mb ? more : base, n_ff, n_embd});
    }

    // Header first (the writer lays out offsets), then the data streamed tensor by tensor.
    deepdesk::testing::gguf_writer header;
    header.add_string("general.architecture", "qwen2");
    header.add_string("general.name", "bench-r1-distill-qwen-1.5b-shape-" + mix);
    header.add_u32("qwen2.context_length", 131072);
    header.add_u32("qwen2.embedding_length", static_cast<std::uint32_t>(n_embd));
    header.add_u32("qwen2.block_count", static_cast<std::uint32_t>(n_layer));
    header.add_u32("qwen2.feed_forward_length", static_cast<std::uint32_t>(n_ff));
    header.add_u32("qwen2.attention.head_count", static_cast<std::uint32_t>(n_head));
    header.add_u32("qwen2.attention.head_count_kv", static_cast<std::uint32_t>(n_kv));
    header.add_f32("qwen2.rope.freq_base", 10000.0f);
    header.add_f32("qwen2.attention.layer_norm_rms_epsilon", 1e-6f);
    header.add_u32("tokenizer.ggml.bos_token_id", 151646);
    header.add_u32("tokenizer.ggml.eos_token_id", 151643);
    std::vector<std::uint64_t> sizes;
    for (const auto& t : plan) {
        const auto& tr = deepdesk::traits_of(t.type);
        const std::int64_t rows = t.rows == 0 ? 1 : t.rows;
        const std::uint64_t bytes =
            static_cast<std::uint64_t>(t.cols) / tr.block_size * tr.type_size * static_cast<std::uint64_t>(rows);
        sizes.push_back(bytes);
        std::vector<std::int64_t> ne{t.cols};
        if (t.rows != 0) {
            ne.push_back(t.rows);
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
            data = deepdesk::testing::random_matrix(t.type, static_cast<int>(t.cols), static_cast<int>(t.rows), rng);
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
