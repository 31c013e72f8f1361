// SPDX-License-Identifier: GPL-3.0-or-later
// Export (Markdown, JSON, HTML, text) and JSON import: lossless round trip, inert HTML, and bad
// files that change nothing.
#include <SQLiteCpp/Statement.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <utility>

#include "storage/exchange.h"
#include "tests/storage/test_support.h"

namespace deepdesk::storage {
namespace {

using ExchangeTest = testing::TempDirTest;

const std::string k_hostile = "<script>alert('x')</script><img src=x onerror=\"alert(1)\"> & \"quotes\"";

std::int64_t fill(conversation_store& s) {
    conversation c;
    c.title = "R1 <b>test</b> 推理";
    c.model_source = "local";
    c.model_name = "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf";
    c.system_prompt = "Answer in \\boxed{}.";
    c.sampling_json = R"({"temperature":0.6,"top_p":0.95})";
    c.created_at = c.updated_at = 1732400000000;
    const auto conv = s.create_conversation(c);
    const auto u = s.add_message(conv, std::nullopt, "user", "1+1=?\n" + k_hostile);
    const auto a = s.begin_assistant(conv, u);
    s.update_stream(a, "**2**", "用户问 1+1。\n答案是 2。" + k_hostile);
    generation_stats st;
    st.reasoning_ms = 3400;
    st.generated_tokens = 42;
    st.tokens_per_second = 18.25;
    s.finish_message(a, st);
    const auto b = s.add_message(conv, u, "assistant", "Two.");  // a second branch
    s.add_message(conv, b, "user", "Thanks");
    s.select_branch(a);
    return conv;
}

std::int64_t count(database& db, const char* table) {
    return SQLite::Statement(db.sql(), std::string("SELECT count(*) FROM ") + table).executeStep()
               ? db.sql().execAndGet(std::string("SELECT count(*) FROM ") + table).getInt64()
               : 0;
}

TEST_F(ExchangeTest, JsonExportImportExportGivesIdenticalBytes) {
    database a(path("a.db"));
    conversation_store sa(a);
    fill(sa);
    conversation c;
    c.title = "second";
    sa.create_conversation(c);
    const std::string first = export_conversations(sa, {}, export_format::json);

    database b(path("b.db"));
    conversation_store sb(b);
    const auto ids = import_json(sb, first);
    EXPECT_EQ(ids.size(), 2u);
    const std::string second = export_conversations(sb, {}, export_format::json);
    EXPECT_EQ(first, second);
    // The active branch and every field came across.
    const auto branch = sb.active_branch(ids[0]);
    ASSERT_EQ(branch.size(), 2u);
    EXPECT_EQ(branch[1].content, "**2**");
    EXPECT_EQ(branch[1].reasoning_ms, 3400);
    EXPECT_EQ(sb.all_messages(ids[0]).size(), 4u);
    EXPECT_NE(first.find("\"format\": \"deepdesk-conversations\""), std::string::npos);
    EXPECT_NE(first.find("\"version\": 1"), std::string::npos);
}

// An answer's tool calls (MCP) go with it: in the JSON, back in through import, and readable in
// Markdown, text and HTML (escaped there like everything else).
TEST_F(ExchangeTest, ToolCallsTravelWithTheirAnswer) {
    database a(path("a.db"));
    conversation_store sa(a);
    const auto conv = sa.create_conversation({});
    const auto u = sa.add_message(conv, std::nullopt, "user", "List my files");
    const auto call = sa.begin_assistant(conv, u);
    sa.finish_message(call, {});
    const std::string calls =
        R"([{"arguments":"{\"path\":\"/tmp\"}","id":"call_1","name":"list_directory","result":"a.txt\n<b>.md","state":"done"}])";
    sa.set_tool_calls(call, calls);
    const auto next = sa.begin_assistant(conv, call);
    sa.update_stream(next, "You have two files.", "");
    sa.finish_message(next, {});
    EXPECT_EQ(sa.find_message(call)->tool_calls, calls);

    const std::string json = export_conversations(sa, {}, export_format::json);
    database b(path("b.db"));
    conversation_store sb(b);
    const auto ids = import_json(sb, json);
    const auto branch = sb.active_branch(ids.at(0));
    ASSERT_EQ(branch.size(), 3u);
    EXPECT_EQ(nlohmann::json::parse(branch[1].tool_calls), nlohmann::json::parse(calls));
    EXPECT_EQ(*branch[2].parent_id, branch[1].id);
    EXPECT_EQ(export_conversations(sb, {}, export_format::json), json);

    const std::string md = export_conversations(sa, {}, export_format::markdown);
    EXPECT_NE(md.find("**Tool call** `list_directory` (done)"), std::string::npos) << md;
    EXPECT_NE(md.find("> a.txt\n> <b>.md"), std::string::npos) << md;
    const std::string text = export_conversations(sa, {}, export_format::text);
    EXPECT_NE(text.find("[Tool call: list_directory {\"path\":\"/tmp\"} (done)]"), std::string::npos) << text;
    const std::string html = export_conversations(sa, {}, export_format::html);
    EXPECT_NE(html.find("&lt;b&gt;.md"), std::string::npos);
    EXPECT_EQ(html.find("<b>.md"), std::string::npos);

    // A tool_calls field that is not a list is refused, and nothing is added.
    std::string bad = json;
    bad.replace(bad.find("\"tool_calls\": ["), 15, "\"tool_calls\": 7, \"x\": [");
    EXPECT_THROW(import_json(sb, bad), import_error);
    EXPECT_EQ(sb.list_conversations().size(), 1u);
}

TEST_F(ExchangeTest, HtmlIsSelfContainedAndEveryTextIsEscaped) {
    database db(path("h.db"));
    conversation_store s(db);
    const auto conv = fill(s);
    const std::string html = export_conversations(s, {conv}, export_format::html);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<b>test"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"), std::string::npos);
    EXPECT_NE(html.find("R1 &lt;b&gt;test&lt;/b&gt; 推理"), std::string::npos);
    EXPECT_NE(html.find("<details><summary>Thought for 3 s</summary>"), std::string::npos);
    EXPECT_EQ(html.find("://"), std::string::npos) << "no external resources";
    EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos);
    if (const char* out = std::getenv("DEEPDESK_EXPORT_SAMPLE")) {
        std::ofstream(out) << html;  // for a look in a browser
    }
}

TEST_F(ExchangeTest, MarkdownAndTextShowTheActiveBranchWithReasoningAsChosen) {
    database db(path("m.db"));
    conversation_store s(db);
    const auto conv = fill(s);
    const std::string md = export_conversations(s, {conv}, export_format::markdown);
    EXPECT_NE(md.find("# R1 <b>test</b> 推理"), std::string::npos);
    EXPECT_NE(md.find("<details>\n<summary>Thought for 3 s</summary>\n\n用户问 1+1。"), std::string::npos);
    EXPECT_NE(md.find("**2**"), std::string::npos);
    EXPECT_EQ(md.find("Two."), std::string::npos);  // the other branch is not shown
    export_options quote;
    quote.reasoning = reasoning_style::quote;
    EXPECT_NE(export_conversations(s, {conv}, export_format::markdown, quote).find("> 用户问 1+1。\n> 答案是 2。"),
              std::string::npos);
    export_options omit;
    omit.reasoning = reasoning_style::omit;
    omit.all_branches = true;
    const std::string md2 = export_conversations(s, {conv}, export_format::markdown, omit);
    EXPECT_EQ(md2.find("用户问"), std::string::npos);
    EXPECT_NE(md2.find("Two."), std::string::npos);
    const std::string text = export_conversations(s, {conv}, export_format::text);
    EXPECT_NE(text.find("You:\n1+1=?"), std::string::npos);
    EXPECT_NE(text.find("[Thought for 3 s]\n用户问"), std::string::npos);
}

// The reasoning's duration reads as the window shows it: "< 1 s" under a second, whole seconds
// from there (tests/qml/tst_reasoningblock.qml checks the window with the same cases).
TEST_F(ExchangeTest, ReasoningDurationsReadAsInTheWindow) {
    database db(path("d.db"));
    conversation_store s(db);
    const std::pair<std::int64_t, const char*> cases[] = {
        {200, "[Thought for < 1 s]"}, {999, "[Thought for < 1 s]"}, {1000, "[Thought for 1 s]"},
        {1499, "[Thought for 1 s]"},  {2600, "[Thought for 3 s]"},
    };
    for (const auto& [ms, says] : cases) {
        conversation c;
        c.title = "t";
        const auto conv = s.create_conversation(c);
        const auto u = s.add_message(conv, std::nullopt, "user", "q");
        const auto a = s.begin_assistant(conv, u);
        s.update_stream(a, "answer", "thinking");
        generation_stats st;
        st.reasoning_ms = ms;
        s.finish_message(a, st);
        const std::string text = export_conversations(s, {conv}, export_format::text);
        EXPECT_NE(text.find(says), std::string::npos) << ms << " ms: " << text;
        const std::string html = export_conversations(s, {conv}, export_format::html);
        std::string summary = std::string(says + 1, std::string(says).size() - 2);  // without the brackets
        if (const auto lt = summary.find('<'); lt != std::string::npos) {
            summary.replace(lt, 1, "&lt;");
        }
        EXPECT_NE(html.find("<summary>" + summary + "</summary>"), std::string::npos) << ms << " ms";
    }
}

TEST_F(ExchangeTest, BadImportsSayWhyAndChangeNothing) {
    database a(path("a.db"));
    conversation_store sa(a);
    fill(sa);
    const std::string good = export_conversations(sa, {}, export_format::json);

    database b(path("b.db"));
    conversation_store sb(b);
    conversation c;
    c.title = "already here";
    sb.create_conversation(c);
    const auto before_c = count(b, "conversations"), before_m = count(b, "messages");
    const auto expect_refused = [&](const std::string& text, const std::string& needle) {
        try {
            import_json(sb, text);
            ADD_FAILURE() << "imported: " << text.substr(0, 60);
        } catch (const import_error& e) {
            EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
        }
        EXPECT_EQ(count(b, "conversations"), before_c);
        EXPECT_EQ(count(b, "messages"), before_m);
    };
    expect_refused(good.substr(0, good.size() * 2 / 3), "not valid JSON");
    expect_refused("{\"hello\": 1}", "not a DeepDesk conversation export");
    expect_refused("[]", "not a DeepDesk conversation export");
    expect_refused(R"({"format": 5, "version": 1, "conversations": []})", "not a DeepDesk conversation export");
    // A number no double holds (found by fuzz_import): an import error, not an escaping exception.
    expect_refused(R"({"format": "deepdesk-conversations", "version": 176400000E500, "conversations": []})",
                   "not valid JSON");
    // Nested deep enough to crash a recursive copy: refused while it is read.
    std::string deep = good;
    const std::size_t at = deep.find("\"sampling\": ") + 12;
    const std::size_t end = deep.find_first_of(",\n", at);
    deep.replace(at, end - at, std::string(200000, '[') + std::string(200000, ']'));
    expect_refused(deep, "levels deep");
    expect_refused(R"({"format": "deepdesk-conversations", "version": 99, "conversations": []})", "newer DeepDesk");
    std::string broken = good;
    broken.replace(broken.find("\"parent\": 1"), 11, "\"parent\": 9");
    expect_refused(broken, "parent 9");
    broken = good;
    broken.replace(broken.find("\"status\": \"complete\""), 20, "\"status\": \"exploded\"");
    expect_refused(broken, "exploded");
    broken = good;
    broken.replace(broken.find("\"role\": \"user\""), 14, "\"role\": \"wizard\"");
    expect_refused(broken, "does not fit the database");
    broken = good;
    broken.replace(broken.find("\"reasoning_ms\""), 14, "\"reasoning_xx\"");
    expect_refused(broken, "missing a field");
}

}  // namespace
}  // namespace deepdesk::storage
