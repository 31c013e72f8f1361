// SPDX-License-Identifier: GPL-3.0-or-later
// The MCP client against the official reference servers from npm (@modelcontextprotocol's
// "everything" server over stdio and Streamable HTTP, the filesystem server over stdio) and
// against a small sh server that misbehaves on purpose: a crash, a line that is not JSON-RPC, a
// call that never ends (time limit, cancel), a command that does not exist. Also the owner of the
// servers (ToolsController): settings, secrets, unique tool names, "always allowed".
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include "app/mcpclient.h"
#include "app/settings.h"
#include "app/toolscontroller.h"

using deepdesk::app::McpClient;
using deepdesk::app::McpServerConfig;
using deepdesk::app::ToolsController;

namespace {

const QString k_fake = QStringLiteral(DEEPDESK_MCP_FAKE);
const QString k_modules = QStringLiteral(DEEPDESK_MCP_MODULES);

QString bin(const char* name) { return k_modules + QStringLiteral("/.bin/") + QLatin1String(name); }

McpServerConfig stdio(const QString& command) {
    McpServerConfig c;
    c.id = QStringLiteral("t");
    c.name = QStringLiteral("test");
    c.command = command;
    return c;
}

struct Call {
    bool ok = false;
    QString text;
    bool isError = false;
};

// Calls a tool and waits for its end.
Call callAndWait(McpClient& c, const QString& tool, const QJsonObject& args, int timeoutMs = 20000) {
    QSignalSpy done(&c, &McpClient::callFinished);
    const int id = c.callTool(tool, args, timeoutMs);
    Call out;
    for (int waited = 0; waited < timeoutMs + 5000; waited += 50) {
        for (const auto& s : done) {
            if (s.at(0).toInt() == id) {
                out.ok = s.at(1).toBool();
                out.text = s.at(2).toString();
                out.isError = s.at(3).toBool();
                return out;
            }
        }
        QTest::qWait(50);
    }
    out.text = QStringLiteral("(no callFinished)");
    return out;
}

bool toolNamed(const McpClient& c, const QString& name) {
    for (const auto& t : c.tools()) {
        if (t.name == name) {
            return true;
        }
    }
    return false;
}

int freePort() {
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

}  // namespace

class TestMcp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mcp"));
    }

    // The small server: initialize, tools/list, a call with its arguments, the log.
    void fakeServerCallsATool() {
        McpClient c(stdio(k_fake + QStringLiteral(" ok")));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Ready && !c.tools().isEmpty(), 10000);
        QCOMPARE(c.serverName(), QStringLiteral("fake"));
        QVERIFY(toolNamed(c, QStringLiteral("ping")));
        const Call r = callAndWait(c, QStringLiteral("ping"), {{QStringLiteral("x"), 1}});
        QVERIFY2(r.ok, qPrintable(r.text));
        QCOMPARE(r.text, QStringLiteral("pong {\"x\":1}"));
        QTRY_VERIFY(c.log().join(QLatin1Char('\n')).contains(QStringLiteral("fake MCP server (ok) started")));
    }

    // A server that dies is reported with its exit code; waiting calls end; nothing crashes.
    void crashingServerIsReported() {
        McpClient c(stdio(k_fake + QStringLiteral(" crash")));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Failed, 10000);
        QVERIFY2(c.error().contains(QStringLiteral("code 3")), qPrintable(c.error()));
        QVERIFY(c.log().join(QLatin1Char('\n')).contains(QStringLiteral("crashing on purpose")));
        const Call r = callAndWait(c, QStringLiteral("ping"), {});
        QVERIFY(!r.ok);
    }

    // A line that is not JSON-RPC is logged and skipped; the server still works.
    void garbageIsLoggedAndSkipped() {
        McpClient c(stdio(k_fake + QStringLiteral(" garbage")));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Ready, 10000);
        QVERIFY(c.log().join(QLatin1Char('\n')).contains(QStringLiteral("Not JSON-RPC: this is not JSON-RPC")));
        QVERIFY(callAndWait(c, QStringLiteral("ping"), {}).ok);
    }

    // A call that never ends: a time limit, and a cancel that ends it at once.
    void slowCallTimesOutOrIsCancelled() {
        McpClient c(stdio(k_fake + QStringLiteral(" slow")));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Ready, 10000);
        const Call timedOut = callAndWait(c, QStringLiteral("ping"), {}, 1000);
        QVERIFY(!timedOut.ok);
        QVERIFY2(timedOut.text.contains(QStringLiteral("no answer within 1 s")), qPrintable(timedOut.text));

        QSignalSpy done(&c, &McpClient::callFinished);
        const int id = c.callTool(QStringLiteral("ping"), {}, 60000);
        QTest::qWait(200);
        c.cancelCall(id);
        QCOMPARE(done.size(), 1);
        QCOMPARE(done.first().at(0).toInt(), id);
        QVERIFY(!done.first().at(1).toBool());
        QCOMPARE(done.first().at(2).toString(), QStringLiteral("cancelled"));
        QCOMPARE(c.state(), McpClient::State::Ready);  // the server stays usable
    }

    // Stopping never waits for the server: one that ignores the end of its input and SIGTERM
    // is killed two seconds later, while the window goes on.
    void stoppingDoesNotWaitForAStubbornServer() {
        McpClient c(stdio(k_fake + QStringLiteral(" stubborn")));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Ready, 10000);
        QString pid;
        QTRY_VERIFY([&] {
            for (const QString& line : c.log()) {
                if (const int at = line.indexOf(QStringLiteral("pid ")); at >= 0) {
                    pid = line.mid(at + 4).trimmed();
                }
            }
            return !pid.isEmpty();
        }());
        QVERIFY(QFileInfo::exists(QStringLiteral("/proc/") + pid));
        QElapsedTimer t;
        t.start();
        c.stop();
        QVERIFY2(t.elapsed() < 200, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(c.state(), McpClient::State::Stopped);
        QTRY_VERIFY_WITH_TIMEOUT(
            !QFileInfo::exists(QStringLiteral("/proc/") + pid) ||
                [&] {
                    QFile stat(QStringLiteral("/proc/") + pid + QStringLiteral("/stat"));
                    return stat.open(QIODevice::ReadOnly) && stat.readAll().contains(") Z ");
                }(),
            5000);
        QVERIFY(t.elapsed() >= 1500);  // it was given its chance to end by itself
    }

    void missingCommandIsReported() {
        McpClient c(stdio(QStringLiteral("/nonexistent/mcp-server --flag")));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Failed, 10000);
        QVERIFY2(c.error().contains(QStringLiteral("could not be started")), qPrintable(c.error()));

        McpServerConfig http;
        http.transport = QStringLiteral("http");
        http.url = QStringLiteral("http://127.0.0.1:%1/mcp").arg(freePort());  // nobody listens
        McpClient h(http);
        h.start();
        QTRY_VERIFY_WITH_TIMEOUT(h.state() == McpClient::State::Failed, 10000);
        QVERIFY2(h.error().contains(QStringLiteral("cannot be reached")), qPrintable(h.error()));
    }

    // The owner of the servers: kept in the settings (environment and token as secrets, not in
    // the settings file), started, their tools offered under unique names, "always" remembered.
    void toolsControllerKeepsServersAndChoices() {
        QTemporaryDir dir;
        QSettings().clear();
        deepdesk::app::Settings settings(dir.path());
        {
            ToolsController tools(&settings);
            const QString a =
                tools.addServer(QStringLiteral("stdio"), QStringLiteral("One"), k_fake + QStringLiteral(" ok"),
                                QStringLiteral("SECRET_TOKEN=abc123"), {});
            tools.addServer(QStringLiteral("stdio"), QStringLiteral("Two"), k_fake + QStringLiteral(" ok"), {}, {});
            QTRY_COMPARE_WITH_TIMEOUT(tools.toolCount(), 2, 10000);
            const auto offered = tools.offeredTools();
            QStringList names;
            for (const auto& t : offered) {
                names << QString::fromStdString(t.name);
            }
            names.sort();
            QCOMPARE(names, (QStringList{QStringLiteral("Two__ping"), QStringLiteral("ping")}));
            QVERIFY(!tools.alwaysAllowed(QStringLiteral("ping")));
            tools.allowAlways(QStringLiteral("ping"));
            QVERIFY(tools.alwaysAllowed(QStringLiteral("ping")));
            QVERIFY(!tools.alwaysAllowed(QStringLiteral("Two__ping")));
            QCOMPARE(tools.serverOf(QStringLiteral("ping")), a);

            QSignalSpy done(&tools, &ToolsController::callFinished);
            const int ticket = tools.call(QStringLiteral("Two__ping"), QStringLiteral("{\"n\":2}"));
            QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 10000);
            QCOMPARE(done.first().at(0).toInt(), ticket);
            QCOMPARE(done.first().at(2).toString(), QStringLiteral("pong {\"n\":2}"));
            // Arguments that are not a JSON object never reach the server.
            const int bad = tools.call(QStringLiteral("ping"), QStringLiteral("[1,2"));
            QTRY_COMPARE(done.size(), 2);
            QCOMPARE(done.last().at(0).toInt(), bad);
            QVERIFY(!done.last().at(1).toBool());
            QVERIFY(done.last().at(2).toString().contains(QStringLiteral("not a JSON object")));
        }
        QFile file(QSettings().fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY2(!file.readAll().contains("abc123"), "the environment is a secret, not a setting");
        // Back after a restart, with the choice.
        ToolsController again(&settings);
        again.start();
        QCOMPARE(again.servers().size(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(again.toolCount(), 2, 10000);
        QVERIFY(again.alwaysAllowed(QStringLiteral("ping")));
        const QVariantMap first = again.servers().first().toMap();
        QCOMPARE(first.value(QStringLiteral("env")).toString(), QStringLiteral("SECRET_TOKEN=abc123"));
        again.setEnabled(first.value(QStringLiteral("id")).toString(), false);
        QCOMPARE(again.toolCount(), 1);
        again.removeServer(first.value(QStringLiteral("id")).toString());
        QCOMPARE(again.servers().size(), 1);
        QVERIFY(
            settings.secret(QStringLiteral("mcp/%1/env").arg(first.value(QStringLiteral("id")).toString())).isEmpty());
    }

    // The official "everything" server over stdio: tools, prompts, resources, a call.
    void everythingServerOverStdio() {
        if (!QFile::exists(bin("mcp-server-everything"))) {
            QSKIP("the MCP reference servers are not installed (app.mcp_install needs node and npm)");
        }
        McpClient c(stdio(QStringLiteral("node ") + bin("mcp-server-everything") + QStringLiteral(" stdio")));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Ready && toolNamed(c, QStringLiteral("echo")), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!c.prompts().isEmpty() && !c.resources().isEmpty(), 10000);
        const Call r =
            callAndWait(c, QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("你好 MCP")}});
        QVERIFY2(r.ok && !r.isError, qPrintable(r.text));
        QCOMPARE(r.text, QStringLiteral("Echo: 你好 MCP"));
        // A call with arguments the tool rejects comes back as an error result, not a failure.
        const Call bad = callAndWait(c, QStringLiteral("echo"), {{QStringLiteral("nope"), 1}});
        QVERIFY(!bad.ok || bad.isError);
    }

    // The same server over Streamable HTTP (a session id, answers as server-sent events).
    void everythingServerOverHttp() {
        if (!QFile::exists(bin("mcp-server-everything"))) {
            QSKIP("the MCP reference servers are not installed (app.mcp_install needs node and npm)");
        }
        const int port = freePort();
        QProcess server;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("PORT"), QString::number(port));
        server.setProcessEnvironment(env);
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(QStringLiteral("node"), {bin("mcp-server-everything"), QStringLiteral("streamableHttp")});
        QVERIFY(server.waitForStarted());
        QByteArray said;
        QElapsedTimer clock;
        clock.start();
        while (!said.contains("listening") && clock.elapsed() < 30000 && server.state() == QProcess::Running) {
            server.waitForReadyRead(200);
            said += server.readAll();
        }
        QVERIFY2(said.contains("listening"), said.constData());
        McpServerConfig http;
        http.transport = QStringLiteral("http");
        http.url = QStringLiteral("http://127.0.0.1:%1/mcp").arg(port);
        http.token = QStringLiteral("unused-token");
        {
            McpClient c(http);
            c.start();
            QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Ready && toolNamed(c, QStringLiteral("echo")),
                                     30000);
            const Call r =
                callAndWait(c, QStringLiteral("echo"), {{QStringLiteral("message"), QStringLiteral("over http")}});
            QVERIFY2(r.ok, qPrintable(r.text));
            QCOMPARE(r.text, QStringLiteral("Echo: over http"));
        }
        server.terminate();
        server.waitForFinished(5000);
    }

    // The filesystem server reads what the user gave it, and says no outside it.
    void filesystemServerReadsTheAllowedFolder() {
        if (!QFile::exists(bin("mcp-server-filesystem"))) {
            QSKIP("the MCP reference servers are not installed (app.mcp_install needs node and npm)");
        }
        QTemporaryDir dir;
        QFile note(dir.filePath(QStringLiteral("note.txt")));
        QVERIFY(note.open(QIODevice::WriteOnly));
        note.write("会议在周三 — the meeting is on Wednesday\n");
        note.close();
        McpClient c(stdio(QStringLiteral("node ") + bin("mcp-server-filesystem") + QLatin1Char(' ') + dir.path()));
        c.start();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == McpClient::State::Ready && toolNamed(c, QStringLiteral("read_text_file")),
                                 30000);
        const Call r = callAndWait(c, QStringLiteral("read_text_file"), {{QStringLiteral("path"), note.fileName()}});
        QVERIFY2(r.ok && !r.isError, qPrintable(r.text));
        QVERIFY2(r.text.contains(QStringLiteral("会议在周三")), qPrintable(r.text));
        const Call outside =
            callAndWait(c, QStringLiteral("read_text_file"), {{QStringLiteral("path"), QStringLiteral("/etc/passwd")}});
        QVERIFY2(!outside.ok || outside.isError, qPrintable(outside.text));
    }
};

QTEST_GUILESS_MAIN(TestMcp)
#include "tst_mcp.moc"
