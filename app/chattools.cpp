// SPDX-License-Identifier: GPL-3.0-or-later
// ChatController: tool calls. An answer that calls tools ends with them (finish reason
// tool_calls); each call waits for the user (Allow once / Always for this tool / Deny) unless the
// tool is always allowed, then runs on its MCP server, one at a time, in the order the model
// wrote them. The calls, their states and their results are kept with the answer; once all are
// settled the model answers again with the results, as a child of that answer.
#include <QJsonDocument>
#include <QJsonObject>

#include "app/chatcontroller.h"
#include "app/toolscontroller.h"

namespace deepdesk::app {
namespace {

namespace st = deepdesk::storage;

constexpr qsizetype k_maxResultChars = 32 * 1024;  // what a result may take of the context

QString state(const QJsonArray& calls, int i) { return calls[i].toObject().value(QStringLiteral("state")).toString(); }

void setCall(QJsonArray& calls, int i, const QString& stateName, const QString& result = {}) {
    QJsonObject c = calls[i].toObject();
    c.insert(QStringLiteral("state"), stateName);
    if (!result.isNull()) {
        c.insert(QStringLiteral("result"), result);
    }
    calls[i] = c;
}

}  // namespace

int ChatController::offeredToolCount() const { return m_tools != nullptr ? m_tools->toolCount() : 0; }

void ChatController::startTools(qint64 messageId, const std::vector<deepdesk::tool_call>& calls) {
    m_toolMessageId = messageId;
    m_toolCalls = QJsonDocument::fromJson(QByteArray::fromStdString(toolCallsJson(calls))).array();
    for (int i = 0; i < m_toolCalls.size(); ++i) {
        const QString name = m_toolCalls[i].toObject().value(QStringLiteral("name")).toString();
        if (m_tools == nullptr || m_tools->serverOf(name).isEmpty()) {
            setCall(m_toolCalls, i, QStringLiteral("error"), tr("No tool named %1 is available.").arg(name));
        } else if (m_tools->alwaysAllowed(name)) {
            setCall(m_toolCalls, i, QStringLiteral("allowed"));
        }
    }
    ++m_toolRounds;
    Q_EMIT toolsChanged();
    Q_EMIT generatingChanged();
    advanceTools();
}

void ChatController::advanceTools() {
    if (m_toolMessageId == 0 || m_toolTicket != 0) {
        return;  // nothing under way, or a call is running
    }
    for (int i = 0; i < m_toolCalls.size(); ++i) {
        if (state(m_toolCalls, i) == QLatin1String("allowed")) {
            const QJsonObject c = m_toolCalls[i].toObject();
            setCall(m_toolCalls, i, QStringLiteral("running"));
            publishTools();
            m_toolIndex = i;
            m_toolTicket = m_tools->call(c.value(QStringLiteral("name")).toString(),
                                         c.value(QStringLiteral("arguments")).toString());
            return;
        }
    }
    for (int i = 0; i < m_toolCalls.size(); ++i) {
        if (state(m_toolCalls, i) == QLatin1String("pending")) {
            publishTools();  // the user decides
            return;
        }
    }
    publishTools();
    endTools(true);
}

void ChatController::decideToolCall(qint64 messageId, int index, const QString& decision) {
    if (messageId != m_toolMessageId || index < 0 || index >= m_toolCalls.size() ||
        state(m_toolCalls, index) != QLatin1String("pending")) {
        return;
    }
    const QString name = m_toolCalls[index].toObject().value(QStringLiteral("name")).toString();
    if (decision == QLatin1String("deny")) {
        setCall(m_toolCalls, index, QStringLiteral("denied"), tr("The user did not allow this call."));
    } else if (decision == QLatin1String("always")) {
        m_tools->allowAlways(name);
        for (int i = 0; i < m_toolCalls.size(); ++i) {  // the same tool's other calls in this answer too
            if (state(m_toolCalls, i) == QLatin1String("pending") &&
                m_toolCalls[i].toObject().value(QStringLiteral("name")).toString() == name) {
                setCall(m_toolCalls, i, QStringLiteral("allowed"));
            }
        }
    } else if (decision == QLatin1String("once")) {
        setCall(m_toolCalls, index, QStringLiteral("allowed"));
    } else {
        return;
    }
    advanceTools();
}

void ChatController::onToolFinished(int ticket, bool ok, const QString& text, bool isError) {
    if (ticket != m_toolTicket || m_toolMessageId == 0) {
        return;
    }
    m_toolTicket = 0;
    QString result = text;
    if (result.size() > k_maxResultChars) {
        result =
            result.left(k_maxResultChars) + tr("\n[… %1 more characters left out]").arg(text.size() - k_maxResultChars);
    }
    setCall(m_toolCalls, m_toolIndex, ok && !isError ? QStringLiteral("done") : QStringLiteral("error"), result);
    m_toolIndex = -1;
    advanceTools();
}

void ChatController::publishTools() {
    const std::string json = QJsonDocument(m_toolCalls).toJson(QJsonDocument::Compact).toStdString();
    m_messages.setToolCalls(m_toolMessageId, json);
    m_storage->post(
        [id = m_toolMessageId, json](st::database& db) { st::conversation_store(db).set_tool_calls(id, json); });
}

void ChatController::endTools(bool goOn) {
    const qint64 messageId = m_toolMessageId;
    if (!goOn) {
        if (m_toolTicket != 0) {
            const int ticket = m_toolTicket;
            m_toolTicket = 0;
            setCall(m_toolCalls, m_toolIndex, QStringLiteral("cancelled"), tr("Stopped by the user."));
            m_tools->cancel(ticket);
        }
        for (int i = 0; i < m_toolCalls.size(); ++i) {
            const QString s = state(m_toolCalls, i);
            if (s == QLatin1String("pending") || s == QLatin1String("allowed")) {
                setCall(m_toolCalls, i, QStringLiteral("cancelled"), tr("Stopped by the user."));
            }
        }
        publishTools();
    }
    m_toolMessageId = 0;
    m_toolCalls = {};
    m_toolIndex = -1;
    Q_EMIT toolsChanged();
    if (goOn && messageId != 0) {
        answerAfter(messageId);  // the model goes on with the results
        return;
    }
    Q_EMIT generatingChanged();
    if (m_afterTurn) {  // the user asked for another conversation meanwhile
        const auto next = std::move(m_afterTurn);
        m_afterTurn = nullptr;
        Q_EMIT answerStoppedToLeave();
        next();
    }
}

}  // namespace deepdesk::app
