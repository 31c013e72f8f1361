// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/localrunner.h"

#include "app/inferenceworker.h"

namespace deepdesk::app {

LocalTurnRunner::LocalTurnRunner(InferenceWorker* worker, StorageThread* storage, QObject* parent)
    : TurnRunner(parent), m_worker(worker), m_storage(storage) {
    connect(m_worker, &InferenceWorker::turnFinished, this, [this](const TurnResult& result) {
        if (result.messageId == m_running) {
            m_running = 0;
            Q_EMIT finished(result);
        }
    });
}

void LocalTurnRunner::run(const TurnRequest& request) {
    m_cancel.store(false);
    m_running = request.assistantMessageId;
    QMetaObject::invokeMethod(
        m_worker,
        [worker = m_worker, request, buffer = &m_buffer, cancel = &m_cancel, storage = m_storage] {
            worker->generate(request, buffer, cancel, storage);
        },
        Qt::QueuedConnection);
}

}  // namespace deepdesk::app
