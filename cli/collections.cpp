// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/collections.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "cli/common.h"
#include "cli/conversations.h"
#include "engine/chat_engine.h"
#include "engine/embedder.h"
#include "engine/model.h"
#include "storage/collections.h"
#include "storage/database.h"

namespace deepdesk::cli {
namespace fs = std::filesystem;

collections_commands add_collections_commands(CLI::App& app, collections_options& o) {
    collections_commands c;
    c.index = app.add_subcommand("index", "Index a folder as a document collection (again: only what changed)");
    c.index->add_option("name", o.name, "Collection name");
    c.index->add_option("folder", o.folder, "Folder to index (needed the first time)");
    c.index->add_flag("--list", o.list, "List the collections");
    c.index->add_flag("--remove", o.remove, "Remove the collection (the folder itself is left alone)");
    c.index->add_option("--db", o.db, "Database (default: the app's)");
    c.index->add_option("--embed", o.embed_model,
                        "Embedding model (GGUF, e.g. Qwen3-Embedding): give every passage a vector too");
    c.index->add_option("-t,--threads", o.threads, "Threads for the embedding model (default: all)");
    c.ask = app.add_subcommand("ask", "Answer a question from a collection, citing its sources");
    c.ask->add_option("question", o.question, "The question")->required();
    c.ask->add_option("--collection", o.name, "Collection name")->required();
    c.ask->add_option("-m,--model", o.model, "GGUF model to answer with (without one: the sources only)");
    c.ask->add_option("-k,--top", o.top, "How many chunks to retrieve")->check(CLI::Range(1, 50));
    c.ask->add_option("-c,--ctx", o.n_ctx, "Context length")->check(CLI::Range(256, 1 << 20));
    c.ask->add_option("-n,--max-tokens", o.max_tokens, "Tokens of answer at most")->check(CLI::Range(1, 1 << 20));
    c.ask->add_option("-t,--threads", o.threads, "Threads (default: all)");
    c.ask->add_flag("--json", o.json, "Write the sources (and the answer) as JSON");
    c.ask->add_option("--db", o.db, "Database (default: the app's)");
    c.ask->add_option("--embed", o.embed_model,
                      "Embedding model the collection was indexed with: rank by its vectors and BM25 together");
    c.embed = app.add_subcommand("embed", "Print the embedding vectors of texts (JSON)");
    c.embed->add_option("model", o.embed_model, "GGUF embedding model")->required();
    c.embed->add_option("texts", o.texts, "Texts to embed")->required();
    c.embed->add_flag("--query", o.query, "Embed the texts as search questions (the model's query form)");
    c.embed->add_option("-c,--ctx", o.n_ctx, "Tokens per text at most")->check(CLI::Range(8, 1 << 20));
    c.embed->add_option("-t,--threads", o.threads, "Threads (default: all)");
    return c;
}

namespace {

struct loaded_embedder {
    std::unique_ptr<model> m;
    std::unique_ptr<embedder> e;
    std::string key;
};

loaded_embedder open_embedder(const collections_options& o, std::int64_t n_ctx = 1024) {
    loaded_embedder l;
    l.m = model::load(o.embed_model);
    embedder_params p;
    p.n_ctx = n_ctx;
    p.n_threads = o.threads;
    l.e = std::make_unique<embedder>(*l.m, p);
    if (!l.e->reads_text()) {
        throw model_error(o.embed_model + ": the file has no vocabulary, so it cannot read text");
    }
    l.key = embedding_model_key(o.embed_model);
    return l;
}

int run_embed(const collections_options& o) {
    const auto l = open_embedder(o, o.n_ctx);
    nlohmann::json out;
    out["model"] = l.key;
    out["dims"] = l.e->dims();
    const char* names[] = {"none", "mean", "cls", "last", "rank"};
    out["pooling"] = names[static_cast<int>(l.e->pooling())];
    out["vectors"] = nlohmann::json::array();
    for (const auto& t : o.texts) {
        out["vectors"].push_back(l.e->embed(o.query ? l.e->query_text(t) : t));
    }
    std::printf("%s\n", out.dump().c_str());
    return 0;
}

int run_index(const collections_options& o) {
    const std::string path = o.db.empty() ? default_database_path() : o.db;
    if (const fs::path parent = fs::path(path).parent_path(); !parent.empty()) {
        fs::create_directories(parent);  // the app's data folder, the first time
    }
    storage::database db(path);
    storage::collection_index index(db);
    if (o.list || o.name.empty()) {
        for (const auto& c : index.list()) {
            std::printf("%s\t%lld files\t%lld chunks\t%s", c.name.c_str(), static_cast<long long>(c.files),
                        static_cast<long long>(c.chunks), c.folder.c_str());
            if (c.vectors > 0) {
                std::printf("\t%lld vectors (%s)", static_cast<long long>(c.vectors), c.embedding_model.c_str());
            }
            std::printf("\n");
        }
        return 0;
    }
    auto c = index.find(o.name);
    if (o.remove) {
        if (!c) {
            throw std::invalid_argument("no collection named '" + o.name + "'");
        }
        index.remove(c->id);
        std::printf("removed %s\n", o.name.c_str());
        return 0;
    }
    if (!c) {
        if (o.folder.empty()) {
            throw std::invalid_argument("no collection named '" + o.name + "' yet: give its folder");
        }
        index.create(o.name, o.folder);
        c = index.find(o.name);
    } else if (!o.folder.empty() && fs::weakly_canonical(o.folder) != fs::path(c->folder)) {
        throw std::invalid_argument("'" + o.name + "' is the collection of " + c->folder);
    }
    const bool terminal = isatty(fileno(stderr)) != 0;  // progress on a terminal only
    const auto r = index.index(c->id, storage::read_text_file, [terminal](const storage::index_progress& p) {
        if (terminal) {
            std::fprintf(stderr, "\r%zu/%zu %s\033[K", p.done + 1, p.total, p.current.c_str());
        }
        return true;
    });
    if (terminal) {
        std::fprintf(stderr, "\r\033[K");
    }
    for (const auto& [file, why] : r.errors) {
        std::fprintf(stderr, "skipped %s: %s\n", file.c_str(), why.c_str());
    }
    if (!o.embed_model.empty()) {
        auto l = open_embedder(o);
        const auto e = index.embed(
            c->id, l.key, [&](const std::string& text) { return l.e->embed(text); },
            [terminal](const storage::index_progress& p) {
                if (terminal) {
                    std::fprintf(stderr, "\rembedding %zu/%zu %s\033[K", p.done + 1, p.total, p.current.c_str());
                }
                return true;
            });
        if (terminal) {
            std::fprintf(stderr, "\r\033[K");
        }
        std::printf("%s: %zu passages given vectors by %s\n", o.name.c_str(), e.embedded, l.key.c_str());
    }
    const auto after = index.find(c->id);
    std::printf("%s: %zu added, %zu updated, %zu removed, %zu unchanged, %zu skipped; %lld files, %lld chunks\n",
                o.name.c_str(), r.added, r.updated, r.removed, r.unchanged, r.failed,
                static_cast<long long>(after->files), static_cast<long long>(after->chunks));
    return 0;
}

int run_ask(const collections_options& o) {
    storage::database db(o.db.empty() ? default_database_path() : o.db);
    storage::collection_index index(db);
    const auto c = index.find(o.name);
    if (!c) {
        throw std::invalid_argument("no collection named '" + o.name + "' (deepdesk-cli index --list shows them)");
    }
    std::vector<float> query_vector;
    if (!o.embed_model.empty()) {
        auto l = open_embedder(o);
        if (c->embedding_model != l.key) {
            throw std::invalid_argument("'" + o.name + "' has " +
                                        (c->embedding_model.empty() ? std::string("no vectors")
                                                                    : "vectors of " + c->embedding_model) +
                                        ": index it with --embed " + o.embed_model + " first");
        }
        query_vector = l.e->embed(l.e->query_text(o.question));
    }
    const auto hits = index.search(c->id, o.question, static_cast<std::size_t>(o.top), query_vector);
    nlohmann::json out;
    out["question"] = o.question;
    out["sources"] = nlohmann::json::array();
    for (std::size_t i = 0; i < hits.size(); ++i) {
        out["sources"].push_back({{"n", i + 1},
                                  {"path", hits[i].path},
                                  {"page", hits[i].page},
                                  {"line", hits[i].line},
                                  {"heading", hits[i].heading},
                                  {"text", hits[i].text}});
        if (!o.json) {
            std::printf("[%zu] %s\n", i + 1, storage::source_label(hits[i]).c_str());
        }
    }
    if (hits.empty() && !o.json) {
        std::printf("(nothing in '%s' matches the question)\n", o.name.c_str());
    }
    if (!o.model.empty() && !hits.empty()) {
        chat_engine_params ep;
        ep.model_path = o.model;
        ep.n_ctx = o.n_ctx;
        ep.n_threads = o.threads;
        chat_engine engine(ep);
        generation_options go;
        go.max_tokens = o.max_tokens;
        go.sampling.temperature = 0.0f;  // an answer from sources: the likeliest words
        go.drop_oldest_turns = true;
        const auto r = engine.generate({{chat_message::role::user, storage::grounded_prompt(o.question, storage::cited_sources(hits))}}, go,
                                       [&](const reasoning_delta& d) {
                                           if (!o.json) {
                                               std::printf("%s", d.answer.c_str());
                                               std::fflush(stdout);
                                           }
                                       });
        out["answer"] = r.answer;
        if (!o.json) {
            std::printf("\n");
        }
    }
    if (o.json) {
        std::printf("%s\n", out.dump(2).c_str());
    }
    return 0;
}

}  // namespace

int run_collections(const collections_commands& c, const collections_options& o) {
    if (c.index->parsed()) {
        return run_index(o);
    }
    if (c.ask->parsed()) {
        return run_ask(o);
    }
    if (c.embed->parsed()) {
        return run_embed(o);
    }
    return -1;
}

}  // namespace deepdesk::cli
