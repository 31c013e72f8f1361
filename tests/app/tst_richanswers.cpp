// SPDX-License-Identifier: GPL-3.0-or-later
// The corpus of R1, Math, Prover and Coder answers (tests/data/rich-answers.json) in the real
// window, light and dark: formulas drawn as images (no TeX left in the text a reader sees), code
// coloured, broken formulas and money shown as written, raw HTML as text. Screenshots go to
// DEEPDESK_SCREENSHOT_DIR/rich-*.png for a person to look at.
#include <QtQml/qqmlextensionplugin.h>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "app/mathimage.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "storage/exchange.h"
#include "tests/app/window_checks.h"
#include "tests/app/window_harness.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

using namespace deepdesk::testing;

class TestRichAnswers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { freshSettings(); }

    void theCorpusRendersInBothThemes() {
        QTemporaryDir dir;
        std::vector<std::int64_t> ids;
        {
            QFile f(QStringLiteral(DEEPDESK_CORPUS));
            QVERIFY(f.open(QIODevice::ReadOnly));
            deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
            deepdesk::storage::conversation_store store(db);
            ids = deepdesk::storage::import_json(store, f.readAll().toStdString());
        }
        QCOMPARE(ids.size(), std::size_t{5});
        MainWindow w(dir.path());
        QVERIFY(w.show());
        w.window->resize(1200, 900);
        QTRY_COMPARE(w.chat.conversations()->rowCount(), 5);
        for (const QString& theme : {QStringLiteral("light"), QStringLiteral("dark")}) {
            w.settings.setTheme(theme);
            // The dark pass in the Chinese interface (the answers' mixed text is the same).
            w.localization.setLanguage(theme == QStringLiteral("dark") ? QStringLiteral("zh_CN")
                                                                       : QStringLiteral("en"));
            for (std::size_t k = 0; k < ids.size(); ++k) {
                w.chat.openConversation(ids[k]);
                QTRY_COMPARE(w.chat.messages()->rowCount(), 2);
                QTest::qWait(300);
                QString shown, html;
                for (auto* t : itemsNamed(w.window->contentItem(), QStringLiteral("answerText"))) {
                    if (t->isVisible()) {
                        shown += plainText(t) + QLatin1Char('\n');
                        html += t->property("text").toString();
                    }
                }
                QVERIFY2(!shown.trimmed().isEmpty(), "the answer is shown");
                int images = 0;
                for (qsizetype at = html.indexOf(QStringLiteral("image://math/")); at >= 0;
                     at = html.indexOf(QStringLiteral("image://math/"), at + 1)) {
                    const qsizetype end = html.indexOf(QLatin1Char('"'), at);
                    const QString key = html.mid(at + 13, end - at - 13);
                    const QImage image = deepdesk::app::find_math_image(key);
                    QVERIFY2(!image.isNull() && image.width() > 4 && image.height() > 4, qPrintable(key));
                    ++images;
                }
                // Display formulas on lines of their own: centred images of their own.
                for (auto* m : itemsNamed(w.window->contentItem(), QStringLiteral("displayMathImage"))) {
                    if (m->isVisible()) {
                        html += QStringLiteral(" src=\"%1\" ").arg(m->property("source").toString());
                        const QQuickItem* box = m->parentItem();
                        QVERIFY2(qAbs(m->x() + m->width() / 2 - box->width() / 2) < 1.0 || m->x() == 0.0,
                                 "a display formula is centred");
                    }
                }
                if (shown.contains(QStringLiteral("Okay</think>Hi 4U!"))) {
                    // Edge cases: money is money, broken formulas are their source, HTML is text.
                    QVERIFY2(shown.contains(QStringLiteral("costs $5 and the pear $10, so $15")), qPrintable(shown));
                    QVERIFY2(shown.contains(QStringLiteral("$\\frac{1}{$")), qPrintable(shown));
                    QVERIFY2(shown.contains(QStringLiteral("<script>alert(1)</script>")), qPrintable(shown));
                    QCOMPARE(images, 0);
                } else if (shown.contains(QStringLiteral("in several languages"))) {
                    // Coder: ten coloured blocks.
                    int coloured = 0;
                    for (auto* c : itemsNamed(w.window->contentItem(), QStringLiteral("codeText"))) {
                        coloured +=
                            c->isVisible() && c->property("text").toString().contains(QStringLiteral("color:#"));
                    }
                    QCOMPARE(coloured, 10);
                } else {
                    QVERIFY2(images >= 1, qPrintable(shown));
                    for (const char* tex : {"\\frac", "\\sum", "\\int", "\\begin", "\\boxed", "$$", "\\["}) {
                        QVERIFY2(!shown.contains(QLatin1String(tex)),
                                 qPrintable(QStringLiteral("%1 left in: %2").arg(QLatin1String(tex), shown)));
                    }
                }
                QDir().mkpath(QStringLiteral(DEEPDESK_SCREENSHOT_DIR));
                QVERIFY(w.window->grabWindow().save(
                    QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/rich-%1-%2.png").arg(theme).arg(k + 1)));
            }
        }

        // The window's own HTML export (the storage thread's JavaScript engine): rendered,
        // self-contained, nothing to fetch or run.
        QSignalSpy exported(&w.chat, &deepdesk::app::ChatController::exportFinished);
        const QString file = dir.filePath(QStringLiteral("all.html"));
        w.chat.exportConversations({}, QUrl::fromLocalFile(file));
        QVERIFY(exported.wait(30000));
        QVERIFY(exported.first().first().toBool());
        QFile out(file);
        QVERIFY(out.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(out.readAll());
        QVERIFY2(html.count(QStringLiteral("<math")) >= 15, qPrintable(html.left(2000)));
        QVERIFY(html.contains(QStringLiteral("<mfrac>")));
        QVERIFY(html.contains(QStringLiteral("class=\"hljs-keyword\"")) || html.contains(QStringLiteral("color:#")));
        QVERIFY(html.contains(QStringLiteral("<table")));
        QVERIFY(html.contains(QStringLiteral("&lt;script&gt;alert(1)&lt;/script&gt;")));
        QVERIFY(!html.contains(QStringLiteral("<script")));
        QVERIFY(!html.contains(QStringLiteral("src=\"http")));
        QVERIFY(!html.contains(QStringLiteral("**")));
        // No maths source left outside the formulas' own annotations and the edge case's broken
        // formulas (shown as their source on purpose).
        QString outside = html;
        outside.remove(QRegularExpression(QStringLiteral("<annotation[^>]*>.*?</annotation>"),
                                          QRegularExpression::DotMatchesEverythingOption));
        QVERIFY(outside.count(QStringLiteral("class=\"math-source\"")) == 2);
        outside.remove(QRegularExpression(QStringLiteral("<(code|pre) class=\"math-source\">.*?</(code|pre)>"),
                                          QRegularExpression::DotMatchesEverythingOption));
        QVERIFY(!outside.contains(QStringLiteral("\\frac")));
        QVERIFY(!outside.contains(QStringLiteral("\\[")));
        QVERIFY(html.contains(QStringLiteral("<details>")));  // the reasoning, collapsible

        // Markdown keeps the LaTeX, the reasoning quoted; or no reasoning at all when asked.
        const QString md = dir.filePath(QStringLiteral("all.md")), bare = dir.filePath(QStringLiteral("bare.md"));
        w.chat.exportConversations({}, QUrl::fromLocalFile(md));
        w.chat.exportConversations({}, QUrl::fromLocalFile(bare), QString(), false);
        QTRY_COMPARE(exported.size(), 3);
        QVERIFY(exported.at(1).first().toBool() && exported.at(2).first().toBool());
        const auto read = [](const QString& path) {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
        };
        const QString withReasoning = read(md), without = read(bare);
        QVERIFY(withReasoning.contains(QStringLiteral("> 嗯，先算积分。原函数是 $\\frac{x^3}{3}$")));
        QVERIFY(withReasoning.contains(QStringLiteral("$$\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$$")));
        QVERIFY(!without.contains(QStringLiteral("先算积分")));
        QVERIFY(without.contains(QStringLiteral("$$\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$$")));
    }
};

QTEST_MAIN(TestRichAnswers)
#include "tst_richanswers.moc"
