// SPDX-License-Identifier: GPL-3.0-or-later
// The real main window (Main.qml) driven as a user would: type into the composer and press Enter,
// watch the answer appear in the message list, stop a long answer with Escape, and find the
// conversation in the sidebar and through search.
#include <QtQml/qqmlextensionplugin.h>
#include <QClipboard>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQmlProperty>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "app/chatcontroller.h"
#include "app/localization.h"
#include "app/modelscontroller.h"
#include "app/providers.h"
#include "app/services.h"
#include "server/openai_server.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "tests/app/window_harness.h"
#include "tests/support/hub_server.h"
#include "tests/support/scripted_chat_model.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

using deepdesk::app::ChatController;
using namespace deepdesk::testing;

class TestChatWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { qInstallMessageHandler(collectQmlWarnings); }
    void cleanup() {
        qInstallMessageHandler(nullptr);
        QVERIFY2(g_qmlWarnings.isEmpty(), qPrintable(g_qmlWarnings.join(QLatin1Char('\n'))));
    }

    void typeSendStopAndFind() {
        const QString model = QStringLiteral(DEEPDESK_SHARED_DIR "/testdata/models/small-qwen2.q4_k_m.gguf");
        if (!QFile::exists(model)) {
            QSKIP("shared model not found (../shared is absent)");
        }
        freshSettings();
        QTemporaryDir dir;
        MainWindow w(dir.path());
        ChatController& chat = w.chat;
        deepdesk::app::Services& chatApp = w.services;
        chatApp.settings.setContextLength(4096);  // room for an answer long enough to be stopped
        chatApp.settings.setMaxTokens(16);
        chatApp.settings.setSeed(7);
        QVERIFY(w.show());
        QQuickWindow* window = w.window;

        chatApp.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(chatApp.host.modelLoaded(), 20000);
        QTRY_VERIFY(window->property("ready").toBool());

        auto* input = window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
        QVERIFY(input);
        input->forceActiveFocus();
        QTRY_VERIFY(input->hasActiveFocus());
        QSignalSpy finished(&chat, &ChatController::turnFinished);
        typeText(window, QStringLiteral("Hello from the keyboard"));
        QTest::keyClick(window, Qt::Key_Return);
        QVERIFY(!finished.isEmpty() || finished.wait(30000));
        QCOMPARE(input->property("text").toString(), QString());  // the composer was cleared

        auto* list = window->findChild<QQuickItem*>(QStringLiteral("messageList"));
        QVERIFY(list);
        QTRY_COMPARE(list->property("count").toInt(), 2);
        // The user's text is on screen.
        bool shown = false;
        for (auto* t : itemsNamed(window->contentItem(), QStringLiteral("userText"))) {
            shown = shown || t->property("text").toString() == QStringLiteral("Hello from the keyboard");
        }
        QVERIFY(shown);
        QTest::qWait(50);
        window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/first-turn.png"));

        // A long answer stopped with Escape keeps its text and says it was interrupted.
        chatApp.settings.setMaxTokens(100000);
        input->forceActiveFocus();
        typeText(window, QStringLiteral("Go on"));
        QTest::keyClick(window, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(chat.generating(), 5000);
        const int before = static_cast<int>(finished.size());
        QTest::qWait(200);
        QTest::keyClick(window, Qt::Key_Escape);
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(finished.size()), before + 1, 20000);
        QCOMPARE(finished.last().first().toString(), QStringLiteral("cancelled"));
        QTRY_COMPARE(list->property("count").toInt(), 4);
        bool interrupted = false;
        for (auto* s : itemsNamed(window->contentItem(), QStringLiteral("messageState"))) {
            interrupted = interrupted || s->isVisible();
        }
        QVERIFY(interrupted);

        // The conversation is in the sidebar, and search finds it.
        auto* conversations = window->findChild<QQuickItem*>(QStringLiteral("conversationList"));
        QVERIFY(conversations);
        QTRY_COMPARE(conversations->property("count").toInt(), 1);
        auto* search = window->findChild<QQuickItem*>(QStringLiteral("searchField"));
        QVERIFY(search);
        search->setProperty("text", QStringLiteral("keyboard"));
        auto* results = window->findChild<QQuickItem*>(QStringLiteral("searchResults"));
        QVERIFY(results);
        // Listed once, though the title and the message (and maybe the random answer) match, with
        // the number of places that matched.
        QTRY_COMPARE(results->property("count").toInt(), 1);
        QTest::qWait(200);  // a later answer of the search would add rows
        QCOMPARE(results->property("count").toInt(), 1);
        QStringList counts;
        for (auto* c : itemsNamed(results, QStringLiteral("searchMatchCount"))) {
            counts << c->property("text").toString();
        }
        QVERIFY2(counts.size() == 1 &&
                     (counts.first().startsWith(QLatin1Char('2')) || counts.first().startsWith(QLatin1Char('3'))),
                 qPrintable(counts.join(QLatin1Char('|'))));
        // Esc in the search field clears it.
        search->forceActiveFocus();
        QTRY_VERIFY(search->hasActiveFocus());
        QTest::keyClick(window, Qt::Key_Escape);
        QTRY_COMPARE(search->property("text").toString(), QString());

        // Ctrl+K goes to search; Ctrl+Shift+C copies the last answer (not its reasoning).
        input->forceActiveFocus();
        QTest::keyClick(window, Qt::Key_K, Qt::ControlModifier);
        QTRY_VERIFY(search->hasActiveFocus());
        QGuiApplication::clipboard()->clear();
        QTest::keyClick(window, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
        const auto& rows = chat.messages()->rows();
        QVERIFY(!rows.empty() && rows.back().message.role == "assistant");
        QTRY_COMPARE(QGuiApplication::clipboard()->text(), QString::fromStdString(rows.back().message.content));

        // A screen reader can name every control on screen.
        QQuickItem* top =
            window->contentItem()->parentItem() ? window->contentItem()->parentItem() : window->contentItem();
        QStringList unnamed = unnamedControls(top);
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));

        // Settings open without a warning; the dark theme applies to the window at once.
        auto* settings = window->findChild<QObject*>(QStringLiteral("settingsDialog"));
        QVERIFY(settings);
        QMetaObject::invokeMethod(settings, "open");
        QTRY_VERIFY(settings->property("visible").toBool());
        unnamed = unnamedControls(top);
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
        const QColor light = window->color();
        chatApp.settings.setTheme(QStringLiteral("dark"));
        QTRY_VERIFY(window->color() != light);
        QVERIFY(window->color().lightnessF() < 0.3);
        const QString shot = QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/settings-dark.png");
        QDir().mkpath(QFileInfo(shot).path());
        QTest::qWait(100);
        window->grabWindow().save(shot);
        QMetaObject::invokeMethod(settings, "close");
        chatApp.settings.setTheme(QStringLiteral("system"));
    }
    // An R1-style model in the real window: the reasoning streams into its own block, the answer
    // apart; the database keeps them apart; after a restart the conversation is back as it was.
    // Screenshots in both languages go to <build>/screenshots.
    void reasoningTurnSurvivesARestart() {
        freshSettings();
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        qint64 conversation = 0;
        {
            MainWindow w(dir.path());
            ChatController& chat = w.chat;
            deepdesk::app::Services& chatApp = w.services;
            deepdesk::app::Localization& localization = w.localization;
            QVERIFY(w.show());
            QQuickWindow* window = w.window;
            chatApp.start(model, false);
            QTRY_VERIFY_WITH_TIMEOUT(chatApp.host.modelLoaded(), 20000);
            QVERIFY(chatApp.host.reasoningModel());
            QCOMPARE(chatApp.settings.temperature(), 0.6);  // DeepSeek's advice for R1

            auto* input = window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
            input->forceActiveFocus();
            QSignalSpy finished(&chat, &ChatController::turnFinished);
            QTRY_VERIFY(input->hasActiveFocus());
            typeText(window, QStringLiteral("What do you say?"));
            QTest::keyClick(window, Qt::Key_Return);
            QVERIFY2(!finished.isEmpty() || finished.wait(30000),  // a tiny model may already be done
                     qPrintable(QStringLiteral("no answer: focus %1, composer '%2', rows %3, generating %4, error '%5'")
                                    .arg(input->hasActiveFocus())
                                    .arg(input->property("text").toString())
                                    .arg(chat.messages()->rowCount())
                                    .arg(chat.generating())
                                    .arg(chat.errorText())));
            QCOMPARE(finished.first().first().toString(), QStringLiteral("stop"));
            conversation = chat.conversationId();

            // On screen: "Thought for 1 s" collapsed above the answer, once the list has laid out
            // the finished message (turnFinished may come before the next frame on a busy machine).
            QStringList headers;
            const auto visibleHeaders = [&] {
                headers.clear();
                for (auto* h : itemsNamed(window->contentItem(), QStringLiteral("reasoningHeaderLabel"))) {
                    if (h->isVisible()) {
                        headers << h->property("text").toString();
                    }
                }
                return headers.size();
            };
            QTRY_VERIFY2_WITH_TIMEOUT(visibleHeaders() == 1 && headers.first().contains(QStringLiteral("Thought for")),
                                      qPrintable(headers.join(QStringLiteral(" | "))), 10000);
            const auto& rows = chat.messages()->rows();
            QCOMPARE(rows.back().message.content, std::string("Hi 4U!"));
            QCOMPARE(rows.back().message.reasoning, std::string("Okay"));

            // In the database, apart.
            {
                deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
                const auto branch = deepdesk::storage::conversation_store(db).active_branch(conversation);
                QCOMPARE(branch.size(), std::size_t{2});
                QCOMPARE(branch[1].content, std::string("Hi 4U!"));
                QCOMPARE(branch[1].reasoning, std::string("Okay"));
                QVERIFY(branch[1].status == deepdesk::storage::message_status::complete);
            }

            // Expanded reasoning, in English and in Chinese (once the end of the turn has reached
            // the list: a click before that is undone when the message is refreshed).
            QTest::qWait(300);
            for (auto* h : itemsNamed(window->contentItem(), QStringLiteral("reasoningHeader"))) {
                if (!h->isVisible()) {
                    continue;
                }
                QTest::mouseMove(window, h->mapToScene(QPointF(10, 10)).toPoint());  // hover first, as a hand does
                QTest::mouseClick(window, Qt::LeftButton, {}, h->mapToScene(QPointF(10, 10)).toPoint(), 50);
            }
            bool expanded = false;
            for (auto* t : itemsNamed(window->contentItem(), QStringLiteral("reasoningText"))) {
                expanded = expanded || (t->isVisible() && plainText(t) == QStringLiteral("Okay"));
            }
            QVERIFY2(expanded, "a click on the header opens the reasoning");
            QDir().mkpath(QStringLiteral(DEEPDESK_SCREENSHOT_DIR));
            QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/reasoning-en.png")));
            localization.setLanguage(QStringLiteral("zh_CN"));
            QTest::qWait(200);
            QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/reasoning-zh_CN.png")));
        }
        // A restart: everything is read back from the database.
        deepdesk::app::Services chatApp(dir.path());
        ChatController& chat = chatApp.chat;
        QTRY_COMPARE(chat.conversations()->rowCount(), 1);
        QSignalSpy opened(&chat, &ChatController::conversationOpened);
        chat.openConversation(conversation);
        QVERIFY(opened.wait(5000));
        const auto& rows = chat.messages()->rows();
        QCOMPARE(rows.size(), std::size_t{2});
        QCOMPARE(rows[0].message.content, std::string("What do you say?"));
        QCOMPARE(rows[1].message.content, std::string("Hi 4U!"));
        QCOMPARE(rows[1].message.reasoning, std::string("Okay"));
    }
    // Tools in the window: an MCP server (a small sh one) added through the app's owner of tools;
    // the scripted model answers with a call of its `ping` tool. The call is shown with its
    // arguments and waits; "Allow once" runs it and its result is its own block; the model goes
    // on with the result (and, being scripted, calls again); "Always for this tool" lets the
    // next calls run without asking, until the round limit stops offering tools. Screenshots of
    // the approval in both languages.
    void toolCallApprovedAndShownAsBlocks() {
        freshSettings();
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::scripted_chat_spec spec;
        spec.answer =
            "<\uff5ctool\u2581calls\u2581begin\uff5c><\uff5ctool\u2581call\u2581begin\uff5c>ping"
            "<\uff5ctool\u2581sep\uff5c>{}<\uff5ctool\u2581call\u2581end\uff5c><\uff5ctool\u2581calls\u2581end\uff5c>";
        spec.again_after_tool_results = true;
        deepdesk::testing::write_scripted_chat_model(model.toStdString(), spec);
        MainWindow w(dir.path());
        ChatController& chat = w.chat;
        w.services.tools.addServer(QStringLiteral("stdio"), QStringLiteral("Fake"),
                                   QStringLiteral(DEEPDESK_SOURCE_DIR "/tests/app/mcp/fake_server.sh ok"), {}, {});
        QTRY_COMPARE_WITH_TIMEOUT(w.services.tools.toolCount(), 1, 10000);
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(w.services.host.modelLoaded(), 20000);
        auto* toolsButton = window->findChild<QQuickItem*>(QStringLiteral("toolsButton"));
        QVERIFY(toolsButton);
        QTRY_COMPARE(toolsButton->property("text").toString(), QStringLiteral("Tools: 1"));

        QSignalSpy finished(&chat, &ChatController::turnFinished);
        chat.send(QStringLiteral("Is the server there?"));
        QTRY_VERIFY_WITH_TIMEOUT(chat.toolMessageId() != 0, 30000);
        QCOMPARE(finished.first().first().toString(), QStringLiteral("tool_calls"));
        QVERIFY(chat.generating());  // waiting for the user
        const auto visibleNamed = [&](const QString& name) -> QQuickItem* {
            for (auto* i : itemsNamed(window->contentItem(), name)) {
                if (i->isVisible()) {
                    return i;
                }
            }
            return nullptr;
        };
        QTRY_VERIFY(visibleNamed(QStringLiteral("allowOnce")) != nullptr);
        auto* title = visibleNamed(QStringLiteral("toolCallTitle"));
        QVERIFY(title);
        QCOMPARE(title->property("text").toString(), QStringLiteral("Tool call: ping"));
        QCOMPARE(visibleNamed(QStringLiteral("toolCallState"))->property("text").toString(),
                 QStringLiteral("Waiting for your approval"));
        QCOMPARE(chat.messages()->rows().back().message.content, std::string());  // the call is no text
        QTest::qWait(200);
        QDir().mkpath(QStringLiteral(DEEPDESK_SCREENSHOT_DIR));
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/tool-call-en.png")));
        w.localization.setLanguage(QStringLiteral("zh_CN"));
        QTest::qWait(200);
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/tool-call-zh_CN.png")));
        w.localization.setLanguage(QStringLiteral("en"));
        QTest::qWait(100);

        // Allow once, with a click: the call runs, its result is kept and shown, the model goes on.
        const qint64 first = chat.toolMessageId();
        auto* allow = visibleNamed(QStringLiteral("allowOnce"));
        QTest::mouseClick(window, Qt::LeftButton, {}, allow->mapToScene(QPointF(10, 10)).toPoint());
        QTRY_VERIFY2_WITH_TIMEOUT(
            chat.toolMessageId() != 0 && chat.toolMessageId() != first,
            qPrintable(QStringLiteral("tool message %1, rows %2, calls %3, finished %4, error %5")
                           .arg(chat.toolMessageId())
                           .arg(chat.messages()->rowCount())
                           .arg(QString::fromStdString(chat.messages()->rows().back().message.tool_calls))
                           .arg(finished.size())
                           .arg(chat.errorText())),
            30000);
        const auto& rows = chat.messages()->rows();
        QCOMPARE(rows.size(), std::size_t{3});
        QCOMPARE(*rows[2].message.parent_id, first);  // the next answer follows the call
        const QJsonArray calls = QJsonDocument::fromJson(QByteArray::fromStdString(rows[1].message.tool_calls)).array();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls[0].toObject().value(QStringLiteral("state")).toString(), QStringLiteral("done"));
        QCOMPARE(calls[0].toObject().value(QStringLiteral("result")).toString(), QStringLiteral("pong {}"));
        QTRY_VERIFY(visibleNamed(QStringLiteral("toolResult")) != nullptr);

        // Always for this tool: no more questions until the round limit stops offering tools
        // (the scripted model would call forever); its last answer is then plain text.
        auto* always = visibleNamed(QStringLiteral("allowAlways"));
        QVERIFY(always);
        const int before = static_cast<int>(finished.size());
        QTest::mouseClick(window, Qt::LeftButton, {}, always->mapToScene(QPointF(10, 10)).toPoint());
        QTRY_VERIFY_WITH_TIMEOUT(!chat.generating() && finished.size() > before &&
                                     finished.last().first().toString() == QStringLiteral("stop"),
                                 60000);
        QCOMPARE(chat.messages()->rows().size(), std::size_t{2 + ChatController::k_maxToolRounds});
        QVERIFY(w.services.tools.alwaysAllowed(QStringLiteral("ping")));
        // Saved: the calls and results with their answers.
        deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
        const auto branch = deepdesk::storage::conversation_store(db).active_branch(chat.conversationId());
        QCOMPARE(branch.size(), std::size_t{2 + ChatController::k_maxToolRounds});
        for (std::size_t i = 1; i + 1 < branch.size(); ++i) {
            QVERIFY2(branch[i].tool_calls.find("\"state\":\"done\"") != std::string::npos,
                     branch[i].tool_calls.c_str());
        }
        QVERIFY(branch.back().tool_calls.empty());

        // A call can be denied, and Stop ends a round that waits.
        w.services.tools.forgetAllowed(w.services.tools.serverOf(QStringLiteral("ping")), QStringLiteral("ping"));
        chat.send(QStringLiteral("Again?"));
        QTRY_VERIFY_WITH_TIMEOUT(visibleNamed(QStringLiteral("denyCall")) != nullptr, 30000);
        const qint64 denied = chat.toolMessageId();
        chat.decideToolCall(denied, 0, QStringLiteral("deny"));
        QTRY_VERIFY_WITH_TIMEOUT(chat.toolMessageId() != 0 && chat.toolMessageId() != denied, 30000);
        chat.stop();
        QVERIFY(!chat.generating());
        const auto last = chat.messages()->rows().back().message.tool_calls;
        QVERIFY2(last.find("\"state\":\"cancelled\"") != std::string::npos, last.c_str());
    }
    // Attached files in the window: chips in the composer (name and about how many tokens, or
    // why a file cannot be used), sent with the message and shown above it.
    void attachedFilesShowAsChips() {
        freshSettings();
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::scripted_chat_spec spec;
        spec.answer = "Cite [1].";  // cites its first source (each character once: a scripted model)
        deepdesk::testing::write_scripted_chat_model(model.toStdString(), spec);
        QFile notes(dir.filePath(QStringLiteral("会议纪要 meeting-notes.md")));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("# 会议纪要\n\nThe launch is on 14 March 2027.\n");
        notes.close();
        QFile photo(dir.filePath(QStringLiteral("photo.png")));
        QVERIFY(photo.open(QIODevice::WriteOnly));
        photo.write(QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
        photo.close();
        MainWindow w(dir.path());
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(w.services.host.modelLoaded(), 20000);
        w.chat.attachFiles({QUrl::fromLocalFile(notes.fileName()), QUrl::fromLocalFile(photo.fileName())});
        QStringList chips;
        const auto chipTexts = [&] {
            chips.clear();
            for (auto* c : itemsNamed(window->contentItem(), QStringLiteral("attachmentChipText"))) {
                if (c->isVisible()) {
                    chips << c->property("text").toString();
                }
            }
            return chips.size();
        };
        QTRY_COMPARE(chipTexts(), 2);
        QVERIFY(chips[0].contains(QStringLiteral("会议纪要 meeting-notes.md")));
        QTRY_VERIFY(!w.chat.attachments()[1].toMap().value(QStringLiteral("error")).toString().isEmpty());
        QTest::qWait(200);
        QDir().mkpath(QStringLiteral(DEEPDESK_SCREENSHOT_DIR));
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/attachments-en.png")));
        w.localization.setLanguage(QStringLiteral("zh_CN"));
        QTest::qWait(200);
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/attachments-zh_CN.png")));
        w.localization.setLanguage(QStringLiteral("en"));

        w.chat.removeAttachment(1);
        QTRY_COMPARE(chipTexts(), 1);
        auto* input = window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
        input->forceActiveFocus();
        QTRY_VERIFY(input->hasActiveFocus());
        QSignalSpy finished(&w.chat, &ChatController::turnFinished);
        typeText(window, QStringLiteral("When is the launch?"));
        QTest::keyClick(window, Qt::Key_Return);
        QVERIFY(!finished.isEmpty() || finished.wait(30000));
        QTRY_COMPARE(chipTexts(), 0);
        bool sent = false;
        for (auto* c : itemsNamed(window->contentItem(), QStringLiteral("sentAttachment"))) {
            sent = sent || c->isVisible();
        }
        QVERIFY2(sent, "the file is shown with the message it went with");
        QTest::qWait(200);
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/attachments-sent-en.png")));

        // A document collection chosen in the picker: the message goes with its sources, shown
        // above it as numbered chips.
        w.services.collections.addFolder(
            QUrl::fromLocalFile(QStringLiteral(DEEPDESK_SOURCE_DIR "/tests/data/collection")),
            QStringLiteral("Fixture 笔记"));
        QVERIFY(w.services.collections.waitIdle(30000));
        auto* picker = window->findChild<QQuickItem*>(QStringLiteral("collectionPicker"));
        QVERIFY(picker);
        QTRY_COMPARE(picker->property("count").toInt(), 3);  // none, the collection, manage
        picker->setProperty("currentIndex", 1);
        QMetaObject::invokeMethod(picker, "activated", Q_ARG(int, 1));
        QVERIFY(w.chat.collectionId() > 0);
        QTRY_COMPARE(picker->property("currentText").toString(), QStringLiteral("Documents: Fixture 笔记"));
        const int turns = static_cast<int>(finished.size());
        input->forceActiveFocus();
        input->setProperty("text", QStringLiteral("红烧肉要炖多久？"));  // as an input method would leave it
        QTest::keyClick(window, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(finished.size() > turns, 30000);
        QStringList sources;
        QTRY_VERIFY([&] {
            sources.clear();
            for (auto* c : itemsNamed(window->contentItem(), QStringLiteral("sentAttachmentText"))) {
                if (c->isVisible() && c->parentItem()->objectName() == QStringLiteral("sourceChip")) {
                    sources << c->property("text").toString();
                }
            }
            return !sources.isEmpty();
        }());
        QVERIFY2(sources.first().startsWith(QStringLiteral("[1] notes/菜谱.txt, line ")),
                 qPrintable(sources.join(QLatin1Char('|'))));
        // The answer's [1] is a link to that source; the pointer on it names it.
        QQuickItem* cited = nullptr;
        QTRY_VERIFY([&] {
            for (auto* a : itemsNamed(window->contentItem(), QStringLiteral("answerText"))) {
                if (a->isVisible() && a->property("text").toString().contains(QStringLiteral("deepdesk-source:1"))) {
                    cited = a;
                }
            }
            return cited != nullptr;
        }());
        QVERIFY(!cited->property("text").toString().contains(QStringLiteral("deepdesk-source:2")));
        QQuickItem* view = cited;
        while (view && !view->property("citations").isValid()) {
            view = view->parentItem();
        }
        QVERIFY(view);
        QVERIFY(view->property("citations").toInt() >= 1);
        // What a click does: the source named, inside the collection's folder, is opened.
        const QVariantList answerSources = w.chat.messages()
                                               ->data(w.chat.messages()->index(w.chat.messages()->rowCount() - 1),
                                                      deepdesk::app::MessageListModel::SourcesRole)
                                               .toList();
        QVERIFY(!answerSources.isEmpty());
        QCOMPARE(answerSources.first().toMap().value(QStringLiteral("path")).toString(),
                 QStringLiteral("notes/菜谱.txt"));
        QVERIFY(answerSources.first()
                    .toMap()
                    .value(QStringLiteral("label"))
                    .toString()
                    .startsWith(QStringLiteral("notes/菜谱.txt, line ")));
        view->setProperty("hoveredCitation", 1);
        QTest::qWait(1000);
        auto* tip = view->findChild<QObject*>(QStringLiteral("citationToolTip"));
        QVERIFY(tip);
        QTRY_VERIFY(tip->property("visible").toBool());
        QVERIFY(tip->property("text").toString().startsWith(QStringLiteral("notes/菜谱.txt, line ")));
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/sources-en.png")));
    }
    // From the first start to a chat using only the window: the first-run panel recommends a
    // model; Download fetches it from the hub (here the local imitation), verifies its SHA-256,
    // loads it; the message typed then gets its answer.
    // The thinking switch beside the model picker, for an R1-style model: its choices (Off says
    // it closes the reasoning at once), chosen per conversation and kept with it, and its effect:
    // off, no reasoning; a budget of 2 tokens, the reasoning cut after "Ok". Screenshots of the
    // open switch in both languages.
    void thinkingSwitchAndBudget() {
        freshSettings();
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        MainWindow w(dir.path());
        ChatController& chat = w.chat;
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(w.services.host.modelLoaded(), 20000);
        QCOMPARE(w.services.host.thinkingKind(), QStringLiteral("r1"));
        auto* picker = window->findChild<QQuickItem*>(QStringLiteral("thinkingPicker"));
        QVERIFY(picker);
        QTRY_VERIFY(picker->isVisible());
        const QVariantList choices = picker->property("model").toList();
        QCOMPARE(choices.size(), 5);
        QCOMPARE(choices.first().toMap().value(QStringLiteral("text")).toString(),
                 QStringLiteral("Thinking off (closes it at once)"));
        // The shown choice is set once the list is laid out (Qt.callLater).
        QTRY_COMPARE(picker->property("currentText").toString(), QStringLiteral("Thinking: unlimited"));

        // Open, in English and in Chinese.
        QTest::mouseClick(window, Qt::LeftButton, {}, picker->mapToScene(QPointF(20, 10)).toPoint());
        QTRY_VERIFY(picker->property("popup").value<QObject*>()->property("visible").toBool());
        QTest::qWait(300);
        QDir().mkpath(QStringLiteral(DEEPDESK_SCREENSHOT_DIR));
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/thinking-en.png")));
        w.localization.setLanguage(QStringLiteral("zh_CN"));
        QTest::qWait(300);
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/thinking-zh_CN.png")));
        QCOMPARE(picker->property("model").toList().first().toMap().value(QStringLiteral("text")).toString(),
                 QStringLiteral("不思考（立即结束推理）"));
        w.localization.setLanguage(QStringLiteral("en"));
        QTest::keyClick(window, Qt::Key_Escape);

        // Off, chosen as a hand does (the first choice activated): no reasoning at all.
        picker->setProperty("currentIndex", 0);
        QMetaObject::invokeMethod(picker, "activated", Q_ARG(int, 0));
        QCOMPARE(chat.thinkingBudget(), 0);
        QSignalSpy finished(&chat, &ChatController::turnFinished);
        chat.send(QStringLiteral("What do you say?"));
        QVERIFY(finished.wait(30000));
        QCOMPARE(chat.messages()->rows().back().message.reasoning, std::string());
        const qint64 offConversation = chat.conversationId();

        // A new conversation starts from the last choice; a budget of 2 cuts the reasoning.
        chat.newConversation();
        QCOMPARE(chat.thinkingBudget(), 0);
        chat.setThinkingBudget(2);
        chat.send(QStringLiteral("What do you say?"));
        QVERIFY(finished.wait(30000));
        QCOMPARE(chat.messages()->rows().back().message.reasoning, std::string("Ok"));
        const qint64 budgetConversation = chat.conversationId();

        // Each conversation keeps its own, in the database too.
        QSignalSpy opened(&chat, &ChatController::conversationOpened);
        chat.openConversation(offConversation);
        QVERIFY(opened.wait(5000));
        QCOMPARE(chat.thinkingBudget(), 0);
        QTRY_COMPARE(picker->property("currentIndex").toInt(), 0);
        chat.openConversation(budgetConversation);
        QVERIFY(opened.wait(5000));
        QCOMPARE(chat.thinkingBudget(), 2);
        // The switch shows each conversation's own choice, one not in its list included.
        QTRY_COMPARE(picker->property("currentText").toString(), QStringLiteral("Thinking: up to 2 tokens"));
        chat.openConversation(offConversation);
        QVERIFY(opened.wait(5000));
        QTRY_COMPARE(picker->property("currentText").toString(), QStringLiteral("Thinking off (closes it at once)"));
        chat.flushStorage();
        deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
        const auto kept = deepdesk::storage::conversation_store(db).find_conversation(budgetConversation);
        QVERIFY(kept && kept->sampling_json.find("\"thinking_budget\":2") != std::string::npos);
    }

    void firstStartToAVerifiedModelAndAChat() {
        freshSettings();
        QTemporaryDir dir;
        const QString scripted = dir.filePath(QStringLiteral("hub-copy.gguf"));
        deepdesk::testing::write_scripted_chat_model(scripted.toStdString());
        QFile f(scripted);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray body = f.readAll();
        const QByteArray sha = QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
        deepdesk::testing::HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        const QByteArray repo = "bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF";
        const QByteArray file = "DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf";
        const QJsonObject lfs{{QStringLiteral("sha256"), QString::fromLatin1(sha)},
                              {QStringLiteral("size"), body.size()}};
        const QJsonObject sibling{{QStringLiteral("rfilename"), QString::fromLatin1(file)},
                                  {QStringLiteral("lfs"), lfs}};
        hub.json["/api/models/" + repo] =
            QJsonDocument(QJsonObject{{QStringLiteral("siblings"), QJsonArray{sibling}}}).toJson();
        hub.files["/" + repo + "/resolve/main/" + file] = body;
        hub.throttle = 4 << 10;  // about 400 KB/s: slow enough to see the progress

        MainWindow w(dir.path());
        ChatController& chat = w.chat;
        deepdesk::app::Services& chatApp = w.services;
        w.settings.setHubEndpoint(QStringLiteral("http://127.0.0.1:%1").arg(hub.serverPort()));
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        chatApp.start({}, false);

        auto* panel = window->findChild<QQuickItem*>(QStringLiteral("firstRunPanel"));
        QVERIFY(panel);
        QTRY_VERIFY(panel->isVisible());
        QDir().mkpath(QStringLiteral(DEEPDESK_SCREENSHOT_DIR));
        window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/first-run.png"));
        QQuickItem* download = nullptr;
        for (auto* b : itemsNamed(panel, QStringLiteral("downloadButton"))) {
            download = b->isVisible() ? b : download;
        }
        QVERIFY(download);
        QVERIFY(download->isEnabled());
        // Aim once the layout has settled (the catalog fills the card): the same place twice.
        QPointF last(-1, -1);
        for (int i = 0; i < 50; ++i) {
            QTest::qWait(100);
            const QPointF now = download->mapToScene(QPointF(download->width() / 2, download->height() / 2));
            if (now == last) {
                break;
            }
            last = now;
        }
        const QPoint at = last.toPoint();
        QTest::mouseMove(window, at);
        QTest::mouseClick(window, Qt::LeftButton, {}, at, 20);
        QTRY_VERIFY2_WITH_TIMEOUT(
            w.services.models.downloads()->rowCount() > 0 || !w.services.models.errorText().isEmpty(),
            qPrintable(QStringLiteral("no download after a click at %1,%2").arg(at.x()).arg(at.y())), 5000);
        QVERIFY2(w.services.models.errorText().isEmpty(), qPrintable(w.services.models.errorText()));
        // The progress shows while it downloads.
        QTRY_VERIFY_WITH_TIMEOUT(!itemsNamed(panel, QStringLiteral("firstRunProgress")).isEmpty() &&
                                     itemsNamed(panel, QStringLiteral("firstRunProgress")).first()->isVisible(),
                                 10000);
        window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/first-run-downloading.png"));
        QTRY_VERIFY_WITH_TIMEOUT(chatApp.host.modelLoaded(), 60000);
        QCOMPARE(w.services.models.downloads()->items().front().state, deepdesk::app::DownloadManager::State::Done);
        QVERIFY(w.services.models.downloads()->items().front().note.text().contains(QString::fromLatin1(sha.left(16))));
        QTRY_VERIFY(!panel->isVisible());

        auto* input = window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
        input->forceActiveFocus();
        QSignalSpy finished(&chat, &ChatController::turnFinished);
        QTRY_VERIFY(input->hasActiveFocus());
        typeText(window, QStringLiteral("Hello"));
        QTest::keyClick(window, Qt::Key_Return);
        QVERIFY2(!finished.isEmpty() || finished.wait(30000),  // a tiny model may already be done
                 qPrintable(QStringLiteral("no answer: focus %1, composer '%2', rows %3, generating %4, error '%5'")
                                .arg(input->hasActiveFocus())
                                .arg(input->property("text").toString())
                                .arg(chat.messages()->rowCount())
                                .arg(chat.generating())
                                .arg(chat.errorText())));
        QCOMPARE(chat.messages()->rows().back().message.content, std::string("Hi 4U!"));
        QTest::qWait(50);
        window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/first-run-chat.png"));

        // The Models page lists it as loaded, next to the catalog.
        auto* pages = window->findChild<QQuickItem*>(QStringLiteral("pages"));
        QVERIFY(pages);
        pages->setProperty("currentIndex", 1);
        QTRY_VERIFY(!itemsNamed(window->contentItem(), QStringLiteral("localModelRow")).isEmpty());
        QVERIFY(itemsNamed(window->contentItem(), QStringLiteral("catalogCard")).size() >= 16);
        QTest::qWait(50);
        window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/models-page.png"));
        const QStringList unnamed = unnamedControls(
            window->contentItem()->parentItem() ? window->contentItem()->parentItem() : window->contentItem());
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QStringLiteral(", "))));
    }
    // A file that is not a usable model: a dialog names the problem; the window stays usable.
    // Beyond one machine, from the window: the local server's switch in Settings (the address and
    // a copyable example appear, and a client is answered), then a remote provider whose model is
    // chosen in the picker and answers a message typed in the composer, its reasoning_content in
    // the reasoning block. Screenshots: server-settings.png, providers.png, remote-chat-zh_CN.png.
    void localServerAndRemoteProviderFromTheWindow() {
        freshSettings();
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        // The remote end: the OpenAI-compatible server on 127.0.0.1 over another scripted model.
        const QString remoteModel = dir.filePath(QStringLiteral("remote.gguf"));
        deepdesk::testing::scripted_chat_spec spec;
        spec.reasoning = "Sure";
        spec.answer = "OK, 42.";
        deepdesk::testing::write_scripted_chat_model(remoteModel.toStdString(), spec);
        deepdesk::chat_engine_params params;
        params.model_path = remoteModel.toStdString();
        params.n_ctx = 1024;
        deepdesk::chat_engine engine(params);
        deepdesk::server::server_options options;
        options.port = 0;
        options.api_key = "sk-window-test";
        options.model_id = "deepseek-reasoner";
        deepdesk::server::openai_server remote(engine, options);
        const int port = remote.bind();
        std::thread remoteThread([&remote] { remote.run(); });
        const auto stopRemote = qScopeGuard([&] {
            remote.stop();
            remoteThread.join();
        });

        MainWindow w(dir.path());
        ChatController& chat = w.chat;
        deepdesk::app::Services& chatApp = w.services;
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        chatApp.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(chatApp.host.modelLoaded(), 20000);
        QTRY_VERIFY(window->property("ready").toBool());

        // Settings → Local API server: a click on the switch starts it.
        chatApp.settings.setServerPort(18000 + static_cast<int>(QCoreApplication::applicationPid() % 2000));
        auto* settings = window->findChild<QObject*>(QStringLiteral("settingsDialog"));
        QMetaObject::invokeMethod(settings, "open");
        QTRY_VERIFY(settings->property("visible").toBool());
        auto* serverSwitch = window->findChild<QQuickItem*>(QStringLiteral("serverSwitch"));
        auto* scroll = window->findChild<QQuickItem*>(QStringLiteral("settingsScroll"));
        QVERIFY(serverSwitch && scroll);
        auto* flick = scroll->property("contentItem").value<QQuickItem*>();
        QVERIFY(flick);
        flick->setProperty("contentY", std::max(0.0, serverSwitch->y() - 60.0));
        QTest::qWait(100);
        QTest::mouseClick(
            window, Qt::LeftButton, {},
            serverSwitch->mapToScene(QPointF(serverSwitch->width() / 2, serverSwitch->height() / 2)).toPoint());
        QTRY_VERIFY_WITH_TIMEOUT(!chatApp.server.url().isEmpty(), 10000);
        QVERIFY(chatApp.settings.serverEnabled());
        auto* status = window->findChild<QQuickItem*>(QStringLiteral("serverStatus"));
        QVERIFY(status);
        QTRY_VERIFY(status->property("text").toString().contains(chatApp.server.url()));
        QNetworkAccessManager network;
        QNetworkReply* models = network.get(QNetworkRequest(QUrl(chatApp.server.url() + QStringLiteral("/models"))));
        QSignalSpy modelsDone(models, &QNetworkReply::finished);
        QVERIFY(modelsDone.wait(10000));
        QCOMPARE(models->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(models->readAll().contains(chatApp.host.modelName().toUtf8()));
        models->deleteLater();
        QTest::qWait(100);
        QDir().mkpath(QStringLiteral(DEEPDESK_SCREENSHOT_DIR));
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/server-settings.png")));
        QMetaObject::invokeMethod(settings, "close");

        // A provider (as the dialog adds it) lists the server's models.
        QSignalSpy fetched(&w.providers, &deepdesk::app::ProvidersController::modelsFetched);
        w.providers.addProvider(QStringLiteral("deepseek"), QStringLiteral("DeepSeek (test)"),
                                QStringLiteral("http://127.0.0.1:%1/v1").arg(port), QStringLiteral("sk-window-test"));
        QVERIFY(fetched.wait(10000));
        QVERIFY2(fetched.first().at(1).toBool(), qPrintable(fetched.first().at(2).toString()));
        auto* providersDialog = window->findChild<QObject*>(QStringLiteral("providersDialog"));
        QVERIFY(providersDialog);
        QMetaObject::invokeMethod(providersDialog, "open");
        QTRY_VERIFY(providersDialog->property("visible").toBool());
        QTest::qWait(150);
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/providers.png")));
        QMetaObject::invokeMethod(providersDialog, "close");
        QTRY_VERIFY(!providersDialog->property("visible").toBool());

        // The model picker offers the remote model; choosing it makes the chat remote.
        auto* picker = window->findChild<QQuickItem*>(QStringLiteral("modelPicker"));
        QVERIFY(picker);
        const QVariantList entries = picker->property("model").toList();
        int remoteIndex = -1;
        for (int i = 0; i < entries.size(); ++i) {
            const QVariantMap e = entries[i].toMap();
            if (e.value(QStringLiteral("kind")) == QStringLiteral("remote") &&
                e.value(QStringLiteral("model")) == QStringLiteral("deepseek-reasoner")) {
                remoteIndex = i;
            }
        }
        QVERIFY(remoteIndex >= 0);
        QMetaObject::invokeMethod(picker, "activated", Q_ARG(int, remoteIndex));
        QTRY_COMPARE(chatApp.host.modelSource(), QStringLiteral("remote"));
        QVERIFY(chatApp.host.reasoningModel());
        QTRY_VERIFY(picker->property("displayText").toString().contains(QStringLiteral("DeepSeek (test)")));
        QTRY_VERIFY_WITH_TIMEOUT(chatApp.server.url().isEmpty(), 10000);  // the local model and its server stopped

        auto* input = window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
        QVERIFY(input);
        input->forceActiveFocus();
        QTRY_VERIFY(input->hasActiveFocus());
        QSignalSpy finished(&chat, &ChatController::turnFinished);
        typeText(window, QStringLiteral("What is 6 x 7?"));
        QTest::keyClick(window, Qt::Key_Return);
        QVERIFY(!finished.isEmpty() || finished.wait(30000));
        QCOMPARE(finished.first().first().toString(), QStringLiteral("stop"));
        chat.flushStorage();
        const auto& rows = chat.messages()->rows();
        QCOMPARE(rows.size(), std::size_t{2});
        QCOMPARE(rows.back().message.reasoning, std::string("Sure"));
        QCOMPARE(rows.back().message.content, std::string("OK, 42."));
        bool reasoningShown = false;
        for (auto* t : itemsNamed(window->contentItem(), QStringLiteral("reasoningText"))) {
            reasoningShown = reasoningShown || plainText(t) == QStringLiteral("Sure");
        }
        QVERIFY(reasoningShown);
        // The server reported usage: the header shows the tokens and the speed.
        auto* header = window->findChild<QQuickItem*>(QStringLiteral("statusLabel"));
        QVERIFY(header);
        QTRY_VERIFY2(header->property("text").toString().contains(QStringLiteral("tokens")) && chat.contextUsed() > 0,
                     qPrintable(header->property("text").toString()));
        // The window does not claim the conversation stays on this computer.
        auto* privacy = window->findChild<QQuickItem*>(QStringLiteral("privacyNote"));
        QVERIFY(privacy);
        QVERIFY(privacy->property("text").toString().contains(QStringLiteral("DeepSeek (test)")));
        w.localization.setLanguage(QStringLiteral("zh_CN"));
        QTest::qWait(300);
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/remote-chat-zh_CN.png")));
        QMetaObject::invokeMethod(providersDialog, "open");
        QTRY_VERIFY(providersDialog->property("visible").toBool());
        QTest::qWait(150);
        QVERIFY(window->grabWindow().save(QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/providers-zh_CN.png")));
        QMetaObject::invokeMethod(providersDialog, "close");
    }

    void aBadModelFileOpensAnErrorDialog() {
        freshSettings();
        QTemporaryDir dir;
        const QString bad = dir.filePath(QStringLiteral("broken.gguf"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("GGUF\x03\x00\x00\x00truncated");
        f.close();
        MainWindow w(dir.path());
        deepdesk::app::Services& chatApp = w.services;
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        chatApp.host.loadModel(bad);
        auto* dialog = window->findChild<QObject*>(QStringLiteral("modelErrorDialog"));
        QVERIFY(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->property("visible").toBool(), 10000);
        QVERIFY2(dialog->property("error").toString().contains(QStringLiteral("broken.gguf")),
                 qPrintable(dialog->property("error").toString()));
        QVERIFY(!chatApp.host.modelLoaded());
        QVERIFY(!chatApp.host.loading());
        QMetaObject::invokeMethod(dialog, "accept");
        QTRY_VERIFY(!dialog->property("visible").toBool());
    }
};

QTEST_MAIN(TestChatWindow)
#include "tst_chatwindow.moc"
