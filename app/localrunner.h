// SPDX-License-Identifier: GPL-3.0-or-later
// Turns written by the model ModelHost has loaded, on the engine's thread.
#pragma once

#include <atomic>

#include "app/turnrunner.h"

namespace deepdesk::app {

class InferenceWorker;
class StorageThread;

class LocalTurnRunner : public TurnRunner {
    Q_OBJECT
public:
    LocalTurnRunner(InferenceWorker* worker, StorageThread* storage, QObject* parent = nullptr);

    void run(const TurnRequest& request) override;
    void cancel() override { m_cancel.store(true); }

private:
    InferenceWorker* m_worker;  // lives on the engine's thread
    StorageThread* m_storage;
    std::atomic<bool> m_cancel{false};
    qint64 m_running = 0;  // the message being written
};

}  // namespace deepdesk::app
