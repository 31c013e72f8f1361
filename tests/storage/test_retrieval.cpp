// SPDX-License-Identifier: GPL-3.0-or-later
// Relevant parts of a long attachment: chunks cut at boundaries, FTS5 BM25 ranking in English and
// Chinese, and the kept parts within the budget in reading order.
#include <gtest/gtest.h>

#include "storage/retrieval.h"

namespace deepdesk::storage {
namespace {

std::string filler(int n, const std::string& word) {
    std::string out;
    for (int i = 0; i < n; ++i) {
        out += word + " " + std::to_string(i) + " lorem ipsum dolor sit amet.\n";
    }
    return out;
}

TEST(Retrieval, PhrasesDoubleTheirQuotes) {
    EXPECT_EQ(fts_phrase("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(fts_phrase("预算"), "\"预算\"");
}

TEST(Retrieval, QueriesHaveWordsAndChineseTrigrams) {
    EXPECT_EQ(fts_query("What is the budget?"), "\"What\" OR \"budget\" OR \"the\"");
    const std::string zh = fts_query("项目预算是多少？");
    EXPECT_NE(zh.find("\"项目预\""), std::string::npos) << zh;
    EXPECT_NE(zh.find("\"预算是\""), std::string::npos) << zh;
    EXPECT_EQ(fts_query("a b 的"), "");
    EXPECT_EQ(fts_query("say \"hi\" there"), "\"say\" OR \"there\"");  // quotes never reach FTS5
}

TEST(Retrieval, TheRelevantChunkRanksFirstInEitherLanguage) {
    std::vector<std::string> chunks{filler(20, "apples"), "The project budget is 4.2 million euros for 2027.\n",
                                    filler(20, "pears"), "会议纪要：项目预算为四百二十万欧元，由财务部门审批。\n"};
    EXPECT_EQ(rank_by_relevance(chunks, "What is the project budget?").front(), 1u);
    EXPECT_EQ(rank_by_relevance(chunks, "项目预算是多少？").front(), 3u);
    const auto none = rank_by_relevance(chunks, "zz");
    EXPECT_EQ(none, (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST(Retrieval, RelevantPartsFitTheBudgetInReadingOrder) {
    const std::string text = filler(300, "noise") + "\n\nThe launch date is 14 March 2027.\n\n" + filler(300, "more");
    const std::string parts = relevant_parts(text, "When is the launch date?", 4000);
    EXPECT_LE(parts.size(), 4000u);
    EXPECT_NE(parts.find("The launch date is 14 March 2027."), std::string::npos);
    EXPECT_EQ(parts.rfind("[Part ", 0), 0u);
    // A PDF's parts say their page.
    const std::string paged =
        "[Page 1]\n" + filler(200, "intro") + "\n[Page 2]\nThe warranty lasts seven years.\n\n" + filler(200, "outro");
    const std::string with_pages = relevant_parts(paged, "How long is the warranty?", 3000);
    EXPECT_NE(with_pages.find(", page 2]\nThe warranty lasts seven years."), std::string::npos) << with_pages;
    // Short enough already: unchanged.
    EXPECT_EQ(relevant_parts("short", "q", 100), "short");
}

}  // namespace
}  // namespace deepdesk::storage
