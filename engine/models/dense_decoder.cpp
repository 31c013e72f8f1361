// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/models/dense_decoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/kernels/convert.h"
#include "engine/kernels/vec.h"

namespace deepdesk::models {

std::int64_t hparam(const model& m, const std::string& arch, const std::string& key, std::int64_t fallback) {
    const gguf::file& f = m.file().main();
    const std::string full = arch + "." + key;
    const gguf::metadata_entry* entry = f.find(full);
    if (entry == nullptr) {
        if (fallback >= 0) {
            return fallback;
        }
        m.fail("metadata '" + full + "' is missing");
    }
    // One value, whatever the GGUF type it is stored as (an integer, or a per-layer array whose
    // values must agree), then the same checks: a whole number from 1 to 2^31.
    double value = 0.0;
    if (entry->type == gguf::value_type::array) {
        const gguf::array_value* a = f.get_array(full);
        if (a->count == 0 || a->data == nullptr) {
            m.fail("metadata '" + full + "' is an empty or non-numeric array");
        }
        value = a->number_at(0);
        for (std::uint64_t i = 1; i < a->count; ++i) {
            const double other = a->number_at(i);
            if (!(other == value)) {
                m.fail("metadata '" + full + "' differs between layers, which this architecture does not support");
            }
        }
    } else {
        value = static_cast<double>(*f.get_int(full));
    }
    if (!std::isfinite(value) || value != std::floor(value) || value < 1.0 ||
        value > static_cast<double>(std::int64_t{1} << 31)) {
        m.fail("metadata '" + full + "' has the impossible value " + std::to_string(value));
    }
    return static_cast<std::int64_t>(value);
}

// A session's KV cache and activations (declared in the header for run_layers).
struct dense_state : run_state {
    std::int64_t n_ctx = 0, n_batch = 0;
    std::int64_t kv_dim = 0;
    std::vector<std::uint16_t> k_cache, v_cache;             // (n_layer, n_ctx, kv_dim) f16
    std::vector<float> x, xn, q, k, v, attn, tmp, gate, up;  // (n_batch, ...)
    std::vector<float> scores;                               // (n_threads, n_ctx)
    std::vector<float> scratch;                              // (n_batch, max width): quantized matmul inputs
    std::vector<float> rope_cs;                              // (n_batch, rope dims): cos/sin per position
};

void read_dense_config(model& m, const std::string& arch) {
    model_config& c = m.mutable_config();
    const gguf::file& f = m.file().main();
    c.n_embd = hparam(m, arch, "embedding_length");
    c.n_layer = hparam(m, arch, "block_count");
    c.n_head = hparam(m, arch, "attention.head_count");
    c.n_head_kv = hparam(m, arch, "attention.head_count_kv", c.n_head);
    c.n_ff = hparam(m, arch, "feed_forward_length");
    c.n_ctx_train = hparam(m, arch, "context_length", 4096);
    c.head_dim = hparam(m, arch, "attention.key_length", c.n_embd / c.n_head);
    if (hparam(m, arch, "attention.value_length", c.head_dim) != c.head_dim) {
        m.fail("key and value head lengths differ, which this architecture does not support");
    }
    if (c.n_head_kv > c.n_head || c.n_head % c.n_head_kv != 0) {
        m.fail(std::to_string(c.n_head) + " attention heads cannot share " + std::to_string(c.n_head_kv) + " KV heads");
    }
    if (static_cast<std::uint64_t>(c.n_layer) > m.file().tensors().size()) {
        m.fail("block_count " + std::to_string(c.n_layer) + " is more than the file has tensors for");
    }
    c.norm_eps = static_cast<float>(f.get_float(arch + ".attention.layer_norm_rms_epsilon").value_or(1e-5));
    c.rope.dims = static_cast<int>(hparam(m, arch, "rope.dimension_count", c.head_dim));
    if (c.rope.dims > c.head_dim || c.rope.dims % 2 != 0) {
        m.fail("rope.dimension_count " + std::to_string(c.rope.dims) + " does not fit the head length");
    }
    c.rope.freq_base = static_cast<float>(f.get_float(arch + ".rope.freq_base").value_or(10000.0));
    const auto scaling = f.get_string(arch + ".rope.scaling.type");
    const auto factor = f.get_float(arch + ".rope.scaling.factor");
    if (scaling == "linear" && factor && *factor > 0) {
        c.rope.position_scale = static_cast<float>(1.0 / *factor);
    } else if (scaling == "yarn") {
        if (!factor || !(*factor >= 1.0)) {
            m.fail("rope.scaling.factor must be at least 1 for YaRN");
        }
        if (*factor > 1.0) {
            if (c.rope.dims != c.head_dim) {
                m.fail("YaRN with a partial rotation is not supported for " + arch);
            }
            ops::set_yarn(c.rope, static_cast<float>(*factor),
                          hparam(m, arch, "rope.scaling.original_context_length", c.n_ctx_train));
            const double attn_factor = f.get_float(arch + ".rope.scaling.attn_factor").value_or(1.0);
            const double mscale = attn_factor * (1.0 + 0.1 * std::log(*factor));
            c.rope.yarn_score_scale = static_cast<float>(mscale * mscale);
        }
    } else if (scaling && *scaling != "none" && *scaling != "linear") {
        m.fail("rope scaling '" + std::string(*scaling) + "' is not supported for " + arch);
    }
    const gguf::tensor_info& emb = m.tensor("token_embd.weight");
    c.n_vocab = emb.ne[1];
    c.bos_token = static_cast<std::int32_t>(f.get_int("tokenizer.ggml.bos_token_id").value_or(-1));
    c.eos_token = static_cast<std::int32_t>(f.get_int("tokenizer.ggml.eos_token_id").value_or(-1));
    c.add_bos = f.get_bool("tokenizer.ggml.add_bos_token").value_or(c.bos_token >= 0);
    c.add_eos = f.get_bool("tokenizer.ggml.add_eos_token").value_or(false);
    if (const auto pooling = f.get_int(arch + ".pooling_type")) {
        if (*pooling < 0 || *pooling > 4) {
            m.fail(arch + ".pooling_type " + std::to_string(*pooling) + " is not a known pooling type");
        }
        c.pooling = static_cast<pooling_type>(*pooling);
    }
    if (m.find_tensor("rope_freqs.weight") != nullptr) {
        m.storage() = m.vector("rope_freqs.weight", c.rope.dims / 2);
        c.rope.freq_factors = m.storage().data();
    }
}

dense_weights load_dense_weights(const model& m, bool qkv_bias, bool qk_norm) {
    const model_config& c = m.config();
    const std::int64_t q_dim = c.n_head * c.head_dim;
    const std::int64_t kv_dim = c.n_head_kv * c.head_dim;
    dense_weights w;
    w.token_embd = m.matrix("token_embd.weight", c.n_embd, c.n_vocab);
    w.output = m.find_tensor("output.weight") ? m.matrix("output.weight", c.n_embd, c.n_vocab) : w.token_embd;
    w.output_norm = m.vector("output_norm.weight", c.n_embd);
    w.layers.resize(static_cast<std::size_t>(c.n_layer));
    for (std::int64_t i = 0; i < c.n_layer; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        dense_layer& l = w.layers[static_cast<std::size_t>(i)];
        l.attn_norm = m.vector(p + "attn_norm.weight", c.n_embd);
        l.wq = m.matrix(p + "attn_q.weight", c.n_embd, q_dim);
        l.wk = m.matrix(p + "attn_k.weight", c.n_embd, kv_dim);
        l.wv = m.matrix(p + "attn_v.weight", c.n_embd, kv_dim);
        l.wo = m.matrix(p + "attn_output.weight", q_dim, c.n_embd);
        if (qkv_bias) {
            l.bq = m.vector(p + "attn_q.bias", q_dim);
            l.bk = m.vector(p + "attn_k.bias", kv_dim);
            l.bv = m.vector(p + "attn_v.bias", kv_dim);
        }
        if (qk_norm) {
            l.q_norm = m.vector(p + "attn_q_norm.weight", c.head_dim);
            l.k_norm = m.vector(p + "attn_k_norm.weight", c.head_dim);
        }
        l.ffn_norm = m.vector(p + "ffn_norm.weight", c.n_embd);
        l.w_gate = m.matrix(p + "ffn_gate.weight", c.n_embd, c.n_ff);
        l.w_up = m.matrix(p + "ffn_up.weight", c.n_embd, c.n_ff);
        l.w_down = m.matrix(p + "ffn_down.weight", c.n_ff, c.n_embd);
    }
    return w;
}

std::uint64_t dense_decoder::kv_bytes_per_token() const {
    return static_cast<std::uint64_t>(m_config.n_layer) * 2 * static_cast<std::uint64_t>(m_config.n_head_kv) *
           static_cast<std::uint64_t>(m_config.head_dim) * sizeof(std::uint16_t);
}

std::unique_ptr<run_state> dense_decoder::make_state(const run_state_params& params) const {
    const model_config& c = m_config;
    auto s = std::make_unique<dense_state>();
    s->n_ctx = params.n_ctx;
    s->n_batch = params.n_batch;
    s->kv_dim = c.n_head_kv * c.head_dim;
    const auto cache = static_cast<std::size_t>(c.n_layer * params.n_ctx * s->kv_dim);
    s->k_cache.assign(cache, 0);
    s->v_cache.assign(cache, 0);
    const auto b = static_cast<std::size_t>(params.n_batch);
    s->x.resize(b * static_cast<std::size_t>(c.n_embd));
    s->xn.resize(s->x.size());
    s->tmp.resize(s->x.size());
    s->q.resize(b * static_cast<std::size_t>(c.n_head * c.head_dim));
    s->attn.resize(s->q.size());
    s->k.resize(b * static_cast<std::size_t>(s->kv_dim));
    s->v.resize(s->k.size());
    s->gate.resize(b * static_cast<std::size_t>(c.n_ff));
    s->up.resize(s->gate.size());
    s->scores.resize(static_cast<std::size_t>(params.n_threads * (params.n_ctx + ops::k_score_pad)));
    s->scratch.resize(b * static_cast<std::size_t>(std::max(c.n_embd, std::max(c.n_ff, c.n_head * c.head_dim))));
    s->rope_cs.resize(b * static_cast<std::size_t>(c.rope.dims));
    return s;
}

bool dense_decoder::forward(run_state& rs, std::span<const std::int32_t> tokens, std::int64_t pos, float* logits,
                            thread_pool& pool, const std::atomic<bool>* cancel) const {
    auto& s = static_cast<dense_state&>(rs);
    if (!run_layers(s, tokens, pos, pool, cancel)) {
        return false;
    }
    const std::int64_t n = static_cast<std::int64_t>(tokens.size()), n_embd = m_config.n_embd;
    float* last = &s.xn[0];
    ops::rms_norm(&s.x[(n - 1) * n_embd], m_w.output_norm.data(), last, n_embd, m_config.norm_eps);
    ops::matmul_input in(s.scratch.data());
    in.set(last, 1, n_embd);
    ops::matmul(m_w.output, in, logits, pool);
    return true;
}

bool dense_decoder::forward_states(run_state& rs, std::span<const std::int32_t> tokens, std::int64_t pos, float* states,
                                   thread_pool& pool, const std::atomic<bool>* cancel) const {
    auto& s = static_cast<dense_state&>(rs);
    if (!run_layers(s, tokens, pos, pool, cancel)) {
        return false;
    }
    const std::int64_t n_embd = m_config.n_embd;
    for (std::int64_t t = 0; t < static_cast<std::int64_t>(tokens.size()); ++t) {
        ops::rms_norm(&s.x[t * n_embd], m_w.output_norm.data(), states + t * n_embd, n_embd, m_config.norm_eps);
    }
    return true;
}

bool dense_decoder::run_layers(dense_state& s, std::span<const std::int32_t> tokens, std::int64_t pos,
                               thread_pool& pool, const std::atomic<bool>* cancel) const {
    const model_config& c = m_config;
    const auto n = static_cast<std::int64_t>(tokens.size());
    const std::int64_t n_embd = c.n_embd, hd = c.head_dim, q_dim = c.n_head * hd, kv_dim = s.kv_dim;
    const std::int64_t group = c.n_head / c.n_head_kv;
    const float scale = c.rope.yarn_score_scale / std::sqrt(static_cast<float>(hd));
    const auto& cvt = kernels::convert_kernels();
    const auto& vec = kernels::vec_kernels();

    ops::matmul_input in(s.scratch.data());
    for (std::int64_t t = 0; t < n; ++t) {
        ops::rope_angles(pos + t, c.rope, &s.rope_cs[static_cast<std::size_t>(t * c.rope.dims)]);
    }
    for (std::int64_t t = 0; t < n; ++t) {
        ops::dequantize_row(m_w.token_embd, tokens[static_cast<std::size_t>(t)],
                            &s.x[static_cast<std::size_t>(t * n_embd)]);
    }
    for (std::int64_t li = 0; li < c.n_layer; ++li) {
        if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
            return false;
        }
        const dense_layer& l = m_w.layers[static_cast<std::size_t>(li)];
        for (std::int64_t t = 0; t < n; ++t) {
            ops::rms_norm(&s.x[t * n_embd], l.attn_norm.data(), &s.xn[t * n_embd], n_embd, c.norm_eps);
        }
        ops::trace("attn_norm", li, s.xn.data(), n, n_embd);
        in.set(s.xn.data(), n, n_embd);
        ops::matmul(l.wq, in, s.q.data(), pool);
        ops::matmul(l.wk, in, s.k.data(), pool);
        ops::matmul(l.wv, in, s.v.data(), pool);
        ops::trace("Qcur", li, s.q.data(), n, q_dim);
        ops::trace("Kcur", li, s.k.data(), n, kv_dim);
        ops::trace("Vcur", li, s.v.data(), n, kv_dim);
        if (!l.bq.empty()) {
            ops::add_bias(s.q.data(), l.bq.data(), n, q_dim);
            ops::add_bias(s.k.data(), l.bk.data(), n, kv_dim);
            ops::add_bias(s.v.data(), l.bv.data(), n, kv_dim);
        }
        if (!l.q_norm.empty()) {  // qwen3: each head normalized on its own, before the rotation
            for (std::int64_t h = 0; h < n * c.n_head; ++h) {
                ops::rms_norm(&s.q[h * hd], l.q_norm.data(), &s.q[h * hd], hd, c.norm_eps);
            }
            for (std::int64_t h = 0; h < n * c.n_head_kv; ++h) {
                ops::rms_norm(&s.k[h * hd], l.k_norm.data(), &s.k[h * hd], hd, c.norm_eps);
            }
            ops::trace("Qcur_normed", li, s.q.data(), n, q_dim);
            ops::trace("Kcur_normed", li, s.k.data(), n, kv_dim);
        }
        std::uint16_t* k_layer = &s.k_cache[static_cast<std::size_t>(li * s.n_ctx * kv_dim)];
        std::uint16_t* v_layer = &s.v_cache[static_cast<std::size_t>(li * s.n_ctx * kv_dim)];
        for (std::int64_t t = 0; t < n; ++t) {
            const float* angles = &s.rope_cs[static_cast<std::size_t>(t * c.rope.dims)];
            ops::rope(&s.q[t * q_dim], static_cast<int>(c.n_head), static_cast<int>(hd), angles, c.rope);
            ops::rope(&s.k[t * kv_dim], static_cast<int>(c.n_head_kv), static_cast<int>(hd), angles, c.rope);
            cvt.f32_to_f16(&s.k[t * kv_dim], k_layer + (pos + t) * kv_dim, static_cast<std::size_t>(kv_dim));
            cvt.f32_to_f16(&s.v[t * kv_dim], v_layer + (pos + t) * kv_dim, static_cast<std::size_t>(kv_dim));
        }
        // Attention, one (token, head) pair per task, with the reference runtime's sums
        // (kernels::attention_order): batch order for two tokens or more, and its cache view of
        // the positions so far rounded up to 32.
        const bool batch = n >= 2;
        const auto n_kv = static_cast<std::size_t>((pos + n + 31) / 32 * 32);
        pool.parallel_for(n * c.n_head, [&](int thread, std::int64_t begin, std::int64_t end) {
            float* scores = &s.scores[static_cast<std::size_t>(thread * (s.n_ctx + ops::k_score_pad))];
            for (std::int64_t task = begin; task < end; ++task) {
                const std::int64_t t = task / c.n_head, h = task % c.n_head;
                const std::int64_t last = pos + t;  // causal: positions 0..last
                // The query meets the f16 keys in f16, as in the reference runtime.
                float* q = &s.q[t * q_dim + h * hd];
                kernels::round_through_f16(q, static_cast<std::size_t>(hd));
                const std::int64_t kv_off = (h / group) * hd;
                vec.attn_scores(q, k_layer + kv_off, static_cast<std::size_t>(kv_dim),
                                static_cast<std::size_t>(last + 1), static_cast<std::size_t>(hd), scores, batch);
                for (std::int64_t j = 0; j <= last; ++j) {
                    scores[j] *= scale;
                }
                ops::attention_softmax(scores, last + 1);
                // The probabilities meet the f16 values in f16, as in the reference runtime.
                kernels::round_through_f16(scores, static_cast<std::size_t>(last + 1));
                vec.attn_values(scores, v_layer + kv_off, static_cast<std::size_t>(kv_dim),
                                static_cast<std::size_t>(last + 1), n_kv, static_cast<std::size_t>(hd),
                                &s.attn[t * q_dim + h * hd], batch);
            }
        });
        ops::trace("kqv_merged_cont", li, s.attn.data(), n, q_dim);
        in.set(s.attn.data(), n, q_dim);
        ops::matmul(l.wo, in, s.tmp.data(), pool);
        ops::trace("kqv_out", li, s.tmp.data(), n, n_embd);
        for (std::int64_t i = 0; i < n * n_embd; ++i) {
            s.x[i] += s.tmp[i];
        }
        for (std::int64_t t = 0; t < n; ++t) {
            ops::rms_norm(&s.x[t * n_embd], l.ffn_norm.data(), &s.xn[t * n_embd], n_embd, c.norm_eps);
        }
        ops::trace("ffn_norm", li, s.xn.data(), n, n_embd);
        ops::swiglu_ffn(l.w_gate, l.w_up, l.w_down, s.xn.data(), n, in, s.gate.data(), s.up.data(), s.tmp.data(), pool);
        ops::trace("ffn_out", li, s.tmp.data(), n, n_embd);
        for (std::int64_t i = 0; i < n * n_embd; ++i) {
            s.x[i] += s.tmp[i];
        }
        ops::trace("l_out", li, s.x.data(), n, n_embd);
    }
    return true;
}

}  // namespace deepdesk::models
