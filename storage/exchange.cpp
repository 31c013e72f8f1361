// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/exchange.h"

#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>

#include <cmath>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>

namespace deepdesk::storage {
namespace {

using nlohmann::json;

constexpr const char* k_format_name = "deepdesk-conversations";

std::vector<conversation> chosen(conversation_store& store, const std::vector<std::int64_t>& ids) {
    std::vector<conversation> out;
    if (ids.empty()) {
        out = store.list_conversations();
    } else {
        for (const auto id : ids) {
            if (auto c = store.find_conversation(id)) {
                out.push_back(*c);
            } else {
                throw std::invalid_argument("no conversation " + std::to_string(id));
            }
        }
    }
    std::sort(out.begin(), out.end(), [](const conversation& a, const conversation& b) {
        return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
    });
    return out;
}

// The messages a reader sees: the active branch, or every message when asked.
std::vector<message> shown(conversation_store& store, const conversation& c, const export_options& o) {
    return o.all_branches ? store.all_messages(c.id) : store.active_branch(c.id);
}

std::string utc_time(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

// "Thought for ...": whole seconds, and "< 1 s" under one second (as the window shows it).
std::string thought_for(std::int64_t ms) {
    if (ms < 1000) {
        return "Thought for < 1 s";
    }
    return "Thought for " + std::to_string(static_cast<long long>(std::llround(static_cast<double>(ms) / 1000.0))) +
           " s";
}

std::string speaker(const message& m, const conversation& c) {
    if (m.role == "user") {
        return "You";
    }
    if (m.role == "system") {
        return "System";
    }
    return c.model_name.empty() ? "Assistant" : "Assistant (" + c.model_name + ")";
}

std::string status_note(const message& m) {
    switch (m.status) {
    case message_status::interrupted: return "(interrupted)";
    case message_status::error: return "(error: " + m.error_text + ")";
    case message_status::streaming: return "(still being written)";
    case message_status::complete: break;
    }
    return "";
}

std::string html_escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (const char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string quote_lines(const std::string& text) {
    std::string out = "> ";
    for (const char c : text) {
        out += c;
        if (c == '\n') {
            out += "> ";
        }
    }
    return out;
}

// An answer's tool calls, each as {name, arguments, state, result} (none when the JSON is empty or
// unreadable: an export never fails over them).
struct shown_call {
    std::string name, arguments, state, result;
};
std::vector<shown_call> calls_of(const message& m) {
    std::vector<shown_call> out;
    const json calls = json::parse(m.tool_calls, nullptr, false);
    if (!calls.is_array()) {
        return out;
    }
    for (const json& c : calls) {
        if (c.is_object()) {
            out.push_back({c.value("name", ""), c.value("arguments", ""), c.value("state", ""), c.value("result", "")});
        }
    }
    return out;
}

std::string to_markdown(conversation_store& store, const std::vector<conversation>& cs, const export_options& o) {
    std::string out;
    for (const auto& c : cs) {
        out += "# " + (c.title.empty() ? std::string("Untitled conversation") : c.title) + "\n\n";
        out += "*" + utc_time(c.created_at) + (c.model_name.empty() ? "" : " · " + c.model_name) + "*\n\n";
        if (!c.system_prompt.empty()) {
            out += "**System prompt:**\n\n" + quote_lines(c.system_prompt) + "\n\n";
        }
        for (const auto& m : shown(store, c, o)) {
            out += "## " + speaker(m, c) + (status_note(m).empty() ? "" : " " + status_note(m)) + "\n\n";
            if (!m.reasoning.empty() && o.reasoning != reasoning_style::omit) {
                const std::string head = thought_for(m.reasoning_ms);
                if (o.reasoning == reasoning_style::details) {
                    out += "<details>\n<summary>" + head + "</summary>\n\n" + m.reasoning + "\n\n</details>\n\n";
                } else {
                    out += "> **" + head + "**\n>\n" + quote_lines(m.reasoning) + "\n\n";
                }
            }
            for (const auto& a : store.attachments_of(m.id)) {
                out += "📎 **" + a.name + "** (" + std::to_string(a.tokens) + " tokens)\n\n";
            }
            out += m.content + "\n\n";
            for (const auto& call : calls_of(m)) {
                out += "**Tool call** `" + call.name + "` (" + call.state + ")\n\n```json\n" + call.arguments +
                       "\n```\n\n";
                if (!call.result.empty()) {
                    out += "**Result**\n\n" + quote_lines(call.result) + "\n\n";
                }
            }
        }
    }
    return out;
}

std::string to_text(conversation_store& store, const std::vector<conversation>& cs, const export_options& o) {
    std::string out;
    for (const auto& c : cs) {
        out += (c.title.empty() ? std::string("Untitled conversation") : c.title) + "\n";
        out += utc_time(c.created_at) + (c.model_name.empty() ? "" : ", " + c.model_name) + "\n\n";
        if (!c.system_prompt.empty()) {
            out += "System prompt: " + c.system_prompt + "\n\n";
        }
        for (const auto& m : shown(store, c, o)) {
            out += speaker(m, c) + ":" + (status_note(m).empty() ? "" : " " + status_note(m)) + "\n";
            if (!m.reasoning.empty() && o.reasoning != reasoning_style::omit) {
                out += "[" + thought_for(m.reasoning_ms) + "]\n" + m.reasoning + "\n[End of thought]\n";
            }
            for (const auto& a : store.attachments_of(m.id)) {
                out += "[Attached: " + a.name + "]\n";
            }
            out += m.content + "\n\n";
            for (const auto& call : calls_of(m)) {
                out += "[Tool call: " + call.name + " " + call.arguments + " (" + call.state + ")]\n";
                if (!call.result.empty()) {
                    out += "[Result]\n" + call.result + "\n[End of result]\n";
                }
                out += "\n";
            }
        }
        out += "----\n\n";
    }
    return out;
}

std::string to_html(conversation_store& store, const std::vector<conversation>& cs, const export_options& o) {
    std::string out =
        "<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        "<title>DeepDesk conversations</title>\n<style>\n"
        "body{font-family:system-ui,'Noto Sans','Noto Sans CJK SC',sans-serif;max-width:820px;margin:2em auto;"
        "padding:0 1em;color:#1f2328;background:#fff;line-height:1.55}\n"
        "h1{font-size:1.5em;margin-top:2em}.meta{color:#59636e;font-size:.9em}\n"
        ".msg{margin:1em 0;padding:.8em 1em;border-radius:10px}.user{background:#eef4ff}"
        ".assistant{background:#f6f8fa}.system{background:#fff8e6}\n"
        ".who{font-weight:600;margin-bottom:.3em}.text{white-space:pre-wrap;word-wrap:break-word}\n"
        "details{color:#59636e;border-left:3px solid #d0d7de;padding-left:.8em;margin:.4em 0 .8em}"
        "summary{cursor:pointer}\n.note{color:#b35900}\n.md{white-space:normal}.md>:first-child{margin-top:0}"
        ".md>:last-child{margin-bottom:0}\n" +
        o.html_style + "\n</style>\n</head>\n<body>\n";
    // Answers and reasoning as rendered Markdown where a renderer is given; what the user typed,
    // and everything without one, as written.
    const auto body = [&](const std::string& text) {
        return o.html_from_markdown ? "<div class=\"text md\">" + o.html_from_markdown(text) + "</div>"
                                    : "<div class=\"text\">" + html_escape(text) + "</div>";
    };
    for (const auto& c : cs) {
        out += "<h1>" + html_escape(c.title.empty() ? std::string("Untitled conversation") : c.title) + "</h1>\n";
        out += "<div class=\"meta\">" + html_escape(utc_time(c.created_at)) +
               (c.model_name.empty() ? "" : " · " + html_escape(c.model_name)) + "</div>\n";
        if (!c.system_prompt.empty()) {
            out += "<div class=\"msg system\"><div class=\"who\">System prompt</div><div class=\"text\">" +
                   html_escape(c.system_prompt) + "</div></div>\n";
        }
        for (const auto& m : shown(store, c, o)) {
            out += "<div class=\"msg " + html_escape(m.role) + "\"><div class=\"who\">" + html_escape(speaker(m, c));
            if (!status_note(m).empty()) {
                out += " <span class=\"note\">" + html_escape(status_note(m)) + "</span>";
            }
            out += "</div>\n";
            if (!m.reasoning.empty() && o.reasoning != reasoning_style::omit) {
                out += "<details><summary>" + html_escape(thought_for(m.reasoning_ms)) + "</summary>" +
                       body(m.reasoning) + "</details>\n";
            }
            for (const auto& a : store.attachments_of(m.id)) {
                out += "<details><summary>📎 " + html_escape(a.name) + "</summary><div class=\"text\">" +
                       html_escape(a.text) + "</div></details>";
            }
            out += m.role == "assistant" ? body(m.content) : "<div class=\"text\">" + html_escape(m.content) + "</div>";
            for (const auto& call : calls_of(m)) {
                out += "<details><summary>Tool call: " + html_escape(call.name) + " (" + html_escape(call.state) +
                       ")</summary><div class=\"text\">" + html_escape(call.arguments) + "</div>";
                if (!call.result.empty()) {
                    out += "<div class=\"text\">" + html_escape(call.result) + "</div>";
                }
                out += "</details>";
            }
            out += "</div>\n";
        }
    }
    return out + "</body>\n</html>\n";
}

json message_json(const message& m, const std::map<std::int64_t, int>& number) {
    json j;
    j["n"] = number.at(m.id);
    j["parent"] = m.parent_id ? json(number.at(*m.parent_id)) : json(nullptr);
    j["role"] = m.role;
    j["content"] = m.content;
    j["reasoning"] = m.reasoning;
    j["reasoning_ms"] = m.reasoning_ms;
    j["prompt_tokens"] = m.prompt_tokens;
    j["generated_tokens"] = m.generated_tokens;
    j["tokens_per_second"] = m.tokens_per_second;
    j["finish_reason"] = m.finish_reason;
    j["status"] = to_string(m.status);
    j["error_text"] = m.error_text;
    j["created_at"] = m.created_at;
    j["updated_at"] = m.updated_at;
    if (!m.tool_calls.empty()) {
        const json calls = json::parse(m.tool_calls, nullptr, false);
        if (calls.is_array()) {
            j["tool_calls"] = calls;
        }
    }
    return j;
}

std::string to_json(conversation_store& store, const std::vector<conversation>& cs) {
    json root;
    root["format"] = k_format_name;
    root["version"] = k_export_json_version;
    root["conversations"] = json::array();
    for (const auto& c : cs) {
        const auto messages = store.all_messages(c.id);
        std::map<std::int64_t, int> number;
        for (const auto& m : messages) {
            number.emplace(m.id, static_cast<int>(number.size()) + 1);
        }
        json jc;
        jc["title"] = c.title;
        jc["created_at"] = c.created_at;
        jc["updated_at"] = c.updated_at;
        jc["pinned"] = c.pinned;
        jc["model_source"] = c.model_source;
        jc["model_name"] = c.model_name;
        jc["system_prompt"] = c.system_prompt;
        jc["sampling"] = json::parse(c.sampling_json, nullptr, false);
        if (jc["sampling"].is_discarded()) {
            jc["sampling"] = json::object();
        }
        jc["active_leaf"] =
            c.active_leaf_id && number.count(*c.active_leaf_id) ? json(number.at(*c.active_leaf_id)) : json(nullptr);
        jc["messages"] = json::array();
        std::map<std::int64_t, json> files;  // message id -> its attachments
        for (const auto& a : store.attachments_in(c.id)) {
            files[a.message_id].push_back({{"name", a.name},
                                           {"mime", a.mime},
                                           {"size", a.size},
                                           {"sha256", a.sha256},
                                           {"text", a.text},
                                           {"tokens", a.tokens}});
        }
        for (const auto& m : messages) {
            json jm = message_json(m, number);
            if (const auto f = files.find(m.id); f != files.end()) {
                jm["attachments"] = f->second;
            }
            jc["messages"].push_back(std::move(jm));
        }
        root["conversations"].push_back(std::move(jc));
    }
    return root.dump(2) + "\n";
}

}  // namespace

std::string export_conversations(conversation_store& store, const std::vector<std::int64_t>& ids, export_format format,
                                 const export_options& options) {
    const auto cs = chosen(store, ids);
    switch (format) {
    case export_format::markdown: return to_markdown(store, cs, options);
    case export_format::json: return to_json(store, cs);
    case export_format::html: return to_html(store, cs, options);
    case export_format::text: return to_text(store, cs, options);
    }
    return {};
}

std::vector<std::int64_t> import_json(conversation_store& store, const std::string& json_text) {
    // An export nests four levels; anything much deeper is refused while it is read, before
    // the recursive copies and dump() of nlohmann-json could run out of stack.
    constexpr int k_max_depth = 64;
    json root;
    try {
        root = json::parse(json_text, [](int depth, json::parse_event_t, json&) {
            if (depth > k_max_depth) {
                throw import_error("The file nests its JSON more than " + std::to_string(k_max_depth) +
                                   " levels deep; it is not a DeepDesk conversation export.");
            }
            return true;
        });
    } catch (const json::exception& e) {  // parse errors, and numbers too large for a double
        throw import_error(std::string("The file is not valid JSON (it may be truncated): ") + e.what());
    }
    if (!root.is_object() || !root.contains("format") || !root.at("format").is_string() ||
        root.at("format").get<std::string>() != k_format_name) {
        throw import_error("The file is not a DeepDesk conversation export (no \"format\": \"" +
                           std::string(k_format_name) + "\").");
    }
    if (!root.contains("version") || !root.at("version").is_number_integer()) {
        throw import_error("The export has no version number.");
    }
    if (root.at("version").get<int>() > k_export_json_version) {
        throw import_error("The export was written by a newer DeepDesk (format version " +
                           std::to_string(root.at("version").get<int>()) + "); update DeepDesk to import it.");
    }
    std::vector<std::int64_t> ids;
    database& db = store.db();
    try {
        SQLite::Savepoint tx(db.sql(), "import");
        for (const json& jc : root.at("conversations")) {
            conversation c;
            c.title = jc.at("title").get<std::string>();
            c.created_at = jc.at("created_at").get<std::int64_t>();
            c.updated_at = jc.at("updated_at").get<std::int64_t>();
            c.pinned = jc.at("pinned").get<bool>();
            c.model_source = jc.at("model_source").get<std::string>();
            c.model_name = jc.at("model_name").get<std::string>();
            c.system_prompt = jc.at("system_prompt").get<std::string>();
            c.sampling_json = jc.at("sampling").dump();
            const std::int64_t cid = store.create_conversation(c);
            std::map<int, std::int64_t> id_of;
            SQLite::Statement q(db.sql(),
                                "INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, "
                                "reasoning_ms, prompt_tokens, generated_tokens, tokens_per_second, finish_reason, "
                                "status, error_text, created_at, updated_at, tool_calls) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            for (const json& jm : jc.at("messages")) {
                const int n = jm.at("n").get<int>();
                if (id_of.count(n) != 0) {
                    throw import_error("message number " + std::to_string(n) + " appears twice");
                }
                q.reset();
                q.bind(1, cid);
                if (jm.at("parent").is_null()) {
                    q.bind(2);
                } else {
                    const int parent = jm.at("parent").get<int>();
                    if (id_of.count(parent) == 0) {
                        throw import_error("message " + std::to_string(n) + " names parent " + std::to_string(parent) +
                                           ", which does not come before it");
                    }
                    q.bind(2, id_of.at(parent));
                }
                q.bind(3, jm.at("role").get<std::string>());
                q.bind(4, jm.at("content").get<std::string>());
                q.bind(5, jm.at("reasoning").get<std::string>());
                q.bind(6, jm.at("reasoning_ms").get<std::int64_t>());
                q.bind(7, jm.at("prompt_tokens").get<std::int64_t>());
                q.bind(8, jm.at("generated_tokens").get<std::int64_t>());
                q.bind(9, jm.at("tokens_per_second").get<double>());
                q.bind(10, jm.at("finish_reason").get<std::string>());
                q.bind(11, to_string(status_from_string(jm.at("status").get<std::string>())));
                q.bind(12, jm.at("error_text").get<std::string>());
                q.bind(13, jm.at("created_at").get<std::int64_t>());
                q.bind(14, jm.at("updated_at").get<std::int64_t>());
                if (const auto calls = jm.find("tool_calls"); calls != jm.end()) {
                    if (!calls->is_array()) {
                        throw import_error("message " + std::to_string(n) + ": tool_calls is not a list");
                    }
                    q.bind(15, calls->dump());
                } else {
                    q.bind(15, std::string());
                }
                q.exec();
                id_of[n] = db.sql().getLastInsertRowid();
                if (const auto files = jm.find("attachments"); files != jm.end()) {
                    if (!files->is_array()) {
                        throw import_error("message " + std::to_string(n) + ": attachments is not a list");
                    }
                    for (const json& f : *files) {
                        attachment a;
                        a.name = f.at("name").get<std::string>();
                        a.mime = f.value("mime", "");
                        a.size = f.value("size", std::int64_t{0});
                        a.text = f.at("text").get<std::string>();
                        a.tokens = f.value("tokens", std::int64_t{0});
                        // The file itself is not in an export: only its text comes back.
                        store.add_attachment(id_of[n], a);
                    }
                }
            }
            SQLite::Statement u(db.sql(), "UPDATE conversations SET active_leaf_id = ?, updated_at = ? WHERE id = ?");
            if (jc.at("active_leaf").is_null()) {
                u.bind(1);
            } else {
                const int leaf = jc.at("active_leaf").get<int>();
                if (id_of.count(leaf) == 0) {
                    throw import_error("the active message " + std::to_string(leaf) + " is not in the conversation");
                }
                u.bind(1, id_of.at(leaf));
            }
            u.bind(2, c.updated_at);
            u.bind(3, cid);
            u.exec();
            ids.push_back(cid);
        }
        tx.release();
    } catch (const import_error&) {
        throw;
    } catch (const json::exception& e) {
        throw import_error(std::string("The export is missing a field or has one of the wrong type: ") + e.what());
    } catch (const std::invalid_argument& e) {
        throw import_error(std::string("The export has an invalid value: ") + e.what());
    } catch (const SQLite::Exception& e) {
        throw import_error(std::string("The export does not fit the database: ") + e.what());
    }
    return ids;
}

}  // namespace deepdesk::storage
