// SPDX-License-Identifier: GPL-3.0-or-later
// One owner per concern: Settings declares every key once and keeps secrets apart; the chat's
// model source and the hub's source no longer share a key; one memory formula; the streaming
// answer is saved through the app's one storage thread while it is written.
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>

#include "app/memory.h"
#include "app/services.h"
#include "engine/model.h"
#include "storage/conversation_store.h"
#include "tests/support/scripted_chat_model.h"

using deepdesk::app::Services;
using deepdesk::app::Settings;
using Key = deepdesk::app::Settings::Key;

namespace {

QByteArray fileBytes(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool ownerOnly(const QString& path) {
    const auto others =
        QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ReadOther | QFileDevice::WriteOther;
    return QFile::exists(path) && (QFile::permissions(path) & others) == QFileDevice::Permissions();
}

}  // namespace

class TestOwners : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_owners"));
    }
    void init() {
        QSettings().clear();
        QSettings().sync();
        QFile::remove(Settings::secretsPath());
    }

    // Each key has its default and its range, from the one table.
    void keysAreDeclaredOnceWithTheirRanges() {
        QTemporaryDir dir;
        Settings s(dir.path());
        QCOMPARE(s.temperature(), 0.6);
        QCOMPARE(s.contextLength(), 4096);
        QCOMPARE(s.theme(), QStringLiteral("system"));
        QCOMPARE(s.modelsFolder(), QDir(dir.path()).filePath(QStringLiteral("models")));
        QCOMPARE(s.hubEndpoint(), QStringLiteral("https://huggingface.co"));
        QSignalSpy changed(&s, &Settings::changed);
        s.setTemperature(5.0);
        QCOMPARE(s.temperature(), 2.0);
        QVERIFY(s.value(Key::TemperatureSetByUser).toBool());
        s.setTopK(-3);
        QCOMPARE(s.topK(), 0);
        s.setContextLength(10);
        QCOMPARE(s.contextLength(), 256);
        s.setTheme(QStringLiteral("purple"));
        QCOMPARE(s.theme(), QStringLiteral("system"));
        s.setServerPort(70000);  // refused, not clamped
        QCOMPARE(s.serverPort(), 8080);
        s.setServerHost(QStringLiteral("   "));
        QCOMPARE(s.serverHost(), QStringLiteral("127.0.0.1"));
        QVERIFY(changed.size() >= 4);
        const int before = changed.size();
        s.setContextLength(256);  // no change, no signal
        QCOMPARE(changed.size(), before);
        // A value edited by hand in the file is brought into range when read.
        QSettings().setValue(Settings::keyName(Key::MinP), 7);
        QCOMPARE(s.minP(), 1.0);
        // Hub: the endpoint follows the source unless it is a mirror of the user's.
        s.setHubSource(QStringLiteral("modelscope"));
        QCOMPARE(s.hubEndpoint(), QStringLiteral("https://modelscope.cn"));
        s.setHubEndpoint(QStringLiteral("https://mirror.example/"));
        s.setHubSource(QStringLiteral("huggingface"));
        QCOMPARE(s.hubEndpoint(), QStringLiteral("https://mirror.example"));
    }

    // The bug: "models/source" was written as local/remote by the chat and as
    // huggingface/modelscope by the Models page, so loading a model lost a ModelScope choice.
    void loadingAModelKeepsTheHubChoice() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("r1.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        {
            Services app(dir.path());
            app.settings.setHubSource(QStringLiteral("modelscope"));
            app.host.loadModel(model);
            QTRY_VERIFY_WITH_TIMEOUT(app.host.modelLoaded(), 20000);
            QCOMPARE(app.settings.hubSource(), QStringLiteral("modelscope"));
            QCOMPARE(app.settings.value(Key::ChatSource).toString(), QStringLiteral("local"));
        }
        Services again(dir.path());
        QCOMPARE(again.settings.hubSource(), QStringLiteral("modelscope"));
        QCOMPARE(again.settings.hubEndpoint(), QStringLiteral("https://modelscope.cn"));
        again.start({}, false);  // the last model, local
        QTRY_VERIFY_WITH_TIMEOUT(again.host.modelLoaded(), 20000);
        QCOMPARE(again.host.modelPath(), model);
    }

    // Settings of the earlier versions: each meaning of "models/source" finds its key, and the
    // secrets leave the settings file for the owner-only secrets file.
    void olderSettingsMoveToTheirKeysAndSecretsLeaveTheFile() {
        {
            QSettings old;
            old.setValue(QStringLiteral("models/source"), QStringLiteral("modelscope"));
            old.setValue(QStringLiteral("models/endpoint"), QStringLiteral("https://ms.mirror"));
            old.setValue(QStringLiteral("models/token"), QStringLiteral("hf_secret_token"));
            old.setValue(QStringLiteral("server/apiKey"), QStringLiteral("sk-server-key"));
            old.setValue(QStringLiteral("providers/ids"), QStringList{QStringLiteral("p1")});
            old.setValue(QStringLiteral("providers/p1/name"), QStringLiteral("DeepSeek"));
            old.setValue(QStringLiteral("providers/p1/baseUrl"), QStringLiteral("https://api.deepseek.com/v1"));
            old.setValue(QStringLiteral("providers/p1/apiKey"), QStringLiteral("sk-provider-key"));
        }
        QTemporaryDir dir;
        Services app(dir.filePath(QStringLiteral("new-data")));
        QCOMPARE(QFile::permissions(dir.filePath(QStringLiteral("new-data"))) &
                     (QFileDevice::ReadGroup | QFileDevice::ReadOther | QFileDevice::ExeGroup | QFileDevice::ExeOther),
                 QFileDevice::Permissions());  // a data folder DeepDesk makes is the owner's only
        QCOMPARE(app.settings.hubSource(), QStringLiteral("modelscope"));
        QCOMPARE(app.settings.hubEndpoint(), QStringLiteral("https://ms.mirror"));
        QCOMPARE(app.settings.hubToken(), QStringLiteral("hf_secret_token"));
        QCOMPARE(app.settings.hubTokenHost(), QStringLiteral("ms.mirror"));  // where it was entered for
        QCOMPARE(app.settings.serverApiKey(), QStringLiteral("sk-server-key"));
        QCOMPARE(app.providers.apiKey(QStringLiteral("p1")), QStringLiteral("sk-provider-key"));
        QCOMPARE(app.settings.value(Key::ChatSource).toString(), QStringLiteral("local"));
        QSettings().sync();
        const QByteArray conf = fileBytes(QSettings().fileName());
        QVERIFY(!conf.isEmpty());
        for (const char* secret : {"hf_secret_token", "sk-server-key", "sk-provider-key"}) {
            QVERIFY2(!conf.contains(secret), secret);
            QVERIFY2(fileBytes(app.settings.secretsPath()).contains(secret), secret);
        }
        QVERIFY(ownerOnly(app.settings.secretsPath()));
        QVERIFY(!QSettings().contains(QStringLiteral("models/source")));

        // The chat's meaning of the old key.
        QSettings().clear();
        QSettings().setValue(QStringLiteral("models/source"), QStringLiteral("remote"));
        const Settings later(dir.path());
        QCOMPARE(later.value(Key::ChatSource).toString(), QStringLiteral("remote"));
        QCOMPARE(later.hubSource(), QStringLiteral("huggingface"));
    }

    void aSecretWrittenNowIsOwnerOnlyAndRemovable() {
        QTemporaryDir dir;
        Settings s(dir.path());
        s.setHubToken(QStringLiteral("  hf_new  "));
        QCOMPARE(s.hubToken(), QStringLiteral("hf_new"));
        QCOMPARE(s.hubTokenHost(), QStringLiteral("huggingface.co"));
        s.setHubEndpoint(QStringLiteral("https://hf-mirror.example"));
        QCOMPARE(s.hubTokenHost(), QStringLiteral("huggingface.co"));  // a new endpoint does not get it
        QVERIFY(ownerOnly(s.secretsPath()));
        QVERIFY(!fileBytes(QSettings().fileName()).contains("hf_new"));
        QCOMPARE(Settings(dir.path()).hubToken(), QStringLiteral("hf_new"));
        s.setHubToken({});
        QVERIFY(!fileBytes(s.secretsPath()).contains("hf_new"));
    }

    // The memory a model needs is computed one way for the catalog and for a load.
    void oneMemoryFormula() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("r1.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        const auto m = deepdesk::model::load(model.toStdString());
        const auto weights = static_cast<qint64>(m->file().total_bytes());
        const auto perToken = static_cast<qint64>(m->impl().kv_bytes_per_token());
        const qint64 ctx = std::min<qint64>(2048, m->config().n_ctx_train);
        const QVariantMap est = deepdesk::app::ModelHost::estimate(model, 2048);
        QCOMPARE(est.value(QStringLiteral("totalBytes")).toLongLong(),
                 deepdesk::app::memory::needed(weights, perToken, ctx));
        Services app(dir.path());
        app.settings.setContextLength(static_cast<int>(ctx));
        QCOMPARE(app.models.ramNeeded(weights, perToken), deepdesk::app::memory::needed(weights, perToken, ctx));
        const auto machine = deepdesk::app::memory::machine();
        QVERIFY(machine.totalBytes > 0 && machine.availableBytes > 0 && machine.availableBytes <= machine.totalBytes);
        QCOMPARE(deepdesk::app::memory::contextThatFits(deepdesk::app::memory::needed(weights, perToken, 1000), weights,
                                                        perToken),
                 1000);
    }

    // The answer is in the database while it is being written, saved by the one storage thread
    // (the runner opens no connection of its own), and whole once it ends.
    void theStreamingAnswerIsSavedThroughTheStorageThread() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("loop.gguf"));
        deepdesk::testing::scripted_chat_spec spec;
        spec.loop = true;
        spec.n_ctx = 1 << 18;  // room to stream for as long as the test needs
        deepdesk::testing::write_scripted_chat_model(model.toStdString(), spec);
        Services app(dir.path());
        app.settings.setMaxTokens(1 << 18);
        app.settings.setContextLength(1 << 18);
        app.host.loadModel(model);
        QTRY_VERIFY_WITH_TIMEOUT(app.host.modelLoaded(), 20000);
        QSignalSpy finished(&app.chat, &deepdesk::app::ChatController::turnFinished);
        app.chat.send(QStringLiteral("go on"));
        QTRY_VERIFY_WITH_TIMEOUT(
            app.chat.messages()->rowCount() == 2 && app.chat.messages()->rows().back().message.content.size() > 40,
            20000);
        QTest::qWait(600);  // more than two save intervals
        const qint64 id = app.chat.messages()->rows().back().message.id;
        std::string saved;
        deepdesk::storage::message_status status{};
        app.storage.post(
            &app.chat,
            [id](deepdesk::storage::database& db) {
                return deepdesk::storage::conversation_store(db).find_message(id);
            },
            [&](const std::optional<deepdesk::storage::message>& m) {
                saved = m ? m->content : std::string();
                status = m ? m->status : status;
            });
        QTRY_VERIFY(!saved.empty());
        QVERIFY(app.chat.generating());
        QCOMPARE(status, deepdesk::storage::message_status::streaming);
        app.chat.stop();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().toString(), QStringLiteral("cancelled"));
        app.chat.flushStorage();
        deepdesk::storage::database db(Services::databasePath(dir.path()).toStdString());
        const auto last = deepdesk::storage::conversation_store(db).find_message(id);
        QVERIFY(last.has_value());
        QCOMPARE(last->status, deepdesk::storage::message_status::interrupted);
        QCOMPARE(last->content, app.chat.messages()->rows().back().message.content);
        QVERIFY(last->content.size() >= saved.size());
    }

    // kill -9 in the middle of an answer: what was streamed up to the last save (250 ms) is in
    // the database; the next start marks it interrupted, keeps its text, and it can be continued.
    void killedWhileStreamingLosesAtMostTheLastSave() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("loop.gguf"));
        deepdesk::testing::scripted_chat_spec spec;
        spec.loop = true;
        spec.n_ctx = 1 << 18;
        deepdesk::testing::write_scripted_chat_model(model.toStdString(), spec);
        const QString data = dir.filePath(QStringLiteral("data"));
        QProcess child;
        child.setProcessChannelMode(QProcess::MergedChannels);
        QByteArray said;
        connect(&child, &QProcess::readyRead, &child, [&] { said += child.readAll(); });
        child.start(QStringLiteral(DEEPDESK_STREAM_FOREVER), {data, model});
        QVERIFY(child.waitForStarted(10000));
        QTRY_VERIFY2_WITH_TIMEOUT(said.contains("streaming"), said.constData(), 30000);
        QTest::qWait(700);  // a few saves
        ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(10000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);

        std::string saved;
        {
            deepdesk::storage::database db(Services::databasePath(data).toStdString());
            deepdesk::storage::conversation_store store(db);
            const auto conversations = store.list_conversations();
            QCOMPARE(conversations.size(), std::size_t{1});
            const auto branch = store.active_branch(conversations.front().id);
            QCOMPARE(branch.size(), std::size_t{2});
            QCOMPARE(branch.back().status, deepdesk::storage::message_status::streaming);
            saved = branch.back().content;
            QVERIFY2(saved.size() > 200, saved.c_str());  // at least what was on screen 700 ms before
            QVERIFY(saved.find("Hi 4U!") != std::string::npos);
        }
        Services again(data);
        again.start({}, true);  // as --continue
        QTRY_COMPARE_WITH_TIMEOUT(again.chat.messages()->rowCount(), 2, 10000);
        const auto& answer = again.chat.messages()->rows().back().message;
        QCOMPARE(answer.status, deepdesk::storage::message_status::interrupted);
        QCOMPARE(answer.content, saved);
    }
};

QTEST_MAIN(TestOwners)
#include "tst_owners.moc"
