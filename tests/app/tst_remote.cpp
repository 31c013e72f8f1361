// SPDX-License-Identifier: GPL-3.0-or-later
// Both directions of "beyond one machine", through the app's real classes: one ChatController
// serves its local model with the built-in OpenAI-compatible server (the switch in Settings), and
// another ChatController chats with that server as a remote provider, streaming reasoning_content
// into the reasoning block. A fake server on 127.0.0.1 answers 401, 429 with Retry-After, 503,
// and drops the connection mid-answer: each is shown in the message and nothing received is lost.
// API keys never reach the database or an export.
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

#include "app/chatcontroller.h"
#include "app/embedding.h"
#include "app/providers.h"
#include "app/remoterunner.h"
#include "app/services.h"
#include "app/settings.h"
#include "tests/support/embedding_model.h"
#include "tests/support/scripted_chat_model.h"

using deepdesk::app::ChatController;
using deepdesk::app::ChatStreamDecoder;
using deepdesk::app::ProvidersController;
using deepdesk::app::SseDecoder;
namespace st = deepdesk::storage;

namespace {

// Answers every request with `response` (raw HTTP), written in pieces, then closes.
class FakeServer : public QObject {
public:
    explicit FakeServer(QByteArray response) : m_response(std::move(response)) {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket* s = m_server.nextPendingConnection();
            QObject::connect(s, &QTcpSocket::readyRead, s, [this, s] {
                QByteArray request = s->property("request").toByteArray() + s->readAll();
                s->setProperty("request", request);
                // Answered once the whole request is in, as a server would.
                const qsizetype headerEnd = request.indexOf("\r\n\r\n");
                if (headerEnd < 0 || s->property("answered").toBool()) {
                    return;
                }
                const QByteArray lengthHeader = "Content-Length: ";
                const qsizetype at = request.indexOf(lengthHeader);
                const qsizetype length =
                    at < 0
                        ? 0
                        : request.mid(at + lengthHeader.size(), request.indexOf("\r\n", at) - at - lengthHeader.size())
                              .trimmed()
                              .toLongLong();
                if (request.size() < headerEnd + 4 + length) {
                    return;
                }
                s->setProperty("answered", true);
                if (request.contains("/chat/completions")) {
                    m_request = request;
                    requests << request;
                }
                const bool chat = request.contains("/chat/completions");
                const QByteArray answer = responses.isEmpty() || !chat ? m_response : responses.takeFirst();
                for (qsizetype i = 0; i < answer.size(); i += 7) {
                    s->write(answer.mid(i, 7));
                    s->flush();
                }
                s->disconnectFromHost();
            });
            QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        });
    }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort()); }
    const QByteArray& request() const { return m_request; }
    QByteArrayList responses;  // chat requests are answered with these in turn, then `response`
    QByteArrayList requests;   // every chat request, in order

private:
    QTcpServer m_server;
    QByteArray m_response, m_request;
};

QByteArray sse(const QByteArrayList& events) {
    QByteArray out = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
    for (const QByteArray& e : events) {
        out += "data: " + e + "\n\n";
    }
    return out;
}

QByteArray plain(const QByteArray& status, const QByteArray& body) {
    return "HTTP/1.1 " + status +
           "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" +
           body;
}

// A streamed answer that reasons, then calls ping({"x":1}) in pieces, as OpenAI-style servers do.
QByteArray toolCallStream() {
    return sse(
        {R"({"choices":[{"delta":{"reasoning_content":"Need ping"}}]})",
         R"({"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_abc","type":"function","function":{"name":"ping","arguments":""}}]}}]})",
         "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"x\\\":\"}}]}}]}",
         R"({"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]}}]})",
         R"({"choices":[{"delta":{},"finish_reason":"tool_calls"}]})", "[DONE]"});
}

const QString k_fakeMcp = QStringLiteral(DEEPDESK_MCP_FAKE) + QStringLiteral(" ok");

const st::message& lastMessage(ChatController& c) { return c.messages()->rows().back().message; }

// Runs one turn of `c` and waits for its end; returns the finish reason.
QString turn(ChatController& c, const QString& text) {
    QSignalSpy finished(&c, &ChatController::turnFinished);
    c.send(text);
    if (!finished.wait(30000)) {
        return QStringLiteral("(timed out)");
    }
    c.flushStorage();
    return finished.first().first().toString();
}

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class TestRemote : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_remote"));
        QSettings().clear();
        QFile::remove(deepdesk::app::Settings::secretsPath());
    }

    void serverSentEventsAreReassembledFromAnyPieces() {
        const std::string stream =
            ": keep-alive\r\n\r\ndata: {\"a\":1}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata:[DONE]\n\n";
        for (std::size_t piece : {std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
            SseDecoder d;
            std::vector<std::string> events;
            for (std::size_t i = 0; i < stream.size(); i += piece) {
                for (auto& e : d.feed(std::string_view(stream).substr(i, piece))) {
                    events.push_back(e);
                }
            }
            QCOMPARE(events.size(), std::size_t{3});
            QCOMPARE(events[0], std::string("{\"a\":1}"));
            QCOMPARE(events[1], std::string("line1\nline2"));
            QCOMPARE(events[2], std::string("[DONE]"));
        }
    }

    void reasoningContentAndInlineThinkTagsBothReachTheReasoning() {
        ChatStreamDecoder fields;
        std::string reasoning, answer;
        for (const char* e :
             {R"({"choices":[{"delta":{"role":"assistant","content":null,"reasoning_content":"Let"}}]})",
              R"({"choices":[{"delta":{"reasoning":" me"}}]})", R"({"choices":[{"delta":{"thinking":" see"}}]})",
              R"({"choices":[{"delta":{"content":"42","reasoning_content":null}}]})",
              R"({"choices":[{"delta":{},"finish_reason":"stop"}]})",
              R"({"choices":[],"usage":{"prompt_tokens":9,"completion_tokens":5}})", "[DONE]"}) {
            const auto step = fields.feed(e);
            QVERIFY(step.error.isEmpty());
            reasoning += step.delta.reasoning;
            answer += step.delta.answer;
        }
        QCOMPARE(reasoning, std::string("Let me see"));
        QCOMPARE(answer, std::string("42"));
        QVERIFY(fields.done());
        QCOMPARE(fields.finishReason(), QStringLiteral("stop"));
        QCOMPARE(fields.promptTokens().value_or(-1), 9);
        QCOMPARE(fields.completionTokens().value_or(-1), 5);

        // Servers without a reasoning parser send the tags inside content, split anywhere. With
        // r1 set, an R1-style model behind such a server: the template opened <think>, so the
        // content begins inside the reasoning. A model that is not R1-style is left alone.
        const auto run = [](bool r1, std::initializer_list<const char*> pieces) {
            ChatStreamDecoder d(r1);
            deepdesk::reasoning_delta all;
            for (const char* piece : pieces) {
                const QJsonObject delta{{QStringLiteral("content"), QString::fromUtf8(piece)}};
                const QJsonObject chunk{
                    {QStringLiteral("choices"), QJsonArray{QJsonObject{{QStringLiteral("delta"), delta}}}}};
                const auto step = d.feed(QJsonDocument(chunk).toJson(QJsonDocument::Compact).toStdString());
                if (step.delta.answer_was_reasoning) {
                    all.answer.clear();
                }
                all.reasoning += step.delta.reasoning;
                all.answer += step.delta.answer;
            }
            const auto tail = d.finish();
            if (tail.answer_was_reasoning) {
                all.answer.clear();
            }
            all.reasoning += tail.reasoning;
            all.answer += tail.answer;
            return all;
        };
        auto r = run(false, {"<thi", "nk>\nHmm", ", yes.</th", "ink>\n\nThe answer", " is 42."});
        QCOMPARE(r.reasoning, std::string("Hmm, yes."));
        QCOMPARE(r.answer, std::string("The answer is 42."));
        r = run(true, {"Let me", " think.</thi", "nk>\n\nDone."});
        QCOMPARE(r.reasoning, std::string("Let me think."));
        QCOMPARE(r.answer, std::string("Done."));
        r = run(true, {"<", "think>Quick.</think>Yes."});
        QCOMPARE(r.reasoning, std::string("Quick."));
        QCOMPARE(r.answer, std::string("Yes."));
        r = run(false, {"Plain", " answer."});
        QCOMPARE(r.reasoning, std::string());
        QCOMPARE(r.answer, std::string("Plain answer."));
        // A "</think>" with no opening tag ends the reasoning whatever the model is called.
        r = run(false, {"Ok", "ay</th", "ink>Hi", " 4U!"});
        QCOMPARE(r.reasoning, std::string("Okay"));
        QCOMPARE(r.answer, std::string("Hi 4U!"));
        r = run(false, {"Hmm.</think>"});
        QCOMPARE(r.reasoning, std::string("Hmm."));
        QCOMPARE(r.answer, std::string());
        r = run(true, {"<t"});  // a stream that ends while the opening is still unknown
        QCOMPARE(r.reasoning + r.answer, std::string("<t"));
    }

    // The app's own server (Settings → Local API server) and the app's remote client, end to end.
    void theAppServesItsModelAndAnotherAppChatsWithIt() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("r1.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        const QString key = QStringLiteral("sk-test-0123456789abcdef");

        QDir().mkpath(dir.filePath(QStringLiteral("serving")));
        deepdesk::app::Services servingApp(dir.filePath(QStringLiteral("serving")));
        ChatController& serving = servingApp.chat;
        QSignalSpy modelChanged(&servingApp.host, &deepdesk::app::ModelHost::modelChanged);
        servingApp.host.loadModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(servingApp.host.modelLoaded(), 20000);
        QSignalSpy serverChanged(&servingApp.server, &deepdesk::app::ServerController::stateChanged);
        servingApp.settings.setServerPort(0);  // any free port
        servingApp.settings.setServerApiKey(key);
        servingApp.settings.setServerEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(!servingApp.server.url().isEmpty(), 10000);
        QVERIFY2(servingApp.server.error().isEmpty(), qPrintable(servingApp.server.error()));
        QVERIFY(servingApp.server.url().startsWith(QStringLiteral("http://127.0.0.1:")));
        QVERIFY(servingApp.server.example().contains(servingApp.server.url() + QStringLiteral("/chat/completions")));
        QVERIFY(servingApp.server.example().contains(key));

        // /v1/embeddings serves the document library's embedding model once one is chosen.
        const auto embeddings = [&](const QByteArray& body) {
            QNetworkAccessManager net;
            QNetworkRequest req(QUrl(servingApp.server.url() + QStringLiteral("/embeddings")));
            req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
            req.setRawHeader("Authorization", "Bearer " + key.toUtf8());
            QNetworkReply* reply = net.post(req, body);
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(20000);
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
            reply->deleteLater();
            return std::make_pair(status, json);
        };
        QCOMPARE(embeddings(R"({"model":"x","input":"hello"})").first, 404);
        const QString embedder = dir.filePath(QStringLiteral("byte-embedder.gguf"));
        deepdesk::testing::write_byte_embedding_model(embedder.toStdString());
        servingApp.collections.setEmbeddingModel(QUrl::fromLocalFile(embedder));
        QVERIFY(servingApp.collections.waitIdle(30000));
        QTRY_VERIFY(servingApp.collections.embedding());
        const auto [status, vectors] = embeddings(R"({"model":"byte-embedder","input":["hello","数据库"]})");
        QCOMPARE(status, 200);
        QCOMPARE(vectors.value(QStringLiteral("model")).toString(), QStringLiteral("byte-embedder"));
        QCOMPARE(vectors.value(QStringLiteral("data")).toArray().size(), 2);
        QCOMPARE(vectors.value(QStringLiteral("data"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("embedding"))
                     .toArray()
                     .size(),
                 64);
        servingApp.collections.setEmbeddingModel(QUrl());

        QDir().mkpath(dir.filePath(QStringLiteral("client")));
        deepdesk::app::Services clientApp(dir.filePath(QStringLiteral("client")));
        ProvidersController& providers = clientApp.providers;
        QSignalSpy fetched(&providers, &ProvidersController::modelsFetched);
        const QString id =
            providers.addProvider(QStringLiteral("deepdesk"), QStringLiteral("Desk"), servingApp.server.url(), key);
        QVERIFY(fetched.wait(10000));
        QVERIFY2(fetched.first().at(1).toBool(), qPrintable(fetched.first().at(2).toString()));
        const QStringList models = providers.providers().first().toMap().value(QStringLiteral("models")).toStringList();
        QCOMPARE(models, QStringList{servingApp.host.modelName()});

        ChatController& client = clientApp.chat;
        clientApp.host.useRemoteModel(id, models.first());
        QVERIFY(clientApp.host.modelLoaded());
        QCOMPARE(clientApp.host.modelSource(), QStringLiteral("remote"));
        QVERIFY(clientApp.host.reasoningModel());  // an R1 name

        QCOMPARE(turn(client, QStringLiteral("hello")), QStringLiteral("stop"));
        const st::message& answer = lastMessage(client);
        QCOMPARE(answer.reasoning, std::string("Okay"));  // reasoning_content, apart from the answer
        QCOMPARE(answer.content, std::string("Hi 4U!"));
        QCOMPARE(answer.status, st::message_status::complete);
        QVERIFY(answer.generated_tokens > 0);  // from the server's usage
        QVERIFY(answer.prompt_tokens > 0);

        // A second turn: the history goes back without the reasoning.
        QCOMPARE(turn(client, QStringLiteral("again")), QStringLiteral("stop"));
        QCOMPARE(lastMessage(client).content, std::string("Hi 4U!"));
        QCOMPARE(client.messages()->rowCount(), 4);

        // The window's own turns still work while it serves (they take turns for the model).
        QCOMPARE(turn(serving, QStringLiteral("local")), QStringLiteral("stop"));
        QCOMPARE(lastMessage(serving).content, std::string("Hi 4U!"));

        // The key is nowhere in the client's database or in an export.
        const QString exported = dir.filePath(QStringLiteral("all.json"));
        QSignalSpy exportedSpy(&client, &ChatController::exportFinished);
        client.exportConversations({}, QUrl::fromLocalFile(exported));
        QVERIFY(exportedSpy.wait(10000));
        QVERIFY(exportedSpy.first().first().toBool());
        QVERIFY(fileBytes(exported).contains("Hi 4U!"));
        QVERIFY(!fileBytes(exported).contains(key.toUtf8()));
        client.flushStorage();
        for (const QString& f : QDir(dir.filePath(QStringLiteral("client")))
                                    .entryList({QStringLiteral("conversations.db*")}, QDir::Files)) {
            QVERIFY2(!fileBytes(dir.filePath(QStringLiteral("client/") + f)).contains(key.toUtf8()), qPrintable(f));
        }
        // The secrets file keeps it, readable by its owner only; the settings file does not.
        const QString secrets = clientApp.settings.secretsPath();
        QVERIFY(fileBytes(secrets).contains(key.toUtf8()));
        QCOMPARE(QFile::permissions(secrets) & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                                QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());
        QVERIFY(!fileBytes(QSettings().fileName()).contains(key.toUtf8()));

        // A wrong key is refused, and the message says so.
        providers.updateProvider(id, QStringLiteral("Desk"), servingApp.server.url(), QStringLiteral("wrong"));
        QCOMPARE(turn(client, QStringLiteral("third")), QStringLiteral("error"));
        QCOMPARE(lastMessage(client).status, st::message_status::error);
        QVERIFY2(QString::fromStdString(lastMessage(client).error_text).contains(QStringLiteral("401")),
                 lastMessage(client).error_text.c_str());

        // Switched off, the port is closed.
        servingApp.settings.setServerEnabled(false);
        QTRY_VERIFY_WITH_TIMEOUT(servingApp.server.url().isEmpty(), 10000);
    }

    void stoppingARemoteAnswerKeepsWhatArrived() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("loop.gguf"));
        deepdesk::testing::scripted_chat_spec spec;
        spec.loop = true;
        deepdesk::testing::write_scripted_chat_model(model.toStdString(), spec);
        deepdesk::app::Services servingApp(dir.path());
        servingApp.settings.setMaxTokens(100000);
        servingApp.host.loadModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(servingApp.host.modelLoaded(), 20000);
        servingApp.settings.setServerPort(0);
        servingApp.settings.setServerApiKey({});
        servingApp.settings.setServerEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(!servingApp.server.url().isEmpty(), 10000);

        QDir().mkpath(dir.filePath(QStringLiteral("client")));
        deepdesk::app::Services clientApp(dir.filePath(QStringLiteral("client")));
        const QString id = clientApp.providers.addProvider(QStringLiteral("vllm"), {}, servingApp.server.url(), {});
        ChatController& client = clientApp.chat;
        clientApp.settings.setMaxTokens(100000);
        clientApp.host.useRemoteModel(id, servingApp.host.modelName());
        QSignalSpy finished(&client, &ChatController::turnFinished);
        client.send(QStringLiteral("go on forever"));
        QTRY_VERIFY_WITH_TIMEOUT(client.messages()->rowCount() == 2 && lastMessage(client).content.size() > 20, 20000);
        client.stop();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().toString(), QStringLiteral("cancelled"));
        client.flushStorage();
        QCOMPARE(lastMessage(client).status, st::message_status::interrupted);
        QVERIFY(lastMessage(client).content.size() > 20);
        QVERIFY(lastMessage(client).content.find("Hi 4U!") != std::string::npos);
    }

    void httpErrorsAndDroppedConnectionsAreShownWithoutLosingText() {
        struct Case {
            const char* name;
            QByteArray response;
            QString expect;                  // in the message's error
            std::string reasoning, content;  // kept
        };
        const QByteArray partial = sse({R"({"choices":[{"delta":{"reasoning_content":"Thinking hard"}}]})",
                                        R"({"choices":[{"delta":{"content":"The first half"}}]})"});
        QByteArray chunkedDrop =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        const QByteArray event = "data: {\"choices\":[{\"delta\":{\"content\":\"Half\"}}]}\n\n";
        chunkedDrop += QByteArray::number(event.size(), 16) + "\r\n" + event + "\r\n" + "400\r\ndata: {\"cho";
        const QList<Case> cases = {
            {"401", plain("401 Unauthorized", R"({"error":{"message":"Invalid API key","type":"auth_err"}})"),
             QStringLiteral("Invalid API key"), "", ""},
            {"429", "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\r\nContent-Length: 0\r\n\r\n",
             QStringLiteral("7 seconds"), "", ""},
            {"503", plain("503 Service Unavailable", "overloaded."), QStringLiteral("HTTP 503"), "", ""},
            {"ended early", partial, QStringLiteral("ended before the answer was complete"), "Thinking hard",
             "The first half"},
            // Qt reports a cut-off chunked body as an error or as an early end, depending on timing.
            {"dropped", chunkedDrop, QStringLiteral("What arrived before is kept"), "", "Half"},
            {"error event", sse({R"({"choices":[{"delta":{"content":"Some"}}]})", R"({"error":{"message":"boom"}})"}),
             QStringLiteral("boom"), "", "Some"},
        };
        for (const Case& k : cases) {
            QTemporaryDir dir;
            FakeServer fake(k.response);
            deepdesk::app::Services cApp(dir.path());
            const QString id = cApp.providers.addProvider(QStringLiteral("custom"), QStringLiteral("Fake"),
                                                          fake.baseUrl(), QStringLiteral("sk-fake"));
            ChatController& c = cApp.chat;
            cApp.host.useRemoteModel(id, QStringLiteral("deepseek-chat"));
            QCOMPARE(turn(c, QStringLiteral("hi")), QStringLiteral("error"));
            const st::message& m = lastMessage(c);
            QCOMPARE(m.status, st::message_status::error);
            QVERIFY2(QString::fromStdString(m.error_text).contains(k.expect), (k.name + (": " + m.error_text)).c_str());
            QCOMPARE(m.reasoning, k.reasoning);
            QCOMPARE(m.content, k.content);
            QVERIFY(c.errorText().contains(k.expect));
            QVERIFY(fake.request().contains("Authorization: Bearer sk-fake"));
            QVERIFY(fake.request().contains("\"stream\":true"));
        }
    }

    // llama.cpp's llama-server with no reasoning parser, serving an R1-style model under a name
    // that says nothing of reasoning ("/tmp/scripted.gguf", answering as "gpt-3.5-turbo"): its
    // recorded stream and reply (../shared/testdata/remote) give "Okay</think>Hi 4U!" in
    // content, with no opening tag. The "</think>" ends the reasoning all the same.
    void aRealServersInlineReasoningIsSplit() {
        const QString recorded = QStringLiteral(DEEPDESK_SHARED_DIR "/testdata/remote");
        if (!QFile::exists(recorded + QStringLiteral("/llama-server-inline-think.sse"))) {
            QSKIP("../shared/testdata/remote is absent: the recorded llama-server replies are not here");
        }
        const QByteArray stream = fileBytes(recorded + QStringLiteral("/llama-server-inline-think.sse"));
        const QByteArray reply = fileBytes(recorded + QStringLiteral("/llama-server-inline-think.json"));
        const QList<QPair<const char*, QByteArray>> responses = {
            {"streamed", "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" + stream},
            {"not streamed", plain("200 OK", reply)},
        };
        for (const auto& [name, response] : responses) {
            QTemporaryDir dir;
            FakeServer fake(response);
            deepdesk::app::Services cApp(dir.path());
            const QString id = cApp.providers.addProvider(QStringLiteral("custom"), QStringLiteral("llama-server"),
                                                          fake.baseUrl(), QString());
            ChatController& c = cApp.chat;
            cApp.host.useRemoteModel(id, QStringLiteral("/tmp/scripted.gguf"));
            QVERIFY(!cApp.host.reasoningModel());  // nothing in the name says so
            const QString how = turn(c, QStringLiteral("hello"));
            const st::message& m = lastMessage(c);
            QVERIFY2(how == QStringLiteral("stop"), (name + (": " + m.error_text)).c_str());
            QCOMPARE(m.reasoning, std::string("Okay"));
            QCOMPARE(m.content, std::string("Hi 4U!"));
            QCOMPARE(m.status, st::message_status::complete);
            // What the window shows is what was stored.
            QCOMPARE(c.messages()->rows().back().message.content, std::string("Hi 4U!"));
            QCOMPARE(c.messages()->rows().back().message.reasoning, std::string("Okay"));
            // The next turn sends the answer back without the reasoning.
            QCOMPARE(turn(c, QStringLiteral("again")), QStringLiteral("stop"));
            const QByteArray second = fake.request();
            const QJsonObject body = QJsonDocument::fromJson(second.mid(second.indexOf("\r\n\r\n") + 4)).object();
            const QJsonArray history = body.value(QStringLiteral("messages")).toArray();
            QCOMPARE(history.size(), 3);
            QCOMPARE(history.at(1).toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Hi 4U!"));
            QVERIFY2(!second.contains("Okay") && !second.contains("think>"), name);
        }
    }

    // A remote model calls an MCP tool: OpenAI tool_calls streamed in pieces are put together, the
    // call runs (the tool is always allowed here), and the next request carries the call, its
    // result as a `tool` message and, for the DeepSeek platform, the reasoning of that answer.
    void remoteToolCallsRoundTrip() {
        QTemporaryDir dir;
        FakeServer fake(sse({R"({"choices":[{"delta":{"reasoning_content":"It answered"}}]})",
                             R"({"choices":[{"delta":{"content":"Pong received."}}]})",
                             R"({"choices":[{"delta":{},"finish_reason":"stop"}]})", "[DONE]"}));
        fake.responses << toolCallStream();
        deepdesk::app::Services cApp(dir.path());
        cApp.tools.addServer(QStringLiteral("stdio"), QStringLiteral("Fake"), k_fakeMcp, {}, {});
        QTRY_COMPARE_WITH_TIMEOUT(cApp.tools.toolCount(), 1, 10000);
        cApp.tools.allowAlways(QStringLiteral("ping"));
        const QString id = cApp.providers.addProvider(QStringLiteral("deepseek"), QStringLiteral("DeepSeek"),
                                                      fake.baseUrl(), QStringLiteral("sk-x"));
        cApp.host.useRemoteModel(id, QStringLiteral("deepseek-reasoner"));
        QSignalSpy finished(&cApp.chat, &ChatController::turnFinished);
        cApp.chat.send(QStringLiteral("Ping it"));
        QTRY_VERIFY2_WITH_TIMEOUT(
            finished.size() == 2 && !cApp.chat.generating(),
            qPrintable(QStringLiteral("finished %1, generating %2, tool message %3, rows %4, calls %5, error %6")
                           .arg(finished.size())
                           .arg(cApp.chat.generating())
                           .arg(cApp.chat.toolMessageId())
                           .arg(cApp.chat.messages()->rowCount())
                           .arg(QString::fromStdString(cApp.chat.messages()->rows().back().message.tool_calls))
                           .arg(cApp.chat.errorText())),
            30000);
        QCOMPARE(finished[0].first().toString(), QStringLiteral("tool_calls"));
        QCOMPARE(finished[1].first().toString(), QStringLiteral("stop"));
        QCOMPARE(fake.requests.size(), 2);
        QVERIFY2(fake.requests[0].contains(R"("tools":[{"function":{"description":"Answers pong","name":"ping")"),
                 fake.requests[0].constData());
        const QByteArray second = fake.requests[1];
        QVERIFY2(second.contains(R"("tool_call_id":"call_abc")"), second.constData());
        QVERIFY2(second.contains("\"content\":\"pong {\\\"x\\\":1}\",\"role\":\"tool\""), second.constData());
        QVERIFY2(second.contains("\"arguments\":\"{\\\"x\\\":1}\",\"name\":\"ping\""), second.constData());
        QVERIFY2(second.contains(R"("reasoning_content":"Need ping")"), second.constData());
        cApp.chat.flushStorage();
        const auto& rows = cApp.chat.messages()->rows();
        QCOMPARE(rows.size(), std::size_t{3});
        QCOMPARE(rows[1].message.reasoning, std::string("Need ping"));
        QVERIFY2(rows[1].message.tool_calls.find(R"("state":"done")") != std::string::npos,
                 rows[1].message.tool_calls.c_str());
        QCOMPARE(QString::fromStdString(rows[2].message.content), QStringLiteral("Pong received."));
    }

    // The thinking choice reaches each kind of server in its own words.
    void theThinkingSwitchIsSentAsEachServerReadsIt() {
        using deepdesk::app::thinkingFields;
        const auto json = [](const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };
        QCOMPARE(json(thinkingFields(QStringLiteral("deepseek"), QStringLiteral("hybrid"), 0)),
                 QByteArray(R"({"thinking":{"type":"disabled"}})"));
        QCOMPARE(json(thinkingFields(QStringLiteral("deepseek"), QStringLiteral("hybrid"), -1)),
                 QByteArray(R"({"thinking":{"type":"enabled"}})"));
        QCOMPARE(json(thinkingFields(QStringLiteral("vllm"), QStringLiteral("hybrid"), 0)),
                 QByteArray(R"({"chat_template_kwargs":{"enable_thinking":false,"thinking":false}})"));
        QCOMPARE(json(thinkingFields(QStringLiteral("sglang"), QStringLiteral("hybrid"), 1024)),
                 QByteArray(
                     R"({"chat_template_kwargs":{"enable_thinking":true,"thinking":true},"reasoning_effort":"low"})"));
        QCOMPARE(json(thinkingFields(QStringLiteral("ollama"), QStringLiteral("hybrid"), 0)),
                 QByteArray(R"({"think":false})"));
        QCOMPARE(json(thinkingFields(QStringLiteral("deepdesk"), QStringLiteral("r1"), 2)),
                 QByteArray(R"({"thinking":{"budget_tokens":2,"type":"enabled"}})"));
        QVERIFY(thinkingFields(QStringLiteral("vllm"), QStringLiteral("r1"), -1).isEmpty());  // it thinks anyway
        QVERIFY(thinkingFields(QStringLiteral("vllm"), QString(), 0).isEmpty());  // a model that does not think
        QCOMPARE(deepdesk::app::ModelHost::remoteThinkingKind(QStringLiteral("deepseek-reasoner")),
                 QStringLiteral("r1"));
        QCOMPARE(deepdesk::app::ModelHost::remoteThinkingKind(QStringLiteral("deepseek-chat")),
                 QStringLiteral("hybrid"));
        QCOMPARE(deepdesk::app::ModelHost::remoteThinkingKind(QStringLiteral("deepseek-ai/DeepSeek-V3.1")),
                 QStringLiteral("hybrid"));
        QCOMPARE(deepdesk::app::ModelHost::remoteThinkingKind(QStringLiteral("gpt-3.5-turbo")), QString());

        // End to end: a vLLM server with V3.1, thinking off for this conversation.
        QTemporaryDir dir;
        FakeServer fake(sse({R"({"choices":[{"delta":{"content":"Hi"}}]})",
                             R"({"choices":[{"delta":{},"finish_reason":"stop"}]})", "[DONE]"}));
        deepdesk::app::Services cApp(dir.path());
        const QString id =
            cApp.providers.addProvider(QStringLiteral("vllm"), QStringLiteral("vLLM"), fake.baseUrl(), QString());
        cApp.host.useRemoteModel(id, QStringLiteral("deepseek-ai/DeepSeek-V3.1"));
        QCOMPARE(cApp.host.thinkingKind(), QStringLiteral("hybrid"));
        cApp.chat.setThinkingBudget(0);
        QCOMPARE(turn(cApp.chat, QStringLiteral("hi")), QStringLiteral("stop"));
        QVERIFY2(fake.request().contains(R"("chat_template_kwargs":{"enable_thinking":false,"thinking":false})"),
                 fake.request().constData());
    }
};

QTEST_MAIN(TestRemote)
#include "tst_remote.moc"
