// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/remoterunner.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

#include "app/storagethread.h"

namespace deepdesk::app {

std::vector<std::string> SseDecoder::feed(std::string_view bytes) {
    std::vector<std::string> events;
    for (const char ch : bytes) {
        if (ch != '\n') {
            m_line += ch;
            continue;
        }
        if (!m_line.empty() && m_line.back() == '\r') {
            m_line.pop_back();
        }
        if (m_line.empty()) {  // a blank line ends the event
            if (m_hasData) {
                events.push_back(std::move(m_data));
            }
            m_data.clear();
            m_hasData = false;
        } else if (m_line.rfind("data:", 0) == 0) {
            std::string_view value = std::string_view(m_line).substr(5);
            if (!value.empty() && value.front() == ' ') {
                value.remove_prefix(1);
            }
            if (m_hasData) {
                m_data += '\n';
            }
            m_data += value;
            m_hasData = true;
        }
        // Comments (": keep-alive") and other fields (event:, id:, retry:) carry nothing we use.
        m_line.clear();
    }
    return events;
}

ChatStreamDecoder::Step ChatStreamDecoder::feed(const std::string& eventData) {
    Step step;
    if (eventData == "[DONE]") {
        m_done = true;
        return step;
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(eventData), &parseError);
    if (!doc.isObject()) {
        step.error = QObject::tr("The server sent something that is not JSON: %1")
                         .arg(QString::fromStdString(eventData.substr(0, 200)));
        return step;
    }
    const QJsonObject o = doc.object();
    if (o.contains(QStringLiteral("error"))) {
        const QJsonValue e = o.value(QStringLiteral("error"));
        step.error = e.isObject() ? e.toObject().value(QStringLiteral("message")).toString() : e.toString();
        if (step.error.isEmpty()) {
            step.error = QObject::tr("The server reported an error.");
        }
        return step;
    }
    const QJsonObject usage = o.value(QStringLiteral("usage")).toObject();
    if (usage.contains(QStringLiteral("prompt_tokens"))) {
        m_promptTokens = usage.value(QStringLiteral("prompt_tokens")).toInteger();
    }
    if (usage.contains(QStringLiteral("completion_tokens"))) {
        m_completionTokens = usage.value(QStringLiteral("completion_tokens")).toInteger();
    }
    const QJsonArray choices = o.value(QStringLiteral("choices")).toArray();
    if (choices.isEmpty()) {
        return step;
    }
    const QJsonObject choice = choices.first().toObject();
    // A streamed chunk has `delta`; a server that answered without streaming has `message`.
    const QJsonObject delta = choice.contains(QStringLiteral("delta"))
                                  ? choice.value(QStringLiteral("delta")).toObject()
                                  : choice.value(QStringLiteral("message")).toObject();
    // DeepSeek, SGLang and vLLM's reasoning parsers send `reasoning_content`; some servers,
    // newer vLLM versions and Ollama's OpenAI API call the same field `reasoning`, Ollama's own
    // API `thinking`.
    QString reasoning;
    for (const QLatin1String field :
         {QLatin1String("reasoning_content"), QLatin1String("reasoning"), QLatin1String("thinking")}) {
        reasoning = delta.value(field).toString();
        if (!reasoning.isEmpty()) {
            break;
        }
    }
    const QString content = delta.value(QStringLiteral("content")).toString();
    if (!reasoning.isEmpty()) {
        step.delta.reasoning = reasoning.toStdString();
        m_sawReasoningField = true;
    }
    if (!content.isEmpty()) {
        const deepdesk::reasoning_delta d = feedContent(content.toStdString(), false);
        if (d.answer_was_reasoning) {
            step.delta.answer_was_reasoning = true;
        }
        step.delta.reasoning += d.reasoning;
        step.delta.answer += d.answer;
    }
    // Tool calls: streamed as pieces by index (id and name first, the arguments in parts), or whole.
    for (const QJsonValue& v : delta.value(QStringLiteral("tool_calls")).toArray()) {
        const QJsonObject c = v.toObject();
        const auto index =
            static_cast<std::size_t>(c.value(QStringLiteral("index")).toInt(static_cast<int>(m_toolCalls.size())));
        if (index > 1000) {
            continue;
        }
        if (m_toolCalls.size() <= index) {
            m_toolCalls.resize(index + 1);
        }
        auto& call = m_toolCalls[index];
        const QJsonObject f = c.value(QStringLiteral("function")).toObject();
        if (c.contains(QStringLiteral("id"))) {
            call.id = c.value(QStringLiteral("id")).toString().toStdString();
        }
        call.name += f.value(QStringLiteral("name")).toString().toStdString();
        const QJsonValue args = f.value(QStringLiteral("arguments"));
        call.arguments += args.isObject() ? QJsonDocument(args.toObject()).toJson(QJsonDocument::Compact).toStdString()
                                          : args.toString().toStdString();
        m_anyText = true;
    }
    m_anyText = m_anyText || !reasoning.isEmpty() || !content.isEmpty();
    const QJsonValue fr = choice.value(QStringLiteral("finish_reason"));
    if (fr.isString()) {
        m_finishReason = fr.toString();
    }
    return step;
}

deepdesk::reasoning_delta ChatStreamDecoder::feedContent(const std::string& text, bool final) {
    if (!m_inline) {
        m_start += text;
        const auto first = m_start.find_first_not_of(" \t\r\n");
        const std::string_view open = "<think>";
        const std::string_view rest =
            first == std::string::npos ? std::string_view() : std::string_view(m_start).substr(first);
        const bool couldOpen = rest.size() < open.size() && open.substr(0, rest.size()) == rest;
        if (couldOpen && !final) {
            return {};  // not yet known whether it opens with <think>
        }
        const bool opensItself = rest.substr(0, open.size()) == open;
        m_inline.emplace(m_reasoningModel && !m_sawReasoningField && !opensItself);
        std::string held;
        held.swap(m_start);
        return m_inline->feed(held);
    }
    return m_inline->feed(text);
}

deepdesk::reasoning_delta ChatStreamDecoder::finish() {
    deepdesk::reasoning_delta out;
    if (!m_inline && !m_start.empty()) {
        out = feedContent({}, true);
    }
    if (m_inline) {
        const deepdesk::reasoning_delta last = m_inline->finish();
        out.answer_was_reasoning = out.answer_was_reasoning || last.answer_was_reasoning;
        if (last.answer_was_reasoning) {
            out.answer.clear();
        }
        out.reasoning += last.reasoning;
        out.answer += last.answer;
    }
    return out;
}

QString describeHttpError(int status, const QByteArray& body, const QByteArray& retryAfter) {
    QString message;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonValue e = doc.object().value(QStringLiteral("error"));
        message = e.isObject() ? e.toObject().value(QStringLiteral("message")).toString() : e.toString();
        if (message.isEmpty()) {
            message = doc.object().value(QStringLiteral("message")).toString();
        }
    } else {
        message = QString::fromUtf8(body.left(300)).trimmed();
    }
    QString text;
    if (status == 401 || status == 403) {
        text = QObject::tr("The server refused the API key (HTTP %1). Check the key in Settings → Remote providers.")
                   .arg(status);
    } else if (status == 429) {
        bool isNumber = false;
        const int seconds = retryAfter.trimmed().toInt(&isNumber);
        text = isNumber ? QObject::tr("Too many requests (HTTP 429): the server asks to wait %1 seconds.").arg(seconds)
                        : QObject::tr("Too many requests (HTTP 429): try again later.");
    } else if (status >= 500) {
        text = QObject::tr("The server failed (HTTP %1).").arg(status);
    } else {
        text = QObject::tr("The server answered HTTP %1.").arg(status);
    }
    if (!message.isEmpty()) {
        text += QLatin1Char(' ') + message;
    }
    return text;
}

QJsonObject thinkingFields(const QString& preset, const QString& thinkingKind, int budget) {
    if (thinkingKind.isEmpty() || (thinkingKind == QLatin1String("r1") && budget < 0)) {
        return {};
    }
    const bool on = budget != 0;
    // OpenAI's reasoning_effort is the common way to ask for less reasoning.
    const QString effort = budget < 0       ? QStringLiteral("high")
                           : budget <= 1024 ? QStringLiteral("low")
                           : budget <= 8192 ? QStringLiteral("medium")
                                            : QStringLiteral("high");
    QJsonObject out;
    if (preset == QLatin1String("deepseek")) {
        // The DeepSeek platform's switch (deepseek-chat thinks when it is enabled).
        out.insert(QStringLiteral("thinking"),
                   QJsonObject{{QStringLiteral("type"), on ? QStringLiteral("enabled") : QStringLiteral("disabled")}});
    } else if (preset == QLatin1String("deepdesk")) {
        QJsonObject t{{QStringLiteral("type"), on ? QStringLiteral("enabled") : QStringLiteral("disabled")}};
        if (budget > 0) {
            t.insert(QStringLiteral("budget_tokens"), budget);
        }
        out.insert(QStringLiteral("thinking"), t);
    } else if (preset == QLatin1String("ollama")) {
        out.insert(QStringLiteral("think"), on);
        if (budget > 0) {
            out.insert(QStringLiteral("reasoning_effort"), effort);
        }
    } else {
        // vLLM, SGLang and other servers of Hugging Face templates: the template's own switch
        // (V3.1's `thinking`, Qwen3's `enable_thinking`).
        out.insert(QStringLiteral("chat_template_kwargs"),
                   QJsonObject{{QStringLiteral("thinking"), on}, {QStringLiteral("enable_thinking"), on}});
        if (budget > 0) {
            out.insert(QStringLiteral("reasoning_effort"), effort);
        }
    }
    return out;
}

namespace {

QString roleName(deepdesk::chat_message::role r) {
    switch (r) {
    case deepdesk::chat_message::role::system: return QStringLiteral("system");
    case deepdesk::chat_message::role::user: return QStringLiteral("user");
    case deepdesk::chat_message::role::tool: return QStringLiteral("tool");
    default: return QStringLiteral("assistant");
    }
}

}  // namespace

// What one streamed answer carries while it arrives.
struct RemoteTurnRunner::Turn {
    Turn(StorageThread* storage, const TurnRequest& r, bool reasoningModel)
        : request(r), saver(storage, r.assistantMessageId), decoder(reasoningModel) {}
    TurnRequest request;
    StreamSaver saver;
    SseDecoder sse;
    ChatStreamDecoder decoder;
    QNetworkReply* reply = nullptr;
    QElapsedTimer clock;
    qint64 firstTokenMs = -1, reasoningStartMs = -1, reasoningEndMs = -1;
    bool thinking = false, cancelled = false;
    int status = 0;
    QByteArray errorBody;
    // A server that ignored "stream": true answers with one JSON object (Content-Type
    // application/json), read whole at the end.
    bool wholeJson = false;
    QByteArray jsonBody;
    QString error;  // from inside the stream
};

RemoteTurnRunner::RemoteTurnRunner(StorageThread* storage, QObject* parent)
    : TurnRunner(parent), m_storage(storage), m_network(new QNetworkAccessManager(this)) {}

RemoteTurnRunner::~RemoteTurnRunner() {
    if (m_turn && m_turn->reply != nullptr) {
        m_turn->reply->disconnect(this);
        m_turn->reply->abort();
        m_turn->saver.flush();  // what arrived is kept; the message is marked interrupted at next start
    }
}

void RemoteTurnRunner::cancel() {
    if (m_turn && !m_turn->cancelled && m_turn->reply != nullptr) {
        m_turn->cancelled = true;
        m_turn->reply->abort();  // finished follows
    }
}

void RemoteTurnRunner::run(const TurnRequest& request) {
    m_turn = std::make_unique<Turn>(m_storage, request, m_endpoint.reasoningModel);
    QJsonArray messages;
    // The DeepSeek platform wants the reasoning of the answers that called tools in this turn back
    // (thinking mode with tools); other servers do not know the field.
    const bool reasoningBack = m_endpoint.preset == QLatin1String("deepseek");
    for (const auto& m : request.messages) {
        QJsonObject o{{QStringLiteral("role"), roleName(m.who)},
                      {QStringLiteral("content"), QString::fromStdString(m.content)}};
        if (!m.tool_calls.empty()) {
            QJsonArray calls;
            for (const auto& c : m.tool_calls) {
                calls.append(
                    QJsonObject{{QStringLiteral("id"), QString::fromStdString(c.id)},
                                {QStringLiteral("type"), QStringLiteral("function")},
                                {QStringLiteral("function"),
                                 QJsonObject{{QStringLiteral("name"), QString::fromStdString(c.name)},
                                             {QStringLiteral("arguments"), QString::fromStdString(c.arguments)}}}});
            }
            o.insert(QStringLiteral("tool_calls"), calls);
            if (reasoningBack && !m.reasoning.empty()) {
                o.insert(QStringLiteral("reasoning_content"), QString::fromStdString(m.reasoning));
            }
        }
        if (m.who == deepdesk::chat_message::role::tool) {
            o.insert(QStringLiteral("tool_call_id"), QString::fromStdString(m.tool_call_id));
        }
        messages.append(o);
    }
    QJsonObject body{{QStringLiteral("model"), m_endpoint.model},
                     {QStringLiteral("messages"), messages},
                     {QStringLiteral("stream"), true},
                     {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}},
                     {QStringLiteral("temperature"), request.options.sampling.temperature},
                     {QStringLiteral("top_p"), request.options.sampling.top_p},
                     {QStringLiteral("max_tokens"), request.options.max_tokens}};
    if (!request.tools.empty()) {
        QJsonArray tools;
        for (const auto& t : request.tools) {
            const QJsonDocument params = QJsonDocument::fromJson(QByteArray::fromStdString(t.parameters));
            tools.append(
                QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                            {QStringLiteral("function"),
                             QJsonObject{{QStringLiteral("name"), QString::fromStdString(t.name)},
                                         {QStringLiteral("description"), QString::fromStdString(t.description)},
                                         {QStringLiteral("parameters"), params.object()}}}});
        }
        body.insert(QStringLiteral("tools"), tools);
    }
    const QJsonObject thinking =
        thinkingFields(m_endpoint.preset, m_endpoint.thinkingKind, request.options.thinking_budget);
    for (auto it = thinking.begin(); it != thinking.end(); ++it) {
        body.insert(it.key(), it.value());
    }
    QNetworkRequest req(QUrl(m_endpoint.baseUrl + QStringLiteral("/chat/completions")));
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    req.setRawHeader("Accept", "text/event-stream");
    if (!m_endpoint.apiKey.isEmpty()) {
        req.setRawHeader("Authorization", "Bearer " + m_endpoint.apiKey.toUtf8());
    }
    req.setTransferTimeout(300'000);  // nothing at all for 5 minutes: the server is gone
    m_turn->clock.start();
    m_buffer.push({}, {}, false);
    m_turn->reply = m_network->post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(m_turn->reply, &QNetworkReply::readyRead, this, &RemoteTurnRunner::onReadyRead);
    connect(m_turn->reply, &QNetworkReply::finished, this, &RemoteTurnRunner::onFinished);
}

void RemoteTurnRunner::deliver(const deepdesk::reasoning_delta& d) {
    if (d.reasoning.empty() && d.answer.empty() && !d.answer_was_reasoning) {
        return;
    }
    Turn& t = *m_turn;
    const qint64 now = t.clock.elapsed();
    if (t.firstTokenMs < 0) {
        t.firstTokenMs = now;
    }
    if (d.answer_was_reasoning && t.reasoningStartMs < 0) {
        t.reasoningStartMs = t.firstTokenMs;  // the reasoning began with the output
    }
    if (!d.reasoning.empty() && t.reasoningStartMs < 0) {
        t.reasoningStartMs = now;
    }
    if (!d.answer.empty() && t.reasoningStartMs >= 0 && t.reasoningEndMs < 0) {
        t.reasoningEndMs = now;
    }
    t.thinking = !d.answer_was_reasoning && d.answer.empty() && (t.thinking || !d.reasoning.empty());
    if (d.answer_was_reasoning && d.answer.empty() && t.reasoningEndMs < 0) {
        t.reasoningEndMs = now;  // "</think>" closed it
    }
    // Servers send about a token per event.
    m_buffer.push(d.reasoning, d.answer, t.thinking, 1, -1, d.answer_was_reasoning);
    t.saver.append(d.reasoning, d.answer, d.answer_was_reasoning);
}

void RemoteTurnRunner::onReadyRead() {
    Turn& t = *m_turn;
    if (t.status == 0) {
        t.status = t.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    const QByteArray bytes = t.reply->readAll();
    if (t.status >= 400) {
        t.errorBody += bytes.left(64 * 1024 - t.errorBody.size());
        return;
    }
    if (t.jsonBody.isEmpty() && !t.wholeJson) {
        t.wholeJson = t.reply->header(QNetworkRequest::ContentTypeHeader)
                          .toString()
                          .startsWith(QLatin1String("application/json"), Qt::CaseInsensitive);
    }
    if (t.wholeJson) {
        t.jsonBody += bytes;
        if (t.jsonBody.size() > 256 * 1024 * 1024) {
            t.error = tr("The server's reply is too large (over 256 MB).");
            t.reply->abort();
        }
        return;
    }
    for (const std::string& event : t.sse.feed(std::string_view(bytes.constData(), bytes.size()))) {
        if (!t.error.isEmpty()) {
            break;
        }
        const ChatStreamDecoder::Step step = t.decoder.feed(event);
        deliver(step.delta);
        if (!step.error.isEmpty()) {
            t.error = step.error;
            t.reply->abort();  // finished follows
        }
    }
}

void RemoteTurnRunner::onFinished() {
    Turn& t = *m_turn;
    QNetworkReply* reply = t.reply;
    if (t.status == 0) {
        t.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    }
    if (t.status >= 400) {
        t.errorBody += reply->readAll();
    }
    reply->deleteLater();
    if (t.wholeJson && t.status < 400 && t.error.isEmpty() && reply->error() == QNetworkReply::NoError) {
        const ChatStreamDecoder::Step step = t.decoder.feed((t.jsonBody + reply->readAll()).toStdString());
        deliver(step.delta);
        t.error = step.error;
    }
    deliver(t.decoder.finish());
    m_buffer.push({}, {}, false);

    TurnResult result;
    result.messageId = t.request.assistantMessageId;
    QString error = t.error;
    if (error.isEmpty()) {
        if (t.cancelled) {
            result.finishReason = QStringLiteral("cancelled");
        } else if (t.status >= 400) {
            error = describeHttpError(t.status, t.errorBody, reply->rawHeader("Retry-After"));
        } else if (reply->error() != QNetworkReply::NoError) {
            error = t.decoder.anyText()
                        ? tr("The connection to %1 was lost: %2. What arrived before is kept.")
                              .arg(m_endpoint.providerName, reply->errorString())
                        : tr("Could not reach %1: %2").arg(m_endpoint.providerName, reply->errorString());
        } else if (!t.decoder.done() && t.decoder.finishReason().isEmpty()) {
            error = tr("The connection to %1 ended before the answer was complete. What arrived before is kept.")
                        .arg(m_endpoint.providerName);
        } else {
            result.finishReason =
                t.decoder.finishReason().isEmpty() ? QStringLiteral("stop") : t.decoder.finishReason();
            for (std::size_t i = 0; i < t.decoder.toolCalls().size(); ++i) {
                auto call = t.decoder.toolCalls()[i];
                if (call.name.empty()) {
                    continue;
                }
                if (call.id.empty()) {
                    call.id = toolCallId(result.messageId, i);
                }
                result.toolCalls.push_back(call);
            }
            if (!result.toolCalls.empty()) {
                result.finishReason = QStringLiteral("tool_calls");
            }
        }
    }
    if (!error.isEmpty()) {
        result.finishReason = QStringLiteral("error");
        result.error = error;
        t.saver.fail(error);
    } else {
        const qint64 elapsedMs = t.clock.elapsed();
        result.reasoningMs =
            t.reasoningStartMs < 0 ? 0 : (t.reasoningEndMs < 0 ? elapsedMs : t.reasoningEndMs) - t.reasoningStartMs;
        result.promptTokens = t.decoder.promptTokens().value_or(0);
        result.generatedTokens = t.decoder.completionTokens().value_or(0);
        const double streamSeconds =
            t.firstTokenMs < 0 ? 0.0 : static_cast<double>(elapsedMs - t.firstTokenMs) / 1000.0;
        // A rate over less than 50 ms says more about buffering on the way than about the server.
        result.tokensPerSecond =
            streamSeconds >= 0.05 ? static_cast<double>(result.generatedTokens) / streamSeconds : 0.0;
        result.contextUsed = result.promptTokens + result.generatedTokens;
        t.saver.finish(result, false);
    }
    m_turn.reset();
    Q_EMIT finished(result);
}

}  // namespace deepdesk::app
