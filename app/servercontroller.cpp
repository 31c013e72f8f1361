// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/servercontroller.h"

#include "app/inferenceworker.h"
#include "app/modelhost.h"
#include "app/settings.h"

namespace deepdesk::app {

ServerController::ServerController(Settings* settings, ModelHost* host, QObject* parent)
    : QObject(parent), m_settings(settings), m_host(host) {
    connect(m_host->worker(), &InferenceWorker::serverStateChanged, this,
            [this](bool running, const QString& url, const QString& error) {
                m_url = running ? url : QString();
                m_error = error;
                Q_EMIT stateChanged();
            });
    connect(m_settings, &Settings::valueChanged, this, [this](Settings::Key key) {
        if (key == Settings::Key::ServerEnabled ||
            (m_settings->serverEnabled() && (key == Settings::Key::ServerHost || key == Settings::Key::ServerPort))) {
            apply();  // a running server restarts with it
        }
        if (key == Settings::Key::ServerHost || key == Settings::Key::ServerPort) {
            Q_EMIT stateChanged();  // the example
        }
    });
    connect(m_settings, &Settings::secretChanged, this, [this](const QString& name) {
        if (name == QLatin1String("server/apiKey")) {
            Q_EMIT stateChanged();
            if (m_settings->serverEnabled()) {
                apply();
            }
        }
    });
    connect(m_host, &ModelHost::modelChanged, this, &ServerController::stateChanged);  // the example's model
    apply();
}

void ServerController::apply() {
    QMetaObject::invokeMethod(
        m_host->worker(),
        [worker = m_host->worker(), enabled = m_settings->serverEnabled(), host = m_settings->serverHost(),
         port = m_settings->serverPort(),
         key = m_settings->serverApiKey()] { worker->configureServer(enabled, host, port, key); },
        Qt::QueuedConnection);
}

QString ServerController::example() const {
    const QString url =
        m_url.isEmpty() ? QStringLiteral("http://%1:%2/v1").arg(m_settings->serverHost()).arg(m_settings->serverPort())
                        : m_url;
    QString example = QStringLiteral("curl %1/chat/completions \\\n").arg(url);
    if (!m_settings->serverApiKey().isEmpty()) {
        example += QStringLiteral("  -H \"Authorization: Bearer %1\" \\\n").arg(m_settings->serverApiKey());
    }
    const QString model =
        m_host->modelName().isEmpty() || m_host->remote() ? QStringLiteral("local") : m_host->modelName();
    example += QStringLiteral(
                   "  -H \"Content-Type: application/json\" \\\n"
                   "  -d '{\"model\": \"%1\", \"stream\": true, "
                   "\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}'")
                   .arg(model);
    return example;
}

}  // namespace deepdesk::app
