// SPDX-License-Identifier: GPL-3.0-or-later
// The chat controller end to end on the shared small model: load, a streamed turn saved to the
// database, stop keeping what was produced, regenerate and edit making branches, a bad model
// file giving an error while the app stays usable, and everything back after a restart.
#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QFile>
#include <QGuiApplication>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

#include "app/chatcontroller.h"
#include "app/services.h"
#include "app/settings.h"
#include "storage/database.h"

using deepdesk::app::ChatController;
using deepdesk::app::MessageListModel;

namespace {

QString sharedModel() {
    const QString p = QStringLiteral(DEEPDESK_SHARED_DIR "/testdata/models/small-qwen2.q4_k_m.gguf");
    return QFile::exists(p) ? p : QString();
}

QVariant role(const MessageListModel* m, int row, int r) { return m->data(m->index(row), r); }

}  // namespace

class TestChatController : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings in a test location
        QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_chatcontroller"));
        QSettings().clear();
        QFile::remove(deepdesk::app::Settings::secretsPath());
    }

    void badModelGivesAnErrorAndTheAppStaysUsable() {
        QTemporaryDir dir;
        deepdesk::app::Services cApp(dir.path());
        ChatController& c = cApp.chat;
        QFile bad(dir.filePath(QStringLiteral("models/broken.gguf")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("GGUF\x03\x00\x00\x00truncated");
        bad.close();
        cApp.host.refreshModels();
        QCOMPARE(cApp.host.modelFiles().size(), 1);
        QVERIFY(deepdesk::app::ModelHost::estimate(bad.fileName(), 4096).contains(QStringLiteral("error")));
        QSignalSpy failed(&cApp.host, &deepdesk::app::ModelHost::modelLoadFailed);
        cApp.host.loadModel(bad.fileName());
        QVERIFY(failed.wait(10000));
        QVERIFY(!cApp.host.modelLoaded());
        QVERIFY(!cApp.host.loading());
        QVERIFY(c.errorText().contains(QStringLiteral("broken.gguf")));
        c.send(QStringLiteral("hello"));  // refused with a reason, nothing saved
        QCOMPARE(c.messages()->rowCount(), 0);
        QVERIFY(c.errorText().contains(QStringLiteral("Load a model")));
    }

    void loadingShowsProgressAndCanBeCancelled() {
        const QString model = sharedModel();
        if (model.isEmpty()) {
            QSKIP("shared model not found (../shared is absent)");
        }
        QTemporaryDir dir;
        deepdesk::app::Services cApp(dir.path());
        ChatController& c = cApp.chat;
        cApp.settings.setContextLength(256);
        // Cancelled at once: whatever the worker got to, the model does not appear loaded.
        cApp.host.loadModel(model);
        QVERIFY(cApp.host.loading());
        cApp.host.cancelLoad();
        QVERIFY(!cApp.host.loading());
        QTest::qWait(1500);
        QVERIFY(!cApp.host.modelLoaded());
        QVERIFY(c.errorText().isEmpty());

        // A load that runs to the end reports its progress up to 100%.
        QList<double> progress;
        connect(&cApp.host, &deepdesk::app::ModelHost::loadProgressChanged, &c,
                [&] { progress << cApp.host.loadProgress(); });
        cApp.host.loadModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(cApp.host.modelLoaded(), 20000);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.first(), 0.0);
        QCOMPARE(progress.last(), 1.0);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
    }

    void aTurnStreamsIsSavedAndBranches() {
        const QString model = sharedModel();
        if (model.isEmpty()) {
            QSKIP("shared model not found (../shared is absent)");
        }
        QTemporaryDir dir;
        qint64 conversation = 0;
        QString firstAnswer;
        {
            deepdesk::app::Services cApp(dir.path());
            ChatController& c = cApp.chat;
            // Every change the list models make is checked against the model rules.
            QAbstractItemModelTester messagesTester(c.messages(),
                                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
            QAbstractItemModelTester conversationsTester(c.conversations(),
                                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
            QSignalSpy imported(&cApp.host, &deepdesk::app::ModelHost::modelImported);
            cApp.host.importModel(QUrl::fromLocalFile(model));
            QVERIFY(imported.wait(10000));
            QVERIFY(imported.first().first().toBool());
            QCOMPARE(cApp.host.modelFiles().size(), 1);
            const QVariantMap est = deepdesk::app::ModelHost::estimate(model, cApp.settings.contextLength());
            QVERIFY(est.value(QStringLiteral("weightsBytes")).toLongLong() > 0);
            QVERIFY(est.value(QStringLiteral("kvBytes")).toLongLong() > 0);
            cApp.settings.setContextLength(2048);  // room for answers long enough to be stopped
            cApp.settings.setMaxTokens(24);
            cApp.settings.setTemperature(0.0);
            QSignalSpy loaded(&cApp.host, &deepdesk::app::ModelHost::modelChanged);
            cApp.host.loadModel(cApp.host.modelFiles().first().toMap().value(QStringLiteral("path")).toString());
            QTRY_VERIFY_WITH_TIMEOUT(cApp.host.modelLoaded(), 20000);
            QCOMPARE(cApp.host.contextSize(), 2048);

            // A turn: the answer arrives in frame-sized updates on the last row only.
            QSignalSpy finished(&c, &ChatController::turnFinished);
            QSignalSpy updates(c.messages(), &QAbstractItemModel::dataChanged);
            QElapsedTimer t;
            t.start();
            c.send(QStringLiteral("Hello, who are you?"));
            QVERIFY(c.generating());  // at once, while the storage thread prepares the turn
            QTRY_COMPARE(c.messages()->rowCount(), 2);
            QVERIFY(!finished.isEmpty() || finished.wait(30000));  // a short turn may end while rows arrive
            const qint64 elapsed = t.elapsed();
            QCOMPARE(finished.first().first().toString(), QStringLiteral("length"));
            QVERIFY(!c.generating());
            firstAnswer = role(c.messages(), 1, MessageListModel::ContentRole).toString() +
                          role(c.messages(), 1, MessageListModel::ReasoningRole).toString();
            QVERIFY(!firstAnswer.isEmpty());
            QCOMPARE(role(c.messages(), 1, MessageListModel::StatusRole).toString(), QStringLiteral("complete"));
            QCOMPARE(role(c.messages(), 1, MessageListModel::GeneratedTokensRole).toLongLong(), 24);
            QVERIFY2(updates.size() <= elapsed / 16 + 3,
                     qPrintable(QStringLiteral("%1 updates in %2 ms").arg(updates.size()).arg(elapsed)));
            for (const auto& u : updates) {
                QCOMPARE(u.at(0).toModelIndex().row(), 1);
            }
            QVERIFY(c.tokensPerSecond() > 0);
            QVERIFY(c.contextUsed() > 0);
            conversation = c.conversationId();
            QCOMPARE(c.conversations()->rowCount(), 1);
            QVERIFY(!c.conversationTitle().isEmpty());

            // Regenerate: a sibling answer, the switcher shows 2/2.
            c.regenerate();
            QVERIFY(finished.wait(30000));
            QCOMPARE(c.messages()->rowCount(), 2);
            QCOMPARE(role(c.messages(), 1, MessageListModel::SiblingCountRole).toInt(), 2);
            QCOMPARE(role(c.messages(), 1, MessageListModel::SiblingIndexRole).toInt(), 1);
            const qint64 answer2 = role(c.messages(), 1, MessageListModel::MessageIdRole).toLongLong();
            c.switchBranch(answer2, -1);
            QTRY_COMPARE(role(c.messages(), 1, MessageListModel::SiblingIndexRole).toInt(), 0);

            // Edit the question: a new branch from the root.
            const qint64 user = role(c.messages(), 0, MessageListModel::MessageIdRole).toLongLong();
            c.editAndResend(user, QStringLiteral("Tell me a joke."));
            QVERIFY(finished.wait(30000));
            QCOMPARE(role(c.messages(), 0, MessageListModel::ContentRole).toString(),
                     QStringLiteral("Tell me a joke."));
            QCOMPARE(role(c.messages(), 0, MessageListModel::SiblingCountRole).toInt(), 2);

            // Stop: what was produced is kept and marked interrupted.
            cApp.settings.setMaxTokens(100000);
            c.send(QStringLiteral("Count to a thousand."));
            QTRY_VERIFY_WITH_TIMEOUT(!role(c.messages(), 3, MessageListModel::ContentRole).toString().isEmpty() ||
                                         !role(c.messages(), 3, MessageListModel::ReasoningRole).toString().isEmpty(),
                                     20000);
            int before = static_cast<int>(finished.size());
            c.stop();
            QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(finished.size()), before + 1, 20000);
            QCOMPARE(finished.last().first().toString(), QStringLiteral("cancelled"));
            QCOMPARE(role(c.messages(), 3, MessageListModel::StatusRole).toString(), QStringLiteral("interrupted"));
            QVERIFY(role(c.messages(), 3, MessageListModel::GeneratedTokensRole).toLongLong() > 0);

            // Continue: the same message grows from where it stopped.
            const QString cut = role(c.messages(), 3, MessageListModel::ContentRole).toString() +
                                role(c.messages(), 3, MessageListModel::ReasoningRole).toString();
            const qint64 cutTokens = role(c.messages(), 3, MessageListModel::GeneratedTokensRole).toLongLong();
            const qint64 cutId = role(c.messages(), 3, MessageListModel::MessageIdRole).toLongLong();
            cApp.settings.setMaxTokens(8);
            c.continueAnswer();
            QVERIFY(finished.wait(20000));
            QCOMPARE(c.messages()->rowCount(), 4);
            QCOMPARE(role(c.messages(), 3, MessageListModel::MessageIdRole).toLongLong(), cutId);
            QCOMPARE(role(c.messages(), 3, MessageListModel::StatusRole).toString(), QStringLiteral("complete"));
            QCOMPARE(role(c.messages(), 3, MessageListModel::GeneratedTokensRole).toLongLong(), cutTokens + 8);
            const QString grown = role(c.messages(), 3, MessageListModel::ContentRole).toString() +
                                  role(c.messages(), 3, MessageListModel::ReasoningRole).toString();
            QVERIFY(grown.size() > cut.size());
            // Leave it interrupted again for the restart check below.
            cApp.settings.setMaxTokens(100000);
            c.regenerate();
            QTRY_VERIFY_WITH_TIMEOUT(role(c.messages(), 3, MessageListModel::MessageIdRole).toLongLong() != cutId &&
                                         !role(c.messages(), 3, MessageListModel::ContentRole).toString().isEmpty(),
                                     20000);
            before = static_cast<int>(finished.size());
            c.stop();
            QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(finished.size()), before + 1, 20000);
        }
        // Restart: the conversation and its branches are back.
        deepdesk::app::Services againApp(dir.path());
        ChatController& again = againApp.chat;
        QTRY_COMPARE(again.conversations()->rowCount(), 1);
        QSignalSpy opened(&again, &ChatController::conversationOpened);
        again.openConversation(conversation);
        QVERIFY(opened.wait(5000));
        QCOMPARE(again.messages()->rowCount(), 4);
        QCOMPARE(role(again.messages(), 0, MessageListModel::ContentRole).toString(),
                 QStringLiteral("Tell me a joke."));
        QCOMPARE(role(again.messages(), 3, MessageListModel::StatusRole).toString(), QStringLiteral("interrupted"));
        again.switchBranch(role(again.messages(), 0, MessageListModel::MessageIdRole).toLongLong(), -1);
        QTRY_COMPARE(role(again.messages(), 0, MessageListModel::ContentRole).toString(),
                     QStringLiteral("Hello, who are you?"));
        QCOMPARE(role(again.messages(), 1, MessageListModel::ContentRole).toString() +
                     role(again.messages(), 1, MessageListModel::ReasoningRole).toString(),
                 firstAnswer);
        QSignalSpy found(&again, &ChatController::searchFinished);
        again.search(QStringLiteral("joke"));
        QVERIFY(found.wait(5000));
        QCOMPARE(found.first().at(0).toString(), QStringLiteral("joke"));
        QVERIFY(!found.first().at(1).toList().isEmpty());

        // Export all as JSON and Markdown; the JSON imports into a fresh data folder.
        const QString json = dir.filePath(QStringLiteral("all.json"));
        QSignalSpy exported(&again, &ChatController::exportFinished);
        again.exportConversations({}, QUrl::fromLocalFile(json));
        again.exportConversations({conversation}, QUrl::fromLocalFile(dir.filePath(QStringLiteral("one.md"))));
        QTRY_COMPARE(exported.size(), 2);
        QVERIFY(exported.at(0).at(0).toBool() && exported.at(1).at(0).toBool());
        QFile md(dir.filePath(QStringLiteral("one.md")));
        QVERIFY(md.open(QIODevice::ReadOnly));
        QVERIFY(md.readAll().contains("Tell me a joke."));
        QTemporaryDir other;
        deepdesk::app::Services freshApp(other.path());
        ChatController& fresh = freshApp.chat;
        QSignalSpy imported(&fresh, &ChatController::importFinished);
        fresh.importConversations(QUrl::fromLocalFile(json));
        QVERIFY(imported.wait(5000));
        QCOMPARE(imported.last().first().toInt(), 1);
        QTRY_COMPARE(fresh.conversations()->rowCount(), 1);
        fresh.importConversations(QUrl::fromLocalFile(dir.filePath(QStringLiteral("one.md"))));
        QVERIFY(imported.wait(5000));
        QCOMPARE(imported.last().first().toInt(), 0);
        QVERIFY(fresh.errorText().contains(QStringLiteral("not valid JSON")));
        QCOMPARE(fresh.conversations()->rowCount(), 1);
        again.exportConversations({}, QUrl::fromLocalFile(QStringLiteral("/nonexistent/dir/x.md")));
        QTRY_COMPARE(exported.size(), 3);
        QVERIFY(!exported.last().first().toBool());
        QVERIFY(again.errorText().contains(QStringLiteral("Could not write")));
    }

    // While another connection holds the write lock, every call returns at once and the GUI's event
    // loop keeps running; the results arrive, in order, when the lock is released.
    void theGuiThreadNeverWaitsOnTheDatabase() {
        QTemporaryDir dir;
        qint64 id = 0;
        {
            deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
            deepdesk::storage::conversation_store store(db);
            deepdesk::storage::conversation conv;
            conv.title = "旅行计划 trip";
            id = store.create_conversation(conv);
            const auto q = store.add_message(id, std::nullopt, "user", "去杭州玩三天怎么安排？");
            store.add_message(id, q, "assistant", "第一天：西湖。");
        }
        deepdesk::app::Services cApp(dir.path());
        ChatController& c = cApp.chat;
        QTRY_COMPARE(c.conversations()->rowCount(), 1);
        c.flushStorage();

        deepdesk::storage::database other(dir.filePath(QStringLiteral("conversations.db")).toStdString());
        other.sql().exec("BEGIN EXCLUSIVE");
        QSignalSpy opened(&c, &ChatController::conversationOpened);
        QSignalSpy found(&c, &ChatController::searchFinished);
        QSignalSpy titled(&c, &ChatController::conversationChanged);
        c.renameConversation(id, QStringLiteral("杭州"));  // a write: waits for the lock, on its thread
        c.openConversation(id);
        c.search(QStringLiteral("西湖"));
        int ticks = 0;
        QTimer timer;
        connect(&timer, &QTimer::timeout, &c, [&] { ++ticks; });
        timer.start(10);
        QTest::qWait(400);
        QVERIFY2(ticks >= 10, qPrintable(QStringLiteral("the event loop ran %1 times").arg(ticks)));
        QCOMPARE(opened.size(), 0);  // still queued behind the rename
        QCOMPARE(found.size(), 0);
        QCOMPARE(c.messages()->rowCount(), 0);
        other.sql().exec("COMMIT");

        QVERIFY(opened.wait(5000) || opened.size() == 1);
        QCOMPARE(c.conversationId(), id);
        QCOMPARE(c.messages()->rowCount(), 2);
        QCOMPARE(c.conversationTitle(), QStringLiteral("杭州"));
        QTRY_COMPARE(found.size(), 1);
        QCOMPARE(found.first().at(1).toList().size(), 1);
        QVERIFY(c.errorText().isEmpty());
    }

    // Another branch: the shared rows stay (the view keeps its place), only the rest changes.
    void anotherBranchReplacesOnlyWhatDiffers() {
        MessageListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto row = [](std::int64_t id, int index, int count) {
            MessageListModel::Row r;
            r.message.id = id;
            r.message.content = "m" + std::to_string(id);
            r.siblingIndex = index;
            r.siblingCount = count;
            return r;
        };
        model.reset({row(1, 0, 1), row(2, 0, 1), row(3, 0, 1), row(4, 0, 1)});
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.replaceBranch({row(1, 0, 1), row(2, 0, 1), row(5, 1, 2)});
        QCOMPARE(resets.size(), 0);
        QCOMPARE(changed.size(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first().at(1).toInt(), 2);
        QCOMPARE(removed.first().at(2).toInt(), 3);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 2);
        QCOMPARE(role(&model, 2, MessageListModel::MessageIdRole).toLongLong(), 5);
        QCOMPARE(role(&model, 2, MessageListModel::SiblingCountRole).toInt(), 2);
        // A shared row whose switcher changed is updated in place.
        model.replaceBranch({row(1, 1, 2), row(6, 0, 1)});
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(role(&model, 0, MessageListModel::SiblingIndexRole).toInt(), 1);
        QCOMPARE(resets.size(), 0);
    }

    void conversationsAreGroupedByDate() {
        const QDateTime now(QDate(2026, 11, 24), QTime(12, 0));
        const auto ms = [&](int daysAgo) { return now.addDays(-daysAgo).toMSecsSinceEpoch(); };
        using deepdesk::app::ConversationListModel;
        QCOMPARE(ConversationListModel::groupOf(ms(0), false, now), QStringLiteral("today"));
        QCOMPARE(ConversationListModel::groupOf(ms(1), false, now), QStringLiteral("yesterday"));
        QCOMPARE(ConversationListModel::groupOf(ms(3), false, now), QStringLiteral("week"));
        QCOMPARE(ConversationListModel::groupOf(ms(20), false, now), QStringLiteral("month"));
        QCOMPARE(ConversationListModel::groupOf(ms(400), false, now), QStringLiteral("older"));
        QCOMPARE(ConversationListModel::groupOf(ms(400), true, now), QStringLiteral("pinned"));
    }

    // One changed conversation moves to its place without a reset; the order stays the store's.
    void oneConversationMovesWithoutAReset() {
        using deepdesk::app::ConversationListModel;
        using deepdesk::storage::conversation;
        ConversationListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto make = [](std::int64_t id, std::int64_t updated, bool pinned) {
            conversation c;
            c.id = id;
            c.updated_at = updated;
            c.pinned = pinned;
            c.title = "c" + std::to_string(id);
            return c;
        };
        model.reset({make(1, 500, true), make(2, 400, false), make(3, 300, false), make(4, 200, false)});
        const auto ids = [&] {
            QList<qint64> out;
            for (int r = 0; r < model.rowCount(); ++r) {
                out << model.data(model.index(r), ConversationListModel::ConversationIdRole).toLongLong();
            }
            return out;
        };
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        model.upsert(make(4, 900, false));  // answered just now: first after the pinned one
        QCOMPARE(ids(), (QList<qint64>{1, 4, 2, 3}));
        model.upsert(make(2, 50, false));  // older (imported): to the end
        QCOMPARE(ids(), (QList<qint64>{1, 4, 3, 2}));
        model.upsert(make(3, 300, true));  // pinned: with the pinned, after the newer one
        QCOMPARE(ids(), (QList<qint64>{1, 3, 4, 2}));
        model.upsert(make(4, 900, false));  // unchanged place, data refreshed
        QCOMPARE(ids(), (QList<qint64>{1, 3, 4, 2}));
        model.upsert(make(5, 1000, false));  // new
        QCOMPARE(ids(), (QList<qint64>{1, 3, 5, 4, 2}));
        model.remove(1);
        model.remove(42);  // not there: nothing happens
        QCOMPARE(ids(), (QList<qint64>{3, 5, 4, 2}));
        QCOMPARE(model.data(model.index(0), ConversationListModel::GroupRole).toString(), QStringLiteral("pinned"));
        QCOMPARE(resets.size(), 0);
    }
};

QTEST_MAIN(TestChatController)
#include "tst_chatcontroller.moc"
