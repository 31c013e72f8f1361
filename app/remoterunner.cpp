// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/remoteworker.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrl>

#include "storage/conversation_store.h"

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
    // DeepSeek, SGLang and vLLM's reasoning parsers send `reasoning_content`; some servers and
    // newer vLLM versions call the same field `reasoning`.
    QString reasoning = delta.value(QStringLiteral("reasoning_content")).toString();
    if (reasoning.isEmpty()) {
        reasoning = delta.value(QStringLiteral("reasoning")).toString();
    }
    const QString content = delta.value(QStringLiteral("content")).toString();
    if (!reasoning.isEmpty()) {
        step.delta.reasoning = reasoning.toStdString();
        m_sawReasoningField = true;
    }
    if (!content.isEmpty()) {
        const deepdesk::reasoning_delta d = feedContent(content.toStdString(), false);
        step.delta.reasoning += d.reasoning;
        step.delta.answer += d.answer;
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

namespace {

QString roleName(deepdesk::chat_message::role r) {
    switch (r) {
    case deepdesk::chat_message::role::system: return QStringLiteral("system");
    case deepdesk::chat_message::role::user: return QStringLiteral("user");
    default: return QStringLiteral("assistant");
    }
}

}  // namespace

void RemoteWorker::generate(const TurnRequest& request, const RemoteEndpoint& endpoint) {
    if (m_network == nullptr) {
        m_network = new QNetworkAccessManager(this);
    }
    try {
        QString error;
        deepdesk::storage::database db(request.databasePath.toStdString());
        deepdesk::storage::conversation_store store(db);
        deepdesk::storage::stream_writer writer(store, request.assistantMessageId, std::chrono::milliseconds(250), {},
                                                {});

        QJsonArray messages;
        for (const auto& m : request.messages) {
            messages.append(QJsonObject{{QStringLiteral("role"), roleName(m.who)},
                                        {QStringLiteral("content"), QString::fromStdString(m.content)}});
        }
        QJsonObject body{{QStringLiteral("model"), endpoint.model},
                         {QStringLiteral("messages"), messages},
                         {QStringLiteral("stream"), true},
                         {QStringLiteral("stream_options"), QJsonObject{{QStringLiteral("include_usage"), true}}},
                         {QStringLiteral("temperature"), request.options.sampling.temperature},
                         {QStringLiteral("top_p"), request.options.sampling.top_p},
                         {QStringLiteral("max_tokens"), request.options.max_tokens}};
        QNetworkRequest req(QUrl(endpoint.baseUrl + QStringLiteral("/chat/completions")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        req.setRawHeader("Accept", "text/event-stream");
        if (!endpoint.apiKey.isEmpty()) {
            req.setRawHeader("Authorization", "Bearer " + endpoint.apiKey.toUtf8());
        }
        req.setTransferTimeout(300'000);  // nothing at all for 5 minutes: the server is gone

        QElapsedTimer clock;
        clock.start();
        qint64 firstTokenMs = -1, reasoningStartMs = -1, reasoningEndMs = -1;
        bool thinking = false, cancelled = false;
        m_buffer->push({}, {}, false);
        SseDecoder sse;
        ChatStreamDecoder decoder(endpoint.reasoningModel);
        QByteArray errorBody;
        int status = 0;
        const auto deliver = [&](const deepdesk::reasoning_delta& d) {
            if (d.reasoning.empty() && d.answer.empty()) {
                return;
            }
            const qint64 now = clock.elapsed();
            if (firstTokenMs < 0) {
                firstTokenMs = now;
            }
            if (!d.reasoning.empty() && reasoningStartMs < 0) {
                reasoningStartMs = now;
            }
            if (!d.answer.empty() && reasoningStartMs >= 0 && reasoningEndMs < 0) {
                reasoningEndMs = now;
            }
            thinking = d.answer.empty() && (thinking || !d.reasoning.empty());
            m_buffer->push(d.reasoning, d.answer, thinking, 1);  // servers send about a token per event
            writer.append(d.reasoning, d.answer);
        };

        QNetworkReply* reply = m_network->post(req, QJsonDocument(body).toJson(QJsonDocument::Compact));
        QEventLoop loop;
        QTimer poll;
        poll.setInterval(50);
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (m_cancel->load() && !cancelled) {
                cancelled = true;
                reply->abort();
            }
        });
        QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
            if (status == 0) {
                status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            }
            const QByteArray bytes = reply->readAll();
            if (status >= 400) {
                errorBody += bytes.left(64 * 1024 - errorBody.size());
                return;
            }
            for (const std::string& event : sse.feed(std::string_view(bytes.constData(), bytes.size()))) {
                if (!error.isEmpty()) {
                    break;
                }
                const ChatStreamDecoder::Step step = decoder.feed(event);
                deliver(step.delta);
                if (!step.error.isEmpty()) {
                    error = step.error;
                    reply->abort();
                }
            }
        });
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        poll.start();
        if (!reply->isFinished()) {
            loop.exec();
        }
        poll.stop();
        if (status == 0) {
            status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        }
        const QNetworkReply::NetworkError netError = reply->error();
        const QString netErrorText = reply->errorString();
        const QByteArray retryAfter = reply->rawHeader("Retry-After");
        if (status >= 400) {
            errorBody += reply->readAll();
        }
        reply->deleteLater();
        deliver(decoder.finish());
        m_buffer->push({}, {}, false);
        writer.flush();

        QString finishReason;
        if (error.isEmpty()) {
            if (cancelled) {
                finishReason = QStringLiteral("cancelled");
            } else if (status >= 400) {
                error = describeHttpError(status, errorBody, retryAfter);
            } else if (netError != QNetworkReply::NoError) {
                error = decoder.anyText() ? tr("The connection to %1 was lost: %2. What arrived before is kept.")
                                                .arg(endpoint.providerName, netErrorText)
                                          : tr("Could not reach %1: %2").arg(endpoint.providerName, netErrorText);
            } else if (!decoder.done() && decoder.finishReason().isEmpty()) {
                error = tr("The connection to %1 ended before the answer was complete. What arrived before is "
                           "kept.")
                            .arg(endpoint.providerName);
            } else {
                finishReason = decoder.finishReason().isEmpty() ? QStringLiteral("stop") : decoder.finishReason();
            }
        }
        if (!error.isEmpty()) {
            store.fail_message(request.assistantMessageId, error.toStdString());
            Q_EMIT failed(request.assistantMessageId, error);
            return;
        }
        const qint64 elapsedMs = clock.elapsed();
        const qint64 reasoningMs =
            reasoningStartMs < 0 ? 0 : (reasoningEndMs < 0 ? elapsedMs : reasoningEndMs) - reasoningStartMs;
        const qint64 completion = decoder.completionTokens().value_or(0);
        const double streamSeconds = firstTokenMs < 0 ? 0.0 : static_cast<double>(elapsedMs - firstTokenMs) / 1000.0;
        deepdesk::storage::generation_stats st;
        st.reasoning_ms = reasoningMs;
        st.prompt_tokens = decoder.promptTokens().value_or(0);
        st.generated_tokens = completion;
        // A rate over less than 50 ms says more about buffering on the way than about the server.
        st.tokens_per_second = streamSeconds >= 0.05 ? static_cast<double>(completion) / streamSeconds : 0.0;
        st.finish_reason = finishReason.toStdString();
        store.finish_message(
            request.assistantMessageId, st,
            cancelled ? deepdesk::storage::message_status::interrupted : deepdesk::storage::message_status::complete);
        QVariantMap stats;
        stats[QStringLiteral("reasoningMs")] = reasoningMs;
        stats[QStringLiteral("promptTokens")] = static_cast<qint64>(st.prompt_tokens);
        stats[QStringLiteral("generatedTokens")] = completion;
        stats[QStringLiteral("tokensPerSecond")] = st.tokens_per_second;
        stats[QStringLiteral("finishReason")] = finishReason;
        stats[QStringLiteral("contextUsed")] = static_cast<qint64>(st.prompt_tokens + completion);
        Q_EMIT finished(request.assistantMessageId, stats);
    } catch (const std::exception& e) {
        m_buffer->push({}, {}, false);
        Q_EMIT failed(request.assistantMessageId, QString::fromStdString(e.what()));
    }
}

}  // namespace deepdesk::app
