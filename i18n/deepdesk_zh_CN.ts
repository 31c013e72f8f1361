<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About DeepDesk</source>
        <translation>关于 DeepDesk</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>版本 %1</translation>
    </message>
    <message>
        <source>Chat with DeepSeek models on your own computer.</source>
        <translation>在你自己的电脑上与 DeepSeek 模型对话。</translation>
    </message>
    <message>
        <source>Qt</source>
        <translation>Qt</translation>
    </message>
    <message>
        <source>Processor</source>
        <translation>处理器</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Engine kernels</source>
        <translation>引擎内核</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>Attachments</name>
    <message>
        <source>This PDF cannot be read (it may be damaged).</source>
        <translation>无法读取此 PDF（文件可能已损坏）。</translation>
    </message>
    <message>
        <source>This PDF is protected by a password.</source>
        <translation>此 PDF 受密码保护。</translation>
    </message>
    <message>
        <source>This PDF has more text than fits in a conversation (over 4 million characters).</source>
        <translation>此 PDF 的文字太多，无法放入对话（超过 400 万个字符）。</translation>
    </message>
    <message>
        <source>This PDF has no text to read (a scan without OCR?).</source>
        <translation>此 PDF 中没有可读取的文字（可能是未经 OCR 的扫描件？）。</translation>
    </message>
    <message>
        <source>This is not a file that can be read.</source>
        <translation>这不是可以读取的文件。</translation>
    </message>
    <message>
        <source>This file is larger than 64 MB.</source>
        <translation>此文件大于 64 MB。</translation>
    </message>
    <message>
        <source>This file cannot be read: %1</source>
        <translation>无法读取此文件：%1</translation>
    </message>
    <message>
        <source>%1 files are not read yet: save it as PDF or plain text and attach that.</source>
        <translation>暂不支持读取 %1 文件：请另存为 PDF 或纯文本后再附加。</translation>
    </message>
    <message>
        <source>This file is not text (%1).</source>
        <translation>此文件不是文本（%1）。</translation>
    </message>
    <message>
        <source>This file has more text than fits in a conversation (over 4 million characters).</source>
        <translation>此文件的文字太多，无法放入对话（超过 400 万个字符）。</translation>
    </message>
</context>
<context>
    <name>CatalogCard</name>
    <message>
        <source>Recommended first model</source>
        <translation>推荐的第一个模型</translation>
    </message>
    <message>
        <source>Reasoning</source>
        <translation>推理</translation>
    </message>
    <message>
        <source>Not supported yet (%1)</source>
        <translation>暂不支持（%1）</translation>
    </message>
    <message>
        <source>%1 B parameters  ·  %2K context  ·  %3</source>
        <translation>%1 B 参数  ·  %2K 上下文  ·  %3</translation>
    </message>
    <message>
        <source>Quantization of %1</source>
        <translation>%1 的量化版本</translation>
    </message>
    <message>
        <source>needs about %1</source>
        <translation>约需 %1</translation>
    </message>
    <message>
        <source>Downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>下载 %1</translation>
    </message>
    <message>
        <source>Download %1 %2</source>
        <translation>下载 %1 %2</translation>
    </message>
</context>
<context>
    <name>ChatController</name>
    <message>
        <source>The model could not be loaded: %1</source>
        <translation>无法加载模型：%1</translation>
    </message>
    <message>
        <source>Conversations cannot be saved: %1</source>
        <translation>无法保存对话：%1</translation>
    </message>
    <message>
        <source>Load a model to start chatting.</source>
        <translation>加载一个模型即可开始对话。</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Could not read %1: %2</source>
        <translation>无法读取 %1：%2</translation>
    </message>
    <message>
        <source>%1 was not imported: %2</source>
        <translation>%1 未能导入：%2</translation>
    </message>
    <message>
        <source>The conversations database failed: %1</source>
        <translation>对话数据库出错：%1</translation>
    </message>
    <message>
        <source>No model is loaded.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <source>The provider of this model was removed.</source>
        <translation>提供此模型的服务已被移除。</translation>
    </message>
    <message>
        <source>DeepDesk conversations %1</source>
        <translation>DeepDesk 对话 %1</translation>
    </message>
    <message>
        <source>No tool named %1 is available.</source>
        <translation>没有名为 %1 的工具。</translation>
    </message>
    <message>
        <source>The user did not allow this call.</source>
        <translation>用户未允许此调用。</translation>
    </message>
    <message>
        <source>
[… %1 more characters left out]</source>
        <translation>
[… 另有 %1 个字符未包含]</translation>
    </message>
    <message>
        <source>Stopped by the user.</source>
        <translation>已被用户停止。</translation>
    </message>
    <message>
        <source>Only files on this computer can be attached.</source>
        <translation>只能附加这台电脑上的文件。</translation>
    </message>
    <message>
        <source>The attached files are still being read.</source>
        <translation>附加的文件仍在读取中。</translation>
    </message>
</context>
<context>
    <name>ChatPage</name>
    <message>
        <source>No model loaded</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>Load a model to start chatting.</source>
        <translation>加载一个模型即可开始对话。</translation>
    </message>
    <message>
        <source>Models run on this computer. Your conversations never leave it.</source>
        <translation>模型在本机运行，你的对话不会离开这台电脑。</translation>
    </message>
    <message>
        <source>Import GGUF…</source>
        <translation>导入 GGUF…</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Choose a model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 词元/秒</translation>
    </message>
    <message>
        <source>%1 / %2 tokens</source>
        <translation>%1 / %2 词元</translation>
    </message>
    <message>
        <source>The model is loading…</source>
        <translation>模型正在加载…</translation>
    </message>
    <message>
        <source>Import a GGUF model</source>
        <translation>导入 GGUF 模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>This model may not fit in memory</source>
        <translation>这个模型可能超出可用内存</translation>
    </message>
    <message>
        <source>It needs about %1 (%2 of weights and %3 for the context), and %4 of memory is available now. Loading it anyway can make the computer very slow. Choose a smaller quantization or a shorter context to be safe.</source>
        <translation>它大约需要 %1（权重 %2，上下文 %3），而当前可用内存为 %4。仍然加载可能让电脑变得很慢。为稳妥起见，请选择更小的量化版本或更短的上下文。</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Loading the model</source>
        <translation>正在加载模型</translation>
    </message>
    <message>
        <source>Cancel loading the model</source>
        <translation>取消加载模型</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>The model could not be loaded</source>
        <translation>无法加载该模型</translation>
    </message>
    <message>
        <source>Remote providers…</source>
        <translation>远程服务…</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 词元</translation>
    </message>
    <message>
        <source>Your messages go to %1 for this model. Conversations are kept on this computer.</source>
        <translation>使用此模型时，你的消息会发送到 %1。对话保存在这台电脑上。</translation>
    </message>
    <message>
        <source>This conversation is too long for the model as loaded: it needs about %1 tokens, and the model has room for %2.</source>
        <translation>这段对话对当前加载的模型来说太长了：大约需要 %1 个词元，而模型只能容纳 %2 个。</translation>
    </message>
    <message>
        <source>You can load it again with room for %1 tokens (this computer&apos;s memory allows it), or leave the oldest turns out of what the model reads.</source>
        <translation>可以用 %1 个词元的上下文重新加载模型（这台电脑的内存足够），或者让模型不再读取最早的几轮对话。</translation>
    </message>
    <message>
        <source>This computer&apos;s memory does not allow a larger context; leave the oldest turns out of what the model reads, or start a new conversation.</source>
        <translation>这台电脑的内存不足以使用更大的上下文；可以让模型不再读取最早的几轮对话，或者开始新的对话。</translation>
    </message>
    <message>
        <source>Load with %1 tokens and answer</source>
        <translation>以 %1 个词元重新加载并回答</translation>
    </message>
    <message>
        <source>Leave out the oldest turns and answer</source>
        <translation>略去最早的几轮并回答</translation>
    </message>
    <message>
        <source>About %1 of %2 tokens with this message</source>
        <translation>加上这条消息约 %1 / %2 个词元</translation>
    </message>
    <message>
        <source>About %1 tokens with this message: more than the %2 the model has room for</source>
        <translation>加上这条消息约 %1 个词元，超过了模型可容纳的 %2 个</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Load anyway</source>
        <translation>仍然加载</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>思考</translation>
    </message>
    <message>
        <source>Thinking off (closes it at once)</source>
        <translation>不思考（立即结束推理）</translation>
    </message>
    <message>
        <source>Thinking off</source>
        <translation>不思考</translation>
    </message>
    <message>
        <source>Thinking: unlimited</source>
        <translation>思考：不限</translation>
    </message>
    <message>
        <source>Thinking: up to %1 tokens</source>
        <translation>思考：最多 %1 个词元</translation>
    </message>
    <message>
        <source>How much the model may think before it answers, for this conversation</source>
        <translation>本对话中模型回答前可以思考多少</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Tools: %1</source>
        <translation>工具：%1</translation>
    </message>
    <message>
        <source>MCP servers whose tools the model may call, each call with your approval</source>
        <translation>模型可以调用其工具的 MCP 服务器，每次调用都需经您批准</translation>
    </message>
    <message>
        <source>Include only the parts of the files most relevant to my message</source>
        <translation>只包含文件中与我的消息最相关的部分</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>附加文件</translation>
    </message>
    <message>
        <source>Documents and text (*.txt *.md *.markdown *.pdf *.csv *.json *.py *.c *.cpp *.h *.js *.ts *.rs *.go *.java *.html *.xml *.yaml *.yml *.toml *.tex *.log)</source>
        <translation>文档和文本 (*.txt *.md *.markdown *.pdf *.csv *.json *.py *.c *.cpp *.h *.js *.ts *.rs *.go *.java *.html *.xml *.yaml *.yml *.toml *.tex *.log)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>所有文件 (*)</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>附加</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Documents: none</source>
        <translation>文档：无</translation>
    </message>
    <message>
        <source>Documents: %1</source>
        <translation>文档：%1</translation>
    </message>
    <message>
        <source>Manage documents…</source>
        <translation>管理文档…</translation>
    </message>
    <message>
        <source>Answer from a folder of documents indexed on this computer, citing the passages used</source>
        <translation>根据本机已索引的文档文件夹回答，并注明所引用的段落</translation>
    </message>
</context>
<context>
    <name>CollectionsController</name>
    <message>
        <source>%1 is not a folder.</source>
        <translation>%1 不是文件夹。</translation>
    </message>
    <message>
        <source>%1 added, %2 updated, %3 removed, %4 unchanged, %5 skipped</source>
        <translation>新增 %1，更新 %2，移除 %3，未变 %4，跳过 %5</translation>
    </message>
    <message>
        <source>The embedding model cannot be used: %1</source>
        <translation>无法使用该嵌入模型：%1</translation>
    </message>
    <message>
        <source>%1 of %2 passages given vectors</source>
        <translation>已为 %2 个段落中的 %1 个生成向量</translation>
    </message>
</context>
<context>
    <name>CollectionsDialog</name>
    <message>
        <source>Documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Choose a folder of documents</source>
        <translation>选择文档文件夹</translation>
    </message>
    <message>
        <source>Index</source>
        <translation>索引</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Index a folder of notes, papers or code (text, Markdown, PDF…). Choose it for a conversation beside the model picker: each message then goes with the passages most relevant to it, and the answer cites them by number. Everything stays on this computer.</source>
        <translation>为笔记、论文或代码文件夹建立索引（文本、Markdown、PDF…）。在模型选择框旁为对话选择它：每条消息都会附上与之最相关的段落，回答会按编号引用它们。所有内容都保留在这台电脑上。</translation>
    </message>
    <message>
        <source>Index again</source>
        <translation>重新索引</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>Indexing %1 of %2: %3</source>
        <translation>正在索引第 %1 / %2 个：%3</translation>
    </message>
    <message>
        <source>%1 files, %2 passages</source>
        <translation>%1 个文件，%2 个段落</translation>
    </message>
    <message>
        <source>Skipped: %1</source>
        <translation>已跳过：%1</translation>
    </message>
    <message>
        <source>Add a folder…</source>
        <translation>添加文件夹…</translation>
    </message>
    <message>
        <source>Choose an embedding model</source>
        <translation>选择嵌入模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>Use</source>
        <translation>使用</translation>
    </message>
    <message>
        <source>Search by meaning</source>
        <translation>按语义搜索</translation>
    </message>
    <message>
        <source>Change…</source>
        <translation>更换…</translation>
    </message>
    <message>
        <source>Choose a model…</source>
        <translation>选择模型…</translation>
    </message>
    <message>
        <source>Turn off</source>
        <translation>停用</translation>
    </message>
    <message>
        <source>Passages are found by keywords and by meaning with %1.</source>
        <translation>使用 %1，按关键词和语义查找段落。</translation>
    </message>
    <message>
        <source>Off: passages are found by their words. Choose an embedding model (a GGUF file such as Qwen3-Embedding-0.6B) to find them by meaning too, in Chinese and English alike.</source>
        <translation>已关闭：仅按字词查找段落。选择一个嵌入模型（GGUF 文件，例如 Qwen3-Embedding-0.6B），即可同时按语义查找，中英文皆可。</translation>
    </message>
    <message>
        <source>Finding the meaning of passage %1 of %2: %3</source>
        <translation>正在计算第 %1 / %2 个段落的语义向量：%3</translation>
    </message>
    <message>
        <source>%1 files, %2 passages, %3 searchable by meaning</source>
        <translation>%1 个文件，%2 个段落，其中 %3 个可按语义搜索</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message DeepDesk… (Enter to send, Shift+Enter for a new line)</source>
        <translation>给 DeepDesk 发送消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>cannot be used</source>
        <translation>无法使用</translation>
    </message>
    <message>
        <source>~%1 tokens</source>
        <translation>约 %1 个词元</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>Attach</source>
        <translation>附加</translation>
    </message>
    <message>
        <source>Attach files</source>
        <translation>附加文件</translation>
    </message>
    <message>
        <source>Text, Markdown, code, CSV, JSON or PDF; or drop files here</source>
        <translation>文本、Markdown、代码、CSV、JSON 或 PDF；也可以把文件拖到这里</translation>
    </message>
</context>
<context>
    <name>DialogButtons</name>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>DownloadManager</name>
    <message>
        <source>Not enough disk space: %1 needs %2 more, %3 is free in %4. Free some space or choose another models folder in Settings.</source>
        <translation>磁盘空间不足：%1 还需要 %2，%4 中只剩 %3。请释放一些空间，或在设置中选择其他模型文件夹。</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <source>The server does not support resuming; the download restarted from the beginning.</source>
        <translation>服务器不支持断点续传；下载已从头重新开始。</translation>
    </message>
    <message>
        <source>The disk is full (%1 free in %2). The part downloaded so far is kept: free some space and resume.</source>
        <translation>磁盘已满（%2 中剩余 %1）。已下载的部分会保留：请释放一些空间后继续下载。</translation>
    </message>
    <message>
        <source>Writing %1 failed (%2); the disk may be full. The part downloaded so far is kept: free some space and resume.</source>
        <translation>写入 %1 失败（%2），磁盘可能已满。已下载的部分会保留：请释放一些空间后继续下载。</translation>
    </message>
    <message>
        <source>The server refused the download (HTTP %1). The model may be gated: sign in on the hub, accept its licence at %2, and add an access token in Settings.</source>
        <translation>服务器拒绝了下载（HTTP %1）。该模型可能需要授权：请在模型站点登录，在 %2 接受其许可协议，然后在设置中添加访问令牌。</translation>
    </message>
    <message>
        <source>The file was not found on the server (HTTP 404): %1. The repository may have been renamed; check the model page.</source>
        <translation>服务器上找不到该文件（HTTP 404）：%1。仓库可能已改名，请查看模型页面。</translation>
    </message>
    <message>
        <source>The partial file did not match the server&apos;s; the download restarted from the beginning.</source>
        <translation>已下载的部分与服务器上的文件不一致；下载已从头重新开始。</translation>
    </message>
    <message>
        <source>no data for %1 s</source>
        <translation>%1 秒内没有收到数据</translation>
    </message>
    <message>
        <source>Cannot reach %1: the computer seems to be offline, or the server is down. The download resumes where it stopped when you retry.</source>
        <translation>无法连接 %1：电脑似乎处于离线状态，或服务器不可用。重试时会从中断处继续下载。</translation>
    </message>
    <message>
        <source>The download failed: %1</source>
        <translation>下载失败：%1</translation>
    </message>
    <message>
        <source>The download kept failing (%1). The part is kept; retry to resume it.</source>
        <translation>下载多次失败（%1）。已下载的部分会保留，重试即可继续。</translation>
    </message>
    <message>
        <source>Connection problem (%1); retrying in %2 s (attempt %3 of %4).</source>
        <translation>连接出现问题（%1）；%2 秒后重试（第 %3 次，共 %4 次）。</translation>
    </message>
    <message>
        <source>%1 arrived with %2 bytes instead of %3; it was deleted. Retry to download it again.</source>
        <translation>%1 下载后为 %2 字节，而不是 %3 字节；文件已删除。请重试以重新下载。</translation>
    </message>
    <message>
        <source>%1 is damaged: its SHA-256 is %2, the source says %3. The file was deleted; retry to download it again.</source>
        <translation>%1 已损坏：其 SHA-256 为 %2，来源给出的是 %3。文件已删除，请重试以重新下载。</translation>
    </message>
    <message>
        <source>%1 is not a usable GGUF file (%2); it was deleted.</source>
        <translation>%1 不是可用的 GGUF 文件（%2）；文件已删除。</translation>
    </message>
    <message>
        <source>Could not move %1 into the models folder.</source>
        <translation>无法将 %1 移入模型文件夹。</translation>
    </message>
    <message>
        <source>Verified: GGUF header and size (the source gave no checksum).</source>
        <translation>已验证：GGUF 文件头和大小（来源未提供校验和）。</translation>
    </message>
    <message>
        <source>Verified: SHA-256 %1</source>
        <translation>已验证：SHA-256 %1</translation>
    </message>
    <message>
        <source>Checking the %1 downloaded so far…</source>
        <translation>正在校验已下载的 %1…</translation>
    </message>
    <message>
        <source>Cannot read %1.</source>
        <translation>无法读取 %1。</translation>
    </message>
    <message>
        <source>The server sent more than the %1 bytes the listing gives for %2; the download was stopped and the part deleted.</source>
        <translation>服务器发送的数据超过了文件列表给出的 %2 的 %1 字节；下载已停止，已删除部分文件。</translation>
    </message>
    <message>
        <source>the connection ended early</source>
        <translation>连接提前结束</translation>
    </message>
    <message>
        <source>Not enough disk space: %1 (%2 parts) needs %3 more, %4 is free in %5. Free some space or choose another models folder in Settings.</source>
        <translation>磁盘空间不足：%1（共 %2 个部分）还需要 %3，%5 中只剩 %4。请释放一些空间，或在设置中选择其他模型文件夹。</translation>
    </message>
    <message>
        <source>Another DeepDesk is downloading %1 into the same models folder. Let it finish there, or retry here once it has stopped.</source>
        <translation>另一个 DeepDesk 正在把 %1 下载到同一个模型文件夹。请让它在那边完成，或等它停止后在这里重试。</translation>
    </message>
</context>
<context>
    <name>EmptyChatState</name>
    <message>
        <source>What can I help you with?</source>
        <translation>有什么可以帮你？</translation>
    </message>
    <message>
        <source>Chat with DeepSeek-R1, DeepSeek-Coder and other DeepSeek models on your own computer: private, and working offline.</source>
        <translation>在你自己的电脑上与 DeepSeek-R1、DeepSeek-Coder 等 DeepSeek 模型对话：私密，且可离线使用。</translation>
    </message>
    <message>
        <source>Explain a concept</source>
        <translation>解释一个概念</translation>
    </message>
    <message>
        <source>Explain how attention works in a transformer, with a small example.</source>
        <translation>用一个小例子解释 Transformer 中的注意力机制是如何工作的。</translation>
    </message>
    <message>
        <source>Write code</source>
        <translation>编写代码</translation>
    </message>
    <message>
        <source>Write a Python function that merges two sorted lists in linear time.</source>
        <translation>写一个 Python 函数，在线性时间内合并两个有序列表。</translation>
    </message>
    <message>
        <source>Solve step by step</source>
        <translation>逐步求解</translation>
    </message>
    <message>
        <source>Draft a message</source>
        <translation>起草消息</translation>
    </message>
    <message>
        <source>Write a short, polite email asking my professor for a one-week extension.</source>
        <translation>写一封简短、礼貌的邮件，请求教授把截止日期延后一周。</translation>
    </message>
    <message>
        <source>A train travels 300 km in 2.5 hours. What is its average speed? Reason step by step.</source>
        <translation>一列火车 2.5 小时行驶 300 公里，它的平均速度是多少？请逐步推理。</translation>
    </message>
</context>
<context>
    <name>FileDialog</name>
    <message>
        <source>File name</source>
        <translation>文件名</translation>
    </message>
    <message>
        <source>Filter</source>
        <translation>筛选</translation>
    </message>
</context>
<context>
    <name>FirstRunPanel</name>
    <message>
        <source>Get a model to start chatting</source>
        <translation>先获取一个模型，就可以开始对话</translation>
    </message>
    <message>
        <source>DeepDesk runs models on this computer. Start with the one below: it is small, runs on any laptop, and thinks before it answers.</source>
        <translation>DeepDesk 在这台电脑上运行模型。建议从下面这个开始：它很小，任何笔记本电脑都能运行，并且会先思考再回答。</translation>
    </message>
    <message>
        <source>Fits this computer</source>
        <translation>适合这台电脑</translation>
    </message>
    <message>
        <source>Tight: close other apps</source>
        <translation>内存紧张：请关闭其他应用</translation>
    </message>
    <message>
        <source>Too big for this computer</source>
        <translation>对这台电脑来说太大</translation>
    </message>
    <message>
        <source>Memory unknown</source>
        <translation>内存未知</translation>
    </message>
    <message>
        <source>Already have a GGUF file (for example from LM Studio or llama.cpp)? Import it: DeepDesk checks it and links it into its models folder.</source>
        <translation>已经有 GGUF 文件了（例如来自 LM Studio 或 llama.cpp）？导入即可：DeepDesk 会检查文件，并把它链接到模型文件夹中。</translation>
    </message>
    <message>
        <source>Import a GGUF file…</source>
        <translation>导入 GGUF 文件…</translation>
    </message>
    <message>
        <source>See all models</source>
        <translation>查看全部模型</translation>
    </message>
</context>
<context>
    <name>InferenceWorker</name>
    <message>
        <source>No model is loaded.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <source>This conversation needs about %1 tokens, more than the %2 the model was loaded with.</source>
        <translation>这段对话大约需要 %1 个词元，超过了模型加载时的 %2 个。</translation>
    </message>
</context>
<context>
    <name>LanguageSwitch</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Saved to %1</source>
        <translation>已保存到 %1</translation>
    </message>
    <message>
        <source>The answer was stopped to open another conversation; what it wrote is kept.</source>
        <translation>为打开另一段对话，回答已停止；已生成的内容会保留。</translation>
    </message>
</context>
<context>
    <name>MarkdownView</name>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy LaTeX</source>
        <translation>复制 LaTeX</translation>
    </message>
</context>
<context>
    <name>McpClient</name>
    <message>
        <source>The server&apos;s address is not an http:// or https:// URL.</source>
        <translation>服务器地址不是 http:// 或 https:// 网址。</translation>
    </message>
    <message>
        <source>The server has no command to start.</source>
        <translation>该服务器没有可启动的命令。</translation>
    </message>
    <message>
        <source>The server could not be started: %1</source>
        <translation>无法启动服务器：%1</translation>
    </message>
    <message>
        <source>The server crashed.</source>
        <translation>服务器崩溃了。</translation>
    </message>
    <message>
        <source>The server exited (code %1).</source>
        <translation>服务器已退出（代码 %1）。</translation>
    </message>
    <message>
        <source>The server did not initialize: %1</source>
        <translation>服务器未能初始化：%1</translation>
    </message>
    <message>
        <source>Connected to %1 %2 (protocol %3)</source>
        <translation>已连接到 %1 %2（协议 %3）</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <source>the server was stopped</source>
        <translation>服务器已停止</translation>
    </message>
    <message>
        <source>no answer within %1 s</source>
        <translation>%1 秒内没有应答</translation>
    </message>
    <message>
        <source>the server is not running</source>
        <translation>服务器未在运行</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>Not JSON-RPC: %1</source>
        <translation>不是 JSON-RPC：%1</translation>
    </message>
    <message>
        <source>Not JSON-RPC 2.0: %1</source>
        <translation>不是 JSON-RPC 2.0：%1</translation>
    </message>
    <message>
        <source>An answer without a request id: %1</source>
        <translation>没有请求 ID 的应答：%1</translation>
    </message>
    <message>
        <source>error %1</source>
        <translation>错误 %1</translation>
    </message>
    <message>
        <source>The server wrote more than 64 MB without a line break.</source>
        <translation>服务器输出了超过 64 MB 的内容而没有换行。</translation>
    </message>
    <message>
        <source>The server cannot be reached: %1</source>
        <translation>无法连接服务器：%1</translation>
    </message>
    <message>
        <source>The server refused the token (HTTP %1).</source>
        <translation>服务器拒绝了令牌（HTTP %1）。</translation>
    </message>
    <message>
        <source>The server ended the session (HTTP 404); restart it.</source>
        <translation>服务器结束了会话（HTTP 404），请重新启动它。</translation>
    </message>
    <message>
        <source>the server closed the stream without an answer</source>
        <translation>服务器未应答就关闭了数据流</translation>
    </message>
</context>
<context>
    <name>MessageItem</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>This answer was interrupted.</source>
        <translation>这条回答被中断了。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>%1 tokens · %2 tok/s</source>
        <translation>%1 词元 · %2 词元/秒</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>~%1 tokens</source>
        <translation>约 %1 个词元</translation>
    </message>
    <message>
        <source>Open the source</source>
        <translation>打开来源</translation>
    </message>
</context>
<context>
    <name>ModelHost</name>
    <message>
        <source>%1 is not a usable GGUF model.</source>
        <translation>%1 不是可用的 GGUF 模型。</translation>
    </message>
    <message>
        <source>Details: %1</source>
        <translation>详细信息：%1</translation>
    </message>
    <message>
        <source>The models folder already has a file named %1.</source>
        <translation>模型文件夹中已有名为 %1 的文件。</translation>
    </message>
    <message>
        <source>Could not add %1 to the models folder: %2</source>
        <translation>无法把 %1 加入模型文件夹：%2</translation>
    </message>
    <message>
        <source>Only models in the models folder can be deleted here.</source>
        <translation>这里只能删除模型文件夹中的模型。</translation>
    </message>
    <message>
        <source>%1 is loaded; choose another model first.</source>
        <translation>%1 正在使用；请先选择其他模型。</translation>
    </message>
    <message>
        <source>%1 could not be deleted.</source>
        <translation>无法删除 %1。</translation>
    </message>
</context>
<context>
    <name>ModelsController</name>
    <message>
        <source>The hub refused access to %1 (HTTP %2). It may be gated: sign in, accept its licence at %3, and add an access token on the Models page.</source>
        <translation>模型站点拒绝访问 %1（HTTP %2）。该模型可能需要授权：请登录，在 %3 接受其许可协议，然后在“模型”页面添加访问令牌。</translation>
    </message>
    <message>
        <source>%1 was not found on %2 (HTTP 404).</source>
        <translation>在 %2 上找不到 %1（HTTP 404）。</translation>
    </message>
    <message>
        <source>Cannot reach %1: the computer seems to be offline. Models already downloaded still work; to download, connect or choose a mirror as the endpoint.</source>
        <translation>无法连接 %1：电脑似乎处于离线状态。已下载的模型仍可使用；要下载，请联网或选择一个镜像作为端点。</translation>
    </message>
    <message>
        <source>The hub answered with an error: %1</source>
        <translation>模型站点返回错误：%1</translation>
    </message>
    <message>
        <source>The hub&apos;s answer for %1 could not be read.</source>
        <translation>无法读取模型站点关于 %1 的响应。</translation>
    </message>
    <message>
        <source>%1 is not in %2. GGUF files there: %3</source>
        <translation>%2 中没有 %1。其中的 GGUF 文件：%3</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1 has %2 parts, but %3 of them are in %4.</source>
        <translation>%1 共有 %2 个分卷，但 %4 中只有 %3 个。</translation>
    </message>
    <message>
        <source>Unknown model %1.</source>
        <translation>未知模型 %1。</translation>
    </message>
    <message>
        <source>%1 has no %2 file.</source>
        <translation>%1 没有 %2 文件。</translation>
    </message>
    <message>
        <source>Search works with the Hugging Face source (or a mirror of it). On ModelScope, type a repository name (owner/name) to list its files.</source>
        <translation>搜索功能适用于 Hugging Face 来源（或其镜像）。使用魔搭时，请输入仓库名（所有者/名称）以列出其文件。</translation>
    </message>
    <message>
        <source>The hub sent the request on to %1, which DeepDesk does not follow with your access token (it is sent to %2 only). Use the hub&apos;s own address, or remove the token.</source>
        <translation>模型站点把请求转到了 %1，DeepDesk 不会带着你的访问令牌跟过去（令牌只发送给 %2）。请使用模型站点本身的地址，或移除令牌。</translation>
    </message>
    <message>
        <source>%1 is busy or unavailable (HTTP %2), also when asked again. Try again in a few minutes, or choose a mirror as the endpoint.</source>
        <translation>%1 繁忙或暂时不可用（HTTP %2），重试后仍是如此。请几分钟后再试，或选择一个镜像作为端点。</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>%1 s left</source>
        <translation>剩余 %1 秒</translation>
    </message>
    <message>
        <source>%1 min left</source>
        <translation>剩余 %1 分钟</translation>
    </message>
    <message>
        <source>%1 h left</source>
        <translation>剩余 %1 小时</translation>
    </message>
    <message>
        <source>Fits this computer</source>
        <translation>适合这台电脑</translation>
    </message>
    <message>
        <source>Tight: close other apps</source>
        <translation>内存紧张：请关闭其他应用</translation>
    </message>
    <message>
        <source>Too big for this computer</source>
        <translation>对这台电脑来说太大</translation>
    </message>
    <message>
        <source>Memory unknown</source>
        <translation>内存未知</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>校验中</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Back to chat</source>
        <translation>返回对话</translation>
    </message>
    <message>
        <source>The catalog in the data folder was not used: %1</source>
        <translation>未使用数据文件夹中的模型目录：%1</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel the download of %1</source>
        <translation>取消下载 %1</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>这台电脑上的模型</translation>
    </message>
    <message>
        <source>Import GGUF…</source>
        <translation>导入 GGUF…</translation>
    </message>
    <message>
        <source>No models yet. Download one below, or import a GGUF file you already have (it is checked, then linked or copied into %1).</source>
        <translation>还没有模型。请在下方下载一个，或导入已有的 GGUF 文件（会先检查，然后链接或复制到 %1）。</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>已加载</translation>
    </message>
    <message>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <source>Load %1</source>
        <translation>加载 %1</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Delete %1</source>
        <translation>删除 %1</translation>
    </message>
    <message>
        <source>DeepSeek models</source>
        <translation>DeepSeek 模型</translation>
    </message>
    <message>
        <source>Memory shown for a context of %1 tokens; this computer has %2.</source>
        <translation>所示内存按 %1 个词元的上下文计算；这台电脑有 %2。</translation>
    </message>
    <message>
        <source>Download source</source>
        <translation>下载来源</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Hugging Face (or a mirror)</source>
        <translation>Hugging Face（或镜像）</translation>
    </message>
    <message>
        <source>ModelScope (魔搭)</source>
        <translation>魔搭 ModelScope</translation>
    </message>
    <message>
        <source>Endpoint</source>
        <translation>端点</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>访问令牌</translation>
    </message>
    <message>
        <source>Only for gated repositories</source>
        <translation>仅用于需要授权的仓库</translation>
    </message>
    <message>
        <source>Search the hub for GGUF models, or type owner/name</source>
        <translation>在模型站点搜索 GGUF 模型，或输入 所有者/名称</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>%1 downloads</source>
        <translation>%1 次下载</translation>
    </message>
    <message>
        <source>%1 parts</source>
        <translation>%1 个分卷</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>下载 %1</translation>
    </message>
    <message>
        <source>Nothing found.</source>
        <translation>没有找到。</translation>
    </message>
    <message>
        <source>%1 has no GGUF files.</source>
        <translation>%1 中没有 GGUF 文件。</translation>
    </message>
    <message>
        <source>Import a GGUF model</source>
        <translation>导入 GGUF 模型</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型 (*.gguf)</translation>
    </message>
    <message>
        <source>Delete %1?</source>
        <translation>删除 %1？</translation>
    </message>
    <message>
        <source>The file is removed from the models folder. Conversations are kept.</source>
        <translation>文件将从模型文件夹中删除，对话会保留。</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
</context>
<context>
    <name>NumberField</name>
    <message>
        <source>Enter a number from %1 to %2</source>
        <translation>请输入 %1 到 %2 之间的数字</translation>
    </message>
    <message>
        <source>Enter a whole number from %1 to %2</source>
        <translation>请输入 %1 到 %2 之间的整数</translation>
    </message>
</context>
<context>
    <name>ProvidersController</name>
    <message>
        <source>Could not reach the server: %1</source>
        <translation>无法连接服务器：%1</translation>
    </message>
    <message>
        <source>The server&apos;s answer to GET /models is not a model list.</source>
        <translation>服务器对 GET /models 的回复不是模型列表。</translation>
    </message>
    <message>
        <source>DeepSeek platform</source>
        <translation>DeepSeek 开放平台</translation>
    </message>
    <message>
        <source>DeepDesk server</source>
        <translation>DeepDesk 服务</translation>
    </message>
    <message>
        <source>OpenAI-compatible</source>
        <translation>兼容 OpenAI</translation>
    </message>
</context>
<context>
    <name>ProvidersDialog</name>
    <message>
        <source>Remote providers</source>
        <translation>远程服务</translation>
    </message>
    <message>
        <source>For models too large for this computer (DeepSeek-V3, R1, 67B): chat with a server that speaks the OpenAI API. API keys stay in this computer&apos;s settings file, readable only by you; they are never stored with conversations or exported.</source>
        <translation>对于这台电脑放不下的模型（DeepSeek-V3、R1、67B）：与支持 OpenAI API 的服务器对话。API 密钥保存在本机的设置文件中，只有你能读取；它们不会与对话一起保存，也不会被导出。</translation>
    </message>
    <message>
        <source>Refresh models</source>
        <translation>刷新模型</translation>
    </message>
    <message>
        <source>Refresh the models of %1</source>
        <translation>刷新 %1 的模型</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit %1</source>
        <translation>编辑 %1</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>Chat with %1</source>
        <translation>与 %1 对话</translation>
    </message>
    <message>
        <source>No models listed yet.</source>
        <translation>尚未列出模型。</translation>
    </message>
    <message>
        <source>Add a provider</source>
        <translation>添加服务</translation>
    </message>
    <message>
        <source>Edit the provider</source>
        <translation>编辑服务</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Kind of server</source>
        <translation>服务器类型</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Provider name</source>
        <translation>服务名称</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Required by this service</source>
        <translation>此服务需要密钥</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Add and list models</source>
        <translation>添加并列出模型</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>The server sent something that is not JSON: %1</source>
        <translation>服务器发送的内容不是 JSON：%1</translation>
    </message>
    <message>
        <source>The server reported an error.</source>
        <translation>服务器报告了一个错误。</translation>
    </message>
    <message>
        <source>Too many requests (HTTP 429): the server asks to wait %1 seconds.</source>
        <translation>请求过多（HTTP 429）：服务器要求等待 %1 秒。</translation>
    </message>
    <message>
        <source>Too many requests (HTTP 429): try again later.</source>
        <translation>请求过多（HTTP 429）：请稍后再试。</translation>
    </message>
    <message>
        <source>The server failed (HTTP %1).</source>
        <translation>服务器出错（HTTP %1）。</translation>
    </message>
    <message>
        <source>The server answered HTTP %1.</source>
        <translation>服务器返回 HTTP %1。</translation>
    </message>
    <message>
        <source>The server refused the API key (HTTP %1). Check the key in Settings → Remote providers.</source>
        <translation>服务器拒绝了 API 密钥（HTTP %1）。请在 设置 → 远程服务 中检查密钥。</translation>
    </message>
</context>
<context>
    <name>ReasoningBlock</name>
    <message>
        <source>Thinking… %1 s</source>
        <translation>思考中… %1 秒</translation>
    </message>
    <message>
        <source>Thought for %1 s</source>
        <translation>已思考 %1 秒</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Thought for &lt; 1 s</source>
        <translation>已思考不到 1 秒</translation>
    </message>
</context>
<context>
    <name>RemoteTurnRunner</name>
    <message>
        <source>The connection to %1 was lost: %2. What arrived before is kept.</source>
        <translation>与 %1 的连接中断：%2。已收到的内容已保留。</translation>
    </message>
    <message>
        <source>Could not reach %1: %2</source>
        <translation>无法连接 %1：%2</translation>
    </message>
    <message>
        <source>The connection to %1 ended before the answer was complete. What arrived before is kept.</source>
        <translation>与 %1 的连接在回答完成前结束。已收到的内容已保留。</translation>
    </message>
    <message>
        <source>The server&apos;s reply is too large (over 256 MB).</source>
        <translation>服务器的回复过大（超过 256 MB）。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Answers</source>
        <translation>回答</translation>
    </message>
    <message>
        <source>This is a reasoning model (R1 family): DeepSeek advises temperature 0.6 and no system prompt, so the system prompt is not sent to it.</source>
        <translation>这是一个推理模型（R1 系列）：DeepSeek 建议温度设为 0.6 且不使用系统提示词，因此不会向它发送系统提示词。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k (0: off)</source>
        <translation>Top-k（0：关闭）</translation>
    </message>
    <message>
        <source>Min-p</source>
        <translation>Min-p</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Longest answer (tokens)</source>
        <translation>最长回答（词元）</translation>
    </message>
    <message>
        <source>Seed (0: random)</source>
        <translation>随机种子（0：随机）</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Used for new conversations</source>
        <translation>用于新的对话</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Context length (tokens)</source>
        <translation>上下文长度（词元）</translation>
    </message>
    <message>
        <source>Threads (0: all cores)</source>
        <translation>线程数（0：全部核心）</translation>
    </message>
    <message>
        <source>Context length and threads apply the next time a model is loaded.</source>
        <translation>上下文长度和线程数在下次加载模型时生效。</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>外观</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Export all conversations</source>
        <translation>导出全部对话</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Import a DeepDesk export (JSON)</source>
        <translation>导入 DeepDesk 导出文件（JSON）</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>JSON, to import again (*.json)</source>
        <translation>JSON，可再次导入 (*.json)</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
    <message>
        <source>Plain text (*.txt)</source>
        <translation>纯文本 (*.txt)</translation>
    </message>
    <message>
        <source>Import conversations</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <source>DeepDesk export (*.json)</source>
        <translation>DeepDesk 导出文件 (*.json)</translation>
    </message>
    <message>
        <source>Conversations imported: %1</source>
        <translation>已导入对话：%1</translation>
    </message>
    <message>
        <source>Remote providers</source>
        <translation>远程服务</translation>
    </message>
    <message>
        <source>Manage…</source>
        <translation>管理…</translation>
    </message>
    <message>
        <source>DeepSeek platform, vLLM, SGLang, Ollama or any OpenAI-compatible server, for models too large for this computer.</source>
        <translation>DeepSeek 开放平台、vLLM、SGLang、Ollama 或任何兼容 OpenAI 的服务器，用于这台电脑放不下的模型。</translation>
    </message>
    <message>
        <source>Local API server</source>
        <translation>本地 API 服务</translation>
    </message>
    <message>
        <source>Serve the loaded model</source>
        <translation>提供已加载的模型</translation>
    </message>
    <message>
        <source>Serve the loaded model as an OpenAI-compatible API</source>
        <translation>以兼容 OpenAI 的 API 提供已加载的模型</translation>
    </message>
    <message>
        <source>Editors, scripts and other apps can use the loaded model through the OpenAI API (chat and completions, streaming, reasoning_content).</source>
        <translation>编辑器、脚本和其他应用可以通过 OpenAI API 使用已加载的模型（对话与补全、流式输出、reasoning_content）。</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务地址</translation>
    </message>
    <message>
        <source>127.0.0.1: this computer only. 0.0.0.0: other devices on your network too (set a key).</source>
        <translation>127.0.0.1：仅限本机。0.0.0.0：局域网中的其他设备也可访问（请设置密钥）。</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>端口</translation>
    </message>
    <message>
        <source>Server port</source>
        <translation>服务端口</translation>
    </message>
    <message>
        <source>API key (optional)</source>
        <translation>API 密钥（可选）</translation>
    </message>
    <message>
        <source>Server API key</source>
        <translation>服务 API 密钥</translation>
    </message>
    <message>
        <source>No key asked for</source>
        <translation>不要求密钥</translation>
    </message>
    <message>
        <source>The server could not start: %1</source>
        <translation>服务无法启动：%1</translation>
    </message>
    <message>
        <source>Serving %1 at %2</source>
        <translation>正在 %2 提供 %1</translation>
    </message>
    <message>
        <source>It starts when a model is loaded on this computer.</source>
        <translation>在本机加载模型后启动。</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the example request</source>
        <translation>复制示例请求</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Choose</source>
        <translation>选择</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Reasoning in exports</source>
        <translation>导出时的推理过程</translation>
    </message>
    <message>
        <source>Include each answer&apos;s reasoning</source>
        <translation>包含每条回答的推理过程</translation>
    </message>
    <message>
        <source>Web page: a collapsible block. Markdown: a quoted section.</source>
        <translation>网页：可折叠的区块；Markdown：引用段落。</translation>
    </message>
    <message>
        <source>Tools (MCP)</source>
        <translation>工具（MCP）</translation>
    </message>
    <message>
        <source>Tools (MCP servers)</source>
        <translation>工具（MCP 服务器）</translation>
    </message>
    <message>
        <source>MCP servers whose tools the model may call: files, search, code. Each call waits for your approval.</source>
        <translation>模型可以调用其工具的 MCP 服务器：文件、搜索、代码。每次调用都会等待您的批准。</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Start a new conversation (Ctrl+N)</source>
        <translation>开始新的对话（Ctrl+N）</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>No conversations yet</source>
        <translation>还没有对话</translation>
    </message>
    <message>
        <source>Your chats are kept on this computer and will be listed here.</source>
        <translation>你的对话保存在这台电脑上，并会列在这里。</translation>
    </message>
    <message>
        <source>About DeepDesk</source>
        <translation>关于 DeepDesk</translation>
    </message>
    <message>
        <source>Pinned</source>
        <translation>已置顶</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>昨天</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>过去 7 天</translation>
    </message>
    <message>
        <source>Previous 30 days</source>
        <translation>过去 30 天</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>更早</translation>
    </message>
    <message>
        <source>Nothing found</source>
        <translation>没有找到</translation>
    </message>
    <message>
        <source>Untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <source>Unpin</source>
        <translation>取消置顶</translation>
    </message>
    <message>
        <source>Pin</source>
        <translation>置顶</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Conversation deleted</source>
        <translation>对话已删除</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Export conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown (*.md)</translation>
    </message>
    <message>
        <source>JSON, to import again (*.json)</source>
        <translation>JSON，可再次导入 (*.json)</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>网页 (*.html)</translation>
    </message>
    <message>
        <source>Plain text (*.txt)</source>
        <translation>纯文本 (*.txt)</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Conversation title</source>
        <translation>对话标题</translation>
    </message>
    <message>
        <source>Conversation actions</source>
        <translation>对话操作</translation>
    </message>
    <message>
        <source>Models (downloading…)</source>
        <translation>模型（下载中…）</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>%1 matches</source>
        <translation>%1 处匹配</translation>
    </message>
</context>
<context>
    <name>ToolCallBlock</name>
    <message>
        <source>Waiting for your approval</source>
        <translation>等待您的批准</translation>
    </message>
    <message>
        <source>Allowed</source>
        <translation>已允许</translation>
    </message>
    <message>
        <source>Running…</source>
        <translation>正在运行…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>已拒绝</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Tool call: %1</source>
        <translation>工具调用：%1</translation>
    </message>
    <message>
        <source>Not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <source>Allow once</source>
        <translation>允许一次</translation>
    </message>
    <message>
        <source>Always for this tool</source>
        <translation>始终允许此工具</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>拒绝</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
</context>
<context>
    <name>ToolsController</name>
    <message>
        <source>The server was stopped.</source>
        <translation>服务器已停止。</translation>
    </message>
    <message>
        <source>No tool named %1 is available.</source>
        <translation>没有名为 %1 的工具。</translation>
    </message>
    <message>
        <source>The arguments are not a JSON object: %1</source>
        <translation>参数不是 JSON 对象：%1</translation>
    </message>
</context>
<context>
    <name>ToolsDialog</name>
    <message>
        <source>Tools (MCP servers)</source>
        <translation>工具（MCP 服务器）</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>MCP servers give the model tools: reading files, searching, running code. A server&apos;s command runs on this computer with your rights, so add only servers you trust. Every call is shown with its arguments and waits for your approval.</source>
        <translation>MCP 服务器为模型提供工具：读取文件、搜索、运行代码。服务器的命令以您的权限在这台电脑上运行，请只添加您信任的服务器。每次调用都会连同参数一起显示，并等待您的批准。</translation>
    </message>
    <message>
        <source>Use %1</source>
        <translation>使用 %1</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>重新启动</translation>
    </message>
    <message>
        <source>Hide log</source>
        <translation>隐藏日志</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Remove %1</source>
        <translation>移除 %1</translation>
    </message>
    <message>
        <source>%1 tools, %2 prompts, %3 resources</source>
        <translation>%1 个工具、%2 个提示、%3 个资源</translation>
    </message>
    <message>
        <source>always allowed</source>
        <translation>始终允许</translation>
    </message>
    <message>
        <source>Ask again</source>
        <translation>重新询问</translation>
    </message>
    <message>
        <source>Add a server</source>
        <translation>添加服务器</translation>
    </message>
    <message>
        <source>Edit the server</source>
        <translation>编辑服务器</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Kind of server</source>
        <translation>服务器类型</translation>
    </message>
    <message>
        <source>A command on this computer (stdio)</source>
        <translation>本机上的命令（stdio）</translation>
    </message>
    <message>
        <source>A URL (Streamable HTTP)</source>
        <translation>网址（Streamable HTTP）</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Server name</source>
        <translation>服务器名称</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>命令</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>网址</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>环境变量</translation>
    </message>
    <message>
        <source>Environment, one NAME=value per line</source>
        <translation>环境变量，每行一个 NAME=value</translation>
    </message>
    <message>
        <source>NAME=value, one per line (kept with your secrets)</source>
        <translation>NAME=value，每行一个（与您的密钥一起保存）</translation>
    </message>
    <message>
        <source>Bearer token</source>
        <translation>Bearer 令牌</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>不变</translation>
    </message>
    <message>
        <source>Add and start</source>
        <translation>添加并启动</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
</TS>
