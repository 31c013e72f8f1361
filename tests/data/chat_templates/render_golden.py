#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Renders the reference prompts in golden.json from the models' own chat templates (*.jinja,
as published in each model's tokenizer_config.json) with Jinja2, set up as Hugging Face's
transformers renders chat templates (trim_blocks, lstrip_blocks, a sandbox). The BOS token is
left out (DeepDesk's tokenizer adds it). Run once when a template or a conversation is added:
    python3 render_golden.py > golden.json
tests/engine/test_chat_format.cpp compares DeepDesk's render_chat with every entry byte for byte."""
import json
import sys

from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

EOS = "<｜end▁of▁sentence｜>"

# Which DeepDesk format each template is, and the thinking modes it has.
TEMPLATES = {
    "deepseek-llm-chat.jinja": {"format": "deepseek-llm", "thinking": [None]},
    "deepseek-coder-instruct.jinja": {"format": "deepseek-coder", "thinking": [None]},
    "deepseek-r1.jinja": {"format": "deepseek-r1", "thinking": [None]},
    "deepseek-v3-0324.jinja": {"format": "deepseek-v3", "thinking": [None]},
    "deepseek-v3.1.jinja": {"format": "deepseek-v3.1", "thinking": [True, False]},
}

CONVERSATIONS = {
    "one user message": [{"role": "user", "content": "Hello"}],
    "system and user": [
        {"role": "system", "content": "You are a careful assistant."},
        {"role": "user", "content": "What is 2+2?"},
    ],
    "several turns, Chinese": [
        {"role": "system", "content": "请用中文回答。"},
        {"role": "user", "content": "你好"},
        {"role": "assistant", "content": "你好！有什么可以帮你？"},
        {"role": "user", "content": "写一首关于秋天的诗。\nTwo lines, please."},
    ],
    "ends with an answer": [
        {"role": "user", "content": "Say hi"},
        {"role": "assistant", "content": "Hi!"},
    ],
}

# An answer whose reasoning is still in it: the R1 and V3.1 templates drop it themselves.
WITH_REASONING = [
    {"role": "user", "content": "1+1?"},
    {"role": "assistant", "content": "<think>\nSimple.\n</think>\n\n2"},
    {"role": "user", "content": "And 2+2?"},
]


# A tool call and its result (OpenAI's message shapes), then the answer and another question.
CALL = {"role": "assistant", "content": None, "tool_calls": [
    {"type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}},
    {"type": "function", "function": {"name": "get_time", "arguments": "{\"tz\": \"CET\"}"}}]}
WITH_TOOLS = [
    {"role": "user", "content": "Weather and time in Paris?"},
    CALL,
    {"role": "tool", "content": "{\"temp\": 21}"},
    {"role": "tool", "content": "{\"time\": \"14:05\"}"},
]
AFTER_TOOLS = WITH_TOOLS + [
    {"role": "assistant", "content": "21 °C at 14:05."},
    {"role": "user", "content": "Thanks!"},
]


def render(env, name, messages, add_generation_prompt, thinking):
    template = env.from_string(open(name, encoding="utf-8").read())
    kwargs = {"messages": messages, "add_generation_prompt": add_generation_prompt, "bos_token": "",
              "eos_token": EOS}
    if thinking is not None:
        kwargs["thinking"] = thinking
    return template.render(**kwargs)


def main():
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    out = []
    for name, info in TEMPLATES.items():
        conversations = dict(CONVERSATIONS)
        if name in ("deepseek-r1.jinja", "deepseek-v3.1.jinja"):
            conversations["answer with its reasoning"] = WITH_REASONING
        if name in ("deepseek-r1.jinja", "deepseek-v3-0324.jinja", "deepseek-v3.1.jinja"):
            conversations["tool calls and their results"] = WITH_TOOLS
            conversations["after tool results, another question"] = AFTER_TOOLS
        for title, messages in conversations.items():
            for thinking in info["thinking"]:
                generation = messages[-1]["role"] in ("user", "tool")
                out.append({
                    "template": name,
                    "format": info["format"],
                    "conversation": title,
                    "messages": messages,
                    "add_generation_prompt": generation,
                    "thinking": thinking,
                    "text": render(env, name, messages, generation, thinking),
                })
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
