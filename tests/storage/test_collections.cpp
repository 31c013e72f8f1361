// SPDX-License-Identifier: GPL-3.0-or-later
// The document library: chunks that follow the documents' structure, incremental indexing of a
// folder (only what is inside it), BM25 retrieval in Chinese and English, and its quality on a
// labelled set (tests/data/collection-labels.json): recall@5, printed and held to a floor.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "storage/collections.h"
#include "tests/storage/test_support.h"

namespace deepdesk::storage {
namespace {

namespace fs = std::filesystem;
using CollectionsTest = testing::TempDirTest;

const fs::path k_fixture = fs::path(DEEPDESK_SOURCE_DIR) / "tests" / "data" / "collection";

void write(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
}

TEST(Chunks, FollowHeadingsParagraphsAndPages) {
    const std::string md =
        "# Guide\n\nIntro text.\n\n## Setup\n\nStep one.\n\nStep two.\n\n```\n# not a heading\n```\n";
    const auto chunks = chunk_document(md, true, 1200);
    ASSERT_EQ(chunks.size(), 2u);
    EXPECT_EQ(chunks[0].heading, "Guide");
    EXPECT_EQ(chunks[0].line, 1);
    EXPECT_EQ(chunks[1].heading, "Guide > Setup");
    EXPECT_EQ(chunks[1].line, 5);
    EXPECT_NE(chunks[1].text.find("# not a heading"), std::string::npos);

    const auto pages = chunk_document("[Page 1]\nfirst page\n\n[Page 2]\nsecond\nstill second\n", false);
    ASSERT_EQ(pages.size(), 2u);
    EXPECT_EQ(pages[1].page, 2);
    EXPECT_EQ(pages[1].line, 1);
    EXPECT_EQ(pages[1].text, "second\nstill second");

    std::string long_text;
    for (int i = 0; i < 200; ++i) {
        long_text += "Paragraph " + std::to_string(i) + " has some words in it.\n\n";
    }
    const auto many = chunk_document(long_text, false, 600);
    EXPECT_GT(many.size(), 5u);
    std::size_t total = 0;
    for (const auto& c : many) {
        EXPECT_LE(c.text.size(), 600u);
        total += c.text.size();
    }
    EXPECT_GT(total, long_text.size() / 2);
}

TEST_F(CollectionsTest, IndexesTheFolderIncrementallyAndOnlyWhatIsInIt) {
    const fs::path folder = path("docs");
    fs::copy(k_fixture, folder, fs::copy_options::recursive);
    write(folder / "notes" / "latin1.txt", "caf\xe9");              // not UTF-8
    write(folder / ".hidden" / "secret.md", "password hunter2\n");  // hidden: left aside
    write(path("outside.md"), "outside the chosen folder: zebra crossing\n");
    fs::create_symlink(path("outside.md"), folder / "link.md");  // leads out: not followed
    database db(path("c.db"));
    collection_index index(db);
    const auto id = index.create("docs", folder);
    EXPECT_THROW(index.create("docs", folder), std::invalid_argument);
    EXPECT_THROW(index.create("x", path("missing")), std::invalid_argument);

    auto r = index.index(id);
    EXPECT_EQ(r.added, 11u);
    EXPECT_EQ(r.failed, 1u);
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].first, "notes/latin1.txt");
    EXPECT_TRUE(index.search(id, "hunter2 password").empty());
    EXPECT_TRUE(index.search(id, "zebra crossing").empty());
    const auto c = index.find("docs");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->files, 11);  // the one that cannot be read is listed apart, with why
    ASSERT_EQ(c->skipped.size(), 1u);
    EXPECT_EQ(c->skipped[0].first, "notes/latin1.txt");
    EXPECT_EQ(c->skipped[0].second, "not UTF-8 text");
    EXPECT_GT(c->chunks, 20);

    r = index.index(id);  // nothing changed
    EXPECT_EQ(r.unchanged, 12u);
    EXPECT_EQ(r.added + r.updated + r.removed, 0u);

    write(folder / "notes" / "recipes.txt", "Pancakes: 200 g flour, two eggs, 300 ml milk.\n");
    fs::last_write_time(folder / "notes" / "recipes.txt", fs::file_time_type::clock::now() + std::chrono::seconds(5));
    fs::remove(folder / "notes" / "config.json");
    r = index.index(id);
    EXPECT_EQ(r.updated, 1u);
    EXPECT_EQ(r.removed, 1u);
    EXPECT_TRUE(index.search(id, "sourdough").empty());
    ASSERT_FALSE(index.search(id, "pancakes milk").empty());
    EXPECT_EQ(index.search(id, "pancakes milk")[0].path, "notes/recipes.txt");

    // Chinese, with where the answer is.
    const auto hits = index.search(id, "红烧肉要炖多久？");
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].path, "notes/菜谱.txt");
    EXPECT_NE(source_label(hits[0]).find("notes/菜谱.txt, line "), std::string::npos);
    const std::string prompt = grounded_prompt("红烧肉要炖多久？", cited_sources(hits));
    EXPECT_NE(prompt.find("<source id=\"1\" from=\"notes/菜谱.txt"), std::string::npos);

    index.remove(id);
    EXPECT_TRUE(index.list().empty());
    EXPECT_EQ(db.sql().execAndGet("SELECT COUNT(*) FROM collection_chunks").getInt(), 0);
}

// A stand-in for an embedding model: words (and CJK characters) hashed into 64 dimensions, with a
// few synonyms mapped to one word, so it knows what BM25 cannot: "automobile" is a "car".
std::vector<float> toy_embedding(const std::string& text) {
    static const std::map<std::string, std::string> same{
        {"automobile", "car"}, {"vehicle", "car"}, {"physician", "doctor"}};
    std::vector<float> v(64, 0.0f);
    auto add = [&](std::string w) {
        if (const auto it = same.find(w); it != same.end()) {
            w = it->second;
        }
        v[std::hash<std::string>{}(w) % v.size()] += 1.0f;
    };
    std::string word;
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (std::isalnum(c)) {
            word += static_cast<char>(std::tolower(c));
            ++i;
            continue;
        }
        if (!word.empty()) {
            add(word);
            word.clear();
        }
        const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (len > 1) {
            add(text.substr(i, len));
        }
        i += len;
    }
    if (!word.empty()) {
        add(word);
    }
    float norm = 0;
    for (const float x : v) {
        norm += x * x;
    }
    for (float& x : v) {
        x = norm > 0 ? x / std::sqrt(norm) : 0.0f;
    }
    return v;
}

TEST(Vectors, KeptInEightBitsTheCosineMovesLittle) {
    std::mt19937 rng(3);
    std::normal_distribution<float> normal;
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<float> a(1024), b(1024);
        float na = 0, nb = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] = normal(rng);
            b[i] = 0.5f * a[i] + normal(rng);
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        float exact = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] /= std::sqrt(na);
            b[i] /= std::sqrt(nb);
            exact += a[i] * b[i];
        }
        const std::string blob = encode_vector(a);
        EXPECT_EQ(blob.size(), 4u + 1024u);
        EXPECT_NEAR(vector_dot(blob.data(), blob.size(), b), exact, 2e-3);
        EXPECT_NEAR(vector_dot(blob.data(), blob.size(), a), 1.0f, 2e-3);
        EXPECT_EQ(vector_dot(blob.data(), blob.size(), std::span(b).first(512)), -2.0f);
    }
}

TEST_F(CollectionsTest, VectorsAreMadeOnceKeptWithTheirChunksAndRemadeForANewModel) {
    const fs::path folder = path("docs");
    fs::copy(k_fixture, folder, fs::copy_options::recursive);
    database db(path("c.db"));
    collection_index index(db);
    const auto id = index.create("docs", folder);
    index.index(id);
    int calls = 0;
    const text_embedder counted = [&](const std::string& t) {
        ++calls;
        return toy_embedding(t);
    };
    // Stopped after five: those stay, the next run makes the rest.
    auto r = index.embed(id, "toy-1", counted, [](const index_progress& p) { return p.done < 5; });
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(r.embedded, 5u);
    r = index.embed(id, "toy-1", counted);
    const auto c = index.find(id);
    ASSERT_TRUE(c);
    EXPECT_EQ(r.embedded + 5, static_cast<std::size_t>(c->chunks));
    EXPECT_EQ(c->vectors, c->chunks);
    EXPECT_EQ(c->embedding_model, "toy-1");
    EXPECT_EQ(calls, c->chunks);

    calls = 0;
    EXPECT_EQ(index.embed(id, "toy-1", counted).embedded, 0u);  // nothing new
    write(folder / "notes" / "recipes.txt", "Pancakes: 200 g flour, two eggs, 300 ml milk.\n");
    fs::last_write_time(folder / "notes" / "recipes.txt", fs::file_time_type::clock::now() + std::chrono::seconds(5));
    index.index(id);
    EXPECT_EQ(index.embed(id, "toy-1", counted).embedded, 1u);  // the changed file's one chunk
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(index.find(id)->vectors, index.find(id)->chunks);

    // Another model: every vector again.
    r = index.embed(id, "toy-2", counted);
    EXPECT_EQ(static_cast<std::int64_t>(r.embedded), index.find(id)->chunks);
    EXPECT_EQ(index.embedding_model(id), "toy-2");
    // An embedder that gives nothing (cancelled) stops the run without a vector written.
    index.drop_vectors(id);
    EXPECT_EQ(index.find(id)->vectors, 0);
    EXPECT_EQ(index.embedding_model(id), "");
    r = index.embed(id, "toy-2", [](const std::string&) { return std::vector<float>(); });
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(index.find(id)->vectors, 0);

    index.embed(id, "toy-2", counted);
    index.remove(id);
    EXPECT_EQ(db.sql().execAndGet("SELECT COUNT(*) FROM collection_vectors").getInt(), 0);
}

TEST_F(CollectionsTest, HybridSearchFindsWhatOnlyTheVectorsKnow) {
    const fs::path folder = path("docs");
    write(folder / "garage.md", "# Garage\n\nThe car needs new brake pads and an oil change every spring.\n");
    write(folder / "clinic.md", "# Clinic\n\nSee the doctor on Tuesday mornings; bring the insurance card.\n");
    write(folder / "garden.md", "# Garden\n\nWater the tomatoes at dawn; the roses need pruning in March.\n");
    database db(path("c.db"));
    collection_index index(db);
    const auto id = index.create("docs", folder);
    index.index(id);
    // BM25 has no word of it; the vectors know an automobile is a car.
    const std::string q = "automobile maintenance";
    EXPECT_TRUE(index.search(id, q, 3).empty());
    const auto qv = toy_embedding(q);
    auto hits = index.search(id, q, 3, qv);
    EXPECT_TRUE(hits.empty()) << "no vectors yet: BM25 alone";
    index.embed(id, "toy", toy_embedding);
    hits = index.search(id, q, 3, qv);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].path, "garage.md");
    EXPECT_EQ(index.nearest(id, toy_embedding("physician visit"), 1).at(0).path, "clinic.md");
    // What both lists find comes first; a lexical match still counts.
    hits = index.search(id, "tomatoes roses", 3, toy_embedding("tomatoes roses"));
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].path, "garden.md");
}

TEST_F(CollectionsTest, RecallAtFiveOnTheLabelledSet) {
    database db(path("c.db"));
    collection_index index(db);
    const auto id = index.create("fixture", k_fixture);
    index.index(id);
    std::ifstream in(fs::path(DEEPDESK_SOURCE_DIR) / "tests" / "data" / "collection-labels.json");
    const auto labels = nlohmann::json::parse(in);
    int found = 0, first = 0, en = 0, zh = 0, en_found = 0, zh_found = 0;
    for (const auto& l : labels) {
        const std::string q = l.at("q"), want = l.at("file");
        bool hit = false;
        const auto hits = index.search(id, q, 5);
        for (const auto& h : hits) {
            hit = hit || h.path == want;
        }
        first += !hits.empty() && hits[0].path == want ? 1 : 0;
        const bool chinese =
            std::any_of(q.begin(), q.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0xE0; });
        (chinese ? zh : en) += 1;
        (chinese ? zh_found : en_found) += hit ? 1 : 0;
        found += hit ? 1 : 0;
        if (!hit) {
            std::printf("missed: %s (wanted %s)\n", q.c_str(), want.c_str());
        }
    }
    const double recall = static_cast<double>(found) / static_cast<double>(labels.size());
    std::printf("recall@5: %.2f (%d of %zu; English %d/%d, Chinese %d/%d); the right file first: %d of %zu\n", recall,
                found, labels.size(), en_found, en, zh_found, zh, first, labels.size());
    EXPECT_GE(recall, 0.9);
    EXPECT_GE(first * 10, static_cast<int>(labels.size()) * 7);
}

}  // namespace
}  // namespace deepdesk::storage
