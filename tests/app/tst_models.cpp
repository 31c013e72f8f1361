// SPDX-License-Identifier: GPL-3.0-or-later
// The catalog and the Models controller against an imitation hub on 127.0.0.1: the built-in
// catalog, a replacement catalog (used when valid, reported when not), repository listings from
// the Hugging Face and ModelScope APIs (sizes, SHA-256, split files), search, catalog downloads
// that end in a loaded model, split models, gated and offline hubs, and deleting local models.
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "app/chatcontroller.h"
#include "app/modelcatalog.h"
#include "app/modelscontroller.h"
#include "app/services.h"
#include "app/settings.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/hub_server.h"
#include "tests/support/scripted_chat_model.h"

using deepdesk::app::Catalog;
using deepdesk::app::CatalogError;
using deepdesk::app::ChatController;
using deepdesk::app::ModelsController;
using deepdesk::testing::HubServer;

namespace {

QByteArray readFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString sha256(const QByteArray& b) {
    return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex());
}

QByteArray smallGguf(int seed) {
    deepdesk::testing::gguf_writer w;
    w.add_string("general.architecture", "llama");
    w.add_f32_tensor("blob", {64}, std::vector<float>(64, static_cast<float>(seed)));
    const auto b = w.bytes();
    return QByteArray(reinterpret_cast<const char*>(b.data()), static_cast<qsizetype>(b.size()));
}

// The hub's answer to /api/models/REPO?blobs=true for these files.
QByteArray hfListing(const QList<QPair<QString, QByteArray>>& files) {
    QJsonArray siblings;
    siblings.append(
        QJsonObject{{QStringLiteral("rfilename"), QStringLiteral("README.md")}, {QStringLiteral("size"), 100}});
    for (const auto& [name, body] : files) {
        siblings.append(QJsonObject{{QStringLiteral("rfilename"), name},
                                    {QStringLiteral("size"), body.size()},
                                    {QStringLiteral("lfs"), QJsonObject{{QStringLiteral("sha256"), sha256(body)},
                                                                        {QStringLiteral("size"), body.size()}}}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("siblings"), siblings}}).toJson();
}

const char* k_catalogOk = R"({"version": 1, "models": [{"id": "tiny", "name": "Tiny", "architecture": "llama",
  "parameters_b": 0.1, "context": 4096, "license": "MIT", "kv_bytes_per_token": 1000,
  "description": {"en": "A tiny model.", "zh_CN": "小模型。"}, "sources": {"huggingface": "me/tiny"},
  "files": [{"quant": "Q4_K_M", "file": "tiny-Q4_K_M.gguf", "size": 1000}]}]})";

}  // namespace

class TestModels : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_case = 0;
    QString freshDir() {
        const QString d = m_dir.filePath(QString::number(++m_case));
        QDir().mkpath(d);
        return d;
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_models"));
    }
    void init() {
        QSettings().clear();
        QFile::remove(deepdesk::app::Settings::secretsPath());
    }

    void builtInCatalogHasTheFamily() {
        QString error;
        const Catalog c = Catalog::load({}, &error);
        QVERIFY(error.isEmpty());
        for (const char* id :
             {"r1-distill-qwen-1.5b", "r1-distill-qwen-7b", "r1-0528-qwen3-8b", "r1-distill-qwen-14b",
              "r1-distill-qwen-32b", "r1-distill-llama-8b", "r1-distill-llama-70b", "deepseek-llm-7b-chat",
              "deepseek-llm-67b-chat", "deepseek-coder-1.3b-instruct", "deepseek-coder-6.7b-instruct",
              "deepseek-coder-33b-instruct", "deepseek-coder-v2-lite-instruct", "deepseek-v2-lite-chat",
              "deepseek-math-7b-instruct", "deepseek-math-7b-rl", "deepseek-prover-v1.5-rl"}) {
            const auto* m = c.find(QString::fromLatin1(id));
            QVERIFY2(m != nullptr, id);
            QVERIFY(!m->descriptionEn.isEmpty() && !m->descriptionZh.isEmpty());
            QVERIFY(!m->files.empty());
        }
        int recommended = 0;
        for (const auto& m : c.models) {
            recommended += m.recommended ? 1 : 0;
        }
        QCOMPARE(recommended, 1);
        QVERIFY(c.find(QStringLiteral("r1-distill-qwen-1.5b"))->recommended);
        QCOMPARE(c.find(QStringLiteral("r1-distill-qwen-1.5b"))->files.front().quant, QStringLiteral("Q4_K_M"));
    }

    void malformedCatalogsAreReportedAndTheBuiltInStays() {
        const QList<QPair<QByteArray, QString>> cases{
            {"{not json", QStringLiteral("not valid JSON")},
            {R"({"version": 2, "models": []})", QStringLiteral("version 2")},
            {R"({"version": 1, "models": [{"id": "x"}]})", QStringLiteral("\"name\"")},
            {QByteArray(k_catalogOk).replace("me/tiny", "not a repo"), QStringLiteral("repository name")},
            {QByteArray(k_catalogOk).replace("tiny-Q4_K_M.gguf", "../evil.gguf"), QStringLiteral("GGUF file name")},
        };
        for (const auto& [json, expected] : cases) {
            QVERIFY_THROWS_EXCEPTION(CatalogError, Catalog::parse(json));
            const QString dir = freshDir();
            QFile f(QDir(dir).filePath(QStringLiteral("catalog.json")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(json);
            f.close();
            deepdesk::app::Services chatApp(dir);
            ModelsController& models = chatApp.models;
            QVERIFY2(models.catalogError().contains(expected), qPrintable(models.catalogError()));
            QVERIFY(models.catalog().size() >= 16);  // the built-in one
        }
        // A valid replacement is used.
        const QString dir = freshDir();
        QFile f(QDir(dir).filePath(QStringLiteral("catalog.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(k_catalogOk);
        f.close();
        deepdesk::app::Services chatApp(dir);
        ModelsController& models = chatApp.models;
        QVERIFY(models.catalogError().isEmpty());
        QCOMPARE(models.catalog().size(), 1);
        QCOMPARE(models.catalog().first().toMap().value(QStringLiteral("name")).toString(), QStringLiteral("Tiny"));
    }

    void listingGivesSizesChecksumsAndSplitModelsOnce() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        const QByteArray a = smallGguf(1), p1 = smallGguf(2), p2 = smallGguf(3);
        hub.json["/api/models/me/repo"] = hfListing({{QStringLiteral("a-Q4_K_M.gguf"), a},
                                                     {QStringLiteral("big-Q8_0-00001-of-00002.gguf"), p1},
                                                     {QStringLiteral("big-Q8_0-00002-of-00002.gguf"), p2}});
        const QString dir = freshDir();
        deepdesk::app::Services chatApp(dir);
        ModelsController& models = chatApp.models;
        chatApp.settings.setHubEndpoint(QStringLiteral("http://127.0.0.1:%1/").arg(hub.serverPort()));
        QSignalSpy listed(&models, &ModelsController::repositoryListed);
        models.listRepository(QStringLiteral("me/repo"));
        QVERIFY(listed.wait(10000));
        QCOMPARE(listed.first().at(2).toString(), QString());
        const QVariantList files = listed.first().at(1).toList();
        QCOMPARE(files.size(), 2);  // README left out, the split model once
        QCOMPARE(files[0].toMap().value(QStringLiteral("sha256")).toString(), sha256(a));
        QCOMPARE(files[0].toMap().value(QStringLiteral("size")).toLongLong(), a.size());
        QCOMPARE(files[1].toMap().value(QStringLiteral("parts")).toInt(), 2);
        QCOMPARE(files[1].toMap().value(QStringLiteral("size")).toLongLong(), p1.size() + p2.size());
        QVERIFY(hub.requests.first().contains("blobs=true"));

        // A split model downloads as one: both parts, then one model.
        hub.files["/me/repo/resolve/main/big-Q8_0-00001-of-00002.gguf"] = p1;
        hub.files["/me/repo/resolve/main/big-Q8_0-00002-of-00002.gguf"] = p2;
        QSignalSpy installed(&models, &ModelsController::modelInstalled);
        models.downloadFile(QStringLiteral("me/repo"), QStringLiteral("big-Q8_0-00001-of-00002.gguf"));
        QVERIFY(installed.wait(20000));
        QCOMPARE(installed.size(), 1);
        QCOMPARE(QFileInfo(installed.first().first().toString()).fileName(),
                 QStringLiteral("big-Q8_0-00001-of-00002.gguf"));
        QCOMPARE(
            readFile(QDir(chatApp.settings.modelsFolder()).filePath(QStringLiteral("big-Q8_0-00002-of-00002.gguf"))),
            p2);
        QCOMPARE(models.downloads()->rowCount(), 2);

        // Deleting it removes every part; files outside the models folder are refused.
        chatApp.host.refreshModels();
        QVERIFY(chatApp.host.deleteModel(installed.first().first().toString()).isEmpty());
        QVERIFY(!QFile::exists(
            QDir(chatApp.settings.modelsFolder()).filePath(QStringLiteral("big-Q8_0-00002-of-00002.gguf"))));
        QVERIFY(!chatApp.host.deleteModel(QDir(dir).filePath(QStringLiteral("conversations.db"))).isEmpty());
    }

    void modelScopeListingIsReadToo() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        const QByteArray a = smallGguf(4);
        QJsonArray files{QJsonObject{{QStringLiteral("Path"), QStringLiteral("m-Q4_K_M.gguf")},
                                     {QStringLiteral("Size"), a.size()},
                                     {QStringLiteral("Sha256"), sha256(a)},
                                     {QStringLiteral("Type"), QStringLiteral("blob")}}};
        hub.json["/api/v1/models/me/ms/repo/files"] =
            QJsonDocument(QJsonObject{{QStringLiteral("Code"), 200},
                                      {QStringLiteral("Data"), QJsonObject{{QStringLiteral("Files"), files}}}})
                .toJson();
        hub.files["/models/me/ms/resolve/master/m-Q4_K_M.gguf"] = a;
        const QString dir = freshDir();
        deepdesk::app::Services chatApp(dir);
        ModelsController& models = chatApp.models;
        chatApp.settings.setHubSource(QStringLiteral("modelscope"));
        QCOMPARE(chatApp.settings.hubEndpoint(), QStringLiteral("https://modelscope.cn"));
        chatApp.settings.setHubEndpoint(QStringLiteral("http://127.0.0.1:%1").arg(hub.serverPort()));
        QSignalSpy installed(&models, &ModelsController::modelInstalled);
        models.downloadFile(QStringLiteral("me/ms"), QStringLiteral("m-Q4_K_M.gguf"));
        QVERIFY(installed.wait(20000));
        QCOMPARE(readFile(installed.first().first().toString()), a);
        QVERIFY(models.downloads()->items().front().note.text().contains(sha256(a).left(16)));
    }

    void searchFindsRepositories() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.json["/api/models"] =
            R"([{"id": "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF", "downloads": 1234, "likes": 5},
                                      {"id": "unsloth/DeepSeek-R1-Distill-Qwen-7B-GGUF", "downloads": 99}])";
        const QString dir = freshDir();
        deepdesk::app::Services chatApp(dir);
        ModelsController& models = chatApp.models;
        chatApp.settings.setHubEndpoint(QStringLiteral("http://127.0.0.1:%1").arg(hub.serverPort()));
        QSignalSpy found(&models, &ModelsController::searchFinished);
        models.searchHub(QStringLiteral("R1 Qwen 7B"));
        QVERIFY(found.wait(10000));
        const QVariantList repos = found.first().first().toList();
        QCOMPARE(repos.size(), 2);
        QCOMPARE(repos[0].toMap().value(QStringLiteral("repo")).toString(),
                 QStringLiteral("bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF"));
        QVERIFY(hub.requests.last().contains("search=R1%20Qwen%207B") ||
                hub.requests.last().contains("search=R1+Qwen+7B"));
        QVERIFY(hub.requests.last().contains("filter=gguf"));
    }

    // The catalog's recommended model from a hub that is really the local server: listed,
    // downloaded, verified against the listing's SHA-256, and loaded, ready to chat.
    void catalogDownloadEndsInALoadedModel() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        const QString dir = freshDir();
        const QString scripted = QDir(dir).filePath(QStringLiteral("scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(scripted.toStdString());
        const QByteArray body = readFile(scripted);
        const QString repo = QStringLiteral("bartowski/DeepSeek-R1-Distill-Qwen-1.5B-GGUF");
        const QString file = QStringLiteral("DeepSeek-R1-Distill-Qwen-1.5B-Q4_K_M.gguf");
        hub.json["/api/models/" + repo.toUtf8()] = hfListing({{file, body}});
        hub.files["/" + repo.toUtf8() + "/resolve/main/" + file.toUtf8()] = body;
        deepdesk::app::Services chatApp(dir);
        ModelsController& models = chatApp.models;
        chatApp.settings.setHubEndpoint(QStringLiteral("http://127.0.0.1:%1").arg(hub.serverPort()));
        QSignalSpy installed(&models, &ModelsController::modelInstalled);
        models.download(QStringLiteral("r1-distill-qwen-1.5b"), QStringLiteral("Q4_K_M"));
        QVERIFY(installed.wait(20000));
        QCOMPARE(installed.first().at(1).toString(), QStringLiteral("DeepSeek-R1-Distill-Qwen-1.5B Q4_K_M"));
        QTRY_VERIFY_WITH_TIMEOUT(chatApp.host.modelLoaded(), 20000);
        QCOMPARE(chatApp.host.modelFiles().size(), 1);
        QVERIFY(models.errorText().isEmpty());

        // A quantization whose file is not in the repository: the error lists what is there.
        hub.json["/api/models/" + repo.toUtf8()] = hfListing({{QStringLiteral("other.gguf"), body}});
        models.download(QStringLiteral("r1-distill-qwen-1.5b"), QStringLiteral("Q8_0"));
        QTRY_VERIFY_WITH_TIMEOUT(!models.errorText().isEmpty(), 10000);
        QVERIFY2(models.errorText().contains(QStringLiteral("other.gguf")), qPrintable(models.errorText()));
    }

    // A hub that answers 503 (busy, or restarting) is asked again after what its Retry-After says;
    // one that stays busy gets a message that says so, not a raw error.
    void aBusyHubIsAskedAgain() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.json.insert("/api/models/org/busy", R"({"siblings": [{"rfilename": "busy.Q4_K_M.gguf", "size": 5}]})");
        hub.apiUnavailableLeft = 2;
        hub.retryAfterSeconds = 1;
        const QString dir = freshDir();
        deepdesk::app::Services chatApp(dir);
        ModelsController& models = chatApp.models;
        chatApp.settings.setHubEndpoint(QStringLiteral("http://127.0.0.1:%1").arg(hub.serverPort()));
        QSignalSpy listed(&models, &ModelsController::repositoryListed);
        models.listRepository(QStringLiteral("org/busy"));
        QVERIFY(listed.wait(15000));
        QCOMPARE(listed.last().at(2).toString(), QString());
        QCOMPARE(listed.last().at(1).toList().size(), 1);
        QCOMPARE(hub.requests.size(), 3);
        QVERIFY2(hub.requestTimes[1] - hub.requestTimes[0] >= 950 && hub.requestTimes[2] - hub.requestTimes[1] >= 950,
                 "Retry-After: 1 was not waited for");

        hub.apiUnavailableLeft = 100;
        hub.retryAfterSeconds = 0;
        models.listRepository(QStringLiteral("org/busy"));
        QVERIFY(listed.wait(30000));
        const QString busy = listed.last().at(2).toString();
        QVERIFY2(busy.contains(QStringLiteral("503")) && busy.contains(QStringLiteral("busy")), qPrintable(busy));
        QCOMPARE(hub.requests.size(), 3 + 4);  // four attempts, 1 + 2 + 4 s apart
    }

    void gatedAndOfflineHubsSayWhatToDo() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        const QString dir = freshDir();
        deepdesk::app::Services chatApp(dir);
        ModelsController& models = chatApp.models;
        chatApp.settings.setHubEndpoint(QStringLiteral("http://127.0.0.1:%1").arg(hub.serverPort()));
        QSignalSpy listed(&models, &ModelsController::repositoryListed);
        // Gated: the API answers 401; the message says how to get access, with the page.
        models.listRepository(QStringLiteral("org/gated"));
        QVERIFY(listed.wait(10000));
        const QString gated = listed.last().at(2).toString();
        QVERIFY2(gated.contains(QStringLiteral("401")) && gated.contains(QStringLiteral("/org/gated")) &&
                     gated.contains(QStringLiteral("token")),
                 qPrintable(gated));
        // Unknown repository: 404.
        models.listRepository(QStringLiteral("org/nothing"));
        QVERIFY(listed.wait(10000));
        QVERIFY2(listed.last().at(2).toString().contains(QStringLiteral("404")),
                 qPrintable(listed.last().at(2).toString()));
        // Offline: nothing listens on the endpoint.
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        const quint16 port = closed.serverPort();
        closed.close();
        chatApp.settings.setHubEndpoint(QStringLiteral("http://127.0.0.1:%1").arg(port));
        models.download(QStringLiteral("r1-distill-qwen-1.5b"), QStringLiteral("Q4_K_M"));
        QTRY_VERIFY_WITH_TIMEOUT(!models.errorText().isEmpty(), 10000);
        QVERIFY2(models.errorText().contains(QStringLiteral("offline")), qPrintable(models.errorText()));
        QCOMPARE(models.downloads()->rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
