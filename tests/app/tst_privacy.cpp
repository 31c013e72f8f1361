// SPDX-License-Identifier: GPL-3.0-or-later
// Nothing rendered from a conversation touches the network: an image in a Markdown answer, an
// <img> in a title or in an error, shown in the real window, make no request to the listener they
// point at (they did: GET /markdown-img.png?q=hunter2). Images become links; titles and errors
// are shown as the plain text they are.
#include <QtQml/qqmlextensionplugin.h>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include "tests/app/window_checks.h"
#include "tests/app/window_harness.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

using namespace deepdesk::testing;

namespace {

// The visible items under `root` whose text contains `needle`, with their textFormat (Text.PlainText
// is 0).
QList<QPair<QString, int>> shownWith(QQuickItem* root, const QString& needle) {
    QList<QPair<QString, int>> out;
    if (!root->isVisible()) {
        return out;
    }
    const QString text = root->property("text").toString();
    if (text.contains(needle)) {
        out << qMakePair(text, root->property("textFormat").toInt());
    }
    for (auto* child : root->childItems()) {
        out << shownWith(child, needle);
    }
    return out;
}

}  // namespace

class TestPrivacy : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void conversationContentFetchesNothing() {
        freshSettings();
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        QStringList requests;
        connect(&listener, &QTcpServer::newConnection, &listener, [&] {
            while (QTcpSocket* s = listener.nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, s,
                        [s, &requests] { requests << QString::fromLatin1(s->readAll()); });
                requests << QStringLiteral("(connection)");
            }
        });
        const std::string base = "http://127.0.0.1:" + std::to_string(listener.serverPort());

        QTemporaryDir dir;
        const std::string title = "<img src=\"" + base + "/title.png\">Holiday plans";
        const qint64 id = storeConversation(
            dir, title,
            {"Show me a picture", "Here it is: ![the view](" + base + "/markdown-img.png?q=hunter2) and <img src=\"" +
                                      base + "/inline-html.png\"> too."});
        {
            deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
            deepdesk::storage::conversation_store store(db);
            const auto branch = store.active_branch(id);
            const auto failed = store.begin_assistant(id, branch.front().id);
            store.fail_message(failed, "The server said <img src=\"" + base + "/error.png\">no");
            store.select_branch(branch.back().id);
        }

        MainWindow w(dir.path());
        QVERIFY(w.show());
        QTRY_COMPARE(w.chat.conversations()->rowCount(), 1);
        w.chat.openConversation(id);
        QTRY_COMPARE(w.chat.messages()->rowCount(), 2);
        QTest::qWait(1500);  // time for any image to be asked for
        QVERIFY2(requests.isEmpty(), qPrintable(requests.join(QStringLiteral(" | "))));

        // The title is shown as written, markup and all (plain text, in the list and the header);
        // the image is a link to open.
        const auto titles = shownWith(w.window->contentItem(), QStringLiteral("Holiday plans"));
        QVERIFY(titles.size() >= 2);
        for (const auto& [text, format] : titles) {
            QVERIFY2(format == 0, qPrintable(QStringLiteral("%1 shown with textFormat %2").arg(text).arg(format)));
        }
        bool linked = false;
        for (auto* t : itemsNamed(w.window->contentItem(), QStringLiteral("answerText"))) {
            const QString html = t->property("text").toString();  // rich text: the link and its name
            linked = linked ||
                     (html.contains(QStringLiteral("[Image: the view]")) &&
                      html.contains(QStringLiteral("href=\"%1/markdown-img.png").arg(QString::fromStdString(base))));
        }
        QVERIFY(linked);

        // The failed answer, its error with an <img>: shown as text, nothing fetched.
        const qint64 failedId = [&] {
            deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
            return deepdesk::storage::conversation_store(db)
                .siblings(w.chat.messages()->rows().back().message.id)
                .back();
        }();
        w.chat.switchBranch(w.chat.messages()->rows().back().message.id, +1);
        QTRY_COMPARE(w.chat.messages()->rows().back().message.id, failedId);
        QTest::qWait(1000);
        QVERIFY2(requests.isEmpty(), qPrintable(requests.join(QStringLiteral(" | "))));
        QTRY_VERIFY(!shownWith(w.window->contentItem(), QStringLiteral("/error.png")).isEmpty());
        for (const auto& [text, format] : shownWith(w.window->contentItem(), QStringLiteral("/error.png"))) {
            QVERIFY2(format == 0, qPrintable(QStringLiteral("%1 shown with textFormat %2").arg(text).arg(format)));
        }
    }

    // The guard under the window: the QML engine itself makes no request off this computer, for
    // an Image, rich text or anything else QML loads; without it the same Image connects.
    void theQmlEngineFetchesOnlyLocalFiles() {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        int connections = 0;
        connect(&listener, &QTcpServer::newConnection, &listener, [&] {
            while (QTcpSocket* s = listener.nextPendingConnection()) {
                ++connections;
                s->close();
            }
        });
        const QByteArray qml =
            "import QtQuick\nItem { Image { source: \"http://127.0.0.1:" + QByteArray::number(listener.serverPort()) +
            "/x.png\" } Text { textFormat: Text.RichText; text: '<img src=\"http://127.0.0.1:" +
            QByteArray::number(listener.serverPort()) + "/y.png\">' } }";
        for (const bool guarded : {false, true}) {
            connections = 0;
            QQmlEngine engine;
            if (guarded) {
                deepdesk::app::keepQmlOffline(engine);
            }
            QQmlComponent component(&engine);
            component.setData(qml, QUrl(QStringLiteral("file:///privacy-test.qml")));
            std::unique_ptr<QObject> item(component.create());
            QVERIFY2(item, qPrintable(component.errorString()));
            if (guarded) {
                QTest::qWait(1000);
                QCOMPARE(connections, 0);
            } else {
                QTRY_VERIFY_WITH_TIMEOUT(connections > 0, 5000);  // the test can see a request
            }
        }
    }
};

QTEST_MAIN(TestPrivacy)
#include "tst_privacy.moc"
