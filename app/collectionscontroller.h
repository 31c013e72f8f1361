// SPDX-License-Identifier: GPL-3.0-or-later
// The document library (QML singleton `Collections`): folders the user chose, indexed into the
// database (storage/collections.h) on a thread of their own with a connection of their own, so
// neither the window nor the chat's storage thread waits for a thousand files; progress as it
// goes; folders watched, and indexed again (only what changed) a moment after they change.
// Files are read as attachments are (text and PDF); nothing outside the chosen folder is read.
// With an embedding model chosen, each passage also gets a vector after indexing, and questions are
// answered from BM25 and vector similarity together.
#pragma once

#include <QFileSystemWatcher>
#include <QObject>
#include <QQmlEngine>
#include <QSet>
#include <QString>
#include <QTimer>
#include <QUrl>
#include <QVariantList>

#include <atomic>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace deepdesk::app {

class Embedding;
class Settings;
class StorageThread;

class CollectionsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("CollectionsController is created by the application")
    // [{id, name, folder, files, chunks, vectors, indexedAt, indexing, phase ("reading" or
    //   "embedding"), done, total, current, errors}]
    Q_PROPERTY(QVariantList collections READ collections NOTIFY collectionsChanged)
    // The embedding model for vector search (a GGUF path; empty: BM25 alone), and why it could not
    // be used (empty: it can, or none is chosen).
    Q_PROPERTY(QString embeddingModel READ embeddingModel NOTIFY embeddingChanged)
    Q_PROPERTY(QString embeddingError READ embeddingError NOTIFY embeddingChanged)

public:
    CollectionsController(StorageThread* storage, Settings* settings, QString databasePath, QObject* parent = nullptr);
    ~CollectionsController() override;

    // Reads the collections and watches their folders (at start).
    void start();
    QVariantList collections() const { return m_collections; }

    // A new collection of `folder` (named after it unless `name` is given), indexed at once.
    Q_INVOKABLE void addFolder(const QUrl& folder, const QString& name = {});
    Q_INVOKABLE void reindex(qint64 id);
    Q_INVOKABLE void remove(qint64 id);
    // Chooses the embedding model (a .gguf file; an empty URL turns vector search off). Every
    // collection is brought up to date with it in the background: passages without a vector of
    // this model get one.
    Q_INVOKABLE void setEmbeddingModel(const QUrl& file);
    QString embeddingModel() const;
    QString embeddingError() const { return m_embeddingError; }
    // The embedding model once open (any thread); null when none is chosen or it failed.
    std::shared_ptr<Embedding> embedding() const;

    // Opens a source of an answer (a file of a collection) with the desktop's application; false
    // when it is not a file inside that collection's folder.
    Q_INVOKABLE bool openSource(qint64 collectionId, const QString& path);

    // Waits until indexing has nothing left to do (tests, benches).
    bool waitIdle(int timeoutMs);

Q_SIGNALS:
    void collectionsChanged();
    void indexed(qint64 id, const QString& summary);
    void failed(const QString& error);
    void embeddingChanged();

private:
    struct Job {
        qint64 id = 0;
        bool watchOnly = false;  // only find the folders to watch (at start), no indexing
    };
    // A job for `id` is waiting or running (`indexing`: one that indexes, not only looks).
    bool queued(qint64 id, bool indexing = false) const;
    void enqueue(Job job);
    void runNext();
    void refresh();
    void watch();
    void setProgress(qint64 id, qint64 done, qint64 total, const QString& current, bool embedding = false);
    // On the worker: the embedding model for `path`, opened once; null (and the error shown) when
    // it cannot be used.
    std::shared_ptr<Embedding> openEmbedding(const QString& path);

    StorageThread* m_storage;
    Settings* m_settings;
    QString m_databasePath;
    mutable std::mutex m_embeddingMutex;
    std::shared_ptr<Embedding> m_embedding;  // guarded by m_embeddingMutex
    std::atomic<int> m_embeddingSerial{0};   // changes with the choice: a run for the old one stops
    QString m_embeddingError;
    QVariantList m_collections;
    int m_listSerial = 0;  // the latest read of the list; older answers are dropped
    std::deque<Job> m_jobs;
    std::thread m_worker;
    bool m_running = false;
    qint64 m_runningId = 0;
    bool m_runningWatchOnly = false;
    std::map<qint64, QStringList> m_dirsOf;  // the folders watched for each collection
    QSet<QString> m_changedDirs;             // changed since the timer started
    int m_creating = 0;                      // collections being made on the storage thread
    std::atomic<bool> m_stop{false};
    QFileSystemWatcher m_watcher;
    QTimer m_changed;  // a folder changed: index again once it has been quiet a moment
};

}  // namespace deepdesk::app
