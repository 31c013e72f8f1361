// SPDX-License-Identifier: GPL-3.0-or-later
// The model the chat talks to (QML singleton `ModelHost`): the local models (the models folder,
// watched; import; delete), what one needs in memory, loading and unloading on the engine's thread,
// or a remote provider's model instead. The chat, the server and the Models page ask it; it knows
// nothing of conversations.
#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QQmlEngine>
#include <QThread>
#include <QTimer>
#include <QUrl>
#include <QVariantList>
#include <QVariantMap>

#include <atomic>
#include <optional>
#include <utility>
#include <vector>

#include "app/remoterunner.h"
#include "engine/chat_engine.h"

namespace deepdesk::app {

class InferenceWorker;
class ProvidersController;
class Settings;

// `name-00001-of-00003.gguf` -> ("name", 3); anything else -> ("", 0).
std::pair<QString, int> splitParts(const QString& file);

class ModelHost : public QObject {
    Q_OBJECT
    QML_ANONYMOUS  // the QML singleton of this name is the application's object
    Q_PROPERTY(QVariantList modelFiles READ modelFiles NOTIFY modelFilesChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY modelChanged)
    Q_PROPERTY(bool modelLoaded READ modelLoaded NOTIFY modelChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(qint64 contextSize READ contextSize NOTIFY modelChanged)
    // The model reasons (R1 family): DeepSeek advises temperature 0.6 and no system prompt.
    Q_PROPERTY(bool reasoningModel READ reasoningModel NOTIFY modelChanged)
    // What a thinking switch can do for the model in use: "" nothing (it does not think), "r1"
    // (it always thinks; locally a budget or Off closes its reasoning), "hybrid" (V3.1-style:
    // thinking on or off by the prompt).
    Q_PROPERTY(QString thinkingKind READ thinkingKind NOTIFY modelChanged)
    // "local" (a GGUF file on this machine) or "remote" (a provider's model).
    Q_PROPERTY(QString modelSource READ modelSource NOTIFY modelChanged)
    Q_PROPERTY(QString remoteProviderId READ remoteProviderId NOTIFY modelChanged)
    Q_PROPERTY(QString remoteProviderName READ remoteProviderName NOTIFY modelChanged)

public:
    ModelHost(Settings* settings, ProvidersController* providers, QObject* parent = nullptr);
    ~ModelHost() override;

    QVariantList modelFiles() const { return m_modelFiles; }
    QString modelName() const { return m_modelName; }
    QString modelPath() const { return m_modelPath; }
    bool modelLoaded() const { return !m_modelName.isEmpty(); }
    bool loading() const { return m_loadTicket != 0; }
    double loadProgress() const { return m_loadProgress; }
    qint64 contextSize() const { return m_contextSize; }
    bool reasoningModel() const { return m_reasoningModel; }
    QString thinkingKind() const { return m_thinkingKind; }
    // A remote model's thinking kind from its name (servers do not say): deepseek-reasoner and
    // R1 names always think; deepseek-chat (the platform's V3.2), V3.1/V3.2, Qwen3 and names with
    // "think" can switch.
    static QString remoteThinkingKind(const QString& model);
    bool remote() const { return m_remote; }
    QString modelSource() const { return m_remote ? QStringLiteral("remote") : QStringLiteral("local"); }
    QString remoteProviderId() const { return m_remote ? m_remoteProviderId : QString(); }
    QString remoteProviderName() const;
    // The server and model of the remote model in use (none when local or its provider is gone).
    std::optional<RemoteEndpoint> remoteEndpoint() const;

    // Loads `modelPath`, or the model last used when it is still there (local or remote).
    void start(const QString& modelPath);

    // The models folder read again (it is watched: a GGUF file copied in shows at once).
    Q_INVOKABLE void refreshModels();
    // {weightsBytes, kvBytes, totalBytes, availableBytes, fits, error} for loading `path` at the
    // context in the settings. Reads the file's header: call it off the GUI thread.
    static QVariantMap estimate(const QString& path, qint64 contextLength);
    // {trained, byMemory, suggested}: the context to offer for `wanted` tokens of conversation (as
    // much as it needs, in steps of 1024, no more than the model was trained for nor than the free
    // memory holds besides the weights). Reads the file: off the GUI thread.
    static QVariantMap contextFor(const QString& path, qint64 wanted);
    // Estimates `path` off the GUI thread, then loads it, or emits memoryWarning when it does not
    // fit (the user may still call loadModel).
    Q_INVOKABLE void loadChecked(const QString& path);
    Q_INVOKABLE void loadModel(const QString& path);
    Q_INVOKABLE void cancelLoad();
    // Chats with `model` of a remote provider from now on (the local model is unloaded).
    Q_INVOKABLE void useRemoteModel(const QString& providerId, const QString& model);
    // Links a GGUF file (checked with the engine's reader first, off the GUI thread) into the
    // models folder; modelImported follows, with the reason when it was refused.
    Q_INVOKABLE void importModel(const QUrl& file);
    // Deletes a model of the models folder (every part of a split one); returns why not, or "".
    Q_INVOKABLE QString deleteModel(const QString& path);

    // How many tokens `messages` take as a prompt for the loaded model; tokensCounted follows.
    void countTokens(const std::vector<deepdesk::chat_message>& messages, int serial);

    // The engine's thread's object (turns and the API server run on it).
    InferenceWorker* worker() const { return m_worker; }
    // Blocks until the engine's thread has done what was asked of it so far (a turn that was
    // cancelled has returned): for shutdown.
    void waitForEngine();

Q_SIGNALS:
    void modelFilesChanged();
    void modelChanged();
    void loadingChanged();
    void loadProgressChanged();
    // Another model is about to be used: a turn under way stops.
    void aboutToSwitch();
    void modelReady();  // a local model finished loading
    void modelLoadFailed(const QString& error);
    void memoryWarning(const QString& path, const QVariantMap& estimate);
    void modelImported(bool ok, const QString& path, const QString& error);
    void tokensCounted(int serial, qint64 tokens, qint64 nCtx);

private:
    void setModelsFolder(const QString& folder);
    void forgetModel();

    Settings* m_settings;
    ProvidersController* m_providers;
    QVariantList m_modelFiles;
    QString m_modelsFolder;
    QFileSystemWatcher m_watcher;  // the models folder
    QTimer m_rescan;
    QString m_modelName, m_modelPath, m_pendingPath;
    qint64 m_contextSize = 0;
    bool m_reasoningModel = false;
    QString m_thinkingKind;
    bool m_remote = false;
    QString m_remoteProviderId;
    std::atomic<int> m_loadTicket{0};  // the load still wanted; the worker reads it
    int m_nextTicket = 1;
    double m_loadProgress = 0.0;
    QThread m_thread;
    InferenceWorker* m_worker = nullptr;  // lives on m_thread
};

}  // namespace deepdesk::app
