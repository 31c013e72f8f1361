// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/database.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <thread>

#include "storage/migrations.h"

namespace deepdesk::storage {
namespace {

storage_error classify(const SQLite::Exception& e, const std::string& path) {
    const int code = e.getErrorCode() & 0xff;  // primary result code
    switch (code) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return {storage_error::kind::corrupt, "The conversation database " + path +
                                                  " is damaged or is not a DeepDesk database (" + e.what() +
                                                  "). It was left as it is; move it aside to start a new one."};
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return {storage_error::kind::locked,
                "The conversation database " + path + " is locked by another program (is DeepDesk already running?)."};
    default: return {storage_error::kind::io, "Cannot open the conversation database " + path + ": " + e.what()};
    }
}

// Conversations are private: the database and its -wal and -shm files (which SQLite creates with
// the database file's mode) are for their owner only, from the first byte (a new file is created
// empty and restricted before SQLite writes to it; an older one loses its group and other bits).
void keep_owner_only(const std::string& path, bool exists) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!exists) {
        std::ofstream(path, std::ios::binary | std::ios::app).close();  // empty: SQLite's new database
    }
    for (const std::string& f : {path, path + "-wal", path + "-shm"}) {
        if (fs::exists(f, ec)) {
            fs::permissions(f, fs::perms::group_all | fs::perms::others_all, fs::perm_options::remove, ec);
        }
    }
}

}  // namespace

database::database(const std::string& path, open_options options) : m_path(path) {
    std::error_code ec;
    const bool exists = std::filesystem::exists(path, ec);
    if (path != ":memory:" && !path.empty()) {
        keep_owner_only(path, exists);
    }
    const int flags = SQLite::OPEN_READWRITE | (exists ? 0 : SQLite::OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
    try {
        m_db = std::make_unique<SQLite::Database>(path, flags, static_cast<int>(options.busy_timeout.count()));
        // Read before writing anything: a foreign or damaged file fails here and stays untouched.
        const int version = schema_version();
        const int latest = latest_schema_version();
        if (version > latest) {
            throw storage_error(storage_error::kind::newer_schema,
                                "The conversation database " + path + " was written by a newer DeepDesk (schema " +
                                    std::to_string(version) + ", this version knows up to " + std::to_string(latest) +
                                    "). Update DeepDesk to open it.");
        }
        // Switching a new file to WAL and migrating it need the file to themselves. Another
        // connection doing the same at that moment (the app opens one file from several threads)
        // can make SQLite answer "busy" at once instead of waiting, so wait here, as long as the
        // busy timeout allows.
        const auto deadline = std::chrono::steady_clock::now() + options.busy_timeout;
        for (;;) {
            try {
                m_db->exec("PRAGMA journal_mode = WAL");
                m_db->exec("PRAGMA synchronous = NORMAL");
                m_db->exec("PRAGMA foreign_keys = ON");
                migrate(*m_db, schema_version(), latest);
                break;
            } catch (const SQLite::Exception& e) {
                const int code = e.getErrorCode() & 0xff;
                if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || std::chrono::steady_clock::now() >= deadline) {
                    throw;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        }
    } catch (const SQLite::Exception& e) {
        throw classify(e, path);
    }
}

int database::schema_version() { return m_db->execAndGet("PRAGMA user_version").getInt(); }

}  // namespace deepdesk::storage
