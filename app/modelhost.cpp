// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/modelhost.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <algorithm>
#include <filesystem>

#include "app/inferenceworker.h"
#include "app/memory.h"
#include "app/offthread.h"
#include "app/providers.h"
#include "app/settings.h"
#include "engine/gguf.h"
#include "engine/model.h"

namespace deepdesk::app {

std::pair<QString, int> splitParts(const QString& file) {
    static const QRegularExpression re(QStringLiteral("^(.*)-(\\d{5})-of-(\\d{5})\\.gguf$"));
    const auto m = re.match(file);
    if (!m.hasMatch()) {
        return {{}, 0};
    }
    return {m.captured(1), m.captured(3).toInt()};
}

ModelHost::ModelHost(Settings* settings, ProvidersController* providers, QObject* parent)
    : QObject(parent), m_settings(settings), m_providers(providers) {
    // A GGUF file copied into (or removed from) the models folder shows in the list at once; a
    // burst of changes (a copy in progress) is read once it settles.
    m_rescan.setSingleShot(true);
    m_rescan.setInterval(300);
    connect(&m_rescan, &QTimer::timeout, this, &ModelHost::refreshModels);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this] { m_rescan.start(); });
    setModelsFolder(m_settings->modelsFolder());
    connect(m_settings, &Settings::valueChanged, this, [this](Settings::Key key) {
        if (key == Settings::Key::ModelsFolder) {
            setModelsFolder(m_settings->modelsFolder());
        }
    });

    m_worker = new InferenceWorker(&m_loadTicket);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &InferenceWorker::loaded, this,
            [this](int ticket, const QString& name, const QString&, qint64 nCtx, bool reasoning,
                   const QString& thinkingKind) {
                if (ticket != m_loadTicket) {
                    return;  // given up on; a later load replaces it
                }
                m_loadTicket = 0;
                m_modelName = name;
                m_modelPath = m_pendingPath;
                m_contextSize = nCtx;
                // R1 and its distills: DeepSeek's advice is temperature 0.6 and no system prompt.
                m_reasoningModel = reasoning;
                m_thinkingKind = thinkingKind;
                if (reasoning) {
                    m_settings->adviseTemperature(0.6);
                }
                m_settings->set(Settings::Key::LastModel, m_modelPath);
                m_settings->set(Settings::Key::ChatSource, QStringLiteral("local"));
                Q_EMIT loadingChanged();
                Q_EMIT modelChanged();
                Q_EMIT modelReady();
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
        Q_EMIT modelLoadFailed(error);
    });
    connect(m_worker, &InferenceWorker::tokensCounted, this, &ModelHost::tokensCounted);
    m_thread.setObjectName(QStringLiteral("inference"));
    m_thread.start();
    refreshModels();
}

ModelHost::~ModelHost() {
    m_loadTicket = 0;  // a load under way stops
    m_thread.quit();
    m_thread.wait();
}

void ModelHost::waitForEngine() {
    if (m_thread.isRunning()) {
        QMetaObject::invokeMethod(
            m_worker, [] {}, Qt::BlockingQueuedConnection);
    }
}

void ModelHost::start(const QString& modelPath) {
    const QString path = modelPath.isEmpty() ? m_settings->value(Settings::Key::LastModel).toString() : modelPath;
    if (modelPath.isEmpty() && m_settings->value(Settings::Key::ChatSource).toString() == QLatin1String("remote")) {
        useRemoteModel(m_settings->value(Settings::Key::RemoteProvider).toString(),
                       m_settings->value(Settings::Key::RemoteModel).toString());
    } else if (!path.isEmpty() && (QFileInfo::exists(path) || !modelPath.isEmpty())) {
        loadModel(path);
    }
}

void ModelHost::setModelsFolder(const QString& folder) {
    if (folder == m_modelsFolder) {
        return;
    }
    if (!m_watcher.directories().isEmpty()) {
        m_watcher.removePaths(m_watcher.directories());
    }
    m_modelsFolder = folder;
    QDir().mkpath(folder);
    if (QFileInfo(folder).isDir()) {
        m_watcher.addPath(folder);
    }
    refreshModels();
}

void ModelHost::refreshModels() {
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

QVariantMap ModelHost::estimate(const QString& path, qint64 contextLength) {
    QVariantMap out;
    try {
        const auto m = deepdesk::model::load(path.toStdString());
        const auto weights = static_cast<qint64>(m->file().total_bytes());
        const qint64 ctx = std::min<qint64>(contextLength, m->config().n_ctx_train);
        const auto perToken = static_cast<qint64>(m->impl().kv_bytes_per_token());
        const qint64 needed = memory::needed(weights, perToken, ctx);
        const qint64 available = memory::machine().availableBytes;
        out[QStringLiteral("weightsBytes")] = weights;
        out[QStringLiteral("kvBytes")] = perToken * ctx;
        out[QStringLiteral("totalBytes")] = needed;
        out[QStringLiteral("availableBytes")] = available;
        out[QStringLiteral("fits")] = available == 0 || needed < available;
    } catch (const std::exception& e) {
        out[QStringLiteral("error")] = QString::fromStdString(e.what());
    }
    return out;
}

QVariantMap ModelHost::contextFor(const QString& path, qint64 wanted) {
    QVariantMap out;
    try {
        const auto m = deepdesk::model::load(path.toStdString());
        const auto weights = static_cast<qint64>(m->file().total_bytes());
        const qint64 perToken = std::max<qint64>(1, static_cast<qint64>(m->impl().kv_bytes_per_token()));
        const qint64 trained = m->config().n_ctx_train;
        const qint64 available = memory::machine().availableBytes;
        const qint64 byMemory = available == 0 ? trained : memory::contextThatFits(available, weights, perToken);
        const qint64 ceiling = std::min(trained, byMemory) / 256 * 256;
        out[QStringLiteral("trained")] = trained;
        out[QStringLiteral("byMemory")] = byMemory;
        out[QStringLiteral("suggested")] = std::min((wanted + 1023) / 1024 * 1024, ceiling);
    } catch (const std::exception& e) {
        out[QStringLiteral("error")] = QString::fromStdString(e.what());
    }
    return out;
}

void ModelHost::loadChecked(const QString& path) {
    runOffThread(
        this,
        [path, contextLength = static_cast<qint64>(m_settings->contextLength())] {
            return estimate(path, contextLength);
        },
        [this, path](const QVariantMap& est) {
            if (est.contains(QStringLiteral("error")) || est.value(QStringLiteral("fits")).toBool()) {
                loadModel(path);  // a file that cannot be read: the worker reports it in full
            } else {
                Q_EMIT memoryWarning(path, est);
            }
        });
}

void ModelHost::loadModel(const QString& path) {
    Q_EMIT aboutToSwitch();
    m_remote = false;
    m_loadTicket = m_nextTicket++;
    m_pendingPath = path;
    m_loadProgress = 0.0;
    Q_EMIT loadProgressChanged();
    m_modelName.clear();  // the worker drops the old model first
    Q_EMIT modelChanged();
    Q_EMIT loadingChanged();
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, path, nCtx = static_cast<qint64>(m_settings->contextLength()),
         threads = m_settings->threads(),
         ticket = static_cast<int>(m_loadTicket)] { worker->load(path, nCtx, threads, ticket); },
        Qt::QueuedConnection);
}

void ModelHost::cancelLoad() {
    if (m_loadTicket == 0) {
        return;
    }
    m_loadTicket = 0;
    QMetaObject::invokeMethod(m_worker, &InferenceWorker::unload, Qt::QueuedConnection);
    Q_EMIT loadingChanged();
}

void ModelHost::useRemoteModel(const QString& providerId, const QString& model) {
    if (m_providers == nullptr || model.isEmpty() || !m_providers->endpoint(providerId, model)) {
        return;
    }
    Q_EMIT aboutToSwitch();
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
    const QString lower = model.toLower();
    m_thinkingKind = remoteThinkingKind(model);
    m_reasoningModel = m_thinkingKind == QStringLiteral("r1");
    m_settings->set(Settings::Key::ChatSource, QStringLiteral("remote"));
    m_settings->set(Settings::Key::RemoteProvider, providerId);
    m_settings->set(Settings::Key::RemoteModel, model);
    Q_EMIT modelChanged();
}

QString ModelHost::remoteThinkingKind(const QString& model) {
    const QString lower = model.toLower();
    if (lower.contains(QStringLiteral("reasoner")) || lower.contains(QStringLiteral("r1"))) {
        return QStringLiteral("r1");
    }
    for (const char* hybrid : {"deepseek-chat", "v3.1", "v3.2", "v3-1", "v3-2", "qwen3", "think"}) {
        if (lower.contains(QLatin1String(hybrid))) {
            return QStringLiteral("hybrid");
        }
    }
    return {};
}

QString ModelHost::remoteProviderName() const {
    const auto e = remoteEndpoint();
    return e ? e->providerName : QString();
}

std::optional<RemoteEndpoint> ModelHost::remoteEndpoint() const {
    if (!m_remote || m_providers == nullptr) {
        return std::nullopt;
    }
    auto e = m_providers->endpoint(m_remoteProviderId, m_modelName);
    if (e) {
        e->reasoningModel = m_reasoningModel;
        e->thinkingKind = m_thinkingKind;
    }
    return e;
}

void ModelHost::importModel(const QUrl& file) {
    const QString source = file.isLocalFile() ? file.toLocalFile() : file.toString();
    const QString target = QDir(m_modelsFolder).filePath(QFileInfo(source).fileName());
    // The engine reads the file's header off the GUI thread.
    runOffThread(
        this,
        [source, target]() -> QString {
            try {
                // Refuse what the engine cannot load: the header, the architecture and every
                // hyperparameter are read as a load reads them (the weights are only mapped).
                (void)deepdesk::model::load(source.toStdString());
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

QString ModelHost::deleteModel(const QString& path) {
    const QFileInfo info(path);
    // Only files in the models folder, and every part of a split model.
    if (QDir(info.absolutePath()) != QDir(m_modelsFolder) || !path.endsWith(QStringLiteral(".gguf"))) {
        return tr("Only models in the models folder can be deleted here.");
    }
    if (m_modelPath == path) {
        return tr("%1 is loaded; choose another model first.").arg(info.fileName());
    }
    QStringList files{path};
    const auto [stem, parts] = splitParts(info.fileName());
    for (int i = 1; i <= parts; ++i) {
        files << QDir(info.absolutePath())
                     .filePath(QStringLiteral("%1-%2-of-%3.gguf")
                                   .arg(stem)
                                   .arg(i, 5, 10, QLatin1Char('0'))
                                   .arg(parts, 5, 10, QLatin1Char('0')));
    }
    bool ok = true;
    for (const QString& f : files) {
        if (QFile::exists(f) && !QFile::remove(f)) {
            ok = false;
        }
    }
    refreshModels();
    return ok ? QString() : tr("%1 could not be deleted.").arg(info.fileName());
}

void ModelHost::countTokens(const std::vector<deepdesk::chat_message>& messages, int serial) {
    QMetaObject::invokeMethod(
        m_worker, [worker = m_worker, messages, serial] { worker->countTokens(messages, serial); },
        Qt::QueuedConnection);
}

}  // namespace deepdesk::app
