// SPDX-License-Identifier: GPL-3.0-or-later
// Tiny llama/qwen2/qwen3 models written by the tests, with random weights in any supported tensor type,
// and an independent double-precision forward pass written from the architecture's math (not from
// the engine's code) to compare the engine with.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/convert.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/reference_layouts.h"
#include "tests/support/reference_math.h"

namespace deepdesk::testing {

struct tiny_spec {
    std::string arch = "llama";           // llama | qwen2 | qwen3
    tensor_type type = tensor_type::f32;  // type of every matrix (norms and biases stay f32)
    int n_embd = 256, n_head = 4, n_head_kv = 2, n_ff = 512, n_layer = 2, n_vocab = 300;
    int head_dim = 0;  // 0: n_embd / n_head; else written as attention.key_length (as qwen3 does)
    int rope_dims = 64;
    float rope_base = 10000.0f;
    float linear_rope_factor = 0.0f;  // > 0: rope.scaling.type linear
    float yarn_factor = 0.0f;         // > 1: rope.scaling.type yarn (original context 64)
    float yarn_attn_factor = 1.0f;    // rope.scaling.attn_factor, written when not 1
    bool rope_freqs = false;          // write rope_freqs.weight (R1-Distill-Llama style)
    bool tied_output = false;         // no output.weight: the embedding is reused
    int pooling_type = -1;            // >= 0: written as {arch}.pooling_type (an embedding model)
    bool add_eos = false;             // tokenizer.ggml.add_eos_token
    unsigned seed = 1;
};

// Random bytes for a (rows, cols) matrix of `type` whose values stay around +-0.1.
inline std::vector<std::uint8_t> random_matrix(tensor_type type, int cols, int rows, std::mt19937& rng) {
    const auto& t = traits_of(type);
    const std::size_t row_bytes = static_cast<std::size_t>(cols) / t.block_size * t.type_size;
    std::vector<std::uint8_t> out(row_bytes * static_cast<std::size_t>(rows));
    std::normal_distribution<float> normal(0.0f, 0.05f);
    std::uniform_real_distribution<float> unit(0.5f, 1.0f);
    if (type == tensor_type::f32 || type == tensor_type::f16 || type == tensor_type::bf16) {
        for (std::size_t i = 0; i < static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows); ++i) {
            const float v = normal(rng);
            if (type == tensor_type::f32) {
                std::memcpy(out.data() + 4 * i, &v, 4);
            } else {
                const std::uint16_t b = type == tensor_type::f16 ? kernels::f32_to_f16(v) : kernels::f32_to_bf16(v);
                std::memcpy(out.data() + 2 * i, &b, 2);
            }
        }
        return out;
    }
    for (auto& b : out) {
        b = static_cast<std::uint8_t>(rng());
    }
    // f16 scale magnitudes that keep |w| near 0.1 for each layout: {first field, second field}.
    static const std::map<tensor_type, std::pair<float, float>> scales{
        {tensor_type::q4_0, {0.1f / 8, 0}},
        {tensor_type::q4_1, {0.1f / 15, -0.05f}},
        {tensor_type::q5_0, {0.1f / 16, 0}},
        {tensor_type::q5_1, {0.1f / 31, -0.05f}},
        {tensor_type::q8_0, {0.1f / 127, 0}},
        {tensor_type::q4_k, {0.1f / (63 * 15), 0.05f / 63}},
        {tensor_type::q5_k, {0.1f / (63 * 31), 0.05f / 63}},
        {tensor_type::q6_k, {0.1f / (128 * 32), 0}},
        {tensor_type::iq4_nl, {0.1f / 127, 0}},
        {tensor_type::iq4_xs, {0.1f / (32 * 127), 0}},
    };
    const auto [first, second] = scales.at(type);
    for (const auto& l : quantized_layouts()) {
        if (l.type != type) {
            continue;
        }
        for (std::size_t b = 0; b < out.size() / t.type_size; ++b) {
            for (std::size_t f = 0; f < l.f16_at.size(); ++f) {
                const float v = (f == 0 ? first : second) * unit(rng);
                const std::uint16_t half = kernels::f32_to_f16(v);
                std::memcpy(out.data() + b * t.type_size + static_cast<std::size_t>(l.f16_at[f]), &half, 2);
            }
        }
    }
    return out;
}

// A model's weights as written, kept for the reference.
struct tiny_model {
    tiny_spec spec;
    std::map<std::string, std::vector<std::uint8_t>> tensors;  // raw bytes
    std::vector<float> rope_freqs;
    gguf_writer writer;
};

inline std::vector<float> random_vector(int n, float mean, float sd, std::mt19937& rng) {
    std::normal_distribution<float> d(mean, sd);
    std::vector<float> v(static_cast<std::size_t>(n));
    for (auto& x : v) {
        x = d(rng);
    }
    return v;
}

inline std::vector<std::uint8_t> f32_bytes(const std::vector<float>& v) {
    std::vector<std::uint8_t> b(v.size() * 4);
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

inline tiny_model make_tiny_model(const tiny_spec& s) {
    tiny_model m;
    m.spec = s;
    std::mt19937 rng(s.seed);
    const std::string a = s.arch;
    gguf_writer& w = m.writer;
    const int head_dim = s.head_dim > 0 ? s.head_dim : s.n_embd / s.n_head;
    const int q_dim = s.n_head * head_dim;
    w.add_string("general.architecture", a);
    w.add_string("general.name", "tiny-" + a);
    w.add_u32(a + ".context_length", 512);
    w.add_u32(a + ".embedding_length", static_cast<std::uint32_t>(s.n_embd));
    w.add_u32(a + ".block_count", static_cast<std::uint32_t>(s.n_layer));
    w.add_u32(a + ".feed_forward_length", static_cast<std::uint32_t>(s.n_ff));
    w.add_u32(a + ".attention.head_count", static_cast<std::uint32_t>(s.n_head));
    w.add_u32(a + ".attention.head_count_kv", static_cast<std::uint32_t>(s.n_head_kv));
    if (s.head_dim > 0) {
        w.add_u32(a + ".attention.key_length", static_cast<std::uint32_t>(head_dim));
        w.add_u32(a + ".attention.value_length", static_cast<std::uint32_t>(head_dim));
    }
    w.add_u32(a + ".rope.dimension_count", static_cast<std::uint32_t>(s.rope_dims));
    w.add_f32(a + ".rope.freq_base", s.rope_base);
    w.add_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    if (s.linear_rope_factor > 0) {
        w.add_string(a + ".rope.scaling.type", "linear");
        w.add_f32(a + ".rope.scaling.factor", s.linear_rope_factor);
    }
    if (s.yarn_factor > 1) {
        w.add_string(a + ".rope.scaling.type", "yarn");
        w.add_f32(a + ".rope.scaling.factor", s.yarn_factor);
        w.add_u32(a + ".rope.scaling.original_context_length", 64);
        if (s.yarn_attn_factor != 1.0f) {
            w.add_f32(a + ".rope.scaling.attn_factor", s.yarn_attn_factor);
        }
    }
    w.add_u32("tokenizer.ggml.bos_token_id", 1);
    w.add_u32("tokenizer.ggml.eos_token_id", 2);
    w.add_bool("tokenizer.ggml.add_bos_token", true);
    if (s.add_eos) {
        w.add_bool("tokenizer.ggml.add_eos_token", true);
    }
    if (s.pooling_type >= 0) {
        w.add_u32(a + ".pooling_type", static_cast<std::uint32_t>(s.pooling_type));
    }

    const auto type_id = static_cast<std::uint32_t>(s.type);
    auto matrix = [&](const std::string& name, int cols, int rows) {
        auto bytes = random_matrix(s.type, cols, rows, rng);
        w.add_tensor(name, type_id, {cols, rows}, bytes);
        m.tensors[name] = std::move(bytes);
    };
    auto vec = [&](const std::string& name, std::vector<float> v) {
        w.add_f32_tensor(name, {static_cast<std::int64_t>(v.size())}, v);
        m.tensors[name] = f32_bytes(v);
    };
    matrix("token_embd.weight", s.n_embd, s.n_vocab);
    vec("output_norm.weight", random_vector(s.n_embd, 1.0f, 0.1f, rng));
    if (!s.tied_output) {
        matrix("output.weight", s.n_embd, s.n_vocab);
    }
    if (s.rope_freqs) {
        std::vector<float> f(static_cast<std::size_t>(s.rope_dims / 2));
        for (std::size_t i = 0; i < f.size(); ++i) {
            f[i] = 1.0f + static_cast<float>(i % 5);
        }
        vec("rope_freqs.weight", f);
        m.rope_freqs = f;
    }
    const int kv = s.n_head_kv * head_dim;
    for (int l = 0; l < s.n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        vec(p + "attn_norm.weight", random_vector(s.n_embd, 1.0f, 0.1f, rng));
        matrix(p + "attn_q.weight", s.n_embd, q_dim);
        matrix(p + "attn_k.weight", s.n_embd, kv);
        matrix(p + "attn_v.weight", s.n_embd, kv);
        matrix(p + "attn_output.weight", q_dim, s.n_embd);
        if (a == "qwen2") {
            vec(p + "attn_q.bias", random_vector(q_dim, 0.0f, 0.1f, rng));
            vec(p + "attn_k.bias", random_vector(kv, 0.0f, 0.1f, rng));
            vec(p + "attn_v.bias", random_vector(kv, 0.0f, 0.1f, rng));
        }
        if (a == "qwen3") {
            vec(p + "attn_q_norm.weight", random_vector(head_dim, 1.0f, 0.2f, rng));
            vec(p + "attn_k_norm.weight", random_vector(head_dim, 1.0f, 0.2f, rng));
        }
        vec(p + "ffn_norm.weight", random_vector(s.n_embd, 1.0f, 0.1f, rng));
        matrix(p + "ffn_gate.weight", s.n_embd, s.n_ff);
        matrix(p + "ffn_up.weight", s.n_embd, s.n_ff);
        matrix(p + "ffn_down.weight", s.n_ff, s.n_embd);
    }
    return m;
}

// The forward pass in double precision, from the math: returns the last position's logits.
class reference_forward {
public:
    explicit reference_forward(const tiny_model& m) : m_m(m), s(m.spec) {}

    std::vector<double> run(const std::vector<std::int32_t>& tokens) const {
        const auto x = residual(tokens);
        const auto xn = ref_rms_norm(x.back(), vec("output_norm.weight"));
        return matvec(s.tied_output ? "token_embd.weight" : "output.weight", xn, s.n_embd, s.n_vocab);
    }

    // Every position's last hidden state after the output norm (what embedding models pool).
    std::vector<std::vector<double>> states(const std::vector<std::int32_t>& tokens) const {
        auto x = residual(tokens);
        for (auto& row : x) {
            row = ref_rms_norm(row, vec("output_norm.weight"));
        }
        return x;
    }

private:
    // The residual stream after the last layer, per position.
    std::vector<std::vector<double>> residual(const std::vector<std::int32_t>& tokens) const {
        const int hd = s.head_dim > 0 ? s.head_dim : s.n_embd / s.n_head, kv = s.n_head_kv * hd, qd = s.n_head * hd;
        const auto n = static_cast<int>(tokens.size());
        std::vector<std::vector<double>> x(static_cast<std::size_t>(n));
        for (int t = 0; t < n; ++t) {
            x[t] = row("token_embd.weight", tokens[static_cast<std::size_t>(t)], s.n_embd);
        }
        for (int l = 0; l < s.n_layer; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            std::vector<std::vector<double>> q(n), k(n), v(n);
            for (int t = 0; t < n; ++t) {
                const auto xn = ref_rms_norm(x[t], vec(p + "attn_norm.weight"));
                q[t] = matvec(p + "attn_q.weight", xn, s.n_embd, qd);
                k[t] = matvec(p + "attn_k.weight", xn, s.n_embd, kv);
                v[t] = matvec(p + "attn_v.weight", xn, s.n_embd, kv);
                if (s.arch == "qwen2") {
                    ref_add(q[t], vec(p + "attn_q.bias"));
                    ref_add(k[t], vec(p + "attn_k.bias"));
                    ref_add(v[t], vec(p + "attn_v.bias"));
                }
                if (s.arch == "qwen3") {  // RMSNorm over each head of q and k
                    head_norm(q[t], s.n_head, hd, vec(p + "attn_q_norm.weight"));
                    head_norm(k[t], s.n_head_kv, hd, vec(p + "attn_k_norm.weight"));
                }
                rope(q[t], s.n_head, hd, t);
                rope(k[t], s.n_head_kv, hd, t);
            }
            for (int t = 0; t < n; ++t) {
                std::vector<double> att(static_cast<std::size_t>(qd), 0.0);
                for (int h = 0; h < s.n_head; ++h) {
                    const int g = h / (s.n_head / s.n_head_kv);
                    std::vector<double> sc(static_cast<std::size_t>(t + 1));
                    double mx = -1e300;
                    for (int j = 0; j <= t; ++j) {
                        double d = 0;
                        for (int i = 0; i < hd; ++i) {
                            d += q[t][h * hd + i] * k[j][g * hd + i];
                        }
                        sc[j] = d / std::sqrt(static_cast<double>(hd));
                        mx = std::max(mx, sc[j]);
                    }
                    double sum = 0;
                    for (auto& e : sc) {
                        e = std::exp(e - mx);
                        sum += e;
                    }
                    for (int j = 0; j <= t; ++j) {
                        for (int i = 0; i < hd; ++i) {
                            att[h * hd + i] += sc[j] / sum * v[j][g * hd + i];
                        }
                    }
                }
                ref_add(x[t], matvec(p + "attn_output.weight", att, qd, s.n_embd));
                const auto xn = ref_rms_norm(x[t], vec(p + "ffn_norm.weight"));
                const auto gate = matvec(p + "ffn_gate.weight", xn, s.n_embd, s.n_ff);
                const auto up = matvec(p + "ffn_up.weight", xn, s.n_embd, s.n_ff);
                std::vector<double> hmid(static_cast<std::size_t>(s.n_ff));
                for (int i = 0; i < s.n_ff; ++i) {
                    hmid[i] = gate[i] / (1.0 + std::exp(-gate[i])) * up[i];
                }
                ref_add(x[t], matvec(p + "ffn_down.weight", hmid, s.n_ff, s.n_embd));
            }
        }
        return x;
    }

    std::vector<double> row(const std::string& name, int r, int cols) const {
        const auto& t = traits_of(s.type);
        const std::size_t rb = static_cast<std::size_t>(cols) / t.block_size * t.type_size;
        const std::uint8_t* p = m_m.tensors.at(name).data() + rb * static_cast<std::size_t>(r);
        std::vector<double> out(static_cast<std::size_t>(cols));
        for (int e = 0; e < cols; ++e) {
            out[e] = element_of(s.type, p, e);
        }
        return out;
    }
    std::vector<double> vec(const std::string& name) const {
        const auto& b = m_m.tensors.at(name);
        std::vector<double> out(b.size() / 4);
        for (std::size_t i = 0; i < out.size(); ++i) {
            float f;
            std::memcpy(&f, b.data() + 4 * i, 4);
            out[i] = f;
        }
        return out;
    }
    std::vector<double> matvec(const std::string& name, const std::vector<double>& xv, int cols, int rows) const {
        std::vector<double> y(static_cast<std::size_t>(rows));
        for (int r = 0; r < rows; ++r) {
            const auto w = row(name, r, cols);
            double acc = 0;
            for (int c = 0; c < cols; ++c) {
                acc += w[c] * xv[c];
            }
            y[r] = acc;
        }
        return y;
    }
    static void head_norm(std::vector<double>& v, int heads, int hd, const std::vector<double>& w) {
        for (int h = 0; h < heads; ++h) {
            const std::vector<double> head(v.begin() + h * hd, v.begin() + (h + 1) * hd);
            const auto normed = ref_rms_norm(head, w);
            std::copy(normed.begin(), normed.end(), v.begin() + h * hd);
        }
    }
    void rope(std::vector<double>& v, int heads, int hd, int pos) const {
        const int half = s.rope_dims / 2;
        const double position = s.linear_rope_factor > 0 ? pos / static_cast<double>(s.linear_rope_factor) : pos;
        for (int h = 0; h < heads; ++h) {
            for (int i = 0; i < half; ++i) {
                double theta = position * std::pow(static_cast<double>(s.rope_base), -2.0 * i / s.rope_dims);
                if (!m_m.rope_freqs.empty()) {
                    theta /= m_m.rope_freqs[static_cast<std::size_t>(i)];
                }
                double mscale = 1.0;
                if (s.yarn_factor > 1) {
                    // YaRN: pairs whose wavelength fits the original context (64 positions) often
                    // keep their angle, slow ones are interpolated by the factor, a linear ramp
                    // between (beta_fast 32, beta_slow 1); the result scaled by the attention
                    // factor times 1 + 0.1 ln(factor).
                    const auto pair_for = [&](double rotations) {
                        return s.rope_dims * std::log(64.0 / (rotations * 2.0 * 3.14159265358979323846)) /
                               (2.0 * std::log(static_cast<double>(s.rope_base)));
                    };
                    const double low = std::max(0.0, std::floor(pair_for(32.0)));
                    const double high = std::min(static_cast<double>(s.rope_dims - 1), std::ceil(pair_for(1.0)));
                    const double ramp = std::clamp((i - low) / std::max(0.001, high - low), 0.0, 1.0);
                    theta = theta / s.yarn_factor * ramp + theta * (1.0 - ramp);
                    mscale = s.yarn_attn_factor * (1.0 + 0.1 * std::log(static_cast<double>(s.yarn_factor)));
                }
                // llama rotates adjacent pairs, qwen2 and qwen3 (NeoX) the two halves of the
                // rotated part.
                const bool neox = s.arch == "qwen2" || s.arch == "qwen3";
                const int a = neox ? i : 2 * i;
                const int b = neox ? i + half : 2 * i + 1;
                const double x0 = v[h * hd + a], x1 = v[h * hd + b];
                v[h * hd + a] = mscale * (x0 * std::cos(theta) - x1 * std::sin(theta));
                v[h * hd + b] = mscale * (x0 * std::sin(theta) + x1 * std::cos(theta));
            }
        }
    }

    const tiny_model& m_m;
    const tiny_spec& s;
};

}  // namespace deepdesk::testing
