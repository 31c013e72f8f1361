// SPDX-License-Identifier: GPL-3.0-or-later
// Chat turns on an OpenAI-compatible server (the DeepSeek platform, vLLM, SGLang, Ollama, another
// DeepDesk): the answer streams as server-sent events, with DeepSeek's `reasoning_content` (or
// `<think>` tags inside `content`, for servers that inline them) kept apart from the answer. Runs
// on its own thread like the local InferenceWorker and reports through the same StreamBuffer and
// signals, saving what arrives as it arrives, so an error or a dropped connection loses nothing.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>

#include <atomic>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/inferenceworker.h"
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
};

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

private:
    deepdesk::reasoning_delta feedContent(const std::string& text, bool final);

    bool m_reasoningModel = false, m_sawReasoningField = false;
    std::string m_start;                                   // content held until it shows whether it opens with <think>
    std::optional<deepdesk::reasoning_splitter> m_inline;  // <think> tags inside content
    bool m_done = false, m_anyText = false;
    QString m_finishReason;
    std::optional<qint64> m_promptTokens, m_completionTokens;
};

// The text shown for an HTTP error: the status, the server's own message, Retry-After for 429.
QString describeHttpError(int status, const QByteArray& body, const QByteArray& retryAfter);

class RemoteWorker : public QObject {
    Q_OBJECT
public:
    RemoteWorker(StreamBuffer* buffer, std::atomic<bool>* cancel) : m_buffer(buffer), m_cancel(cancel) {}

public Q_SLOTS:
    void generate(const deepdesk::app::TurnRequest& request, const deepdesk::app::RemoteEndpoint& endpoint);

Q_SIGNALS:
    // The same as InferenceWorker's.
    void finished(qint64 messageId, const QVariantMap& stats);
    void failed(qint64 messageId, const QString& error);

private:
    StreamBuffer* m_buffer;
    std::atomic<bool>* m_cancel;
    QNetworkAccessManager* m_network = nullptr;
};

}  // namespace deepdesk::app

Q_DECLARE_METATYPE(deepdesk::app::RemoteEndpoint)
