// SPDX-License-Identifier: GPL-3.0-or-later
// The document library's vector search at desktop scale: a folder of PASSAGES passages indexed,
// each given a DIMS-dimension vector (random unit vectors: the model's speed is not measured
// here), then the flat scan's latency per question, the hybrid search's, the database's size, and
// the scan's time as a ratio to a float dot-product scan of the same vectors held in memory,
// measured in the same run.
//   bench_vectors [DIR] [PASSAGES] [DIMS]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "storage/collections.h"
#include "storage/database.h"

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;
using namespace deepdesk::storage;

double ms_since(clock_type::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

std::vector<float> unit_vector(std::mt19937& rng, int dims) {
    std::normal_distribution<float> normal;
    std::vector<float> v(static_cast<std::size_t>(dims));
    float n = 0;
    for (auto& x : v) {
        x = normal(rng);
        n += x * x;
    }
    for (auto& x : v) {
        x /= std::sqrt(n);
    }
    return v;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const fs::path dir = fs::path(argc > 1 ? argv[1] : fs::temp_directory_path().string()) / "deepdesk-bench-vectors";
    const int passages = argc > 2 ? std::atoi(argv[2]) : 20000;
    const int dims = argc > 3 ? std::atoi(argv[3]) : 1024;
    fs::remove_all(dir);
    const fs::path folder = dir / "docs";
    fs::create_directories(folder);
    // Ten passages a file, each a paragraph of about 900 bytes (one chunk each).
    std::mt19937 rng(11);
    const std::vector<std::string> words{"vector", "index",  "passage", "模型", "检索", "query",
                                         "folder", "memory", "cosine",  "文档", "向量", "search"};
    for (int f = 0; f < (passages + 9) / 10; ++f) {
        std::ofstream out(folder / ("doc" + std::to_string(f) + ".md"));
        for (int p = 0; p < 10; ++p) {
            std::string para = "Passage " + std::to_string(f * 10 + p) + ":";
            while (para.size() < 900) {
                para += " " + words[rng() % words.size()];
            }
            out << para << "\n\n";
        }
    }
    database db((dir / "c.db").string());
    collection_index index(db);
    const auto id = index.create("bench", folder);
    auto t0 = clock_type::now();
    index.index(id);
    const double index_ms = ms_since(t0);
    const auto c = index.find(id);
    std::printf("indexed:         %lld passages in %lld files, %.1f s\n", static_cast<long long>(c->chunks),
                static_cast<long long>(c->files), index_ms / 1000.0);

    t0 = clock_type::now();
    const auto r = index.embed(id, "random", [&](const std::string&) { return unit_vector(rng, dims); });
    const double embed_ms = ms_since(t0);
    std::printf("vectors stored:  %zu of %d dimensions, %.0f vectors/s (the model's time not counted)\n", r.embedded,
                dims, static_cast<double>(r.embedded) / (embed_ms / 1000.0));

    // The same vectors in memory, scanned with the same dot product: the floor for a flat scan.
    std::vector<std::string> blobs;
    {
        SQLite::Statement q(db.sql(), "SELECT vector FROM collection_vectors");
        while (q.executeStep()) {
            blobs.emplace_back(static_cast<const char*>(q.getColumn(0).getBlob()),
                               static_cast<std::size_t>(q.getColumn(0).getBytes()));
        }
    }
    std::vector<double> scan, memory, hybrid;
    float sink = 0;
    for (int i = 0; i < 15; ++i) {
        const auto qv = unit_vector(rng, dims);
        t0 = clock_type::now();
        const auto hits = index.nearest(id, qv, 5);
        scan.push_back(ms_since(t0));
        sink += hits.empty() ? 0.0f : static_cast<float>(hits[0].score);
        t0 = clock_type::now();
        float best = -2;
        for (const auto& b : blobs) {
            best = std::max(best, vector_dot(b.data(), b.size(), qv));
        }
        memory.push_back(ms_since(t0));
        sink += best;
        t0 = clock_type::now();
        sink += static_cast<float>(index.search(id, "vector 检索 memory", 5, qv).size());
        hybrid.push_back(ms_since(t0));
    }
    const double bytes = static_cast<double>(blobs.size()) * static_cast<double>(blobs.empty() ? 0 : blobs[0].size());
    std::printf("flat scan:       %.1f ms per question (median of 15), %.2f GB/s of vectors\n", median(scan),
                bytes / (median(scan) / 1000.0) / 1e9);
    std::printf(
        "in memory:       %.1f ms for a float dot product over the same vectors held in memory;\n"
        "                 the scan from SQLite (an integer dot product) takes %.2fx that\n",
        median(memory), median(scan) / median(memory));
    std::printf("hybrid search:   %.1f ms (BM25 + vectors, fused)\n", median(hybrid));
    std::printf("database:        %.0f MB (%.0f MB of it vectors)\n",
                static_cast<double>(fs::file_size(dir / "c.db")) / 1e6, bytes / 1e6);
    std::printf("(checksum %.3f)\n", static_cast<double>(sink));
    fs::remove_all(dir);
    return 0;
}
