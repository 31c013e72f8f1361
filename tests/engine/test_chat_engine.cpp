// SPDX-License-Identifier: GPL-3.0-or-later
// chat_engine: turns through the chat format, the prompt cache between turns, streaming deltas
// that add up to the result, cancellation and the token limit (on the shared small-qwen2 model).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "engine/chat_engine.h"
#include "tests/support/scripted_chat_model.h"

namespace deepdesk {
namespace {

std::string small_model() {
    const auto p = std::filesystem::path(DEEPDESK_SHARED_DIR) / "testdata/models/small-qwen2.q4_k_m.gguf";
    return std::filesystem::exists(p) ? p.string() : std::string();
}

using role = chat_message::role;

TEST(ChatEngine, TurnsStreamReuseTheCacheAndStop) {
    const std::string path = small_model();
    if (path.empty()) {
        GTEST_SKIP() << "shared model not found (../shared is absent)";
    }
    chat_engine_params p;
    p.model_path = path;
    p.n_ctx = 512;
    p.n_threads = 2;
    chat_engine e(p);
    generation_options go;
    go.sampling.temperature = 0.0f;
    go.max_tokens = 12;
    std::vector<chat_message> msgs{{role::user, "Hello"}};
    std::string streamed;
    const turn_result a = e.generate(msgs, go, [&](const reasoning_delta& d) { streamed += d.reasoning + d.answer; });
    EXPECT_EQ(a.finish_reason, "length");
    EXPECT_EQ(a.generated_tokens, 12);
    EXPECT_EQ(streamed, a.reasoning + a.answer);
    EXPECT_EQ(a.reused_tokens, 0);
    EXPECT_GT(a.prompt_tokens, 2);

    // The same request again: the prompt comes from the cache and greedy output repeats.
    const turn_result b = e.generate(msgs, go, nullptr);
    EXPECT_EQ(b.answer + b.reasoning, a.answer + a.reasoning);
    EXPECT_EQ(b.reused_tokens, b.prompt_tokens - 1);

    // A follow-up turn reuses the first turn's prompt.
    msgs.push_back({role::assistant, a.answer});
    msgs.push_back({role::user, "And then?"});
    const turn_result c = e.generate(msgs, go, nullptr);
    EXPECT_GE(c.reused_tokens, a.prompt_tokens);

    // Cancelled before it starts: nothing is generated, the reason says so.
    std::atomic<bool> cancel{true};
    const turn_result d = e.generate(msgs, go, nullptr, &cancel);
    EXPECT_EQ(d.finish_reason, "cancelled");
    EXPECT_LE(d.generated_tokens, 1);
}

TEST(ChatEngine, LoadingReportsProgressAndCanBeCancelled) {
    const std::string path = small_model();
    if (path.empty()) {
        GTEST_SKIP() << "shared model not found (../shared is absent)";
    }
    chat_engine_params p;
    p.model_path = path;
    p.n_ctx = 256;
    std::vector<double> seen;
    p.on_load_progress = [&](double f) {
        seen.push_back(f);
        return true;
    };
    chat_engine engine(p);
    ASSERT_GE(seen.size(), 3U);
    EXPECT_EQ(seen.front(), 0.0);
    EXPECT_EQ(seen.back(), 1.0);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

    // Giving up half way: the constructor throws load_cancelled, nothing is left loaded.
    int calls = 0;
    p.on_load_progress = [&](double f) { return ++calls < 3 && f < 1.0; };
    EXPECT_THROW(chat_engine{p}, load_cancelled);
    EXPECT_EQ(calls, 3);
}

// The scripted model the app tests use: real GGUF, real forward passes, an answer known in advance.
TEST(ChatEngine, ScriptedReasoningModelAnswersAsWritten) {
    const auto path = std::filesystem::temp_directory_path() / "deepdesk-scripted-chat.gguf";
    testing::write_scripted_chat_model(path.string());
    chat_engine_params p;
    p.model_path = path.string();
    p.n_ctx = 512;
    chat_engine e(p);
    EXPECT_TRUE(e.format().think_prefix);
    std::string reasoning, answer;
    generation_options go;
    go.sampling.temperature = 0.6f;  // R1's advised setting: the script still wins by far
    const auto r = e.generate({{role::user, "What do you say?"}}, go, [&](const reasoning_delta& d) {
        reasoning += d.reasoning;
        answer += d.answer;
    });
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.reasoning, "Okay");
    EXPECT_EQ(r.answer, "Hi 4U!");
    EXPECT_EQ(reasoning, r.reasoning);
    EXPECT_EQ(answer, r.answer);
    std::filesystem::remove(path);
}

// The thinking switch and budget on an R1-style model: off closes the reasoning before it begins;
// a budget closes it (the engine writes "\n</think>\n\n") once that many tokens were reasoning.
// The scripted model then goes on from the last newline as its script says ("Okay</think>Hi 4U!"),
// now all of it answer.
TEST(ChatEngine, ThinkingOffAndBudgetCloseTheReasoning) {
    const auto path = std::filesystem::temp_directory_path() / "deepdesk-scripted-budget.gguf";
    testing::write_scripted_chat_model(path.string());
    chat_engine_params p;
    p.model_path = path.string();
    p.n_ctx = 512;
    chat_engine e(p);
    EXPECT_TRUE(e.can_think());
    generation_options go;
    go.sampling.temperature = 0.0f;
    const std::vector<chat_message> question{{role::user, "What do you say?"}};

    const auto unlimited = e.generate(question, go, {});
    EXPECT_EQ(unlimited.reasoning, "Okay");
    EXPECT_EQ(unlimited.reasoning_tokens, 5);  // O, k, a, y and </think>
    EXPECT_FALSE(unlimited.reasoning_cut);

    go.thinking_budget = 2;
    std::string streamed_reasoning, streamed_answer;
    const auto cut = e.generate(question, go, [&](const reasoning_delta& d) {
        streamed_reasoning += d.reasoning;
        streamed_answer += d.answer;
    });
    EXPECT_TRUE(cut.reasoning_cut);
    EXPECT_EQ(cut.reasoning_tokens, 2);
    EXPECT_EQ(cut.reasoning, "Ok");
    EXPECT_EQ(cut.answer, "Okay</think>Hi 4U!");
    EXPECT_EQ(streamed_reasoning, cut.reasoning);
    EXPECT_EQ(streamed_answer, cut.answer);
    EXPECT_EQ(cut.finish_reason, "stop");

    go.thinking_budget = 0;
    const auto off = e.generate(question, go, {});
    EXPECT_EQ(off.reasoning, "");
    EXPECT_EQ(off.reasoning_tokens, 0);
    EXPECT_EQ(off.answer, "Okay</think>Hi 4U!");
    EXPECT_GT(off.prompt_tokens, unlimited.prompt_tokens);  // "\n</think>\n\n" after "<think>\n"
    std::filesystem::remove(path);
}

// A conversation longer than the context: refused with the figures a user needs (how many tokens,
// how many fit), or, when asked, sent without its oldest turns.
TEST(ChatEngine, AConversationTooLongIsRefusedWithFiguresOrShortened) {
    const auto path = std::filesystem::temp_directory_path() / "deepdesk-scripted-long.gguf";
    testing::write_scripted_chat_model(path.string());
    chat_engine_params p;
    p.model_path = path.string();
    p.n_ctx = 256;
    chat_engine e(p);
    std::vector<chat_message> messages{{role::system, "Be brief."}};
    for (int i = 0; i < 6; ++i) {
        messages.push_back({role::user, "Question number " + std::to_string(i) + ": " + std::string(60, 'q')});
        messages.push_back({role::assistant, "Answer " + std::to_string(i) + ": " + std::string(60, 'a')});
    }
    messages.push_back({role::user, "What do you say?"});
    const std::int64_t whole = e.count_prompt_tokens(messages);
    ASSERT_GT(whole, p.n_ctx);
    generation_options go;
    go.max_tokens = 32;
    try {
        e.generate(messages, go, {});
        FAIL() << "a prompt longer than the context was accepted";
    } catch (const context_full_error& full) {
        EXPECT_EQ(full.needed, whole);
        EXPECT_EQ(full.n_ctx, 256);
    }
    go.drop_oldest_turns = true;
    const auto r = e.generate(messages, go, {});
    EXPECT_EQ(r.finish_reason, "stop");
    EXPECT_EQ(r.answer, "Hi 4U!");
    EXPECT_GT(r.dropped_messages, 0);
    EXPECT_EQ(r.dropped_messages % 2, 0);  // whole turns: a question and its answer
    EXPECT_LE(r.prompt_tokens + go.max_tokens, p.n_ctx);
    // What was kept: the system message and the newest turns, the last question among them.
    std::vector<chat_message> kept{messages.front()};
    kept.insert(kept.end(), messages.begin() + 1 + r.dropped_messages, messages.end());
    EXPECT_EQ(e.count_prompt_tokens(kept), r.prompt_tokens);
    // The last question alone does not fit: still refused.
    const std::vector<chat_message> huge{{role::user, std::string(2000, 'x')}};
    EXPECT_THROW(e.generate(huge, go, {}), context_full_error);
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace deepdesk
