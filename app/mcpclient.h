// SPDX-License-Identifier: GPL-3.0-or-later
// A Model Context Protocol client for one server (spec revision 2025-11-25, older revisions the
// server may answer with accepted): JSON-RPC 2.0 over a child process's stdin/stdout (stdio) or
// over Streamable HTTP (POST, answered with JSON or server-sent events; Mcp-Session-Id kept). It
// initializes, lists the server's tools, prompts and resources (all pages, again when the server
// says they changed), and calls tools with a time limit; a call can be cancelled. Whatever the
// server does (crashes, writes what is not JSON-RPC, never answers) ends in an error the user can
// read, never in a crash. Runs on the GUI thread's event loop.
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>

#include "app/remoterunner.h"

class QNetworkAccessManager;
class QNetworkReply;

namespace deepdesk::app {

struct McpServerConfig {
    QString id, name;
    QString transport = QStringLiteral("stdio");  // stdio or http
    QString command;                              // stdio: the program and its arguments, as typed
    QMap<QString, QString> env;                   // stdio: added to the app's environment
    QString url, token;                           // http: the endpoint and an optional bearer token
    bool enabled = true;
};

struct McpTool {
    QString name, title, description;
    QJsonObject inputSchema;
};

class McpClient : public QObject {
    Q_OBJECT
public:
    enum class State { Stopped, Starting, Ready, Failed };
    static constexpr const char* k_protocolVersion = "2025-11-25";

    explicit McpClient(McpServerConfig config, QObject* parent = nullptr);
    ~McpClient() override;

    const McpServerConfig& config() const { return m_config; }
    State state() const { return m_state; }
    QString error() const { return m_error; }
    QString serverName() const { return m_serverName; }  // from the server's own answer
    QList<McpTool> tools() const { return m_tools; }
    QJsonArray prompts() const { return m_prompts; }
    QJsonArray resources() const { return m_resources; }
    // The server's stderr and what went wrong, newest last (at most 500 lines).
    QStringList log() const { return m_log; }

    // Starts the server (stdio) or connects (http) and initializes; stateChanged follows.
    void start();
    void stop();
    // Calls a tool; callFinished(callId, ok, text, isError) follows exactly once: the result's
    // text (ok), or why there is none (timed out, cancelled, the server failed).
    int callTool(const QString& name, const QJsonObject& arguments, int timeoutMs = 120000);
    void cancelCall(int callId);

    // The text of a tools/call result: its text parts, and a line for each image, audio or resource.
    static QString resultText(const QJsonObject& result);

Q_SIGNALS:
    void stateChanged();
    void toolsChanged();
    void logChanged();
    void callFinished(int callId, bool ok, const QString& text, bool isError);

private:
    using Handler = std::function<void(const QJsonObject& result, const QString& error)>;
    struct Pending {
        Handler handler;
        QTimer* timer = nullptr;
        QString method;
    };
    int request(const QString& method, const QJsonObject& params, Handler handler, int timeoutMs = 30000);
    void notify(const QString& method, const QJsonObject& params = {});
    void send(const QJsonObject& message);
    void receive(const QByteArray& bytes);  // one JSON-RPC message (or a batch)
    void handle(const QJsonObject& message);
    void settle(int id, const QJsonObject& result, const QString& error);
    void fail(const QString& why);
    void addLog(const QString& line);
    void setState(State s);
    void onInitialized(const QJsonObject& result);
    void listAll(const QString& method, const QString& field, std::function<void(QJsonArray)> done,
                 const QString& cursor = {}, QJsonArray sofar = {});
    void refreshTools();
    // stdio
    void onStdout();
    void onStderr();
    // http
    void post(const QJsonObject& message);

    McpServerConfig m_config;
    State m_state = State::Stopped;
    QString m_error, m_serverName, m_protocol;
    QList<McpTool> m_tools;
    QJsonArray m_prompts, m_resources;
    QStringList m_log;
    int m_nextId = 1;
    std::map<int, Pending> m_pending;
    QProcess* m_process = nullptr;
    QByteArray m_stdoutBuffer, m_stderrBuffer;
    QNetworkAccessManager* m_network = nullptr;
    QString m_session;  // Mcp-Session-Id
    QList<QPointer<QNetworkReply>> m_replies;
};

}  // namespace deepdesk::app
