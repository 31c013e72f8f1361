// SPDX-License-Identifier: GPL-3.0-or-later
// Conversation database speed: 10,000 conversations of 10 messages of mixed Chinese/English text
// (100,000 messages), then search latency, opening a 2,000-message conversation, and the size.
//   bench_storage [DIR] [CONVERSATIONS]
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "storage/conversation_store.h"
#include "storage/search.h"

namespace {

using clock_type = std::chrono::steady_clock;
using namespace deepdesk::storage;

double ms_since(clock_type::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

const std::vector<std::string> k_words{
    "注意力机制",   "模型",     "推理",   "深度学习", "训练数据", "参数",     "上下文",    "量化",   "显存",
    "向量",         "矩阵乘法", "梯度",   "损失函数", "优化器",   "数学",     "证明",      "代码",   "函数",
    "变量",         "循环",     "请解释", "为什么",   "怎么办",   "谢谢",     "attention", "model",  "reasoning",
    "tokenizer",    "gradient", "matrix", "vector",   "python",   "function", "compile",   "memory", "bandwidth",
    "quantization", "context",  "window", "theorem",  "proof",    "integral", "the",       "is",     "of",
    "and",          "to",       "in",     "我们",     "可以",     "这个",     "一个",      "没有",   "因为",
    "所以",         "但是",     "東京",   "ラーメン", "学生"};

std::string sentence(std::mt19937& rng, int words) {
    std::uniform_int_distribution<std::size_t> pick(0, k_words.size() - 1);
    std::string s;
    for (int i = 0; i < words; ++i) {
        const std::string& w = k_words[pick(rng)];
        const bool ascii = static_cast<unsigned char>(w[0]) < 0x80;
        if (!s.empty() && ascii) {
            s += ' ';
        }
        s += w;
    }
    return s + "。";
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
    const std::filesystem::path dir = argc > 1 ? argv[1] : std::filesystem::temp_directory_path();
    const int n_conv = argc > 2 ? std::atoi(argv[2]) : 10000;
    const std::string file = (dir / "deepdesk-bench-storage.db").string();
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(file + suffix);
    }
    std::mt19937 rng(7);
    database db(file);
    conversation_store store(db);

    // Inserts: one transaction per conversation, as the app writes an exchange at a time.
    auto t0 = clock_type::now();
    std::int64_t messages = 0;
    for (int c = 0; c < n_conv; ++c) {
        SQLite::Transaction tx(db.sql());
        conversation conv;
        conv.title = sentence(rng, 3);
        const auto id = store.create_conversation(conv);
        std::optional<std::int64_t> parent;
        for (int m = 0; m < 10; ++m) {
            const bool user = m % 2 == 0;
            parent = store.add_message(id, parent, user ? "user" : "assistant", sentence(rng, user ? 12 : 60));
            ++messages;
        }
        tx.commit();
    }
    const double insert_ms = ms_since(t0);
    std::printf("inserted:        %lld messages in %d conversations, %.0f messages/s\n",
                static_cast<long long>(messages), n_conv, static_cast<double>(messages) / (insert_ms / 1000.0));

    // A 2,000-message conversation, opened as the chat view does (the active branch).
    SQLite::Transaction tx(db.sql());
    const auto big = store.create_conversation({});
    std::optional<std::int64_t> parent;
    for (int m = 0; m < 2000; ++m) {
        parent = store.add_message(big, parent, m % 2 == 0 ? "user" : "assistant", sentence(rng, 40));
    }
    tx.commit();
    std::vector<double> open_ms;
    for (int r = 0; r < 20; ++r) {
        t0 = clock_type::now();
        const auto branch = store.active_branch(big);
        open_ms.push_back(ms_since(t0));
        if (branch.size() != 2000) {
            std::fprintf(stderr, "wrong branch length %zu\n", branch.size());
            return 1;
        }
    }
    std::printf("open 2,000-message conversation: p50 %.1f ms, max %.1f ms (target < 50 ms)\n",
                percentile(open_ms, 0.5), *std::max_element(open_ms.begin(), open_ms.end()));

    // Search: long (index) and short (scan) queries in both languages.
    const std::vector<std::string> queries{
        "注意力机制", "attention", "quantization", "矩阵乘法 梯度", "ラーメン",         "bandwidth memory", "模型",
        "猫",         "python",    "推理",         "theorem proof", "不存在的词语组合", "nonexistentword",  "显存",
        "東京"};
    std::vector<double> lat;
    std::vector<std::vector<double>> per_query(queries.size());
    std::size_t total_hits = 0;
    for (int r = 0; r < 10; ++r) {
        for (std::size_t i = 0; i < queries.size(); ++i) {
            t0 = clock_type::now();
            total_hits += search(db, queries[i], 50).size();
            lat.push_back(ms_since(t0));
            per_query[i].push_back(lat.back());
        }
    }
    std::printf("search by query (median ms):");
    for (std::size_t i = 0; i < queries.size(); ++i) {
        std::printf(" %s %.1f;", queries[i].c_str(), percentile(per_query[i], 0.5));
    }
    std::printf("\n");
    std::printf(
        "search:          %zu queries, p50 %.1f ms, p95 %.1f ms, max %.1f ms (target p95 < 20 ms), "
        "%zu hits\n",
        lat.size(), percentile(lat, 0.5), percentile(lat, 0.95), *std::max_element(lat.begin(), lat.end()), total_hits);
    db.sql().exec("PRAGMA wal_checkpoint(TRUNCATE)");
    std::uintmax_t size = std::filesystem::file_size(file);
    std::printf("database size:   %.1f MB (%.0f bytes per message)\n", static_cast<double>(size) / 1e6,
                static_cast<double>(size) / static_cast<double>(messages + 2000));
    return 0;
}
