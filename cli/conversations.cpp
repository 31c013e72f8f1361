// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/conversations.h"

#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cli/common.h"
#include "render/markdown_html.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/exchange.h"
#if DEEPDESK_HAVE_RENDER
#include "render/js_renderer.h"
#endif

namespace deepdesk::cli {

namespace fs = std::filesystem;

std::string default_database_path() {
    if (const char* d = std::getenv("DEEPDESK_DATA_DIR"); d != nullptr && *d != '\0') {
        return (fs::path(d) / "conversations.db").string();
    }
    fs::path base;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x != '\0') {
        base = x;
    } else if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') {
        base = fs::path(h) / ".local" / "share";
    } else {
        throw std::runtime_error("no HOME: give the database with --db PATH");
    }
    return (base / "DeepDesk" / "DeepDesk" / "conversations.db").string();
}

conversations_commands add_conversations_commands(CLI::App& app, conversations_options& o) {
    CLI::App* group = app.add_subcommand("conversations", "List, export or import the app's conversations");
    group->require_subcommand(1);
    conversations_commands c;
    const auto db_option = [&](CLI::App* sub) {
        sub->add_option("--db", o.db, "Conversation database (default: the app's, " + std::string("see --help)"));
    };
    c.list = group->add_subcommand("list", "List the conversations: id, dates, messages, model, title");
    db_option(c.list);
    c.list->add_flag("--json", o.json, "One JSON array instead of a table");

    c.exp = group->add_subcommand("export", "Export conversations (Markdown, JSON, HTML or text)");
    db_option(c.exp);
    auto* ids = c.exp->add_option("--id", o.ids, "Conversation id (repeatable); see `list`");
    auto* all = c.exp->add_flag("--all", o.all, "Every conversation");
    ids->excludes(all);
    c.exp->add_option("-f,--format", o.format, "markdown, json, html or text")
        ->check(CLI::IsMember({"markdown", "md", "json", "html", "text", "txt"}));
    c.exp->add_option("-o,--output", o.output, "Output file (default: standard output)");
    c.exp->add_option("--reasoning", o.reasoning, "Reasoning: details (collapsible), quote, or omit")
        ->check(CLI::IsMember({"details", "quote", "omit"}));
    c.exp->add_flag("--all-branches", o.all_branches, "Every branch, not only the one shown");

    c.imp = group->add_subcommand("import", "Import a DeepDesk JSON export (adds new conversations)");
    db_option(c.imp);
    c.imp->add_option("file", o.import_file, "JSON file written by export --format json")->required();
    return c;
}

namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Written whole or not at all, readable by the owner only (conversations are private).
void write_private(const std::string& path, const std::string& data) {
    const std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            throw std::runtime_error("cannot write " + path);
        }
        ::chmod(tmp.c_str(), S_IRUSR | S_IWUSR);
        out << data;
        out.flush();
        if (!out) {
            std::error_code ec;
            fs::remove(tmp, ec);
            throw std::runtime_error("cannot write " + path + " (disk full?)");
        }
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        throw std::runtime_error("cannot write " + path + ": " + ec.message());
    }
}

std::string date(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
    return buf;
}

int run_list(storage::conversation_store& store, bool json) {
    const auto cs = store.list_conversations();
    if (json) {
        std::printf("[");
        for (std::size_t i = 0; i < cs.size(); ++i) {
            const auto& c = cs[i];
            std::printf("%s\n  {\"id\": %lld, \"title\": %s, \"model\": %s, \"created_at\": %lld, \"updated_at\": %lld, "
                        "\"messages\": %zu}",
                        i == 0 ? "" : ",", static_cast<long long>(c.id), json_string(c.title).c_str(),
                        json_string(c.model_name).c_str(), static_cast<long long>(c.created_at),
                        static_cast<long long>(c.updated_at), store.active_branch(c.id).size());
        }
        std::printf("%s]\n", cs.empty() ? "" : "\n");
        return 0;
    }
    if (cs.empty()) {
        std::printf("no conversations\n");
        return 0;
    }
    std::printf("%6s  %-16s  %-16s  %5s  %-24s  %s\n", "id", "created (UTC)", "updated (UTC)", "msgs", "model",
                "title");
    for (const auto& c : cs) {
        std::printf("%6lld  %-16s  %-16s  %5zu  %-24s  %s\n", static_cast<long long>(c.id), date(c.created_at).c_str(),
                    date(c.updated_at).c_str(), store.active_branch(c.id).size(),
                    c.model_name.empty() ? "-" : c.model_name.c_str(), c.title.c_str());
    }
    return 0;
}

}  // namespace

int run_conversations(const conversations_commands& c, const conversations_options& o) {
    const bool listing = c.list->parsed(), exporting = c.exp->parsed(), importing = c.imp->parsed();
    if (!listing && !exporting && !importing) {
        return -1;
    }
    const std::string path = o.db.empty() ? default_database_path() : o.db;
    // Reading never creates a database where there was none.
    if (!importing && !fs::exists(path)) {
        throw std::runtime_error("no conversation database at " + path +
                                 (o.db.empty() ? " (the app has not stored any yet; or give --db PATH)" : ""));
    }
    storage::database db(path);  // refuses a newer schema, a corrupt or locked file: storage_error
    storage::conversation_store store(db);
    if (listing) {
        return run_list(store, o.json);
    }
    if (importing) {
        const auto ids = storage::import_json(store, read_all(o.import_file));
        std::printf("imported %zu conversation%s into %s:", ids.size(), ids.size() == 1 ? "" : "s", path.c_str());
        for (const auto id : ids) {
            std::printf(" %lld", static_cast<long long>(id));
        }
        std::printf("\n");
        return 0;
    }
    if (!o.all && o.ids.empty()) {
        throw std::invalid_argument("say which conversations: --id N (repeatable) or --all");
    }
    storage::export_format format = storage::export_format::markdown;
    if (o.format == "json") {
        format = storage::export_format::json;
    } else if (o.format == "html") {
        format = storage::export_format::html;
    } else if (o.format == "text" || o.format == "txt") {
        format = storage::export_format::text;
    }
    storage::export_options eo;
    eo.reasoning = o.reasoning == "omit"    ? storage::reasoning_style::omit
                   : o.reasoning == "quote" ? storage::reasoning_style::quote
                                            : storage::reasoning_style::details;
    eo.all_branches = o.all_branches;
#if DEEPDESK_HAVE_RENDER
    render::js_renderer js;
    if (format == storage::export_format::html) {
        if (const std::string s = js.status(); !s.empty()) {
            std::fprintf(stderr, "deepdesk-cli: %sformulas are kept as their source, code uncoloured\n", s.c_str());
        }
        eo.html_from_markdown = [&js](const std::string& md) { return render::markdown_to_html(md, js.hooks()); };
        eo.html_style = render::export_style_sheet();
    }
#else
    if (format == storage::export_format::html) {
        std::fprintf(stderr, "deepdesk-cli: built without Qt: formulas are kept as their source, code uncoloured\n");
        eo.html_from_markdown = [](const std::string& md) { return render::markdown_to_html(md); };
    }
#endif
    const std::string text =
        storage::export_conversations(store, o.all ? std::vector<std::int64_t>{} : o.ids, format, eo);
    if (o.output.empty()) {
        std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
        write_private(o.output, text);
        std::fprintf(stderr, "deepdesk-cli: wrote %s (%zu bytes)\n", o.output.c_str(), text.size());
    }
    return 0;
}

}  // namespace deepdesk::cli
