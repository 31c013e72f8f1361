// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/reasoning.h"

namespace deepdesk {
namespace {

struct split_case {
    std::string output;
    bool starts_in_reasoning;
    std::string reasoning;
    std::string answer;
};

const std::vector<split_case> k_cases{
    {"<think>\nLet me think.\nOK.\n</think>\n\nThe answer is 4.", false, "Let me think.\nOK.", "The answer is 4."},
    {"Let me think.\n</think>\n\nFour.", true, "Let me think.", "Four."},
    {"<think>\nreasoning never closed", false, "reasoning never closed", ""},
    {"still thinking when it stopped", true, "still thinking when it stopped", ""},
    {"<think>\n\n</think>\n\nJust the answer.", false, "", "Just the answer."},
    {"Plain answer, no tags.", false, "", "Plain answer, no tags."},
    {"\n<think>lead</think>after", false, "lead", "after"},
    {"<think>a < b and </thin k> stays</think>done", false, "a < b and </thin k> stays", "done"},
    {"<th", false, "", "<th"},
    {"<think>\n让我想想：1+1=2。\n</think>\n\n答案是 **2**。", false, "让我想想：1+1=2。", "答案是 **2**。"},
    {"<think>x</think>answer </think> literal", false, "x", "answer </think> literal"},
    {"", false, "", ""},
    {"Answer with <think> in the middle", false, "", "Answer with <think> in the middle"},
    // "</think>" with no "<think>" before it always ends the reasoning (a template that opened it
    // in the prompt, or a remote server's inline reasoning).
    {"Okay</think>Hi 4U!", false, "Okay", "Hi 4U!"},
    {"\nLet me see.\n\n</think>\n\nDone.", false, "Let me see.", "Done."},
    {"</think>Only the answer", false, "", "Only the answer"},
    {"嗯，1+1=2。</think>答案：2 </think> stays", false, "嗯，1+1=2。", "答案：2 </think> stays"},
    {"a < b</thin", false, "", "a < b</thin"},
};

struct result {
    std::string reasoning, answer;
};

result run(const split_case& c, const std::vector<std::size_t>& cuts) {
    reasoning_splitter s(c.starts_in_reasoning);
    result r;
    std::size_t prev = 0;
    auto take = [&](const reasoning_delta& d) {
        if (d.answer_was_reasoning) {
            EXPECT_TRUE(r.reasoning.empty());
            r.answer.clear();
        }
        r.reasoning += d.reasoning;
        r.answer += d.answer;
    };
    for (std::size_t cut : cuts) {
        take(s.feed(std::string_view(c.output).substr(prev, cut - prev)));
        prev = cut;
    }
    take(s.feed(std::string_view(c.output).substr(prev)));
    take(s.finish());
    EXPECT_EQ(r.reasoning, s.reasoning());
    EXPECT_EQ(r.answer, s.answer());
    return r;
}

TEST(ReasoningSplitter, EverySplitPointGivesTheSameResult) {
    for (const auto& c : k_cases) {
        for (std::size_t i = 0; i <= c.output.size(); ++i) {
            const result r = run(c, {i});
            ASSERT_EQ(r.reasoning, c.reasoning) << "'" << c.output << "' cut at " << i;
            ASSERT_EQ(r.answer, c.answer) << "'" << c.output << "' cut at " << i;
        }
        for (std::size_t i = 0; i <= c.output.size(); ++i) {  // and every pair of cut points
            for (std::size_t j = i; j <= c.output.size(); ++j) {
                const result r = run(c, {i, j});
                ASSERT_EQ(r.reasoning, c.reasoning) << "'" << c.output << "' cut at " << i << ", " << j;
                ASSERT_EQ(r.answer, c.answer) << "'" << c.output << "' cut at " << i << ", " << j;
            }
        }
    }
}

TEST(ReasoningSplitter, ByteByByte) {
    for (const auto& c : k_cases) {
        std::vector<std::size_t> cuts;
        for (std::size_t i = 1; i < c.output.size(); ++i) {
            cuts.push_back(i);
        }
        const result r = run(c, cuts);
        EXPECT_EQ(r.reasoning, c.reasoning) << c.output;
        EXPECT_EQ(r.answer, c.answer) << c.output;
    }
}

TEST(ReasoningSplitter, TagsNeverLeakWhileStreaming) {
    reasoning_splitter s;
    std::string answer;
    for (const char* piece : {"<think>", "plan", "</", "thi", "nk", ">", "\n\n", "Result"}) {
        const auto d = s.feed(piece);
        answer += d.answer;
        EXPECT_EQ(d.answer.find('<'), std::string::npos) << "after piece '" << piece << "'";
        EXPECT_EQ(d.reasoning.find('<'), std::string::npos) << "after piece '" << piece << "'";
    }
    EXPECT_EQ(answer, "Result");
    EXPECT_FALSE(s.in_reasoning());
}

TEST(ReasoningSplitter, MeasuresTheReasoning) {
    using namespace std::chrono_literals;
    const auto t0 = reasoning_splitter::clock::now();
    reasoning_splitter s(false, t0);
    s.feed("<think>", t0 + 1s);
    EXPECT_TRUE(s.in_reasoning());
    EXPECT_EQ(s.reasoning_duration(t0 + 3s), 2000ms) << "counts while it runs";
    s.feed("hmm</think>ok", t0 + 5s);
    EXPECT_EQ(s.reasoning_duration(t0 + 60s), 4000ms) << "stops at </think>";

    // Closed with no opening tag: from the start of the output to "</think>".
    reasoning_splitter inline_close(false, t0);
    inline_close.feed("Okay", t0 + 1s);
    const reasoning_delta d = inline_close.feed("</think>Hi", t0 + 6s);
    EXPECT_TRUE(d.answer_was_reasoning);
    EXPECT_EQ(d.reasoning, "Okay");
    EXPECT_EQ(d.answer, "Hi");
    EXPECT_EQ(inline_close.reasoning_duration(t0 + 60s), 6000ms);

    reasoning_splitter none(false, t0);
    none.feed("no reasoning", t0 + 1s);
    none.finish(t0 + 2s);
    EXPECT_EQ(none.reasoning_duration(t0 + 9s), 0ms);
}

}  // namespace
}  // namespace deepdesk
