// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/chatcontroller.h"

#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QSettings>
#include <QUrl>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "engine/gguf.h"
#include "engine/model.h"
#include "storage/exchange.h"
#include "storage/search.h"

namespace deepdesk::app {
namespace {

namespace st = deepdesk::storage;

// MemAvailable from /proc/meminfo, in bytes (0 when unknown).
qint64 availableMemory() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    long long value = 0;
    std::string unit;
    while (in >> key >> value >> unit) {
        if (key == "MemAvailable:") {
            return static_cast<qint64>(value) * 1024;
        }
    }
    return 0;
}

deepdesk::chat_message::role roleOf(const std::string& r) {
    if (r == "system") {
        return deepdesk::chat_message::role::system;
    }
    return r == "user" ? deepdesk::chat_message::role::user : deepdesk::chat_message::role::assistant;
}

}  // namespace

ChatController::ChatController(const QString& dataDir, QObject* parent) : QObject(parent), m_dataDir(dataDir) {
    qRegisterMetaType<deepdesk::app::TurnRequest>();
    QDir().mkpath(dataDir);
    m_databasePath = QDir(dataDir).filePath(QStringLiteral("conversations.db"));
    try {
        m_db = std::make_unique<st::database>(m_databasePath.toStdString());
        m_store = std::make_unique<st::conversation_store>(*m_db);
        m_store->mark_interrupted();  // answers cut off when DeepDesk last stopped
    } catch (const st::storage_error& e) {
        m_storageError = QString::fromStdString(e.what());
        m_store.reset();
        m_db.reset();
    }
    QSettings settings;
    m_modelsFolder =
        settings.value(QStringLiteral("models/folder"), QDir(dataDir).filePath(QStringLiteral("models"))).toString();
    m_systemPrompt = settings.value(QStringLiteral("chat/systemPrompt")).toString();
    m_temperature = settings.value(QStringLiteral("chat/temperature"), 0.6).toDouble();
    m_maxTokens = settings.value(QStringLiteral("chat/maxTokens"), 2048).toInt();
    m_contextLength = settings.value(QStringLiteral("chat/contextLength"), 4096).toInt();
    m_topP = settings.value(QStringLiteral("chat/topP"), 0.95).toDouble();
    m_topK = settings.value(QStringLiteral("chat/topK"), 40).toInt();
    m_minP = settings.value(QStringLiteral("chat/minP"), 0.05).toDouble();
    m_repeatPenalty = settings.value(QStringLiteral("chat/repeatPenalty"), 1.0).toDouble();
    m_seed = settings.value(QStringLiteral("chat/seed"), 0).toInt();
    m_threads = settings.value(QStringLiteral("chat/threads"), 0).toInt();
    m_theme = settings.value(QStringLiteral("ui/theme"), QStringLiteral("system")).toString();
    QDir().mkpath(m_modelsFolder);

    m_worker = new InferenceWorker(&m_buffer, &m_cancel, &m_loadTicket);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(this, &ChatController::requestLoad, m_worker, &InferenceWorker::load);
    connect(this, &ChatController::requestGenerate, m_worker, &InferenceWorker::generate);
    connect(m_worker, &InferenceWorker::loaded, this,
            [this](int ticket, const QString& name, const QString&, qint64 nCtx, bool reasoning) {
                if (ticket != m_loadTicket) {
                    return;  // given up on; a later load replaces it
                }
                m_loadTicket = 0;
                m_modelName = name;
                m_modelPath = m_pendingPath;
                m_contextSize = nCtx;
                m_contextUsed = 0;
                // R1 and its distills: DeepSeek's advice is temperature 0.6 and no system prompt.
                m_reasoningModel = reasoning;
                if (reasoning && !QSettings().value(QStringLiteral("chat/temperatureSetByUser")).toBool()) {
                    m_temperature = 0.6;
                    Q_EMIT settingsChanged();
                }
                QSettings().setValue(QStringLiteral("models/last"), m_modelPath);
                Q_EMIT loadingChanged();
                Q_EMIT modelChanged();
                Q_EMIT statsChanged();
            });
    connect(m_worker, &InferenceWorker::loadProgress, this, [this](int ticket, double fraction) {
        if (ticket == m_loadTicket) {
            m_loadProgress = fraction;
            Q_EMIT loadProgressChanged();
        }
    });
    connect(m_worker, &InferenceWorker::loadFailed, this, [this](int ticket, const QString& error) {
        if (ticket != m_loadTicket) {
            return;
        }
        m_loadTicket = 0;
        m_modelName.clear();
        m_modelPath.clear();
        Q_EMIT loadingChanged();
        Q_EMIT modelChanged();
        setError(tr("The model could not be loaded: %1").arg(error));
        Q_EMIT modelLoadFailed(error);
    });
    connect(m_worker, &InferenceWorker::finished, this, &ChatController::onFinished);
    connect(m_worker, &InferenceWorker::failed, this, &ChatController::onFailed);
    m_thread.setObjectName(QStringLiteral("inference"));
    m_thread.start();

    m_frameTimer.setInterval(16);
    connect(&m_frameTimer, &QTimer::timeout, this, &ChatController::drainStream);

    refreshModels();
    reloadConversations();
}

ChatController::~ChatController() {
    m_cancel.store(true);
    m_thread.quit();
    m_thread.wait();
}

void ChatController::start(const QString& modelPath, bool openLatest) {
    const QString path = modelPath.isEmpty() ? QSettings().value(QStringLiteral("models/last")).toString() : modelPath;
    if (!path.isEmpty() && (QFileInfo::exists(path) || !modelPath.isEmpty())) {
        loadModel(path);
    }
    if (openLatest && m_conversations.rowCount() > 0) {
        openConversation(
            m_conversations.data(m_conversations.index(0), ConversationListModel::ConversationIdRole).toLongLong());
    }
}

QString ChatController::conversationTitle() const {
    if (m_store == nullptr || m_conversationId == 0) {
        return {};
    }
    const auto c = m_store->find_conversation(m_conversationId);
    return c ? QString::fromStdString(c->title) : QString();
}

void ChatController::setModelsFolder(const QString& folder) {
    if (folder == m_modelsFolder) {
        return;
    }
    m_modelsFolder = folder;
    QSettings().setValue(QStringLiteral("models/folder"), folder);
    Q_EMIT modelsFolderChanged();
    refreshModels();
}

void ChatController::setSystemPrompt(const QString& text) {
    m_systemPrompt = text;
    QSettings().setValue(QStringLiteral("chat/systemPrompt"), text);
    Q_EMIT settingsChanged();
}

void ChatController::setTemperature(double t) {
    m_temperature = std::clamp(t, 0.0, 2.0);
    QSettings().setValue(QStringLiteral("chat/temperature"), m_temperature);
    QSettings().setValue(QStringLiteral("chat/temperatureSetByUser"), true);
    Q_EMIT settingsChanged();
}

void ChatController::setMaxTokens(int n) {
    m_maxTokens = std::clamp(n, 1, 1 << 20);
    QSettings().setValue(QStringLiteral("chat/maxTokens"), m_maxTokens);
    Q_EMIT settingsChanged();
}

void ChatController::setContextLength(int n) {
    m_contextLength = std::clamp(n, 256, 1 << 20);
    QSettings().setValue(QStringLiteral("chat/contextLength"), m_contextLength);
    Q_EMIT settingsChanged();
}

void ChatController::setTopP(double v) {
    m_topP = std::clamp(v, 0.0, 1.0);
    QSettings().setValue(QStringLiteral("chat/topP"), m_topP);
    Q_EMIT settingsChanged();
}

void ChatController::setTopK(int v) {
    m_topK = std::max(0, v);
    QSettings().setValue(QStringLiteral("chat/topK"), m_topK);
    Q_EMIT settingsChanged();
}

void ChatController::setMinP(double v) {
    m_minP = std::clamp(v, 0.0, 1.0);
    QSettings().setValue(QStringLiteral("chat/minP"), m_minP);
    Q_EMIT settingsChanged();
}

void ChatController::setRepeatPenalty(double v) {
    m_repeatPenalty = std::clamp(v, 0.5, 2.0);
    QSettings().setValue(QStringLiteral("chat/repeatPenalty"), m_repeatPenalty);
    Q_EMIT settingsChanged();
}

void ChatController::setSeed(int v) {
    m_seed = std::max(0, v);
    QSettings().setValue(QStringLiteral("chat/seed"), m_seed);
    Q_EMIT settingsChanged();
}

void ChatController::setThreads(int v) {
    m_threads = std::clamp(v, 0, 1024);
    QSettings().setValue(QStringLiteral("chat/threads"), m_threads);
    Q_EMIT settingsChanged();
}

void ChatController::setTheme(const QString& v) {
    m_theme = (v == QStringLiteral("light") || v == QStringLiteral("dark")) ? v : QStringLiteral("system");
    QSettings().setValue(QStringLiteral("ui/theme"), m_theme);
    Q_EMIT settingsChanged();
}

bool ChatController::exportConversations(const QVariantList& ids, const QUrl& file, const QString& format) {
    if (!m_store) {
        setError(tr("Conversations cannot be saved: %1").arg(m_storageError));
        return false;
    }
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    QString f = format.isEmpty() ? QFileInfo(path).suffix().toLower() : format;
    st::export_format fmt = st::export_format::markdown;
    if (f == QStringLiteral("json")) {
        fmt = st::export_format::json;
    } else if (f == QStringLiteral("html") || f == QStringLiteral("htm")) {
        fmt = st::export_format::html;
    } else if (f == QStringLiteral("txt") || f == QStringLiteral("text")) {
        fmt = st::export_format::text;
    }
    std::vector<std::int64_t> list;
    for (const QVariant& v : ids) {
        list.push_back(v.toLongLong());
    }
    try {
        const std::string out = st::export_conversations(*m_store, list, fmt);
        QFile target(path);
        if (!target.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            target.write(out.data(), static_cast<qint64>(out.size())) != static_cast<qint64>(out.size())) {
            setError(tr("Could not write %1: %2").arg(path, target.errorString()));
            return false;
        }
    } catch (const std::exception& e) {
        setError(tr("Export failed: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    return true;
}

int ChatController::importConversations(const QUrl& file) {
    if (!m_store) {
        setError(tr("Conversations cannot be saved: %1").arg(m_storageError));
        return 0;
    }
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly)) {
        setError(tr("Could not read %1: %2").arg(path, in.errorString()));
        return 0;
    }
    const QByteArray text = in.readAll();
    try {
        const auto ids = st::import_json(*m_store, text.toStdString());
        reloadConversations();
        return static_cast<int>(ids.size());
    } catch (const st::import_error& e) {
        setError(tr("%1 was not imported: %2").arg(QFileInfo(path).fileName(), QString::fromStdString(e.what())));
        return 0;
    }
}

void ChatController::setError(const QString& text) {
    m_errorText = text;
    Q_EMIT errorTextChanged();
}

void ChatController::clearError() { setError({}); }

void ChatController::refreshModels() {
    m_modelFiles.clear();
    const QFileInfoList files =
        QDir(m_modelsFolder).entryInfoList({QStringLiteral("*.gguf")}, QDir::Files | QDir::Readable, QDir::Name);
    for (const QFileInfo& f : files) {
        // Split models are listed once, by their first part.
        const QString name = f.fileName();
        if (name.contains(QStringLiteral("-of-")) && !name.contains(QStringLiteral("-00001-of-"))) {
            continue;
        }
        QVariantMap m;
        m[QStringLiteral("path")] = f.absoluteFilePath();
        m[QStringLiteral("name")] = f.completeBaseName();
        m[QStringLiteral("bytes")] = f.size();
        m_modelFiles << m;
    }
    Q_EMIT modelFilesChanged();
}

QVariantMap ChatController::estimate(const QString& path) const {
    QVariantMap out;
    try {
        const auto m = deepdesk::model::load(path.toStdString());
        const auto weights = static_cast<qint64>(m->file().total_bytes());
        const qint64 ctx = std::min<qint64>(m_contextLength, m->config().n_ctx_train);
        const qint64 kv = static_cast<qint64>(m->impl().kv_bytes_per_token()) * ctx;
        const qint64 available = availableMemory();
        out[QStringLiteral("weightsBytes")] = weights;
        out[QStringLiteral("kvBytes")] = kv;
        out[QStringLiteral("totalBytes")] = weights + kv;
        out[QStringLiteral("availableBytes")] = available;
        out[QStringLiteral("fits")] = available == 0 || weights + kv < available;
    } catch (const std::exception& e) {
        out[QStringLiteral("error")] = QString::fromStdString(e.what());
    }
    return out;
}

void ChatController::loadModel(const QString& path) {
    if (generating()) {
        stop();
    }
    m_loadTicket = m_nextTicket++;
    m_pendingPath = path;
    m_loadProgress = 0.0;
    Q_EMIT loadProgressChanged();
    m_modelName.clear();  // the worker drops the old model first
    Q_EMIT modelChanged();
    Q_EMIT loadingChanged();
    Q_EMIT requestLoad(path, m_contextLength, m_threads, m_loadTicket);
}

void ChatController::cancelLoad() {
    if (m_loadTicket == 0) {
        return;
    }
    m_loadTicket = 0;
    QMetaObject::invokeMethod(m_worker, &InferenceWorker::unload, Qt::QueuedConnection);
    Q_EMIT loadingChanged();
}

bool ChatController::importModel(const QUrl& file) {
    const QString source = file.isLocalFile() ? file.toLocalFile() : file.toString();
    try {
        deepdesk::gguf::model_file::open(source.toStdString());  // refuse what the engine cannot read
    } catch (const std::exception& e) {
        setError(tr("%1 is not a usable GGUF model: %2")
                     .arg(QFileInfo(source).fileName(), QString::fromStdString(e.what())));
        return false;
    }
    const QString target = QDir(m_modelsFolder).filePath(QFileInfo(source).fileName());
    if (QFileInfo::exists(target)) {
        setError(tr("The models folder already has a file named %1.").arg(QFileInfo(source).fileName()));
        return false;
    }
    // A hard link where the folders share a file system, else a symbolic link: no copy of many GB.
    std::error_code ec;
    std::filesystem::create_hard_link(source.toStdString(), target.toStdString(), ec);
    if (ec) {
        std::filesystem::create_symlink(std::filesystem::absolute(source.toStdString()), target.toStdString(), ec);
    }
    if (ec) {
        setError(tr("Could not add %1 to the models folder: %2").arg(source, QString::fromStdString(ec.message())));
        return false;
    }
    refreshModels();
    return true;
}

void ChatController::refreshConversation(qint64 id) {
    if (!m_store) {
        return;
    }
    if (const auto c = m_store->find_conversation(id)) {
        m_conversations.upsert(*c);
    } else {
        m_conversations.remove(id);
    }
}

void ChatController::reloadConversations() {
    if (m_store) {
        m_conversations.reset(m_store->list_conversations());
    }
}

void ChatController::reloadMessages() {
    std::vector<MessageListModel::Row> rows;
    if (m_store && m_conversationId != 0) {
        // Siblings from one read of the whole tree (in creation order, as the switcher counts
        // them), not one query per message.
        std::map<std::optional<std::int64_t>, std::vector<std::int64_t>> children;
        for (const auto& m : m_store->all_messages(m_conversationId)) {
            children[m.parent_id].push_back(m.id);
        }
        for (auto& [parent, ids] : children) {
            std::sort(ids.begin(), ids.end());  // the store's sibling order
        }
        for (auto& m : m_store->active_branch(m_conversationId)) {
            MessageListModel::Row r;
            const auto& sibs = children[m.parent_id];
            r.siblingCount = std::max(1, static_cast<int>(sibs.size()));
            r.siblingIndex = std::max(0, static_cast<int>(std::find(sibs.begin(), sibs.end(), m.id) - sibs.begin()));
            r.message = std::move(m);
            rows.push_back(std::move(r));
        }
    }
    m_messages.reset(std::move(rows));
}

void ChatController::newConversation() {
    if (generating()) {
        return;
    }
    m_conversationId = 0;
    reloadMessages();
    Q_EMIT conversationChanged();
}

void ChatController::openConversation(qint64 id) {
    if (generating() || !m_store) {
        return;
    }
    m_conversationId = id;
    reloadMessages();
    Q_EMIT conversationChanged();
}

void ChatController::renameConversation(qint64 id, const QString& title) {
    if (m_store) {
        m_store->rename(id, title.trimmed().toStdString());
        refreshConversation(id);
        Q_EMIT conversationChanged();
    }
}

void ChatController::setPinned(qint64 id, bool pinned) {
    if (m_store) {
        m_store->set_pinned(id, pinned);
        refreshConversation(id);
    }
}

void ChatController::deleteConversation(qint64 id) {
    if (!m_store || (generating() && id == m_conversationId)) {
        return;
    }
    m_store->delete_conversation(id);
    if (id == m_conversationId) {
        m_conversationId = 0;
        reloadMessages();
        Q_EMIT conversationChanged();
    }
    m_conversations.remove(id);
}

QVariantList ChatController::search(const QString& query) const {
    QVariantList out;
    if (!m_db) {
        return out;
    }
    for (const auto& h : st::search(*m_db, query.toStdString(), 30)) {
        QVariantMap m;
        m[QStringLiteral("conversationId")] = static_cast<qint64>(h.conversation_id);
        m[QStringLiteral("messageId")] = static_cast<qint64>(h.message_id);
        m[QStringLiteral("title")] = QString::fromStdString(h.conversation_title);
        m[QStringLiteral("field")] = QString::fromStdString(h.field);
        m[QStringLiteral("snippetHtml")] = QString::fromStdString(st::snippet_html(h.snippet));
        out << m;
    }
    return out;
}

void ChatController::send(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || generating()) {
        return;
    }
    if (!m_store) {
        setError(tr("Conversations cannot be saved: %1").arg(m_storageError));
        return;
    }
    if (!modelLoaded()) {
        setError(tr("Load a model to start chatting."));
        return;
    }
    if (m_conversationId == 0) {
        st::conversation c;
        c.title = st::title_from_exchange(trimmed.toStdString(), "");
        c.model_source = "local";
        c.model_name = QFileInfo(m_modelPath).fileName().toStdString();
        c.system_prompt = m_systemPrompt.toStdString();
        m_conversationId = m_store->create_conversation(c);
        Q_EMIT conversationChanged();
    }
    std::optional<std::int64_t> parent;
    if (!m_messages.rows().empty()) {
        parent = m_messages.rows().back().message.id;
    }
    const auto userId = m_store->add_message(m_conversationId, parent, "user", trimmed.toStdString());
    // The new message goes at the end of the list (a leaf's first child has no siblings), without
    // reading the whole conversation again.
    if (const auto m = m_store->find_message(userId)) {
        m_messages.append({*m, false, 0, 1});
    }
    startTurn(userId);
}

void ChatController::startTurn(qint64 parentId, qint64 resumeId) {
    if (!modelLoaded()) {
        setError(tr("Load a model to start chatting."));
        reloadMessages();
        return;
    }
    TurnRequest req;
    qint64 assistantId = resumeId;
    if (resumeId != 0) {
        const auto m = m_store->find_message(resumeId);
        req.options.continue_answer = m->content;
        req.options.continue_reasoning = m->reasoning;
        req.continuing = true;
        m_store->resume_message(resumeId);
    } else {
        assistantId = m_store->begin_assistant(m_conversationId, parentId);
    }
    if (resumeId == 0 && !m_messages.rows().empty() && m_messages.rows().back().message.id == parentId) {
        // A reply to the last message on screen: one more row, the rest unchanged.
        if (const auto m = m_store->find_message(assistantId)) {
            m_messages.append({*m, false, 0, 1});
        }
    } else {
        reloadMessages();  // a new branch (regenerate, edit) or a resumed answer
    }
    const auto conv = m_store->find_conversation(m_conversationId);
    if (conv && !conv->system_prompt.empty() && !m_reasoningModel) {
        req.messages.push_back({deepdesk::chat_message::role::system, conv->system_prompt});
    }
    for (const auto& row : m_messages.rows()) {
        if (row.message.id != assistantId) {
            req.messages.push_back({roleOf(row.message.role), row.message.content});
        }
    }
    req.options.sampling.temperature = static_cast<float>(m_temperature);
    req.options.sampling.top_p = static_cast<float>(m_topP);
    req.options.sampling.top_k = m_topK;
    req.options.sampling.min_p = static_cast<float>(m_minP);
    req.options.sampling.repeat_penalty = static_cast<float>(m_repeatPenalty);
    req.options.sampling.seed = m_seed > 0 ? static_cast<std::uint64_t>(m_seed) : std::random_device{}();
    req.options.max_tokens = m_maxTokens;
    req.assistantMessageId = assistantId;
    req.databasePath = m_databasePath;
    m_cancel.store(false);
    m_buffer.take();
    m_generatingId = assistantId;
    Q_EMIT generatingChanged();
    m_frameTimer.start();
    Q_EMIT requestGenerate(req);
}

void ChatController::drainStream() {
    const StreamBuffer::Chunk c = m_buffer.take();
    m_messages.appendToLast(c.reasoning, c.answer, c.thinking);
}

void ChatController::onFinished(qint64 messageId, const QVariantMap& stats) {
    drainStream();
    m_frameTimer.stop();
    if (m_store) {
        if (const auto m = m_store->find_message(messageId);
            m && !m_messages.rows().empty() && m_messages.rows().back().message.id == messageId) {
            m_messages.updateLast(*m);
        }
        // The first exchange names the conversation (the answer, never the reasoning).
        const auto& rows = m_messages.rows();  // what is on screen is the active branch
        if (rows.size() == 2 && rows[0].message.role == "user" && rows[1].message.id == messageId) {
            m_store->rename(m_conversationId,
                            st::title_from_exchange(rows[0].message.content, rows[1].message.content));
        }
    }
    m_tokensPerSecond = stats.value(QStringLiteral("tokensPerSecond")).toDouble();
    m_contextUsed = stats.value(QStringLiteral("contextUsed")).toLongLong();
    m_generatingId = 0;
    refreshConversation(m_conversationId);
    Q_EMIT statsChanged();
    Q_EMIT conversationChanged();
    Q_EMIT generatingChanged();
    Q_EMIT turnFinished(stats.value(QStringLiteral("finishReason")).toString());
}

void ChatController::onFailed(qint64 messageId, const QString& error) {
    drainStream();
    m_frameTimer.stop();
    if (m_store) {
        if (const auto m = m_store->find_message(messageId);
            m && !m_messages.rows().empty() && m_messages.rows().back().message.id == messageId) {
            m_messages.updateLast(*m);
        }
    }
    m_generatingId = 0;
    setError(error);
    Q_EMIT generatingChanged();
    Q_EMIT turnFinished(QStringLiteral("error"));
}

void ChatController::stop() { m_cancel.store(true); }

void ChatController::regenerate() {
    if (generating() || m_messages.rows().empty() || !m_store) {
        return;
    }
    const auto& last = m_messages.rows().back().message;
    if (last.role != "assistant" || !last.parent_id) {
        return;
    }
    startTurn(*last.parent_id);
}

void ChatController::continueAnswer() {
    if (generating() || m_messages.rows().empty() || !m_store) {
        return;
    }
    const auto& last = m_messages.rows().back().message;
    if (last.role != "assistant" || !last.parent_id || last.status == st::message_status::complete) {
        return;
    }
    startTurn(*last.parent_id, last.id);
}

void ChatController::editAndResend(qint64 messageId, const QString& text) {
    if (generating() || !m_store || text.trimmed().isEmpty()) {
        return;
    }
    const auto m = m_store->find_message(messageId);
    if (!m || m->role != "user") {
        return;
    }
    const auto id = m_store->add_message(m->conversation_id, m->parent_id, "user", text.trimmed().toStdString());
    startTurn(id);
}

void ChatController::switchBranch(qint64 messageId, int step) {
    if (generating() || !m_store) {
        return;
    }
    const auto sibs = m_store->siblings(messageId);
    const auto it = std::find(sibs.begin(), sibs.end(), messageId);
    if (it == sibs.end()) {
        return;
    }
    const auto i = (it - sibs.begin()) + step;
    if (i < 0 || i >= static_cast<std::ptrdiff_t>(sibs.size())) {
        return;
    }
    m_store->select_branch(sibs[static_cast<std::size_t>(i)]);
    reloadMessages();
}

bool ChatController::copyLastAnswer() const {
    const auto& rows = m_messages.rows();
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        if (it->message.role == "assistant" && !it->message.content.empty()) {
            copyToClipboard(QString::fromStdString(it->message.content));
            return true;
        }
    }
    return false;
}

void ChatController::copyToClipboard(const QString& text) const {
    if (auto* cb = QGuiApplication::clipboard()) {
        cb->setText(text);
    }
}

}  // namespace deepdesk::app
