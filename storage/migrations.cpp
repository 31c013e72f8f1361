// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/migrations.h"

#include <SQLiteCpp/Transaction.h>

#include <array>
#include <string>

namespace deepdesk::storage {
namespace {

// Version 1: conversations and their message trees.
constexpr const char* k_schema_v1 = R"sql(
CREATE TABLE conversations (
    id             INTEGER PRIMARY KEY,
    title          TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL,            -- ms since the Unix epoch
    updated_at     INTEGER NOT NULL,
    pinned         INTEGER NOT NULL DEFAULT 0,
    model_source   TEXT    NOT NULL DEFAULT '', -- 'local' or a remote provider id
    model_name     TEXT    NOT NULL DEFAULT '', -- GGUF file or remote model name
    system_prompt  TEXT    NOT NULL DEFAULT '',
    sampling_json  TEXT    NOT NULL DEFAULT '{}',
    active_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);
CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    conversation_id   INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id         INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    role              TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    content           TEXT    NOT NULL DEFAULT '',
    reasoning         TEXT    NOT NULL DEFAULT '',
    reasoning_ms      INTEGER NOT NULL DEFAULT 0,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    generated_tokens  INTEGER NOT NULL DEFAULT 0,
    tokens_per_second REAL    NOT NULL DEFAULT 0,
    finish_reason     TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT 'complete'
                      CHECK (status IN ('streaming', 'complete', 'interrupted', 'error')),
    error_text        TEXT    NOT NULL DEFAULT '',
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, parent_id);
CREATE INDEX conversations_by_update ON conversations(pinned DESC, updated_at DESC);
)sql";

// Version 2: full-text search. Trigram indexes find any substring of three or more characters in
// any script (Chinese and Japanese have no spaces to split words on). Each text is indexed with two
// spaces appended, so every character begins at least one trigram: a one- or two-character query
// finds its trigrams by prefix in the index's vocabulary (storage/search.cpp). Triggers keep the
// indexes in step with the tables (and must index exactly what they later delete).
constexpr const char* k_schema_v2 = R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, reasoning, content='messages', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE conversations_fts USING fts5(
    title, content='conversations', content_rowid='id', tokenize='trigram');
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, content, reasoning) VALUES (new.id, new.content || '  ', new.reasoning || '  ');
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
    VALUES ('delete', old.id, old.content || '  ', old.reasoning || '  ');
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, reasoning ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
    VALUES ('delete', old.id, old.content || '  ', old.reasoning || '  ');
    INSERT INTO messages_fts(rowid, content, reasoning) VALUES (new.id, new.content || '  ', new.reasoning || '  ');
END;
CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title);
END;
INSERT INTO messages_fts(rowid, content, reasoning) SELECT id, content || '  ', reasoning || '  ' FROM messages;
INSERT INTO conversations_fts(conversations_fts) VALUES ('rebuild');
CREATE INDEX messages_by_status ON messages(status);
)sql";

// v3: the model download queue, so pauses and partial downloads survive a restart.
constexpr const char* k_schema_v3 = R"sql(
CREATE TABLE downloads (
    id         TEXT    PRIMARY KEY,  -- the file name in the models folder
    position   INTEGER NOT NULL,     -- queue order
    state_json TEXT    NOT NULL      -- the app's record of the item (URL, checksum, state, ...)
);
)sql";

// v4: the tool calls an answer made (a JSON array: id, name, arguments, state, result), kept with
// the answer that made them; the next answer is its child.
constexpr const char* k_schema_v4 = R"sql(
ALTER TABLE messages ADD COLUMN tool_calls TEXT NOT NULL DEFAULT '';
)sql";

// v5: files attached to a user's message. The file itself is kept once in the data folder under
// its SHA-256 (content-addressed); its text, as it goes into the prompt, is kept here.
constexpr const char* k_schema_v5 = R"sql(
CREATE TABLE attachments (
    id         INTEGER PRIMARY KEY,
    message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,          -- order in the message
    name       TEXT    NOT NULL,          -- the file's name as the user had it
    mime       TEXT    NOT NULL DEFAULT '',
    size       INTEGER NOT NULL DEFAULT 0,
    sha256     TEXT    NOT NULL DEFAULT '', -- the file in the data folder: attachments/<sha256>
    text       TEXT    NOT NULL DEFAULT '', -- its text (PDF: page by page)
    tokens     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_by_message ON attachments(message_id, position);
CREATE INDEX attachments_by_blob ON attachments(sha256);
)sql";

// v6: the document library. A collection is a folder; its files are cut into chunks (with the
// page and line each starts at) searched through a trigram FTS5 index kept by triggers.
constexpr const char* k_schema_v6 = R"sql(
CREATE TABLE collections (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE,
    folder     TEXT    NOT NULL,
    indexed_at INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE collection_files (
    id            INTEGER PRIMARY KEY,
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    path          TEXT    NOT NULL,          -- relative to the folder
    size          INTEGER NOT NULL,
    mtime         INTEGER NOT NULL,          -- ns since the epoch, as the file system says
    error         TEXT    NOT NULL DEFAULT '',
    UNIQUE (collection_id, path)
);
CREATE TABLE collection_chunks (
    id       INTEGER PRIMARY KEY,
    file_id  INTEGER NOT NULL REFERENCES collection_files(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    heading  TEXT    NOT NULL DEFAULT '',
    page     INTEGER NOT NULL DEFAULT 0,
    line     INTEGER NOT NULL DEFAULT 1,
    text     TEXT    NOT NULL
);
CREATE INDEX collection_chunks_by_file ON collection_chunks(file_id);
CREATE VIRTUAL TABLE collection_chunks_fts USING fts5(
    text, heading, content='collection_chunks', content_rowid='id', tokenize='trigram');
CREATE TRIGGER collection_chunks_insert AFTER INSERT ON collection_chunks BEGIN
    INSERT INTO collection_chunks_fts(rowid, text, heading) VALUES (new.id, new.text, new.heading);
END;
CREATE TRIGGER collection_chunks_delete AFTER DELETE ON collection_chunks BEGIN
    INSERT INTO collection_chunks_fts(collection_chunks_fts, rowid, text, heading)
    VALUES ('delete', old.id, old.text, old.heading);
END;
)sql";

// v7: vectors for the document library, made by the embedding model the user chose: one per chunk
// (int8 with a float scale), and the model named per collection so that a change of model makes
// the vectors again.
constexpr const char* k_schema_v7 = R"sql(
ALTER TABLE collections ADD COLUMN embedding_model TEXT NOT NULL DEFAULT '';
CREATE TABLE collection_vectors (
    chunk_id INTEGER PRIMARY KEY REFERENCES collection_chunks(id) ON DELETE CASCADE,
    vector   BLOB    NOT NULL  -- float32 scale, then one int8 per dimension
);
)sql";

constexpr std::array k_migrations{k_schema_v1, k_schema_v2, k_schema_v3, k_schema_v4,
                                  k_schema_v5, k_schema_v6, k_schema_v7};

}  // namespace

int latest_schema_version() { return static_cast<int>(k_migrations.size()); }

void migrate(SQLite::Database& db, int from_version, int to_version) {
    for (int v = from_version + 1; v <= to_version; ++v) {
        // IMMEDIATE takes the write lock first, so another connection migrating the same file at
        // the same moment waits, and then finds the step done.
        SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
        if (db.execAndGet("PRAGMA user_version").getInt() >= v) {
            continue;
        }
        db.exec(k_migrations[static_cast<std::size_t>(v - 1)]);
        db.exec("PRAGMA user_version = " + std::to_string(v));
        tx.commit();
    }
}

}  // namespace deepdesk::storage
