// SPDX-License-Identifier: GPL-3.0-or-later
// Chat turns on an OpenAI-compatible server (the DeepSeek platform, vLLM, SGLang, Ollama, another
// DeepDesk): the answer streams as server-sent events, with DeepSeek's `reasoning_content` (or
// `<think>` tags inside `content`, for servers that inline them) kept apart from the answer. Runs
// on the GUI thread's event loop (the network is asynchronous: no thread, no nested loop, no
// polling), reports like every TurnRunner, and saves what arrives as it arrives, so an error or a
// dropped connection loses nothing.
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/turnrunner.h"
#include "engine/chat_format.h"
#include "engine/reasoning.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace deepdesk::app {

// Where a remote turn goes. The key lives in the settings file, never in the database.
struct RemoteEndpoint {
    QString providerName;
    QString baseUrl;  // up to and including /v1, no trailing slash (as ProvidersController keeps it)
    QString apiKey;
    QString model;
    bool reasoningModel = false;  // R1-style (ChatController::reasoningModel)
    QString preset;               // the provider's kind: deepseek, vllm, sglang, ollama, deepdesk, custom
    QString thinkingKind;         // ModelHost::thinkingKind
};

// The request fields that carry a thinking choice (-1 unlimited, 0 off, N a budget in tokens) to
// a server of this kind, for a model of this thinking kind; empty when there is nothing to say
// (a model that does not think, or an R1-style one left to think as it likes).
QJsonObject thinkingFields(const QString& preset, const QString& thinkingKind, int budget);

// Server-sent events: bytes in, the `data` of each complete event out ("[DONE]" included).
class SseDecoder {
public:
    std::vector<std::string> feed(std::string_view bytes);

private:
    std::string m_line, m_data;
    bool m_hasData = false;
};

// One streamed chat completion: the JSON of each event in, reasoning and answer text out.
class ChatStreamDecoder {
public:
    // reasoningModel: an R1-style model. When its server sends neither reasoning_content nor an
    // opening <think> (vLLM without a reasoning parser: the template already opened it), the
    // content up to </think> is its reasoning.
    explicit ChatStreamDecoder(bool reasoningModel = false) : m_reasoningModel(reasoningModel) {}
    struct Step {
        deepdesk::reasoning_delta delta;
        QString error;  // an error object sent inside the stream
    };
    Step feed(const std::string& eventData);
    deepdesk::reasoning_delta finish();

    bool done() const { return m_done; }  // "[DONE]" seen
    const QString& finishReason() const { return m_finishReason; }
    std::optional<qint64> promptTokens() const { return m_promptTokens; }
    std::optional<qint64> completionTokens() const { return m_completionTokens; }
    bool anyText() const { return m_anyText; }
    // The tool calls the answer made (OpenAI's tool_calls, put together from their pieces).
    const std::vector<deepdesk::tool_call>& toolCalls() const { return m_toolCalls; }

private:
    deepdesk::reasoning_delta feedContent(const std::string& text, bool final);

    bool m_reasoningModel = false, m_sawReasoningField = false;
    std::string m_start;                                   // content held until it shows whether it opens with <think>
    std::optional<deepdesk::reasoning_splitter> m_inline;  // <think> tags inside content
    bool m_done = false, m_anyText = false;
    QString m_finishReason;
    std::optional<qint64> m_promptTokens, m_completionTokens;
    std::vector<deepdesk::tool_call> m_toolCalls;
};

// The text shown for an HTTP error: the status, the server's own message, Retry-After for 429.
QString describeHttpError(int status, const QByteArray& body, const QByteArray& retryAfter);

class RemoteTurnRunner : public TurnRunner {
    Q_OBJECT
public:
    explicit RemoteTurnRunner(StorageThread* storage, QObject* parent = nullptr);
    ~RemoteTurnRunner() override;

    // The server and model the next run() asks (set before each turn).
    void setEndpoint(const RemoteEndpoint& endpoint) { m_endpoint = endpoint; }
    void run(const TurnRequest& request) override;
    void cancel() override;

private:
    struct Turn;
    void onReadyRead();
    void onFinished();
    void deliver(const deepdesk::reasoning_delta& d);

    StorageThread* m_storage;
    RemoteEndpoint m_endpoint;
    QNetworkAccessManager* m_network;
    std::unique_ptr<Turn> m_turn;  // the one under way
};

}  // namespace deepdesk::app

Q_DECLARE_METATYPE(deepdesk::app::RemoteEndpoint)
