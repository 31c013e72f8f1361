// SPDX-License-Identifier: GPL-3.0-or-later
// The embedding model the user chose for the document library, shared by the indexing thread (it
// embeds passages) and the chat's storage thread (it embeds questions): one model, one embedder,
// used by one thread at a time. Opening it reads the file's header and maps it; nothing of it runs
// on the GUI thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace deepdesk {
class model;
class embedder;
}  // namespace deepdesk

namespace deepdesk::app {

class Embedding {
public:
    // Opens `path`; throws std::exception with a message a user can act on (not a file, not a
    // model, an architecture that cannot embed, a reranker, no vocabulary).
    static std::shared_ptr<Embedding> open(const std::string& path, int threads = 0);
    ~Embedding();

    const std::string& path() const { return m_path; }
    // Names the vectors it makes (engine/embedder.h): file name and size.
    const std::string& key() const { return m_key; }
    std::size_t dims() const;

    // A passage's vector (and the tokens it took); empty when `cancel` was raised.
    std::vector<float> passage(const std::string& text, const std::atomic<bool>* cancel = nullptr,
                               std::size_t* tokens = nullptr);
    // A question's vector, in the model's query form.
    std::vector<float> query(const std::string& question);

private:
    Embedding() = default;
    std::string m_path, m_key;
    std::unique_ptr<model> m_model;
    std::unique_ptr<embedder> m_embedder;
    std::mutex m_mutex;
};

}  // namespace deepdesk::app
