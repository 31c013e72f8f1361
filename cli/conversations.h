// SPDX-License-Identifier: GPL-3.0-or-later
// deepdesk-cli conversations list|export|import: the app's conversation database from scripts and
// for backups, with the app's own export formats (HTML rendered: Markdown, maths, code).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace deepdesk::cli {

struct conversations_options {
    std::string db;  // empty: the app's database
    bool json = false;
    std::vector<std::int64_t> ids;
    bool all = false;
    std::string format = "markdown";
    std::string output;  // empty: standard output
    std::string reasoning = "details";
    bool all_branches = false;
    std::string import_file;
};

// The app's database: $DEEPDESK_DATA_DIR/conversations.db, else
// ${XDG_DATA_HOME:-~/.local/share}/DeepDesk/DeepDesk/conversations.db (where the app keeps it).
std::string default_database_path();

struct conversations_commands {
    CLI::App* list = nullptr;
    CLI::App* exp = nullptr;
    CLI::App* imp = nullptr;
};
conversations_commands add_conversations_commands(CLI::App& app, conversations_options& o);
// Runs whichever of the three was parsed; -1 when none was.
int run_conversations(const conversations_commands& c, const conversations_options& o);

}  // namespace deepdesk::cli
