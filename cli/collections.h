// SPDX-License-Identifier: GPL-3.0-or-later
// deepdesk-cli index / ask: the document library from scripts. `index NAME [FOLDER]` makes a
// collection of FOLDER (or brings an existing one up to date), `ask --collection NAME` retrieves
// the chunks most relevant to a question and, with a model, answers from them citing [n]; with
// --embed MODEL both also use an embedding model's vectors. `embed MODEL TEXT...` prints vectors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace deepdesk::cli {

struct collections_options {
    std::string db;  // empty: the app's database
    std::string name, folder;
    bool list = false;
    bool remove = false;
    std::string question;
    std::string model;  // empty: print the sources only
    int top = 5;
    std::int64_t n_ctx = 8192;
    int max_tokens = 1024;
    int threads = 0;
    bool json = false;
    std::string embed_model;  // --embed: an embedding model for vector search ("" BM25 only)
    std::vector<std::string> texts;  // embed: the texts
    bool query = false;              // embed --query: embed the texts as search questions
};

struct collections_commands {
    CLI::App* index = nullptr;
    CLI::App* ask = nullptr;
    CLI::App* embed = nullptr;
};
collections_commands add_collections_commands(CLI::App& app, collections_options& o);
// Runs whichever was parsed; -1 when neither was.
int run_collections(const collections_commands& c, const collections_options& o);

}  // namespace deepdesk::cli
