// SPDX-License-Identifier: GPL-3.0-or-later
// The in-app OpenAI-compatible API server (QML singleton `Server`): it runs over the model
// ModelHost has loaded, while the user has it on, with the host, port and key from Settings; it
// stops while another model loads and starts again after.
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QString>

namespace deepdesk::app {

class ModelHost;
class Settings;

class ServerController : public QObject {
    Q_OBJECT
    QML_ANONYMOUS                                         // the QML singleton of this name is the application's object
    Q_PROPERTY(QString url READ url NOTIFY stateChanged)  // empty unless serving
    Q_PROPERTY(QString error READ error NOTIFY stateChanged)
    // A curl command that asks the running server for a streamed answer.
    Q_PROPERTY(QString example READ example NOTIFY stateChanged)

public:
    ServerController(Settings* settings, ModelHost* host, QObject* parent = nullptr);

    QString url() const { return m_url; }
    QString error() const { return m_error; }
    QString example() const;

Q_SIGNALS:
    void stateChanged();

private:
    void apply();  // the settings of now, to the server

    Settings* m_settings;
    ModelHost* m_host;
    QString m_url, m_error;
};

}  // namespace deepdesk::app
