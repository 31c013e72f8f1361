// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the tst_*.qml files with the app's static QML modules available.
#include <QtQml/qqmlextensionplugin.h>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QtQuickTest>

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

class Setup : public QObject {
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable() { QQuickStyle::setStyle(QStringLiteral("Basic")); }
    void qmlEngineAvailable(QQmlEngine* engine) { engine->addImportPath(QStringLiteral("qrc:/")); }
};

QUICK_TEST_MAIN_WITH_SETUP(deepdesk_qml, Setup)
#include "tst_qml.moc"
