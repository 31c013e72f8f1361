// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/mcpclient.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcessEnvironment>
#include <QUrl>

namespace deepdesk::app {
namespace {

constexpr int k_maxLogLines = 500;
constexpr qsizetype k_maxLine = 64 * 1024 * 1024;  // a server writing more without a newline is broken

QString shortened(const QByteArray& bytes) {
    QString s = QString::fromUtf8(bytes.left(200)).trimmed();
    return bytes.size() > 200 ? s + QStringLiteral("…") : s;
}

}  // namespace

McpClient::McpClient(McpServerConfig config, QObject* parent) : QObject(parent), m_config(std::move(config)) {}

McpClient::~McpClient() {
    // No signal may reach a caller that is being destroyed with us.
    blockSignals(true);
    stop();
}

void McpClient::addLog(const QString& line) {
    m_log.append(line);
    while (m_log.size() > k_maxLogLines) {
        m_log.removeFirst();
    }
    Q_EMIT logChanged();
}

void McpClient::setState(State s) {
    if (m_state != s) {
        m_state = s;
        Q_EMIT stateChanged();
    }
}

void McpClient::start() {
    stop();
    m_error.clear();
    m_session.clear();
    setState(State::Starting);
    if (m_config.transport == QLatin1String("http")) {
        const QUrl url(m_config.url);
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            fail(tr("The server's address is not an http:// or https:// URL."));
            return;
        }
        m_network = new QNetworkAccessManager(this);
    } else {
        QStringList words = QProcess::splitCommand(m_config.command);
        if (words.isEmpty()) {
            fail(tr("The server has no command to start."));
            return;
        }
        m_process = new QProcess(this);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (auto it = m_config.env.cbegin(); it != m_config.env.cend(); ++it) {
            env.insert(it.key(), it.value());
        }
        m_process->setProcessEnvironment(env);
        connect(m_process, &QProcess::readyReadStandardOutput, this, &McpClient::onStdout);
        connect(m_process, &QProcess::readyReadStandardError, this, &McpClient::onStderr);
        connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart) {
                fail(tr("The server could not be started: %1").arg(m_process->errorString()));
            }
        });
        connect(m_process, &QProcess::finished, this, [this](int code, QProcess::ExitStatus status) {
            onStderr();
            if (m_state == State::Stopped) {
                return;
            }
            fail(status == QProcess::CrashExit ? tr("The server crashed.")
                                               : tr("The server exited (code %1).").arg(code));
        });
        const QString program = words.takeFirst();
        addLog(QStringLiteral("$ ") + m_config.command);
        m_process->start(program, words);
    }
    QJsonObject params{{QStringLiteral("protocolVersion"), QLatin1String(k_protocolVersion)},
                       {QStringLiteral("capabilities"), QJsonObject{}},
                       {QStringLiteral("clientInfo"),
                        QJsonObject{{QStringLiteral("name"), QStringLiteral("DeepDesk")},
                                    {QStringLiteral("version"), QCoreApplication::applicationVersion()}}}};
    request(QStringLiteral("initialize"), params, [this](const QJsonObject& result, const QString& error) {
        if (m_state != State::Starting) {
            return;  // stopped, or failed already for a reason of its own
        }
        if (!error.isEmpty()) {
            fail(tr("The server did not initialize: %1").arg(error));
            return;
        }
        onInitialized(result);
    });
}

void McpClient::onInitialized(const QJsonObject& result) {
    m_protocol = result.value(QStringLiteral("protocolVersion")).toString();
    const QJsonObject info = result.value(QStringLiteral("serverInfo")).toObject();
    m_serverName = info.value(QStringLiteral("title")).toString(info.value(QStringLiteral("name")).toString());
    addLog(tr("Connected to %1 %2 (protocol %3)")
               .arg(m_serverName, info.value(QStringLiteral("version")).toString(), m_protocol));
    notify(QStringLiteral("notifications/initialized"));
    const QJsonObject caps = result.value(QStringLiteral("capabilities")).toObject();
    setState(State::Ready);
    if (caps.contains(QStringLiteral("tools"))) {
        refreshTools();
    }
    if (caps.contains(QStringLiteral("prompts"))) {
        listAll(QStringLiteral("prompts/list"), QStringLiteral("prompts"), [this](const QJsonArray& a) {
            m_prompts = a;
            Q_EMIT toolsChanged();
        });
    }
    if (caps.contains(QStringLiteral("resources"))) {
        listAll(QStringLiteral("resources/list"), QStringLiteral("resources"), [this](const QJsonArray& a) {
            m_resources = a;
            Q_EMIT toolsChanged();
        });
    }
}

void McpClient::refreshTools() {
    listAll(QStringLiteral("tools/list"), QStringLiteral("tools"), [this](const QJsonArray& a) {
        m_tools.clear();
        for (const QJsonValue& v : a) {
            const QJsonObject t = v.toObject();
            const QString name = t.value(QStringLiteral("name")).toString();
            if (name.isEmpty()) {
                continue;
            }
            m_tools.append({name, t.value(QStringLiteral("title")).toString(),
                            t.value(QStringLiteral("description")).toString(),
                            t.value(QStringLiteral("inputSchema")).toObject()});
        }
        Q_EMIT toolsChanged();
    });
}

void McpClient::listAll(const QString& method, const QString& field, std::function<void(QJsonArray)> done,
                        const QString& cursor, QJsonArray sofar) {
    QJsonObject params;
    if (!cursor.isEmpty()) {
        params.insert(QStringLiteral("cursor"), cursor);
    }
    request(
        method, params,
        [this, method, field, done = std::move(done), sofar](const QJsonObject& result, const QString& error) mutable {
            if (!error.isEmpty()) {
                addLog(tr("%1 failed: %2").arg(method, error));
                done(sofar);
                return;
            }
            for (const QJsonValue& v : result.value(field).toArray()) {
                sofar.append(v);
            }
            const QString next = result.value(QStringLiteral("nextCursor")).toString();
            if (!next.isEmpty() && sofar.size() < 10000) {
                listAll(method, field, std::move(done), next, std::move(sofar));
            } else {
                done(sofar);
            }
        });
}

void McpClient::stop() {
    const bool wasRunning = m_state != State::Stopped;
    m_state = State::Stopped;
    // Every request still waiting ends now.
    auto pending = std::move(m_pending);
    m_pending.clear();
    for (auto& [id, p] : pending) {
        delete p.timer;
        if (p.handler) {
            p.handler({}, tr("the server was stopped"));
        }
    }
    if (m_process != nullptr) {
        QProcess* p = m_process;
        m_process = nullptr;
        p->disconnect(this);
        // Stdio servers end when their input does; one that does not is asked to (SIGTERM) after
        // a second, and killed after two. Nothing here waits: the window never stalls on a
        // server that is slow to go (the process object goes once it has ended, or with us).
        p->closeWriteChannel();
        if (p->state() == QProcess::NotRunning) {
            p->deleteLater();
        } else {
            connect(p, &QProcess::finished, p, &QObject::deleteLater);
            QTimer::singleShot(1000, p, [p] {
                if (p->state() != QProcess::NotRunning) {
                    p->terminate();
                }
            });
            QTimer::singleShot(2000, p, [p] {
                if (p->state() != QProcess::NotRunning) {
                    p->kill();
                }
            });
        }
    }
    for (const auto& r : m_replies) {
        if (r) {
            r->disconnect(this);
            r->abort();
            r->deleteLater();
        }
    }
    m_replies.clear();
    if (m_network != nullptr) {
        if (!m_session.isEmpty()) {
            // Ends the session on the server; nobody waits for the answer.
            QNetworkRequest req{QUrl(m_config.url)};
            req.setRawHeader("Mcp-Session-Id", m_session.toUtf8());
            if (!m_config.token.isEmpty()) {
                req.setRawHeader("Authorization", "Bearer " + m_config.token.toUtf8());
            }
            QNetworkReply* r = m_network->deleteResource(req);
            connect(r, &QNetworkReply::finished, r, &QObject::deleteLater);
        }
        m_network->deleteLater();
        m_network = nullptr;
    }
    m_stdoutBuffer.clear();
    m_stderrBuffer.clear();
    if (wasRunning) {
        Q_EMIT stateChanged();
    }
}

void McpClient::fail(const QString& why) {
    if (m_state == State::Failed) {
        return;
    }
    addLog(why);
    stop();
    m_error = why;
    m_state = State::Failed;
    Q_EMIT stateChanged();
}

int McpClient::request(const QString& method, const QJsonObject& params, Handler handler, int timeoutMs) {
    const int id = m_nextId++;
    Pending p;
    p.handler = std::move(handler);
    p.method = method;
    p.timer = new QTimer(this);
    p.timer->setSingleShot(true);
    connect(p.timer, &QTimer::timeout, this, [this, id, timeoutMs] {
        notify(QStringLiteral("notifications/cancelled"),
               {{QStringLiteral("requestId"), id}, {QStringLiteral("reason"), QStringLiteral("timed out")}});
        settle(id, {}, tr("no answer within %1 s").arg(timeoutMs / 1000));
    });
    p.timer->start(timeoutMs);
    m_pending.emplace(id, std::move(p));
    QJsonObject msg{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                    {QStringLiteral("id"), id},
                    {QStringLiteral("method"), method}};
    if (!params.isEmpty()) {  // params are optional where a method needs none
        msg.insert(QStringLiteral("params"), params);
    }
    send(msg);
    return id;
}

void McpClient::notify(const QString& method, const QJsonObject& params) {
    QJsonObject msg{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("method"), method}};
    if (!params.isEmpty()) {
        msg.insert(QStringLiteral("params"), params);
    }
    send(msg);
}

void McpClient::send(const QJsonObject& message) {
    if (m_process != nullptr) {
        m_process->write(QJsonDocument(message).toJson(QJsonDocument::Compact) + '\n');
    } else if (m_network != nullptr) {
        post(message);
    }
}

void McpClient::settle(int id, const QJsonObject& result, const QString& error) {
    const auto it = m_pending.find(id);
    if (it == m_pending.end()) {
        return;
    }
    Pending p = std::move(it->second);
    m_pending.erase(it);
    delete p.timer;
    if (p.handler) {
        p.handler(result, error);
    }
}

int McpClient::callTool(const QString& name, const QJsonObject& arguments, int timeoutMs) {
    if (m_state != State::Ready) {
        const int id = m_nextId++;
        const QString why = m_error.isEmpty() ? tr("the server is not running") : m_error;
        QTimer::singleShot(0, this, [this, id, why] { Q_EMIT callFinished(id, false, why, true); });
        return id;
    }
    const int id = m_nextId;  // the id request() gives it
    request(
        QStringLiteral("tools/call"), {{QStringLiteral("name"), name}, {QStringLiteral("arguments"), arguments}},
        [this, id](const QJsonObject& result, const QString& error) {
            if (!error.isEmpty()) {
                Q_EMIT callFinished(id, false, error, true);
            } else {
                Q_EMIT callFinished(id, true, resultText(result), result.value(QStringLiteral("isError")).toBool());
            }
        },
        timeoutMs);
    return id;
}

void McpClient::cancelCall(int callId) {
    if (m_pending.count(callId) == 0) {
        return;
    }
    notify(
        QStringLiteral("notifications/cancelled"),
        {{QStringLiteral("requestId"), callId}, {QStringLiteral("reason"), QStringLiteral("cancelled by the user")}});
    settle(callId, {}, tr("cancelled"));
}

QString McpClient::resultText(const QJsonObject& result) {
    QStringList parts;
    for (const QJsonValue& v : result.value(QStringLiteral("content")).toArray()) {
        const QJsonObject c = v.toObject();
        const QString type = c.value(QStringLiteral("type")).toString();
        if (type == QLatin1String("text")) {
            parts << c.value(QStringLiteral("text")).toString();
        } else if (type == QLatin1String("image") || type == QLatin1String("audio")) {
            parts << QStringLiteral("[%1: %2]").arg(type, c.value(QStringLiteral("mimeType")).toString());
        } else if (type == QLatin1String("resource")) {
            const QJsonObject r = c.value(QStringLiteral("resource")).toObject();
            parts << (r.contains(QStringLiteral("text"))
                          ? r.value(QStringLiteral("text")).toString()
                          : QStringLiteral("[resource: %1]").arg(r.value(QStringLiteral("uri")).toString()));
        } else if (type == QLatin1String("resource_link")) {
            parts << QStringLiteral("[resource: %1]").arg(c.value(QStringLiteral("uri")).toString());
        }
    }
    if (parts.isEmpty() && result.contains(QStringLiteral("structuredContent"))) {
        parts << QString::fromUtf8(
            QJsonDocument(result.value(QStringLiteral("structuredContent")).toObject()).toJson(QJsonDocument::Compact));
    }
    return parts.join(QLatin1Char('\n'));
}

void McpClient::receive(const QByteArray& bytes) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    if (doc.isObject()) {
        handle(doc.object());
        return;
    }
    if (doc.isArray()) {
        for (const QJsonValue& v : doc.array()) {
            if (v.isObject()) {
                handle(v.toObject());
            }
        }
        return;
    }
    addLog(tr("Not JSON-RPC: %1").arg(shortened(bytes)));
}

void McpClient::handle(const QJsonObject& message) {
    if (message.value(QStringLiteral("jsonrpc")).toString() != QLatin1String("2.0")) {
        addLog(tr("Not JSON-RPC 2.0: %1").arg(shortened(QJsonDocument(message).toJson(QJsonDocument::Compact))));
        return;
    }
    const QString method = message.value(QStringLiteral("method")).toString();
    const QJsonValue id = message.value(QStringLiteral("id"));
    if (!method.isEmpty()) {
        if (!id.isUndefined() && !id.isNull()) {
            // A request from the server: we answer ping; we offer no other capability.
            QJsonObject reply{{QStringLiteral("jsonrpc"), QStringLiteral("2.0")}, {QStringLiteral("id"), id}};
            if (method == QLatin1String("ping")) {
                reply.insert(QStringLiteral("result"), QJsonObject{});
            } else {
                reply.insert(QStringLiteral("error"),
                             QJsonObject{{QStringLiteral("code"), -32601},
                                         {QStringLiteral("message"), QStringLiteral("Method not found")}});
            }
            send(reply);
        } else if (method == QLatin1String("notifications/tools/list_changed") && m_state == State::Ready) {
            refreshTools();
        } else if (method == QLatin1String("notifications/message")) {
            const QJsonObject p = message.value(QStringLiteral("params")).toObject();
            const QJsonValue data = p.value(QStringLiteral("data"));
            addLog(QStringLiteral("[%1] %2").arg(
                p.value(QStringLiteral("level")).toString(),
                data.isString() ? data.toString()
                                : QString::fromUtf8(QJsonDocument(data.toObject()).toJson(QJsonDocument::Compact))));
        }
        return;
    }
    if (!id.isDouble()) {
        addLog(tr("An answer without a request id: %1")
                   .arg(shortened(QJsonDocument(message).toJson(QJsonDocument::Compact))));
        return;
    }
    const int rid = id.toInt();
    if (message.contains(QStringLiteral("error"))) {
        const QJsonObject e = message.value(QStringLiteral("error")).toObject();
        settle(
            rid, {},
            e.value(QStringLiteral("message")).toString(tr("error %1").arg(e.value(QStringLiteral("code")).toInt())));
    } else {
        settle(rid, message.value(QStringLiteral("result")).toObject(), {});
    }
}

void McpClient::onStdout() {
    if (m_process == nullptr) {
        return;
    }
    m_stdoutBuffer += m_process->readAllStandardOutput();
    for (;;) {
        const qsizetype nl = m_stdoutBuffer.indexOf('\n');
        if (nl < 0) {
            break;
        }
        const QByteArray line = m_stdoutBuffer.left(nl).trimmed();
        m_stdoutBuffer.remove(0, nl + 1);
        if (!line.isEmpty()) {
            receive(line);
        }
        if (m_process == nullptr) {  // a handler stopped the server
            return;
        }
    }
    if (m_stdoutBuffer.size() > k_maxLine) {
        fail(tr("The server wrote more than 64 MB without a line break."));
    }
}

void McpClient::onStderr() {
    if (m_process == nullptr) {
        return;
    }
    m_stderrBuffer += m_process->readAllStandardError();
    qsizetype nl = 0;
    while ((nl = m_stderrBuffer.indexOf('\n')) >= 0) {
        addLog(QString::fromUtf8(m_stderrBuffer.left(nl)));
        m_stderrBuffer.remove(0, nl + 1);
    }
    if (m_stderrBuffer.size() > 4096) {
        addLog(QString::fromUtf8(m_stderrBuffer));
        m_stderrBuffer.clear();
    }
}

void McpClient::post(const QJsonObject& message) {
    QNetworkRequest req{QUrl(m_config.url)};
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Accept", "application/json, text/event-stream");
    if (!m_protocol.isEmpty()) {
        req.setRawHeader("MCP-Protocol-Version", m_protocol.toUtf8());
    }
    if (!m_session.isEmpty()) {
        req.setRawHeader("Mcp-Session-Id", m_session.toUtf8());
    }
    if (!m_config.token.isEmpty()) {
        req.setRawHeader("Authorization", "Bearer " + m_config.token.toUtf8());
    }
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    QNetworkReply* reply = m_network->post(req, QJsonDocument(message).toJson(QJsonDocument::Compact));
    m_replies.append(reply);
    const QJsonValue requestId = message.value(QStringLiteral("id"));
    const bool isRequest = message.contains(QStringLiteral("method")) && requestId.isDouble();
    auto sse = std::make_shared<SseDecoder>();
    auto isSse = std::make_shared<bool>(false);
    connect(reply, &QNetworkReply::metaDataChanged, this, [this, reply, isSse] {
        const QByteArray session = reply->rawHeader("Mcp-Session-Id");
        if (!session.isEmpty()) {
            m_session = QString::fromUtf8(session);
        }
        *isSse =
            reply->header(QNetworkRequest::ContentTypeHeader).toString().startsWith(QLatin1String("text/event-stream"));
    });
    connect(reply, &QNetworkReply::readyRead, this, [this, reply, sse, isSse] {
        if (!*isSse) {
            return;  // a JSON body is read whole at the end
        }
        for (const std::string& data : sse->feed(reply->readAll().toStdString())) {
            if (!data.empty()) {
                receive(QByteArray::fromStdString(data));
            }
        }
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply, isSse, isRequest, requestId] {
        m_replies.removeAll(reply);
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError && status == 0) {
            if (reply->error() == QNetworkReply::OperationCanceledError) {
                return;
            }
            if (m_state == State::Starting) {
                fail(tr("The server cannot be reached: %1").arg(reply->errorString()));
            } else if (isRequest) {
                settle(requestId.toInt(), {}, reply->errorString());
            }
            return;
        }
        if (status == 401 || status == 403) {
            fail(tr("The server refused the token (HTTP %1).").arg(status));
            return;
        }
        if (status == 404 && !m_session.isEmpty()) {
            fail(tr("The server ended the session (HTTP 404); restart it."));
            return;
        }
        if (status >= 400) {
            const QString body = shortened(reply->readAll());
            if (isRequest) {
                settle(requestId.toInt(), {}, QStringLiteral("HTTP %1 %2").arg(status).arg(body));
            } else {
                addLog(QStringLiteral("HTTP %1 %2").arg(status).arg(body));
            }
            return;
        }
        if (!*isSse) {
            const QByteArray body = reply->readAll().trimmed();
            if (!body.isEmpty()) {
                receive(body);
            }
        }
        if (isRequest && m_pending.count(requestId.toInt()) != 0 && status != 202) {
            // The stream ended without the answer.
            settle(requestId.toInt(), {}, tr("the server closed the stream without an answer"));
        }
    });
}

}  // namespace deepdesk::app
