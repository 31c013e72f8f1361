// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/storagethread.h"

namespace deepdesk::app {

StorageThread::StorageThread(const QString& databasePath, QObject* parent) : QObject(parent) {
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread.setObjectName(QStringLiteral("storage"));
    m_thread.start();
    enqueue([this, path = databasePath.toStdString()] {
        QString error;
        try {
            m_db = std::make_unique<deepdesk::storage::database>(path);
        } catch (const std::exception& e) {
            error = QString::fromUtf8(e.what());
        }
        // Told on the owner's thread, through its event loop: whoever connects before the loop
        // runs again hears it.
        QMetaObject::invokeMethod(
            this,
            [this, error] {
                m_openError = error;
                Q_EMIT opened(error);
            },
            Qt::QueuedConnection);
    });
}

StorageThread::~StorageThread() {
    flush();
    // The connection is closed on the thread that used it.
    QMetaObject::invokeMethod(
        m_context, [this] { m_db.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void StorageThread::flush() {
    if (QThread::currentThread() == &m_thread) {
        return;
    }
    QMetaObject::invokeMethod(
        m_context, [] {}, Qt::BlockingQueuedConnection);
}

}  // namespace deepdesk::app
