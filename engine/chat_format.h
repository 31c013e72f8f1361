// SPDX-License-Identifier: GPL-3.0-or-later
// Chat prompt formats of the DeepSeek family, recognised from tokenizer.chat_template and
// overridable. The prompt is text; the tokenizer adds BOS when the model's metadata says so.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace deepdesk {

enum class chat_family {
    deepseek_llm,    // DeepSeek LLM chat, V2, V2.5: "User: ...\n\nAssistant: ..."
    deepseek_coder,  // DeepSeek-Coder instruct: "### Instruction:\n...\n### Response:\n..."
    deepseek_v3,     // V3, R1, R1-Distill: "<｜User｜>...<｜Assistant｜>..."
};

struct chat_format {
    chat_family family = chat_family::deepseek_v3;
    bool think_prefix = false;  // the generation prompt ends in "<think>\n" (output starts reasoning)
    // V3.1/V3.2: one model, thinking or not as the prompt says: the assistant turn opens with
    // "<think>" (thinking) or "</think>" (not).
    bool hybrid_thinking = false;
    std::string default_system;  // used when the conversation has no system message (Coder)
};

// Whether the format's model thinks before answering: R1-style (the template opens the
// reasoning, or the model does) or hybrid. `reasoning_vocabulary`: the vocabulary has <think>.
bool format_can_think(const chat_format& format, bool reasoning_vocabulary);

// A function the assistant asked to call: its name and its arguments (a JSON object, as text).
struct tool_call {
    std::string id;  // the API's id for it (not part of the prompt)
    std::string name;
    std::string arguments;
};

struct chat_message {
    enum class role { system, user, assistant, tool };
    role who;
    std::string content;                     // for the assistant: the answer, possibly still with <think>...</think>;
                                             // for a tool: the call's result
    std::vector<tool_call> tool_calls = {};  // the assistant's calls (V3/R1/V3.1 formats only)
    std::string tool_call_id = {};           // for a tool: the call it answers (the API's id)
    // For the assistant: its reasoning, kept apart. Never rendered into a local prompt; a remote
    // client sends it back where the server asks for it (the DeepSeek platform, in a tool loop).
    std::string reasoning = {};
};

// Tool calls in what a V3/R1/V3.1 model wrote: "<｜tool▁calls▁begin｜>" then one
// "<｜tool▁call▁begin｜>…<｜tool▁call▁end｜>" per call, in R1/V3's form
// ("function<｜tool▁sep｜>NAME\n```json\nARGS\n```") or V3.1's ("NAME<｜tool▁sep｜>ARGS"). `content` is
// the text before them; `complete` says the closing "<｜tool▁calls▁end｜>" (or the end of the
// output) was reached with every call whole. The arguments are returned as written (the caller
// checks they are JSON).
struct parsed_tool_calls {
    std::string content;
    std::vector<tool_call> calls;
    bool complete = true;
};
parsed_tool_calls parse_tool_calls(std::string_view answer);

// A function offered to the model: name, what it does, its parameters (a JSON Schema, as text).
struct tool_spec {
    std::string name, description, parameters;
};
// The system prompt section that offers `tools` to a V3/R1/V3.1 model and shows the format of a
// call in the model's own form (DeepSeek's tool prompt); empty for no tools.
std::string tools_system_prompt(const chat_format& format, const std::vector<tool_spec>& tools);
// `messages` with `tools` offered: tools_system_prompt's text added to the system message (one
// is put first when there is none). No tools: `messages` unchanged.
std::vector<chat_message> offer_tools(const chat_format& format, std::vector<chat_message> messages,
                                      const std::vector<tool_spec>& tools);
// Where the tool calls begin in `answer` (npos: none yet), so a stream can hold them back.
std::size_t tool_calls_start(std::string_view answer);
// How much of a streamed `answer` can go out as text now: up to where the tool calls begin, or
// up to an end that could still become their opening marker.
std::size_t tool_calls_text_end(std::string_view answer);

// The format a chat template describes, by its markers; nullopt when none is recognised.
std::optional<chat_format> detect_chat_format(std::string_view chat_template);
// A format by name ("deepseek-llm", "deepseek-coder", "deepseek-v3", "deepseek-r1",
// "deepseek-v3.1"), for overrides.
std::optional<chat_format> chat_format_by_name(std::string_view name);

// The format for a model: its chat template when recognised, otherwise guessed from the special
// tokens its vocabulary has (<｜User｜>: V3/R1; <|EOT|>: Coder; else DeepSeek LLM).
chat_format chat_format_for_model(std::string_view chat_template, bool has_user_token, bool has_eot_token);

// The prompt text for `messages`, ending with the generation prompt when asked. Earlier assistant
// turns are replayed without their reasoning. `thinking` chooses a hybrid format's mode (the
// others ignore it). The text is what the model's own chat template writes for the same
// conversation, without the BOS token (tests/data/chat_templates holds the references).
std::string render_chat(const chat_format& format, const std::vector<chat_message>& messages,
                        bool add_generation_prompt, bool thinking = true);

// The same text, with where the messages' own words are in it ([begin, end) byte offsets): those
// are tokenized as text, so a control token typed by a user (<|EOT|>, <｜end▁of▁sentence｜>) stays
// text and only the format's own markup becomes control tokens.
struct rendered_chat {
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> content;
};
rendered_chat render_chat_spans(const chat_format& format, const std::vector<chat_message>& messages,
                                bool add_generation_prompt, bool thinking = true);

// Fill-in-the-middle prompt for Coder models.
std::string fim_prompt(std::string_view prefix, std::string_view suffix);

// An assistant answer without its reasoning: the text after the last "</think>", as R1's and
// V3.1's templates replay it.
std::string strip_reasoning(std::string_view content);

}  // namespace deepdesk
