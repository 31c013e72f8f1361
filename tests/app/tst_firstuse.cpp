// SPDX-License-Identifier: GPL-3.0-or-later
// What a new user hit, each fixed and shown in the real window: delete's undo, Esc and leaving a
// conversation while an answer streams, the header's live figures, Settings' numbers, a
// conversation too long for the context, import errors where the import was started, errors that
// follow the language, a GGUF copied into the models folder, and --continue.
#include <QtQml/qqmlextensionplugin.h>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "tests/app/window_checks.h"
#include "tests/app/window_harness.h"
#include "tests/support/scripted_chat_model.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

using namespace deepdesk::testing;

namespace {

// Every warning in the log fails the test that caused it.
QStringList g_warnings;

void recordWarning(QtMsgType type, const QMessageLogContext&, const QString& message) {
    if (type != QtDebugMsg && type != QtInfoMsg) {
        g_warnings << message;
    }
    std::fprintf(stderr, "%s\n", qPrintable(message));
}

}  // namespace

class TestFirstUse : public QObject {
    Q_OBJECT

    const QString m_shots = QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/firstcontact");
    void shoot(QQuickWindow* window, const QString& name) { shootWindow(window, m_shots, name); }

private Q_SLOTS:
    void init() {
        g_warnings.clear();
        qInstallMessageHandler(recordWarning);
    }
    void cleanup() { qInstallMessageHandler(nullptr); }

    // Delete's undo lasts 10 s, and after that until the next action; only then is it final.
    void deleteCanBeUndoneUntilTheNextAction() {
        freshSettings();
        QTemporaryDir dir;
        const qint64 first = storeConversation(dir, "Keep me");
        storeConversation(dir, "Other");
        const auto stored = [&dir] {
            deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
            return deepdesk::storage::conversation_store(db).list_conversations().size();
        };
        MainWindow w(dir.path());
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start({}, false);
        QTRY_COMPARE(w.chat.conversations()->rowCount(), 2);
        auto* sidebar = window->findChild<QQuickItem*>(QStringLiteral("sidebar"));
        auto* timer = window->findChild<QObject*>(QStringLiteral("deleteTimer"));
        auto* undoBar = window->findChild<QQuickItem*>(QStringLiteral("undoDelete"));
        QVERIFY(sidebar && timer && undoBar);
        QVERIFY(timer->property("interval").toInt() >= 10000);

        QMetaObject::invokeMethod(sidebar, "requestDelete", Q_ARG(QVariant, first));
        QTRY_VERIFY(undoBar->isVisible());
        QMetaObject::invokeMethod(timer, "triggered");  // ten seconds later: still there, still undoable
        QTest::qWait(200);
        QVERIFY(undoBar->isVisible());
        w.chat.flushStorage();
        QCOMPARE(stored(), std::size_t{2});
        auto* undo = window->findChild<QQuickItem*>(QStringLiteral("undoDeleteButton"));
        QVERIFY(undo);
        QTest::mouseClick(window, Qt::LeftButton, {},
                          undo->mapToScene(QPointF(undo->width() / 2, undo->height() / 2)).toPoint());
        QTRY_VERIFY(!undoBar->isVisible());
        w.chat.flushStorage();
        QCOMPARE(stored(), std::size_t{2});

        // Deleted again; the next action (a new chat) makes it final.
        QMetaObject::invokeMethod(sidebar, "requestDelete", Q_ARG(QVariant, first));
        QTRY_VERIFY(undoBar->isVisible());
        QMetaObject::invokeMethod(timer, "triggered");
        QTest::keyClick(window, Qt::Key_N, Qt::ControlModifier);
        QTRY_VERIFY(!undoBar->isVisible());
        QTRY_COMPARE(w.chat.conversations()->rowCount(), 1);
        w.chat.flushStorage();
        QCOMPARE(stored(), std::size_t{1});
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    // While an answer streams, the header's speed and token count move; Esc stops the answer
    // wherever the focus is; opening another conversation stops it (kept) and goes there, saying
    // so; New chat clears the figures.
    void streamingStatsEscAndSwitching() {
        freshSettings();
        QTemporaryDir dir;
        const qint64 other = storeConversation(dir, "Other", {"Earlier question"});
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Looping.gguf"));
        deepdesk::testing::scripted_chat_spec spec;
        spec.loop = true;  // answers until stopped
        deepdesk::testing::write_scripted_chat_model(model.toStdString(), spec);
        MainWindow w(dir.path());
        ChatController& chat = w.chat;
        deepdesk::app::Services& chatApp = w.services;
        chatApp.settings.setMaxTokens(100000);
        chatApp.settings.setContextLength(4096);
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        chatApp.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(chatApp.host.modelLoaded(), 20000);
        QTRY_VERIFY(window->property("ready").toBool());
        auto* status = window->findChild<QQuickItem*>(QStringLiteral("statusLabel"));
        QVERIFY(status);

        QSignalSpy finished(&chat, &ChatController::turnFinished);
        chat.send(QStringLiteral("Go on"));
        QTRY_VERIFY(chat.generating());
        // Live: the figures move before the answer ends.
        QTRY_VERIFY_WITH_TIMEOUT(chat.tokensPerSecond() > 0 && chat.contextUsed() > 0, 10000);
        const qint64 used = chat.contextUsed();
        QTRY_VERIFY(chat.contextUsed() > used);
        QVERIFY(chat.generating());
        QTRY_VERIFY2(status->property("text").toString().contains(QStringLiteral("tok/s")),
                     qPrintable(status->property("text").toString()));

        // Esc with the focus in the (empty) search field stops it.
        auto* search = window->findChild<QQuickItem*>(QStringLiteral("searchField"));
        QVERIFY(search);
        search->forceActiveFocus();
        QTRY_VERIFY(search->hasActiveFocus());
        QTest::keyClick(window, Qt::Key_Escape);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 10000);
        QCOMPARE(finished.first().first().toString(), QStringLiteral("cancelled"));
        const qint64 first = chat.conversationId();
        QTRY_VERIFY(chat.messages()->rowCount() == 2 && !chat.messages()->rows().back().message.content.empty());

        // Another conversation while answering: the answer stops (kept) and the other opens.
        QSignalSpy left(&chat, &ChatController::answerStoppedToLeave);
        chat.send(QStringLiteral("Once more"));
        QTRY_VERIFY(chat.generating());
        QTRY_VERIFY_WITH_TIMEOUT(
            chat.messages()->rowCount() == 4 && !chat.messages()->rows().back().message.content.empty(), 10000);
        chat.openConversation(other);  // what a click on it in the sidebar does
        QTRY_COMPARE_WITH_TIMEOUT(chat.conversationId(), other, 10000);
        QVERIFY(!chat.generating());
        QCOMPARE(left.size(), 1);
        QCOMPARE(finished.last().first().toString(), QStringLiteral("cancelled"));
        auto* notice = window->findChild<QQuickItem*>(QStringLiteral("noticeText"));
        QVERIFY(notice);
        QTRY_VERIFY(notice->isVisible());
        QVERIFY(notice->property("text").toString().contains(QStringLiteral("stopped")));
        shoot(window, QStringLiteral("en-light-stopped-to-leave"));
        {
            chat.flushStorage();
            deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
            const auto branch = deepdesk::storage::conversation_store(db).active_branch(first);
            QCOMPARE(branch.size(), std::size_t{4});
            QVERIFY(!branch.back().content.empty());  // what it wrote is kept
        }

        // New chat clears the figures.
        QTest::keyClick(window, Qt::Key_N, Qt::ControlModifier);
        QTRY_COMPARE(chat.conversationId(), qint64{0});
        QCOMPARE(chat.tokensPerSecond(), 0.0);
        QVERIFY2(!status->property("text").toString().contains(QStringLiteral("tok/s")),
                 qPrintable(status->property("text").toString()));
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    // Settings' number fields take decimals as typed, in both languages; what is not a number in
    // range is shown as invalid and changes nothing.
    void settingsNumbersAreTakenAsTyped() {
        freshSettings();
        QTemporaryDir dir;
        MainWindow w(dir.path());
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start({}, false);
        auto* settings = window->findChild<QObject*>(QStringLiteral("settingsDialog"));
        QVERIFY(settings);
        QMetaObject::invokeMethod(settings, "open");
        QTRY_VERIFY(settings->property("visible").toBool());
        const auto typeInto = [window](const QString& name, const QString& text) {
            auto* f = window->findChild<QQuickItem*>(name);
            if (f == nullptr) {
                return static_cast<QQuickItem*>(nullptr);
            }
            f->forceActiveFocus();
            QMetaObject::invokeMethod(f, "selectAll");
            typeText(window, text);
            return f;
        };
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            w.localization.setLanguage(language);
            w.services.settings.setTemperature(0.6);
            QTest::qWait(50);
            QQuickItem* temperature = typeInto(QStringLiteral("temperatureField"), QStringLiteral("0.7"));
            QVERIFY(temperature);
            QCOMPARE(temperature->property("text").toString(), QStringLiteral("0.7"));
            QCOMPARE(w.services.settings.temperature(), 0.7);
            QVERIFY(temperature->property("valid").toBool());

            QQuickItem* minP = typeInto(QStringLiteral("minPField"), QStringLiteral("0.5"));
            QVERIFY(minP);
            QCOMPARE(w.services.settings.minP(), 0.5);
            typeInto(QStringLiteral("minPField"), QStringLiteral("0,25"));  // a decimal comma too
            QCOMPARE(w.services.settings.minP(), 0.25);

            // Not a number, and out of range: shown as invalid, kept as typed, nothing changes.
            typeInto(QStringLiteral("temperatureField"), QStringLiteral("abc"));
            QCOMPARE(temperature->property("text").toString(), QStringLiteral("abc"));
            QVERIFY(!temperature->property("valid").toBool());
            QCOMPARE(w.services.settings.temperature(), 0.7);
            shoot(window, language + QStringLiteral("-light-settings-invalid-number"));
            typeInto(QStringLiteral("temperatureField"), QStringLiteral("3"));
            QVERIFY(!temperature->property("valid").toBool());
            QCOMPARE(w.services.settings.temperature(), 0.7);
            // Leaving the field keeps what was typed (no silent clamp to 2.00).
            window->findChild<QQuickItem*>(QStringLiteral("contextField"))->forceActiveFocus();
            QTest::qWait(50);
            QCOMPARE(temperature->property("text").toString(), QStringLiteral("3"));
            QCOMPARE(w.services.settings.temperature(), 0.7);
            // Up steps from the last valid value.
            temperature->forceActiveFocus();
            typeInto(QStringLiteral("temperatureField"), QStringLiteral("1.2"));
            QTest::keyClick(window, Qt::Key_Up);
            QCOMPARE(w.services.settings.temperature(), 1.25);

            QQuickItem* context = typeInto(QStringLiteral("contextField"), QStringLiteral("8192"));
            QCOMPARE(w.services.settings.contextLength(), 8192);
            typeInto(QStringLiteral("contextField"), QStringLiteral("8.5"));
            QVERIFY(!context->property("valid").toBool());
            QCOMPARE(w.services.settings.contextLength(), 8192);
            typeInto(QStringLiteral("contextField"), QStringLiteral("4096"));
        }
        QMetaObject::invokeMethod(settings, "close");
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    // A conversation that outgrows the context: said in plain words once (not a raw engine error
    // twice), counted before sending, and both fixes work from the window.
    void aConversationTooLongForTheContext() {
        freshSettings();
        QTemporaryDir dir;
        std::vector<std::string> turns;
        for (int i = 0; i < 6; ++i) {
            turns.push_back("Question " + std::to_string(i) + " " + std::string(80, 'q'));
            turns.push_back("Answer " + std::to_string(i) + " " + std::string(80, 'a'));
        }
        const qint64 longOne = storeConversation(dir, "Long", turns);
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        MainWindow w(dir.path());
        ChatController& chat = w.chat;
        deepdesk::app::Services& chatApp = w.services;
        chatApp.settings.setContextLength(512);
        chatApp.settings.setMaxTokens(64);
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        chatApp.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(chatApp.host.modelLoaded(), 20000);
        QCOMPARE(chatApp.host.contextSize(), qint64{512});
        QSignalSpy opened(&chat, &ChatController::conversationOpened);
        chat.openConversation(longOne);
        QVERIFY(opened.wait(5000));

        // A long text is counted before it is sent.
        auto* input = window->findChild<QQuickItem*>(QStringLiteral("composerInput"));
        auto* draft = window->findChild<QQuickItem*>(QStringLiteral("draftTokens"));
        QVERIFY(input && draft);
        input->setProperty("text", QString(1600, QLatin1Char('z')));
        QTRY_VERIFY_WITH_TIMEOUT(draft->isVisible(), 5000);
        QVERIFY2(draft->property("text").toString().contains(QStringLiteral("more than the 512")),
                 qPrintable(draft->property("text").toString()));
        shoot(window, QStringLiteral("en-light-draft-too-long"));
        input->setProperty("text", QStringLiteral("And now?"));
        QTRY_VERIFY(!draft->isVisible());

        QSignalSpy finished(&chat, &ChatController::turnFinished);
        chat.send(QStringLiteral("And now?"));
        QVERIFY(finished.wait(10000));
        auto* problem = window->findChild<QQuickItem*>(QStringLiteral("contextProblem"));
        auto* problemText = window->findChild<QQuickItem*>(QStringLiteral("contextProblemText"));
        auto* banner = window->findChild<QQuickItem*>(QStringLiteral("errorBanner"));
        QVERIFY(problem && problemText && banner);
        QTRY_VERIFY(problem->isVisible());
        QVERIFY(!banner->isVisible());  // said once, in plain words: not in the banner,
        const auto states = itemsNamed(window->contentItem(), QStringLiteral("messageState"));
        QVERIFY(!states.isEmpty());
        for (auto* state : states) {
            QVERIFY2(!state->isVisible(), qPrintable(state->property("text").toString()));  // nor the message
        }
        QTRY_VERIFY(chat.contextProblem().value(QStringLiteral("suggested")).toLongLong() > 512);
        const QString said = problemText->property("text").toString();
        QVERIFY2(said.contains(QStringLiteral("too long")) && said.contains(QStringLiteral("room for 512")),
                 qPrintable(said));
        QVERIFY2(!said.contains(QStringLiteral("the context is full")), qPrintable(said));
        shoot(window, QStringLiteral("en-light-context-full"));
        w.localization.setLanguage(QStringLiteral("zh_CN"));
        QTest::qWait(100);
        QVERIFY2(problemText->property("text").toString() != said, "the explanation follows the language");
        shoot(window, QStringLiteral("zh_CN-light-context-full"));
        w.localization.setLanguage(QStringLiteral("en"));

        // Leave out the oldest turns: the model answers.
        auto* drop = window->findChild<QQuickItem*>(QStringLiteral("dropOldestButton"));
        QVERIFY(drop);
        clickOnceSettled(window, drop);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.last().first().toString(), QStringLiteral("stop"));
        QCOMPARE(chat.messages()->rows().back().message.content, std::string("Hi 4U!"));
        QTRY_VERIFY(!problem->isVisible());

        // Again too long; raise the context: the model is loaded again with room, and answers.
        chat.send(QStringLiteral("Once more, please?"));
        QVERIFY(finished.wait(10000));
        QTRY_VERIFY(chat.contextProblem().value(QStringLiteral("suggested")).toLongLong() > 512);
        auto* raise = window->findChild<QQuickItem*>(QStringLiteral("raiseContextButton"));
        QVERIFY(raise);
        QTRY_VERIFY(raise->isVisible());
        clickOnceSettled(window, raise);
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.last().first().toString(), QStringLiteral("stop"));
        QVERIFY2(chatApp.host.contextSize() > 512,
                 qPrintable(QStringLiteral("context %1, setting %2, turns %3, last %4")
                                .arg(chatApp.host.contextSize())
                                .arg(chatApp.settings.contextLength())
                                .arg(finished.size())
                                .arg(finished.last().first().toString())));
        QCOMPARE(chatApp.settings.contextLength(), static_cast<int>(chatApp.host.contextSize()));
        QCOMPARE(chat.messages()->rows().back().message.content, std::string("Hi 4U!"));
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    // A GGUF import refused on the Models page is said there, in the window's language; the chat
    // page shows nothing of it.
    void modelsPageShowsItsOwnImportErrors() {
        freshSettings();
        QTemporaryDir dir;
        const QString broken = writeBrokenGguf(dir);
        MainWindow w(dir.path());
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start({}, false);
        w.localization.setLanguage(QStringLiteral("zh_CN"));
        auto* pages = window->findChild<QQuickItem*>(QStringLiteral("pages"));
        pages->setProperty("currentIndex", 1);
        auto* dialog = window->findChild<QObject*>(QStringLiteral("modelsImportDialog"));
        QVERIFY(dialog);
        QMetaObject::invokeMethod(dialog, "open");
        QTRY_VERIFY(dialog->property("visible").toBool());
        QMetaObject::invokeMethod(dialog, "reject");
        QTRY_VERIFY(!dialog->property("visible").toBool());
        // The file as the dialog hands it over when Import is pressed.
        QSignalSpy imported(&w.services.host, &deepdesk::app::ModelHost::modelImported);
        dialog->setProperty("selectedFile", QUrl::fromLocalFile(broken));
        QCOMPARE(dialog->property("selectedFile").toUrl(), QUrl::fromLocalFile(broken));
        QMetaObject::invokeMethod(dialog, "accepted");
        QVERIFY(imported.wait(10000));
        QVERIFY(!imported.first().first().toBool());
        auto* error = window->findChild<QQuickItem*>(QStringLiteral("modelsError"));
        QVERIFY(error);
        QTRY_VERIFY(error->isVisible());
        const QString said = error->property("text").toString();
        QVERIFY2(said.startsWith(QStringLiteral("broken.gguf 不是可用的 GGUF 模型")), qPrintable(said));
        shoot(window, QStringLiteral("zh_CN-light-models-import-error"));
        QVERIFY(w.chat.errorText().isEmpty());  // not on the chat page
        pages->setProperty("currentIndex", 0);
        auto* banner = window->findChild<QQuickItem*>(QStringLiteral("errorBanner"));
        QVERIFY(banner);
        QTest::qWait(50);
        QVERIFY(!banner->isVisible());
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    // What the chat page's banner says follows a language switch.
    void theChatErrorFollowsTheLanguage() {
        freshSettings();
        QTemporaryDir dir;
        MainWindow w(dir.path());
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start({}, false);
        w.chat.send(QStringLiteral("hello"));  // no model: refused with a reason
        auto* banner = window->findChild<QQuickItem*>(QStringLiteral("errorBanner"));
        QVERIFY(banner);
        QTRY_VERIFY(banner->isVisible());
        QCOMPARE(w.chat.errorText(), QStringLiteral("Load a model to start chatting."));
        QSignalSpy changed(&w.chat, &ChatController::errorTextChanged);
        w.localization.setLanguage(QStringLiteral("zh_CN"));
        QVERIFY(!changed.isEmpty());
        QCOMPARE(w.chat.errorText(), QStringLiteral("加载一个模型即可开始对话。"));
        w.localization.setLanguage(QStringLiteral("en"));
        QCOMPARE(w.chat.errorText(), QStringLiteral("Load a model to start chatting."));
    }

    // A GGUF file copied into the models folder is listed without a restart.
    void aModelCopiedIntoTheFolderAppears() {
        freshSettings();
        QTemporaryDir dir;
        MainWindow w(dir.path());
        QVERIFY(w.show());
        w.services.start({}, false);
        QCOMPARE(w.services.host.modelFiles().size(), 0);
        deepdesk::testing::write_scripted_chat_model(
            QDir(w.services.settings.modelsFolder()).filePath(QStringLiteral("copied.gguf")).toStdString());
        QTRY_COMPARE_WITH_TIMEOUT(w.services.host.modelFiles().size(), 1, 5000);
        QFile::remove(QDir(w.services.settings.modelsFolder()).filePath(QStringLiteral("copied.gguf")));
        QTRY_COMPARE_WITH_TIMEOUT(w.services.host.modelFiles().size(), 0, 5000);
        // A folder chosen later is watched too.
        const QString other = dir.filePath(QStringLiteral("elsewhere"));
        QDir().mkpath(other);
        w.services.settings.setModelsFolder(other);
        deepdesk::testing::write_scripted_chat_model(QDir(other).filePath(QStringLiteral("there.gguf")).toStdString());
        QTRY_COMPARE_WITH_TIMEOUT(w.services.host.modelFiles().size(), 1, 5000);
    }

    // --continue opens the most recently updated conversation, not the pinned one listed first.
    void continueOpensTheMostRecent() {
        freshSettings();
        QTemporaryDir dir;
        qint64 recent = 0;
        {
            deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
            deepdesk::storage::conversation_store store(db);
            deepdesk::storage::conversation c;
            c.title = "Pinned long ago";
            const auto pinned = store.create_conversation(c);
            store.add_message(pinned, std::nullopt, "user", "old");
            store.set_pinned(pinned, true);
            QTest::qWait(20);
            c.title = "Yesterday's";
            recent = store.create_conversation(c);
            store.add_message(recent, std::nullopt, "user", "new");
            QVERIFY(store.list_conversations().front().id == pinned);  // listed first
        }
        deepdesk::app::Services chatApp(dir.path());
        ChatController& chat = chatApp.chat;
        QSignalSpy opened(&chat, &ChatController::conversationOpened);
        chatApp.start({}, true);
        QVERIFY(opened.wait(5000));
        QCOMPARE(chat.conversationId(), recent);
    }
};

int main(int argc, char** argv) {
    // Qt warns when there is no runtime folder (a bare CI container); give it one of its own.
    QTemporaryDir runtime;
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR") && runtime.isValid()) {
        QFile::setPermissions(runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit());
    }
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    QGuiApplication app(argc, argv);
    deepdesk::app::useControlsStyle();  // before any QML, as the application does
    TestFirstUse test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_firstuse.moc"
