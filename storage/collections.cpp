// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/collections.h"

#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <system_error>

#include "storage/conversation_store.h"
#include "storage/retrieval.h"

namespace deepdesk::storage {
namespace fs = std::filesystem;
namespace {

constexpr std::uintmax_t k_max_file_bytes = 32ull * 1024 * 1024;

std::string lower_extension(const fs::path& p) {
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e;
}

bool valid_utf8(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += n;
    }
    return true;
}

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

}  // namespace

bool indexable_name(const fs::path& path) {
    static const std::array<const char*, 42> kinds{
        ".txt",  ".md",  ".markdown", ".rst", ".org", ".csv", ".tsv", ".json", ".jsonl", ".yaml",  ".yml",
        ".toml", ".xml", ".html",     ".htm", ".tex", ".log", ".ini", ".cfg",  ".py",    ".c",     ".cc",
        ".cpp",  ".h",   ".hpp",      ".js",  ".ts",  ".rs",  ".go",  ".java", ".kt",    ".swift", ".rb",
        ".php",  ".sh",  ".sql",      ".lua", ".r",   ".m",   ".cs",  ".qml",  ".pdf"};
    const std::string e = lower_extension(path);
    return std::find(kinds.begin(), kinds.end(), e) != kinds.end();
}

extracted_text read_text_file(const fs::path& path) {
    extracted_text out;
    if (lower_extension(path) == ".pdf") {
        out.error = "PDF files are read by the app (this reader takes text files only)";
        return out;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.error = "cannot be read";
        return out;
    }
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find('\0') != std::string::npos || !valid_utf8(bytes)) {
        out.error = "not UTF-8 text";
        return out;
    }
    if (starts_with(bytes, "\xEF\xBB\xBF")) {
        bytes.erase(0, 3);
    }
    out.text = std::move(bytes);
    return out;
}

std::int64_t collection_index::create(const std::string& name, const fs::path& folder) {
    std::error_code ec;
    if (name.empty()) {
        throw std::invalid_argument("a collection needs a name");
    }
    if (!fs::is_directory(folder, ec)) {
        throw std::invalid_argument("not a folder: " + folder.string());
    }
    if (find(name)) {
        throw std::invalid_argument("there is already a collection named '" + name + "'");
    }
    SQLite::Statement q(m_db.sql(), "INSERT INTO collections (name, folder) VALUES (?, ?)");
    q.bind(1, name);
    q.bind(2, fs::canonical(folder, ec).string());
    q.exec();
    return m_db.sql().getLastInsertRowid();
}

std::vector<collection> collection_index::list() {
    SQLite::Statement q(m_db.sql(),
                        "SELECT c.id, c.name, c.folder, c.indexed_at,"
                        " (SELECT COUNT(*) FROM collection_files f WHERE f.collection_id = c.id AND f.error = ''),"
                        " (SELECT COUNT(*) FROM collection_chunks k JOIN collection_files f ON f.id = k.file_id"
                        "  WHERE f.collection_id = c.id), c.embedding_model,"
                        " (SELECT COUNT(*) FROM collection_vectors v JOIN collection_chunks k ON k.id = v.chunk_id"
                        "  JOIN collection_files f ON f.id = k.file_id WHERE f.collection_id = c.id)"
                        " FROM collections c ORDER BY c.name");
    std::vector<collection> out;
    while (q.executeStep()) {
        collection c;
        c.id = q.getColumn(0).getInt64();
        c.name = q.getColumn(1).getString();
        c.folder = q.getColumn(2).getString();
        c.indexed_at = q.getColumn(3).getInt64();
        c.files = q.getColumn(4).getInt64();
        c.chunks = q.getColumn(5).getInt64();
        c.embedding_model = q.getColumn(6).getString();
        c.vectors = q.getColumn(7).getInt64();
        out.push_back(std::move(c));
    }
    // The files left out, with why (kept from the last indexing, so they show after a restart).
    SQLite::Statement skipped(m_db.sql(),
                              "SELECT path, error FROM collection_files WHERE collection_id = ? AND error != ''"
                              " ORDER BY path LIMIT 1000");
    for (auto& c : out) {
        skipped.reset();
        skipped.bind(1, c.id);
        while (skipped.executeStep()) {
            c.skipped.emplace_back(skipped.getColumn(0).getString(), skipped.getColumn(1).getString());
        }
    }
    return out;
}

std::optional<collection> collection_index::find(std::int64_t id) {
    for (auto& c : list()) {
        if (c.id == id) {
            return c;
        }
    }
    return std::nullopt;
}

std::optional<collection> collection_index::find(const std::string& name) {
    for (auto& c : list()) {
        if (c.name == name) {
            return c;
        }
    }
    return std::nullopt;
}

void collection_index::remove(std::int64_t id) {
    SQLite::Statement q(m_db.sql(), "DELETE FROM collections WHERE id = ?");
    q.bind(1, id);
    q.exec();
}

index_result collection_index::index(std::int64_t id, const text_extractor& extract,
                                     const std::function<bool(const index_progress&)>& progress) {
    const auto c = find(id);
    if (!c) {
        throw std::invalid_argument("no such collection");
    }
    index_result r;
    std::error_code ec;
    const fs::path root = fs::canonical(c->folder, ec);
    if (ec || !fs::is_directory(root)) {
        throw std::runtime_error("the folder of '" + c->name + "' is gone: " + c->folder);
    }
    // What is there now: files inside the folder, hidden ones and links leading out left aside.
    struct found {
        std::uintmax_t size;
        std::int64_t mtime;
    };
    std::map<std::string, found> now;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        const std::string leaf = p.filename().string();
        if (!leaf.empty() && leaf[0] == '.') {
            if (it->is_directory(ec)) {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (!it->is_regular_file(ec) || !indexable_name(p)) {
            continue;
        }
        const fs::path real = fs::canonical(p, ec);
        if (ec) {
            ec.clear();
            continue;
        }
        const auto rel_to_root = real.lexically_relative(root);
        if (rel_to_root.empty() || starts_with(rel_to_root.string(), "..")) {
            continue;  // a link to somewhere the user did not choose
        }
        const auto size = fs::file_size(real, ec);
        const auto mtime = fs::last_write_time(real, ec).time_since_epoch();
        if (ec) {
            ec.clear();
            continue;
        }
        now[p.lexically_relative(root).generic_string()] = {
            size, std::chrono::duration_cast<std::chrono::nanoseconds>(mtime).count()};
    }
    // What the index has.
    std::map<std::string, std::pair<std::int64_t, found>> known;
    {
        SQLite::Statement q(m_db.sql(), "SELECT id, path, size, mtime FROM collection_files WHERE collection_id = ?");
        q.bind(1, id);
        while (q.executeStep()) {
            known[q.getColumn(1).getString()] = {
                q.getColumn(0).getInt64(),
                {static_cast<std::uintmax_t>(q.getColumn(2).getInt64()), q.getColumn(3).getInt64()}};
        }
    }
    for (const auto& [path, k] : known) {
        if (now.count(path) == 0) {
            SQLite::Statement del(m_db.sql(), "DELETE FROM collection_files WHERE id = ?");
            del.bind(1, k.first);
            del.exec();
            ++r.removed;
        }
    }
    index_progress p;
    p.total = now.size();
    for (const auto& [path, f] : now) {
        p.current = path;
        if (progress && !progress(p)) {
            break;
        }
        ++p.done;
        const auto k = known.find(path);
        if (k != known.end() && k->second.second.size == f.size && k->second.second.mtime == f.mtime) {
            ++r.unchanged;
            continue;
        }
        extracted_text t;
        if (f.size > k_max_file_bytes) {
            t.error = "larger than 32 MB";
        } else {
            try {
                t = extract(root / fs::path(path));
            } catch (const std::exception& e) {
                t.error = e.what();
            }
        }
        const std::string ext = lower_extension(path);
        const auto chunks =
            t.error.empty() ? chunk_document(t.text, ext == ".md" || ext == ".markdown") : std::vector<chunk>{};
        SQLite::Savepoint tx(m_db.sql(), "index_file");
        if (k != known.end()) {
            SQLite::Statement del(m_db.sql(), "DELETE FROM collection_files WHERE id = ?");
            del.bind(1, k->second.first);
            del.exec();
        }
        SQLite::Statement add(
            m_db.sql(),
            "INSERT INTO collection_files (collection_id, path, size, mtime, error) VALUES (?, ?, ?, ?, ?)");
        add.bind(1, id);
        add.bind(2, path);
        add.bind(3, static_cast<std::int64_t>(f.size));
        add.bind(4, f.mtime);
        add.bind(5, t.error);
        add.exec();
        const std::int64_t file_id = m_db.sql().getLastInsertRowid();
        SQLite::Statement piece(m_db.sql(),
                                "INSERT INTO collection_chunks (file_id, position, heading, page, line, text) "
                                "VALUES (?, ?, ?, ?, ?, ?)");
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            piece.reset();
            piece.bind(1, file_id);
            piece.bind(2, static_cast<std::int64_t>(i));
            piece.bind(3, chunks[i].heading);
            piece.bind(4, chunks[i].page);
            piece.bind(5, chunks[i].line);
            piece.bind(6, chunks[i].text);
            piece.exec();
        }
        tx.release();
        if (!t.error.empty()) {
            ++r.failed;
            r.errors.emplace_back(path, t.error);
        } else if (k != known.end()) {
            ++r.updated;
        } else {
            ++r.added;
        }
    }
    SQLite::Statement done(m_db.sql(), "UPDATE collections SET indexed_at = ? WHERE id = ?");
    done.bind(1, now_ms());
    done.bind(2, id);
    done.exec();
    return r;
}

std::string encode_vector(std::span<const float> v) {
    float top = 0;
    for (const float x : v) {
        top = std::max(top, std::fabs(x));
    }
    const float scale = top > 0 ? top / 127.0f : 1.0f;
    std::string out(sizeof(float) + v.size(), '\0');
    std::memcpy(out.data(), &scale, sizeof scale);
    for (std::size_t i = 0; i < v.size(); ++i) {
        const long q = std::lround(v[i] / scale);
        out[sizeof(float) + i] = static_cast<char>(static_cast<std::int8_t>(std::clamp(q, -127L, 127L)));
    }
    return out;
}

float vector_dot(const void* blob, std::size_t bytes, std::span<const float> query) {
    if (bytes != sizeof(float) + query.size()) {
        return -2.0f;  // made by a model of another size: never near
    }
    float scale;
    std::memcpy(&scale, blob, sizeof scale);
    const auto* q8 = static_cast<const std::int8_t*>(blob) + sizeof(float);
    float acc = 0;
    for (std::size_t i = 0; i < query.size(); ++i) {
        acc += static_cast<float>(q8[i]) * query[i];
    }
    return acc * scale;
}

namespace {

// The question quantized once like the kept vectors, so the scan is an integer dot product (which
// the compiler turns into SIMD) rather than int8-to-float conversions.
struct quantized_query {
    std::vector<std::int16_t> q;  // int8 values, widened for the multiply-add
    float scale = 1.0f;
};

quantized_query quantize_query(std::span<const float> v) {
    const std::string blob = encode_vector(v);
    quantized_query out;
    std::memcpy(&out.scale, blob.data(), sizeof(float));
    out.q.resize(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        out.q[i] = static_cast<std::int8_t>(blob[sizeof(float) + i]);
    }
    return out;
}

float quantized_dot(const void* blob, std::size_t bytes, const quantized_query& query) {
    if (bytes != sizeof(float) + query.q.size()) {
        return -2.0f;
    }
    float scale;
    std::memcpy(&scale, blob, sizeof scale);
    const auto* v = static_cast<const std::int8_t*>(blob) + sizeof(float);
    std::int32_t acc = 0;
    for (std::size_t i = 0; i < query.q.size(); ++i) {
        acc += static_cast<std::int32_t>(v[i]) * query.q[i];
    }
    return static_cast<float>(acc) * scale * query.scale;
}

}  // namespace

std::string collection_index::embedding_model(std::int64_t id) {
    SQLite::Statement q(m_db.sql(), "SELECT embedding_model FROM collections WHERE id = ?");
    q.bind(1, id);
    return q.executeStep() ? q.getColumn(0).getString() : std::string();
}

void collection_index::drop_vectors(std::int64_t id) {
    SQLite::Transaction tx(m_db.sql());
    SQLite::Statement del(m_db.sql(),
                          "DELETE FROM collection_vectors WHERE chunk_id IN (SELECT k.id FROM collection_chunks k"
                          " JOIN collection_files f ON f.id = k.file_id WHERE f.collection_id = ?)");
    del.bind(1, id);
    del.exec();
    SQLite::Statement set(m_db.sql(), "UPDATE collections SET embedding_model = '' WHERE id = ?");
    set.bind(1, id);
    set.exec();
    tx.commit();
}

embed_result collection_index::embed(std::int64_t id, const std::string& model, const text_embedder& embed_text,
                                     const std::function<bool(const index_progress&)>& progress) {
    if (model.empty()) {
        throw std::invalid_argument("an embedding model needs a name");
    }
    if (embedding_model(id) != model) {
        drop_vectors(id);
        SQLite::Statement set(m_db.sql(), "UPDATE collections SET embedding_model = ? WHERE id = ?");
        set.bind(1, model);
        set.bind(2, id);
        set.exec();
    }
    struct todo {
        std::int64_t chunk;
        std::string path, text;
    };
    std::vector<todo> missing;
    {
        SQLite::Statement q(m_db.sql(),
                            "SELECT k.id, f.path, k.heading, k.text FROM collection_chunks k"
                            " JOIN collection_files f ON f.id = k.file_id"
                            " LEFT JOIN collection_vectors v ON v.chunk_id = k.id"
                            " WHERE f.collection_id = ? AND v.chunk_id IS NULL ORDER BY k.id");
        q.bind(1, id);
        while (q.executeStep()) {
            const std::string heading = q.getColumn(2).getString();
            std::string text = q.getColumn(3).getString();
            if (!heading.empty()) {
                text = heading + "\n\n" + text;  // the heading path says what the passage is about
            }
            missing.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), std::move(text)});
        }
    }
    embed_result r;
    r.total = missing.size();
    SQLite::Statement put(m_db.sql(), "INSERT OR REPLACE INTO collection_vectors(chunk_id, vector) VALUES (?, ?)");
    for (const todo& t : missing) {
        if (progress && !progress({r.embedded, r.total, t.path})) {
            r.cancelled = true;
            break;
        }
        const std::vector<float> v = embed_text(t.text);
        if (v.empty()) {
            r.cancelled = true;
            break;
        }
        const std::string blob = encode_vector(v);
        put.reset();
        put.bind(1, t.chunk);
        put.bind(2, blob.data(), static_cast<int>(blob.size()));
        put.exec();
        ++r.embedded;
    }
    return r;
}

std::vector<collection_hit> collection_index::nearest(std::int64_t id, std::span<const float> query_vector,
                                                      std::size_t k) {
    std::vector<std::pair<float, std::int64_t>> best;  // (similarity, chunk), a min-heap of k
    SQLite::Statement q(m_db.sql(),
                        "SELECT v.chunk_id, v.vector FROM collection_vectors v"
                        " JOIN collection_chunks k ON k.id = v.chunk_id JOIN collection_files f ON f.id = k.file_id"
                        " WHERE f.collection_id = ?");
    q.bind(1, id);
    const auto worse = [](const auto& a, const auto& b) { return a.first > b.first; };
    const quantized_query query = quantize_query(query_vector);
    while (q.executeStep()) {
        const SQLite::Column blob = q.getColumn(1);
        const float sim = quantized_dot(blob.getBlob(), static_cast<std::size_t>(blob.getBytes()), query);
        if (best.size() < k) {
            best.emplace_back(sim, q.getColumn(0).getInt64());
            std::push_heap(best.begin(), best.end(), worse);
        } else if (k > 0 && sim > best.front().first) {
            std::pop_heap(best.begin(), best.end(), worse);
            best.back() = {sim, q.getColumn(0).getInt64()};
            std::push_heap(best.begin(), best.end(), worse);
        }
    }
    std::sort_heap(best.begin(), best.end(), worse);
    std::vector<collection_hit> out;
    SQLite::Statement one(m_db.sql(),
                          "SELECT f.path, k.heading, k.page, k.line, k.text FROM collection_chunks k"
                          " JOIN collection_files f ON f.id = k.file_id WHERE k.id = ?");
    for (const auto& [sim, chunk] : best) {
        one.reset();
        one.bind(1, chunk);
        if (!one.executeStep()) {
            continue;
        }
        collection_hit h;
        h.chunk_id = chunk;
        h.path = one.getColumn(0).getString();
        h.heading = one.getColumn(1).getString();
        h.page = one.getColumn(2).getInt();
        h.line = one.getColumn(3).getInt();
        h.text = one.getColumn(4).getString();
        h.score = -sim;  // lower is better, as with BM25
        out.push_back(std::move(h));
    }
    return out;
}

std::vector<collection_hit> collection_index::search(std::int64_t id, const std::string& question, std::size_t k,
                                                     std::span<const float> query_vector) {
    if (query_vector.empty()) {
        return search(id, question, k);
    }
    // Reciprocal rank fusion of the two lists (each cut at a depth well past k): what both find
    // rises, and either alone can still bring a passage the other missed.
    const std::size_t depth = std::max<std::size_t>(50, 4 * k);
    const auto lexical = search(id, question, depth);
    const auto semantic = nearest(id, query_vector, depth);
    if (semantic.empty()) {
        return search(id, question, k);
    }
    constexpr double k_rrf = 60.0;
    std::map<std::int64_t, std::pair<double, collection_hit>> fused;
    for (const auto* list : {&lexical, &semantic}) {
        for (std::size_t rank = 0; rank < list->size(); ++rank) {
            const collection_hit& h = (*list)[rank];
            auto [it, added] = fused.try_emplace(h.chunk_id, 0.0, h);
            it->second.first += 1.0 / (k_rrf + static_cast<double>(rank + 1));
        }
    }
    std::vector<collection_hit> out;
    for (auto& [chunk, entry] : fused) {
        entry.second.score = -entry.first;
        out.push_back(std::move(entry.second));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score < b.score; });
    if (out.size() > k) {
        out.resize(k);
    }
    return out;
}

std::vector<collection_hit> collection_index::search(std::int64_t id, const std::string& question, std::size_t k) {
    std::vector<collection_hit> out;
    const std::string query = fts_query(question);
    if (query.empty()) {
        return out;
    }
    SQLite::Statement q(m_db.sql(),
                        "SELECT k.id, f.path, k.heading, k.page, k.line, k.text, bm25(collection_chunks_fts)"
                        " FROM collection_chunks_fts JOIN collection_chunks k ON k.id = collection_chunks_fts.rowid"
                        " JOIN collection_files f ON f.id = k.file_id"
                        " WHERE collection_chunks_fts MATCH ? AND f.collection_id = ?"
                        " ORDER BY bm25(collection_chunks_fts) LIMIT ?");
    q.bind(1, query);
    q.bind(2, id);
    q.bind(3, static_cast<std::int64_t>(k));
    while (q.executeStep()) {
        collection_hit h;
        h.chunk_id = q.getColumn(0).getInt64();
        h.path = q.getColumn(1).getString();
        h.heading = q.getColumn(2).getString();
        h.page = q.getColumn(3).getInt();
        h.line = q.getColumn(4).getInt();
        h.text = q.getColumn(5).getString();
        h.score = q.getColumn(6).getDouble();
        out.push_back(std::move(h));
    }
    return out;
}

std::string source_label(const collection_hit& hit) {
    std::string s = hit.path;
    if (hit.page > 0) {
        s += ", page " + std::to_string(hit.page);
    }
    s += ", line " + std::to_string(hit.line);
    if (!hit.heading.empty()) {
        s += " (" + hit.heading + ")";
    }
    return s;
}

std::vector<cited_source> cited_sources(const std::vector<collection_hit>& hits) {
    std::vector<cited_source> out;
    for (const auto& h : hits) {
        out.push_back({source_label(h), h.text});
    }
    return out;
}

std::string grounded_prompt(const std::string& question, const std::vector<cited_source>& sources) {
    std::string out =
        "Answer from the sources below. Cite each source you use by its number, like [1]. "
        "If they do not contain the answer, say so.\n\n";
    for (std::size_t i = 0; i < sources.size(); ++i) {
        out += "<source id=\"" + std::to_string(i + 1) + "\" from=\"" + sources[i].label + "\">\n" + sources[i].text +
               "\n</source>\n\n";
    }
    return out + "Question: " + question;
}

}  // namespace deepdesk::storage
