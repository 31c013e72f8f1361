// SPDX-License-Identifier: GPL-3.0-or-later
// The app's one database connection, on its own thread: conversations, the streaming answers and
// the download queue all go through it. The GUI thread never waits on SQLite. It posts jobs (so do
// the turn runners, from any thread), which run one after another in the order they were posted,
// and gets each job's result back through its event loop.
#pragma once

#include <QObject>
#include <QPointer>
#include <QThread>

#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "app/offthread.h"
#include "storage/database.h"

namespace deepdesk::app {

class StorageThread : public QObject {
    Q_OBJECT

public:
    // Opens `databasePath` on the new thread. opened() reports how that went.
    explicit StorageThread(const QString& databasePath, QObject* parent = nullptr);
    // Runs every job still queued, then stops the thread.
    ~StorageThread() override;

    // Runs `work(db)` on the storage thread, then `done(result)` on the application's thread
    // (where `receiver` lives), unless `receiver` is gone by then. `work` does not run when the
    // database could not be opened. If it throws, `done` is not called and failed() carries the
    // message.
    template <class Work, class Done>
    void post(QObject* receiver, Work work, Done done) {
        QPointer<QObject> guard(receiver);
        enqueue([this, guard, work = std::move(work), done = std::move(done)]() mutable {
            using Result = std::invoke_result_t<Work&, deepdesk::storage::database&>;
            if (!m_db) {
                return;
            }
            try {
                if constexpr (std::is_void_v<Result>) {
                    work(*m_db);
                    deliver(guard, done);
                } else {
                    deliver(guard, done, std::make_shared<Result>(work(*m_db)));
                }
            } catch (const std::exception& e) {
                Q_EMIT failed(QString::fromUtf8(e.what()));
            }
        });
    }

    // Runs `work(db)` on the storage thread; nothing comes back except failed() on an exception.
    template <class Work>
    void post(Work work) {
        enqueue([this, work = std::move(work)]() mutable {
            if (!m_db) {
                return;
            }
            try {
                work(*m_db);
            } catch (const std::exception& e) {
                Q_EMIT failed(QString::fromUtf8(e.what()));
            }
        });
    }

    // Blocks until every job posted so far has run (for shutdown and tests only).
    void flush();
    // Why the database could not be opened ("" when it is open, or not yet known).
    QString openError() const { return m_openError; }

Q_SIGNALS:
    // Emitted once, on the owner's thread; `error` is empty when the database is open.
    void opened(const QString& error);
    void failed(const QString& error);

private:
    template <class F>
    void enqueue(F job) {
        QMetaObject::invokeMethod(m_context, std::move(job), Qt::QueuedConnection);
    }

    QThread m_thread;
    QObject* m_context = nullptr;  // lives on m_thread; jobs are posted to it
    std::unique_ptr<deepdesk::storage::database> m_db;
    QString m_openError;  // GUI thread
};

}  // namespace deepdesk::app
