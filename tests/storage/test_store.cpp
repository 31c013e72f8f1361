// SPDX-License-Identifier: GPL-3.0-or-later
// Conversations, message trees, streaming saves and what survives a killed writer.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "storage/conversation_store.h"
#include "tests/storage/test_support.h"

namespace deepdesk::storage {
namespace {

using StoreTest = testing::TempDirTest;

std::vector<std::string> texts(const std::vector<message>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) {
        out.push_back(m.content);
    }
    return out;
}

TEST_F(StoreTest, ConversationsAreListedPinnedFirstThenByLastUpdate) {
    database db(path("c.db"));
    conversation_store s(db);
    conversation c;
    c.title = "first";
    c.created_at = c.updated_at = 1000;
    const auto a = s.create_conversation(c);
    c.title = "second";
    c.created_at = c.updated_at = 2000;
    const auto b = s.create_conversation(c);
    c.title = "third";
    c.created_at = c.updated_at = 3000;
    const auto d = s.create_conversation(c);
    s.set_pinned(a, true);
    auto list = s.list_conversations();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].id, a);
    EXPECT_EQ(list[1].id, d);
    EXPECT_EQ(list[2].id, b);
    s.rename(b, "重命名的对话");
    s.set_model(b, "remote:deepseek", "deepseek-reasoner");
    s.set_system_prompt(b, "Be brief.");
    s.set_sampling(b, R"({"temperature":0.6})");
    const auto got = s.find_conversation(b);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->title, "重命名的对话");
    EXPECT_EQ(got->model_source, "remote:deepseek");
    EXPECT_EQ(got->model_name, "deepseek-reasoner");
    EXPECT_EQ(got->system_prompt, "Be brief.");
    EXPECT_EQ(got->sampling_json, R"({"temperature":0.6})");
    s.delete_conversation(d);
    EXPECT_FALSE(s.find_conversation(d));
    EXPECT_EQ(s.list_conversations().size(), 2u);
}

// The database, its write-ahead log and shared memory are the owner's only, from creation; an
// older database readable by others is tightened when opened.
TEST_F(StoreTest, TheDatabaseFilesAreOwnerOnly) {
    namespace fs = std::filesystem;
    const auto others = fs::perms::group_all | fs::perms::others_all;
    const std::string file = path("private.db");
    {
        database db(file);
        conversation_store s(db);
        s.add_message(s.create_conversation({}), std::nullopt, "user", "secret");
        for (const std::string& f : {file, file + "-wal", file + "-shm"}) {
            ASSERT_TRUE(fs::exists(f)) << f;
            EXPECT_EQ(fs::status(f).permissions() & others, fs::perms::none) << f;
        }
    }
    fs::permissions(file, fs::perms::group_read | fs::perms::others_read, fs::perm_options::add);
    database again(file);
    EXPECT_EQ(fs::status(file).permissions() & others, fs::perms::none);
    EXPECT_NE(fs::status(file).permissions() & fs::perms::owner_write, fs::perms::none);
}

TEST_F(StoreTest, EditAndRegenerateMakeBranchesAndTheActiveOneIsRemembered) {
    const std::string file = path("tree.db");
    std::int64_t conv = 0, user1 = 0, answer1 = 0, answer1b = 0, user1_edit = 0;
    {
        database db(file);
        conversation_store s(db);
        conv = s.create_conversation({});
        user1 = s.add_message(conv, std::nullopt, "user", "What is 2+2?");
        answer1 = s.add_message(conv, user1, "assistant", "4");
        EXPECT_EQ(texts(s.active_branch(conv)), (std::vector<std::string>{"What is 2+2?", "4"}));
        // Regenerate: a sibling of the answer.
        answer1b = s.add_message(conv, user1, "assistant", "Four.");
        EXPECT_EQ(texts(s.active_branch(conv)), (std::vector<std::string>{"What is 2+2?", "Four."}));
        EXPECT_EQ(s.siblings(answer1b), (std::vector<std::int64_t>{answer1, answer1b}));
        s.add_message(conv, answer1b, "user", "And 3+3?");
        // Edit the first user message: a new root branch.
        user1_edit = s.add_message(conv, std::nullopt, "user", "What is 2+3?");
        s.add_message(conv, user1_edit, "assistant", "5");
        EXPECT_EQ(texts(s.active_branch(conv)), (std::vector<std::string>{"What is 2+3?", "5"}));
        EXPECT_EQ(s.siblings(user1).size(), 2u);
        // Back to the first branch: down to its most recent leaf.
        s.select_branch(user1);
        EXPECT_EQ(texts(s.active_branch(conv)), (std::vector<std::string>{"What is 2+2?", "Four.", "And 3+3?"}));
        s.select_branch(answer1);
        EXPECT_EQ(texts(s.active_branch(conv)), (std::vector<std::string>{"What is 2+2?", "4"}));
        EXPECT_EQ(s.all_messages(conv).size(), 6u);
        EXPECT_THROW(s.add_message(conv + 1000, user1, "user", "x"), std::invalid_argument);
    }
    database db(file);  // reopened: the branch on screen is still the one chosen
    conversation_store s(db);
    EXPECT_EQ(texts(s.active_branch(conv)), (std::vector<std::string>{"What is 2+2?", "4"}));
    // Each message of the branch with its place among its siblings, as the switcher shows it:
    // the first of two roots ("1/2"), the first of two answers ("1/2").
    const auto branch = s.active_branch_with_siblings(conv);
    ASSERT_EQ(branch.size(), 2u);
    EXPECT_EQ(branch[0].msg.id, user1);
    EXPECT_EQ(branch[0].sibling_index, 0);
    EXPECT_EQ(branch[0].sibling_count, 2);
    EXPECT_EQ(branch[1].msg.id, answer1);
    EXPECT_EQ(branch[1].sibling_index, 0);
    EXPECT_EQ(branch[1].sibling_count, 2);
    s.select_branch(user1_edit);
    const auto edited = s.active_branch_with_siblings(conv);
    ASSERT_EQ(edited.size(), 2u);
    EXPECT_EQ(edited[0].sibling_index, 1);  // the second root
    EXPECT_EQ(edited[0].sibling_count, 2);
    EXPECT_EQ(edited[1].msg.content, "5");
    EXPECT_EQ(edited[1].sibling_index, 0);  // an only child
    EXPECT_EQ(edited[1].sibling_count, 1);
    // Another conversation's messages are never counted as siblings.
    const auto other = s.create_conversation({});
    s.add_message(other, std::nullopt, "user", "elsewhere");
    EXPECT_EQ(s.active_branch_with_siblings(conv)[0].sibling_count, 2);
}

TEST_F(StoreTest, StreamingMessagesKeepReasoningApartAndRecordTheirStats) {
    database db(path("s.db"));
    conversation_store s(db);
    const auto conv = s.create_conversation({});
    const auto user = s.add_message(conv, std::nullopt, "user", "Why is the sky blue?");
    const auto id = s.begin_assistant(conv, user);
    EXPECT_EQ(s.find_message(id)->status, message_status::streaming);
    stream_writer w(s, id, std::chrono::milliseconds(0));
    w.append("Rayleigh ", "");
    w.append("scattering.", "");
    w.append("", "Because of Rayleigh scattering.");
    generation_stats st;
    st.reasoning_ms = 1500;
    st.prompt_tokens = 12;
    st.generated_tokens = 30;
    st.tokens_per_second = 17.5;
    s.finish_message(id, st);
    const auto m = s.find_message(id);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->reasoning, "Rayleigh scattering.");
    EXPECT_EQ(m->content, "Because of Rayleigh scattering.");
    EXPECT_EQ(m->status, message_status::complete);
    EXPECT_EQ(m->reasoning_ms, 1500);
    EXPECT_EQ(m->generated_tokens, 30);
    EXPECT_DOUBLE_EQ(m->tokens_per_second, 17.5);
    EXPECT_EQ(m->finish_reason, "stop");
    const auto failed = s.begin_assistant(conv, user);
    s.fail_message(failed, "the server closed the connection");
    EXPECT_EQ(s.find_message(failed)->status, message_status::error);
    EXPECT_EQ(s.find_message(failed)->error_text, "the server closed the connection");
    const auto left = s.begin_assistant(conv, user);
    EXPECT_EQ(s.mark_interrupted(), 1);
    EXPECT_EQ(s.find_message(left)->status, message_status::interrupted);
}

TEST_F(StoreTest, TitlesComeFromTheFirstLineCutByCharacters) {
    EXPECT_EQ(title_from_exchange("  How do   I sort\na list?", "Use sorted()."), "How do I sort");
    EXPECT_EQ(title_from_exchange("\n\n", "Hello there\nsecond"), "Hello there");
    EXPECT_EQ(title_from_exchange("请用一句话解释什么是注意力机制以及它为什么重要", "", 10),
              "请用一句话解释什么是\u2026");
    EXPECT_EQ(title_from_exchange("short", "", 5), "short");
    EXPECT_EQ(title_from_exchange("exactly six", "", 7), "exactly\u2026");
}

// A child process streams an answer through stream_writer and is killed with SIGKILL; what it
// reported as appended more than 500 ms before the kill must be in the database, and the message
// must show as interrupted on the next open.
TEST_F(StoreTest, AKilledWriterLosesAtMostTheLastHalfSecond) {
    const std::string file = path("crash.db");
    std::int64_t id = 0;
    {
        database db(file);
        conversation_store s(db);
        const auto conv = s.create_conversation({});
        id = s.begin_assistant(conv, s.add_message(conv, std::nullopt, "user", "Count."));
    }
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(fds[0]);
        database db(file);
        conversation_store s(db);
        stream_writer w(s, id);  // default interval
        for (int i = 0;; ++i) {
            w.append("", "chunk" + std::to_string(i) + " ");
            const auto t = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
            const std::string line = std::to_string(i) + " " + std::to_string(t) + "\n";
            if (::write(fds[1], line.data(), line.size()) < 0) {
                ::_exit(1);
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    ::close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ::kill(child, SIGKILL);
    const auto killed_at =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    // The last chunk the child reported at least 500 ms before the kill.
    std::string reported;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof(buf))) > 0;) {
        reported.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int must_have = -1, last = -1;
    std::size_t pos = 0;
    for (std::size_t nl; (nl = reported.find('\n', pos)) != std::string::npos; pos = nl + 1) {
        const std::string line = reported.substr(pos, nl - pos);
        const int i = std::stoi(line.substr(0, line.find(' ')));
        const long long t = std::stoll(line.substr(line.find(' ') + 1));
        last = i;
        if (killed_at - t >= 500) {
            must_have = i;
        }
    }
    ASSERT_GT(last, 50) << "the child streamed too little to judge";
    ASSERT_GE(must_have, 0);

    database db(file);
    conversation_store s(db);
    EXPECT_EQ(s.mark_interrupted(), 1);
    const auto m = s.find_message(id);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->status, message_status::interrupted);
    // What survived is an exact prefix of what was streamed, and holds every chunk up to must_have.
    std::string expected;
    for (int i = 0; i <= last; ++i) {
        expected += "chunk" + std::to_string(i) + " ";
    }
    EXPECT_EQ(expected.compare(0, m->content.size(), m->content), 0) << "not a prefix: " << m->content.substr(0, 80);
    EXPECT_NE(m->content.find("chunk" + std::to_string(must_have) + " "), std::string::npos)
        << "lost more than 500 ms: saved " << m->content.size() << " bytes, last chunk reported " << last;
}

}  // namespace
}  // namespace deepdesk::storage
