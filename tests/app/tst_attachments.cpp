// SPDX-License-Identifier: GPL-3.0-or-later
// Attached files: what is read from each kind (text in any script, a PDF made here with Qt's PDF
// writer, page by page) and the clear reason for what cannot be used (binary, damaged PDF, DOCX,
// over 64 MB, a folder); then through the chat with the scripted model: the files go into the
// prompt (the draft count grows by them), are stored with the message (text in the database, the
// file once in the data folder), come back after a restart, travel in the JSON export, and the
// file goes when its conversation is deleted. A file too large for the context goes in as its
// most relevant parts.
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QPainter>
#include <QPdfWriter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>
#include <filesystem>

#include "app/attachments.h"
#include "app/chatcontroller.h"
#include "app/embedding.h"
#include "app/services.h"
#include "app/settings.h"
#include "storage/database.h"
#include "storage/exchange.h"
#include "tests/support/embedding_model.h"
#include "tests/support/scripted_chat_model.h"
#include "tests/support/tiny_deepseek2.h"

using deepdesk::app::AttachmentFile;
using deepdesk::app::ChatController;
using deepdesk::app::readAttachment;
namespace st = deepdesk::storage;

namespace {

QString write(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) {
        f.write(bytes);
    }
    return path;
}

// A two-page PDF with text, as a word processor would export it.
QString makePdf(const QString& path, const QStringList& pages) {
    QPdfWriter pdf(path);
    pdf.setResolution(72);
    QPainter p(&pdf);
    p.setFont(QFont(QStringLiteral("DejaVu Sans"), 12));
    for (int i = 0; i < pages.size(); ++i) {
        if (i > 0) {
            pdf.newPage();
        }
        p.drawText(QRectF(40, 40, 500, 700), Qt::TextWordWrap, pages[i]);
    }
    p.end();
    return path;
}

QString turn(ChatController& c, const QString& text) {
    QSignalSpy finished(&c, &ChatController::turnFinished);
    c.send(text);
    if (!finished.wait(30000)) {
        return QStringLiteral("(timed out: %1)").arg(c.errorText());
    }
    c.flushStorage();
    return finished.first().first().toString();
}

}  // namespace

class TestAttachments : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_attachments"));
        QSettings().clear();
        QFile::remove(deepdesk::app::Settings::secretsPath());
    }

    void eachKindIsReadOrSaysWhyNot() {
        QTemporaryDir dir;
        const AttachmentFile text =
            readAttachment(write(dir.filePath(QStringLiteral("notes.md")), "# 会议纪要\n\nBudget: 4.2 M€\n"));
        QVERIFY2(text.error.isEmpty(), qPrintable(text.error));
        QCOMPARE(text.text, QStringLiteral("# 会议纪要\n\nBudget: 4.2 M€\n"));
        QCOMPARE(text.sha256.size(), 64);
        QVERIFY(text.tokens > 0);

        const AttachmentFile pdf = readAttachment(
            makePdf(dir.filePath(QStringLiteral("report.pdf")),
                    {QStringLiteral("The launch date is 14 March 2027."), QStringLiteral("Second page: the budget.")}));
        QVERIFY2(pdf.error.isEmpty(), qPrintable(pdf.error));
        QCOMPARE(pdf.mime, QStringLiteral("application/pdf"));
        QVERIFY2(pdf.text.contains(QStringLiteral("[Page 1]")) && pdf.text.contains(QStringLiteral("[Page 2]")),
                 qPrintable(pdf.text));
        QVERIFY2(pdf.text.contains(QStringLiteral("launch date is 14 March 2027")), qPrintable(pdf.text));
        QVERIFY(pdf.text.indexOf(QStringLiteral("Second page")) > pdf.text.indexOf(QStringLiteral("[Page 2]")));

        const auto error = [&](const QString& name, const QByteArray& bytes) {
            return readAttachment(write(dir.filePath(name), bytes)).error;
        };
        QVERIFY(error(QStringLiteral("image.png"), QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16))
                    .contains(QStringLiteral("not text")));
        QVERIFY(error(QStringLiteral("broken.pdf"), "%PDF-1.7\nthis is not really a PDF")
                    .contains(QStringLiteral("cannot be read")));
        QVERIFY(error(QStringLiteral("letter.docx"), "PK\x03\x04 zip")
                    .contains(QStringLiteral("DOCX files are not read yet")));
        QVERIFY(error(QStringLiteral("latin1.txt"), "caf\xe9 cr\xe8me").contains(QStringLiteral("not text")));
        QFile huge(dir.filePath(QStringLiteral("huge.log")));
        QVERIFY(huge.open(QIODevice::WriteOnly) && huge.resize(65LL * 1024 * 1024));
        huge.close();
        QVERIFY(readAttachment(huge.fileName()).error.contains(QStringLiteral("larger than 64 MB")));
        QVERIFY(readAttachment(dir.path()).error.contains(QStringLiteral("not a file")));
    }

    void filesGoIntoThePromptAreKeptAndLeaveWithTheirConversation() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        const QString notes = write(dir.filePath(QStringLiteral("notes.txt")),
                                    "The secret project code name is BLUE HERON. 项目代号是蓝鹭。\n");
        const QString pdf = makePdf(dir.filePath(QStringLiteral("report.pdf")), {QStringLiteral("Quarterly report")});
        const QString data = dir.filePath(QStringLiteral("data"));
        qint64 conversation = 0;
        QString blob;
        {
            deepdesk::app::Services app(data);
            ChatController& chat = app.chat;
            app.start(model, false);
            QTRY_VERIFY_WITH_TIMEOUT(app.host.modelLoaded(), 20000);

            // The draft count, without and with the files: they are in what the model reads.
            QSignalSpy counted(&chat, &ChatController::draftTokensChanged);
            chat.countDraft(QStringLiteral("What is the code name?"));
            QTRY_VERIFY(chat.draftTokens() > 0);
            const qint64 without = chat.draftTokens();
            chat.attachFiles({QUrl::fromLocalFile(notes), QUrl::fromLocalFile(pdf),
                              QUrl::fromLocalFile(dir.filePath(QStringLiteral("missing.txt")))});
            QCOMPARE(chat.attachments().size(), 3);
            QTRY_VERIFY_WITH_TIMEOUT(!chat.attachments()[0].toMap().value(QStringLiteral("reading")).toBool() &&
                                         !chat.attachments()[1].toMap().value(QStringLiteral("reading")).toBool(),
                                     10000);
            QVERIFY(!chat.attachments()[2].toMap().value(QStringLiteral("error")).toString().isEmpty());
            chat.removeAttachment(2);
            const qint64 serial = chat.draftTokens();
            chat.countDraft(QStringLiteral("What is the code name?"));
            QTRY_VERIFY(chat.draftTokens() != serial);
            QVERIFY2(chat.draftTokens() > without + 30,
                     qPrintable(QStringLiteral("%1 vs %2").arg(chat.draftTokens()).arg(without)));

            QCOMPARE(turn(chat, QStringLiteral("What is the code name?")), QStringLiteral("stop"));
            QVERIFY(chat.attachments().isEmpty());  // they went with the message
            conversation = chat.conversationId();
            const auto& rows = chat.messages()->rows();
            QCOMPARE(rows.front().attachments.size(), std::size_t{2});
            QCOMPARE(rows.front().attachments[0].name, std::string("notes.txt"));
            QVERIFY(rows.front().attachments[0].text.find("BLUE HERON") != std::string::npos);
            blob = QDir(data).filePath(QStringLiteral("attachments/") +
                                       QString::fromStdString(rows.front().attachments[0].sha256));
            QTRY_VERIFY(QFile::exists(blob));
            QCOMPARE(QFile::permissions(blob) & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
                     QFileDevice::Permissions());

            // A file changed after it was attached: the message keeps the text it was read with,
            // and no copy is kept under the old content's name.
            const QString draft = write(dir.filePath(QStringLiteral("draft.txt")), "first version\n");
            chat.attachFiles({QUrl::fromLocalFile(draft)});
            QTRY_VERIFY_WITH_TIMEOUT(!chat.attachments()[0].toMap().value(QStringLiteral("reading")).toBool(), 10000);
            write(draft, "second version, written after attaching\n");
            QCOMPARE(turn(chat, QStringLiteral("And this?")), QStringLiteral("stop"));
            const auto& sent = chat.messages()->rows()[chat.messages()->rows().size() - 2].attachments;
            QCOMPARE(sent.size(), std::size_t{1});
            QVERIFY(sent[0].text.find("first version") != std::string::npos);
            app.storage.flush();
            const QDir kept(QDir(data).filePath(QStringLiteral("attachments")));
            QVERIFY(!kept.exists(QString::fromStdString(sent[0].sha256)));
            QVERIFY(kept.entryList({QStringLiteral("*.partial")}, QDir::Files).isEmpty());
            QVERIFY(kept.exists(QFileInfo(blob).fileName()));
        }
        {
            // After a restart: on screen again, and in the JSON export.
            deepdesk::app::Services app(data);
            QSignalSpy opened(&app.chat, &ChatController::conversationOpened);
            app.chat.openConversation(conversation);
            QVERIFY(opened.wait(5000));
            QCOMPARE(app.chat.messages()->rows().front().attachments.size(), std::size_t{2});
            const QVariantList shown =
                app.chat.messages()
                    ->data(app.chat.messages()->index(0), deepdesk::app::MessageListModel::AttachmentsRole)
                    .toList();
            QCOMPARE(shown.first().toMap().value(QStringLiteral("name")).toString(), QStringLiteral("notes.txt"));
            {
                st::database db(QDir(data).filePath(QStringLiteral("conversations.db")).toStdString());
                st::conversation_store store(db);
                const std::string json = st::export_conversations(store, {conversation}, st::export_format::json);
                QVERIFY(json.find("\"attachments\"") != std::string::npos);
                QVERIFY(json.find("BLUE HERON") != std::string::npos);
            }
            app.chat.deleteConversation(conversation);
            app.chat.flushStorage();
            QVERIFY2(!QFile::exists(blob), "the file goes with the last message that names it");
        }
    }

    void aFileTooLargeGoesInAsItsRelevantParts() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        QByteArray big;
        for (int i = 0; i < 4000; ++i) {
            big += "Line " + QByteArray::number(i) + " of the appendix: nothing of note here at all.\n";
            if (i == 2500) {
                big += "\nThe warranty period is seven years from delivery.\n\n";
            }
        }
        const QString file = write(dir.filePath(QStringLiteral("appendix.txt")), big);
        deepdesk::app::Services app(dir.filePath(QStringLiteral("data")));
        app.settings.setContextLength(4096);
        app.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(app.host.modelLoaded(), 20000);
        ChatController& chat = app.chat;
        chat.attachFiles({QUrl::fromLocalFile(file)});
        QTRY_VERIFY_WITH_TIMEOUT(!chat.attachments()[0].toMap().value(QStringLiteral("reading")).toBool(), 10000);
        // The window counts the draft as soon as files are attached: the count says it does not
        // fit, and measures how this tokenizer packs text.
        chat.countDraft(QStringLiteral("How long is the warranty period?"));
        QTRY_VERIFY(chat.draftTokens() > 0);
        QVERIFY(chat.draftTokens() > chat.draftContext());
        chat.setRelevantPartsOnly(true);
        QCOMPARE(turn(chat, QStringLiteral("How long is the warranty period?")), QStringLiteral("stop"));
        const auto& a = chat.messages()->rows().front().attachments.at(0);
        QVERIFY2(a.text.size() < static_cast<std::size_t>(big.size()) / 10, std::to_string(a.text.size()).c_str());
        QVERIFY(a.text.find("The warranty period is seven years") != std::string::npos);
        QVERIFY(a.text.rfind("[Part ", 0) == 0);
        QVERIFY(a.tokens < 4096);
    }

    // A folder as a document collection: indexed in the background with progress, chosen for a
    // conversation, each message sent with the passages most relevant to it as numbered sources
    // (kept with the message, shown as chips that open the file, never one outside the folder),
    // and indexed again by itself a moment after the folder changes.
    void aCollectionGivesTheMessageItsSources() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        const QString folder = dir.filePath(QStringLiteral("library"));
        std::filesystem::copy(DEEPDESK_SOURCE_DIR "/tests/data/collection", folder.toStdString(),
                              std::filesystem::copy_options::recursive);
        deepdesk::app::Services app(dir.filePath(QStringLiteral("data")));
        app.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(app.host.modelLoaded(), 20000);
        bool sawProgress = false;
        connect(&app.collections, &deepdesk::app::CollectionsController::collectionsChanged, this, [&] {
            for (const QVariant& c : app.collections.collections()) {
                sawProgress = sawProgress || c.toMap().value(QStringLiteral("indexing")).toBool();
            }
        });
        QSignalSpy indexed(&app.collections, &deepdesk::app::CollectionsController::indexed);
        app.collections.addFolder(QUrl::fromLocalFile(folder));
        QVERIFY(app.collections.waitIdle(30000));
        QCOMPARE(indexed.size(), 1);
        QVERIFY2(indexed.first().at(1).toString().startsWith(QStringLiteral("11 added")),
                 qPrintable(indexed.first().at(1).toString()));
        QVERIFY(sawProgress);
        QTRY_COMPARE(app.collections.collections().size(), 1);
        const QVariantMap c = app.collections.collections().first().toMap();
        QCOMPARE(c.value(QStringLiteral("files")).toInt(), 11);
        const qint64 id = c.value(QStringLiteral("id")).toLongLong();

        ChatController& chat = app.chat;
        chat.setCollectionId(id);
        QCOMPARE(turn(chat, QStringLiteral("红烧肉要炖多久？")), QStringLiteral("stop"));
        QCOMPARE(chat.collectionId(), id);  // kept with the conversation
        const auto& files = chat.messages()->rows().front().attachments;
        QVERIFY(!files.empty());
        QVERIFY2(files[0].name.rfind("notes/菜谱.txt, line ", 0) == 0, files[0].name.c_str());
        QVERIFY(files[0].text.find("一个半小时") != std::string::npos);
        const QVariantMap chip = chat.messages()
                                     ->data(chat.messages()->index(0), deepdesk::app::MessageListModel::AttachmentsRole)
                                     .toList()
                                     .first()
                                     .toMap();
        QVERIFY(chip.value(QStringLiteral("source")).toBool());
        QVERIFY2(chip.value(QStringLiteral("name")).toString().startsWith(QStringLiteral("[1] notes/菜谱.txt, line ")),
                 qPrintable(chip.value(QStringLiteral("name")).toString()));
        QCOMPARE(chip.value(QStringLiteral("collection")).toLongLong(), id);
        QCOMPARE(chip.value(QStringLiteral("path")).toString(), QStringLiteral("notes/菜谱.txt"));
        QVERIFY(!app.collections.openSource(id, QStringLiteral("../data/conversations.db")));
        QVERIFY(!app.collections.openSource(id + 1, QStringLiteral("notes/菜谱.txt")));

        // The folder changes: indexed again by itself, only the change read.
        QFile added(folder + QStringLiteral("/notes/pancakes.txt"));
        QVERIFY(added.open(QIODevice::WriteOnly));
        added.write("Pancakes need 300 ml of milk and two eggs.\n");
        added.close();
        QTRY_VERIFY_WITH_TIMEOUT(indexed.size() == 2, 15000);
        QVERIFY2(
            indexed.last().at(1).toString().startsWith(QStringLiteral("1 added, 0 updated, 0 removed, 11 unchanged")),
            qPrintable(indexed.last().at(1).toString()));
    }
    // Search by meaning: a bad embedding model is refused with the reason; a good one gives every
    // passage a vector in the background, and a question no keyword of which is in the folder is
    // then answered from the passage its vector is nearest (the test's model is a bag of bytes: an
    // anagram of a passage is its nearest).
    void anEmbeddingModelFindsPassagesByMeaning() {
        QTemporaryDir dir;
        const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
        deepdesk::testing::write_scripted_chat_model(model.toStdString());
        const QString folder = dir.filePath(QStringLiteral("library"));
        std::filesystem::copy(DEEPDESK_SOURCE_DIR "/tests/data/collection", folder.toStdString(),
                              std::filesystem::copy_options::recursive);
        QFile garage(folder + QStringLiteral("/garage.txt"));
        QVERIFY(garage.open(QIODevice::WriteOnly));
        garage.write("carburetor gasket\n");
        garage.close();
        deepdesk::app::Services app(dir.filePath(QStringLiteral("data")));
        app.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(app.host.modelLoaded(), 20000);
        QSignalSpy indexed(&app.collections, &deepdesk::app::CollectionsController::indexed);
        app.collections.addFolder(QUrl::fromLocalFile(folder));
        QVERIFY(app.collections.waitIdle(30000));
        QTRY_COMPARE(app.collections.collections().size(), 1);
        const qint64 id = app.collections.collections().first().toMap().value(QStringLiteral("id")).toLongLong();
        ChatController& chat = app.chat;
        chat.setCollectionId(id);
        const QString anagram = QStringLiteral("teksag roterubrac");
        QCOMPARE(turn(chat, anagram), QStringLiteral("stop"));
        QVERIFY(chat.messages()->rows().front().attachments.empty());  // no keyword of it anywhere

        // Not a model: said why, and keyword search goes on.
        const QString bad = dir.filePath(QStringLiteral("notes.gguf"));
        QFile badFile(bad);
        QVERIFY(badFile.open(QIODevice::WriteOnly));
        badFile.write("just some text, not a model");
        badFile.close();
        app.collections.setEmbeddingModel(QUrl::fromLocalFile(bad));
        QVERIFY(app.collections.waitIdle(30000));
        QTRY_VERIFY(!app.collections.embeddingError().isEmpty());
        QVERIFY2(app.collections.embeddingError().contains(QStringLiteral("cannot be used")),
                 qPrintable(app.collections.embeddingError()));
        QVERIFY(!app.collections.embedding());
        // A model that loads but has no embedding output (deepseek2): refused when chosen.
        const QString ds2 = dir.filePath(QStringLiteral("ds2.gguf"));
        deepdesk::testing::make_ds2_model(deepdesk::testing::ds2_spec{}).writer.write(ds2.toStdString());
        app.collections.setEmbeddingModel(QUrl::fromLocalFile(ds2));
        QVERIFY(app.collections.waitIdle(30000));
        QTRY_VERIFY2(app.collections.embeddingError().contains(QStringLiteral("cannot embed")),
                     qPrintable(app.collections.embeddingError()));

        const QString embedder = dir.filePath(QStringLiteral("byte-embedder.gguf"));
        deepdesk::testing::write_byte_embedding_model(embedder.toStdString());
        indexed.clear();
        app.collections.setEmbeddingModel(QUrl::fromLocalFile(embedder));
        QVERIFY(app.collections.embeddingError().isEmpty());
        QVERIFY(app.collections.waitIdle(60000));
        QVERIFY2(app.collections.embeddingError().isEmpty(), qPrintable(app.collections.embeddingError()));
        QVERIFY(app.collections.embedding());
        QCOMPARE(app.settings.value(deepdesk::app::Settings::Key::EmbeddingModel).toString(), embedder);
        QTRY_VERIFY(!indexed.isEmpty());
        QVERIFY2(indexed.last().at(1).toString().contains(QStringLiteral("passages given vectors")),
                 qPrintable(indexed.last().at(1).toString()));
        QTRY_VERIFY(app.collections.collections().first().toMap().value(QStringLiteral("vectors")).toLongLong() > 20);
        const QVariantMap c = app.collections.collections().first().toMap();
        QCOMPARE(c.value(QStringLiteral("vectors")).toLongLong(), c.value(QStringLiteral("chunks")).toLongLong());

        chat.newConversation();
        chat.setCollectionId(id);
        QCOMPARE(turn(chat, anagram), QStringLiteral("stop"));
        const auto& sources = chat.messages()->rows().front().attachments;
        QVERIFY(!sources.empty());
        QVERIFY2(sources[0].name.rfind("garage.txt, line 1", 0) == 0, sources[0].name.c_str());

        // Turned off: keywords alone again, and nothing is embedded.
        app.collections.setEmbeddingModel(QUrl());
        QVERIFY(!app.collections.embedding());
        chat.newConversation();
        chat.setCollectionId(id);
        QCOMPARE(turn(chat, anagram), QStringLiteral("stop"));
        QVERIFY(chat.messages()->rows().front().attachments.empty());
    }
};

QTEST_MAIN(TestAttachments)
#include "tst_attachments.moc"
