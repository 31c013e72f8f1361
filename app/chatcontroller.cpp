// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/chatcontroller.h"

#include <QClipboard>
#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QUrl>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "app/offthread.h"
#include "engine/gguf.h"
#include "engine/model.h"

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

// {weightsBytes, kvBytes, totalBytes, availableBytes, fits, error} for loading `path`.
// The context to offer when a conversation needs `wanted` tokens: as much as it needs (in steps of
// 1024), no more than the model was trained for, nor than the free memory holds besides the weights.
QVariantMap contextFor(const QString& path, qint64 wanted) {
    QVariantMap out;
    try {
        const auto m = deepdesk::model::load(path.toStdString());
        const qint64 weights = static_cast<qint64>(m->file().total_bytes());
        const qint64 perToken = std::max<qint64>(1, static_cast<qint64>(m->impl().kv_bytes_per_token()));
        const qint64 trained = m->config().n_ctx_train;
        const qint64 available = availableMemory();
        const qint64 byMemory = available == 0 ? trained : (available - weights) / perToken;
        const qint64 ceiling = std::min(trained, byMemory) / 256 * 256;
        out[QStringLiteral("trained")] = trained;
        out[QStringLiteral("byMemory")] = std::max<qint64>(0, byMemory);
        out[QStringLiteral("suggested")] = std::min((wanted + 1023) / 1024 * 1024, ceiling);
    } catch (const std::exception& e) {
        out[QStringLiteral("error")] = QString::fromStdString(e.what());
    }
    return out;
}

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

}  // namespace

ChatController::ChatController(const QString& dataDir, QObject* parent) : QObject(parent), m_dataDir(dataDir) {
    qRegisterMetaType<deepdesk::app::TurnRequest>();
    if (QCoreApplication::instance() != nullptr) {
        QCoreApplication::instance()->installEventFilter(this);  // a language switch
    }
    qRegisterMetaType<deepdesk::app::RemoteEndpoint>();
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
        setError(say(QT_TR_NOOP("The conversations database failed: %1"), {UiText::of(error)}));
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
    m_serverEnabled = settings.value(QStringLiteral("server/enabled"), false).toBool();
    m_serverHost = settings.value(QStringLiteral("server/host"), QStringLiteral("127.0.0.1")).toString();
    m_serverPort = settings.value(QStringLiteral("server/port"), 8080).toInt();
    m_serverApiKey = settings.value(QStringLiteral("server/apiKey")).toString();
    QDir().mkpath(m_modelsFolder);
    // A GGUF file copied into (or removed from) the models folder shows in the list at once; a
    // burst of changes (a copy in progress) is read once it settles.
    m_modelsRescan.setSingleShot(true);
    m_modelsRescan.setInterval(300);
    connect(&m_modelsRescan, &QTimer::timeout, this, &ChatController::refreshModels);
    connect(&m_modelsWatcher, &QFileSystemWatcher::directoryChanged, this, [this] { m_modelsRescan.start(); });
    m_modelsWatcher.addPath(m_modelsFolder);

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
                QSettings().setValue(QStringLiteral("models/source"), QStringLiteral("local"));
                Q_EMIT loadingChanged();
                Q_EMIT modelChanged();
                Q_EMIT statsChanged();
                if (m_afterLoad) {  // a turn waiting for this model (a raised context)
                    const auto next = std::move(m_afterLoad);
                    m_afterLoad = nullptr;
                    next();
                }
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
        setError(say(QT_TR_NOOP("The model could not be loaded: %1"), {UiText::of(error)}));
        Q_EMIT modelLoadFailed(error);
    });
    connect(m_worker, &InferenceWorker::finished, this, &ChatController::onFinished);
    connect(m_worker, &InferenceWorker::failed, this, &ChatController::onFailed);
    connect(m_worker, &InferenceWorker::contextFull, this, &ChatController::onContextFull);
    connect(this, &ChatController::requestCount, m_worker, &InferenceWorker::countTokens);
    connect(m_worker, &InferenceWorker::tokensCounted, this, [this](int serial, qint64 tokens, qint64 nCtx) {
        if (serial == m_countSerial) {
            m_draftTokens = tokens;
            m_draftContext = nCtx;
            Q_EMIT draftTokensChanged();
        }
    });
    connect(this, &ChatController::requestServer, m_worker, &InferenceWorker::configureServer);
    connect(m_worker, &InferenceWorker::serverStateChanged, this,
            [this](bool running, const QString& url, const QString& error) {
                m_serverUrl = running ? url : QString();
                m_serverError = error;
                Q_EMIT serverChanged();
            });
    m_thread.setObjectName(QStringLiteral("inference"));
    m_thread.start();
    applyServerSettings();

    m_remoteWorker = new RemoteWorker(&m_buffer, &m_cancel);
    m_remoteWorker->moveToThread(&m_remoteThread);
    connect(&m_remoteThread, &QThread::finished, m_remoteWorker, &QObject::deleteLater);
    connect(this, &ChatController::requestRemoteGenerate, m_remoteWorker, &RemoteWorker::generate);
    connect(m_remoteWorker, &RemoteWorker::finished, this, &ChatController::onFinished);
    connect(m_remoteWorker, &RemoteWorker::failed, this, &ChatController::onFailed);
    m_remoteThread.setObjectName(QStringLiteral("remote"));
    m_remoteThread.start();

    m_frameTimer.setInterval(16);
    connect(&m_frameTimer, &QTimer::timeout, this, &ChatController::drainStream);

    refreshModels();
    reloadConversations();
}

ChatController::~ChatController() {
    m_cancel.store(true);
    m_remoteThread.quit();
    m_remoteThread.wait();
    m_thread.quit();
    m_thread.wait();
    m_storage.reset();  // runs what is still queued (the last writes) and closes the database
}

void ChatController::start(const QString& modelPath, bool openLatest) {
    const QSettings settings;
    const QString path = modelPath.isEmpty() ? settings.value(QStringLiteral("models/last")).toString() : modelPath;
    if (modelPath.isEmpty() && settings.value(QStringLiteral("models/source")).toString() == QLatin1String("remote")) {
        useRemoteModel(settings.value(QStringLiteral("models/remoteProvider")).toString(),
                       settings.value(QStringLiteral("models/remoteModel")).toString());
    } else if (!path.isEmpty() && (QFileInfo::exists(path) || !modelPath.isEmpty())) {
        loadModel(path);
    }
    if (openLatest) {
        m_storage->post(
            this,
            [](st::database& db) -> qint64 {
                // The most recently updated, pinned or not (the list puts pinned ones first).
                const auto list = st::conversation_store(db).list_conversations();
                const auto latest = std::max_element(
                    list.begin(), list.end(), [](const auto& a, const auto& b) { return a.updated_at < b.updated_at; });
                return latest == list.end() ? qint64{0} : static_cast<qint64>(latest->id);
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
    if (!m_modelsWatcher.directories().isEmpty()) {
        m_modelsWatcher.removePaths(m_modelsWatcher.directories());
    }
    m_modelsFolder = folder;
    QSettings().setValue(QStringLiteral("models/folder"), folder);
    if (QFileInfo(folder).isDir()) {
        m_modelsWatcher.addPath(folder);
    }
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
        setError(say(QT_TR_NOOP("Conversations cannot be saved: %1"), {UiText::of(m_storageError)}));
        return false;
    }
    return true;
}

void ChatController::setError(const UiText& text) {
    m_errorText = text;
    Q_EMIT errorTextChanged();
}

void ChatController::setError(const QString& text) { setError(UiText::plain(text)); }

UiText ChatController::say(const char* source, QList<UiText> args) {
    return UiText::translated(staticMetaObject, source, std::move(args));
}

bool ChatController::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::LanguageChange && watched == QCoreApplication::instance() && !m_errorText.isEmpty()) {
        Q_EMIT errorTextChanged();  // read again, in the new language
    }
    return false;
}

void ChatController::clearError() { setError(UiText{}); }

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
    m_remote = false;
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
                // The sentence in the user's language; the engine's (English) finding as a detail.
                return tr("%1 is not a usable GGUF model.").arg(QFileInfo(source).fileName()) + QLatin1Char('\n') +
                       tr("Details: %1").arg(QString::fromStdString(e.what()));
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
            // The page the import was started from shows the error (Models page or chat).
            if (error.isEmpty()) {
                refreshModels();
            }
            Q_EMIT modelImported(error.isEmpty(), target, error);
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

void ChatController::useRemoteModel(const QString& providerId, const QString& model) {
    if (m_providers == nullptr || model.isEmpty() || !m_providers->endpoint(providerId, model)) {
        return;
    }
    if (generating()) {
        stop();
    }
    if (!m_remote && (!m_modelPath.isEmpty() || m_loadTicket != 0)) {
        m_loadTicket = 0;  // a load under way is given up
        QMetaObject::invokeMethod(m_worker, &InferenceWorker::unload, Qt::QueuedConnection);
        Q_EMIT loadingChanged();
    }
    m_remote = true;
    m_remoteProviderId = providerId;
    m_modelName = model;
    m_modelPath.clear();
    m_contextSize = 0;
    m_contextUsed = 0;
    const QString lower = model.toLower();
    m_reasoningModel = lower.contains(QStringLiteral("reasoner")) || lower.contains(QStringLiteral("r1"));
    QSettings settings;
    settings.setValue(QStringLiteral("models/source"), QStringLiteral("remote"));
    settings.setValue(QStringLiteral("models/remoteProvider"), providerId);
    settings.setValue(QStringLiteral("models/remoteModel"), model);
    Q_EMIT modelChanged();
    Q_EMIT statsChanged();
}

QString ChatController::remoteProviderName() const {
    if (!m_remote || m_providers == nullptr) {
        return {};
    }
    const auto e = m_providers->endpoint(m_remoteProviderId, m_modelName);
    return e ? e->providerName : QString();
}

void ChatController::applyServerSettings() {
    Q_EMIT requestServer(m_serverEnabled, m_serverHost, m_serverPort, m_serverApiKey);
}

void ChatController::setServerEnabled(bool on) {
    if (on == m_serverEnabled) {
        return;
    }
    m_serverEnabled = on;
    QSettings().setValue(QStringLiteral("server/enabled"), on);
    Q_EMIT serverChanged();
    applyServerSettings();
}

void ChatController::serverSettingChanged(const QString& key, const QVariant& value) {
    QSettings settings;
    settings.setValue(key, value);
    keepSettingsPrivate(settings);  // the server's key is among them
    Q_EMIT serverChanged();
    if (m_serverEnabled) {
        applyServerSettings();  // a running server restarts with it
    }
}

void ChatController::setServerHost(const QString& host) {
    if (host.trimmed() == m_serverHost || host.trimmed().isEmpty()) {
        return;
    }
    m_serverHost = host.trimmed();
    serverSettingChanged(QStringLiteral("server/host"), m_serverHost);
}

void ChatController::setServerPort(int port) {
    if (port == m_serverPort || port < 0 || port > 65535) {
        return;
    }
    m_serverPort = port;
    serverSettingChanged(QStringLiteral("server/port"), port);
}

void ChatController::setServerApiKey(const QString& key) {
    if (key == m_serverApiKey) {
        return;
    }
    m_serverApiKey = key;
    serverSettingChanged(QStringLiteral("server/apiKey"), key);
}

QString ChatController::serverExample() const {
    const QString url =
        m_serverUrl.isEmpty() ? QStringLiteral("http://%1:%2/v1").arg(m_serverHost).arg(m_serverPort) : m_serverUrl;
    QString example = QStringLiteral("curl %1/chat/completions \\\n").arg(url);
    if (!m_serverApiKey.isEmpty()) {
        example += QStringLiteral("  -H \"Authorization: Bearer %1\" \\\n").arg(m_serverApiKey);
    }
    example += QStringLiteral(
                   "  -H \"Content-Type: application/json\" \\\n"
                   "  -d '{\"model\": \"%1\", \"stream\": true, "
                   "\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}'")
                   .arg(m_modelName.isEmpty() || m_remote ? QStringLiteral("local") : m_modelName);
    return example;
}

void ChatController::onContextFull(qint64 messageId, qint64 needed, qint64 nCtx) {
    m_contextProblem = {{QStringLiteral("messageId"), messageId},
                        {QStringLiteral("needed"), needed},
                        {QStringLiteral("nCtx"), nCtx},
                        {QStringLiteral("suggested"), 0},
                        {QStringLiteral("byMemory"), 0}};
    Q_EMIT contextProblemChanged();
    // What the model and the memory allow, read off the GUI thread; room for an answer too.
    const qint64 wanted = needed + std::min<qint64>(m_maxTokens, std::max<qint64>(1024, needed / 4));
    runOffThread(
        this, [path = m_modelPath, wanted] { return contextFor(path, wanted); },
        [this, messageId, nCtx](const QVariantMap& limits) {
            if (m_contextProblem.value(QStringLiteral("messageId")).toLongLong() != messageId) {
                return;  // solved or dismissed meanwhile
            }
            const qint64 suggested = limits.value(QStringLiteral("suggested")).toLongLong();
            m_contextProblem[QStringLiteral("suggested")] = suggested > nCtx ? suggested : 0;
            m_contextProblem[QStringLiteral("byMemory")] = limits.value(QStringLiteral("byMemory"));
            Q_EMIT contextProblemChanged();
        });
}

QUrl ChatController::startFolder(const QString& kind) const {
    const auto type =
        kind == QLatin1String("downloads") ? QStandardPaths::DownloadLocation : QStandardPaths::DocumentsLocation;
    const QString folder = QStandardPaths::writableLocation(type);
    return QUrl::fromLocalFile(QFileInfo(folder).isDir() ? folder : QDir::homePath());
}

}  // namespace deepdesk::app
