// SPDX-License-Identifier: GPL-3.0-or-later
// Tiny deepseek2 models (MLA attention + DeepSeekMoE) written by the tests with random f32
// weights, and an independent double-precision forward pass in the expanded form the papers
// describe (per-head keys and values rebuilt from the latent; no absorption, no cache), to compare
// the engine with.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/gguf_writer.h"
#include "tests/support/reference_math.h"

namespace deepdesk::testing {

struct ds2_spec {
    int n_embd = 64, n_head = 4, n_layer = 3, n_dense = 1, n_ff = 96, n_vocab = 300;
    int q_lora = 0;  // > 0: attn_q_a / attn_q_a_norm / attn_q_b instead of attn_q
    int kv_lora = 32, rope = 8, nope = 16, v_dim = 16;
    int n_expert = 8, n_used = 2, n_shared = 1, n_ff_exp = 32;
    int n_group = 0, n_group_used = 0;  // group-limited routing when n_group > 1
    bool sigmoid = false;               // gating func 2 with exp_probs_b
    bool normalise = false;
    float weights_scale = 1.0f;
    float yarn_factor = 0.0f;  // > 0: rope.scaling.type yarn
    int yarn_orig_ctx = 64;
    float yarn_log_mul = 0.0707f;
    bool split_kv = false;  // attn_k_b + attn_v_b (newer files) instead of attn_kv_b
    unsigned seed = 3;
    // Bad files.
    std::set<std::string> drop;    // tensors left out
    int expert_count_written = 0;  // > 0: the metadata claims this many experts
    int kv_lora_written = 0;       // > 0: the metadata claims this kv_lora_rank
};

struct ds2_model {
    ds2_spec spec;
    std::map<std::string, std::vector<float>> w;  // every tensor as written, row-major
    gguf_writer writer;
};

inline ds2_model make_ds2_model(const ds2_spec& s) {
    ds2_model m;
    m.spec = s;
    std::mt19937 rng(s.seed);
    std::normal_distribution<float> normal(0.0f, 0.08f);
    gguf_writer& g = m.writer;
    const std::string a = "deepseek2";
    g.add_string("general.architecture", a);
    g.add_string("general.name", "tiny-ds2");
    g.add_u32(a + ".context_length", 256);
    g.add_u32(a + ".embedding_length", static_cast<std::uint32_t>(s.n_embd));
    g.add_u32(a + ".block_count", static_cast<std::uint32_t>(s.n_layer));
    g.add_u32(a + ".feed_forward_length", static_cast<std::uint32_t>(s.n_ff));
    g.add_u32(a + ".attention.head_count", static_cast<std::uint32_t>(s.n_head));
    g.add_u32(a + ".attention.head_count_kv", static_cast<std::uint32_t>(s.n_head));
    g.add_f32(a + ".rope.freq_base", 10000.0f);
    g.add_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    g.add_u32(a + ".leading_dense_block_count", static_cast<std::uint32_t>(s.n_dense));
    g.add_u32(a + ".attention.kv_lora_rank",
              static_cast<std::uint32_t>(s.kv_lora_written > 0 ? s.kv_lora_written : s.kv_lora));
    if (s.q_lora > 0) {
        g.add_u32(a + ".attention.q_lora_rank", static_cast<std::uint32_t>(s.q_lora));
    }
    if (s.split_kv) {
        g.add_u32(a + ".attention.key_length", static_cast<std::uint32_t>(s.kv_lora + s.rope));
        g.add_u32(a + ".attention.value_length", static_cast<std::uint32_t>(s.kv_lora));
        g.add_u32(a + ".attention.key_length_mla", static_cast<std::uint32_t>(s.nope + s.rope));
        g.add_u32(a + ".attention.value_length_mla", static_cast<std::uint32_t>(s.v_dim));
    } else {
        g.add_u32(a + ".attention.key_length", static_cast<std::uint32_t>(s.nope + s.rope));
        g.add_u32(a + ".attention.value_length", static_cast<std::uint32_t>(s.v_dim));
    }
    g.add_u32(a + ".rope.dimension_count", static_cast<std::uint32_t>(s.rope));
    g.add_u32(a + ".expert_count",
              static_cast<std::uint32_t>(s.expert_count_written > 0 ? s.expert_count_written : s.n_expert));
    g.add_u32(a + ".expert_used_count", static_cast<std::uint32_t>(s.n_used));
    g.add_u32(a + ".expert_shared_count", static_cast<std::uint32_t>(s.n_shared));
    g.add_u32(a + ".expert_feed_forward_length", static_cast<std::uint32_t>(s.n_ff_exp));
    g.add_u32(a + ".expert_gating_func", s.sigmoid ? 2U : 1U);
    g.add_bool(a + ".expert_weights_norm", s.normalise);
    g.add_f32(a + ".expert_weights_scale", s.weights_scale);
    if (s.n_group > 1) {
        g.add_u32(a + ".expert_group_count", static_cast<std::uint32_t>(s.n_group));
        g.add_u32(a + ".expert_group_used_count", static_cast<std::uint32_t>(s.n_group_used));
    }
    if (s.yarn_factor > 0) {
        g.add_string(a + ".rope.scaling.type", "yarn");
        g.add_f32(a + ".rope.scaling.factor", s.yarn_factor);
        g.add_u32(a + ".rope.scaling.original_context_length", static_cast<std::uint32_t>(s.yarn_orig_ctx));
        g.add_f32(a + ".rope.scaling.yarn_log_multiplier", s.yarn_log_mul);
    }
    g.add_u32("tokenizer.ggml.bos_token_id", 1);
    g.add_u32("tokenizer.ggml.eos_token_id", 2);
    g.add_bool("tokenizer.ggml.add_bos_token", true);

    const auto put = [&](const std::string& name, std::vector<std::int64_t> ne, std::vector<float> v) {
        if (!s.drop.contains(name)) {
            g.add_f32_tensor(name, ne, v);
        }
        m.w[name] = std::move(v);
    };
    const auto random = [&](std::size_t n, float mean = 0.0f) {
        std::vector<float> v(n);
        for (auto& x : v) {
            x = mean + normal(rng);
        }
        return v;
    };
    const auto E = static_cast<std::int64_t>(s.n_embd);
    const std::int64_t head = s.nope + s.rope, qw = s.n_head * head;
    put("token_embd.weight", {E, s.n_vocab}, random(static_cast<std::size_t>(E * s.n_vocab)));
    put("output_norm.weight", {E}, random(static_cast<std::size_t>(E), 1.0f));
    put("output.weight", {E, s.n_vocab}, random(static_cast<std::size_t>(E * s.n_vocab)));
    for (int l = 0; l < s.n_layer; ++l) {
        const std::string p = "blk." + std::to_string(l) + ".";
        put(p + "attn_norm.weight", {E}, random(static_cast<std::size_t>(E), 1.0f));
        put(p + "ffn_norm.weight", {E}, random(static_cast<std::size_t>(E), 1.0f));
        if (s.q_lora > 0) {
            put(p + "attn_q_a.weight", {E, s.q_lora}, random(static_cast<std::size_t>(E * s.q_lora)));
            put(p + "attn_q_a_norm.weight", {s.q_lora}, random(static_cast<std::size_t>(s.q_lora), 1.0f));
            put(p + "attn_q_b.weight", {s.q_lora, qw}, random(static_cast<std::size_t>(s.q_lora * qw)));
        } else {
            put(p + "attn_q.weight", {E, qw}, random(static_cast<std::size_t>(E * qw)));
        }
        put(p + "attn_kv_a_mqa.weight", {E, s.kv_lora + s.rope},
            random(static_cast<std::size_t>(E * (s.kv_lora + s.rope))));
        put(p + "attn_kv_a_norm.weight", {s.kv_lora}, random(static_cast<std::size_t>(s.kv_lora), 1.0f));
        const std::int64_t kvb_rows = s.n_head * (s.nope + s.v_dim);
        auto kvb = random(static_cast<std::size_t>(s.kv_lora * kvb_rows));
        if (s.split_kv) {
            // The same weights, laid out per head: k_b (kv_lora rows of nope), v_b (v rows of kv_lora).
            std::vector<float> kb(static_cast<std::size_t>(s.n_head * s.kv_lora * s.nope));
            std::vector<float> vb(static_cast<std::size_t>(s.n_head * s.v_dim * s.kv_lora));
            for (int h = 0; h < s.n_head; ++h) {
                for (int d = 0; d < s.nope; ++d) {
                    for (int r = 0; r < s.kv_lora; ++r) {
                        kb[static_cast<std::size_t>((h * s.kv_lora + r) * s.nope + d)] =
                            kvb[static_cast<std::size_t>((h * (s.nope + s.v_dim) + d) * s.kv_lora + r)];
                    }
                }
                for (int v = 0; v < s.v_dim; ++v) {
                    for (int r = 0; r < s.kv_lora; ++r) {
                        vb[static_cast<std::size_t>((h * s.v_dim + v) * s.kv_lora + r)] =
                            kvb[static_cast<std::size_t>((h * (s.nope + s.v_dim) + s.nope + v) * s.kv_lora + r)];
                    }
                }
            }
            put(p + "attn_k_b.weight", {s.nope, s.kv_lora, s.n_head}, kb);
            put(p + "attn_v_b.weight", {s.kv_lora, s.v_dim, s.n_head}, vb);
            m.w[p + "attn_kv_b.weight"] = kvb;  // what the reference reads
        } else {
            put(p + "attn_kv_b.weight", {s.kv_lora, kvb_rows}, kvb);
        }
        put(p + "attn_output.weight", {s.n_head * s.v_dim, E},
            random(static_cast<std::size_t>(s.n_head * s.v_dim * E)));
        if (l < s.n_dense) {
            put(p + "ffn_gate.weight", {E, s.n_ff}, random(static_cast<std::size_t>(E * s.n_ff)));
            put(p + "ffn_up.weight", {E, s.n_ff}, random(static_cast<std::size_t>(E * s.n_ff)));
            put(p + "ffn_down.weight", {s.n_ff, E}, random(static_cast<std::size_t>(s.n_ff * E)));
            continue;
        }
        // Router weights large enough that the choice of experts matters.
        std::normal_distribution<float> wide(0.0f, 0.5f);
        std::vector<float> router(static_cast<std::size_t>(E * s.n_expert));
        for (auto& x : router) {
            x = wide(rng);
        }
        put(p + "ffn_gate_inp.weight", {E, s.n_expert}, router);
        if (s.sigmoid) {
            put(p + "exp_probs_b.bias", {s.n_expert}, random(static_cast<std::size_t>(s.n_expert)));
        }
        const auto ne = static_cast<std::size_t>(s.n_expert);
        put(p + "ffn_gate_exps.weight", {E, s.n_ff_exp, s.n_expert}, random(ne * E * s.n_ff_exp));
        put(p + "ffn_up_exps.weight", {E, s.n_ff_exp, s.n_expert}, random(ne * E * s.n_ff_exp));
        put(p + "ffn_down_exps.weight", {s.n_ff_exp, E, s.n_expert}, random(ne * E * s.n_ff_exp));
        if (s.n_shared > 0) {
            const int ff = s.n_ff_exp * s.n_shared;
            put(p + "ffn_gate_shexp.weight", {E, ff}, random(static_cast<std::size_t>(E * ff)));
            put(p + "ffn_up_shexp.weight", {E, ff}, random(static_cast<std::size_t>(E * ff)));
            put(p + "ffn_down_shexp.weight", {ff, E}, random(static_cast<std::size_t>(ff * E)));
        }
    }
    return m;
}

// The forward pass in double precision, expanded: returns the last position's logits.
class ds2_reference {
public:
    explicit ds2_reference(const ds2_model& m) : m_m(m), s(m.spec) {}

    std::vector<double> run(const std::vector<std::int32_t>& tokens) const {
        const int n = static_cast<int>(tokens.size());
        const int head = s.nope + s.rope;
        std::vector<std::vector<double>> x(static_cast<std::size_t>(n));
        for (int t = 0; t < n; ++t) {
            x[t] = row("token_embd.weight", tokens[static_cast<std::size_t>(t)], s.n_embd);
        }
        double mscale = 1.0;
        if (s.yarn_factor > 0) {
            mscale = 1.0 + s.yarn_log_mul * std::log(static_cast<double>(s.yarn_factor));
        }
        const double scale = mscale * mscale / std::sqrt(static_cast<double>(head));
        for (int l = 0; l < s.n_layer; ++l) {
            const std::string p = "blk." + std::to_string(l) + ".";
            std::vector<std::vector<double>> q(n), k(n), v(n);
            for (int t = 0; t < n; ++t) {
                const auto xn = ref_rms_norm(x[t], vec(p + "attn_norm.weight"));
                if (s.q_lora > 0) {
                    const auto qa = ref_rms_norm(matvec(p + "attn_q_a.weight", xn, s.n_embd, s.q_lora),
                                                 vec(p + "attn_q_a_norm.weight"));
                    q[t] = matvec(p + "attn_q_b.weight", qa, s.q_lora, s.n_head * head);
                } else {
                    q[t] = matvec(p + "attn_q.weight", xn, s.n_embd, s.n_head * head);
                }
                const auto kva = matvec(p + "attn_kv_a_mqa.weight", xn, s.n_embd, s.kv_lora + s.rope);
                const auto c = ref_rms_norm(std::vector<double>(kva.begin(), kva.begin() + s.kv_lora),
                                            vec(p + "attn_kv_a_norm.weight"));
                std::vector<double> kpe(kva.begin() + s.kv_lora, kva.end());
                rope(kpe, 0, t);
                const auto kv = matvec(p + "attn_kv_b.weight", c, s.kv_lora, s.n_head * (s.nope + s.v_dim));
                k[t].assign(static_cast<std::size_t>(s.n_head * head), 0.0);
                v[t].assign(static_cast<std::size_t>(s.n_head * s.v_dim), 0.0);
                for (int h = 0; h < s.n_head; ++h) {
                    rope(q[t], h * head + s.nope, t);
                    for (int d = 0; d < s.nope; ++d) {
                        k[t][h * head + d] = kv[h * (s.nope + s.v_dim) + d];
                    }
                    for (int d = 0; d < s.rope; ++d) {
                        k[t][h * head + s.nope + d] = kpe[d];
                    }
                    for (int d = 0; d < s.v_dim; ++d) {
                        v[t][h * s.v_dim + d] = kv[h * (s.nope + s.v_dim) + s.nope + d];
                    }
                }
            }
            for (int t = 0; t < n; ++t) {
                std::vector<double> att(static_cast<std::size_t>(s.n_head * s.v_dim), 0.0);
                for (int h = 0; h < s.n_head; ++h) {
                    std::vector<double> sc(static_cast<std::size_t>(t + 1));
                    double mx = -1e300;
                    for (int j = 0; j <= t; ++j) {
                        double d = 0;
                        for (int i = 0; i < head; ++i) {
                            d += q[t][h * head + i] * k[j][h * head + i];
                        }
                        sc[j] = d * scale;
                        mx = std::max(mx, sc[j]);
                    }
                    double sum = 0;
                    for (auto& e : sc) {
                        e = std::exp(e - mx);
                        sum += e;
                    }
                    for (int j = 0; j <= t; ++j) {
                        for (int i = 0; i < s.v_dim; ++i) {
                            att[h * s.v_dim + i] += sc[j] / sum * v[j][h * s.v_dim + i];
                        }
                    }
                }
                ref_add(x[t], matvec(p + "attn_output.weight", att, s.n_head * s.v_dim, s.n_embd));
                const auto xn = ref_rms_norm(x[t], vec(p + "ffn_norm.weight"));
                if (l < s.n_dense) {
                    ref_add(x[t], swiglu_ffn(p + "ffn_gate.weight", p + "ffn_up.weight", p + "ffn_down.weight", xn,
                                             s.n_ff, 0));
                } else {
                    ref_add(x[t], moe(p, xn));
                }
            }
        }
        const auto xn = ref_rms_norm(x[static_cast<std::size_t>(n - 1)], vec("output_norm.weight"));
        return matvec("output.weight", xn, s.n_embd, s.n_vocab);
    }

    // The experts the router picks for a normalised input (for tests of the routing itself).
    std::vector<int> chosen(const std::string& p, const std::vector<double>& xn) const { return route(p, xn).first; }

private:
    std::pair<std::vector<int>, std::vector<double>> route(const std::string& p, const std::vector<double>& xn) const {
        const auto logits = matvec(p + "ffn_gate_inp.weight", xn, s.n_embd, s.n_expert);
        std::vector<double> probs(logits.size());
        if (s.sigmoid) {
            for (std::size_t e = 0; e < probs.size(); ++e) {
                probs[e] = 1.0 / (1.0 + std::exp(-logits[e]));
            }
        } else {
            const double mx = *std::max_element(logits.begin(), logits.end());
            double sum = 0;
            for (std::size_t e = 0; e < probs.size(); ++e) {
                probs[e] = std::exp(logits[e] - mx);
                sum += probs[e];
            }
            for (auto& pr : probs) {
                pr /= sum;
            }
        }
        std::vector<double> sel = probs;
        if (s.sigmoid) {
            const auto b = vec(p + "exp_probs_b.bias");
            for (std::size_t e = 0; e < sel.size(); ++e) {
                sel[e] += b[e];
            }
        }
        if (s.n_group > 1) {
            const int per = s.n_expert / s.n_group;
            std::vector<std::pair<double, int>> groups;
            for (int g = 0; g < s.n_group; ++g) {
                std::vector<double> in(sel.begin() + g * per, sel.begin() + (g + 1) * per);
                std::sort(in.rbegin(), in.rend());
                groups.emplace_back(in[0] + (per > 1 ? in[1] : 0.0), g);
            }
            std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
            for (int k = s.n_group_used; k < s.n_group; ++k) {
                for (int e = 0; e < per; ++e) {
                    sel[static_cast<std::size_t>(groups[static_cast<std::size_t>(k)].second * per + e)] = -1e300;
                }
            }
        }
        std::vector<int> order(static_cast<std::size_t>(s.n_expert));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return sel[a] > sel[b]; });
        order.resize(static_cast<std::size_t>(s.n_used));
        std::vector<double> w;
        double sum = 0;
        for (int e : order) {
            w.push_back(probs[e]);
            sum += probs[e];
        }
        for (auto& x : w) {
            x = (s.normalise ? x / sum : x) * s.weights_scale;
        }
        return {order, w};
    }

    std::vector<double> moe(const std::string& p, const std::vector<double>& xn) const {
        const auto [experts, weights] = route(p, xn);
        std::vector<double> out(static_cast<std::size_t>(s.n_embd), 0.0);
        for (std::size_t k = 0; k < experts.size(); ++k) {
            const auto y = swiglu_ffn(p + "ffn_gate_exps.weight", p + "ffn_up_exps.weight", p + "ffn_down_exps.weight",
                                      xn, s.n_ff_exp, experts[k]);
            for (int i = 0; i < s.n_embd; ++i) {
                out[i] += weights[k] * y[i];
            }
        }
        if (s.n_shared > 0) {
            ref_add(out, swiglu_ffn(p + "ffn_gate_shexp.weight", p + "ffn_up_shexp.weight", p + "ffn_down_shexp.weight",
                                    xn, s.n_ff_exp * s.n_shared, 0));
        }
        return out;
    }

    // down(silu(gate x) * up x) with the matrices of expert `e` (0 for plain tensors).
    std::vector<double> swiglu_ffn(const std::string& gate, const std::string& up, const std::string& down,
                                   const std::vector<double>& xn, int ff, int e) const {
        const auto g = matvec(gate, xn, s.n_embd, ff, e);
        const auto u = matvec(up, xn, s.n_embd, ff, e);
        std::vector<double> h(static_cast<std::size_t>(ff));
        for (int i = 0; i < ff; ++i) {
            h[i] = g[i] / (1.0 + std::exp(-g[i])) * u[i];
        }
        return matvec(down, h, ff, s.n_embd, e);
    }

    std::vector<double> row(const std::string& name, int r, int cols) const {
        const auto& w = m_m.w.at(name);
        return {w.begin() + static_cast<std::ptrdiff_t>(r) * cols,
                w.begin() + static_cast<std::ptrdiff_t>(r + 1) * cols};
    }
    std::vector<double> vec(const std::string& name) const {
        const auto& w = m_m.w.at(name);
        return {w.begin(), w.end()};
    }
    std::vector<double> matvec(const std::string& name, const std::vector<double>& xv, int cols, int rows,
                               int slice = 0) const {
        const auto& w = m_m.w.at(name);
        const std::size_t base = static_cast<std::size_t>(slice) * static_cast<std::size_t>(rows * cols);
        std::vector<double> y(static_cast<std::size_t>(rows));
        for (int r = 0; r < rows; ++r) {
            double acc = 0;
            for (int c = 0; c < cols; ++c) {
                acc += static_cast<double>(w[base + static_cast<std::size_t>(r * cols + c)]) * xv[c];
            }
            y[r] = acc;
        }
        return y;
    }
    // Rotates adjacent pairs of v[at .. at + rope) for position pos; YaRN when the spec says so.
    void rope(std::vector<double>& v, int at, int pos) const {
        const double base = 10000.0;
        double low = 0, high = 0;
        if (s.yarn_factor > 0) {
            const auto corr = [&](double rotations) {
                return s.rope * std::log(s.yarn_orig_ctx / (rotations * 2 * std::numbers::pi)) / (2 * std::log(base));
            };
            low = std::max(0.0, std::floor(corr(32)));
            high = std::min(static_cast<double>(s.rope - 1), std::ceil(corr(1)));
        }
        for (int i = 0; i < s.rope / 2; ++i) {
            double theta = pos * std::pow(base, -2.0 * i / s.rope);
            if (s.yarn_factor > 0) {
                const double y = (i - low) / std::max(0.001, high - low);
                const double keep = 1.0 - std::clamp(y, 0.0, 1.0);
                theta = theta / s.yarn_factor * (1 - keep) + theta * keep;
            }
            const double x0 = v[at + 2 * i], x1 = v[at + 2 * i + 1];
            v[at + 2 * i] = x0 * std::cos(theta) - x1 * std::sin(theta);
            v[at + 2 * i + 1] = x0 * std::sin(theta) + x1 * std::cos(theta);
        }
    }

    const ds2_model& m_m;
    const ds2_spec& s;
};

}  // namespace deepdesk::testing
