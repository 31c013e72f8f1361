// SPDX-License-Identifier: GPL-3.0-or-later
// Downloads of model files: a queue, one file at a time, resumable across restarts (HTTP Range
// into a `.part` file, the queue kept in the app's SQLite database), retried with backoff when a connection
// drops or stalls, hashed with SHA-256 while it arrives (a resumed part is re-hashed first), and
// only moved into the models folder once its size, checksum and GGUF header check out. Parts of a
// split model become a model together.
#pragma once

#include <QAbstractListModel>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QLockFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QQmlEngine>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/hubtoken.h"
#include "app/storagethread.h"
#include "app/uitext.h"
#include "storage/download_queue.h"

namespace deepdesk::app {

class DownloadManager : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("DownloadManager is created by the application")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)

public:
    enum class State { Queued, Downloading, Paused, Verifying, Done, Failed };
    Q_ENUM(State)

    struct Item {
        QString id;         // unique: the final file name
        QString modelName;  // what the user sees
        QUrl url;
        QString fileName;        // final name in the models folder
        QString expectedSha256;  // lowercase hex; empty when the source gave none
        qint64 expectedSize = -1;
        QString group;    // the parts of one split model share a group
        QString repoUrl;  // the model's page, for "accept the licence there"
        State state = State::Queued;
        qint64 received = 0, total = -1;
        double bytesPerSecond = 0.0;
        UiText error, note;       // read in the language shown now (text())
        int retries = 0;          // failed attempts in a row that brought no byte
        qint64 retryAtMs = 0;     // a retry waits until then (m_clock), 0: at once
        qint64 attemptStart = 0;  // received when the attempt under way began
        QString etag;
    };

    enum Role {
        IdRole = Qt::UserRole + 1,
        ModelNameRole,
        FileNameRole,
        StateRole,
        ReceivedRole,
        TotalRole,
        ProgressRole,
        SpeedRole,
        EtaSecondsRole,
        ErrorRole,
        NoteRole,
    };

    // The queue is kept in the app's database (storage's `downloads` table) through `storage`,
    // which must outlive the manager.
    DownloadManager(const QString& modelsFolder, StorageThread* storage, QObject* parent = nullptr);
    ~DownloadManager() override;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool busy() const { return m_active != nullptr || !m_hashingId.isEmpty(); }
    // The saved queue has been read back (at start, off the GUI thread).
    bool restoredQueue() const { return m_restored; }
    const std::vector<Item>& items() const { return m_items; }
    void setModelsFolder(const QString& folder) { m_modelsFolder = folder; }

    // Tuning (tests shorten them).
    void setReadTimeout(int ms) { m_readTimeoutMs = ms; }
    void setMaxRetries(int n) { m_maxRetries = n; }
    // The random part of the backoff (0..1); tests fix it to see exact delays.
    void setJitter(std::function<double()> jitter) { m_jitter = std::move(jitter); }
    void setBackoff(int firstMs, int maxMs) {
        m_backoffMs = firstMs;
        m_backoffMaxMs = maxMs;
    }
    // The hub token, sent only to its host and never across a redirect to another (HubToken).
    void setAccessToken(const HubToken& token) { m_token = token; }
    // Free bytes where the models folder is; replaceable to simulate a full disk.
    void setFreeSpaceProvider(std::function<qint64(const QString&)> f) { m_freeSpace = std::move(f); }

    // Adds a file to the queue (and starts when idle). Returns its id.
    Q_INVOKABLE QString enqueue(const QUrl& url, const QString& fileName, const QString& modelName,
                                const QString& sha256 = {}, qint64 size = -1, const QString& group = {},
                                const QString& repoUrl = {});
    Q_INVOKABLE void pause(const QString& id);
    Q_INVOKABLE void resume(const QString& id);
    Q_INVOKABLE void cancel(const QString& id);  // deletes the part
    Q_INVOKABLE void clearFinished();

Q_SIGNALS:
    void countChanged();
    void busyChanged();
    // Every file of a model is verified and in the models folder (path: its first file).
    void modelReady(const QString& path, const QString& modelName);
    void itemFailed(const QString& id, const QString& error);
    void restored();

protected:
    // A language switch (a translator installed): the notes and errors are read again.
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    Item* find(const QString& id);
    int rowOf(const QString& id) const;
    void changed(const Item& item);
    void save();
    void load();
    void restore(const std::vector<deepdesk::storage::download_record>& records);
    void startNext();
    void begin(Item& item);
    // After the part on disk has been hashed (off the GUI thread): the request for the rest.
    void request(Item& item, std::unique_ptr<QCryptographicHash> hash, qint64 have);
    // Ends the transfer under way at once (its reply aborted, unheard) and fails the item.
    void abandonTransfer(Item& item, const UiText& why);
    // The GET of the transfer under way, to `url` (the item's, or where a redirect sent it).
    void send(Item& item, const QUrl& url);
    void onReadyRead();
    void onFinished();
    void fail(Item& item, const UiText& error);
    // The part is verified: it becomes the model file.
    void install(Item& item, const QString& sha, qint64 size);
    // Queued again, to start after a backoff (or what the server asked for, in ms).
    void retryLater(Item& item, const UiText& why, qint64 serverAskedMs = 0);
    void verifyAndInstall(Item& item);
    QString partPath(const Item& item) const;
    QString finalPath(const Item& item) const;
    // The `.part` is this window's to write (a lock file beside it, held while the item downloads
    // or waits to retry): false when another DeepDesk, with the same models folder, holds it.
    bool lockPart(const Item& item);

    QString m_modelsFolder;
    HubToken m_token;
    QUrl m_redirectTo;  // where the request being aborted goes on, without the token
    int m_redirects = 0;
    StorageThread* m_storage;  // where the queue is kept
    bool m_restored = false;
    std::vector<Item> m_items;
    std::vector<std::string> m_removedIds;                      // removed since the last save
    std::map<QString, std::unique_ptr<QLockFile>> m_partLocks;  // by item id
    QNetworkAccessManager m_network;
    QPointer<QNetworkReply> m_active;
    QString m_activeId;
    QFile m_file;
    std::unique_ptr<QCryptographicHash> m_hash;
    QTimer m_stallTimer, m_retryTimer, m_speedTimer;
    bool m_stalled = false, m_checkedStatus = false;
    qint64 m_speedBytes = 0;
    QElapsedTimer m_speedClock;
    int m_readTimeoutMs = 30000, m_maxRetries = 8, m_backoffMs = 1000, m_backoffMaxMs = 60000;
    QElapsedTimer m_clock;             // retry times are measured on it
    std::function<double()> m_jitter;  // 0..1, random; tests may fix it
    std::function<qint64(const QString&)> m_freeSpace;
    // Re-hashing a resumed part (it can be tens of GB) runs on its own thread.
    std::thread m_hashThread;
    std::atomic<bool> m_hashStop{false};
    QString m_hashingId;
};

}  // namespace deepdesk::app
