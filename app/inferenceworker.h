// SPDX-License-Identifier: GPL-3.0-or-later
// The inference thread's object: loads a model and runs chat turns with the engine, saving the
// answer as it streams through its own database connection. Text reaches the GUI through a
// StreamBuffer the controller drains once per frame, so a fast model never floods the event loop.
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/chat_engine.h"

namespace deepdesk::server {
class openai_server;
}

namespace deepdesk::app {

// Text produced since the GUI last looked; written by the worker, drained by the GUI thread.
class StreamBuffer {
public:
    struct Chunk {
        std::string reasoning, answer;
        bool thinking = false;      // the model is inside its reasoning right now
        std::int64_t tokens = 0;    // tokens generated since the last take()
        std::int64_t context = -1;  // tokens in the context now; -1: not known (a remote model)
    };
    void push(const std::string& reasoning, const std::string& answer, bool thinking, std::int64_t tokens = 0,
              std::int64_t context = -1) {
        std::lock_guard lock(m_mutex);
        m_chunk.reasoning += reasoning;
        m_chunk.answer += answer;
        m_chunk.thinking = thinking;
        m_chunk.tokens += tokens;
        if (context >= 0) {
            m_chunk.context = context;
        }
    }
    Chunk take() {
        std::lock_guard lock(m_mutex);
        Chunk out = std::move(m_chunk);
        m_chunk = Chunk{};
        m_chunk.thinking = out.thinking;
        return out;
    }

private:
    std::mutex m_mutex;
    Chunk m_chunk;
};

struct TurnRequest {
    std::vector<deepdesk::chat_message> messages;
    deepdesk::generation_options options;
    qint64 assistantMessageId = 0;
    QString databasePath;  // where the streaming answer is saved
    // Continuing a cut-off answer: the text it has (also in options.continue_*).
    bool continuing = false;
};

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    // wantedLoad: the ticket of the load the controller still wants (0: none); a load whose ticket
    // it no longer is stops while the weights are read in.
    InferenceWorker(StreamBuffer* buffer, std::atomic<bool>* cancel, const std::atomic<int>* wantedLoad);
    ~InferenceWorker() override;

public Q_SLOTS:
    // Loads `path` with a context of nCtx tokens; `ticket` comes back in the signal so a load the
    // user gave up on can be told apart.
    void load(const QString& path, qint64 nCtx, int threads, int ticket);
    void unload();
    void generate(const deepdesk::app::TurnRequest& request);
    // How many tokens `messages` take as a prompt (the composer's count); tokensCounted follows.
    void countTokens(const deepdesk::app::TurnRequest& request, int serial);
    // The local OpenAI-compatible server over the loaded model: runs while `enabled` and a model
    // is loaded (stopped while another loads, started again after). serverStateChanged follows.
    void configureServer(bool enabled, const QString& host, int port, const QString& apiKey);

Q_SIGNALS:
    // reasoning: an R1-style model (its output starts with or contains <think> reasoning).
    void loaded(int ticket, const QString& name, const QString& architecture, qint64 nCtx, bool reasoning);
    void loadFailed(int ticket, const QString& error);
    void loadProgress(int ticket, double fraction);  // at most every 50 ms
    void progress(qint64 contextUsed);
    // stats: reasoningMs, promptTokens, generatedTokens, tokensPerSecond, finishReason, contextUsed
    void finished(qint64 messageId, const QVariantMap& stats);
    void failed(qint64 messageId, const QString& error);
    // The conversation does not fit the context: `needed` tokens for a context of nCtx (the
    // message was marked failed with a plain explanation; `failed` follows).
    void contextFull(qint64 messageId, qint64 needed, qint64 nCtx);
    void tokensCounted(int serial, qint64 tokens, qint64 nCtx);
    // url: http://host:port/v1 while serving; error: why it could not start.
    void serverStateChanged(bool running, const QString& url, const QString& error);

private:
    void startServer();
    void stopServer();

    StreamBuffer* m_buffer;
    std::atomic<bool>* m_cancel;
    const std::atomic<int>* m_wantedLoad;
    std::unique_ptr<deepdesk::chat_engine> m_engine;
    QString m_modelName;
    // The window's turns and the server's requests take turns on the model.
    std::mutex m_generationLock;
    bool m_serverEnabled = false;
    QString m_serverHost = QStringLiteral("127.0.0.1"), m_serverKey;
    int m_serverPort = 8080;
    std::unique_ptr<deepdesk::server::openai_server> m_server;
    std::thread m_serverThread;
};

}  // namespace deepdesk::app

Q_DECLARE_METATYPE(deepdesk::app::TurnRequest)
