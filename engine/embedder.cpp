// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/embedder.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace deepdesk {

embedder::embedder(const model& m, embedder_params params) : m_model(m), m_params(params), m_pool(params.n_threads) {
    const model_config& c = m.config();
    if (m.file().main().find("tokenizer.ggml.tokens") != nullptr) {
        m_tok = tokenizer::from_gguf(m.file().main());
    }
    switch (c.pooling) {
    case pooling_type::mean:
    case pooling_type::cls:
    case pooling_type::last: m_pooling = c.pooling; break;
    case pooling_type::rank: m.fail("a reranker (pooling type rank), not an embedding model");
    case pooling_type::none:
    case pooling_type::unspecified:
        m_pooling = pooling_type::last;  // decoder-only: the last token has read the whole text
        break;
    }
    m_params.n_ctx = std::clamp<std::int64_t>(m_params.n_ctx, 8, c.n_ctx_train > 0 ? c.n_ctx_train : m_params.n_ctx);
    m_params.n_batch = std::clamp<std::int64_t>(m_params.n_batch, 1, m_params.n_ctx);
    m_state = m.impl().make_state({m_params.n_ctx, m_params.n_batch, m_pool.size()});
    m_states.resize(static_cast<std::size_t>(m_params.n_batch * c.n_embd));
}

embedder::~embedder() = default;

std::vector<std::int32_t> embedder::tokens_of(std::string_view text) const {
    const model_config& c = m_model.config();
    if (!m_tok) {
        m_model.fail("the file has no vocabulary, so it cannot read text");
    }
    std::vector<std::int32_t> ids = m_tok->encode(text, c.add_bos, false);
    const bool eos = c.add_eos && c.eos_token >= 0;
    const auto room = static_cast<std::size_t>(m_params.n_ctx - (eos ? 1 : 0));
    if (ids.size() > room) {
        ids.resize(room);
    }
    if (eos) {
        ids.push_back(c.eos_token);
    }
    if (ids.empty() && c.bos_token >= 0) {
        ids.push_back(c.bos_token);  // an empty text still gives a vector
    }
    return ids;
}

std::string embedder::query_text(std::string_view question) const {
    if (m_model.config().architecture == "qwen3") {
        return "Instruct: Given a question, retrieve passages that answer it\nQuery:" + std::string(question);
    }
    return std::string(question);
}

std::vector<float> embedder::embed(std::string_view text, const std::atomic<bool>* cancel) {
    const auto ids = tokens_of(text);
    return embed_tokens(ids, cancel);
}

std::vector<float> embedder::embed_tokens(std::span<const std::int32_t> tokens, const std::atomic<bool>* cancel) {
    const model_config& c = m_model.config();
    const auto n_embd = static_cast<std::size_t>(c.n_embd);
    if (tokens.empty()) {
        throw model_error("nothing to embed: the text has no tokens");
    }
    if (static_cast<std::int64_t>(tokens.size()) > m_params.n_ctx) {
        tokens = tokens.first(static_cast<std::size_t>(m_params.n_ctx));
    }
    for (const std::int32_t id : tokens) {
        if (id < 0 || id >= c.n_vocab) {
            throw model_error("token id " + std::to_string(id) + " is outside the vocabulary");
        }
    }
    std::vector<double> sum(n_embd, 0.0);
    std::vector<float> out(n_embd, 0.0f);
    for (std::size_t start = 0; start < tokens.size(); start += static_cast<std::size_t>(m_params.n_batch)) {
        const std::size_t n = std::min(tokens.size() - start, static_cast<std::size_t>(m_params.n_batch));
        if (!m_model.impl().forward_states(*m_state, tokens.subspan(start, n), static_cast<std::int64_t>(start),
                                           m_states.data(), m_pool, cancel)) {
            return {};
        }
        if (m_pooling == pooling_type::mean) {
            for (std::size_t t = 0; t < n; ++t) {
                for (std::size_t i = 0; i < n_embd; ++i) {
                    sum[i] += m_states[t * n_embd + i];
                }
            }
        } else if (m_pooling == pooling_type::cls && start == 0) {
            std::copy_n(m_states.begin(), n_embd, out.begin());
        } else if (m_pooling == pooling_type::last && start + n == tokens.size()) {
            std::copy_n(m_states.begin() + static_cast<std::ptrdiff_t>((n - 1) * n_embd), n_embd, out.begin());
        }
    }
    if (m_pooling == pooling_type::mean) {
        for (std::size_t i = 0; i < n_embd; ++i) {
            out[i] = static_cast<float>(sum[i] / static_cast<double>(tokens.size()));
        }
    }
    double norm = 0;
    for (const float v : out) {
        norm += static_cast<double>(v) * v;
    }
    norm = std::sqrt(norm);
    if (norm > 0) {
        for (float& v : out) {
            v = static_cast<float>(v / norm);
        }
    }
    return out;
}

std::string embedding_model_key(const std::string& path) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    return std::filesystem::path(path).filename().string() + ":" + std::to_string(ec ? 0 : size);
}

float dot(std::span<const float> a, std::span<const float> b) {
    const std::size_t n = std::min(a.size(), b.size());
    float acc = 0;
    for (std::size_t i = 0; i < n; ++i) {
        acc += a[i] * b[i];
    }
    return acc;
}

}  // namespace deepdesk
