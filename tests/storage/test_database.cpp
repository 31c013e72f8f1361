// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Transaction.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "storage/download_queue.h"
#include "storage/migrations.h"

namespace deepdesk::storage {
namespace {

namespace fs = std::filesystem;

class DatabaseTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::temp_directory_path() / ("deepdesk-storage-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::string path(const std::string& name) const { return (m_dir / name).string(); }

    static std::string read_all(const std::string& p) {
        std::ifstream in(p, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    fs::path m_dir;
};

TEST_F(DatabaseTest, DownloadQueueKeepsItsOrderAndIsReplacedWhole) {
    {
        database db(path("q.db"));
        EXPECT_TRUE(load_download_queue(db).empty());
        save_download_queue(db, {{"b.gguf", R"({"state":"paused"})"}, {"a.gguf", "{}"}, {"c.gguf", "{}"}});
    }
    database db(path("q.db"));  // another run
    auto q = load_download_queue(db);
    ASSERT_EQ(q.size(), 3U);
    EXPECT_EQ(q[0].id, "b.gguf");
    EXPECT_EQ(q[0].state_json, R"({"state":"paused"})");
    EXPECT_EQ(q[2].id, "c.gguf");
    save_download_queue(db, {{"c.gguf", "{}"}});
    q = load_download_queue(db);
    ASSERT_EQ(q.size(), 1U);
    EXPECT_EQ(q[0].id, "c.gguf");
    // Two records with one id: the save fails and the stored queue stays as it was.
    EXPECT_ANY_THROW(save_download_queue(db, {{"x.gguf", "{}"}, {"x.gguf", "{}"}}));
    EXPECT_EQ(load_download_queue(db).size(), 1U);
}

// Two writers (two DeepDesks on one database): each changes only its own entries.
TEST_F(DatabaseTest, DownloadQueueUpdatesKeepAnotherWritersEntries) {
    database one(path("q.db"));
    database two(path("q.db"));
    save_download_queue(one, {{"a.gguf", "{}"}, {"b.gguf", "{}"}});
    update_download_queue(two, {{"c.gguf", R"({"by":"two"})"}}, {});
    update_download_queue(one, {{"b.gguf", R"({"state":"paused"})"}, {"d.gguf", "{}"}}, {"a.gguf"});
    const auto q = load_download_queue(two);
    ASSERT_EQ(q.size(), 3U);
    EXPECT_EQ(q[0].id, "b.gguf");  // kept its place, its state written over
    EXPECT_EQ(q[0].state_json, R"({"state":"paused"})");
    EXPECT_EQ(q[1].id, "c.gguf");  // the other writer's, kept
    EXPECT_EQ(q[2].id, "d.gguf");  // added at the end
}

TEST_F(DatabaseTest, NewDatabaseHasLatestSchemaWalAndForeignKeys) {
    database db(path("new.db"));
    EXPECT_EQ(db.schema_version(), latest_schema_version());
    EXPECT_EQ(db.sql().execAndGet("PRAGMA journal_mode").getString(), "wal");
    EXPECT_EQ(db.sql().execAndGet("PRAGMA foreign_keys").getInt(), 1);
    EXPECT_TRUE(db.sql().tableExists("conversations"));
    EXPECT_TRUE(db.sql().tableExists("messages"));
}

TEST_F(DatabaseTest, MigratesFromEveryOlderVersion) {
    for (int from = 0; from < latest_schema_version(); ++from) {
        const std::string p = path("v" + std::to_string(from) + ".db");
        {
            SQLite::Database raw(p, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            migrate(raw, 0, from);
            ASSERT_EQ(raw.execAndGet("PRAGMA user_version").getInt(), from);
        }
        database db(p);
        EXPECT_EQ(db.schema_version(), latest_schema_version()) << "from version " << from;
        EXPECT_TRUE(db.sql().tableExists("messages")) << "from version " << from;
    }
}

// The app opens one file from several threads (conversations, downloads) at start: a new file
// must come out migrated once, with no connection failing on a half-made schema.
TEST_F(DatabaseTest, ConnectionsOpeningANewFileTogetherAllSucceed) {
    for (int round = 0; round < 20; ++round) {
        const std::string p = path("together" + std::to_string(round) + ".db");
        std::latch start(4);
        std::vector<std::string> errors(4);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                start.arrive_and_wait();
                try {
                    database db(p);
                    if (db.schema_version() != latest_schema_version()) {
                        errors[static_cast<std::size_t>(t)] = "old schema";
                    }
                } catch (const std::exception& e) {
                    errors[static_cast<std::size_t>(t)] = e.what();
                }
            });
        }
        for (auto& th : threads) {
            th.join();
        }
        for (const auto& e : errors) {
            EXPECT_EQ(e, "") << "round " << round;
        }
    }
}

TEST_F(DatabaseTest, ReopeningKeepsData) {
    {
        database db(path("keep.db"));
        db.sql().exec("INSERT INTO conversations(title, created_at, updated_at) VALUES ('你好 world', 1, 2)");
    }
    database db(path("keep.db"));
    EXPECT_EQ(db.sql().execAndGet("SELECT title FROM conversations").getString(), "你好 world");
}

TEST_F(DatabaseTest, DeletingAConversationDeletesItsMessages) {
    database db(path("fk.db"));
    db.sql().exec("INSERT INTO conversations(id, created_at, updated_at) VALUES (1, 0, 0)");
    db.sql().exec(
        "INSERT INTO messages(id, conversation_id, role, created_at, updated_at) VALUES (1, 1, 'user', 0, 0)");
    db.sql().exec(
        "INSERT INTO messages(id, conversation_id, parent_id, role, created_at, updated_at) "
        "VALUES (2, 1, 1, 'assistant', 0, 0)");
    db.sql().exec("DELETE FROM conversations WHERE id = 1");
    EXPECT_EQ(db.sql().execAndGet("SELECT count(*) FROM messages").getInt(), 0);
    EXPECT_THROW(db.sql().exec("INSERT INTO messages(conversation_id, role, created_at, updated_at) "
                               "VALUES (99, 'user', 0, 0)"),
                 SQLite::Exception);
}

TEST_F(DatabaseTest, AFileThatIsNotADatabaseIsRefusedAndLeftAsItIs) {
    const std::string p = path("garbage.db");
    {
        std::ofstream out(p, std::ios::binary);
        for (int i = 0; i < 4096; ++i) {
            out.put(static_cast<char>((i * 37) & 0xff));
        }
    }
    const std::string before = read_all(p);
    try {
        database db(p);
        FAIL() << "opened a file that is not a database";
    } catch (const storage_error& e) {
        EXPECT_EQ(e.what_kind(), storage_error::kind::corrupt);
        EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_all(p), before);
    EXPECT_FALSE(fs::exists(p + "-wal"));
}

TEST_F(DatabaseTest, ANewerSchemaIsRefusedAndLeftAsItIs) {
    const std::string p = path("newer.db");
    {
        SQLite::Database raw(p, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec("CREATE TABLE future(x); PRAGMA user_version = " + std::to_string(latest_schema_version() + 1));
    }
    const std::string before = read_all(p);
    try {
        database db(p);
        FAIL() << "opened a database from a newer version";
    } catch (const storage_error& e) {
        EXPECT_EQ(e.what_kind(), storage_error::kind::newer_schema);
    }
    EXPECT_EQ(read_all(p), before);
}

TEST_F(DatabaseTest, ALockedDatabaseSaysSo) {
    const std::string p = path("locked.db");
    SQLite::Database holder(p, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    holder.exec("CREATE TABLE t(x)");
    holder.exec("BEGIN EXCLUSIVE");
    holder.exec("INSERT INTO t VALUES (1)");
    try {
        database db(p, open_options{std::chrono::milliseconds(50)});
        FAIL() << "opened a database another connection holds exclusively";
    } catch (const storage_error& e) {
        EXPECT_EQ(e.what_kind(), storage_error::kind::locked) << e.what();
    }
    holder.exec("ROLLBACK");
}

TEST_F(DatabaseTest, AMissingFolderIsAnIoError) {
    try {
        database db(path("no/such/folder/x.db"));
        FAIL() << "created a database in a folder that does not exist";
    } catch (const storage_error& e) {
        EXPECT_EQ(e.what_kind(), storage_error::kind::io) << e.what();
    }
}

}  // namespace
}  // namespace deepdesk::storage
