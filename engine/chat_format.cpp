// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/chat_format.h"

#include "engine/reasoning.h"

namespace deepdesk {
namespace {

constexpr std::string_view k_eos = "<\uff5cend\u2581of\u2581sentence\uff5c>";
constexpr std::string_view k_user = "<\uff5cUser\uff5c>";
constexpr std::string_view k_assistant = "<\uff5cAssistant\uff5c>";
constexpr std::string_view k_calls_begin = "<\uff5ctool\u2581calls\u2581begin\uff5c>";
constexpr std::string_view k_calls_end = "<\uff5ctool\u2581calls\u2581end\uff5c>";
constexpr std::string_view k_call_begin = "<\uff5ctool\u2581call\u2581begin\uff5c>";
constexpr std::string_view k_call_end = "<\uff5ctool\u2581call\u2581end\uff5c>";
constexpr std::string_view k_sep = "<\uff5ctool\u2581sep\uff5c>";
constexpr std::string_view k_outputs_begin = "<\uff5ctool\u2581outputs\u2581begin\uff5c>";
constexpr std::string_view k_outputs_end = "<\uff5ctool\u2581outputs\u2581end\uff5c>";
constexpr std::string_view k_output_begin = "<\uff5ctool\u2581output\u2581begin\uff5c>";
constexpr std::string_view k_output_end = "<\uff5ctool\u2581output\u2581end\uff5c>";

// DeepSeek-Coder instruct's default system prompt, as its chat template writes it (used when a
// template is chosen by name; a detected template supplies its own text).
constexpr std::string_view k_coder_system =
    "You are an AI programming assistant, utilizing the Deepseek Coder model, developed by Deepseek Company, "
    "and you only answer questions related to computer science. For politically sensitive questions, "
    "security and privacy issues, and other non-computer science questions, you will refuse to answer\n";

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }

// The Coder template's default system prompt: the quoted literal that starts with "You are an AI
// programming assistant", with its "\n" escapes turned into newlines.
std::string coder_system_from_template(std::string_view tmpl) {
    const auto start = tmpl.find("You are an AI programming assistant");
    if (start == std::string_view::npos || start == 0) {
        return std::string(k_coder_system);
    }
    const char quote = tmpl[start - 1];
    if (quote != '\'' && quote != '"') {
        return std::string(k_coder_system);
    }
    std::string out;
    for (std::size_t i = start; i < tmpl.size() && tmpl[i] != quote; ++i) {
        if (tmpl[i] == '\\' && i + 1 < tmpl.size()) {
            out += tmpl[i + 1] == 'n' ? '\n' : tmpl[i + 1];
            ++i;
        } else {
            out += tmpl[i];
        }
    }
    return out;
}

}  // namespace

std::optional<chat_format> detect_chat_format(std::string_view tmpl) {
    if (contains(tmpl, k_user) && contains(tmpl, k_assistant)) {
        chat_format f{chat_family::deepseek_v3, false, false, {}};
        // V3.1 and later: a `thinking` switch that opens the turn with <think> or </think>.
        f.hybrid_thinking = contains(tmpl, "thinking is defined") && contains(tmpl, "</think>'");
        f.think_prefix = !f.hybrid_thinking && (contains(tmpl, "<think>\\n") || contains(tmpl, "<think>\n"));
        return f;
    }
    if (contains(tmpl, "### Instruction:") && contains(tmpl, "<|EOT|>")) {
        return chat_format{chat_family::deepseek_coder, false, false, coder_system_from_template(tmpl)};
    }
    if (contains(tmpl, "'Assistant: ' + message['content'] + eos_token") || contains(tmpl, "Assistant:")) {
        return chat_format{chat_family::deepseek_llm, false, false, {}};
    }
    return std::nullopt;
}

std::optional<chat_format> chat_format_by_name(std::string_view name) {
    if (name == "deepseek-llm") {
        return chat_format{chat_family::deepseek_llm, false, false, {}};
    }
    if (name == "deepseek-coder") {
        return chat_format{chat_family::deepseek_coder, false, false, std::string(k_coder_system)};
    }
    if (name == "deepseek-v3") {
        return chat_format{chat_family::deepseek_v3, false, false, {}};
    }
    if (name == "deepseek-r1") {
        return chat_format{chat_family::deepseek_v3, true, false, {}};
    }
    if (name == "deepseek-v3.1") {
        return chat_format{chat_family::deepseek_v3, false, true, {}};
    }
    return std::nullopt;
}

bool format_can_think(const chat_format& format, bool reasoning_vocabulary) {
    return format.think_prefix || format.hybrid_thinking ||
           (format.family == chat_family::deepseek_v3 && reasoning_vocabulary);
}

chat_format chat_format_for_model(std::string_view chat_template, bool has_user_token, bool has_eot_token) {
    if (auto f = detect_chat_format(chat_template)) {
        return *f;
    }
    if (has_user_token) {
        return *chat_format_by_name("deepseek-v3");
    }
    return *chat_format_by_name(has_eot_token ? "deepseek-coder" : "deepseek-llm");
}

std::string strip_reasoning(std::string_view content) {
    // As R1's template does: all after the last "</think>", as it is.
    const auto close = content.rfind("</think>");
    return std::string(close == std::string_view::npos ? content : content.substr(close + 8));
}

rendered_chat render_chat_spans(const chat_format& format, const std::vector<chat_message>& messages,
                                bool add_generation_prompt, bool thinking) {
    using role = chat_message::role;
    rendered_chat r;
    std::string& out = r.text;
    const auto content = [&](const std::string& text) {  // what a person or the model wrote
        r.content.push_back({out.size(), out.size() + text.size()});
        out += text;
    };
    bool has_system = false;
    for (const auto& m : messages) {
        has_system = has_system || m.who == role::system;
    }
    if (format.family == chat_family::deepseek_coder && !has_system) {
        out += format.default_system;
    }
    bool last_user = false;
    bool after_tool = false;    // the previous message was a tool's result
    bool outputs_first = true;  // the next tool result opens the outputs block
    for (const auto& m : messages) {
        const std::string answer = m.who == role::assistant ? strip_reasoning(m.content) : std::string();
        switch (format.family) {
        case chat_family::deepseek_llm:
            if (m.who == role::system) {
                content(m.content);
                out += "\n\n";
            } else if (m.who == role::user ||
                       m.who == role::tool) {  // no tool format: a tool's result reads as a user's words
                out += "User: ";
                content(m.content);
                out += "\n\n";
            } else {
                out += "Assistant: ";
                content(answer);
                out += k_eos;
            }
            break;
        case chat_family::deepseek_coder:
            if (m.who == role::system) {
                content(m.content);  // the template writes it with nothing after
            } else if (m.who == role::user || m.who == role::tool) {
                out += "### Instruction:\n";
                content(m.content);
                out += "\n";
            } else {
                out += "### Response:\n";
                content(answer);
                out += "\n<|EOT|>\n";
            }
            break;
        case chat_family::deepseek_v3:
            if (m.who == role::system) {
                content(m.content);
            } else if (m.who == role::user) {
                out += k_user;
                content(m.content);
            } else if (m.who == role::tool) {
                // V3.1: each result on its own; V3/R1: the results in one outputs block.
                if (!format.hybrid_thinking) {
                    out += outputs_first ? std::string(k_outputs_begin) : std::string("\n");
                    outputs_first = false;
                }
                out += k_output_begin;
                content(m.content);
                out += k_output_end;
            } else if (!m.tool_calls.empty()) {
                if (after_tool && !format.hybrid_thinking && !format.think_prefix) {
                    out += k_outputs_end;  // V3's template closes an open outputs block first
                }
                if (last_user) {
                    out += k_assistant;
                    if (format.hybrid_thinking) {
                        out += "</think>";
                    }
                }
                content(answer);
                for (std::size_t i = 0; i < m.tool_calls.size(); ++i) {
                    const tool_call& call = m.tool_calls[i];
                    if (i == 0) {
                        out += k_calls_begin;
                    } else if (!format.hybrid_thinking) {
                        out += "\n";
                    }
                    out += k_call_begin;
                    if (format.hybrid_thinking) {
                        content(call.name);
                        out += k_sep;
                        content(call.arguments);
                    } else {
                        out += "function";
                        out += k_sep;
                        content(call.name);
                        out += "\n```json\n";
                        content(call.arguments);
                        out += "\n```";
                    }
                    out += k_call_end;
                }
                out += k_calls_end;
                out += k_eos;
                if (!format.think_prefix) {
                    outputs_first = true;  // R1's template opens the outputs block only once
                }
            } else if (after_tool) {
                // The answer after tool results: no turn marker of its own.
                if (!format.hybrid_thinking) {
                    out += k_outputs_end;
                }
                content(answer);
                out += k_eos;
            } else {
                // V3.1: an answer after a user turn opens with "</think>" (its reasoning is not
                // replayed); one right after another gets no marker of its own.
                if (!format.hybrid_thinking || last_user) {
                    out += k_assistant;
                }
                if (format.hybrid_thinking && last_user) {
                    out += "</think>";
                }
                content(answer);
                out += k_eos;
            }
            break;
        }
        last_user = m.who == role::user;
        after_tool = m.who == role::tool;
    }
    if (format.family == chat_family::deepseek_v3 && after_tool && !format.hybrid_thinking) {
        out += k_outputs_end;
    }
    // After tool results the model goes on by itself: no generation prompt.
    add_generation_prompt = add_generation_prompt && !after_tool;
    if (add_generation_prompt) {
        switch (format.family) {
        case chat_family::deepseek_llm: out += "Assistant:"; break;
        case chat_family::deepseek_coder: out += "### Response:\n"; break;
        case chat_family::deepseek_v3:
            out += k_assistant;
            if (format.hybrid_thinking) {
                out += thinking ? "<think>" : "</think>";
            } else if (format.think_prefix) {
                out += "<think>\n";
            }
            break;
        }
    }
    return r;
}

std::string tools_system_prompt(const chat_format& format, const std::vector<tool_spec>& tools) {
    if (tools.empty()) {
        return {};
    }
    std::string out = "## Tools\nYou have access to the following tools:\n";
    for (const tool_spec& t : tools) {
        out += "\n### " + t.name + "\nDescription: " + t.description +
               "\n\nParameters: " + (t.parameters.empty() ? std::string("{}") : t.parameters) + "\n";
    }
    const std::string call = format.hybrid_thinking
                                 ? std::string(k_call_begin) + "tool_call_name" + std::string(k_sep) +
                                       "tool_call_arguments" + std::string(k_call_end)
                                 : std::string(k_call_begin) + "function" + std::string(k_sep) +
                                       "tool_call_name\n```json\ntool_call_arguments\n```" + std::string(k_call_end);
    out += "\nIMPORTANT: ALWAYS adhere to this exact format for tool use:\n" + std::string(k_calls_begin) + call +
           "{{additional_tool_calls}}" + std::string(k_calls_end) +
           "\n\nWhere:\n- `tool_call_name` must be an exact match to one of the available tools\n"
           "- `tool_call_arguments` must be valid JSON that strictly follows the tool's Parameters Schema\n"
           "- For multiple tool calls, chain them directly without separators or spaces\n";
    return out;
}

std::vector<chat_message> offer_tools(const chat_format& format, std::vector<chat_message> messages,
                                      const std::vector<tool_spec>& tools) {
    if (tools.empty()) {
        return messages;
    }
    const std::string offer = tools_system_prompt(format, tools);
    if (!messages.empty() && messages.front().who == chat_message::role::system) {
        messages.front().content += "\n\n" + offer;
    } else {
        messages.insert(messages.begin(), chat_message{chat_message::role::system, offer});
    }
    return messages;
}

std::size_t tool_calls_start(std::string_view answer) { return answer.find(k_calls_begin); }

std::size_t tool_calls_text_end(std::string_view answer) {
    const std::size_t at = tool_calls_start(answer);
    return at != std::string_view::npos ? at : answer.size() - partial_tag_at_end(answer, k_calls_begin);
}

parsed_tool_calls parse_tool_calls(std::string_view answer) {
    parsed_tool_calls r;
    const std::size_t begin = answer.find(k_calls_begin);
    if (begin == std::string_view::npos) {
        r.content = std::string(answer);
        return r;
    }
    r.content = std::string(answer.substr(0, begin));
    std::string_view rest = answer.substr(begin + k_calls_begin.size());
    for (;;) {
        const auto first = rest.find_first_not_of(" \t\r\n");
        rest.remove_prefix(first == std::string_view::npos ? rest.size() : first);
        if (rest.empty()) {
            return r;  // the output ended after whole calls: taken as complete
        }
        if (rest.substr(0, k_calls_end.size()) == k_calls_end) {
            return r;
        }
        if (rest.substr(0, k_call_begin.size()) != k_call_begin) {
            r.complete = false;  // something else where a call should be
            return r;
        }
        rest.remove_prefix(k_call_begin.size());
        const auto end = rest.find(k_call_end);
        const auto sep = rest.find(k_sep);
        if (end == std::string_view::npos || sep == std::string_view::npos || sep > end) {
            r.complete = false;  // cut off inside a call
            return r;
        }
        const std::string_view head = rest.substr(0, sep);
        std::string_view body = rest.substr(sep + k_sep.size(), end - sep - k_sep.size());
        tool_call call;
        const auto fence = body.find("\n```json\n");
        if (head == "function" && fence != std::string_view::npos) {
            // R1/V3: "function<｜tool▁sep｜>NAME\n```json\nARGS\n```"
            call.name = std::string(body.substr(0, fence));
            std::string_view args = body.substr(fence + 9);
            const auto close = args.rfind("```");
            args = args.substr(0, close == std::string_view::npos ? args.size() : close);
            while (!args.empty() && (args.back() == '\n' || args.back() == '\r')) {
                args.remove_suffix(1);
            }
            call.arguments = std::string(args);
        } else {
            call.name = std::string(head);  // V3.1: "NAME<｜tool▁sep｜>ARGS"
            call.arguments = std::string(body);
        }
        r.calls.push_back(std::move(call));
        rest.remove_prefix(end + k_call_end.size());
    }
}

std::string render_chat(const chat_format& format, const std::vector<chat_message>& messages,
                        bool add_generation_prompt, bool thinking) {
    return render_chat_spans(format, messages, add_generation_prompt, thinking).text;
}

std::string fim_prompt(std::string_view prefix, std::string_view suffix) {
    return "<\uff5cfim\u2581begin\uff5c>" + std::string(prefix) + "<\uff5cfim\u2581hole\uff5c>" + std::string(suffix) +
           "<\uff5cfim\u2581end\uff5c>";
}

}  // namespace deepdesk
