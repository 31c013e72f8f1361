// SPDX-License-Identifier: GPL-3.0-or-later
// DownloadManager: the queue (the list the window shows, kept in the database) and what the user
// does with it. The transfers themselves are in downloadtransfer.cpp.
#include "app/downloadmanager.h"

#include <QCoreApplication>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QStorageInfo>

#include <algorithm>
#include <utility>

#include "app/offthread.h"
#include "engine/gguf.h"
#include "storage/download_queue.h"

namespace deepdesk::app {
namespace {

QString stateName(DownloadManager::State s) {
    switch (s) {
    case DownloadManager::State::Queued: return QStringLiteral("queued");
    case DownloadManager::State::Downloading: return QStringLiteral("downloading");
    case DownloadManager::State::Paused: return QStringLiteral("paused");
    case DownloadManager::State::Verifying: return QStringLiteral("verifying");
    case DownloadManager::State::Done: return QStringLiteral("done");
    case DownloadManager::State::Failed: return QStringLiteral("failed");
    }
    return QStringLiteral("queued");
}

DownloadManager::State stateFrom(const QString& s) {
    if (s == QStringLiteral("paused") || s == QStringLiteral("downloading") || s == QStringLiteral("verifying")) {
        return DownloadManager::State::Paused;  // an interrupted download waits for the user
    }
    if (s == QStringLiteral("done")) {
        return DownloadManager::State::Done;
    }
    if (s == QStringLiteral("failed")) {
        return DownloadManager::State::Failed;
    }
    return DownloadManager::State::Queued;
}

}  // namespace

bool DownloadManager::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::LanguageChange && watched == QCoreApplication::instance() && !m_items.empty()) {
        Q_EMIT dataChanged(index(0), index(static_cast<int>(m_items.size()) - 1), {ErrorRole, NoteRole});
    }
    return false;
}

DownloadManager::DownloadManager(const QString& modelsFolder, StorageThread* storage, QObject* parent)
    : QAbstractListModel(parent), m_modelsFolder(modelsFolder), m_storage(storage) {
    if (QCoreApplication::instance() != nullptr) {
        QCoreApplication::instance()->installEventFilter(this);
    }
    // The queue lives in the app's database, read and written on the storage thread (the GUI never
    // waits on it); if it cannot be opened (the chat view reports why), downloads still work for
    // this run.
    connect(m_storage, &StorageThread::opened, this, [](const QString& error) {
        if (!error.isEmpty()) {
            qWarning("downloads: the queue will not be kept: %s", qPrintable(error));
        }
    });
    m_freeSpace = [](const QString& dir) { return QStorageInfo(dir).bytesAvailable(); };
    m_network.setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    m_stallTimer.setSingleShot(true);
    connect(&m_stallTimer, &QTimer::timeout, this, [this] {
        if (m_active) {
            m_stalled = true;
            m_active->abort();
        }
    });
    m_clock.start();
    m_jitter = [] { return QRandomGenerator::global()->generateDouble(); };
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &DownloadManager::startNext);
    m_speedTimer.setInterval(1000);
    connect(&m_speedTimer, &QTimer::timeout, this, [this] {
        if (Item* it = find(m_activeId)) {
            const double secs = static_cast<double>(m_speedClock.restart()) / 1000.0;
            it->bytesPerSecond = secs > 0 ? static_cast<double>(m_speedBytes) / secs : 0.0;
            m_speedBytes = 0;
            changed(*it);
        }
    });
    load();
}

DownloadManager::~DownloadManager() {
    m_hashStop = true;
    if (m_hashThread.joinable()) {
        m_hashThread.join();
    }
    if (m_active) {
        m_active->disconnect(this);
        m_active->abort();
    }
    save();  // written by the storage thread, which outlives the manager
}

int DownloadManager::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_items.size());
}

QVariant DownloadManager::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) {
        return {};
    }
    const Item& it = m_items[static_cast<std::size_t>(index.row())];
    switch (role) {
    case IdRole: return it.id;
    case ModelNameRole: return it.modelName;
    case FileNameRole: return it.fileName;
    case StateRole: return stateName(it.state);
    case ReceivedRole: return it.received;
    case TotalRole: return it.total;
    case ProgressRole: return it.total > 0 ? static_cast<double>(it.received) / static_cast<double>(it.total) : 0.0;
    case SpeedRole: return it.bytesPerSecond;
    case EtaSecondsRole:
        return it.bytesPerSecond > 0 && it.total > 0
                   ? static_cast<qint64>(static_cast<double>(it.total - it.received) / it.bytesPerSecond)
                   : qint64{-1};
    case ErrorRole: return it.error.text();
    case NoteRole: return it.note.text();
    default: return {};
    }
}

QHash<int, QByteArray> DownloadManager::roleNames() const {
    return {{IdRole, "downloadId"},
            {ModelNameRole, "modelName"},
            {FileNameRole, "fileName"},
            {StateRole, "downloadState"},
            {ReceivedRole, "received"},
            {TotalRole, "total"},
            {ProgressRole, "progress"},
            {SpeedRole, "speed"},
            {EtaSecondsRole, "etaSeconds"},
            {ErrorRole, "error"},
            {NoteRole, "note"}};
}

DownloadManager::Item* DownloadManager::find(const QString& id) {
    for (auto& it : m_items) {
        if (it.id == id) {
            return &it;
        }
    }
    return nullptr;
}

int DownloadManager::rowOf(const QString& id) const {
    for (std::size_t i = 0; i < m_items.size(); ++i) {
        if (m_items[i].id == id) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

void DownloadManager::changed(const Item& item) {
    const int row = rowOf(item.id);
    if (row >= 0) {
        Q_EMIT dataChanged(index(row), index(row));
    }
}

QString DownloadManager::partPath(const Item& item) const {
    return QDir(m_modelsFolder).filePath(item.fileName + QStringLiteral(".part"));
}

QString DownloadManager::finalPath(const Item& item) const { return QDir(m_modelsFolder).filePath(item.fileName); }

bool DownloadManager::lockPart(const Item& item) {
    if (m_partLocks.count(item.id) != 0) {
        return true;
    }
    auto lock = std::make_unique<QLockFile>(partPath(item) + QStringLiteral(".lock"));
    lock->setStaleLockTime(0);  // held for as long as the download takes; a dead holder's lock is stale
    if (!lock->tryLock(0)) {
        return false;
    }
    m_partLocks.emplace(item.id, std::move(lock));
    return true;
}

void DownloadManager::save() {
    std::vector<deepdesk::storage::download_record> records;
    for (const auto& it : m_items) {
        QJsonObject o;
        o[QStringLiteral("id")] = it.id;
        o[QStringLiteral("modelName")] = it.modelName;
        o[QStringLiteral("url")] = it.url.toString();
        o[QStringLiteral("fileName")] = it.fileName;
        o[QStringLiteral("sha256")] = it.expectedSha256;
        o[QStringLiteral("size")] = it.expectedSize;
        o[QStringLiteral("group")] = it.group;
        o[QStringLiteral("repoUrl")] = it.repoUrl;
        o[QStringLiteral("state")] = stateName(it.state);
        o[QStringLiteral("error")] = it.error.toJson();
        o[QStringLiteral("note")] = it.note.toJson();
        o[QStringLiteral("etag")] = it.etag;
        records.push_back({it.id.toStdString(), QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString()});
    }
    // Only what this window changed: another DeepDesk using the same database keeps its entries
    // (and the saved queue, not yet read back at start, is not replaced).
    m_storage->post(
        [records = std::move(records), removed = std::exchange(m_removedIds, {})](deepdesk::storage::database& db) {
            deepdesk::storage::update_download_queue(db, records, removed);
        });
}

void DownloadManager::load() {
    m_storage->post(
        this, [](deepdesk::storage::database& db) { return deepdesk::storage::load_download_queue(db); },
        [this](const std::vector<deepdesk::storage::download_record>& records) { restore(records); });
}

void DownloadManager::restore(const std::vector<deepdesk::storage::download_record>& records) {
    std::vector<Item> items;
    for (const auto& r : records) {
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(r.state_json)).object();
        Item it;
        it.id = o.value(QStringLiteral("id")).toString();
        it.modelName = o.value(QStringLiteral("modelName")).toString();
        it.url = QUrl(o.value(QStringLiteral("url")).toString());
        it.fileName = QFileInfo(o.value(QStringLiteral("fileName")).toString()).fileName();  // no paths
        it.expectedSha256 = o.value(QStringLiteral("sha256")).toString();
        it.expectedSize = static_cast<qint64>(o.value(QStringLiteral("size")).toDouble(-1));
        it.group = o.value(QStringLiteral("group")).toString();
        it.repoUrl = o.value(QStringLiteral("repoUrl")).toString();
        it.state = stateFrom(o.value(QStringLiteral("state")).toString());
        it.error = UiText::fromJson(o.value(QStringLiteral("error")));
        it.note = UiText::fromJson(o.value(QStringLiteral("note")));
        it.etag = o.value(QStringLiteral("etag")).toString();
        if (it.id.isEmpty() || it.fileName.isEmpty() || !it.url.isValid()) {
            continue;
        }
        if (find(it.id) != nullptr) {
            continue;  // asked for again before the saved queue was read
        }
        it.total = it.expectedSize;
        it.received = QFileInfo(partPath(it)).size();
        items.push_back(std::move(it));
    }
    if (!items.empty()) {
        // The saved downloads come first, before any asked for since the start.
        beginInsertRows({}, 0, static_cast<int>(items.size()) - 1);
        m_items.insert(m_items.begin(), std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()));
        endInsertRows();
        Q_EMIT countChanged();
    }
    m_restored = true;
    Q_EMIT restored();
}

QString DownloadManager::enqueue(const QUrl& url, const QString& fileName, const QString& modelName,
                                 const QString& sha256, qint64 size, const QString& group, const QString& repoUrl) {
    const QString name = QFileInfo(fileName).fileName();
    if (Item* existing = find(name)) {
        if (existing->state == State::Failed || existing->state == State::Paused) {
            resume(name);
        }
        return name;
    }
    Item it;
    it.id = name;
    it.url = url;
    it.fileName = name;
    it.modelName = modelName.isEmpty() ? name : modelName;
    it.expectedSha256 = sha256.toLower();
    it.expectedSize = size;
    it.total = size;
    it.group = group.isEmpty() ? name : group;
    it.repoUrl = repoUrl;
    it.received = QFileInfo(partPath(it)).size();
    const int row = rowCount();
    beginInsertRows({}, row, row);
    m_items.push_back(std::move(it));
    endInsertRows();
    Q_EMIT countChanged();
    save();
    // Once control is back in the event loop, so that the parts of a split model enqueued together
    // are all known when the first starts (its free-space check covers them all); unless another
    // download is under way (a waiting retry does not hold it).
    QMetaObject::invokeMethod(this, &DownloadManager::startNext, Qt::QueuedConnection);
    return name;
}

void DownloadManager::pause(const QString& id) {
    Item* it = find(id);
    if (it == nullptr || (it->state != State::Downloading && it->state != State::Queued)) {
        return;
    }
    const bool wasActive = id == m_activeId && m_active;
    it->state = State::Paused;
    it->bytesPerSecond = 0;
    changed(*it);
    save();
    if (wasActive) {
        m_active->abort();  // onFinished sees the item paused and keeps the part
    }
}

void DownloadManager::resume(const QString& id) {
    Item* it = find(id);
    if (it == nullptr || (it->state != State::Paused && it->state != State::Failed)) {
        return;
    }
    it->state = State::Queued;
    it->error = {};
    it->retries = 0;
    it->retryAtMs = 0;
    changed(*it);
    save();
    startNext();
}

void DownloadManager::cancel(const QString& id) {
    const int row = rowOf(id);
    if (row < 0) {
        return;
    }
    if (id == m_activeId && m_active) {
        m_items[static_cast<std::size_t>(row)].state = State::Failed;  // so onFinished does not retry
        QNetworkReply* r = m_active;
        r->disconnect(this);
        r->abort();
        r->deleteLater();
        m_active = nullptr;
        m_activeId.clear();
        m_file.close();
        m_stallTimer.stop();
        m_speedTimer.stop();
        Q_EMIT busyChanged();
    }
    QFile::remove(partPath(m_items[static_cast<std::size_t>(row)]));
    m_partLocks.erase(id);
    m_removedIds.push_back(id.toStdString());
    beginRemoveRows({}, row, row);
    m_items.erase(m_items.begin() + row);
    endRemoveRows();
    Q_EMIT countChanged();
    save();
    startNext();
}

void DownloadManager::clearFinished() {
    for (int row = rowCount() - 1; row >= 0; --row) {
        if (m_items[static_cast<std::size_t>(row)].state == State::Done) {
            m_removedIds.push_back(m_items[static_cast<std::size_t>(row)].id.toStdString());
            beginRemoveRows({}, row, row);
            m_items.erase(m_items.begin() + row);
            endRemoveRows();
        }
    }
    Q_EMIT countChanged();
    save();
}

}  // namespace deepdesk::app
