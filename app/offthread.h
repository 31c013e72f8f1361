// SPDX-License-Identifier: GPL-3.0-or-later
// Work the GUI thread must not wait for (reading a model file's header, say): `work()` runs on
// Qt's thread pool, then `done(result)` runs on the application's thread, unless `receiver` is
// gone by then.
#pragma once

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

#include <memory>
#include <utility>

namespace deepdesk::app {

// Calls done(*result), or done() without a result, on the application's thread unless `guard`
// is gone by then. The guard is read there, not on the calling thread.
template <class Done, class R>
void deliver(QPointer<QObject> guard, Done done, std::shared_ptr<R> result) {
    QMetaObject::invokeMethod(
        qApp,
        [guard, done, result]() mutable {
            if (guard) {
                done(std::move(*result));
            }
        },
        Qt::QueuedConnection);
}

template <class Done>
void deliver(QPointer<QObject> guard, Done done) {
    QMetaObject::invokeMethod(
        qApp,
        [guard, done]() mutable {
            if (guard) {
                done();
            }
        },
        Qt::QueuedConnection);
}

template <class Work, class Done>
void runOffThread(QObject* receiver, Work work, Done done) {
    QPointer<QObject> guard(receiver);
    QThreadPool::globalInstance()->start([guard, work = std::move(work), done = std::move(done)]() mutable {
        deliver(guard, done, std::make_shared<decltype(work())>(work()));
    });
}

}  // namespace deepdesk::app
