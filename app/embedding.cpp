// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/embedding.h"

#include <cstdint>
#include <span>
#include <stdexcept>

#include "engine/embedder.h"
#include "engine/model.h"

namespace deepdesk::app {

std::shared_ptr<Embedding> Embedding::open(const std::string& path, int threads) {
    std::shared_ptr<Embedding> e(new Embedding());
    e->m_path = path;
    e->m_model = model::load(path);
    embedder_params p;
    p.n_ctx = 1024;  // a passage is about 1,200 bytes: a few hundred tokens
    p.n_threads = threads;
    e->m_embedder = std::make_unique<embedder>(*e->m_model, p);
    // One token through it now, so a file that loads but cannot embed (a deepseek2 model) is
    // refused here with the reason, not at the first passage.
    const std::int32_t probe = 0;
    e->m_embedder->embed_tokens(std::span(&probe, 1));
    if (!e->m_embedder->reads_text()) {
        throw std::runtime_error(path + ": the file has no vocabulary, so it cannot read text");
    }
    e->m_key = embedding_model_key(path);
    return e;
}

Embedding::~Embedding() = default;

std::size_t Embedding::dims() const { return m_embedder->dims(); }

std::vector<float> Embedding::passage(const std::string& text, const std::atomic<bool>* cancel, std::size_t* tokens) {
    const std::lock_guard lock(m_mutex);
    const auto ids = m_embedder->tokens_of(text);
    if (tokens != nullptr) {
        *tokens = ids.size();
    }
    return m_embedder->embed_tokens(ids, cancel);
}

std::vector<float> Embedding::query(const std::string& question) {
    const std::lock_guard lock(m_mutex);
    return m_embedder->embed(m_embedder->query_text(question));
}

}  // namespace deepdesk::app
