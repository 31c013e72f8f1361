#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fills i18n/deepdesk_zh_CN.ts from the table below after `update_translations` has added new
source strings. Unknown strings stay unfinished (and `scripts/test` reports them)."""
import pathlib
import sys
import xml.etree.ElementTree as ET

ZH = {
    "Checking the %1 downloaded so far…": "正在校验已下载的 %1…",
    "Cannot read %1.": "无法读取 %1。",
    "Loading the model": "正在加载模型",
    "Cancel loading the model": "取消加载模型",
    "Dismiss": "关闭",
    "Message": "消息",
    "Edit message": "编辑消息",
    "Previous version": "上一个版本",
    "Next version": "下一个版本",
    "Conversation title": "对话标题",
    "Conversation actions": "对话操作",
    "Not enough disk space: %1 needs %2 more, %3 is free in %4. Free some space or choose another models folder in Settings.": "磁盘空间不足：%1 还需要 %2，%4 中只剩 %3。请释放一些空间，或在设置中选择其他模型文件夹。",
    "Cannot write %1: %2": "无法写入 %1：%2",
    "The server does not support resuming; the download restarted from the beginning.": "服务器不支持断点续传；下载已从头重新开始。",
    "The disk is full (%1 free in %2). The part downloaded so far is kept: free some space and resume.": "磁盘已满（%2 中剩余 %1）。已下载的部分会保留：请释放一些空间后继续下载。",
    "Writing %1 failed (%2); the disk may be full. The part downloaded so far is kept: free some space and resume.": "写入 %1 失败（%2），磁盘可能已满。已下载的部分会保留：请释放一些空间后继续下载。",
    "The server refused the download (HTTP %1). The model may be gated: sign in on the hub, accept its licence at %2, and add an access token in Settings.": "服务器拒绝了下载（HTTP %1）。该模型可能需要授权：请在模型站点登录，在 %2 接受其许可协议，然后在设置中添加访问令牌。",
    "The file was not found on the server (HTTP 404): %1. The repository may have been renamed; check the model page.": "服务器上找不到该文件（HTTP 404）：%1。仓库可能已改名，请查看模型页面。",
    "The partial file did not match the server's; the download restarted from the beginning.": "已下载的部分与服务器上的文件不一致；下载已从头重新开始。",
    "no data for %1 s": "%1 秒内没有收到数据",
    "Cannot reach %1: the computer seems to be offline, or the server is down. The download resumes where it stopped when you retry.": "无法连接 %1：电脑似乎处于离线状态，或服务器不可用。重试时会从中断处继续下载。",
    "The download failed: %1": "下载失败：%1",
    "The download kept failing (%1). The part is kept; retry to resume it.": "下载多次失败（%1）。已下载的部分会保留，重试即可继续。",
    "Connection problem (%1); retrying in %2 s (attempt %3 of %4).": "连接出现问题（%1）；%2 秒后重试（第 %3 次，共 %4 次）。",
    "%1 arrived with %2 bytes instead of %3; it was deleted. Retry to download it again.": "%1 下载后为 %2 字节，而不是 %3 字节；文件已删除。请重试以重新下载。",
    "%1 is damaged: its SHA-256 is %2, the source says %3. The file was deleted; retry to download it again.": "%1 已损坏：其 SHA-256 为 %2，来源给出的是 %3。文件已删除，请重试以重新下载。",
    "%1 is not a usable GGUF file (%2); it was deleted.": "%1 不是可用的 GGUF 文件（%2）；文件已删除。",
    "Could not move %1 into the models folder.": "无法将 %1 移入模型文件夹。",
    "Verified: GGUF header and size (the source gave no checksum).": "已验证：GGUF 文件头和大小（来源未提供校验和）。",
    "Verified: SHA-256 %1": "已验证：SHA-256 %1",
    "Continue": "继续",
    "Could not write %1: %2": "无法写入 %1：%2",
    "Export failed: %1": "导出失败：%1",
    "Could not read %1: %2": "无法读取 %1：%2",
    "%1 was not imported: %2": "%1 未能导入：%2",
    "Settings": "设置",
    "Answers": "回答",
    "This is a reasoning model (R1 family): DeepSeek advises temperature 0.6 and no system prompt, so the system prompt is not sent to it.":
        "这是一个推理模型（R1 系列）：DeepSeek 建议温度设为 0.6 且不使用系统提示词，因此不会向它发送系统提示词。",
    "Temperature": "温度",
    "Top-p": "Top-p",
    "Top-k (0: off)": "Top-k（0：关闭）",
    "Min-p": "Min-p",
    "Repetition penalty": "重复惩罚",
    "Longest answer (tokens)": "最长回答（词元）",
    "Seed (0: random)": "随机种子（0：随机）",
    "System prompt": "系统提示词",
    "Used for new conversations": "用于新的对话",
    "Model": "模型",
    "Context length (tokens)": "上下文长度（词元）",
    "Threads (0: all cores)": "线程数（0：全部核心）",
    "Context length and threads apply the next time a model is loaded.": "上下文长度和线程数在下次加载模型时生效。",
    "Models folder": "模型文件夹",
    "Choose…": "选择…",
    "Appearance": "外观",
    "Theme": "主题",
    "Follow the system": "跟随系统",
    "Light": "浅色",
    "Dark": "深色",
    "Conversations": "对话",
    "Export all conversations": "导出全部对话",
    "Export…": "导出…",
    "Import a DeepDesk export (JSON)": "导入 DeepDesk 导出文件（JSON）",
    "Import…": "导入…",
    "Markdown (*.md)": "Markdown (*.md)",
    "JSON, to import again (*.json)": "JSON，可再次导入 (*.json)",
    "Web page (*.html)": "网页 (*.html)",
    "Plain text (*.txt)": "纯文本 (*.txt)",
    "Import conversations": "导入对话",
    "DeepDesk export (*.json)": "DeepDesk 导出文件 (*.json)",
    "Conversations imported: %1": "已导入对话：%1",
    "Export conversation": "导出对话",
    "The model could not be loaded: %1": "无法加载模型：%1",
    "%1 is not a usable GGUF model: %2": "%1 不是可用的 GGUF 模型：%2",
    "The models folder already has a file named %1.": "模型文件夹中已有名为 %1 的文件。",
    "Could not add %1 to the models folder: %2": "无法把 %1 加入模型文件夹：%2",
    "Conversations cannot be saved: %1": "无法保存对话：%1",
    "Import GGUF…": "导入 GGUF…",
    "Loading…": "正在加载…",
    "Choose a model": "选择模型",
    "Cancel": "取消",
    "%1 tok/s": "%1 词元/秒",
    "%1 / %2 tokens": "%1 / %2 词元",
    "The model is loading…": "模型正在加载…",
    "Import a GGUF model": "导入 GGUF 模型",
    "GGUF models (*.gguf)": "GGUF 模型 (*.gguf)",
    "This model may not fit in memory": "这个模型可能超出可用内存",
    "It needs about %1 (%2 of weights and %3 for the context), and %4 of memory is available now. Loading it anyway can make the computer very slow. Choose a smaller quantization or a shorter context to be safe.":
        "它大约需要 %1（权重 %2，上下文 %3），而当前可用内存为 %4。仍然加载可能让电脑变得很慢。为稳妥起见，请选择更小的量化版本或更短的上下文。",
    "No model is loaded.": "尚未加载模型。",
    "code": "代码",
    "Copy": "复制",
    "Error: %1": "错误：%1",
    "This answer was interrupted.": "这条回答被中断了。",
    "Edit": "编辑",
    "Regenerate": "重新生成",
    "%1 tokens · %2 tok/s": "%1 词元 · %2 词元/秒",
    "Thinking… %1 s": "思考中… %1 秒",
    "Thought for %1 s": "已思考 %1 秒",
    "Pinned": "已置顶",
    "Today": "今天",
    "Yesterday": "昨天",
    "Previous 7 days": "过去 7 天",
    "Previous 30 days": "过去 30 天",
    "Older": "更早",
    "Nothing found": "没有找到",
    "Untitled": "未命名",
    "Rename": "重命名",
    "Unpin": "取消置顶",
    "Pin": "置顶",
    "Delete": "删除",
    "Conversation deleted": "对话已删除",
    "Undo": "撤销",
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
