// SPDX-License-Identifier: GPL-3.0-or-later
// deepseek2: DeepSeek-V2, V2-Lite, Coder-V2, V3 and R1. Multi-head latent attention (MLA) keeps
// only the compressed latent c_kv (kv_lora_rank values) and the shared rotary key (rope dims) per
// token and layer. Attention is computed in the absorbed form: each head's key up-projection is
// folded into its query, and its value up-projection is applied after the weighted sum. The
// feed-forward of all but the leading dense layers is DeepSeekMoE: routed experts chosen per
// token (softmax, or sigmoid with a selection bias; optionally group-limited), plus shared experts.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "engine/kernels/convert.h"
#include "engine/kernels/vec.h"
#include "engine/models/dense_decoder.h"

namespace deepdesk {
namespace {

using models::hparam;

struct ds2_config {
    std::int64_t q_lora = 0;  // 0: the query is one matrix (V2-Lite)
    std::int64_t kv_lora = 0, rope = 0, nope = 0, v_dim = 0;
    std::int64_t n_dense = 0;  // leading layers with a plain SwiGLU
    std::int64_t n_expert = 0, n_used = 0, n_shared = 0, n_ff_exp = 0;
    std::int64_t n_group = 0, n_group_used = 0;  // group-limited routing when n_group > 1
    bool sigmoid = false;                        // gating: softmax (V2) or sigmoid (V3/R1)
    bool normalise = false;
    float weights_scale = 1.0f;
    float score_scale = 0.0f;  // mscale^2 / sqrt(nope + rope)
};

struct ds2_layer {
    std::vector<float> attn_norm, ffn_norm;
    weight_view wq;                // (n_head * (nope + rope), n_embd), or empty with the low rank:
    weight_view wq_a;              // (q_lora, n_embd)
    std::vector<float> q_a_norm;   // (q_lora)
    weight_view wq_b;              // (n_head * (nope + rope), q_lora)
    weight_view wkv_a;             // (kv_lora + rope, n_embd)
    std::vector<float> kv_a_norm;  // (kv_lora)
    // Per head: k_b (kv_lora, nope) folds the head's key into its query; v_b (v_dim, kv_lora)
    // brings the attended latent back to the head's values. Views into the file (attn_k_b,
    // attn_v_b), or into `owned` when the file has attn_kv_b, which needs transposing.
    std::vector<weight_view> k_b, v_b;
    std::vector<float> owned;
    weight_view wo;                    // (n_embd, n_head * v_dim)
    weight_view w_gate, w_up, w_down;  // dense layers
    weight_view gate_inp;              // (n_expert, n_embd)
    std::vector<float> probs_bias;     // (n_expert) or empty: only chooses experts
    std::vector<weight_view> e_gate, e_up, e_down;
    weight_view s_gate, s_up, s_down;  // shared experts, empty when there are none
};

struct ds2_state : run_state {
    std::int64_t n_ctx = 0, n_batch = 0, row = 0;  // row: kv_lora + rope values per cached token
    std::vector<std::uint16_t> cache;              // (n_layer, n_ctx, row) f16: [c_kv | k_pe]
    std::vector<float> x, xn, q, qa, kva, attn, tmp, gate, up, router, gathered, down;
    std::vector<std::uint8_t> act;  // quantized inputs of matmul_batch / matmul_heads
    // MoE routing, reused from layer to layer: per expert, the (token * n_used + rank, weight) of
    // the tokens that chose it; per (token, rank), the row of its expert's output and the weight.
    std::vector<std::vector<std::pair<std::int64_t, float>>> chosen;
    std::vector<std::pair<std::int64_t, float>> slots;
    std::vector<float> probs, select;
    std::vector<std::int64_t> order;
    std::vector<float> query;       // (n_batch, n_head, row): [absorbed q_nope | q_pe]
    std::vector<float> context;     // (n_batch, n_head, kv_lora): the attended latent
    std::vector<float> per_thread;  // (n_threads, n_ctx): scores
    std::vector<float> scratch;
    std::vector<float> rope_cs;
};

class deepseek2 : public architecture_impl {
public:
    deepseek2(const model& m, ds2_config dc) : m_config(m.config()), m_dc(dc) {}

    std::unique_ptr<run_state> make_state(const run_state_params& params) const override;
    bool forward(run_state& state, std::span<const std::int32_t> tokens, std::int64_t pos, float* logits,
                 thread_pool& pool, const std::atomic<bool>* cancel) const override;
    std::uint64_t kv_bytes_per_token() const override {
        return static_cast<std::uint64_t>(m_config.n_layer * (m_dc.kv_lora + m_dc.rope)) * sizeof(std::uint16_t);
    }

    weight_view token_embd, output;
    std::vector<float> output_norm;
    std::vector<ds2_layer> layers;

private:
    // Fills s.chosen: the experts each of n tokens of s.xn goes to, with their weights.
    void route(const ds2_layer& l, ds2_state& s, std::int64_t n, thread_pool& pool) const;
    // Routed and shared experts for n tokens of s.xn, added to s.x.
    void moe(const ds2_layer& l, ds2_state& s, std::int64_t n, thread_pool& pool) const;

    const model_config& m_config;
    ds2_config m_dc;
};

// sum a[i] * b[i], in eight running sums.
float dot(const float* a, const float* b, std::size_t n) {
    float acc[8] = {};
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        for (std::size_t k = 0; k < 8; ++k) {
            acc[k] += a[i + k] * b[i + k];
        }
    }
    for (; i < n; ++i) {
        acc[0] += a[i] * b[i];
    }
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

std::int64_t q_width(const model_config& c, const ds2_config& d) { return c.n_head * (d.nope + d.rope); }

std::unique_ptr<run_state> deepseek2::make_state(const run_state_params& params) const {
    const model_config& c = m_config;
    const ds2_config& d = m_dc;
    auto s = std::make_unique<ds2_state>();
    s->n_ctx = params.n_ctx;
    s->n_batch = params.n_batch;
    s->row = d.kv_lora + d.rope;
    s->cache.assign(static_cast<std::size_t>(c.n_layer * params.n_ctx * s->row), 0);
    const auto b = static_cast<std::size_t>(params.n_batch);
    const auto n_embd = static_cast<std::size_t>(c.n_embd);
    s->x.resize(b * n_embd);
    s->xn.resize(b * n_embd);
    s->tmp.resize(b * n_embd);
    s->q.resize(b * static_cast<std::size_t>(q_width(c, d)));
    s->qa.resize(b * static_cast<std::size_t>(std::max<std::int64_t>(d.q_lora, 1)));
    s->kva.resize(b * static_cast<std::size_t>(s->row));
    s->attn.resize(b * static_cast<std::size_t>(c.n_head * d.v_dim));
    // Dense layers: n_ff per token; MoE layers: the chosen experts' rows, then the shared experts'.
    const std::int64_t ff = std::max(c.n_ff, d.n_ff_exp * (d.n_used + d.n_shared));
    s->gate.resize(b * static_cast<std::size_t>(ff));
    s->up.resize(s->gate.size());
    s->router.resize(b * static_cast<std::size_t>(std::max<std::int64_t>(d.n_expert, 1)));
    s->gathered.resize(b * n_embd * static_cast<std::size_t>(std::max<std::int64_t>(d.n_used, 1)));
    s->down.resize(b * n_embd * static_cast<std::size_t>(d.n_used + 1));
    s->chosen.resize(static_cast<std::size_t>(d.n_expert));
    s->slots.resize(b * static_cast<std::size_t>(d.n_used));
    s->probs.resize(static_cast<std::size_t>(d.n_expert));
    s->select.resize(s->probs.size());
    s->order.resize(s->probs.size());
    s->query.resize(b * static_cast<std::size_t>(c.n_head * s->row));
    s->context.resize(b * static_cast<std::size_t>(c.n_head * d.kv_lora));
    s->per_thread.resize(static_cast<std::size_t>(params.n_threads * (params.n_ctx + ops::k_score_pad)));
    const std::int64_t widest =
        std::max({c.n_embd, ff, q_width(c, d), c.n_head * d.v_dim, d.q_lora, d.kv_lora + d.rope});
    s->scratch.resize(b * static_cast<std::size_t>(widest));
    s->rope_cs.resize(b * static_cast<std::size_t>(d.rope));
    return s;
}

void deepseek2::route(const ds2_layer& l, ds2_state& s, std::int64_t n, thread_pool& pool) const {
    const ds2_config& d = m_dc;
    const std::int64_t ne = d.n_expert;
    ops::matmul_input in(s.scratch.data());
    in.set(s.xn.data(), n, m_config.n_embd);
    ops::matmul(l.gate_inp, in, s.router.data(), pool);
    for (auto& users : s.chosen) {
        users.clear();
    }
    std::vector<float>& probs = s.probs;
    std::vector<float>& select = s.select;
    std::vector<std::int64_t>& order = s.order;
    for (std::int64_t t = 0; t < n; ++t) {
        const float* logit = &s.router[static_cast<std::size_t>(t * ne)];
        if (d.sigmoid) {
            for (std::int64_t e = 0; e < ne; ++e) {
                probs[e] = 1.0f / (1.0f + std::exp(-logit[e]));
            }
        } else {
            std::copy(logit, logit + ne, probs.begin());
            ops::softmax(probs.data(), ne);
        }
        for (std::int64_t e = 0; e < ne; ++e) {
            select[e] = probs[e] + (l.probs_bias.empty() ? 0.0f : l.probs_bias[e]);
        }
        if (d.n_group > 1) {
            // Keep the groups whose two best experts score highest; the others cannot be chosen.
            const std::int64_t per = ne / d.n_group;
            std::vector<std::pair<float, std::int64_t>> groups;
            for (std::int64_t g = 0; g < d.n_group; ++g) {
                std::vector<float> v(select.begin() + g * per, select.begin() + (g + 1) * per);
                std::partial_sort(v.begin(), v.begin() + std::min<std::int64_t>(2, per), v.end(), std::greater<>());
                groups.emplace_back(v[0] + (per > 1 ? v[1] : 0.0f), g);
            }
            std::stable_sort(groups.begin(), groups.end(),
                             [](const auto& a, const auto& b) { return a.first > b.first; });
            for (std::int64_t k = d.n_group_used; k < d.n_group; ++k) {
                const std::int64_t g = groups[static_cast<std::size_t>(k)].second;
                std::fill(select.begin() + g * per, select.begin() + (g + 1) * per, -INFINITY);
            }
        }
        std::iota(order.begin(), order.end(), 0);
        std::partial_sort(order.begin(), order.begin() + d.n_used, order.end(), [&](std::int64_t a, std::int64_t b) {
            return select[a] > select[b] || (select[a] == select[b] && a < b);
        });
        float sum = 0.0f;
        for (std::int64_t k = 0; k < d.n_used; ++k) {
            sum += probs[order[k]];
        }
        for (std::int64_t k = 0; k < d.n_used; ++k) {
            float w = probs[order[k]];
            if (d.normalise && sum > 0.0f) {
                w /= sum;
            }
            s.chosen[static_cast<std::size_t>(order[k])].emplace_back(t * d.n_used + k, w * d.weights_scale);
        }
    }
}

void deepseek2::moe(const ds2_layer& l, ds2_state& s, std::int64_t n, thread_pool& pool) const {
    const ds2_config& d = m_dc;
    const std::int64_t n_embd = m_config.n_embd, ne = d.n_expert;
    route(l, s, n, pool);
    const auto& chosen_by_expert = s.chosen;
    ops::matmul_input in(s.scratch.data());
    // Each chosen expert runs on the tokens that chose it: only those experts' weights are read.
    struct active {
        std::int64_t expert, first, count;  // rows [first, first + count) of the gathered input
    };
    std::vector<active> act;
    std::int64_t rows = 0;
    for (std::int64_t e = 0; e < ne; ++e) {
        const auto& users = chosen_by_expert[static_cast<std::size_t>(e)];
        if (users.empty()) {
            continue;
        }
        act.push_back({e, rows, static_cast<std::int64_t>(users.size())});
        for (const auto& [slot, w] : users) {
            const float* src = &s.xn[static_cast<std::size_t>(slot / d.n_used * n_embd)];
            std::copy(src, src + n_embd, &s.gathered[static_cast<std::size_t>(rows * n_embd)]);
            ++rows;
        }
    }
    const std::int64_t ff = d.n_ff_exp, shared_ff = l.s_gate.empty() ? 0 : l.s_gate.rows;
    float* shared_gate = s.gate.data() + rows * ff;  // after the experts' rows
    float* shared_up = s.up.data() + rows * ff;
    float* shared_out = s.down.data() + rows * n_embd;
    if (n > 1) {
        // A prompt batch: expert by expert, each matmul over the expert's tokens.
        for (const auto& a : act) {
            const auto e = static_cast<std::size_t>(a.expert);
            ops::swiglu_ffn(
                l.e_gate[e], l.e_up[e], l.e_down[e], &s.gathered[static_cast<std::size_t>(a.first * n_embd)], a.count,
                in, &s.gate[static_cast<std::size_t>(a.first * ff)], &s.up[static_cast<std::size_t>(a.first * ff)],
                &s.down[static_cast<std::size_t>(a.first * n_embd)], pool);
        }
        if (shared_ff > 0) {
            ops::swiglu_ffn(l.s_gate, l.s_up, l.s_down, s.xn.data(), n, in, shared_gate, shared_up, shared_out, pool);
        }
    } else {
        // One token: gate and up of every chosen and shared expert in one parallel pass, then
        // their down projections in another, instead of a pass per matrix.
        std::vector<ops::matmul_job> jobs;
        for (const auto& a : act) {
            const auto e = static_cast<std::size_t>(a.expert);
            jobs.push_back({&l.e_gate[e], &s.gathered[static_cast<std::size_t>(a.first * n_embd)], a.count,
                            &s.gate[static_cast<std::size_t>(a.first * ff)]});
            jobs.push_back({&l.e_up[e], &s.gathered[static_cast<std::size_t>(a.first * n_embd)], a.count,
                            &s.up[static_cast<std::size_t>(a.first * ff)]});
        }
        if (shared_ff > 0) {
            jobs.push_back({&l.s_gate, s.xn.data(), n, shared_gate});
            jobs.push_back({&l.s_up, s.xn.data(), n, shared_up});
        }
        ops::matmul_batch(jobs, s.act, pool);
        ops::swiglu(s.gate.data(), s.up.data(), s.gate.data(), rows * ff + n * shared_ff);
        jobs.clear();
        for (const auto& a : act) {
            jobs.push_back({&l.e_down[static_cast<std::size_t>(a.expert)],
                            &s.gate[static_cast<std::size_t>(a.first * ff)], a.count,
                            &s.down[static_cast<std::size_t>(a.first * n_embd)]});
        }
        if (shared_ff > 0) {
            jobs.push_back({&l.s_down, shared_gate, n, shared_out});
        }
        ops::matmul_batch(jobs, s.act, pool);
    }
    // Each token's experts are summed in the order they were chosen, then the shared experts,
    // then the residual (the reference runtime's order).
    auto& slots = s.slots;
    for (const auto& a : act) {
        const auto& users = chosen_by_expert[static_cast<std::size_t>(a.expert)];
        for (std::int64_t i = 0; i < a.count; ++i) {
            slots[static_cast<std::size_t>(users[static_cast<std::size_t>(i)].first)] = {
                a.first + i, users[static_cast<std::size_t>(i)].second};
        }
    }
    for (std::int64_t t = 0; t < n; ++t) {
        float* sum = &s.tmp[static_cast<std::size_t>(t * n_embd)];
        std::fill(sum, sum + n_embd, 0.0f);
        for (std::int64_t k = 0; k < d.n_used; ++k) {
            const auto [row, w] = slots[static_cast<std::size_t>(t * d.n_used + k)];
            const float* src = &s.down[static_cast<std::size_t>(row * n_embd)];
            for (std::int64_t j = 0; j < n_embd; ++j) {
                sum[j] += w * src[j];
            }
        }
        if (shared_ff > 0) {
            for (std::int64_t j = 0; j < n_embd; ++j) {
                sum[j] += shared_out[t * n_embd + j];
            }
        }
        float* x = &s.x[static_cast<std::size_t>(t * n_embd)];
        for (std::int64_t j = 0; j < n_embd; ++j) {
            x[j] += sum[j];
        }
    }
}

bool deepseek2::forward(run_state& rs, std::span<const std::int32_t> tokens, std::int64_t pos, float* logits,
                        thread_pool& pool, const std::atomic<bool>* cancel) const {
    auto& s = static_cast<ds2_state&>(rs);
    const model_config& c = m_config;
    const ds2_config& d = m_dc;
    const auto n = static_cast<std::int64_t>(tokens.size());
    const std::int64_t n_embd = c.n_embd, qw = q_width(c, d), head = d.nope + d.rope, row = s.row;
    const auto& cvt = kernels::convert_kernels();
    const auto& vec = kernels::vec_kernels();

    ops::matmul_input in(s.scratch.data());
    for (std::int64_t t = 0; t < n; ++t) {
        ops::rope_angles(pos + t, c.rope, &s.rope_cs[static_cast<std::size_t>(t * d.rope)]);
        ops::dequantize_row(token_embd, tokens[static_cast<std::size_t>(t)],
                            &s.x[static_cast<std::size_t>(t * n_embd)]);
    }
    for (std::int64_t li = 0; li < c.n_layer; ++li) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
            return false;
        }
        const ds2_layer& l = layers[static_cast<std::size_t>(li)];
        for (std::int64_t t = 0; t < n; ++t) {
            ops::rms_norm(&s.x[t * n_embd], l.attn_norm.data(), &s.xn[t * n_embd], n_embd, c.norm_eps);
        }
        in.set(s.xn.data(), n, n_embd);
        ops::matmul(l.wkv_a, in, s.kva.data(), pool);
        if (l.wq.empty()) {
            ops::matmul(l.wq_a, in, s.qa.data(), pool);
            for (std::int64_t t = 0; t < n; ++t) {
                ops::rms_norm(&s.qa[t * d.q_lora], l.q_a_norm.data(), &s.qa[t * d.q_lora], d.q_lora, c.norm_eps);
            }
            in.set(s.qa.data(), n, d.q_lora);
            ops::matmul(l.wq_b, in, s.q.data(), pool);
        } else {
            ops::matmul(l.wq, in, s.q.data(), pool);
        }
        // The cache row of each token: [RMSNorm(c_kv) | rotated k_pe].
        std::uint16_t* layer_cache = &s.cache[static_cast<std::size_t>(li * s.n_ctx * row)];
        for (std::int64_t t = 0; t < n; ++t) {
            const float* angles = &s.rope_cs[static_cast<std::size_t>(t * d.rope)];
            float* kv = &s.kva[t * row];
            ops::rms_norm(kv, l.kv_a_norm.data(), kv, d.kv_lora, c.norm_eps);
            ops::rope(kv + d.kv_lora, 1, static_cast<int>(d.rope), angles, c.rope);
            cvt.f32_to_f16(kv, layer_cache + (pos + t) * row, static_cast<std::size_t>(row));
            for (std::int64_t h = 0; h < c.n_head; ++h) {
                ops::rope(&s.q[t * qw + h * head + d.nope], 1, static_cast<int>(d.rope), angles, c.rope);
            }
        }
        // Each head's q_nope, folded into the latent space: one matmul per head over the batch
        // (f32 matrices made from attn_kv_b are applied per task below instead).
        const std::int64_t nh = c.n_head;
        const bool own = !l.owned.empty();
        if (!own) {
            ops::matmul_heads(l.k_b, s.q.data(), qw, head, n, s.query.data(), nh * row, row, s.act, pool);
            for (std::int64_t t = 0; t < n; ++t) {
                for (std::int64_t h = 0; h < nh; ++h) {
                    const float* q = &s.q[t * qw + h * head];
                    std::copy(q + d.nope, q + head, &s.query[(t * nh + h) * row + d.kv_lora]);
                }
            }
        }
        // Attention over the cached latents, one (token, head) pair per task.
        pool.parallel_for(n * nh, [&](int thread, std::int64_t begin, std::int64_t end) {
            float* scores = &s.per_thread[static_cast<std::size_t>(thread * (s.n_ctx + ops::k_score_pad))];
            for (std::int64_t task = begin; task < end; ++task) {
                const std::int64_t t = task / nh, h = task % nh;
                const std::int64_t last = pos + t;
                float* query = &s.query[task * row];
                if (own) {
                    const float* q = &s.q[t * qw + h * head];
                    const weight_view& kb = l.k_b[static_cast<std::size_t>(h)];
                    for (std::int64_t r = 0; r < d.kv_lora; ++r) {
                        query[r] = dot(reinterpret_cast<const float*>(kb.row(r)), q, static_cast<std::size_t>(d.nope));
                    }
                    std::copy(q + d.nope, q + head, query + d.kv_lora);
                }
                // The query meets the f16 cache in f16, as in the reference runtime.
                kernels::round_through_f16(query, static_cast<std::size_t>(row));
                vec.dot_rows_f16(query, layer_cache, static_cast<std::size_t>(row), static_cast<std::size_t>(last + 1),
                                 static_cast<std::size_t>(row), scores);
                for (std::int64_t j = 0; j <= last; ++j) {
                    scores[j] *= d.score_scale;
                }
                ops::attention_softmax(scores, last + 1);
                float* context = &s.context[task * d.kv_lora];
                std::fill(context, context + d.kv_lora, 0.0f);
                kernels::round_through_f16(scores, static_cast<std::size_t>(last + 1));
                vec.weighted_sum_f16(scores, layer_cache, static_cast<std::size_t>(row),
                                     static_cast<std::size_t>(last + 1), static_cast<std::size_t>(d.kv_lora), context);
                if (own) {
                    const weight_view& vb = l.v_b[static_cast<std::size_t>(h)];
                    float* out = &s.attn[task * d.v_dim];
                    for (std::int64_t v = 0; v < d.v_dim; ++v) {
                        out[v] = dot(reinterpret_cast<const float*>(vb.row(v)), context,
                                     static_cast<std::size_t>(d.kv_lora));
                    }
                }
            }
        });
        if (own) {
            ops::count_weight_bytes(l.owned.size() * sizeof(float));
        }
        // Each head's values from its attended latent: one matmul per head over the batch.
        if (!own) {
            ops::matmul_heads(l.v_b, s.context.data(), nh * d.kv_lora, d.kv_lora, n, s.attn.data(), nh * d.v_dim,
                              d.v_dim, s.act, pool);
        }
        in.set(s.attn.data(), n, c.n_head * d.v_dim);
        ops::matmul(l.wo, in, s.tmp.data(), pool);
        for (std::int64_t i = 0; i < n * n_embd; ++i) {
            s.x[i] += s.tmp[i];
        }
        for (std::int64_t t = 0; t < n; ++t) {
            ops::rms_norm(&s.x[t * n_embd], l.ffn_norm.data(), &s.xn[t * n_embd], n_embd, c.norm_eps);
        }
        if (l.gate_inp.empty()) {
            ops::swiglu_ffn(l.w_gate, l.w_up, l.w_down, s.xn.data(), n, in, s.gate.data(), s.up.data(), s.tmp.data(),
                            pool);
            for (std::int64_t i = 0; i < n * n_embd; ++i) {
                s.x[i] += s.tmp[i];
            }
        } else {
            moe(l, s, n, pool);
        }
    }
    float* last = &s.xn[0];
    ops::rms_norm(&s.x[(n - 1) * n_embd], output_norm.data(), last, n_embd, c.norm_eps);
    in.set(last, 1, n_embd);
    ops::matmul(output, in, logits, pool);
    return true;
}

// A weight as f32 rows (small matrices the attention reads transposed or per head).
std::vector<float> dequantized(const weight_view& w) {
    std::vector<float> out(static_cast<std::size_t>(w.rows * w.cols));
    for (std::int64_t r = 0; r < w.rows; ++r) {
        ops::dequantize_row(w, r, &out[static_cast<std::size_t>(r * w.cols)]);
    }
    return out;
}

}  // namespace

std::unique_ptr<architecture_impl> load_deepseek2(model& m) {
    const std::string arch = "deepseek2";
    model_config& c = m.mutable_config();
    const gguf::file& f = m.file().main();
    // A count that may be zero (no dense layers, no shared experts, no groups).
    const auto count = [&](const std::string& key) -> std::int64_t {
        const auto v = f.get_int(arch + "." + key);
        if (v && (*v < 0 || *v > (std::int64_t{1} << 31))) {
            m.fail("metadata '" + arch + "." + key + "' has the impossible value " + std::to_string(*v));
        }
        return v.value_or(0);
    };
    ds2_config d;
    c.n_embd = hparam(m, arch, "embedding_length");
    c.n_layer = hparam(m, arch, "block_count");
    if (static_cast<std::uint64_t>(c.n_layer) > m.file().tensors().size()) {
        m.fail("block_count " + std::to_string(c.n_layer) + " is more than the file has tensors for");
    }
    c.n_head = hparam(m, arch, "attention.head_count");
    c.n_head_kv = c.n_head;
    c.n_ff = hparam(m, arch, "feed_forward_length");
    c.n_ctx_train = hparam(m, arch, "context_length", 4096);
    c.norm_eps = static_cast<float>(f.get_float(arch + ".attention.layer_norm_rms_epsilon").value_or(1e-6));
    d.kv_lora = hparam(m, arch, "attention.kv_lora_rank");
    d.q_lora = m.find_tensor("blk.0.attn_q_a.weight") != nullptr ? hparam(m, arch, "attention.q_lora_rank") : 0;
    d.rope = hparam(m, arch, "rope.dimension_count");
    // Files with attn_k_b/attn_v_b give the per-head lengths as key_length_mla/value_length_mla
    // (key_length/value_length then describe the latent form).
    const bool split_kv = m.find_tensor("blk.0.attn_k_b.weight") != nullptr;
    const std::int64_t key_len = hparam(m, arch, split_kv ? "attention.key_length_mla" : "attention.key_length");
    d.v_dim = hparam(m, arch, split_kv ? "attention.value_length_mla" : "attention.value_length");
    if (d.rope % 2 != 0 || key_len <= d.rope) {
        m.fail("rope.dimension_count " + std::to_string(d.rope) + " does not fit the key length " +
               std::to_string(key_len));
    }
    d.nope = key_len - d.rope;
    c.head_dim = key_len;
    d.n_dense = std::min(count("leading_dense_block_count"), c.n_layer);
    if (d.n_dense < c.n_layer) {
        d.n_expert = hparam(m, arch, "expert_count");
        d.n_used = hparam(m, arch, "expert_used_count");
        d.n_shared = count("expert_shared_count");
        d.n_ff_exp = hparam(m, arch, "expert_feed_forward_length");
        if (d.n_used > d.n_expert) {
            m.fail("expert_used_count " + std::to_string(d.n_used) + " is more than expert_count " +
                   std::to_string(d.n_expert));
        }
        d.n_group = count("expert_group_count");
        d.n_group_used = count("expert_group_used_count");
        if (d.n_group > 1 && (d.n_expert % d.n_group != 0 || d.n_group_used < 1 || d.n_group_used > d.n_group ||
                              d.n_group_used * (d.n_expert / d.n_group) < d.n_used)) {
            m.fail("expert groups (" + std::to_string(d.n_group) + ", " + std::to_string(d.n_group_used) +
                   " used) do not fit " + std::to_string(d.n_expert) + " experts with " + std::to_string(d.n_used) +
                   " used");
        }
        const std::int64_t gating = hparam(m, arch, "expert_gating_func", 1);
        if (gating != 1 && gating != 2) {
            m.fail("expert_gating_func " + std::to_string(gating) + " is unknown (1 softmax, 2 sigmoid)");
        }
        d.sigmoid = gating == 2;
        d.normalise = f.get_bool(arch + ".expert_weights_norm").value_or(false);
        d.weights_scale = static_cast<float>(f.get_float(arch + ".expert_weights_scale").value_or(1.0));
    }

    // Rotary embedding on the q_pe/k_pe parts only, adjacent pairs, with YaRN when the file says so.
    c.rope.dims = static_cast<int>(d.rope);
    c.rope.style = ops::rope_style::adjacent;
    c.rope.freq_base = static_cast<float>(f.get_float(arch + ".rope.freq_base").value_or(10000.0));
    float mscale = 1.0f;
    const auto scaling = f.get_string(arch + ".rope.scaling.type");
    if (scaling == "yarn") {
        const auto factor = static_cast<float>(f.get_float(arch + ".rope.scaling.factor").value_or(1.0));
        if (!(factor >= 1.0f)) {
            m.fail("rope.scaling.factor must be at least 1 for YaRN");
        }
        const std::int64_t orig = hparam(m, arch, "rope.scaling.original_context_length", c.n_ctx_train);
        if (factor > 1.0f) {
            ops::set_yarn(c.rope, factor, orig);
            // The file stores 0.1 * mscale_all_dim; DeepSeek's softmax scale grows by mscale^2.
            const double log_mul = f.get_float(arch + ".rope.scaling.yarn_log_multiplier").value_or(0.0);
            mscale = static_cast<float>(1.0 + log_mul * std::log(static_cast<double>(factor)));
        }
    } else if (scaling && *scaling != "none") {
        m.fail("rope scaling '" + std::string(*scaling) + "' is not supported for deepseek2");
    }
    d.score_scale = mscale * mscale / std::sqrt(static_cast<float>(key_len));

    const gguf::tensor_info& emb = m.tensor("token_embd.weight");
    c.n_vocab = emb.ne[1];
    c.bos_token = static_cast<std::int32_t>(f.get_int("tokenizer.ggml.bos_token_id").value_or(-1));
    c.eos_token = static_cast<std::int32_t>(f.get_int("tokenizer.ggml.eos_token_id").value_or(-1));
    c.add_bos = f.get_bool("tokenizer.ggml.add_bos_token").value_or(c.bos_token >= 0);

    auto impl = std::make_unique<deepseek2>(m, d);
    impl->token_embd = m.matrix("token_embd.weight", c.n_embd, c.n_vocab);
    impl->output = m.find_tensor("output.weight") ? m.matrix("output.weight", c.n_embd, c.n_vocab) : impl->token_embd;
    impl->output_norm = m.vector("output_norm.weight", c.n_embd);
    const std::int64_t qw = c.n_head * key_len;
    impl->layers.resize(static_cast<std::size_t>(c.n_layer));
    for (std::int64_t i = 0; i < c.n_layer; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        ds2_layer& l = impl->layers[static_cast<std::size_t>(i)];
        l.attn_norm = m.vector(p + "attn_norm.weight", c.n_embd);
        l.ffn_norm = m.vector(p + "ffn_norm.weight", c.n_embd);
        if (d.q_lora > 0) {
            l.wq_a = m.matrix(p + "attn_q_a.weight", c.n_embd, d.q_lora);
            l.q_a_norm = m.vector(p + "attn_q_a_norm.weight", d.q_lora);
            l.wq_b = m.matrix(p + "attn_q_b.weight", d.q_lora, qw);
        } else {
            l.wq = m.matrix(p + "attn_q.weight", c.n_embd, qw);
        }
        l.wkv_a = m.matrix(p + "attn_kv_a_mqa.weight", c.n_embd, d.kv_lora + d.rope);
        l.kv_a_norm = m.vector(p + "attn_kv_a_norm.weight", d.kv_lora);
        if (split_kv) {
            l.k_b = m.matrices(p + "attn_k_b.weight", d.nope, d.kv_lora, c.n_head);
            l.v_b = m.matrices(p + "attn_v_b.weight", d.kv_lora, d.v_dim, c.n_head);
        } else {
            // attn_kv_b: per head, nope key rows then v_dim value rows, each of kv_lora values. The
            // key rows are transposed into k_b's layout (f32, owned by the layer).
            const auto kvb = dequantized(m.matrix(p + "attn_kv_b.weight", d.kv_lora, c.n_head * (d.nope + d.v_dim)));
            const std::size_t kb_size = static_cast<std::size_t>(d.kv_lora * d.nope);
            const std::size_t vb_size = static_cast<std::size_t>(d.v_dim * d.kv_lora);
            l.owned.resize(static_cast<std::size_t>(c.n_head) * (kb_size + vb_size));
            for (std::int64_t h = 0; h < c.n_head; ++h) {
                const float* head_rows = &kvb[static_cast<std::size_t>(h * (d.nope + d.v_dim) * d.kv_lora)];
                float* kb = &l.owned[static_cast<std::size_t>(h) * (kb_size + vb_size)];
                float* vb = kb + kb_size;
                for (std::int64_t k = 0; k < d.nope; ++k) {
                    for (std::int64_t r = 0; r < d.kv_lora; ++r) {
                        kb[r * d.nope + k] = head_rows[k * d.kv_lora + r];
                    }
                }
                std::copy(head_rows + d.nope * d.kv_lora, head_rows + (d.nope + d.v_dim) * d.kv_lora, vb);
                const auto* kb_bytes = reinterpret_cast<const std::uint8_t*>(kb);
                const auto* vb_bytes = reinterpret_cast<const std::uint8_t*>(vb);
                l.k_b.push_back(weight_view{tensor_type::f32, d.nope, d.kv_lora, kb_bytes,
                                            static_cast<std::size_t>(d.nope) * sizeof(float)});
                l.v_b.push_back(weight_view{tensor_type::f32, d.kv_lora, d.v_dim, vb_bytes,
                                            static_cast<std::size_t>(d.kv_lora) * sizeof(float)});
            }
        }
        l.wo = m.matrix(p + "attn_output.weight", c.n_head * d.v_dim, c.n_embd);
        if (i < d.n_dense) {
            l.w_gate = m.matrix(p + "ffn_gate.weight", c.n_embd, c.n_ff);
            l.w_up = m.matrix(p + "ffn_up.weight", c.n_embd, c.n_ff);
            l.w_down = m.matrix(p + "ffn_down.weight", c.n_ff, c.n_embd);
            continue;
        }
        if (m.find_tensor(p + "ffn_gate_inp.weight") == nullptr) {
            m.fail("layer " + std::to_string(i) + " is a MoE layer (leading_dense_block_count is " +
                   std::to_string(d.n_dense) + ") but has no ffn_gate_inp tensor");
        }
        l.gate_inp = m.matrix(p + "ffn_gate_inp.weight", c.n_embd, d.n_expert);
        if (m.find_tensor(p + "exp_probs_b.bias") != nullptr) {
            l.probs_bias = m.vector(p + "exp_probs_b.bias", d.n_expert);
        }
        l.e_gate = m.matrices(p + "ffn_gate_exps.weight", c.n_embd, d.n_ff_exp, d.n_expert);
        l.e_up = m.matrices(p + "ffn_up_exps.weight", c.n_embd, d.n_ff_exp, d.n_expert);
        l.e_down = m.matrices(p + "ffn_down_exps.weight", d.n_ff_exp, c.n_embd, d.n_expert);
        if (d.n_shared > 0) {
            const std::int64_t ff = d.n_ff_exp * d.n_shared;
            l.s_gate = m.matrix(p + "ffn_gate_shexp.weight", c.n_embd, ff);
            l.s_up = m.matrix(p + "ffn_up_shexp.weight", c.n_embd, ff);
            l.s_down = m.matrix(p + "ffn_down_shexp.weight", ff, c.n_embd);
        }
    }
    return impl;
}

}  // namespace deepdesk
