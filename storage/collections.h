// SPDX-License-Identifier: GPL-3.0-or-later
// A local document library: collections, each a folder the user chose, indexed into chunks that
// follow the documents' structure (Markdown headings, paragraphs, PDF pages) with where each one
// is (file, page, line), kept in SQLite with an FTS5 trigram index (so Chinese is searched like
// English) and retrieved by BM25. Indexing is incremental (size and modification time) and only
// ever reads files inside the folder. The app and `deepdesk-cli index`/`ask` share it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/retrieval.h"

namespace deepdesk::storage {

struct collection {
    std::int64_t id = 0;
    std::string name, folder;
    std::int64_t files = 0, chunks = 0;                        // files indexed (those skipped are not counted)
    std::vector<std::pair<std::string, std::string>> skipped;  // files left out: path, why
    std::int64_t indexed_at = 0;                               // ms since the Unix epoch; 0: never
    std::string embedding_model;                               // what made its vectors ("" none)
    std::int64_t vectors = 0;                                  // chunks with a vector
};

// A document's text. Paged documents (PDF) mark each page with a line "[Page N]".
struct extracted_text {
    std::string text;
    std::string error;  // why the file gives no text (empty: it does)
};
// Reads a file into text; the app's reads PDF too, the default reads text files only.
using text_extractor = std::function<extracted_text(const std::filesystem::path&)>;
// UTF-8 text files (by their name: .txt, .md, code, .csv, .json, ...); PDF and binary files say why not.
extracted_text read_text_file(const std::filesystem::path& path);
// Whether a file's name says it is worth indexing (text, Markdown, code, data, PDF).
bool indexable_name(const std::filesystem::path& path);

struct index_progress {
    std::size_t done = 0, total = 0;
    std::string current;  // the file being read
};
struct index_result {
    std::size_t added = 0, updated = 0, removed = 0, unchanged = 0, failed = 0;
    std::vector<std::pair<std::string, std::string>> errors;  // file, why
};

// A text to a unit vector (an embedding model's); empty when cancelled. Storage stays free of the
// engine: the app and the CLI pass the engine's embedder.
using text_embedder = std::function<std::vector<float>(const std::string&)>;
struct embed_result {
    std::size_t embedded = 0, total = 0;
    bool cancelled = false;
};

// Vectors as kept: a float32 scale, then one int8 per dimension (a quarter of float32's room; the
// cosine moves by about 1e-3, far less than what separates relevant passages).
std::string encode_vector(std::span<const float> v);
// The dot product of a kept vector with a float one (-2 when their sizes differ).
float vector_dot(const void* blob, std::size_t bytes, std::span<const float> query);

struct collection_hit {
    std::int64_t chunk_id = 0;
    std::string path;  // relative to the collection's folder
    std::string heading;
    int page = 0, line = 1;
    std::string text;
    double score = 0;  // BM25 (lower is better, as SQLite gives it)
};

class collection_index {
public:
    explicit collection_index(database& db) : m_db(db) {}

    // A new collection of `folder` (which must be a folder); throws std::invalid_argument.
    std::int64_t create(const std::string& name, const std::filesystem::path& folder);
    std::vector<collection> list();
    std::optional<collection> find(std::int64_t id);
    std::optional<collection> find(const std::string& name);
    void remove(std::int64_t id);

    // Brings the index up to date with the folder: new and changed files read again, deleted
    // ones dropped; files inside the folder only (links leading out are not followed).
    // `progress` is called per file; returning false stops (what was indexed stays).
    index_result index(std::int64_t id, const text_extractor& extract = read_text_file,
                       const std::function<bool(const index_progress&)>& progress = {});

    // The `k` chunks most relevant to `question` (BM25 over trigrams).
    std::vector<collection_hit> search(std::int64_t id, const std::string& question, std::size_t k = 5);
    // Hybrid: BM25 and, when the collection has vectors, cosine similarity to `query_vector`
    // (the question embedded by the same model), fused by reciprocal rank.
    std::vector<collection_hit> search(std::int64_t id, const std::string& question, std::size_t k,
                                       std::span<const float> query_vector);
    // The `k` chunks whose vectors are nearest `query_vector` (a flat scan; score = -cosine).
    std::vector<collection_hit> nearest(std::int64_t id, std::span<const float> query_vector, std::size_t k);

    // The embedding model the collection's vectors come from ("" none).
    std::string embedding_model(std::int64_t id);
    // Gives every chunk that has no vector one from `embed`, made by `model` (a name that changes
    // with the model: vectors of another are dropped first). Chunks of files indexed again lose
    // theirs, so this is incremental like index(). `progress` per chunk; false stops.
    embed_result embed(std::int64_t id, const std::string& model, const text_embedder& embed,
                       const std::function<bool(const index_progress&)>& progress = {});
    // Drops the vectors (the collection goes back to BM25 alone).
    void drop_vectors(std::int64_t id);

private:
    database& m_db;
};

// Where a hit is, as a reader reads it: "path, page p, line l (heading)".
std::string source_label(const collection_hit& hit);
// A passage given to the model as a source, with where it is from.
struct cited_source {
    std::string label, text;
};
std::vector<cited_source> cited_sources(const std::vector<collection_hit>& hits);
// A question with its sources numbered [1]..[n], for the model to answer from and cite.
std::string grounded_prompt(const std::string& question, const std::vector<cited_source>& sources);

}  // namespace deepdesk::storage
