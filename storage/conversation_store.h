// SPDX-License-Identifier: GPL-3.0-or-later
// Conversations and their message trees. A message has a parent, so editing a user message or
// regenerating an answer adds a sibling and both branches stay; each conversation remembers the
// leaf of the branch on screen. All times are milliseconds since the Unix epoch.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.h"

namespace deepdesk::storage {

enum class message_status { streaming, complete, interrupted, error };
std::string to_string(message_status s);
message_status status_from_string(const std::string& s);  // throws std::invalid_argument

struct conversation {
    std::int64_t id = 0;
    std::string title;
    std::int64_t created_at = 0, updated_at = 0;
    bool pinned = false;
    std::string model_source;  // "local", or a remote provider's id
    std::string model_name;    // GGUF file, or the remote model's name
    std::string system_prompt;
    std::string sampling_json = "{}";  // the sampling settings, as the app writes them
    std::optional<std::int64_t> active_leaf_id;
};

struct message {
    std::int64_t id = 0;
    std::int64_t conversation_id = 0;
    std::optional<std::int64_t> parent_id;
    std::string role;       // system, user, assistant
    std::string content;    // the answer (assistant) or the text (user, system)
    std::string reasoning;  // assistant only: the reasoning trace, kept apart
    std::int64_t reasoning_ms = 0;
    std::int64_t prompt_tokens = 0, generated_tokens = 0;
    double tokens_per_second = 0.0;
    std::string finish_reason;  // stop, length, cancelled, ...
    message_status status = message_status::complete;
    std::string error_text;
    std::int64_t created_at = 0, updated_at = 0;
    // Assistant only: the tools it called, a JSON array of {id, name, arguments, state, result}
    // (state: pending, allowed, running, done, error, denied, cancelled); empty when none.
    std::string tool_calls;
};

// A file attached to a user's message: its text goes into the prompt; the file is kept once in
// the data folder under its SHA-256.
struct attachment {
    std::int64_t id = 0;
    std::int64_t message_id = 0;
    std::string name, mime;
    std::int64_t size = 0;
    std::string sha256;  // hex; empty when the file itself was not kept (an import)
    std::string text;
    std::int64_t tokens = 0;
};

// What finish_message records about a generation.
struct generation_stats {
    std::int64_t reasoning_ms = 0;
    std::int64_t prompt_tokens = 0, generated_tokens = 0;
    double tokens_per_second = 0.0;
    std::string finish_reason = "stop";
};

std::int64_t now_ms();

// A title from the first exchange: the user's first line (the answer's when the user's is empty),
// whitespace collapsed, at most `max_chars` characters (not bytes), with "…" when cut. Reasoning
// is never used.
std::string title_from_exchange(const std::string& user_text, const std::string& answer, std::size_t max_chars = 48);

class conversation_store {
public:
    explicit conversation_store(database& db) : m_db(db) {}

    // Conversations.
    std::int64_t create_conversation(const conversation& c);  // id, times are filled in
    std::optional<conversation> find_conversation(std::int64_t id);
    std::vector<conversation> list_conversations();  // pinned first, then most recently updated
    void rename(std::int64_t id, const std::string& title);
    void set_pinned(std::int64_t id, bool pinned);
    void set_system_prompt(std::int64_t id, const std::string& text);
    void set_model(std::int64_t id, const std::string& source, const std::string& name);
    void set_sampling(std::int64_t id, const std::string& sampling_json);
    void delete_conversation(std::int64_t id);  // and all its messages

    // Messages. add_message makes the new message the active leaf.
    std::int64_t add_message(std::int64_t conversation_id, std::optional<std::int64_t> parent_id,
                             const std::string& role, const std::string& content);
    std::optional<message> find_message(std::int64_t id);
    // Root to active leaf: what the chat view shows.
    std::vector<message> active_branch(std::int64_t conversation_id);
    // The same, each message with its place among its siblings (0-based, oldest first) and their
    // number: the "‹ 2/3 ›" switcher, in the one query.
    struct branch_entry {
        message msg;
        int sibling_index = 0, sibling_count = 1;
    };
    std::vector<branch_entry> active_branch_with_siblings(std::int64_t conversation_id);
    // Every message of a conversation, in creation order.
    std::vector<message> all_messages(std::int64_t conversation_id);
    // The message and its siblings (same parent), oldest first: the "‹ 2/3 ›" switcher.
    std::vector<std::int64_t> siblings(std::int64_t message_id);
    // Shows the branch through `message_id`, down to its most recent descendant.
    void select_branch(std::int64_t message_id);

    // Streaming: begin_assistant adds an empty assistant message with status streaming;
    // update_stream saves the text so far; finish_message / fail_message end it.
    std::int64_t begin_assistant(std::int64_t conversation_id, std::int64_t parent_id);
    // An interrupted answer goes on streaming (status back to streaming).
    void resume_message(std::int64_t message_id);
    void update_stream(std::int64_t message_id, const std::string& content, const std::string& reasoning);
    void finish_message(std::int64_t message_id, const generation_stats& stats,
                        message_status status = message_status::complete);
    void fail_message(std::int64_t message_id, const std::string& error_text);
    // Attachments: added to a message (in order), read back per message or per conversation.
    std::int64_t add_attachment(std::int64_t message_id, const attachment& a);
    std::vector<attachment> attachments_of(std::int64_t message_id);
    std::vector<attachment> attachments_in(std::int64_t conversation_id);  // by message, in order
    // Whether any attachment still names this file (the data folder's copy may go otherwise).
    bool blob_referenced(const std::string& sha256);
    // Every file attachments name.
    std::vector<std::string> referenced_blobs();
    // The tool calls of an answer (see message::tool_calls).
    void set_tool_calls(std::int64_t message_id, const std::string& tool_calls_json);
    // Messages left streaming by a process that died become interrupted. Returns how many.
    int mark_interrupted();

    database& db() { return m_db; }

private:
    void touch(std::int64_t conversation_id);
    database& m_db;
};

// Saves a streaming message as it grows: append() keeps the text and writes it when `interval`
// has passed since the last write (so a crash loses at most that much), flush() writes now.
class stream_writer {
public:
    // initial_*: text the message already has (an answer being continued).
    stream_writer(conversation_store& store, std::int64_t message_id,
                  std::chrono::milliseconds interval = std::chrono::milliseconds(250), std::string initial_content = {},
                  std::string initial_reasoning = {});
    void append(const std::string& reasoning_delta, const std::string& answer_delta);
    void flush();
    const std::string& content() const { return m_content; }
    const std::string& reasoning() const { return m_reasoning; }

private:
    conversation_store& m_store;
    std::int64_t m_id;
    std::chrono::milliseconds m_interval;
    std::chrono::steady_clock::time_point m_last_write;
    std::string m_content, m_reasoning;
    bool m_dirty = false;
};

}  // namespace deepdesk::storage
