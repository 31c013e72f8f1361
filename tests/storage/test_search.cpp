// SPDX-License-Identifier: GPL-3.0-or-later
// Full-text search in English, Chinese and Japanese, short queries, snippets, and data written
// before the search index existed.
#include <SQLiteCpp/Database.h>

#include "storage/conversation_store.h"
#include "storage/migrations.h"
#include "storage/search.h"
#include "tests/storage/test_support.h"

namespace deepdesk::storage {
namespace {

using SearchTest = testing::TempDirTest;

struct fixture_ids {
    std::int64_t attention = 0, cat = 0, japanese = 0;
    std::int64_t attention_answer = 0, cat_answer = 0, japanese_answer = 0;
};

fixture_ids fill(conversation_store& s) {
    fixture_ids ids;
    conversation c;
    c.title = "Attention mechanisms explained";
    ids.attention = s.create_conversation(c);
    auto u = s.add_message(ids.attention, std::nullopt, "user", "Explain self-attention in one sentence.");
    ids.attention_answer = s.begin_assistant(ids.attention, u);
    s.update_stream(ids.attention_answer, "Each token weighs every other token by query-key similarity.",
                    "The user wants a single sentence about Transformers.");
    c.title = "我家的猫";
    ids.cat = s.create_conversation(c);
    u = s.add_message(ids.cat, std::nullopt, "user", "我的猫不喜欢吃鱼，怎么办？");
    ids.cat_answer = s.add_message(ids.cat, u, "assistant", "可以试试不同口味的猫粮，并咨询兽医的建议。");
    c.title = "日本語の質問";
    ids.japanese = s.create_conversation(c);
    u = s.add_message(ids.japanese, std::nullopt, "user", "東京でおすすめのラーメン屋はどこですか？");
    ids.japanese_answer =
        s.add_message(ids.japanese, u, "assistant", "新宿や池袋には有名なラーメン店がたくさんあります。");
    return ids;
}

bool has_message(const std::vector<search_hit>& hits, std::int64_t id) {
    return std::any_of(hits.begin(), hits.end(), [&](const search_hit& h) { return h.message_id == id; });
}

// A conversation is listed once however many of its messages match, with the count, in the order
// of its best hit; short (scanned) queries too.
TEST_F(SearchTest, EachConversationOnceWithItsNumberOfMatches) {
    database db(path("g.db"));
    conversation_store s(db);
    const auto ids = fill(s);
    for (int i = 0; i < 5; ++i) {  // five more messages about attention in the same conversation
        s.add_message(ids.attention, std::nullopt, "user", "More on attention, part " + std::to_string(i));
    }
    const auto grouped = search_conversations(db, "attention");
    ASSERT_EQ(grouped.size(), 1u);
    EXPECT_EQ(grouped[0].first.conversation_id, ids.attention);
    EXPECT_EQ(grouped[0].first.field, "title");  // the best place first
    EXPECT_EQ(grouped[0].matches, static_cast<int>(search(db, "attention").size()));
    EXPECT_GE(grouped[0].matches, 7);  // the title, the question, the reasoning's neighbour, five more

    const auto cats = search_conversations(db, "猫");  // one character: the scan path
    ASSERT_EQ(cats.size(), 1u);
    EXPECT_EQ(cats[0].first.conversation_id, ids.cat);
    EXPECT_EQ(cats[0].matches, 3);  // the title, the question, the answer

    EXPECT_EQ(search_conversations(db, "attention", 0).size(), 0u);
    EXPECT_TRUE(search_conversations(db, "").empty());
}

TEST_F(SearchTest, FindsEnglishChineseAndJapaneseWithSnippets) {
    database db(path("s.db"));
    conversation_store s(db);
    const auto ids = fill(s);

    auto hits = search(db, "query-key");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, ids.attention_answer);
    EXPECT_EQ(hits[0].conversation_title, "Attention mechanisms explained");
    EXPECT_EQ(hits[0].field, "content");
    EXPECT_NE(hits[0].snippet.find(std::string(1, k_mark_open) + "query-key" + k_mark_close), std::string::npos)
        << hits[0].snippet;

    hits = search(db, "TRANSFORMERS");  // case-insensitive; found in the reasoning
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].field, "reasoning");

    hits = search(db, "attention");  // the title and two messages
    ASSERT_GE(hits.size(), 2u);
    EXPECT_EQ(hits[0].message_id, 0);
    EXPECT_EQ(hits[0].field, "title");
    EXPECT_EQ(hits[0].conversation_id, ids.attention);

    hits = search(db, "不同口味");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, ids.cat_answer);
    EXPECT_EQ(snippet_html(hits[0].snippet).find("<mark>不同口味</mark>") != std::string::npos, true)
        << snippet_html(hits[0].snippet);

    EXPECT_TRUE(has_message(search(db, "ラーメン"), ids.japanese_answer));
    EXPECT_TRUE(has_message(search(db, "ラーメン 新宿"), ids.japanese_answer));  // every word must occur
    EXPECT_FALSE(has_message(search(db, "ラーメン 大阪城"), ids.japanese_answer));
    EXPECT_TRUE(search(db, "nothing like this anywhere").empty());
    EXPECT_TRUE(search(db, "   ").empty());
}

TEST_F(SearchTest, OneAndTwoCharacterQueriesAreFoundToo) {
    database db(path("s.db"));
    conversation_store s(db);
    const auto ids = fill(s);
    auto hits = search(db, "猫");
    EXPECT_TRUE(has_message(hits, ids.cat_answer));
    EXPECT_TRUE(std::any_of(hits.begin(), hits.end(),
                            [&](const search_hit& h) { return h.message_id == 0 && h.conversation_id == ids.cat; }));
    for (const auto& h : hits) {
        EXPECT_NE(h.snippet.find(std::string(1, k_mark_open) + "猫" + k_mark_close), std::string::npos) << h.snippet;
    }
    EXPECT_TRUE(has_message(search(db, "兽医"), ids.cat_answer));
    EXPECT_TRUE(has_message(search(db, "新宿"), ids.japanese_answer));
    EXPECT_TRUE(has_message(search(db, "Qu"), ids.attention_answer));  // ASCII case folding
    EXPECT_FALSE(has_message(search(db, "狗"), ids.cat_answer));
    // At the very end of a text (the last characters begin no trigram of their own text).
    const auto tail = s.add_message(ids.cat, std::nullopt, "user", "一只小狗");
    EXPECT_TRUE(has_message(search(db, "狗"), tail));
    EXPECT_TRUE(has_message(search(db, "小狗"), tail));
    EXPECT_EQ(search(db, "狗")[0].snippet, std::string("一只小") + k_mark_open + "狗" + k_mark_close);
    // A very common character (hundreds of trigrams begin with it) is still found.
    std::string many;
    for (int i = 0; i < 400; ++i) {
        many += "的" + std::to_string(i) + " ";
    }
    const auto common = s.add_message(ids.cat, std::nullopt, "user", many);
    EXPECT_TRUE(has_message(search(db, "的"), common));
    // A short word next to a long one narrows the long one's hits.
    EXPECT_TRUE(has_message(search(db, "猫粮 兽医"), ids.cat_answer));
    EXPECT_FALSE(has_message(search(db, "猫粮 狗"), ids.cat_answer));
}

TEST_F(SearchTest, TheIndexFollowsEditsAndDeletes) {
    database db(path("s.db"));
    conversation_store s(db);
    const auto ids = fill(s);
    s.update_stream(ids.attention_answer, "Rewritten completely.", "");
    EXPECT_TRUE(search(db, "query-key").empty());
    EXPECT_TRUE(has_message(search(db, "Rewritten"), ids.attention_answer));
    s.rename(ids.cat, "宠物问题");
    EXPECT_TRUE(search(db, "我家的猫").empty());
    s.delete_conversation(ids.cat);
    EXPECT_TRUE(search(db, "不同口味").empty());
    EXPECT_TRUE(search(db, "宠物问题").empty());
}

TEST_F(SearchTest, MessagesWrittenBeforeTheIndexExistedAreFoundAfterUpgrading) {
    const std::string file = path("old.db");
    {
        SQLite::Database raw(file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        migrate(raw, 0, 1);  // a version-1 database
        raw.exec("INSERT INTO conversations (id, title, created_at, updated_at) VALUES (1, '旧的对话', 1, 1)");
        raw.exec(
            "INSERT INTO messages (conversation_id, role, content, created_at, updated_at) "
            "VALUES (1, 'user', '这是升级之前写的消息', 1, 1)");
    }
    database db(file);
    EXPECT_EQ(db.schema_version(), latest_schema_version());
    ASSERT_EQ(search(db, "升级之前").size(), 1u);
    ASSERT_EQ(search(db, "旧的对话").size(), 1u);
}

}  // namespace
}  // namespace deepdesk::storage
