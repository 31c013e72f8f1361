// SPDX-License-Identifier: GPL-3.0-or-later
#include <QCoreApplication>
#include <QDir>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include "app/chatcontroller.h"
#include "app/localization.h"
#include "app/providers.h"
#include "app/settings.h"

using deepdesk::app::Localization;

namespace {
QString translated(const char* context, const char* text) { return QCoreApplication::translate(context, text); }
}  // namespace

class TestLocalization : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_localization"));
    }
    void init() { QSettings().clear(); }

    void runLanguageTranslatesWithoutBeingRemembered() {
        deepdesk::app::Settings settings(QDir::tempPath());
        Localization loc(nullptr, &settings, QStringLiteral("zh_CN"));
        QCOMPARE(loc.effectiveLanguage(), QStringLiteral("zh_CN"));
        QCOMPARE(translated("Composer", "Send"), QStringLiteral("发送"));
        QCOMPARE(translated("Sidebar", "New chat"), QStringLiteral("新对话"));
        QVERIFY(!QSettings().contains(QStringLiteral("ui/language")));
    }

    // Messages written in C++ (errors, preset names) are translated too: the classes live in a
    // namespace, which their tr() context carries.
    void stringsFromCppClassesAreTranslated() {
        deepdesk::app::Settings settings(QDir::tempPath());
        Localization loc(nullptr, &settings, QStringLiteral("zh_CN"));
        QCOMPARE(deepdesk::app::ChatController::tr("Load a model to start chatting."),
                 translated("ChatPage", "Load a model to start chatting."));
        QVERIFY(deepdesk::app::ChatController::tr("Load a model to start chatting.") !=
                QStringLiteral("Load a model to start chatting."));
        QCOMPARE(deepdesk::app::ProvidersController::tr("DeepSeek platform"), QStringLiteral("DeepSeek 开放平台"));
    }

    void switchingLanguageRetranslatesAndIsRemembered() {
        deepdesk::app::Settings settings(QDir::tempPath());
        Localization loc(nullptr, &settings, QStringLiteral("zh_CN"));
        QSignalSpy spy(&loc, &Localization::languageChanged);
        loc.setLanguage(QStringLiteral("en"));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(loc.effectiveLanguage(), QStringLiteral("en"));
        QCOMPARE(translated("Composer", "Send"), QStringLiteral("Send"));
        QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("en"));

        loc.setLanguage(QStringLiteral("en"));  // no change, no signal
        QCOMPARE(spy.count(), 1);

        Localization next(nullptr, &settings);
        QCOMPARE(next.language(), QStringLiteral("en"));
    }

    void unknownLanguageFallsBackToSystem() {
        deepdesk::app::Settings settings(QDir::tempPath());
        Localization loc(nullptr, &settings, QStringLiteral("zh_CN"));
        loc.setLanguage(QStringLiteral("tlh"));
        QCOMPARE(loc.language(), QStringLiteral("system"));
    }

    void resolvesLocales() {
        QCOMPARE(Localization::resolve(QStringLiteral("zh_TW")), QStringLiteral("zh_CN"));
        QCOMPARE(Localization::resolve(QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        QCOMPARE(Localization::resolve(QStringLiteral("de_DE")), QStringLiteral("en"));
        QCOMPARE(Localization::resolve(QStringLiteral("C")), QStringLiteral("en"));
    }

    void languagesAreNamedInThemselves() {
        deepdesk::app::Settings settings(QDir::tempPath());
        Localization loc(nullptr, &settings, QStringLiteral("en"));
        const QVariantList langs = loc.languages();
        QCOMPARE(langs.size(), Localization::supportedLanguages().size());
        QCOMPARE(langs.at(1).toMap().value(QStringLiteral("name")).toString(), QStringLiteral("简体中文"));
    }
};

QTEST_GUILESS_MAIN(TestLocalization)
#include "tst_localization.moc"
