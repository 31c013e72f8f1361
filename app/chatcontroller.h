// SPDX-License-Identifier: GPL-3.0-or-later
// What the chat window talks to: the models folder and the loaded model, the conversations, the
// messages of the open one, and turns run on the inference thread. Streamed text is collected by
// the worker and taken here at most once per frame (16 ms), appended to the last message row.
// The database is read and written on the storage thread only: every call here returns at once,
// and what it reads comes back through the event loop.
#pragma once

#include <QElapsedTimer>
#include <QFileSystemWatcher>
#include <QObject>
#include <QQmlEngine>
#include <QThread>
#include <QTimer>
#include <QVariantList>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "app/conversationlistmodel.h"
#include "app/inferenceworker.h"
#include "app/messagelistmodel.h"
#include "app/providers.h"
#include "app/remoteworker.h"
#include "app/storagethread.h"
#include "app/uitext.h"
#include "storage/conversation_store.h"

namespace deepdesk::app {

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ChatController is created by the application")
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
    Q_PROPERTY(QString conversationTitle READ conversationTitle NOTIFY conversationChanged)
    Q_PROPERTY(QString modelsFolder READ modelsFolder WRITE setModelsFolder NOTIFY modelsFolderChanged)
    Q_PROPERTY(QVariantList modelFiles READ modelFiles NOTIFY modelFilesChanged)
    Q_PROPERTY(QString modelName READ modelName NOTIFY modelChanged)
    Q_PROPERTY(QString modelPath READ modelPath NOTIFY modelChanged)
    Q_PROPERTY(bool modelLoaded READ modelLoaded NOTIFY modelChanged)
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)
    Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(qint64 contextSize READ contextSize NOTIFY modelChanged)
    Q_PROPERTY(qint64 contextUsed READ contextUsed NOTIFY statsChanged)
    Q_PROPERTY(double tokensPerSecond READ tokensPerSecond NOTIFY statsChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(QString storageError READ storageError NOTIFY storageErrorChanged)
    Q_PROPERTY(QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY settingsChanged)
    Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY settingsChanged)
    Q_PROPERTY(int maxTokens READ maxTokens WRITE setMaxTokens NOTIFY settingsChanged)
    Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY settingsChanged)
    Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY settingsChanged)
    Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY settingsChanged)
    Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY settingsChanged)
    Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY settingsChanged)
    Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY settingsChanged)
    Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY settingsChanged)
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY settingsChanged)
    // The loaded model reasons (R1 family): DeepSeek advises temperature 0.6 and no system prompt.
    Q_PROPERTY(bool reasoningModel READ reasoningModel NOTIFY modelChanged)
    // "local" (a GGUF file on this machine) or "remote" (a provider's model).
    Q_PROPERTY(QString modelSource READ modelSource NOTIFY modelChanged)
    Q_PROPERTY(QString remoteProviderId READ remoteProviderId NOTIFY modelChanged)
    Q_PROPERTY(QString remoteProviderName READ remoteProviderName NOTIFY modelChanged)
    // The local OpenAI-compatible server (off by default, 127.0.0.1 unless the user says otherwise).
    Q_PROPERTY(bool serverEnabled READ serverEnabled WRITE setServerEnabled NOTIFY serverChanged)
    Q_PROPERTY(QString serverHost READ serverHost WRITE setServerHost NOTIFY serverChanged)
    Q_PROPERTY(int serverPort READ serverPort WRITE setServerPort NOTIFY serverChanged)
    Q_PROPERTY(QString serverApiKey READ serverApiKey WRITE setServerApiKey NOTIFY serverChanged)
    Q_PROPERTY(QString serverUrl READ serverUrl NOTIFY serverChanged)  // empty unless serving
    Q_PROPERTY(QString serverError READ serverError NOTIFY serverChanged)
    Q_PROPERTY(QString serverExample READ serverExample NOTIFY serverChanged)
    // The last answer could not start because the conversation does not fit the context: needed,
    // nCtx, suggested (a context that would fit, within the model's and the memory's limits; 0:
    // none), byMemory. Empty when there is no such problem.
    Q_PROPERTY(QVariantMap contextProblem READ contextProblem NOTIFY contextProblemChanged)
    // Tokens of the conversation with the composer's text, as a prompt (-1: not counted), and the
    // loaded context; see countDraft.
    Q_PROPERTY(qint64 draftTokens READ draftTokens NOTIFY draftTokensChanged)
    Q_PROPERTY(qint64 draftContext READ draftContext NOTIFY draftTokensChanged)

public:
    // dataDir holds conversations.db and, unless the settings say otherwise, models/.
    explicit ChatController(const QString& dataDir, QObject* parent = nullptr);
    ~ChatController() override;

    MessageListModel* messages() { return &m_messages; }
    ConversationListModel* conversations() { return &m_conversations; }
    qint64 conversationId() const { return m_conversationId; }
    QString conversationTitle() const;
    QString modelsFolder() const { return m_modelsFolder; }
    void setModelsFolder(const QString& folder);
    QVariantList modelFiles() const { return m_modelFiles; }
    QString modelName() const { return m_modelName; }
    QString modelPath() const { return m_modelPath; }
    bool modelLoaded() const { return !m_modelName.isEmpty(); }
    bool loading() const { return m_loadTicket != 0; }
    double loadProgress() const { return m_loadProgress; }
    bool generating() const { return m_generatingId != 0 || m_starting; }
    qint64 contextSize() const { return m_contextSize; }
    qint64 contextUsed() const { return m_contextUsed; }
    double tokensPerSecond() const { return m_tokensPerSecond; }
    QString errorText() const { return m_errorText.text(); }  // in the language shown now
    QString storageError() const { return m_storageError; }
    QString systemPrompt() const { return m_systemPrompt; }
    void setSystemPrompt(const QString& text);
    double temperature() const { return m_temperature; }
    void setTemperature(double t);
    int maxTokens() const { return m_maxTokens; }
    void setMaxTokens(int n);
    int contextLength() const { return m_contextLength; }
    void setContextLength(int n);
    double topP() const { return m_topP; }
    void setTopP(double v);
    int topK() const { return m_topK; }
    void setTopK(int v);
    double minP() const { return m_minP; }
    void setMinP(double v);
    double repeatPenalty() const { return m_repeatPenalty; }
    void setRepeatPenalty(double v);
    int seed() const { return m_seed; }  // 0: a new random seed per answer
    void setSeed(int v);
    int threads() const { return m_threads; }  // 0: all cores
    void setThreads(int v);
    QString theme() const { return m_theme; }  // system, light, dark
    void setTheme(const QString& v);
    bool reasoningModel() const { return m_reasoningModel; }
    QString modelSource() const { return m_remote ? QStringLiteral("remote") : QStringLiteral("local"); }
    QString remoteProviderId() const { return m_remote ? m_remoteProviderId : QString(); }
    QString remoteProviderName() const;
    bool serverEnabled() const { return m_serverEnabled; }
    void setServerEnabled(bool on);
    QString serverHost() const { return m_serverHost; }
    void setServerHost(const QString& host);
    int serverPort() const { return m_serverPort; }
    void setServerPort(int port);
    QString serverApiKey() const { return m_serverApiKey; }
    void setServerApiKey(const QString& key);
    QString serverUrl() const { return m_serverUrl; }
    QString serverError() const { return m_serverError; }
    // A curl command that asks the running server for a streamed answer.
    QString serverExample() const;

    // The providers a remote model is chosen from (set by the application before start()).
    void setProviders(ProvidersController* providers) { m_providers = providers; }
    QVariantMap contextProblem() const { return m_contextProblem; }
    qint64 draftTokens() const { return m_draftTokens; }
    qint64 draftContext() const { return m_draftContext; }

    // Counts the tokens the conversation would take with `text` as the next message (a local
    // model only); draftTokens follows.
    Q_INVOKABLE void countDraft(const QString& text);
    // The fixes offered for contextProblem: load the model again with the suggested context and
    // answer again; or answer again leaving the oldest turns out of the prompt (the conversation
    // itself keeps them).
    Q_INVOKABLE void raiseContextAndRetry();
    Q_INVOKABLE void retryWithoutOldestTurns();
    Q_INVOKABLE void dismissContextProblem();

    // At start: loads `modelPath`, or the last model used when it is still there; opens the most
    // recent conversation when asked.
    void start(const QString& modelPath, bool openLatest);

    // Models.
    Q_INVOKABLE void refreshModels();
    // {weightsBytes, kvBytes, totalBytes, availableBytes, fits, error} for loading `path`.
    // Reads the file's header: call it off the GUI thread.
    QVariantMap estimate(const QString& path) const;
    // Estimates `path` off the GUI thread, then loads it, or emits memoryWarning when it does not
    // fit (the user may still call loadModel).
    Q_INVOKABLE void loadChecked(const QString& path);
    Q_INVOKABLE void loadModel(const QString& path);
    // Chats with `model` of a remote provider from now on (the local model is unloaded).
    Q_INVOKABLE void useRemoteModel(const QString& providerId, const QString& model);
    Q_INVOKABLE void cancelLoad();
    // Links a GGUF file (checked with the engine's reader first, off the GUI thread) into the
    // models folder; modelImported follows, with the reason when it was refused (shown by the page
    // the import came from).
    Q_INVOKABLE void importModel(const QUrl& file);

    // Conversations. Going to another one while an answer is being written stops that answer
    // (what it said is kept, marked stopped) and goes there once it has ended.
    Q_INVOKABLE void newConversation();
    // Shows a conversation once it is read; conversationOpened(focusMessageId) follows.
    Q_INVOKABLE void openConversation(qint64 id, qint64 focusMessageId = 0);
    Q_INVOKABLE void renameConversation(qint64 id, const QString& title);
    Q_INVOKABLE void setPinned(qint64 id, bool pinned);
    Q_INVOKABLE void deleteConversation(qint64 id);
    // searchFinished(query, results) follows, results being
    // [{conversationId, messageId, title, snippetHtml, field}].
    Q_INVOKABLE void search(const QString& query);

    // Turns.
    Q_INVOKABLE void send(const QString& text);
    Q_INVOKABLE void stop();
    Q_INVOKABLE void regenerate();
    // Goes on with an interrupted answer (the last message) from where it stopped.
    Q_INVOKABLE void continueAnswer();
    Q_INVOKABLE void editAndResend(qint64 messageId, const QString& text);
    // Shows the previous (-1) or next (+1) sibling branch of a message.
    Q_INVOKABLE void switchBranch(qint64 messageId, int step);
    Q_INVOKABLE void copyToClipboard(const QString& text) const;
    // Copies the answer of the last assistant message on screen (without its reasoning); false
    // when there is none.
    Q_INVOKABLE bool copyLastAnswer() const;
    // Writes conversations (all when `ids` is empty) as markdown, json, html or text (from the
    // file's extension when `format` is empty); exportFinished follows, errorText says why not.
    Q_INVOKABLE void exportConversations(const QVariantList& ids, const QUrl& file, const QString& format = {});
    // Imports a DeepDesk JSON export; importFinished(how many conversations were added) follows.
    Q_INVOKABLE void importConversations(const QUrl& file);
    Q_INVOKABLE void clearError();
    // Where a file dialog starts: the user's "downloads" or "documents" folder when it exists,
    // else the home folder (never the folder the app happened to be started from).
    Q_INVOKABLE QUrl startFolder(const QString& kind) const;

    QString databasePath() const { return m_databasePath; }
    // Waits until the storage thread has done everything asked of it so far (tests, benches).
    void flushStorage() { m_storage->flush(); }

Q_SIGNALS:
    void conversationChanged();
    void modelsFolderChanged();
    void modelFilesChanged();
    void modelChanged();
    void loadingChanged();
    void loadProgressChanged();
    void generatingChanged();
    void statsChanged();
    void errorTextChanged();
    void settingsChanged();
    // A turn ended (for tests and the status bar): finishReason is stop, length, cancelled, ...
    void turnFinished(const QString& finishReason);
    // An answer was stopped because the user went to another conversation (it is kept).
    void answerStoppedToLeave();
    void modelLoadFailed(const QString& error);
    void storageErrorChanged();
    void memoryWarning(const QString& path, const QVariantMap& estimate);
    void modelImported(bool ok, const QString& path, const QString& error);
    void conversationOpened(qint64 focusMessageId);
    void searchFinished(const QString& query, const QVariantList& results);
    void exportFinished(bool ok, const QString& path);
    void importFinished(int count);

    // To the worker.
    void requestLoad(const QString& path, qint64 nCtx, int threads, int ticket);
    void requestGenerate(const deepdesk::app::TurnRequest& request);
    void requestRemoteGenerate(const deepdesk::app::TurnRequest& request,
                               const deepdesk::app::RemoteEndpoint& endpoint);
    void requestServer(bool enabled, const QString& host, int port, const QString& apiKey);
    void serverChanged();
    void contextProblemChanged();
    void draftTokensChanged();
    void requestCount(const deepdesk::app::TurnRequest& request, int serial);

protected:
    // A language switch: the error shown is read again.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // What the storage thread prepares for a turn: the rows to show and the answer to fill.
    struct TurnPlan {
        qint64 conversationId = 0;
        std::optional<deepdesk::storage::conversation> created;  // a new conversation
        std::optional<deepdesk::storage::message> user;          // appended, when not reloading
        deepdesk::storage::message assistant;                    // id 0: nothing to do
        std::string systemPrompt;
        bool continuing = false;
        std::optional<std::vector<MessageListModel::Row>> rows;  // the branch, when it changed
    };

    void setError(const UiText& text);
    void setError(const QString& text);  // shown as it is (a server's or the engine's words)
    // A sentence of this class, kept so it follows the language (UiText).
    static UiText say(const char* source, QList<UiText> args = {});
    bool storageUsable();  // sets errorText when not
    void reloadConversations();
    // Applies `change` (may be empty) on the storage thread, then updates that one row of the
    // list, not all of them.
    void changeConversation(qint64 id, std::function<void(deepdesk::storage::conversation_store&)> change);
    // Starts a turn the storage thread prepares with `prepare`.
    template <class Prepare>
    void prepareTurn(Prepare prepare);
    void beginTurn(TurnPlan plan);
    void endTurn(const std::optional<deepdesk::storage::message>& m,
                 const std::optional<deepdesk::storage::conversation>& c, const QString& finishReason);
    void drainStream();
    void clearStats();
    // Going elsewhere while an answer is written: stop it (what it said is kept, marked
    // stopped), then `next` once it has ended.
    void stopThen(std::function<void()> next);
    void onFinished(qint64 messageId, const QVariantMap& stats);
    void onFailed(qint64 messageId, const QString& error);
    void onContextFull(qint64 messageId, qint64 needed, qint64 nCtx);
    // What the model reads: the system prompt (not for R1-style models) and the branch on screen
    // but `skipMessageId` (the answer being written).
    std::vector<deepdesk::chat_message> promptMessages(const std::string& systemPrompt, qint64 skipMessageId) const;
    void applyServerSettings();
    // Saves one of the server's settings; a running server takes it at once.
    void serverSettingChanged(const QString& key, const QVariant& value);

    QString m_dataDir, m_databasePath, m_modelsFolder, m_storageError;
    UiText m_errorText;
    std::unique_ptr<StorageThread> m_storage;
    bool m_starting = false;  // a turn is being prepared on the storage thread
    bool m_stopWhenStarted = false;
    qint64 m_openSerial = 0;  // the latest conversation asked for; older reads are dropped
    MessageListModel m_messages;
    ConversationListModel m_conversations;
    qint64 m_conversationId = 0;
    QVariantList m_modelFiles;
    QFileSystemWatcher m_modelsWatcher;  // the models folder
    QTimer m_modelsRescan;
    QString m_modelName, m_modelPath, m_pendingPath;
    qint64 m_contextSize = 0, m_contextUsed = 0;
    double m_tokensPerSecond = 0.0;
    std::int64_t m_liveTokens = 0;      // of the answer streaming now
    QElapsedTimer m_liveClock;          // since its first token
    std::function<void()> m_afterTurn;  // where to go once the stopped answer has ended
    std::function<void()> m_afterLoad;  // what to do once the model being loaded is ready
    QVariantMap m_contextProblem;
    bool m_dropOldestTurns = false;  // for the next turn only
    qint64 m_draftTokens = -1, m_draftContext = 0;
    int m_countSerial = 0;
    std::atomic<int> m_loadTicket{0};  // the load still wanted; the worker reads it
    int m_nextTicket = 1;
    double m_loadProgress = 0.0;
    qint64 m_generatingId = 0;
    QString m_systemPrompt;
    double m_temperature = 0.6;
    int m_maxTokens = 2048, m_contextLength = 4096;
    double m_topP = 0.95, m_minP = 0.05, m_repeatPenalty = 1.0;
    int m_topK = 40, m_seed = 0, m_threads = 0;
    QString m_theme = QStringLiteral("system");
    bool m_reasoningModel = false;

    StreamBuffer m_buffer;
    std::atomic<bool> m_cancel{false};
    QThread m_thread;
    InferenceWorker* m_worker = nullptr;  // lives on m_thread
    QThread m_remoteThread;
    RemoteWorker* m_remoteWorker = nullptr;  // lives on m_remoteThread
    ProvidersController* m_providers = nullptr;
    bool m_remote = false;
    QString m_remoteProviderId;
    bool m_serverEnabled = false;
    QString m_serverHost = QStringLiteral("127.0.0.1"), m_serverApiKey, m_serverUrl, m_serverError;
    int m_serverPort = 8080;
    QTimer m_frameTimer;
};

}  // namespace deepdesk::app
