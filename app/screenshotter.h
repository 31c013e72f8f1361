// SPDX-License-Identifier: GPL-3.0-or-later
// Saves a window to a PNG once it has rendered a complete frame, then reports the outcome.
// Used by `deepdesk --screenshot FILE.png` (tests, README).
#pragma once

#include <QObject>
#include <QPointer>
#include <QQuickWindow>
#include <QString>
#include <QTimer>

namespace deepdesk::app {

class Screenshotter : public QObject {
    Q_OBJECT

public:
    // Waits until `window` is exposed, its root reports `ready` (when it has such a property) and a
    // frame has been rendered after that; gives up after `timeoutMs`.
    Screenshotter(QQuickWindow* window, QString path, int timeoutMs = 30000, QObject* parent = nullptr);

    void start();

Q_SIGNALS:
    // ok: the file was written. message: what was written, or why not.
    void finished(bool ok, const QString& message);

private:
    bool isReady() const;
    void poll();
    void capture();

    QPointer<QQuickWindow> m_window;
    QString m_path;
    QTimer m_poll;
    QTimer m_timeout;
    int m_framesSinceReady = 0;
    bool m_done = false;
};

}  // namespace deepdesk::app
