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
    void screenshotNeedsAFile() {
        const auto o = parseStartupOptions({QStringLiteral("deepdesk"), QStringLiteral("--screenshot")});
        QCOMPARE(o.action, StartupOptions::Action::Error);
    }
};

QTEST_GUILESS_MAIN(TestStartupOptions)
#include "tst_startupoptions.moc"
