// SPDX-License-Identifier: GPL-3.0-or-later
// What the window tests share: the real main window (Main.qml) over the app's objects, put
// together as the application does it, fresh settings, and ways to find and name its items.
#pragma once

#include <QFileInfo>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQmlProperty>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

#include <cstdio>
#include <memory>

#include "app/application.h"
#include "app/localization.h"
#include "app/offlineqml.h"
#include "app/services.h"

namespace deepdesk::testing {

using deepdesk::app::ChatController;

// Types `text` into the focused item, one key event per character.
inline void typeText(QWindow* window, const QString& text) {
    for (const QChar c : text) {
        QTest::keyClick(window, c.toLatin1());
    }
}

// Visual items under `root` named `name` (delegates hang in the item tree, not the object tree).
// What a text item shows, as plain text (a rich-text item's `text` is its HTML).
inline QString plainText(QObject* item) {
    QString out;
    const int length = item->property("length").toInt();
    if (!QMetaObject::invokeMethod(item, "getText", Q_RETURN_ARG(QString, out), Q_ARG(int, 0), Q_ARG(int, length))) {
        return item->property("text").toString();
    }
    return out;
}

inline QList<QQuickItem*> itemsNamed(QQuickItem* root, const QString& name) {
    QList<QQuickItem*> out;
    if (root->objectName() == name) {
        out << root;
    }
    for (auto* child : root->childItems()) {
        out << itemsNamed(child, name);
    }
    return out;
}

inline bool inherits(const QObject* o, const char* className) {
    for (const QMetaObject* m = o->metaObject(); m; m = m->superClass()) {
        if (qstrcmp(m->className(), className) == 0) {
            return true;
        }
    }
    return false;
}

// Visual items under `root` of the C++ class `className` (or a subclass).
inline QList<QQuickItem*> itemsOfClass(QQuickItem* root, const char* className) {
    QList<QQuickItem*> out;
    if (inherits(root, className)) {
        out << root;
    }
    for (auto* child : root->childItems()) {
        out << itemsOfClass(child, className);
    }
    return out;
}

// What a screen reader would announce for `item`: its Accessible.name, or for a button without
// one, its text (Qt Quick Controls name buttons after their text when accessibility is on). The
// offscreen platform has no accessibility bridge, so the attached property is read directly.
inline QString accessibleName(QQuickItem* item) {
    QQmlProperty attached(item, QStringLiteral("Accessible.name"), qmlContext(item));
    QString name = attached.isValid() ? attached.read().toString() : QString();
    if (name.trimmed().isEmpty() && inherits(item, "QQuickAbstractButton")) {
        name = item->property("text").toString();
    }
    return name.trimmed();
}

// Every visible control a user can operate (buttons, fields, boxes) under `root` that a screen
// reader would announce without a name.
inline QStringList unnamedControls(QQuickItem* root) {
    QStringList out;
    if (!root->isVisible()) {
        return out;
    }
    for (const char* kind : {"QQuickAbstractButton", "QQuickComboBox", "QQuickSpinBox", "QQuickTextField",
                             "QQuickTextArea", "QQuickSlider", "QQuickSwitch"}) {
        if (inherits(root, kind)) {
            if (accessibleName(root).isEmpty()) {
                QString where;
                for (QQuickItem* p = root->parentItem(); p; p = p->parentItem()) {
                    where += QStringLiteral("/") + QString::fromLatin1(p->metaObject()->className()) + p->objectName();
                }
                out << QStringLiteral("%1 '%2' %3")
                           .arg(QString::fromLatin1(root->metaObject()->className()), root->objectName(), where);
            }
            if (inherits(root, "QQuickComboBox") || inherits(root, "QQuickSpinBox")) {
                return out;  // their inner fields are part of them
            }
            break;
        }
    }
    for (auto* child : root->childItems()) {
        out << unnamedControls(child);
    }
    return out;
}

// Settings in the test location, empty: every window test starts as a first run would.
inline void freshSettings() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
    // Named after the test program, so window tests running side by side keep apart.
    QCoreApplication::setApplicationName(QFileInfo(QCoreApplication::applicationFilePath()).baseName());
    QSettings().clear();
    QFile::remove(deepdesk::app::Settings::secretsPath());
}

// The real main window over the app's objects (Services) on `dataDir`, put together as the
// application does it. Set them up, then show().
struct MainWindow {
    deepdesk::app::Services services;
    ChatController& chat = services.chat;
    deepdesk::app::ModelHost& host = services.host;
    deepdesk::app::Settings& settings = services.settings;
    deepdesk::app::ProvidersController& providers = services.providers;
    QQmlApplicationEngine engine;
    const bool paths = (engine.addImportPath(QStringLiteral("qrc:/")), deepdesk::app::keepQmlOffline(engine), true);
    deepdesk::app::Localization localization{&engine, &services.settings, QStringLiteral("en")};
    QQuickWindow* window = nullptr;

    explicit MainWindow(const QString& dataDir) : services(dataDir) {
        deepdesk::app::useControlsStyle();  // as the application does
        services.exposeToQml();
    }
    // Loads Main.qml and waits until the window is on screen; false when it did not come up.
    bool show() {
        engine.setInitialProperties({{QStringLiteral("localization"), QVariant::fromValue(&localization)}});
        engine.load(QUrl(QStringLiteral("qrc:/DeepDesk/Ui/Main.qml")));
        window = engine.rootObjects().isEmpty() ? nullptr : qobject_cast<QQuickWindow*>(engine.rootObjects().first());
        return window != nullptr && QTest::qWaitForWindowExposed(window);
    }
};

inline QStringList g_qmlWarnings;

inline void collectQmlWarnings(QtMsgType type, const QMessageLogContext&, const QString& message) {
    if (type != QtDebugMsg && message.contains(QStringLiteral("qrc:/"))) {
        g_qmlWarnings << message;
    }
    std::fprintf(stderr, "%s\n", qPrintable(message));
}

}  // namespace deepdesk::testing
