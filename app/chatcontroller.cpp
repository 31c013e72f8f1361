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

#include "app/offthread.h"
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

// {weightsBytes, kvBytes, totalBytes, availableBytes, fits, error} for loading `path`.
QVariantMap estimateFor(const QString& path, qint64 contextLength) {
    QVariantMap out;
    try {
        const auto m = deepdesk::model::load(path.toStdString());
        const auto weights = static_cast<qint64>(m->file().total_bytes());
        const qint64 ctx = std::min<qint64>(contextLength, m->config().n_ctx_train);
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

// The active branch of a conversation, as rows with their sibling positions. Siblings come from one
// read of the whole tree (in creation order, as the switcher counts them), not one query per
// message. Runs on the storage thread.
std::vector<MessageListModel::Row> branchRows(st::database& db, std::int64_t conversationId) {
    st::conversation_store store(db);
    std::map<std::optional<std::int64_t>, std::vector<std::int64_t>> children;
    for (const auto& m : store.all_messages(conversationId)) {
        children[m.parent_id].push_back(m.id);
    }
    for (auto& [parent, ids] : children) {
        std::sort(ids.begin(), ids.end());  // the store's sibling order
    }
    std::vector<MessageListModel::Row> rows;
    for (auto& m : store.active_branch(conversationId)) {
        MessageListModel::Row r;
        const auto& sibs = children[m.parent_id];
        r.siblingCount = std::max(1, static_cast<int>(sibs.size()));
        r.siblingIndex = std::max(0, static_cast<int>(std::find(sibs.begin(), sibs.end(), m.id) - sibs.begin()));
        r.message = std::move(m);
        rows.push_back(std::move(r));
    }
    return rows;
}

QVariantList searchResults(st::database& db, const std::string& query) {
    QVariantList out;
    for (const auto& h : st::search(db, query, 30)) {
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

}  // namespace

ChatController::ChatController(const QString& dataDir, QObject* parent) : QObject(parent), m_dataDir(dataDir) {
    qRegisterMetaType<deepdesk::app::TurnRequest>();
    QDir().mkpath(dataDir);
    m_databasePath = QDir(dataDir).filePath(QStringLiteral("conversations.db"));
    m_storage = std::make_unique<StorageThread>(m_databasePath);
    connect(m_storage.get(), &StorageThread::opened, this, [this](const QString& error) {
        if (!error.isEmpty()) {
            m_storageError = error;
            Q_EMIT storageErrorChanged();
            if (m_starting) {
                m_starting = false;
                Q_EMIT generatingChanged();
            }
        }
    });
    connect(m_storage.get(), &StorageThread::failed, this, [this](const QString& error) {
        setError(tr("The conversations database failed: %1").arg(error));
        if (m_starting) {
            m_starting = false;
            Q_EMIT generatingChanged();
        }
    });
    // Answers cut off when DeepDesk last stopped.
    m_storage->post([](st::database& db) { st::conversation_store(db).mark_interrupted(); });
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
    m_storage.reset();  // runs what is still queued (the last writes) and closes the database
}

void ChatController::start(const QString& modelPath, bool openLatest) {
    const QString path = modelPath.isEmpty() ? QSettings().value(QStringLiteral("models/last")).toString() : modelPath;
    if (!path.isEmpty() && (QFileInfo::exists(path) || !modelPath.isEmpty())) {
        loadModel(path);
    }
    if (openLatest) {
        m_storage->post(
            this,
            [](st::database& db) -> qint64 {
                const auto list = st::conversation_store(db).list_conversations();
                return list.empty() ? 0 : list.front().id;
            },
            [this](qint64 id) {
                if (id != 0 && m_conversationId == 0 && m_openSerial == 0) {
                    openConversation(id);
                }
            });
    }
}

QString ChatController::conversationTitle() const {
    const auto* c = m_conversations.find(m_conversationId);
    return c != nullptr ? QString::fromStdString(c->title) : QString();
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

bool ChatController::storageUsable() {
    if (!m_storageError.isEmpty()) {
        setError(tr("Conversations cannot be saved: %1").arg(m_storageError));
        return false;
    }
    return true;
}

void ChatController::exportConversations(const QVariantList& ids, const QUrl& file, const QString& format) {
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    if (!storageUsable()) {
        Q_EMIT exportFinished(false, path);
        return;
    }
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
    // Reading the conversations and writing the file both happen on the storage thread.
    m_storage->post(
        this,
        [list, fmt, path](st::database& db) -> QString {
            try {
                st::conversation_store store(db);
                const std::string out = st::export_conversations(store, list, fmt);
                QFile target(path);
                if (!target.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
                    target.write(out.data(), static_cast<qint64>(out.size())) != static_cast<qint64>(out.size())) {
                    return tr("Could not write %1: %2").arg(path, target.errorString());
                }
            } catch (const std::exception& e) {
                return tr("Export failed: %1").arg(QString::fromStdString(e.what()));
            }
            return {};
        },
        [this, path](const QString& error) {
            if (!error.isEmpty()) {
                setError(error);
            }
            Q_EMIT exportFinished(error.isEmpty(), path);
        });
}

void ChatController::importConversations(const QUrl& file) {
    if (!storageUsable()) {
        Q_EMIT importFinished(0);
        return;
    }
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    struct Outcome {
        int count = 0;
        QString error;
    };
    m_storage->post(
        this,
        [path](st::database& db) -> Outcome {
            QFile in(path);
            if (!in.open(QIODevice::ReadOnly)) {
                return {0, tr("Could not read %1: %2").arg(path, in.errorString())};
            }
            const QByteArray text = in.readAll();
            try {
                st::conversation_store store(db);
                return {static_cast<int>(st::import_json(store, text.toStdString()).size()), {}};
            } catch (const st::import_error& e) {
                return {
                    0, tr("%1 was not imported: %2").arg(QFileInfo(path).fileName(), QString::fromStdString(e.what()))};
            }
        },
        [this](const Outcome& o) {
            if (!o.error.isEmpty()) {
                setError(o.error);
            }
            if (o.count > 0) {
                reloadConversations();
            }
            Q_EMIT importFinished(o.count);
        });
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

QVariantMap ChatController::estimate(const QString& path) const { return estimateFor(path, m_contextLength); }

void ChatController::loadChecked(const QString& path) {
    runOffThread(
        this, [path, contextLength = static_cast<qint64>(m_contextLength)] { return estimateFor(path, contextLength); },
        [this, path](const QVariantMap& est) {
            if (est.contains(QStringLiteral("error")) || est.value(QStringLiteral("fits")).toBool()) {
                loadModel(path);  // a file that cannot be read: the worker reports it in full
            } else {
                Q_EMIT memoryWarning(path, est);
            }
        });
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

void ChatController::importModel(const QUrl& file) {
    const QString source = file.isLocalFile() ? file.toLocalFile() : file.toString();
    const QString target = QDir(m_modelsFolder).filePath(QFileInfo(source).fileName());
    // The engine reads the file's header off the GUI thread.
    runOffThread(
        this,
        [source, target]() -> QString {
            try {
                deepdesk::gguf::model_file::open(source.toStdString());  // refuse what the engine cannot read
            } catch (const std::exception& e) {
                return tr("%1 is not a usable GGUF model: %2")
                    .arg(QFileInfo(source).fileName(), QString::fromStdString(e.what()));
            }
            if (QFileInfo::exists(target)) {
                return tr("The models folder already has a file named %1.").arg(QFileInfo(source).fileName());
            }
            // A hard link where the folders share a file system, else a symbolic link: no copy of
            // many GB.
            std::error_code ec;
            std::filesystem::create_hard_link(source.toStdString(), target.toStdString(), ec);
            if (ec) {
                std::filesystem::create_symlink(std::filesystem::absolute(source.toStdString()), target.toStdString(),
                                                ec);
            }
            if (ec) {
                return tr("Could not add %1 to the models folder: %2")
                    .arg(source, QString::fromStdString(ec.message()));
            }
            return {};
        },
        [this, target](const QString& error) {
            if (!error.isEmpty()) {
                setError(error);
            } else {
                refreshModels();
            }
            Q_EMIT modelImported(error.isEmpty(), target);
        });
}

void ChatController::refreshConversation(qint64 id) {
    m_storage->post(
        this, [id](st::database& db) { return st::conversation_store(db).find_conversation(id); },
        [this, id](const std::optional<st::conversation>& c) {
            if (c) {
                m_conversations.upsert(*c);
            } else {
                m_conversations.remove(id);
            }
            if (id == m_conversationId) {
                Q_EMIT conversationChanged();
            }
        });
}

void ChatController::reloadConversations() {
    m_storage->post(
        this, [](st::database& db) { return st::conversation_store(db).list_conversations(); },
        [this](std::vector<st::conversation> list) {
            m_conversations.reset(std::move(list));
            Q_EMIT conversationChanged();  // the title comes from the list
        });
}

void ChatController::newConversation() {
    if (generating()) {
        return;
    }
    ++m_openSerial;  // a conversation still being read is not shown
    m_conversationId = 0;
    m_messages.reset({});
    Q_EMIT conversationChanged();
}

void ChatController::openConversation(qint64 id, qint64 focusMessageId) {
    if (generating() || !storageUsable()) {
        return;
    }
    const qint64 serial = ++m_openSerial;
    m_storage->post(
        this, [id](st::database& db) { return branchRows(db, id); },
        [this, id, serial, focusMessageId](std::vector<MessageListModel::Row> rows) {
            if (serial != m_openSerial || generating()) {
                return;  // the user has gone elsewhere since
            }
            m_conversationId = id;
            m_messages.reset(std::move(rows));
            Q_EMIT conversationChanged();
            Q_EMIT conversationOpened(focusMessageId);
        });
}

void ChatController::renameConversation(qint64 id, const QString& title) {
    if (!storageUsable()) {
        return;
    }
    m_storage->post(
        [id, t = title.trimmed().toStdString()](st::database& db) { st::conversation_store(db).rename(id, t); });
    refreshConversation(id);
}

void ChatController::setPinned(qint64 id, bool pinned) {
    if (!storageUsable()) {
        return;
    }
    m_storage->post([id, pinned](st::database& db) { st::conversation_store(db).set_pinned(id, pinned); });
    refreshConversation(id);
}

void ChatController::deleteConversation(qint64 id) {
    if (!storageUsable() || (generating() && id == m_conversationId)) {
        return;
    }
    m_storage->post([id](st::database& db) { st::conversation_store(db).delete_conversation(id); });
    if (id == m_conversationId) {
        newConversation();
    }
    m_conversations.remove(id);
}

void ChatController::search(const QString& query) {
    if (!m_storageError.isEmpty()) {
        Q_EMIT searchFinished(query, {});
        return;
    }
    m_storage->post(
        this, [q = query.toStdString()](st::database& db) { return searchResults(db, q); },
        [this, query](const QVariantList& results) { Q_EMIT searchFinished(query, results); });
}

template <class Prepare>
void ChatController::prepareTurn(Prepare prepare) {
    m_starting = true;
    m_stopWhenStarted = false;
    Q_EMIT generatingChanged();
    m_storage->post(
        this,
        [prepare = std::move(prepare)](st::database& db) mutable {
            st::conversation_store store(db);
            TurnPlan plan = prepare(store);
            if (plan.assistant.id != 0) {
                if (const auto c = store.find_conversation(plan.conversationId)) {
                    plan.systemPrompt = c->system_prompt;
                }
                if (!plan.user && !plan.rows) {
                    plan.rows = branchRows(db, plan.conversationId);
                }
            }
            return plan;
        },
        [this](TurnPlan plan) { beginTurn(std::move(plan)); });
}

void ChatController::send(const QString& text) {
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || generating()) {
        return;
    }
    if (!storageUsable()) {
        return;
    }
    if (!modelLoaded()) {
        setError(tr("Load a model to start chatting."));
        return;
    }
    std::optional<st::conversation> fresh;
    if (m_conversationId == 0) {
        st::conversation c;
        c.title = st::title_from_exchange(trimmed.toStdString(), "");
        c.model_source = "local";
        c.model_name = QFileInfo(m_modelPath).fileName().toStdString();
        c.system_prompt = m_systemPrompt.toStdString();
        fresh = c;
    }
    std::optional<std::int64_t> parent;
    if (!m_messages.rows().empty()) {
        parent = m_messages.rows().back().message.id;
    }
    // The two new messages go at the end of the list (a leaf's first child has no siblings),
    // without reading the whole conversation again.
    prepareTurn([conversationId = m_conversationId, fresh, parent,
                 content = trimmed.toStdString()](st::conversation_store& store) {
        TurnPlan plan;
        plan.conversationId = conversationId;
        if (fresh) {
            plan.conversationId = store.create_conversation(*fresh);
            plan.created = store.find_conversation(plan.conversationId);
        }
        const auto userId = store.add_message(plan.conversationId, parent, "user", content);
        plan.user = store.find_message(userId);
        plan.assistant = *store.find_message(store.begin_assistant(plan.conversationId, userId));
        return plan;
    });
}

void ChatController::beginTurn(TurnPlan plan) {
    m_starting = false;
    if (plan.assistant.id == 0) {
        Q_EMIT generatingChanged();
        return;
    }
    if (plan.created) {
        ++m_openSerial;
        m_conversationId = plan.conversationId;
        m_conversations.upsert(*plan.created);
        Q_EMIT conversationChanged();
    }
    if (plan.rows) {
        m_messages.replaceBranch(std::move(*plan.rows));  // a new branch (regenerate, edit) or a resumed answer
    } else {
        if (plan.user) {
            m_messages.append({*plan.user, false, 0, 1});
        }
        m_messages.append({plan.assistant, false, 0, 1});
    }
    const qint64 assistantId = plan.assistant.id;
    if (!modelLoaded()) {  // unloaded while the turn was being prepared
        const std::string why = tr("No model is loaded.").toStdString();
        m_storage->post(
            [assistantId, why](st::database& db) { st::conversation_store(db).fail_message(assistantId, why); });
        setError(tr("Load a model to start chatting."));
        m_messages.reset({});
        const qint64 id = m_conversationId;
        m_conversationId = 0;
        openConversation(id);
        Q_EMIT generatingChanged();
        return;
    }
    TurnRequest req;
    if (plan.continuing) {
        req.options.continue_answer = plan.assistant.content;
        req.options.continue_reasoning = plan.assistant.reasoning;
        req.continuing = true;
    }
    if (!plan.systemPrompt.empty() && !m_reasoningModel) {
        req.messages.push_back({deepdesk::chat_message::role::system, plan.systemPrompt});
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
    m_cancel.store(m_stopWhenStarted);
    m_stopWhenStarted = false;
    m_buffer.take();
    m_generatingId = assistantId;
    m_frameTimer.start();
    Q_EMIT generatingChanged();
    Q_EMIT requestGenerate(req);
}

void ChatController::drainStream() {
    const StreamBuffer::Chunk c = m_buffer.take();
    m_messages.appendToLast(c.reasoning, c.answer, c.thinking);
}

void ChatController::endTurn(const std::optional<st::message>& m, const std::optional<st::conversation>& c,
                             const QString& finishReason) {
    if (m && !m_messages.rows().empty() && m_messages.rows().back().message.id == m->id) {
        m_messages.updateLast(*m);
    }
    if (c) {
        m_conversations.upsert(*c);
    }
    m_generatingId = 0;
    Q_EMIT statsChanged();
    Q_EMIT conversationChanged();
    Q_EMIT generatingChanged();
    Q_EMIT turnFinished(finishReason);
}

void ChatController::onFinished(qint64 messageId, const QVariantMap& stats) {
    drainStream();
    m_frameTimer.stop();
    m_tokensPerSecond = stats.value(QStringLiteral("tokensPerSecond")).toDouble();
    m_contextUsed = stats.value(QStringLiteral("contextUsed")).toLongLong();
    // The first exchange names the conversation (the answer, never the reasoning); what is on
    // screen is the active branch.
    std::string title;
    const auto& rows = m_messages.rows();
    if (rows.size() == 2 && rows[0].message.role == "user" && rows[1].message.id == messageId) {
        title = st::title_from_exchange(rows[0].message.content, rows[1].message.content);
    }
    using Result = std::pair<std::optional<st::message>, std::optional<st::conversation>>;
    m_storage->post(
        this,
        [messageId, conversationId = m_conversationId, title](st::database& db) -> Result {
            st::conversation_store store(db);
            if (!title.empty()) {
                store.rename(conversationId, title);
            }
            return {store.find_message(messageId), store.find_conversation(conversationId)};
        },
        [this, reason = stats.value(QStringLiteral("finishReason")).toString()](const Result& r) {
            endTurn(r.first, r.second, reason);
        });
}

void ChatController::onFailed(qint64 messageId, const QString& error) {
    drainStream();
    m_frameTimer.stop();
    setError(error);
    m_storage->post(
        this, [messageId](st::database& db) { return st::conversation_store(db).find_message(messageId); },
        [this](const std::optional<st::message>& m) { endTurn(m, std::nullopt, QStringLiteral("error")); });
}

void ChatController::stop() {
    m_cancel.store(true);
    m_stopWhenStarted = m_starting;  // a turn still being prepared starts stopped
}

void ChatController::regenerate() {
    if (generating() || m_messages.rows().empty() || !storageUsable()) {
        return;
    }
    const auto& last = m_messages.rows().back().message;
    if (last.role != "assistant" || !last.parent_id) {
        return;
    }
    prepareTurn([conversationId = m_conversationId, parentId = *last.parent_id](st::conversation_store& store) {
        TurnPlan plan;
        plan.conversationId = conversationId;
        plan.assistant = *store.find_message(store.begin_assistant(conversationId, parentId));
        return plan;
    });
}

void ChatController::continueAnswer() {
    if (generating() || m_messages.rows().empty() || !storageUsable()) {
        return;
    }
    const auto& last = m_messages.rows().back().message;
    if (last.role != "assistant" || !last.parent_id || last.status == st::message_status::complete) {
        return;
    }
    prepareTurn([conversationId = m_conversationId, resumeId = last.id](st::conversation_store& store) {
        TurnPlan plan;
        plan.conversationId = conversationId;
        if (const auto m = store.find_message(resumeId)) {
            plan.assistant = *m;  // the text so far, before it is marked as streaming again
            plan.continuing = true;
            store.resume_message(resumeId);
        }
        return plan;
    });
}

void ChatController::editAndResend(qint64 messageId, const QString& text) {
    if (generating() || !storageUsable() || text.trimmed().isEmpty()) {
        return;
    }
    prepareTurn([messageId, content = text.trimmed().toStdString()](st::conversation_store& store) {
        TurnPlan plan;
        const auto m = store.find_message(messageId);
        if (!m || m->role != "user") {
            return plan;
        }
        plan.conversationId = m->conversation_id;
        const auto id = store.add_message(m->conversation_id, m->parent_id, "user", content);
        plan.assistant = *store.find_message(store.begin_assistant(m->conversation_id, id));
        return plan;
    });
}

void ChatController::switchBranch(qint64 messageId, int step) {
    if (generating() || !storageUsable()) {
        return;
    }
    const qint64 serial = ++m_openSerial;
    m_storage->post(
        this,
        [messageId, step, conversationId = m_conversationId](st::database& db) {
            st::conversation_store store(db);
            const auto sibs = store.siblings(messageId);
            const auto it = std::find(sibs.begin(), sibs.end(), messageId);
            if (it != sibs.end()) {
                const auto i = (it - sibs.begin()) + step;
                if (i >= 0 && i < static_cast<std::ptrdiff_t>(sibs.size())) {
                    store.select_branch(sibs[static_cast<std::size_t>(i)]);
                }
            }
            return branchRows(db, conversationId);
        },
        [this, serial](std::vector<MessageListModel::Row> rows) {
            if (serial == m_openSerial && !generating()) {
                m_messages.replaceBranch(std::move(rows));
            }
        });
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
