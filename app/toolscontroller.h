// SPDX-License-Identifier: GPL-3.0-or-later
// The MCP servers the user added (QML singleton `Tools`): kept in the settings (environments and
// tokens among the secrets), started when enabled, their tools offered to the model under unique
// names, and the calls the model makes run on them. Which tools may run without asking is the
// user's choice, kept per server and tool ("Always for this tool").
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QString>
#include <QVariantList>

#include <map>
#include <memory>
#include <vector>

#include "app/mcpclient.h"
#include "engine/chat_format.h"

namespace deepdesk::app {

class Settings;

class ToolsController : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ToolsController is created by the application")
    // [{id, name, transport, command, url, env, hasToken, enabled, state, error, serverName,
    //   tools: [{name, description, always}], prompts, resources}]; state: stopped, starting,
    // ready, failed.
    Q_PROPERTY(QVariantList servers READ servers NOTIFY serversChanged)
    // Tools offered to the model now (ready servers, enabled).
    Q_PROPERTY(int toolCount READ toolCount NOTIFY serversChanged)

public:
    explicit ToolsController(Settings* settings, QObject* parent = nullptr);
    ~ToolsController() override;

    // Starts the enabled servers (at start-up).
    void start();

    QVariantList servers() const;
    int toolCount() const { return static_cast<int>(m_offered.size()); }

    // transport: stdio (target: the command line) or http (target: the URL). envText: one
    // NAME=value per line. Returns the new server's id; it starts at once.
    Q_INVOKABLE QString addServer(const QString& transport, const QString& name, const QString& target,
                                  const QString& envText, const QString& token);
    Q_INVOKABLE void updateServer(const QString& id, const QString& name, const QString& target, const QString& envText,
                                  const QString& token);
    Q_INVOKABLE void removeServer(const QString& id);
    Q_INVOKABLE void setEnabled(const QString& id, bool enabled);
    Q_INVOKABLE void restartServer(const QString& id);
    Q_INVOKABLE QString logText(const QString& id) const;
    // Asks before every call of this tool again.
    Q_INVOKABLE void forgetAllowed(const QString& id, const QString& tool);

    // For the chat: the tools offered to the model, each under a name unique among all servers.
    std::vector<deepdesk::tool_spec> offeredTools() const;
    // The server a tool (by the name offered) belongs to; empty when none has it now.
    QString serverOf(const QString& toolName) const;
    bool alwaysAllowed(const QString& toolName) const;
    void allowAlways(const QString& toolName);
    // Runs a call; callFinished(ticket, ok, text, isError) follows once.
    int call(const QString& toolName, const QString& argumentsJson, int timeoutMs = 120000);
    void cancel(int ticket);

Q_SIGNALS:
    void serversChanged();
    void logChanged(const QString& id);
    void callFinished(int ticket, bool ok, const QString& text, bool isError);

private:
    struct Offered {
        QString serverId;
        McpTool tool;
    };
    // The tools offered now, by the name the model sees; kept up to date as servers come and go
    // and change their tools (refreshOffered), not worked out again at each question.
    void refreshOffered();
    const Offered* offered(const QString& toolName) const;
    McpClient* client(const QString& id) const;
    void save();
    void attach(McpClient* c);
    // The calls under way on `c` end now, as failed (it is about to go).
    void dropCalls(McpClient* c);
    // A server's client made again with `config` (edited, enabled or disabled), started if enabled.
    void replace(std::unique_ptr<McpClient>& slot, const McpServerConfig& config);
    static QMap<QString, QString> parseEnv(const QString& text);

    Settings* m_settings;
    std::vector<std::unique_ptr<McpClient>> m_clients;  // in the order the user added them
    std::map<QString, Offered> m_offered;
    int m_nextTicket = 1;
    struct Running {
        McpClient* client;
        int requestId;
    };
    std::map<int, Running> m_running;  // ticket -> the call under way
};

}  // namespace deepdesk::app
