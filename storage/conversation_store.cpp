// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/conversation_store.h"

#include <SQLiteCpp/Savepoint.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <stdexcept>

namespace deepdesk::storage {
namespace {

constexpr const char* k_message_columns =
    "id, conversation_id, parent_id, role, content, reasoning, reasoning_ms, prompt_tokens, generated_tokens, "
    "tokens_per_second, finish_reason, status, error_text, created_at, updated_at, tool_calls";
// The messages from the active leaf up to the root (`branch`: id, depth from the leaf), for the
// conversation bound to the first parameter: one statement however long the chat is.
constexpr const char* k_active_branch =
    "WITH RECURSIVE branch(id, depth) AS ("
    "  SELECT active_leaf_id, 0 FROM conversations WHERE id = ?"
    "  UNION ALL"
    "  SELECT m.parent_id, b.depth + 1 FROM messages m JOIN branch b "
    "  ON m.id = b.id WHERE m.parent_id IS NOT NULL) ";
constexpr const char* k_conversation_columns =
    "id, title, created_at, updated_at, pinned, model_source, model_name, system_prompt, sampling_json, "
    "active_leaf_id";

message read_message(SQLite::Statement& q) {
    message m;
    m.id = q.getColumn(0).getInt64();
    m.conversation_id = q.getColumn(1).getInt64();
    if (!q.getColumn(2).isNull()) {
        m.parent_id = q.getColumn(2).getInt64();
    }
    m.role = q.getColumn(3).getString();
    m.content = q.getColumn(4).getString();
    m.reasoning = q.getColumn(5).getString();
    m.reasoning_ms = q.getColumn(6).getInt64();
    m.prompt_tokens = q.getColumn(7).getInt64();
    m.generated_tokens = q.getColumn(8).getInt64();
    m.tokens_per_second = q.getColumn(9).getDouble();
    m.finish_reason = q.getColumn(10).getString();
    m.status = status_from_string(q.getColumn(11).getString());
    m.error_text = q.getColumn(12).getString();
    m.created_at = q.getColumn(13).getInt64();
    m.updated_at = q.getColumn(14).getInt64();
    m.tool_calls = q.getColumn(15).getString();
    return m;
}

conversation read_conversation(SQLite::Statement& q) {
    conversation c;
    c.id = q.getColumn(0).getInt64();
    c.title = q.getColumn(1).getString();
    c.created_at = q.getColumn(2).getInt64();
    c.updated_at = q.getColumn(3).getInt64();
    c.pinned = q.getColumn(4).getInt() != 0;
    c.model_source = q.getColumn(5).getString();
    c.model_name = q.getColumn(6).getString();
    c.system_prompt = q.getColumn(7).getString();
    c.sampling_json = q.getColumn(8).getString();
    if (!q.getColumn(9).isNull()) {
        c.active_leaf_id = q.getColumn(9).getInt64();
    }
    return c;
}

// Number of bytes of the UTF-8 sequence starting with `lead`.
std::size_t utf8_length(unsigned char lead) {
    if (lead < 0x80) {
        return 1;
    }
    if ((lead >> 5) == 0x6) {
        return 2;
    }
    if ((lead >> 4) == 0xe) {
        return 3;
    }
    if ((lead >> 3) == 0x1e) {
        return 4;
    }
    return 1;
}

}  // namespace

std::string to_string(message_status s) {
    switch (s) {
    case message_status::streaming: return "streaming";
    case message_status::complete: return "complete";
    case message_status::interrupted: return "interrupted";
    case message_status::error: return "error";
    }
    return "complete";
}

message_status status_from_string(const std::string& s) {
    if (s == "streaming") {
        return message_status::streaming;
    }
    if (s == "complete") {
        return message_status::complete;
    }
    if (s == "interrupted") {
        return message_status::interrupted;
    }
    if (s == "error") {
        return message_status::error;
    }
    throw std::invalid_argument("unknown message status '" + s + "'");
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string title_from_exchange(const std::string& user_text, const std::string& answer, std::size_t max_chars) {
    const auto first_line = [](const std::string& text) {
        std::string out;
        bool space = false;
        for (const char c : text) {
            if (c == '\n' || c == '\r') {
                if (!out.empty()) {
                    break;
                }
                continue;
            }
            if (c == ' ' || c == '\t') {
                space = !out.empty();
                continue;
            }
            if (space) {
                out += ' ';
                space = false;
            }
            out += c;
        }
        return out;
    };
    std::string line = first_line(user_text);
    if (line.empty()) {
        line = first_line(answer);
    }
    std::size_t chars = 0, i = 0;
    while (i < line.size() && chars < max_chars) {
        i += utf8_length(static_cast<unsigned char>(line[i]));
        ++chars;
    }
    if (i >= line.size()) {
        return line;
    }
    std::string cut = line.substr(0, i);
    while (!cut.empty() && cut.back() == ' ') {
        cut.pop_back();
    }
    return cut + "\u2026";
}

std::int64_t conversation_store::create_conversation(const conversation& c) {
    const std::int64_t now = now_ms();
    SQLite::Statement q(m_db.sql(),
                        "INSERT INTO conversations (title, created_at, updated_at, pinned, model_source, model_name, "
                        "system_prompt, sampling_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, c.title);
    q.bind(2, c.created_at != 0 ? c.created_at : now);
    q.bind(3, c.updated_at != 0 ? c.updated_at : now);
    q.bind(4, c.pinned ? 1 : 0);
    q.bind(5, c.model_source);
    q.bind(6, c.model_name);
    q.bind(7, c.system_prompt);
    q.bind(8, c.sampling_json.empty() ? std::string("{}") : c.sampling_json);
    q.exec();
    return m_db.sql().getLastInsertRowid();
}

std::optional<conversation> conversation_store::find_conversation(std::int64_t id) {
    SQLite::Statement q(m_db.sql(),
                        std::string("SELECT ") + k_conversation_columns + " FROM conversations WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_conversation(q);
}

std::vector<conversation> conversation_store::list_conversations() {
    SQLite::Statement q(m_db.sql(), std::string("SELECT ") + k_conversation_columns +
                                        " FROM conversations ORDER BY pinned DESC, updated_at DESC, id DESC");
    std::vector<conversation> out;
    while (q.executeStep()) {
        out.push_back(read_conversation(q));
    }
    return out;
}

void conversation_store::rename(std::int64_t id, const std::string& title) {
    SQLite::Statement q(m_db.sql(), "UPDATE conversations SET title = ? WHERE id = ?");
    q.bind(1, title);
    q.bind(2, id);
    q.exec();
}

void conversation_store::set_pinned(std::int64_t id, bool pinned) {
    SQLite::Statement q(m_db.sql(), "UPDATE conversations SET pinned = ? WHERE id = ?");
    q.bind(1, pinned ? 1 : 0);
    q.bind(2, id);
    q.exec();
}

void conversation_store::set_system_prompt(std::int64_t id, const std::string& text) {
    SQLite::Statement q(m_db.sql(), "UPDATE conversations SET system_prompt = ? WHERE id = ?");
    q.bind(1, text);
    q.bind(2, id);
    q.exec();
}

void conversation_store::set_model(std::int64_t id, const std::string& source, const std::string& name) {
    SQLite::Statement q(m_db.sql(), "UPDATE conversations SET model_source = ?, model_name = ? WHERE id = ?");
    q.bind(1, source);
    q.bind(2, name);
    q.bind(3, id);
    q.exec();
}

void conversation_store::set_sampling(std::int64_t id, const std::string& sampling_json) {
    SQLite::Statement q(m_db.sql(), "UPDATE conversations SET sampling_json = ? WHERE id = ?");
    q.bind(1, sampling_json);
    q.bind(2, id);
    q.exec();
}

void conversation_store::delete_conversation(std::int64_t id) {
    SQLite::Savepoint tx(m_db.sql(), "store");
    // The leaf pointer first, so the cascade does not have to null it message by message.
    SQLite::Statement clear(m_db.sql(), "UPDATE conversations SET active_leaf_id = NULL WHERE id = ?");
    clear.bind(1, id);
    clear.exec();
    SQLite::Statement q(m_db.sql(), "DELETE FROM conversations WHERE id = ?");
    q.bind(1, id);
    q.exec();
    tx.release();
}

void conversation_store::touch(std::int64_t conversation_id) {
    SQLite::Statement q(m_db.sql(), "UPDATE conversations SET updated_at = ? WHERE id = ?");
    q.bind(1, now_ms());
    q.bind(2, conversation_id);
    q.exec();
}

std::int64_t conversation_store::add_message(std::int64_t conversation_id, std::optional<std::int64_t> parent_id,
                                             const std::string& role, const std::string& content) {
    SQLite::Savepoint tx(m_db.sql(), "store");
    if (parent_id) {
        const auto parent = find_message(*parent_id);
        if (!parent || parent->conversation_id != conversation_id) {
            throw std::invalid_argument("message " + std::to_string(*parent_id) + " is not in conversation " +
                                        std::to_string(conversation_id));
        }
    }
    const std::int64_t now = now_ms();
    SQLite::Statement q(m_db.sql(),
                        "INSERT INTO messages (conversation_id, parent_id, role, content, status, created_at, "
                        "updated_at) VALUES (?, ?, ?, ?, 'complete', ?, ?)");
    q.bind(1, conversation_id);
    if (parent_id) {
        q.bind(2, *parent_id);
    } else {
        q.bind(2);
    }
    q.bind(3, role);
    q.bind(4, content);
    q.bind(5, now);
    q.bind(6, now);
    q.exec();
    const std::int64_t id = m_db.sql().getLastInsertRowid();
    SQLite::Statement leaf(m_db.sql(), "UPDATE conversations SET active_leaf_id = ?, updated_at = ? WHERE id = ?");
    leaf.bind(1, id);
    leaf.bind(2, now);
    leaf.bind(3, conversation_id);
    leaf.exec();
    tx.release();
    return id;
}

std::optional<message> conversation_store::find_message(std::int64_t id) {
    SQLite::Statement q(m_db.sql(), std::string("SELECT ") + k_message_columns + " FROM messages WHERE id = ?");
    q.bind(1, id);
    if (!q.executeStep()) {
        return std::nullopt;
    }
    return read_message(q);
}

std::vector<message> conversation_store::active_branch(std::int64_t conversation_id) {
    // Walk up from the leaf with a recursive query; one statement however long the chat is.
    SQLite::Statement q(m_db.sql(), std::string(k_active_branch) + "SELECT " + k_message_columns +
                                        " FROM messages JOIN branch USING (id) ORDER BY branch.depth DESC");
    q.bind(1, conversation_id);
    std::vector<message> out;
    while (q.executeStep()) {
        out.push_back(read_message(q));
    }
    return out;
}

std::vector<conversation_store::branch_entry> conversation_store::active_branch_with_siblings(
    std::int64_t conversation_id) {
    SQLite::Statement q(m_db.sql(),
                        std::string(k_active_branch) + "SELECT " + k_message_columns +
                            ", (SELECT COUNT(*) FROM messages s WHERE s.conversation_id = messages.conversation_id"
                            "   AND s.parent_id IS messages.parent_id AND s.id < messages.id),"
                            "  (SELECT COUNT(*) FROM messages s WHERE s.conversation_id = messages.conversation_id"
                            "   AND s.parent_id IS messages.parent_id)"
                            " FROM messages JOIN branch USING (id) ORDER BY branch.depth DESC");
    q.bind(1, conversation_id);
    std::vector<branch_entry> out;
    while (q.executeStep()) {
        branch_entry e;
        e.msg = read_message(q);
        e.sibling_index = q.getColumn(16).getInt();
        e.sibling_count = std::max(1, q.getColumn(17).getInt());
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<message> conversation_store::all_messages(std::int64_t conversation_id) {
    SQLite::Statement q(m_db.sql(), std::string("SELECT ") + k_message_columns +
                                        " FROM messages WHERE conversation_id = ? ORDER BY id");
    q.bind(1, conversation_id);
    std::vector<message> out;
    while (q.executeStep()) {
        out.push_back(read_message(q));
    }
    return out;
}

std::vector<std::int64_t> conversation_store::siblings(std::int64_t message_id) {
    const auto m = find_message(message_id);
    if (!m) {
        return {};
    }
    SQLite::Statement q(m_db.sql(), "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? ORDER BY id");
    q.bind(1, m->conversation_id);
    if (m->parent_id) {
        q.bind(2, *m->parent_id);
    } else {
        q.bind(2);
    }
    std::vector<std::int64_t> out;
    while (q.executeStep()) {
        out.push_back(q.getColumn(0).getInt64());
    }
    return out;
}

void conversation_store::select_branch(std::int64_t message_id) {
    const auto m = find_message(message_id);
    if (!m) {
        throw std::invalid_argument("no message " + std::to_string(message_id));
    }
    // Down to the most recent descendant, following the newest child at each step.
    std::int64_t leaf = message_id;
    SQLite::Statement q(m_db.sql(), "SELECT id FROM messages WHERE parent_id = ? ORDER BY id DESC LIMIT 1");
    for (;;) {
        q.reset();
        q.bind(1, leaf);
        if (!q.executeStep()) {
            break;
        }
        leaf = q.getColumn(0).getInt64();
    }
    SQLite::Statement u(m_db.sql(), "UPDATE conversations SET active_leaf_id = ? WHERE id = ?");
    u.bind(1, leaf);
    u.bind(2, m->conversation_id);
    u.exec();
}

std::int64_t conversation_store::begin_assistant(std::int64_t conversation_id, std::int64_t parent_id) {
    const std::int64_t id = add_message(conversation_id, parent_id, "assistant", "");
    SQLite::Statement q(m_db.sql(), "UPDATE messages SET status = 'streaming' WHERE id = ?");
    q.bind(1, id);
    q.exec();
    return id;
}

void conversation_store::resume_message(std::int64_t message_id) {
    SQLite::Statement q(m_db.sql(), "UPDATE messages SET status = 'streaming', error_text = '' WHERE id = ?");
    q.bind(1, message_id);
    q.exec();
}

void conversation_store::update_stream(std::int64_t message_id, const std::string& content,
                                       const std::string& reasoning) {
    SQLite::Statement q(m_db.sql(), "UPDATE messages SET content = ?, reasoning = ?, updated_at = ? WHERE id = ?");
    q.bind(1, content);
    q.bind(2, reasoning);
    q.bind(3, now_ms());
    q.bind(4, message_id);
    q.exec();
}

void conversation_store::finish_message(std::int64_t message_id, const generation_stats& stats, message_status status) {
    SQLite::Savepoint tx(m_db.sql(), "store");
    SQLite::Statement q(m_db.sql(),
                        "UPDATE messages SET reasoning_ms = ?, prompt_tokens = ?, generated_tokens = ?, "
                        "tokens_per_second = ?, finish_reason = ?, status = ?, updated_at = ? WHERE id = ?");
    q.bind(1, stats.reasoning_ms);
    q.bind(2, stats.prompt_tokens);
    q.bind(3, stats.generated_tokens);
    q.bind(4, stats.tokens_per_second);
    q.bind(5, stats.finish_reason);
    q.bind(6, to_string(status));
    q.bind(7, now_ms());
    q.bind(8, message_id);
    q.exec();
    if (const auto m = find_message(message_id)) {
        touch(m->conversation_id);
    }
    tx.release();
}

void conversation_store::fail_message(std::int64_t message_id, const std::string& error_text) {
    SQLite::Statement q(m_db.sql(),
                        "UPDATE messages SET status = 'error', error_text = ?, updated_at = ? WHERE id = ?");
    q.bind(1, error_text);
    q.bind(2, now_ms());
    q.bind(3, message_id);
    q.exec();
}

namespace {
constexpr const char* k_attachment_columns = "a.id, a.message_id, a.name, a.mime, a.size, a.sha256, a.text, a.tokens";
attachment read_attachment(SQLite::Statement& q) {
    attachment a;
    a.id = q.getColumn(0).getInt64();
    a.message_id = q.getColumn(1).getInt64();
    a.name = q.getColumn(2).getString();
    a.mime = q.getColumn(3).getString();
    a.size = q.getColumn(4).getInt64();
    a.sha256 = q.getColumn(5).getString();
    a.text = q.getColumn(6).getString();
    a.tokens = q.getColumn(7).getInt64();
    return a;
}
}  // namespace

std::int64_t conversation_store::add_attachment(std::int64_t message_id, const attachment& a) {
    SQLite::Statement q(
        m_db.sql(),
        "INSERT INTO attachments (message_id, position, name, mime, size, sha256, text, tokens) "
        "VALUES (?1, (SELECT COUNT(*) FROM attachments WHERE message_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7)");
    q.bind(1, message_id);
    q.bind(2, a.name);
    q.bind(3, a.mime);
    q.bind(4, a.size);
    q.bind(5, a.sha256);
    q.bind(6, a.text);
    q.bind(7, a.tokens);
    q.exec();
    return m_db.sql().getLastInsertRowid();
}

std::vector<attachment> conversation_store::attachments_of(std::int64_t message_id) {
    SQLite::Statement q(m_db.sql(), std::string("SELECT ") + k_attachment_columns +
                                        " FROM attachments a WHERE a.message_id = ? ORDER BY a.position");
    q.bind(1, message_id);
    std::vector<attachment> out;
    while (q.executeStep()) {
        out.push_back(read_attachment(q));
    }
    return out;
}

std::vector<attachment> conversation_store::attachments_in(std::int64_t conversation_id) {
    SQLite::Statement q(m_db.sql(), std::string("SELECT ") + k_attachment_columns +
                                        " FROM attachments a JOIN messages m ON m.id = a.message_id"
                                        " WHERE m.conversation_id = ? ORDER BY a.message_id, a.position");
    q.bind(1, conversation_id);
    std::vector<attachment> out;
    while (q.executeStep()) {
        out.push_back(read_attachment(q));
    }
    return out;
}

bool conversation_store::blob_referenced(const std::string& sha256) {
    SQLite::Statement q(m_db.sql(), "SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1");
    q.bind(1, sha256);
    return q.executeStep();
}

std::vector<std::string> conversation_store::referenced_blobs() {
    SQLite::Statement q(m_db.sql(), "SELECT DISTINCT sha256 FROM attachments WHERE sha256 != ''");
    std::vector<std::string> out;
    while (q.executeStep()) {
        out.push_back(q.getColumn(0).getString());
    }
    return out;
}

void conversation_store::set_tool_calls(std::int64_t message_id, const std::string& tool_calls_json) {
    SQLite::Statement q(m_db.sql(), "UPDATE messages SET tool_calls = ?, updated_at = ? WHERE id = ?");
    q.bind(1, tool_calls_json);
    q.bind(2, now_ms());
    q.bind(3, message_id);
    q.exec();
}

int conversation_store::mark_interrupted() {
    return m_db.sql().exec(
        "UPDATE messages SET status = 'interrupted', finish_reason = 'interrupted' WHERE status = 'streaming'");
}

stream_writer::stream_writer(conversation_store& store, std::int64_t message_id, std::chrono::milliseconds interval,
                             std::string initial_content, std::string initial_reasoning)
    : m_store(store),
      m_id(message_id),
      m_interval(interval),
      m_last_write(std::chrono::steady_clock::now()),
      m_content(std::move(initial_content)),
      m_reasoning(std::move(initial_reasoning)) {}

void stream_writer::append(const std::string& reasoning_delta, const std::string& answer_delta) {
    m_reasoning += reasoning_delta;
    m_content += answer_delta;
    m_dirty = true;
    if (std::chrono::steady_clock::now() - m_last_write >= m_interval) {
        flush();
    }
}

void stream_writer::flush() {
    if (!m_dirty) {
        return;
    }
    m_store.update_stream(m_id, m_content, m_reasoning);
    m_dirty = false;
    m_last_write = std::chrono::steady_clock::now();
}

}  // namespace deepdesk::storage
