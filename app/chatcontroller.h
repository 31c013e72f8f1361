// SPDX-License-Identifier: GPL-3.0-or-later
// Conversations and turns (QML singleton `Chat`): the list of conversations, the messages of the
// open one, and answers written by a TurnRunner (local or remote, as ModelHost says). Streamed text
// is taken from the runner's buffer at most once per frame (16 ms) and appended to the last row.
// The database is read and written on the app's one storage thread: every call here returns at
// once, and what it reads comes back through the event loop.
#pragma once

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonValue>
#include <QObject>
#include <QQmlEngine>
#include <QTimer>
#include <QVariantList>

#include <functional>
#include <memory>
#include <optional>

#include "app/attachments.h"
#include "app/conversationlistmodel.h"
#include "app/localrunner.h"
#include "app/messagelistmodel.h"
#include "app/remoterunner.h"
#include "app/storagethread.h"
#include "app/uitext.h"
#include "storage/conversation_store.h"

namespace deepdesk::app {

class Embedding;
class ModelHost;
class Settings;
class ToolsController;

class ChatController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ChatController is created by the application")
    Q_PROPERTY(MessageListModel* messages READ messages CONSTANT)
    Q_PROPERTY(ConversationListModel* conversations READ conversations CONSTANT)
    Q_PROPERTY(qint64 conversationId READ conversationId NOTIFY conversationChanged)
    Q_PROPERTY(QString conversationTitle READ conversationTitle NOTIFY conversationChanged)
    Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
    Q_PROPERTY(qint64 contextUsed READ contextUsed NOTIFY statsChanged)
    Q_PROPERTY(double tokensPerSecond READ tokensPerSecond NOTIFY statsChanged)
    Q_PROPERTY(QString errorText READ errorText NOTIFY errorTextChanged)
    Q_PROPERTY(QString storageError READ storageError NOTIFY storageErrorChanged)
    // The last answer could not start because the conversation does not fit the context: needed,
    // nCtx, suggested (a context that would fit, within the model's and the memory's limits; 0:
    // none), byMemory. Empty when there is no such problem.
    Q_PROPERTY(QVariantMap contextProblem READ contextProblem NOTIFY contextProblemChanged)
    // Tokens of the conversation with the composer's text, as a prompt (-1: not counted), and the
    // loaded context; see countDraft.
    Q_PROPERTY(qint64 draftTokens READ draftTokens NOTIFY draftTokensChanged)
    // The open conversation's thinking choice (a new one's: the last chosen): -1 as the model
    // likes, 0 off, N at most N tokens of reasoning. Kept with the conversation; used when the
    // model can think (ModelHost::thinkingKind).
    Q_PROPERTY(int thinkingBudget READ thinkingBudget WRITE setThinkingBudget NOTIFY thinkingBudgetChanged)
    Q_PROPERTY(qint64 draftContext READ draftContext NOTIFY draftTokensChanged)
    // The answer whose tool calls are being approved or run now (0: none). Its calls in state
    // "pending" wait for decideToolCall.
    Q_PROPERTY(qint64 toolMessageId READ toolMessageId NOTIFY toolsChanged)
    // Offer the MCP servers' tools to the model (kept in the settings).
    Q_PROPERTY(int offeredToolCount READ offeredToolCount NOTIFY toolsChanged)
    // Files attached to the next message: [{name, size, tokens, error, reading}] (tokens: an
    // estimate; error: why the file cannot be used, shown on its chip).
    Q_PROPERTY(QVariantList attachments READ attachments NOTIFY attachmentsChanged)
    // Put only the parts of the attachments most relevant to the message into the prompt (for
    // files too large for the context).
    Q_PROPERTY(bool relevantPartsOnly READ relevantPartsOnly WRITE setRelevantPartsOnly NOTIFY attachmentsChanged)
    // The document collection the open conversation answers from (0: none). Each message then
    // goes with the chunks of it most relevant to the message, as numbered sources the model cites.
    Q_PROPERTY(qint64 collectionId READ collectionId WRITE setCollectionId NOTIFY collectionIdChanged)

public:
    ChatController(Settings* settings, StorageThread* storage, ModelHost* host, ToolsController* tools = nullptr,
                   QObject* parent = nullptr);
    ~ChatController() override;

    MessageListModel* messages() { return &m_messages; }
    ConversationListModel* conversations() { return &m_conversations; }
    qint64 conversationId() const { return m_conversationId; }
    QString conversationTitle() const;
    bool generating() const { return m_generatingId != 0 || m_starting || m_toolMessageId != 0; }
    qint64 toolMessageId() const { return m_toolMessageId; }
    int offeredToolCount() const;

    qint64 collectionId() const;
    void setCollectionId(qint64 id);
    // How many chunks of the collection go with a message.
    static constexpr int k_sourcesPerMessage = 5;
    QVariantList attachments() const;
    bool relevantPartsOnly() const { return m_relevantOnly; }
    void setRelevantPartsOnly(bool on);
    // Attaches files (local file URLs) to the next message; they are read off the GUI thread.
    Q_INVOKABLE void attachFiles(const QList<QUrl>& files);
    Q_INVOKABLE void removeAttachment(int index);
    // Where attached files are kept (content-addressed): <data folder>/attachments.
    void setDataDir(const QString& dataDir);
    // Where the document library's embedding model comes from (null: BM25 alone): a message's
    // question is embedded with it on the storage thread when the collection has its vectors.
    void setEmbeddingSource(std::function<std::shared_ptr<Embedding>()> source) {
        m_embeddingSource = std::move(source);
    }
    // The user's answer to a tool call awaiting approval: "once" (run it), "always" (run it and
    // every later call of that tool without asking), "deny". When every call of the answer is
    // settled the model goes on with their results.
    Q_INVOKABLE void decideToolCall(qint64 messageId, int index, const QString& decision);
    // At most this many rounds of tool calls follow one message of the user.
    static constexpr int k_maxToolRounds = 8;
    qint64 contextUsed() const { return m_contextUsed; }
    double tokensPerSecond() const { return m_tokensPerSecond; }
    QString errorText() const { return m_errorText.text(); }  // in the language shown now
    QString storageError() const { return m_storageError; }
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

    // Opens the most recent conversation (at start).
    void openLatest();

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
    // With `reasoning`, each answer's reasoning goes along: in HTML a collapsible block, in
    // Markdown a quoted section.
    int thinkingBudget() const;
    // A conversation's settings JSON (sampling_json) with `key` set: thinking_budget,
    // collection_id.
    static std::string withSetting(const std::string& samplingJson, const QString& key, const QJsonValue& value);
    void setThinkingBudget(int budget);
    Q_INVOKABLE void exportConversations(const QVariantList& ids, const QUrl& file, const QString& format = {},
                                         bool reasoning = true);
    // Imports a DeepDesk JSON export; importFinished(how many conversations were added) follows.
    Q_INVOKABLE void importConversations(const QUrl& file);
    Q_INVOKABLE void clearError();
    // Where a file dialog starts: the models folder ("models"), the user's "downloads" or
    // "documents" folder when it exists, else the home folder (never the folder the app happened to be started from).
    Q_INVOKABLE QUrl startFolder(const QString& kind) const;
    // The name a save dialog proposes for an export: the conversation's title made safe for a
    // file name, or "DeepDesk conversations <date>" for all of them (an empty title), ".md".
    Q_INVOKABLE QString exportFileName(const QString& title) const;

    // Waits until the storage thread has done everything asked of it so far (tests, benches).
    void flushStorage() { m_storage->flush(); }

Q_SIGNALS:
    void conversationChanged();
    void thinkingBudgetChanged();
    void generatingChanged();
    void statsChanged();
    void errorTextChanged();
    // A turn ended (for tests and the status bar): finishReason is stop, length, cancelled, ...
    void turnFinished(const QString& finishReason);
    // An answer was stopped because the user went to another conversation (it is kept).
    void answerStoppedToLeave();
    void storageErrorChanged();
    void conversationOpened(qint64 focusMessageId);
    void searchFinished(const QString& query, const QVariantList& results);
    void exportFinished(bool ok, const QString& path);
    void importFinished(int count);
    void contextProblemChanged();
    void draftTokensChanged();
    void toolsChanged();
    void attachmentsChanged();
    void collectionIdChanged();

protected:
    // A language switch: the error shown is read again.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    // What the storage thread prepares for a turn: the rows to show and the answer to fill.
    struct TurnPlan {
        qint64 conversationId = 0;
        std::optional<deepdesk::storage::conversation> created;  // a new conversation
        std::optional<deepdesk::storage::message> user;          // appended, when not reloading
        std::vector<deepdesk::storage::attachment> userFiles;    // its attachments
        deepdesk::storage::message assistant;                    // id 0: nothing to do
        std::string systemPrompt;
        bool continuing = false;
        std::optional<std::vector<MessageListModel::Row>> rows;  // the branch, when it changed
    };

    // The open conversation's setting `key` (undefined when none is open or it has none), and
    // setting it (kept in the list and the database).
    QJsonValue openSetting(const QString& key) const;
    void saveOpenSetting(const QString& key, const QJsonValue& value);
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
    void onTurnFinished(const TurnResult& result);
    void onContextFull(qint64 messageId, qint64 needed, qint64 nCtx);
    // Tool calls (chattools.cpp): an answer that called tools, the next step (run an allowed call,
    // wait for the user, or go on with the results), a call's end, the end of the round.
    void startTools(qint64 messageId, const std::vector<deepdesk::tool_call>& calls);
    void advanceTools();
    void onToolFinished(int ticket, bool ok, const QString& text, bool isError);
    void publishTools();  // the calls' states to the row and the database
    void endTools(bool goOn);
    // Attachments (chatattachments.cpp): the pending ones taken for a message, with the room each
    // may take when only its relevant parts go (chosen on the storage thread: ranking a large file
    // is no work for the GUI thread), their files copied into the data folder; and the files no
    // attachment names any more removed.
    struct OutgoingFile {
        deepdesk::storage::attachment file;  // its whole text
        std::size_t relevantBytes = 0;       // > 0: only its parts most relevant to the message, this many bytes
    };
    std::vector<OutgoingFile> takeAttachments(const QString& question);
    static void keepBlobs(const QString& dir, const std::vector<std::pair<QString, QString>>& files);
    static void dropUnusedBlobs(deepdesk::storage::conversation_store& store, const QString& dir,
                                const std::vector<std::string>& candidates);
    // A new answer, child of `messageId` (the answer whose tool calls are settled).
    void answerAfter(qint64 messageId);
    // What the model reads: the system prompt (not for R1-style models) and the branch on screen
    // but `skipMessageId` (the answer being written).
    std::vector<deepdesk::chat_message> promptMessages(const std::string& systemPrompt, qint64 skipMessageId) const;

    Settings* m_settings;
    StorageThread* m_storage;
    ModelHost* m_host;
    LocalTurnRunner m_local;
    RemoteTurnRunner m_remote;
    TurnRunner* m_runner = nullptr;  // the one writing the answer now
    QString m_storageError;
    UiText m_errorText;
    bool m_starting = false;  // a turn is being prepared on the storage thread
    bool m_stopWhenStarted = false;
    qint64 m_openSerial = 0;  // the latest conversation asked for; older reads are dropped
    MessageListModel m_messages;
    ConversationListModel m_conversations;
    qint64 m_conversationId = 0;
    int m_newThinkingBudget = -1;  // for a conversation not yet created
    qint64 m_contextUsed = 0;
    double m_tokensPerSecond = 0.0;
    std::int64_t m_liveTokens = 0;      // of the answer streaming now
    QElapsedTimer m_liveClock;          // since its first token
    std::function<void()> m_afterTurn;  // where to go once the stopped answer has ended
    std::function<std::shared_ptr<Embedding>()> m_embeddingSource;
    bool m_answerAgainWhenLoaded = false;  // the context was raised: answer once the model is back
    QVariantMap m_contextProblem;
    bool m_dropOldestTurns = false;  // for the next turn only
    qint64 m_draftTokens = -1, m_draftContext = 0;
    int m_countSerial = 0;
    qint64 m_generatingId = 0;
    QTimer m_frameTimer;
    ToolsController* m_tools = nullptr;
    qint64 m_toolMessageId = 0;       // the answer whose calls are under way
    QJsonArray m_toolCalls;           // its calls, as storage keeps them
    int m_toolTicket = 0;             // the call running now (ToolsController's ticket), 0: none
    int m_toolIndex = -1;             // its place in m_toolCalls
    int m_toolRounds = 0;             // since the user's last message
    QList<AttachmentFile> m_pending;  // attached to the next message
    int m_reading = 0;                // of those, still being read
    bool m_relevantOnly = false;
    qint64 m_draftBytes = 0;       // of the last draft counted
    double m_bytesPerToken = 3.0;  // measured by the last count (a local model); 3 until then
    QString m_attachmentsDir;
    qint64 m_newCollectionId = 0;  // for a conversation not yet created
};

}  // namespace deepdesk::app
