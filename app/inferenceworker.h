// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's thread's object (owned by ModelHost): loads a model, runs chat turns with it for
// LocalTurnRunner, counts prompt tokens, and hosts the local API server over the same model. Text
// reaches the GUI through the runner's StreamBuffer, drained once per frame, so a fast model never
// floods the event loop; the answer is saved through the app's storage thread as it streams.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/turnrunner.h"
#include "engine/chat_engine.h"

namespace deepdesk::server {
class openai_server;
}

namespace deepdesk::app {

class Embedding;

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    // wantedLoad: the ticket of the load the controller still wants (0: none); a load whose ticket
    // it no longer is stops while the weights are read in.
    explicit InferenceWorker(const std::atomic<int>* wantedLoad);
    ~InferenceWorker() override;

    // Where the server's /v1/embeddings gets its model: the document library's choice (null when
    // none). Set once, before the server first starts.
    void setEmbeddingSource(std::function<std::shared_ptr<Embedding>()> source) {
        m_embeddingSource = std::move(source);
    }

public Q_SLOTS:
    // Loads `path` with a context of nCtx tokens; `ticket` comes back in the signal so a load the
    // user gave up on can be told apart.
    void load(const QString& path, qint64 nCtx, int threads, int ticket);
    void unload();
    // Writes the answer into `buffer` (the text) and `storage` (saved as it streams); stops when
    // `cancel` is set. turnFinished follows.
    void generate(const deepdesk::app::TurnRequest& request, deepdesk::app::StreamBuffer* buffer,
                  std::atomic<bool>* cancel, deepdesk::app::StorageThread* storage);
    // How many tokens `messages` take as a prompt (the composer's count); tokensCounted follows.
    void countTokens(const std::vector<deepdesk::chat_message>& messages, int serial);
    // The local OpenAI-compatible server over the loaded model: runs while `enabled` and a model
    // is loaded (stopped while another loads, started again after). serverStateChanged follows.
    void configureServer(bool enabled, const QString& host, int port, const QString& apiKey);

Q_SIGNALS:
    // reasoning: an R1-style model (its output starts with or contains <think> reasoning).
    // thinkingKind: "" (the model does not think), "r1" (it always does: R1 and its distills),
    // "hybrid" (thinking or not as the prompt says: V3.1).
    void loaded(int ticket, const QString& name, const QString& architecture, qint64 nCtx, bool reasoning,
                const QString& thinkingKind);
    void loadFailed(int ticket, const QString& error);
    void loadProgress(int ticket, double fraction);  // at most every 50 ms
    void turnFinished(const deepdesk::app::TurnResult& result);
    void tokensCounted(int serial, qint64 tokens, qint64 nCtx);
    // url: http://host:port/v1 while serving; error: why it could not start.
    void serverStateChanged(bool running, const QString& url, const QString& error);

private:
    void startServer();
    void stopServer();

    const std::atomic<int>* m_wantedLoad;
    std::unique_ptr<deepdesk::chat_engine> m_engine;
    QString m_modelName;
    std::function<std::shared_ptr<Embedding>()> m_embeddingSource;
    // The window's turns and the server's requests take turns on the model.
    std::mutex m_generationLock;
    bool m_serverEnabled = false;
    QString m_serverHost = QStringLiteral("127.0.0.1"), m_serverKey;
    int m_serverPort = 8080;
    std::unique_ptr<deepdesk::server::openai_server> m_server;
    std::thread m_serverThread;
};

}  // namespace deepdesk::app
