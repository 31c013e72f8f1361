// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/screenshotter.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>

namespace deepdesk::app {

Screenshotter::Screenshotter(QQuickWindow* window, QString path, int timeoutMs, QObject* parent)
    : QObject(parent), m_window(window), m_path(std::move(path)) {
    m_poll.setInterval(50);
    connect(&m_poll, &QTimer::timeout, this, &Screenshotter::poll);
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(timeoutMs);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (!m_done) {
            m_done = true;
            m_poll.stop();
            Q_EMIT finished(false, QStringLiteral("the window did not finish starting up in time"));
        }
    });
    if (m_window) {
        connect(m_window, &QQuickWindow::frameSwapped, this, [this] {
            if (m_framesSinceReady > 0 || isReady()) {
                ++m_framesSinceReady;
            }
        });
    }
}

bool Screenshotter::isReady() const {
    if (!m_window || !m_window->isExposed()) {
        return false;
    }
    const QVariant ready = m_window->property("ready");
    return !ready.isValid() || ready.toBool();
}

void Screenshotter::start() {
    m_timeout.start();
    m_poll.start();
}

void Screenshotter::poll() {
    if (m_done) {
        return;
    }
    if (!m_window) {
        m_done = true;
        m_poll.stop();
        Q_EMIT finished(false, QStringLiteral("the main window was closed"));
        return;
    }
    if (isReady()) {
        m_window->requestUpdate();
    }
    // Two frames after ready: the first may still carry layout from before it.
    if (m_framesSinceReady >= 2) {
        capture();
    }
}

void Screenshotter::capture() {
    m_done = true;
    m_poll.stop();
    m_timeout.stop();
    const QImage image = m_window->grabWindow();
    if (image.isNull()) {
        Q_EMIT finished(false, QStringLiteral("the window could not be captured"));
        return;
    }
    const QFileInfo info(m_path);
    QDir().mkpath(info.absolutePath());
    if (!image.save(m_path, "PNG")) {
        Q_EMIT finished(false, QStringLiteral("cannot write %1").arg(info.absoluteFilePath()));
        return;
    }
    Q_EMIT finished(
        true, QStringLiteral("saved %1 (%2x%3)").arg(info.absoluteFilePath()).arg(image.width()).arg(image.height()));
}

}  // namespace deepdesk::app
