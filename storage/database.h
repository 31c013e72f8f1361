// SPDX-License-Identifier: GPL-3.0-or-later
// The conversation database: one SQLite file, opened per thread (SQLite connections are not
// shared between threads). Opening never damages what is there: a file that is not a database,
// is locked, or was written by a newer DeepDesk gives a storage_error and is left untouched.
#pragma once

#include <SQLiteCpp/Database.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

namespace deepdesk::storage {

class storage_error : public std::runtime_error {
public:
    enum class kind {
        corrupt,       // the file exists but is not a readable SQLite database
        locked,        // another process holds the database longer than the busy timeout
        newer_schema,  // written by a newer DeepDesk; this version must not touch it
        io,            // cannot be opened or created (permissions, missing folder, disk full)
    };
    storage_error(kind k, const std::string& message) : std::runtime_error(message), m_kind(k) {}
    kind what_kind() const { return m_kind; }

private:
    kind m_kind;
};

struct open_options {
    // How long a statement waits for another connection's lock before failing.
    std::chrono::milliseconds busy_timeout{5000};
};

class database {
public:
    // Opens the database at `path`, creating it when the file does not exist, and brings an older
    // schema up to date. Throws storage_error.
    explicit database(const std::string& path, open_options options = {});

    SQLite::Database& sql() { return *m_db; }
    const std::string& path() const { return m_path; }
    // PRAGMA user_version: the schema version of the open file.
    int schema_version();

private:
    std::string m_path;
    std::unique_ptr<SQLite::Database> m_db;
};

}  // namespace deepdesk::storage
