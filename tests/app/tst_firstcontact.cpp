// SPDX-License-Identifier: GPL-3.0-or-later
// First contact: the main window as a new user meets it, on the packages scripts/packages.txt
// installs. Every page and dialog is opened in turn (Qt's own non-native file dialogs included) in
// light and dark, English and Chinese, with a screenshot of each; any warning in the log fails.
// Then every QML module the app loaded (traced while the dialogs were open), and every module its
// QML files import (qmlimportscanner), must come from a Debian package that scripts/packages.txt
// [build] installs and that the .deb depends on.
#include <QtQml/qqmlextensionplugin.h>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <algorithm>
#include <cmath>

#include "storage/conversation_store.h"
#include "storage/database.h"
#include "tests/app/window_harness.h"
#include "tests/support/scripted_chat_model.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

using namespace deepdesk::testing;

namespace {

// Debian's name for the package of a QML module: QtQuick.Dialogs -> qml6-module-qtquick-dialogs.
QString packageForModule(const QString& uri) {
    return QStringLiteral("qml6-module-") + uri.toLower().replace(QLatin1Char('.'), QLatin1Char('-'));
}

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

QString run(const QString& program, const QStringList& arguments, int* exitCode = nullptr) {
    QProcess p;
    p.start(program, arguments);
    p.waitForFinished(60000);
    if (exitCode != nullptr) {
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

// The installed Debian package that holds `path`, or "" when none does.
QString packageOwning(const QString& path) {
    static QHash<QString, QString> cache;
    if (auto it = cache.find(path); it != cache.end()) {
        return *it;
    }
    int rc = 0;
    const QString out = run(QStringLiteral("dpkg-query"), {QStringLiteral("-S"), path}, &rc);
    QString package;
    if (rc == 0) {
        package = out.section(QLatin1Char(':'), 0, 0).trimmed();
    }
    cache.insert(path, package);
    return package;
}

// What each installed package depends on (every alternative, virtual packages through Provides).
struct PackageGraph {
    QHash<QString, QStringList> depends;
    QHash<QString, QStringList> providers;

    PackageGraph() {
        const QString out =
            run(QStringLiteral("dpkg-query"),
                {QStringLiteral("-W"), QStringLiteral("-f=${Package}\t${Depends}, ${Pre-Depends}\t${Provides}\n")});
        for (const QString& line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QStringList fields = line.split(QLatin1Char('\t'));
            if (fields.size() < 3) {
                continue;
            }
            depends[fields[0]] = names(fields[1]);
            for (const QString& provided : names(fields[2])) {
                providers[provided] << fields[0];
            }
        }
    }
    static QStringList names(const QString& field) {
        QStringList out;
        for (const QString& part : field.split(QRegularExpression(QStringLiteral("[,|]")), Qt::SkipEmptyParts)) {
            const QString name = part.trimmed().section(QLatin1Char(' '), 0, 0).section(QLatin1Char(':'), 0, 0);
            if (!name.isEmpty()) {
                out << name;
            }
        }
        return out;
    }
    // `roots` and everything they depend on, directly or not.
    QSet<QString> closure(const QStringList& roots) const {
        QSet<QString> seen;
        QStringList todo = roots;
        while (!todo.isEmpty()) {
            const QString p = todo.takeLast();
            if (seen.contains(p)) {
                continue;
            }
            seen.insert(p);
            todo << depends.value(p) << providers.value(p);
        }
        return seen;
    }
};

// scripts/packages.txt: the packages of a section, and those marked `deb`.
QStringList listedPackages(const QString& section, bool debOnly) {
    QFile f(QStringLiteral(DEEPDESK_SOURCE_DIR "/scripts/packages.txt"));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    QStringList out;
    QString current;
    for (const QString& raw : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) {
            continue;
        }
        if (line.startsWith(QLatin1Char('['))) {
            current = line.mid(1, line.size() - 2);
            continue;
        }
        const QStringList words = line.split(QRegularExpression(QStringLiteral("\\s+")));
        if (current == section && (!debOnly || words.value(1) == QStringLiteral("deb"))) {
            out << words[0];
        }
    }
    return out;
}

// The .deb's Depends as CPack will write them: the configured list (from CPackConfig.cmake) plus
// the packages of the shared libraries deepdesk links (CPack's shlibdeps).
QStringList debDepends() {
    QStringList out;
    QFile f(QStringLiteral(DEEPDESK_BINARY_DIR "/CPackConfig.cmake"));
    if (f.open(QIODevice::ReadOnly)) {
        static const QRegularExpression set(QStringLiteral("set\\(CPACK_DEBIAN_PACKAGE_DEPENDS \"([^\"]*)\"\\)"));
        const auto m = set.match(QString::fromUtf8(f.readAll()));
        if (m.hasMatch()) {
            out << PackageGraph::names(m.captured(1));
        }
    }
    const QString ldd = run(QStringLiteral("ldd"), {QStringLiteral(DEEPDESK_BINARY_DIR "/app/deepdesk")});
    static const QRegularExpression lib(QStringLiteral("=> (/\\S+)"));
    for (auto it = lib.globalMatch(ldd); it.hasNext();) {
        const QString path = QFileInfo(it.next().captured(1)).canonicalFilePath();
        const QString package = packageOwning(path);
        if (!package.isEmpty()) {
            out << package;
        }
    }
    return out;
}

// A conversation in the data folder's database before the window starts: `messages` alternate
// user and assistant, each answering the one before. Returns its id.
qint64 storeConversation(const QTemporaryDir& dir, const std::string& title,
                         const std::vector<std::string>& messages = {}) {
    deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
    deepdesk::storage::conversation_store store(db);
    deepdesk::storage::conversation c;
    c.title = title;
    const auto id = store.create_conversation(c);
    std::optional<std::int64_t> parent;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        parent = store.add_message(id, parent, i % 2 == 0 ? "user" : "assistant", messages[i]);
    }
    return id;
}

// A file that starts like a GGUF model and stops after its version: what a broken download leaves.
QString writeBrokenGguf(const QTemporaryDir& dir) {
    const QString path = dir.filePath(QStringLiteral("broken.gguf"));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) {
        f.write("GGUF\x03\x00\x00\x00truncated");
    }
    return path;
}

// WCAG's contrast ratio of two colours (1 to 21; 4.5 is the least for body text).
double contrast(const QColor& a, const QColor& b) {
    const auto luminance = [](const QColor& c) {
        const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// The text and background colours of a control whose contentItem is a text and whose background
// a rectangle, and their contrast; "" when readable.
QString unreadable(QQuickItem* control, const QString& what) {
    auto* text = control->property("contentItem").value<QQuickItem*>();
    auto* back = control->property("background").value<QQuickItem*>();
    if (text == nullptr || back == nullptr) {
        return what + QStringLiteral(": no text or background");
    }
    const QColor fg = text->property("color").value<QColor>(), bg = back->property("color").value<QColor>();
    const double c = contrast(fg, bg);
    return c >= 4.5 ? QString()
                    : QStringLiteral("%1: %2 on %3, contrast %4").arg(what, fg.name(), bg.name()).arg(c, 0, 'f', 2);
}

// The texts of the visible labels and buttons under `root`.
QStringList visibleTexts(QQuickItem* root) {
    QStringList out;
    if (!root->isVisible()) {
        return out;
    }
    const QVariant text = root->property("text");
    if (text.isValid() && !text.toString().isEmpty()) {
        out << text.toString();
    }
    for (auto* child : root->childItems()) {
        out << visibleTexts(child);
    }
    return out;
}

// Qt plugins and QML module plugins mapped into this process.
QStringList loadedQtPlugins() {
    QFile maps(QStringLiteral("/proc/self/maps"));
    QSet<QString> out;
    if (maps.open(QIODevice::ReadOnly)) {
        for (const QString& line : QString::fromUtf8(maps.readAll()).split(QLatin1Char('\n'))) {
            const QString path = line.section(QLatin1Char(' '), -1);
            if (path.contains(QStringLiteral("/qt6/qml/")) || path.contains(QStringLiteral("/qt6/plugins/"))) {
                out.insert(path);
            }
        }
    }
    return out.values();
}

}  // namespace

class TestFirstContact : public QObject {
    Q_OBJECT

    QString m_shots = QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/firstcontact");

    void shoot(QQuickWindow* window, const QString& name) {
        QTest::qWait(120);  // let the popup's enter transition finish
        QVERIFY2(window->grabWindow().save(QStringLiteral("%1/%2.png").arg(m_shots, name)), qPrintable(name));
    }

    // Clicks the middle of `item` once the layout has settled (the same place twice in a row), as
    // a hand aims at what it sees.
    static void clickOnceSettled(QQuickWindow* window, QQuickItem* item) {
        QPointF last(-1, -1);
        for (int i = 0; i < 50; ++i) {
            QTest::qWait(30);
            const QPointF now = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
            if (now == last) {
                break;
            }
            last = now;
        }
        QTest::mouseMove(window, last.toPoint());
        QTest::mouseClick(window, Qt::LeftButton, {}, last.toPoint());
    }

    // In Chinese, no button on screen still says OK, Cancel, Close, Save, Open or Delete (Qt's
    // standard buttons did: their words come from Qt's translations, fixed when they are made).
    static void checkButtonsSpeakTheLanguage(QQuickWindow* window, const QString& shot) {
        if (!shot.startsWith(QStringLiteral("zh_CN"))) {
            return;
        }
        const QStringList english{QStringLiteral("OK"),   QStringLiteral("Cancel"), QStringLiteral("Close"),
                                  QStringLiteral("Save"), QStringLiteral("Open"),   QStringLiteral("Delete")};
        for (const QString& t : visibleTexts(window->contentItem())) {
            QVERIFY2(!english.contains(t),
                     qPrintable(shot + QStringLiteral(": a button says '") + t + QLatin1Char('\'')));
        }
    }

    // Opens the dialog or popup named `name`, takes its picture, closes it again.
    void openAndClose(QQuickWindow* window, const QString& name, const QString& shot) {
        QObject* dialog = window->findChild<QObject*>(name);
        QVERIFY2(dialog, qPrintable(QStringLiteral("no dialog named ") + name));
        QVERIFY(QMetaObject::invokeMethod(dialog, "open"));
        QTRY_VERIFY2(dialog->property("visible").toBool(), qPrintable(name + QStringLiteral(" did not open")));
        shoot(window, shot);
        checkButtonsSpeakTheLanguage(window, shot);
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
        w.chat.start({}, false);
        QTRY_VERIFY(window->property("ready").toBool());
        QTRY_COMPARE(w.chat.conversations()->rowCount(), 1);
        auto* pages = window->findChild<QQuickItem*>(QStringLiteral("pages"));
        QVERIFY(pages);

        // File dialogs start in the user's folders, not where the app was started from ("/" from
        // a desktop menu).
        for (const char* name : {"importModelDialog", "exportConversationDialog", "importConversationsDialog"}) {
            auto* d = window->findChild<QObject*>(QLatin1String(name));
            QVERIFY(d);
            const QString start = d->property("currentFolder").toUrl().toLocalFile();
            QVERIFY2(QFileInfo(start).isDir() && QDir(start) != QDir::root(), qPrintable(name + (": " + start)));
        }

        const QStringList dialogs{
            QStringLiteral("settingsDialog"),     QStringLiteral("providersDialog"),
            QStringLiteral("aboutDialog"),        QStringLiteral("importModelDialog"),
            QStringLiteral("modelsImportDialog"), QStringLiteral("exportConversationDialog"),
            QStringLiteral("exportAllDialog"),    QStringLiteral("importConversationsDialog"),
            QStringLiteral("modelsFolderDialog"), QStringLiteral("memoryDialog"),
            QStringLiteral("deleteModelDialog"),
        };
        for (const QString& language : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
            w.localization.setLanguage(language);
            for (const QString& theme : {QStringLiteral("light"), QStringLiteral("dark")}) {
                w.chat.setTheme(theme);
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
                w.chat.loadModel(broken);
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
        w.chat.start({}, false);
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
        w.chat.start({}, false);
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
        chat.setMaxTokens(100000);
        chat.setContextLength(4096);
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        chat.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(chat.modelLoaded(), 20000);
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
        w.chat.start({}, false);
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
            w.chat.setTemperature(0.6);
            QTest::qWait(50);
            QQuickItem* temperature = typeInto(QStringLiteral("temperatureField"), QStringLiteral("0.7"));
            QVERIFY(temperature);
            QCOMPARE(temperature->property("text").toString(), QStringLiteral("0.7"));
            QCOMPARE(w.chat.temperature(), 0.7);
            QVERIFY(temperature->property("valid").toBool());

            QQuickItem* minP = typeInto(QStringLiteral("minPField"), QStringLiteral("0.5"));
            QVERIFY(minP);
            QCOMPARE(w.chat.minP(), 0.5);
            typeInto(QStringLiteral("minPField"), QStringLiteral("0,25"));  // a decimal comma too
            QCOMPARE(w.chat.minP(), 0.25);

            // Not a number, and out of range: shown as invalid, kept as typed, nothing changes.
            typeInto(QStringLiteral("temperatureField"), QStringLiteral("abc"));
            QCOMPARE(temperature->property("text").toString(), QStringLiteral("abc"));
            QVERIFY(!temperature->property("valid").toBool());
            QCOMPARE(w.chat.temperature(), 0.7);
            shoot(window, language + QStringLiteral("-light-settings-invalid-number"));
            typeInto(QStringLiteral("temperatureField"), QStringLiteral("3"));
            QVERIFY(!temperature->property("valid").toBool());
            QCOMPARE(w.chat.temperature(), 0.7);
            // Leaving the field keeps what was typed (no silent clamp to 2.00).
            window->findChild<QQuickItem*>(QStringLiteral("contextField"))->forceActiveFocus();
            QTest::qWait(50);
            QCOMPARE(temperature->property("text").toString(), QStringLiteral("3"));
            QCOMPARE(w.chat.temperature(), 0.7);
            // Up steps from the last valid value.
            temperature->forceActiveFocus();
            typeInto(QStringLiteral("temperatureField"), QStringLiteral("1.2"));
            QTest::keyClick(window, Qt::Key_Up);
            QCOMPARE(w.chat.temperature(), 1.25);

            QQuickItem* context = typeInto(QStringLiteral("contextField"), QStringLiteral("8192"));
            QCOMPARE(w.chat.contextLength(), 8192);
            typeInto(QStringLiteral("contextField"), QStringLiteral("8.5"));
            QVERIFY(!context->property("valid").toBool());
            QCOMPARE(w.chat.contextLength(), 8192);
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
        chat.setContextLength(512);
        chat.setMaxTokens(64);
        QVERIFY(w.show());
        QQuickWindow* window = w.window;
        chat.start(model, false);
        QTRY_VERIFY_WITH_TIMEOUT(chat.modelLoaded(), 20000);
        QCOMPARE(chat.contextSize(), qint64{512});
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
        QVERIFY(!banner->isVisible());  // said once, in plain words
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
        QVERIFY2(chat.contextSize() > 512, qPrintable(QStringLiteral("context %1, setting %2, turns %3, last %4")
                                                          .arg(chat.contextSize())
                                                          .arg(chat.contextLength())
                                                          .arg(finished.size())
                                                          .arg(finished.last().first().toString())));
        QCOMPARE(chat.contextLength(), static_cast<int>(chat.contextSize()));
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
        w.chat.start({}, false);
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
        QSignalSpy imported(&w.chat, &ChatController::modelImported);
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
        w.chat.start({}, false);
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
        w.chat.start({}, false);
        QCOMPARE(w.chat.modelFiles().size(), 0);
        deepdesk::testing::write_scripted_chat_model(
            QDir(w.chat.modelsFolder()).filePath(QStringLiteral("copied.gguf")).toStdString());
        QTRY_COMPARE_WITH_TIMEOUT(w.chat.modelFiles().size(), 1, 5000);
        QFile::remove(QDir(w.chat.modelsFolder()).filePath(QStringLiteral("copied.gguf")));
        QTRY_COMPARE_WITH_TIMEOUT(w.chat.modelFiles().size(), 0, 5000);
        // A folder chosen later is watched too.
        const QString other = dir.filePath(QStringLiteral("elsewhere"));
        QDir().mkpath(other);
        w.chat.setModelsFolder(other);
        deepdesk::testing::write_scripted_chat_model(QDir(other).filePath(QStringLiteral("there.gguf")).toStdString());
        QTRY_COMPARE_WITH_TIMEOUT(w.chat.modelFiles().size(), 1, 5000);
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
        ChatController chat(dir.path());
        QSignalSpy opened(&chat, &ChatController::conversationOpened);
        chat.start({}, true);
        QVERIFY(opened.wait(5000));
        QCOMPARE(chat.conversationId(), recent);
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
