// SPDX-License-Identifier: GPL-3.0-or-later
#include <QTest>

#include "app/startupoptions.h"
#include "engine/version.h"

using deepdesk::app::parseStartupOptions;
using deepdesk::app::StartupOptions;

class TestStartupOptions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void plainRun() {
        const auto o = parseStartupOptions({QStringLiteral("deepdesk")});
        QCOMPARE(o.action, StartupOptions::Action::Run);
        QVERIFY(o.screenshotPath.isEmpty());
        QVERIFY(o.language.isEmpty());
    }
    void screenshotAndLanguage() {
        const auto o =
            parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("--screenshot"), QStringLiteral("out.png"),
                                 QStringLiteral("--lang"), QStringLiteral("zh_CN")});
        QCOMPARE(o.action, StartupOptions::Action::Run);
        QCOMPARE(o.screenshotPath, QStringLiteral("out.png"));
        QCOMPARE(o.language, QStringLiteral("zh_CN"));
    }
    void version() {
        const auto o = parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("--version")});
        QCOMPARE(o.action, StartupOptions::Action::ShowVersion);
        QVERIFY(o.message.contains(QString::fromLatin1(deepdesk::version())));
    }
    void help() {
        const auto o = parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("-h")});
        QCOMPARE(o.action, StartupOptions::Action::ShowHelp);
        QVERIFY(o.message.startsWith(QStringLiteral("Usage: deepdesk")));
        QVERIFY(o.message.contains(QStringLiteral("--screenshot")));
    }
    void unknownFlagIsAnErrorWithUsage() {
        const auto o = parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("--frobnicate")});
        QCOMPARE(o.action, StartupOptions::Action::Error);
        QVERIFY(o.message.contains(QStringLiteral("frobnicate")));
        QVERIFY(o.message.contains(QStringLiteral("Usage: deepdesk")));
    }
    void strayArgumentIsAnError() {
        const auto o = parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("model.gguf")});
        QCOMPARE(o.action, StartupOptions::Action::Error);
        QVERIFY(o.message.contains(QStringLiteral("model.gguf")));
    }
    // Every page or dialog the help names for --open is taken, and nothing else is.
    void everyViewTheHelpNamesOpens() {
        const QString help = parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("-h")}).message;
        const qsizetype from = help.indexOf(QStringLiteral("at start: "));
        const qsizetype to = help.indexOf(QStringLiteral("(with --screenshot"), from);
        QVERIFY(from > 0 && to > from);
        QString list = help.mid(from + 10, to - from - 10).simplified();
        list.replace(QStringLiteral(" or "), QStringLiteral(", "));
        const QStringList views = list.split(QStringLiteral(", "), Qt::SkipEmptyParts);
        QVERIFY2(views.contains(QStringLiteral("documents")) && views.contains(QStringLiteral("tools")),
                 qPrintable(views.join(QLatin1Char('|'))));
        for (const QString& v : views) {
            const auto o = parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("--open"), v.trimmed()});
            QVERIFY2(o.action == StartupOptions::Action::Run, qPrintable(v + QStringLiteral(": ") + o.message));
            QCOMPARE(o.openView, v.trimmed());
        }
        QCOMPARE(parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("--open"), QStringLiteral("nowhere")})
                     .action,
                 StartupOptions::Action::Error);
    }
    void screenshotNeedsAFile() {
        const auto o = parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("--screenshot")});
        QCOMPARE(o.action, StartupOptions::Action::Error);
    }
};

QTEST_GUILESS_MAIN(TestStartupOptions)
#include "tst_startupoptions.moc"
