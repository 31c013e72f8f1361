// SPDX-License-Identifier: GPL-3.0-or-later
// Chat formats against prompts written out by hand from the format descriptions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/chat_format.h"

namespace deepdesk {
namespace {

using role = chat_message::role;

const std::vector<chat_message> k_conversation{
    {role::system, "Be brief."},
    {role::user, "1+1?"},
    {role::assistant, "<think>\nadd them\n</think>\n\n2"},
    {role::user, "And 2+2?"},
};

TEST(ChatFormat, DeepSeekLlmChat) {
    const auto f = *chat_format_by_name("deepseek-llm");
    EXPECT_EQ(render_chat(f, k_conversation, true),
              "Be brief.\n\nUser: 1+1?\n\nAssistant: 2<｜end▁of▁sentence｜>User: And 2+2?\n\nAssistant:");
    EXPECT_EQ(render_chat(f, {{role::user, "Hi"}}, false), "User: Hi\n\n");
}

TEST(ChatFormat, DeepSeekCoderInstructWithItsDefaultSystemPrompt) {
    const auto f = *chat_format_by_name("deepseek-coder");
    const std::string prompt =
        render_chat(f, {{role::user, "Sort a list"}, {role::assistant, "sorted(x)"}, {role::user, "In place?"}}, true);
    EXPECT_EQ(prompt, f.default_system +
                          "### Instruction:\nSort a list\n### Response:\nsorted(x)\n<|EOT|>\n"
                          "### Instruction:\nIn place?\n### Response:\n");
    EXPECT_EQ(prompt.rfind("You are an AI programming assistant", 0), 0u);
    // A system message of the user's replaces the default.
    EXPECT_EQ(render_chat(f, {{role::system, "Answer in Rust."}, {role::user, "Hi"}}, true),
              "Answer in Rust.\n### Instruction:\nHi\n### Response:\n");
}

TEST(ChatFormat, DeepSeekV3AndR1ReplayAnswersWithoutReasoning) {
    const auto v3 = *chat_format_by_name("deepseek-v3");
    EXPECT_EQ(render_chat(v3, k_conversation, true),
              "Be brief.<｜User｜>1+1?<｜Assistant｜>2<｜end▁of▁sentence｜><｜User｜>And 2+2?<｜Assistant｜>");
    const auto r1 = *chat_format_by_name("deepseek-r1");
    EXPECT_EQ(render_chat(r1, {{role::user, "Why?"}}, true), "<｜User｜>Why?<｜Assistant｜><think>\n");
    EXPECT_EQ(render_chat(r1, {{role::user, "Why?"}}, false), "<｜User｜>Why?");
}

TEST(ChatFormat, RecognisedFromTheTemplate) {
    const auto v3 = detect_chat_format(
        "{% for message in messages %}{% if message['role'] == 'user' %}{{'<｜User｜>' + message['content']}}"
        "{% endif %}{% endfor %}{% if add_generation_prompt %}{{'<｜Assistant｜>'}}{% endif %}");
    ASSERT_TRUE(v3.has_value());
    EXPECT_EQ(v3->family, chat_family::deepseek_v3);
    EXPECT_FALSE(v3->think_prefix);
    const auto r1 = detect_chat_format("...{{'<｜User｜>' + c}}...{{'<｜Assistant｜><think>\\n'}}...");
    ASSERT_TRUE(r1.has_value());
    EXPECT_TRUE(r1->think_prefix);

    const auto coder = detect_chat_format(
        "{%- if not ns.found -%}{{'You are an AI programming assistant, custom text\\n'}}{%- endif %}"
        "{{'### Instruction:\\n' + message['content'] + '\\n'}}{{'### Response:\\n' + message['content'] + "
        "'\\n<|EOT|>\\n'}}");
    ASSERT_TRUE(coder.has_value());
    EXPECT_EQ(coder->family, chat_family::deepseek_coder);
    EXPECT_EQ(coder->default_system, "You are an AI programming assistant, custom text\n")
        << "the template's own default system prompt is used";

    const auto llm = detect_chat_format(
        "{% if message['role'] == 'user' %}{{ 'User: ' + message['content'] + '\\n\\n' }}{% elif message['role'] == "
        "'assistant' %}{{ 'Assistant: ' + message['content'] + eos_token }}{% endif %}");
    ASSERT_TRUE(llm.has_value());
    EXPECT_EQ(llm->family, chat_family::deepseek_llm);

    EXPECT_FALSE(detect_chat_format("{{ messages }}").has_value());
    EXPECT_FALSE(chat_format_by_name("chatml").has_value());
}

TEST(ChatFormat, FillInTheMiddleAndStripping) {
    EXPECT_EQ(fim_prompt("def f(x):\n    ", "\n    return y"),
              "<｜fim▁begin｜>def f(x):\n    <｜fim▁hole｜>\n    return y<｜fim▁end｜>");
    EXPECT_EQ(strip_reasoning("<think>a</think>\n\nB"), "B");
    EXPECT_EQ(strip_reasoning("no tags"), "no tags");
    EXPECT_EQ(strip_reasoning("<think>a</think>x</think>\nlast"), "last");
}

}  // namespace
}  // namespace deepdesk
