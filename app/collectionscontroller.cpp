// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/collectionscontroller.h"

#include <QDesktopServices>
#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>

#include <optional>

#include "app/attachments.h"
#include "app/embedding.h"
#include "app/settings.h"
#include "app/storagethread.h"
#include "storage/collections.h"
#include "storage/database.h"

namespace deepdesk::app {
namespace st = deepdesk::storage;
namespace {

// Files as the app reads attachments (PDF too).
st::extracted_text extractForIndex(const std::filesystem::path& path) {
    const AttachmentFile a = readDocument(QString::fromStdString(path.string()));
    return {a.text.toStdString(), a.error.toStdString()};
}

QStringList errorsOf(const st::collection& c) {
    QStringList out;
    for (const auto& [file, why] : c.skipped) {
        out << QString::fromStdString(file + ": " + why);
    }
    return out;
}

QVariantMap toMap(const st::collection& c) {
    return {{QStringLiteral("id"), static_cast<qint64>(c.id)},
            {QStringLiteral("name"), QString::fromStdString(c.name)},
            {QStringLiteral("folder"), QString::fromStdString(c.folder)},
            {QStringLiteral("files"), static_cast<qint64>(c.files)},
            {QStringLiteral("chunks"), static_cast<qint64>(c.chunks)},
            {QStringLiteral("vectors"), static_cast<qint64>(c.vectors)},
            {QStringLiteral("phase"), QStringLiteral("reading")},
            {QStringLiteral("indexedAt"), static_cast<qint64>(c.indexed_at)},
            {QStringLiteral("indexing"), false},
            {QStringLiteral("done"), 0},
            {QStringLiteral("total"), 0},
            {QStringLiteral("current"), QString()},
            {QStringLiteral("errors"), errorsOf(c)}};
}

// A collection's folder and those under it, hidden ones left out, at most 2,000.
QStringList foldersIn(const QString& folder) {
    QStringList dirs{folder};
    QDirIterator it(folder, QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext() && dirs.size() < 2000) {
        const QString d = it.next();
        if (!d.mid(folder.size()).contains(QStringLiteral("/."))) {
            dirs << d;
        }
    }
    return dirs;
}

}  // namespace

CollectionsController::CollectionsController(StorageThread* storage, Settings* settings, QString databasePath,
                                             QObject* parent)
    : QObject(parent), m_storage(storage), m_settings(settings), m_databasePath(std::move(databasePath)) {
    m_changed.setSingleShot(true);
    m_changed.setInterval(2000);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, [this](const QString& dir) {
        m_changedDirs.insert(dir);
        m_changed.start();
    });
    connect(&m_changed, &QTimer::timeout, this, [this] {
        // Only the collections the changed folders belong to.
        for (const QVariant& v : m_collections) {
            const QVariantMap m = v.toMap();
            const QString folder = m.value(QStringLiteral("folder")).toString();
            for (const QString& dir : std::as_const(m_changedDirs)) {
                if (dir == folder || dir.startsWith(folder + QLatin1Char('/'))) {
                    reindex(m.value(QStringLiteral("id")).toLongLong());
                    break;
                }
            }
        }
        m_changedDirs.clear();
    });
}

CollectionsController::~CollectionsController() {
    m_stop.store(true);
    if (m_worker.joinable()) {
        m_worker.join();
    }
}

void CollectionsController::start() { refresh(); }

void CollectionsController::refresh() {
    const int serial = ++m_listSerial;
    m_storage->post(
        this, [](st::database& db) { return st::collection_index(db).list(); },
        [this, serial](const std::vector<st::collection>& list) {
            if (serial != m_listSerial) {
                return;  // read before a later change of the list
            }
            QVariantList next;
            for (const auto& c : list) {
                QVariantMap m = toMap(c);
                // A collection being indexed keeps its progress.
                for (const QVariant& old : m_collections) {
                    const QVariantMap o = old.toMap();
                    if (o.value(QStringLiteral("id")) == m.value(QStringLiteral("id"))) {
                        for (const char* k : {"indexing", "phase", "done", "total", "current"}) {
                            m.insert(QLatin1String(k), o.value(QLatin1String(k)));
                        }
                    }
                }
                next.append(m);
            }
            m_collections = next;
            watch();
            Q_EMIT collectionsChanged();
        });
}

void CollectionsController::watch() {
    // What to watch: the folders the worker found for each collection still listed.
    QSet<QString> wanted;
    for (const QVariant& v : m_collections) {
        const qint64 id = v.toMap().value(QStringLiteral("id")).toLongLong();
        const auto dirs = m_dirsOf.find(id);
        if (dirs != m_dirsOf.end()) {
            for (const QString& d : dirs->second) {
                wanted.insert(d);
            }
        } else if (!queued(id)) {
            enqueue({id, true});  // not looked at yet this run (at start): find its folders
        }
    }
    const QStringList current = m_watcher.directories();
    QStringList gone, added;
    for (const QString& d : current) {
        if (!wanted.contains(d)) {
            gone << d;
        }
    }
    const QSet<QString> have(current.begin(), current.end());
    for (const QString& d : std::as_const(wanted)) {
        if (!have.contains(d) && have.size() + added.size() - gone.size() < 2000) {  // inotify watches are shared
            added << d;
        }
    }
    if (!gone.isEmpty()) {
        m_watcher.removePaths(gone);
    }
    if (!added.isEmpty()) {
        m_watcher.addPaths(added);
    }
}

bool CollectionsController::queued(qint64 id, bool indexing) const {
    if (m_running && m_runningId == id && (!indexing || !m_runningWatchOnly)) {
        return true;
    }
    return std::any_of(m_jobs.begin(), m_jobs.end(),
                       [&](const Job& j) { return j.id == id && (!indexing || !j.watchOnly); });
}

void CollectionsController::addFolder(const QUrl& folder, const QString& name) {
    const QString path = folder.isLocalFile() ? folder.toLocalFile() : folder.toString();
    if (!QFileInfo(path).isDir()) {
        Q_EMIT failed(tr("%1 is not a folder.").arg(path));
        return;
    }
    const std::string named = (name.trimmed().isEmpty() ? QDir(path).dirName() : name.trimmed()).toStdString();
    using Made = std::pair<std::optional<st::collection>, QString>;
    ++m_creating;
    m_storage->post(
        this,
        [named, folder = path.toStdString()](st::database& db) -> Made {
            try {
                st::collection_index index(db);
                return {index.find(index.create(named, folder)), {}};
            } catch (const std::exception& e) {
                return {std::nullopt, QString::fromStdString(e.what())};
            }
        },
        [this](const Made& made) {
            --m_creating;
            if (!made.first) {
                Q_EMIT failed(made.second);
                return;
            }
            ++m_listSerial;  // a list read before this is out of date
            m_collections.append(toMap(*made.first));
            Q_EMIT collectionsChanged();
            reindex(made.first->id);
        });
}

void CollectionsController::reindex(qint64 id) {
    for (const Job& j : m_jobs) {
        if (j.id == id && !j.watchOnly) {
            return;  // already waiting
        }
    }
    enqueue({id, false});
}

void CollectionsController::remove(qint64 id) {
    m_storage->post(
        this, [id](st::database& db) { st::collection_index(db).remove(id); }, [this] { refresh(); });
}

bool CollectionsController::openSource(qint64 collectionId, const QString& path) {
    for (const QVariant& v : m_collections) {
        const QVariantMap m = v.toMap();
        if (m.value(QStringLiteral("id")).toLongLong() != collectionId) {
            continue;
        }
        const QDir root(m.value(QStringLiteral("folder")).toString());
        const QString file = QFileInfo(root.filePath(path)).canonicalFilePath();
        if (file.isEmpty() || !file.startsWith(root.canonicalPath() + QLatin1Char('/'))) {
            return false;  // never a path outside the folder the user chose
        }
        return QDesktopServices::openUrl(QUrl::fromLocalFile(file));
    }
    return false;
}

QString CollectionsController::embeddingModel() const {
    return m_settings->value(Settings::Key::EmbeddingModel).toString();
}

void CollectionsController::setEmbeddingModel(const QUrl& file) {
    const QString path = file.isEmpty() ? QString() : file.isLocalFile() ? file.toLocalFile() : file.toString();
    if (path == embeddingModel() && m_embeddingError.isEmpty()) {
        return;
    }
    m_settings->set(Settings::Key::EmbeddingModel, path);
    ++m_embeddingSerial;  // a run embedding with the old choice stops
    {
        const std::lock_guard lock(m_embeddingMutex);
        m_embedding.reset();
    }
    m_embeddingError.clear();
    Q_EMIT embeddingChanged();
    if (path.isEmpty()) {
        return;
    }
    for (const QVariant& v : std::as_const(m_collections)) {
        reindex(v.toMap().value(QStringLiteral("id")).toLongLong());
    }
    if (m_collections.isEmpty()) {
        enqueue({0, true});  // open it now, to say at once when it cannot be used
    }
}

std::shared_ptr<Embedding> CollectionsController::embedding() const {
    const std::lock_guard lock(m_embeddingMutex);
    return m_embedding;
}

std::shared_ptr<Embedding> CollectionsController::openEmbedding(const QString& path) {
    {
        const std::lock_guard lock(m_embeddingMutex);
        if (m_embedding && m_embedding->path() == path.toStdString()) {
            return m_embedding;
        }
    }
    QString error;
    std::shared_ptr<Embedding> opened;
    try {
        opened = Embedding::open(path.toStdString(), m_settings->threads());
    } catch (const std::exception& e) {
        error = tr("The embedding model cannot be used: %1").arg(QString::fromStdString(e.what()));
    }
    {
        const std::lock_guard lock(m_embeddingMutex);
        m_embedding = opened;
    }
    QMetaObject::invokeMethod(
        this,
        [this, error, path] {
            if (path == embeddingModel()) {
                m_embeddingError = error;
                Q_EMIT embeddingChanged();
            }
        },
        Qt::QueuedConnection);
    return opened;
}

void CollectionsController::enqueue(Job job) {
    m_jobs.push_back(std::move(job));
    runNext();
}

void CollectionsController::setProgress(qint64 id, qint64 done, qint64 total, const QString& current, bool embedding) {
    for (QVariant& v : m_collections) {
        QVariantMap m = v.toMap();
        if (m.value(QStringLiteral("id")).toLongLong() == id) {
            m.insert(QStringLiteral("indexing"), total >= 0);
            m.insert(QStringLiteral("phase"), embedding ? QStringLiteral("embedding") : QStringLiteral("reading"));
            m.insert(QStringLiteral("done"), done);
            m.insert(QStringLiteral("total"), std::max<qint64>(total, 0));
            m.insert(QStringLiteral("current"), current);
            v = m;
            Q_EMIT collectionsChanged();
            return;
        }
    }
}

void CollectionsController::runNext() {
    if (m_running || m_jobs.empty()) {
        return;
    }
    if (m_worker.joinable()) {
        m_worker.join();
    }
    m_running = true;
    const Job job = m_jobs.front();
    m_jobs.pop_front();
    m_runningId = job.id;
    m_runningWatchOnly = job.watchOnly;
    m_worker = std::thread([this, job, path = m_databasePath.toStdString(), embeddingPath = embeddingModel(),
                            serial = m_embeddingSerial.load()] {
        const qint64 id = job.id;
        QString summary, error;
        QStringList dirs;
        try {
            const std::shared_ptr<Embedding> embedding =
                embeddingPath.isEmpty() ? nullptr : openEmbedding(embeddingPath);
            st::database db(path);
            st::collection_index index(db);
            // The folders to watch are found here, not on the GUI thread (a large tree takes a while).
            if (const auto c = index.find(id)) {
                dirs = foldersIn(QString::fromStdString(c->folder));
            }
            QElapsedTimer since;
            since.start();
            // Passages without a vector of the chosen model get one (after indexing, or at start
            // when a run was cut short).
            const auto embedMissing = [&]() -> st::embed_result {
                if (!embedding || m_stop.load()) {
                    return {};
                }
                since.restart();
                return index.embed(
                    id, embedding->key(), [&](const std::string& text) { return embedding->passage(text, &m_stop); },
                    [&](const st::index_progress& p) {
                        if (since.elapsed() >= 100 || p.done == 0) {
                            since.restart();
                            QMetaObject::invokeMethod(
                                this,
                                [this, id, done = static_cast<qint64>(p.done), total = static_cast<qint64>(p.total),
                                 current = QString::fromStdString(p.current)] {
                                    setProgress(id, done, total, current, true);
                                },
                                Qt::QueuedConnection);
                        }
                        return !m_stop.load() && m_embeddingSerial.load() == serial;
                    });
            };
            const auto c = index.find(id);
            const bool lacksVectors =
                embedding && c && (c->embedding_model != embedding->key() || c->vectors < c->chunks);
            if (job.watchOnly && !lacksVectors) {
                QMetaObject::invokeMethod(
                    this,
                    [this, id, dirs] {
                        m_running = false;
                        m_dirsOf[id] = dirs;
                        watch();
                        runNext();
                    },
                    Qt::QueuedConnection);
                return;
            }
            st::index_result r;
            if (!job.watchOnly) {
                r = index.index(id, extractForIndex, [&](const st::index_progress& p) {
                    if (since.elapsed() >= 100 || p.done == 0) {  // at most ten updates a second
                        since.restart();
                        QMetaObject::invokeMethod(
                            this,
                            [this, id, done = static_cast<qint64>(p.done), total = static_cast<qint64>(p.total),
                             current = QString::fromStdString(p.current)] { setProgress(id, done, total, current); },
                            Qt::QueuedConnection);
                    }
                    return !m_stop.load();
                });
            }
            const st::embed_result embedded = embedMissing();
            if (!job.watchOnly) {
                summary = tr("%1 added, %2 updated, %3 removed, %4 unchanged, %5 skipped")
                              .arg(r.added)
                              .arg(r.updated)
                              .arg(r.removed)
                              .arg(r.unchanged)
                              .arg(r.failed);
            }
            if (embedded.total > 0) {
                summary += (summary.isEmpty() ? QString() : QStringLiteral("; ")) +
                           tr("%1 of %2 passages given vectors").arg(embedded.embedded).arg(embedded.total);
            }
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this,
            [this, id, summary, error, dirs] {
                m_running = false;
                m_dirsOf[id] = dirs;
                setProgress(id, 0, -1, {});  // the files skipped, with why, come with the list read next
                if (!error.isEmpty()) {
                    Q_EMIT failed(error);
                } else {
                    Q_EMIT indexed(id, summary);
                }
                refresh();
                runNext();
            },
            Qt::QueuedConnection);
    });
}

bool CollectionsController::waitIdle(int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while ((m_running || !m_jobs.empty() || m_creating > 0) && t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    m_storage->flush();
    QCoreApplication::processEvents();
    return !m_running && m_jobs.empty() && m_creating == 0;
}

}  // namespace deepdesk::app
