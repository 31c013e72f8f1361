// SPDX-License-Identifier: GPL-3.0-or-later
// Chat formats against prompts written out by hand from the format descriptions, and against
// what each model's own Jinja template writes (tests/data/chat_templates/golden.json).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
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
              "Be brief.\n\nUser: 1+1?\n\nAssistant: \n\n2<｜end▁of▁sentence｜>User: And 2+2?\n\nAssistant:");
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
              "Answer in Rust.### Instruction:\nHi\n### Response:\n");  // as its template: nothing between
}

TEST(ChatFormat, DeepSeekV3AndR1ReplayAnswersWithoutReasoning) {
    const auto v3 = *chat_format_by_name("deepseek-v3");
    EXPECT_EQ(render_chat(v3, k_conversation, true),
              "Be brief.<｜User｜>1+1?<｜Assistant｜>\n\n2<｜end▁of▁sentence｜><｜User｜>And 2+2?<｜Assistant｜>");
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
    EXPECT_EQ(strip_reasoning("<think>a</think>\n\nB"), "\n\nB");  // as R1's template replays it
    EXPECT_EQ(strip_reasoning("no tags"), "no tags");
    EXPECT_EQ(strip_reasoning("<think>a</think>x</think>\nlast"), "\nlast");
}

// What a model writes to call tools, in both DeepSeek forms, whole, cut off, or with text before.
TEST(ChatFormat, ToolCallsAreReadFromTheOutput) {
    const std::string r1 =
        "Let me check.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n```json\n"
        "{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>\n<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_time\n```json\n"
        "{}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
    auto p = parse_tool_calls(r1);
    EXPECT_TRUE(p.complete);
    EXPECT_EQ(p.content, "Let me check.");
    ASSERT_EQ(p.calls.size(), 2u);
    EXPECT_EQ(p.calls[0].name, "get_weather");
    EXPECT_EQ(p.calls[0].arguments, "{\"city\": \"Paris\"}");
    EXPECT_EQ(p.calls[1].name, "get_time");
    EXPECT_EQ(p.calls[1].arguments, "{}");
    EXPECT_EQ(tool_calls_start(r1), 13u);

    p = parse_tool_calls(
        "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>search<｜tool▁sep｜>{\"q\": \"DeepSeek\"}"
        "<｜tool▁call▁end｜><｜tool▁calls▁end｜>");
    EXPECT_TRUE(p.complete);
    EXPECT_EQ(p.content, "");
    ASSERT_EQ(p.calls.size(), 1u);
    EXPECT_EQ(p.calls[0].name, "search");
    EXPECT_EQ(p.calls[0].arguments, "{\"q\": \"DeepSeek\"}");

    p = parse_tool_calls("<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>search<｜tool▁sep｜>{\"q\": ");  // cut off
    EXPECT_FALSE(p.complete);
    EXPECT_TRUE(p.calls.empty());
    p = parse_tool_calls("No tools here.");
    EXPECT_TRUE(p.complete && p.calls.empty());
    EXPECT_EQ(p.content, "No tools here.");
    EXPECT_EQ(tool_calls_start("No tools here."), std::string::npos);
}

TEST(ChatFormat, V31ThinkingOnAndOff) {
    const auto f = *chat_format_by_name("deepseek-v3.1");
    EXPECT_TRUE(f.hybrid_thinking);
    EXPECT_EQ(render_chat(f, {{role::user, "Hi"}}, true, true), "<｜User｜>Hi<｜Assistant｜><think>");
    EXPECT_EQ(render_chat(f, {{role::user, "Hi"}}, true, false), "<｜User｜>Hi<｜Assistant｜></think>");
    EXPECT_TRUE(format_can_think(f, false));
    EXPECT_TRUE(format_can_think(*chat_format_by_name("deepseek-r1"), false));
    EXPECT_TRUE(format_can_think(*chat_format_by_name("deepseek-v3"), true));  // R1-0528: the model opens it
    EXPECT_FALSE(format_can_think(*chat_format_by_name("deepseek-v3"), false));
    EXPECT_FALSE(format_can_think(*chat_format_by_name("deepseek-coder"), true));
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Every reference prompt, rendered once from the model's template with Jinja2
// (tests/data/chat_templates/render_golden.py), byte for byte; and each template is recognised
// as the format it is.
TEST(ChatFormat, SameTextAsTheModelsOwnTemplates) {
    const std::string dir = DEEPDESK_SOURCE_DIR "/tests/data/chat_templates/";
    const auto golden = nlohmann::json::parse(read_file(dir + "golden.json"));
    ASSERT_GE(golden.size(), 30u);
    for (const auto& e : golden) {
        const std::string name = e["format"];
        const auto by_name = chat_format_by_name(name);
        ASSERT_TRUE(by_name.has_value()) << name;
        const auto detected = detect_chat_format(read_file(dir + e["template"].get<std::string>()));
        ASSERT_TRUE(detected.has_value()) << e["template"];
        EXPECT_EQ(detected->family, by_name->family) << e["template"];
        EXPECT_EQ(detected->think_prefix, by_name->think_prefix) << e["template"];
        EXPECT_EQ(detected->hybrid_thinking, by_name->hybrid_thinking) << e["template"];
        EXPECT_EQ(detected->default_system, by_name->default_system) << e["template"];
        std::vector<chat_message> messages;
        for (const auto& m : e["messages"]) {
            const std::string r = m["role"];
            chat_message cm{r == "system" ? role::system
                            : r == "user" ? role::user
                            : r == "tool" ? role::tool
                                          : role::assistant,
                            m["content"].is_null() ? std::string() : m["content"].get<std::string>()};
            if (m.contains("tool_calls")) {
                for (const auto& c : m["tool_calls"]) {
                    cm.tool_calls.push_back({"", c["function"]["name"], c["function"]["arguments"]});
                }
            }
            messages.push_back(std::move(cm));
        }
        const bool thinking = e["thinking"].is_null() || e["thinking"].get<bool>();
        EXPECT_EQ(render_chat(*detected, messages, e["add_generation_prompt"], thinking), e["text"].get<std::string>())
            << e["template"] << ": " << e["conversation"] << (thinking ? "" : " (thinking off)");
    }
}

}  // namespace
}  // namespace deepdesk
