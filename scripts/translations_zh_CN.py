#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fills i18n/deepdesk_zh_CN.ts from the table below after `update_translations` has added new
source strings. Unknown strings stay unfinished (and `scripts/test` reports them)."""
import pathlib
import sys
import xml.etree.ElementTree as ET

ZH = {
    "About DeepDesk": "关于 DeepDesk",
    "Version %1": "版本 %1",
    "Chat with DeepSeek models on your own computer.": "在你自己的电脑上与 DeepSeek 模型对话。",
    "Qt": "Qt",
    "Processor": "处理器",
    "unknown": "未知",
    "Engine kernels": "引擎内核",
    "No model loaded": "未加载模型",
    "Load a model to start chatting.": "加载一个模型即可开始对话。",
    "Models run on this computer. Your conversations never leave it.": "模型在本机运行，你的对话不会离开这台电脑。",
    "Message DeepDesk… (Enter to send, Shift+Enter for a new line)": "给 DeepDesk 发送消息…（Enter 发送，Shift+Enter 换行）",
    "Stop": "停止",
    "Send": "发送",
    "What can I help you with?": "有什么可以帮你？",
    "Chat with DeepSeek-R1, DeepSeek-Coder and other DeepSeek models on your own computer: private, and working offline.":
        "在你自己的电脑上与 DeepSeek-R1、DeepSeek-Coder 等 DeepSeek 模型对话：私密，且可离线使用。",
    "Explain a concept": "解释一个概念",
    "Explain how attention works in a transformer, with a small example.": "用一个小例子解释 Transformer 中的注意力机制是如何工作的。",
    "Write code": "编写代码",
    "Write a Python function that merges two sorted lists in linear time.": "写一个 Python 函数，在线性时间内合并两个有序列表。",
    "Solve step by step": "逐步求解",
    "A train travels 300 km in 2.5 hours. What is its average speed? Reason step by step.":
        "一列火车 2.5 小时行驶 300 公里，它的平均速度是多少？请逐步推理。",
    "Draft a message": "起草消息",
    "Write a short, polite email asking my professor for a one-week extension.": "写一封简短、礼貌的邮件，请求教授把截止日期延后一周。",
    "Language": "语言",
    "New chat": "新对话",
    "Start a new conversation (Ctrl+N)": "开始新的对话（Ctrl+N）",
    "Search conversations": "搜索对话",
    "No conversations yet": "还没有对话",
    "Your chats are kept on this computer and will be listed here.": "你的对话保存在这台电脑上，并会列在这里。",
}


def main() -> int:
    path = pathlib.Path(__file__).resolve().parent.parent / "i18n" / "deepdesk_zh_CN.ts"
    tree = ET.parse(path)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if source in ZH:
            translation.text = ZH[source]
            translation.attrib.pop("type", None)
        elif translation.get("type") == "unfinished" or not translation.text:
            missing.append(source)
    tree.write(path, encoding="utf-8", xml_declaration=True)
    with open(path, "r+", encoding="utf-8") as f:  # keep lupdate's DOCTYPE line
        body = f.read()
        if "<!DOCTYPE TS>" not in body:
            body = body.replace("?>\n", "?>\n<!DOCTYPE TS>\n", 1)
            f.seek(0)
            f.write(body)
            f.truncate()
    for s in missing:
        print(f"untranslated: {s}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
