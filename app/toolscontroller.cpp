// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/toolscontroller.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

#include "app/settings.h"

namespace deepdesk::app {
namespace {

QString stateName(McpClient::State s) {
    switch (s) {
    case McpClient::State::Starting: return QStringLiteral("starting");
    case McpClient::State::Ready: return QStringLiteral("ready");
    case McpClient::State::Failed: return QStringLiteral("failed");
    case McpClient::State::Stopped: break;
    }
    return QStringLiteral("stopped");
}

QString envSecret(const QString& id) { return QStringLiteral("mcp/%1/env").arg(id); }
QString tokenSecret(const QString& id) { return QStringLiteral("mcp/%1/token").arg(id); }

// A name a model can write: letters, digits, _ and -.
QString safeName(const QString& s) {
    QString out = s;
    out.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_-]+")), QStringLiteral("_"));
    return out;
}

}  // namespace

ToolsController::ToolsController(Settings* settings, QObject* parent) : QObject(parent), m_settings(settings) {
    for (const QVariant& v : m_settings->mcpServers()) {
        const QVariantMap m = v.toMap();
        McpServerConfig c;
        c.id = m.value(QStringLiteral("id")).toString();
        c.name = m.value(QStringLiteral("name")).toString();
        c.transport = m.value(QStringLiteral("transport")).toString() == QLatin1String("http")
                          ? QStringLiteral("http")
                          : QStringLiteral("stdio");
        c.command = m.value(QStringLiteral("command")).toString();
        c.url = m.value(QStringLiteral("url")).toString();
        c.enabled = m.value(QStringLiteral("enabled"), true).toBool();
        c.env = parseEnv(m_settings->secret(envSecret(c.id)));
        c.token = m_settings->secret(tokenSecret(c.id));
        if (!c.id.isEmpty()) {
            m_clients.push_back(std::make_unique<McpClient>(c));
            attach(m_clients.back().get());
        }
    }
}

ToolsController::~ToolsController() {
    for (auto& c : m_clients) {
        c->blockSignals(true);
    }
}

void ToolsController::start() {
    for (auto& c : m_clients) {
        if (c->config().enabled && c->state() == McpClient::State::Stopped) {
            c->start();
        }
    }
}

void ToolsController::attach(McpClient* c) {
    const auto changed = [this] {
        refreshOffered();
        Q_EMIT serversChanged();
    };
    connect(c, &McpClient::stateChanged, this, changed);
    connect(c, &McpClient::toolsChanged, this, changed);
    connect(c, &McpClient::logChanged, this, [this, c] { Q_EMIT logChanged(c->config().id); });
    connect(c, &McpClient::callFinished, this, [this, c](int requestId, bool ok, const QString& text, bool isError) {
        for (auto it = m_running.begin(); it != m_running.end(); ++it) {
            if (it->second.client == c && it->second.requestId == requestId) {
                const int ticket = it->first;
                m_running.erase(it);
                Q_EMIT callFinished(ticket, ok, text, isError);
                return;
            }
        }
    });
}

QMap<QString, QString> ToolsController::parseEnv(const QString& text) {
    QMap<QString, QString> env;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        const QString name = line.left(eq).trimmed();
        if (eq > 0 && !name.isEmpty()) {
            env.insert(name, line.mid(eq + 1).trimmed());
        }
    }
    return env;
}

void ToolsController::dropCalls(McpClient* c) {
    for (auto r = m_running.begin(); r != m_running.end();) {
        if (r->second.client == c) {
            const int ticket = r->first;
            r = m_running.erase(r);
            QTimer::singleShot(
                0, this, [this, ticket] { Q_EMIT callFinished(ticket, false, tr("The server was stopped."), true); });
        } else {
            ++r;
        }
    }
}

void ToolsController::replace(std::unique_ptr<McpClient>& slot, const McpServerConfig& config) {
    dropCalls(slot.get());
    slot = std::make_unique<McpClient>(config);
    attach(slot.get());
    save();
    if (config.enabled) {
        slot->start();
    }
}

McpClient* ToolsController::client(const QString& id) const {
    for (const auto& c : m_clients) {
        if (c->config().id == id) {
            return c.get();
        }
    }
    return nullptr;
}

void ToolsController::save() {
    QVariantList list;
    for (const auto& c : m_clients) {
        const auto& k = c->config();
        list.append(QVariantMap{{QStringLiteral("id"), k.id},
                                {QStringLiteral("name"), k.name},
                                {QStringLiteral("transport"), k.transport},
                                {QStringLiteral("command"), k.command},
                                {QStringLiteral("url"), k.url},
                                {QStringLiteral("enabled"), k.enabled}});
    }
    m_settings->setMcpServers(list);
    refreshOffered();
    Q_EMIT serversChanged();
}

QVariantList ToolsController::servers() const {
    QVariantList out;
    const QStringList allowed = m_settings->alwaysAllowedTools();
    for (const auto& c : m_clients) {
        const auto& k = c->config();
        QVariantList tools;
        for (const McpTool& t : c->tools()) {
            tools.append(QVariantMap{{QStringLiteral("name"), t.name},
                                     {QStringLiteral("title"), t.title},
                                     {QStringLiteral("description"), t.description},
                                     {QStringLiteral("always"), allowed.contains(k.id + QLatin1Char('/') + t.name)}});
        }
        QStringList env;
        for (auto it = k.env.cbegin(); it != k.env.cend(); ++it) {
            env << it.key() + QLatin1Char('=') + it.value();
        }
        out.append(QVariantMap{{QStringLiteral("id"), k.id},
                               {QStringLiteral("name"), k.name},
                               {QStringLiteral("transport"), k.transport},
                               {QStringLiteral("command"), k.command},
                               {QStringLiteral("url"), k.url},
                               {QStringLiteral("env"), env.join(QLatin1Char('\n'))},
                               {QStringLiteral("hasToken"), !k.token.isEmpty()},
                               {QStringLiteral("enabled"), k.enabled},
                               {QStringLiteral("state"), stateName(c->state())},
                               {QStringLiteral("error"), c->error()},
                               {QStringLiteral("serverName"), c->serverName()},
                               {QStringLiteral("tools"), tools},
                               {QStringLiteral("prompts"), c->prompts().size()},
                               {QStringLiteral("resources"), c->resources().size()}});
    }
    return out;
}

QString ToolsController::addServer(const QString& transport, const QString& name, const QString& target,
                                   const QString& envText, const QString& token) {
    McpServerConfig c;
    c.id = QUuid::createUuid().toString(QUuid::Id128).left(12);
    c.transport = transport == QLatin1String("http") ? QStringLiteral("http") : QStringLiteral("stdio");
    c.name = name.trimmed().isEmpty() ? target.trimmed().section(QLatin1Char(' '), 0, 0) : name.trimmed();
    (c.transport == QLatin1String("http") ? c.url : c.command) = target.trimmed();
    c.env = parseEnv(envText);
    c.token = token.trimmed();
    m_settings->setSecret(envSecret(c.id), envText.trimmed());
    m_settings->setSecret(tokenSecret(c.id), c.token);
    m_clients.push_back(std::make_unique<McpClient>(c));
    McpClient* client = m_clients.back().get();
    attach(client);
    save();
    client->start();
    return c.id;
}

void ToolsController::updateServer(const QString& id, const QString& name, const QString& target,
                                   const QString& envText, const QString& token) {
    for (auto& c : m_clients) {
        if (c->config().id != id) {
            continue;
        }
        McpServerConfig k = c->config();
        k.name = name.trimmed().isEmpty() ? k.name : name.trimmed();
        (k.transport == QLatin1String("http") ? k.url : k.command) = target.trimmed();
        k.env = parseEnv(envText);
        if (!token.isEmpty()) {
            k.token = token.trimmed();
            m_settings->setSecret(tokenSecret(id), k.token);
        }
        m_settings->setSecret(envSecret(id), envText.trimmed());
        replace(c, k);
        return;
    }
}

void ToolsController::removeServer(const QString& id) {
    for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
        if ((*it)->config().id == id) {
            dropCalls(it->get());
            m_clients.erase(it);
            m_settings->setSecret(envSecret(id), {});
            m_settings->setSecret(tokenSecret(id), {});
            QStringList allowed = m_settings->alwaysAllowedTools();
            allowed.removeIf([&](const QString& t) { return t.startsWith(id + QLatin1Char('/')); });
            m_settings->setAlwaysAllowedTools(allowed);
            save();
            return;
        }
    }
}

void ToolsController::setEnabled(const QString& id, bool enabled) {
    for (auto& c : m_clients) {
        if (c->config().id == id && c->config().enabled != enabled) {
            McpServerConfig k = c->config();
            k.enabled = enabled;
            replace(c, k);
            return;
        }
    }
}

void ToolsController::restartServer(const QString& id) {
    if (McpClient* c = client(id)) {
        c->start();
    }
}

QString ToolsController::logText(const QString& id) const {
    const McpClient* c = client(id);
    return c != nullptr ? c->log().join(QLatin1Char('\n')) : QString();
}

void ToolsController::forgetAllowed(const QString& id, const QString& tool) {
    QStringList allowed = m_settings->alwaysAllowedTools();
    allowed.removeAll(id + QLatin1Char('/') + tool);
    m_settings->setAlwaysAllowedTools(allowed);
    Q_EMIT serversChanged();
}

void ToolsController::refreshOffered() {
    m_offered.clear();
    for (const auto& c : m_clients) {
        if (!c->config().enabled || c->state() != McpClient::State::Ready) {
            continue;
        }
        for (const McpTool& t : c->tools()) {
            QString name = safeName(t.name);
            if (m_offered.count(name) != 0) {  // two servers with one name: the later one says whose
                name = safeName(c->config().name) + QStringLiteral("__") + name;
            }
            m_offered.emplace(name, Offered{c->config().id, t});
        }
    }
}

std::vector<deepdesk::tool_spec> ToolsController::offeredTools() const {
    std::vector<deepdesk::tool_spec> out;
    for (const auto& [name, o] : m_offered) {
        QJsonObject schema = o.tool.inputSchema;
        schema.remove(QStringLiteral("$schema"));
        out.push_back({name.toStdString(), o.tool.description.toStdString(),
                       QJsonDocument(schema).toJson(QJsonDocument::Compact).toStdString()});
    }
    return out;
}

const ToolsController::Offered* ToolsController::offered(const QString& toolName) const {
    const auto it = m_offered.find(toolName);
    return it == m_offered.end() ? nullptr : &it->second;
}

QString ToolsController::serverOf(const QString& toolName) const {
    const Offered* o = offered(toolName);
    return o == nullptr ? QString() : o->serverId;
}

bool ToolsController::alwaysAllowed(const QString& toolName) const {
    const Offered* o = offered(toolName);
    return o != nullptr && m_settings->alwaysAllowedTools().contains(o->serverId + QLatin1Char('/') + o->tool.name);
}

void ToolsController::allowAlways(const QString& toolName) {
    const Offered* o = offered(toolName);
    if (o == nullptr) {
        return;
    }
    QStringList allowed = m_settings->alwaysAllowedTools();
    const QString key = o->serverId + QLatin1Char('/') + o->tool.name;
    if (!allowed.contains(key)) {
        allowed << key;
        m_settings->setAlwaysAllowedTools(allowed);
        Q_EMIT serversChanged();
    }
}

int ToolsController::call(const QString& toolName, const QString& argumentsJson, int timeoutMs) {
    const int ticket = m_nextTicket++;
    const Offered* o = offered(toolName);
    QJsonParseError err{};
    const QJsonDocument args =
        QJsonDocument::fromJson(argumentsJson.trimmed().isEmpty() ? QByteArray("{}") : argumentsJson.toUtf8(), &err);
    QString why;
    if (o == nullptr) {
        why = tr("No tool named %1 is available.").arg(toolName);
    } else if (!args.isObject()) {
        why = tr("The arguments are not a JSON object: %1").arg(err.errorString());
    }
    if (!why.isEmpty()) {
        QTimer::singleShot(0, this, [this, ticket, why] { Q_EMIT callFinished(ticket, false, why, true); });
        return ticket;
    }
    McpClient* c = client(o->serverId);
    m_running[ticket] = {c, c->callTool(o->tool.name, args.object(), timeoutMs)};
    return ticket;
}

void ToolsController::cancel(int ticket) {
    const auto it = m_running.find(ticket);
    if (it != m_running.end()) {
        it->second.client->cancelCall(it->second.requestId);  // callFinished follows from it
    }
}

}  // namespace deepdesk::app
