// SPDX-License-Identifier: GPL-3.0-or-later
// First contact: the main window as a new user meets it, on the packages scripts/packages.txt
// installs. Every page and dialog is opened in turn (Qt's own non-native file dialogs included) in
// light and dark, English and Chinese, with a screenshot of each; any warning in the log fails.
// Then every QML module the app loaded (traced while the dialogs were open), and every module its
// QML files import (qmlimportscanner), must come from a Debian package that scripts/packages.txt
// [build] installs and that the .deb depends on.
#include <QtQml/qqmlextensionplugin.h>
#include <QDate>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>

#include "tests/app/package_check.h"
#include "tests/app/window_checks.h"
#include "tests/app/window_harness.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

using namespace deepdesk::testing;

namespace {

// Everything the log said while the test ran: warnings (which fail the test) and the qmldir
// files the QML engine loaded (QML_IMPORT_TRACE).
QStringList g_warnings;
QSet<QString> g_loadedQmldirs;
QStringList g_missingModules;

void recordMessage(QtMsgType type, const QMessageLogContext& context, const QString& message) {
    static const QRegularExpression qmldir(QStringLiteral("\"(/[^\"]+/qmldir)\""));
    static const QRegularExpression missing(QStringLiteral("module \"([A-Za-z0-9_.]+)\" is not installed"));
    if (qstrcmp(context.category, "qt.qml.import") == 0) {
        const auto m = qmldir.match(message);
        if (m.hasMatch()) {
            g_loadedQmldirs.insert(m.captured(1));
        }
        return;  // the trace is long: not echoed
    }
    for (auto it = missing.globalMatch(message); it.hasNext();) {
        const QString uri = it.next().captured(1);
        if (g_missingModules.contains(uri)) {
            continue;
        }
        g_missingModules << uri;
        // Said at once: Qt may crash right after this (Qt 6.4 does, opening a file dialog).
        std::fprintf(stderr,
                     "FAIL: QML module %s is not installed; Debian's %s provides it: list it in "
                     "scripts/packages.txt [build], marked deb\n",
                     qPrintable(uri), qPrintable(packageForModule(uri)));
    }
    if (type != QtDebugMsg && type != QtInfoMsg) {
        g_warnings << message;
    }
    std::fprintf(stderr, "%s\n", qPrintable(message));
}

}  // namespace

class TestFirstContact : public QObject {
    Q_OBJECT

    const QString m_shots = QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/firstcontact");
    void shoot(QQuickWindow* window, const QString& name) { shootWindow(window, m_shots, name); }

    // Opens the dialog or popup named `name`, takes its picture, closes it again.
    void openAndClose(QQuickWindow* window, const QString& name, const QString& shot) {
        QObject* dialog = window->findChild<QObject*>(name);
        QVERIFY2(dialog, qPrintable(QStringLiteral("no dialog named ") + name));
        QVERIFY(QMetaObject::invokeMethod(dialog, "open"));
        QTRY_VERIFY2(dialog->property("visible").toBool(), qPrintable(name + QStringLiteral(" did not open")));
        shoot(window, shot);
        checkButtonsSpeakTheLanguage(window, shot);
        checkPathBarIsReadable(window, shot);
        // A dialog that scrolls: its end too.
        if (auto* scroll = dialog->findChild<QQuickItem*>(QStringLiteral("settingsScroll"))) {
            auto* flick = scroll->property("contentItem").value<QQuickItem*>();
            QVERIFY(flick);
            flick->setProperty("contentY",
                               std::max(0.0, flick->property("contentHeight").toDouble() - flick->height()));
            shoot(window, shot + QStringLiteral("-end"));
            flick->setProperty("contentY", 0);
        }
        QVERIFY(QMetaObject::invokeMethod(dialog,
                                          dialog->metaObject()->indexOfMethod("reject()") >= 0 ? "reject" : "close"));
        QTRY_VERIFY2(!dialog->property("visible").toBool(), qPrintable(name + QStringLiteral(" did not close")));
    }

    // Qt's file and folder dialogs: the folder path bar is painted in the window's palette, its
    // text readable on it (Qt 6.4 leaves it white under the dark theme's light text).
    static void checkPathBarIsReadable(QQuickWindow* window, const QString& shot) {
        QQuickItem* bar = nullptr;
        for (auto* item : itemsOfClass(window->contentItem(), "QQuickFolderBreadcrumbBar")) {
            if (item->isVisible()) {
                bar = item;
            }
        }
        if (bar == nullptr) {
            return;  // not one of Qt's file dialogs
        }
        auto* background = qvariant_cast<QQuickItem*>(bar->property("background"));
        const auto* palette = qvariant_cast<QObject*>(bar->property("palette"));
        QVERIFY(background && palette);
        const QColor ground = background->property("color").value<QColor>();
        const QColor text = palette->property("buttonText").value<QColor>();
        QVERIFY2(
            std::abs(ground.lightness() - text.lightness()) > 100,
            qPrintable(shot + QStringLiteral(": the path bar is %1 under %2 text").arg(ground.name(), text.name())));
    }

    // What keeps Qt's own file and folder dialogs from compiling (checked once).
    static QStringList dialogImplementationErrors() {
        static const QStringList errors = [] {
            QQmlEngine engine;
            QStringList out;
            for (const char* file : {"FileDialog.qml", "FolderDialog.qml"}) {
                QQmlComponent c(
                    &engine, QUrl::fromLocalFile(QStringLiteral(DEEPDESK_QT_QML_DIR "/QtQuick/Dialogs/quickimpl/qml/") +
                                                 QLatin1String(file)));
                if (c.isError()) {
                    out << c.errorString();
                    recordMessage(QtWarningMsg, QMessageLogContext(), c.errorString());
                }
            }
            return out;
        }();
        return errors;
    }

private Q_SLOTS:
    void initTestCase() {
        qInstallMessageHandler(recordMessage);
        QDir().mkpath(m_shots);
    }

    // Qt's own file and folder dialogs (what QtQuick.Dialogs shows without a platform dialog)
    // compile with the modules installed: checked before any is opened, since Qt 6.4 crashes
    // opening one that failed to load.
    void qtDialogImplementationsLoad() {
        const QStringList errors = dialogImplementationErrors();
        QStringList packages;
        for (const QString& uri : g_missingModules) {
            packages << packageForModule(uri);
        }
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(QLatin1Char('\n')) + QStringLiteral("\nmissing packages: ") +
                                              packages.join(QStringLiteral(", "))));
    }

    // Every page and dialog, in both themes and both languages; nothing may warn.
    void everyPageAndDialogOpens() {
        if (!dialogImplementationErrors().isEmpty()) {
            QFAIL("Qt's dialogs do not load (see qtDialogImplementationsLoad): not opened, Qt would crash");
        }
        freshSettings();
        QTemporaryDir dir;
        storeConversation(dir, "Primes", {"Is 91 prime?", "No: 91 = 7 x 13."});  // something to export
        const QString broken = writeBrokenGguf(dir);

        MainWindow w(dir.path());
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start({}, false);
        QTRY_VERIFY(window->property("ready").toBool());
        QTRY_COMPARE(w.chat.conversations()->rowCount(), 1);
        auto* pages = window->findChild<QQuickItem*>(QStringLiteral("pages"));
        QVERIFY(pages);

        // File dialogs start in the user's folders, not where the app was started from ("/" from
        // a desktop menu).
        for (const char* name : {"importModelDialog", "exportConversationDialog", "importConversationsDialog",
                                 "attachDialog", "collectionFolderDialog"}) {
            auto* d = window->findChild<QObject*>(QLatin1String(name));
            QVERIFY(d);
            const QString start = d->property("currentFolder").toUrl().toLocalFile();
            QVERIFY2(QFileInfo(start).isDir() && QDir(start) != QDir::root(), qPrintable(name + (": " + start)));
        }

        const QStringList dialogs{
            QStringLiteral("settingsDialog"),
            QStringLiteral("providersDialog"),
            QStringLiteral("aboutDialog"),
            QStringLiteral("importModelDialog"),
            QStringLiteral("modelsImportDialog"),
            QStringLiteral("exportConversationDialog"),
            QStringLiteral("exportAllDialog"),
            QStringLiteral("importConversationsDialog"),
            QStringLiteral("modelsFolderDialog"),
            QStringLiteral("memoryDialog"),
            QStringLiteral("deleteModelDialog"),
            QStringLiteral("toolsDialog"),
            QStringLiteral("collectionsDialog"),
            QStringLiteral("attachDialog"),
            QStringLiteral("collectionFolderDialog"),
        };
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            w.localization.setLanguage(language);
            for (const QString& theme : {QStringLiteral("light"), QStringLiteral("dark")}) {
                w.services.settings.setTheme(theme);
                const QString prefix = language + QLatin1Char('-') + theme + QLatin1Char('-');
                pages->setProperty("currentIndex", 0);
                shoot(window, prefix + QStringLiteral("chat"));
                // The first-run panel's Download, the page's main action, reads in both themes.
                for (auto* b : itemsNamed(window->contentItem(), QStringLiteral("downloadButton"))) {
                    if (b->isVisible()) {
                        const QString problem = unreadable(b, prefix + QStringLiteral("download button"));
                        QVERIFY2(problem.isEmpty(), qPrintable(problem));
                    }
                }
                pages->setProperty("currentIndex", 1);
                shoot(window, prefix + QStringLiteral("models"));
                // Where downloads come from is set at the top, before the first card, on screen.
                {
                    auto* source = window->findChild<QQuickItem*>(QStringLiteral("sourceBox"));
                    const auto cards = itemsNamed(window->contentItem(), QStringLiteral("catalogCard"));
                    QVERIFY(source && !cards.isEmpty());
                    const double sourceY = source->mapToScene(QPointF(0, 0)).y();
                    QVERIFY2(sourceY + source->height() < window->height() &&
                                 sourceY < cards.first()->mapToScene(QPointF(0, 0)).y(),
                             qPrintable(QStringLiteral("the download source is at y=%1").arg(sourceY)));
                }
                pages->setProperty("currentIndex", 0);
                for (const QString& name : dialogs) {
                    if (name == QStringLiteral("exportAllDialog")) {
                        // Qt's own save dialog speaks the window's language too (its labels
                        // included, which Qt 6.4 does not translate itself).
                        auto* d = window->findChild<QObject*>(name);
                        QMetaObject::invokeMethod(d, "open");
                        QTRY_VERIFY(d->property("visible").toBool());
                        const QStringList shown = visibleTexts(window->contentItem());
                        const QStringList wanted =
                            language == QStringLiteral("en")
                                ? QStringList{QStringLiteral("File name"), QStringLiteral("Save"),
                                              QStringLiteral("Cancel")}
                                : QStringList{QStringLiteral("文件名"), QStringLiteral("保存"), QStringLiteral("取消")};
                        for (const QString& label : wanted) {
                            QVERIFY2(shown.contains(label),
                                     qPrintable(prefix + QStringLiteral(": no '") + label + QStringLiteral("' in ") +
                                                shown.join(QLatin1Char('|'))));
                        }
                        QMetaObject::invokeMethod(d, "reject");
                        QTRY_VERIFY(!d->property("visible").toBool());
                    }
                    openAndClose(window, name, prefix + name);
                    if (QTest::currentTestFailed()) {
                        return;
                    }
                }
                // A combo box's list (Settings → Theme), its current choice highlighted.
                {
                    auto* settings = window->findChild<QObject*>(QStringLiteral("settingsDialog"));
                    QMetaObject::invokeMethod(settings, "open");
                    QTRY_VERIFY(settings->property("visible").toBool());
                    auto* scroll = settings->findChild<QQuickItem*>(QStringLiteral("settingsScroll"));
                    auto* flick = scroll->property("contentItem").value<QQuickItem*>();
                    flick->setProperty("contentY",
                                       std::max(0.0, flick->property("contentHeight").toDouble() - flick->height()));
                    auto* themeBox = settings->findChild<QQuickItem*>(QStringLiteral("themeBox"));
                    QVERIFY(themeBox);
                    auto* popup = themeBox->property("popup").value<QObject*>();
                    QVERIFY(popup);
                    QMetaObject::invokeMethod(popup, "open");
                    QTRY_VERIFY(popup->property("opened").toBool());
                    themeBox->setProperty("highlightedIndex", 1);
                    shoot(window, prefix + QStringLiteral("themeCombo"));
                    // The highlighted choice reads as well as the others.
                    auto* list = popup->property("contentItem").value<QQuickItem*>();
                    QVERIFY(list);
                    auto* listContent = list->property("contentItem").value<QQuickItem*>();
                    int checkedChoices = 0;
                    for (auto* choice : listContent->childItems()) {
                        if (deepdesk::testing::inherits(choice, "QQuickItemDelegate")) {
                            const QString problem = unreadable(
                                choice, prefix + QStringLiteral("theme choice ") + choice->property("text").toString());
                            QVERIFY2(problem.isEmpty(), qPrintable(problem));
                            checkedChoices += choice->property("highlighted").toBool() ? 10 : 1;
                        }
                    }
                    QCOMPARE(checkedChoices, 12);  // three choices, one of them highlighted
                    QMetaObject::invokeMethod(popup, "close");
                    QMetaObject::invokeMethod(settings, "close");
                    QTRY_VERIFY(!settings->property("visible").toBool());
                }
                // A file that is not a model: the load-failure dialog.
                w.services.host.loadModel(broken);
                auto* error = window->findChild<QObject*>(QStringLiteral("modelErrorDialog"));
                QVERIFY(error);
                QTRY_VERIFY_WITH_TIMEOUT(error->property("visible").toBool(), 10000);
                shoot(window, prefix + QStringLiteral("modelErrorDialog"));
                checkButtonsSpeakTheLanguage(window, prefix + QStringLiteral("modelErrorDialog"));
                QMetaObject::invokeMethod(error, "accept");
                QTRY_VERIFY(!error->property("visible").toBool());
            }
        }
        QVERIFY2(g_missingModules.isEmpty(), qPrintable(QStringLiteral("QML modules not installed: ") +
                                                        g_missingModules.join(QStringLiteral(", "))));
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    // An export is a save dialog: a file name typed and Enter saves it; the window says where.
    void exportSavesWithEnter() {
        if (!dialogImplementationErrors().isEmpty()) {
            QFAIL("Qt's dialogs do not load (see qtDialogImplementationsLoad): not opened, Qt would crash");
        }
        freshSettings();
        QTemporaryDir dir;
        storeConversation(dir, "Primes", {"Is 91 prime?"});
        MainWindow w(dir.path());
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start({}, false);
        QTRY_COMPARE(w.chat.conversations()->rowCount(), 1);
        auto* dialog = window->findChild<QObject*>(QStringLiteral("exportConversationDialog"));
        QVERIFY(dialog);
        dialog->setProperty("conversationId",
                            w.chat.conversations()->data(w.chat.conversations()->index(0, 0),
                                                         deepdesk::app::ConversationListModel::ConversationIdRole));
        dialog->setProperty("currentFolder", QUrl::fromLocalFile(dir.path()));
        QMetaObject::invokeMethod(dialog, "open");
        QTRY_VERIFY(dialog->property("visible").toBool());
        QCOMPARE(dialog->property("acceptLabel").toString(), QStringLiteral("Save"));
        QQuickItem* name = nullptr;
        QTRY_VERIFY(!itemsNamed(window->contentItem(), QStringLiteral("fileNameTextField")).isEmpty());
        name = itemsNamed(window->contentItem(), QStringLiteral("fileNameTextField")).first();
        QTRY_VERIFY(name->isVisible());
        name->forceActiveFocus();
        QTRY_VERIFY(name->hasActiveFocus());
        name->setProperty("text", QString());
        typeText(window, QStringLiteral("primes.md"));
        QTRY_COMPARE(name->property("text").toString(), QStringLiteral("primes.md"));
        shoot(window, QStringLiteral("en-light-export-save"));
        QVERIFY2(name->hasActiveFocus(), "the file name field lost the focus");
        QSignalSpy exported(&w.chat, &ChatController::exportFinished);
        QTest::keyClick(window, Qt::Key_Return);
        QTRY_VERIFY_WITH_TIMEOUT(!exported.isEmpty(), 10000);
        QVERIFY(exported.first().at(0).toBool());
        const QString saved = dir.filePath(QStringLiteral("primes.md"));
        QCOMPARE(QFileInfo(exported.first().at(1).toString()).canonicalFilePath(),
                 QFileInfo(saved).canonicalFilePath());
        QFile file(saved);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("Is 91 prime?"));
        auto* notice = window->findChild<QQuickItem*>(QStringLiteral("noticeText"));
        QVERIFY(notice);
        QTRY_VERIFY(notice->isVisible());
        QVERIFY2(notice->property("text").toString().contains(saved), qPrintable(notice->property("text").toString()));
        shoot(window, QStringLiteral("en-light-export-saved"));
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    // A save dialog proposes a name: the conversation's title made safe for a file, or for all
    // conversations "DeepDesk conversations <date>", in the window's language.
    void exportProposesAName() {
        if (!dialogImplementationErrors().isEmpty()) {
            QFAIL("Qt's dialogs do not load (see qtDialogImplementationsLoad): not opened, Qt would crash");
        }
        freshSettings();
        QTemporaryDir dir;
        MainWindow w(dir.path());
        QCOMPARE(w.chat.exportFileName(QStringLiteral("  a/b: c?*<d>|\"e\u0007 ")), QStringLiteral("a b c d e.md"));
        QCOMPARE(w.chat.exportFileName(QStringLiteral("..hidden")), QStringLiteral("hidden.md"));
        QCOMPARE(w.chat.exportFileName(QStringLiteral("质数")), QStringLiteral("质数.md"));
        QCOMPARE(w.chat.exportFileName(QString(200, QLatin1Char('x'))).size(), 83);
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        w.services.start({}, false);
        auto* settings = window->findChild<QObject*>(QStringLiteral("settingsDialog"));
        auto* dialog = window->findChild<QObject*>(QStringLiteral("exportAllDialog"));
        QVERIFY(settings && dialog);
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            w.localization.setLanguage(language);
            QMetaObject::invokeMethod(settings, "openFileDialog", Q_ARG(QVariant, QStringLiteral("exportAllDialog")));
            QTRY_VERIFY(dialog->property("visible").toBool());
            QTRY_VERIFY(!itemsNamed(window->contentItem(), QStringLiteral("fileNameTextField")).isEmpty());
            QQuickItem* name = itemsNamed(window->contentItem(), QStringLiteral("fileNameTextField")).first();
            const QString wanted = (language == QStringLiteral("en") ? QStringLiteral("DeepDesk conversations ")
                                                                     : QStringLiteral("DeepDesk 对话 ")) +
                                   QDate::currentDate().toString(Qt::ISODate) + QStringLiteral(".md");
            QTRY_COMPARE(name->property("text").toString(), wanted);
            QMetaObject::invokeMethod(dialog, "reject");
            QTRY_VERIFY(!dialog->property("visible").toBool());
        }
        w.localization.setLanguage(QStringLiteral("en"));
        QVERIFY2(g_warnings.isEmpty(), qPrintable(g_warnings.join(QLatin1Char('\n'))));
    }

    // Every QML module the app loads, and every one its files import, comes from a package that
    // scripts/packages.txt [build] installs and the .deb depends on.
    void everyQmlModuleIsPackaged() {
        if (run(QStringLiteral("dpkg-query"), {QStringLiteral("--version")}).isEmpty()) {
            QSKIP("dpkg-query is absent: not a Debian system");
        }
        QVERIFY2(!g_loadedQmldirs.isEmpty(), "the import trace recorded no module (QML_IMPORT_TRACE unset?)");
        // The modules our own QML files import, as qmlimportscanner resolves them (it also lists
        // what those modules may import in other styles and platforms; only our direct imports
        // and what was really loaded count).
        QStringList qmldirs = g_loadedQmldirs.values();
        QSet<QString> direct;
        static const QRegularExpression importLine(QStringLiteral("^import\\s+([A-Za-z][\\w.]*)"),
                                                   QRegularExpression::MultilineOption);
        QDirIterator sources(QStringLiteral(DEEPDESK_SOURCE_DIR "/qml"), {QStringLiteral("*.qml")}, QDir::Files,
                             QDirIterator::Subdirectories);
        while (sources.hasNext()) {
            QFile qml(sources.next());
            QVERIFY(qml.open(QIODevice::ReadOnly));
            for (auto it = importLine.globalMatch(QString::fromUtf8(qml.readAll())); it.hasNext();) {
                const QString uri = it.next().captured(1);
                if (!uri.startsWith(QStringLiteral("DeepDesk"))) {
                    direct.insert(uri);
                }
            }
        }
        const QString scan = run(QStringLiteral(DEEPDESK_QMLIMPORTSCANNER),
                                 {QStringLiteral("-rootPath"), QStringLiteral(DEEPDESK_SOURCE_DIR "/qml"),
                                  QStringLiteral("-importPath"), QStringLiteral(DEEPDESK_QT_QML_DIR)});
        const QJsonArray imports = QJsonDocument::fromJson(scan.toUtf8()).array();
        QVERIFY2(!imports.isEmpty(), qPrintable(QStringLiteral("qmlimportscanner said: ") + scan));
        QStringList missing = g_missingModules;
        for (const QJsonValue& v : imports) {
            const QJsonObject o = v.toObject();
            const QString uri = o.value(QStringLiteral("name")).toString();
            if (!direct.contains(uri)) {
                continue;
            }
            const QString path = o.value(QStringLiteral("path")).toString();
            const QString builtIn = QStringLiteral(":/qt-project.org/imports/") +
                                    QString(uri).replace(QLatin1Char('.'), QLatin1Char('/')) +
                                    QStringLiteral("/qmldir");
            if (!path.isEmpty() && QFile::exists(path + QStringLiteral("/qmldir"))) {
                qmldirs << path + QStringLiteral("/qmldir");
            } else if (!QFile::exists(builtIn)) {  // built into a Qt library the app links
                missing << uri;
            }
        }
        QStringList problems;
        for (const QString& uri : missing) {
            problems << QStringLiteral(
                            "QML module %1 is not installed: it comes from %2; list it in scripts/packages.txt "
                            "[build], marked deb")
                            .arg(uri, packageForModule(uri));
        }
        const PackageGraph graph;
        const QSet<QString> build = graph.closure(listedPackages(QStringLiteral("build"), false));
        const QSet<QString> deb = graph.closure(debDepends());
        QStringList files = qmldirs;
        files << loadedQtPlugins();
        QSet<QString> checked;
        for (const QString& file : files) {
            const QString package = packageOwning(QFileInfo(file).canonicalFilePath());
            if (package.isEmpty()) {
                problems << QStringLiteral("%1 belongs to no Debian package").arg(file);
                continue;
            }
            if (checked.contains(package)) {
                continue;
            }
            checked.insert(package);
            if (!build.contains(package)) {
                problems
                    << QStringLiteral("%1 (%2) is not installed by scripts/packages.txt [build]").arg(package, file);
            }
            if (!deb.contains(package)) {
                problems << QStringLiteral(
                                "%1 (%2) is not a dependency of the .deb: mark it deb in scripts/packages.txt")
                                .arg(package, file);
            }
        }
        std::fprintf(stderr, "QML modules and plugins checked: %lld files in %lld packages: %s\n",
                     static_cast<long long>(files.size()), static_cast<long long>(checked.size()),
                     qPrintable(QStringList(checked.values()).join(QStringLiteral(", "))));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char('\n'))));
    }
};

int main(int argc, char** argv) {
    // The modules the QML engine loads, as it loads them; Qt's own (non-native) dialogs, as on a
    // desktop without a platform dialog helper.
    qputenv("QML_IMPORT_TRACE", "1");
    // Qt warns when there is no runtime folder (a bare CI container); give it one of its own.
    QTemporaryDir runtime;
    if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR") && runtime.isValid()) {
        QFile::setPermissions(runtime.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", runtime.path().toLocal8Bit());
    }
    QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    QGuiApplication app(argc, argv);
    deepdesk::app::useControlsStyle();  // before any QML, as the application does
    TestFirstContact test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_firstcontact.moc"
