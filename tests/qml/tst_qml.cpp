// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the tst_*.qml files with the app's static QML modules available and the app's real
// singletons (Services: Chat, Settings, ModelHost, ...) over a temporary data folder seeded with one conversation whose
// answer has three versions, for the branch switcher.
#include <QtQml/qqmlextensionplugin.h>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQuickTest>

#include <memory>

#include "app/offlineqml.h"
#include "app/services.h"
#include "storage/conversation_store.h"
#include "storage/database.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

class Setup : public QObject {
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable() {
        QQuickStyle::setStyle(QStringLiteral("Basic"));
        QStandardPaths::setTestModeEnabled(true);  // settings away from the user's
        QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTests"));
        QCoreApplication::setApplicationName(QStringLiteral("qml_tests"));
    }
    void qmlEngineAvailable(QQmlEngine* engine) {
        engine->addImportPath(QStringLiteral("qrc:/"));
        deepdesk::app::keepQmlOffline(*engine);  // as the app: local URLs only, and image://math
        if (!m_app) {
            seed();
            m_app = std::make_unique<deepdesk::app::Services>(m_dir.path());
            m_app->exposeToQml();
        }
        engine->rootContext()->setContextProperty(QStringLiteral("seededConversationId"), m_conversationId);
    }
    void cleanupTestCase() { m_app.reset(); }

private:
    void seed() {
        deepdesk::storage::database db(QDir(m_dir.path()).filePath(QStringLiteral("conversations.db")).toStdString());
        deepdesk::storage::conversation_store store(db);
        deepdesk::storage::conversation c;
        c.title = "Branches";
        m_conversationId = store.create_conversation(c);
        const auto user = store.add_message(m_conversationId, std::nullopt, "user", "Pick a colour");
        for (const char* answer : {"Red", "Green", "Blue"}) {
            store.add_message(m_conversationId, user, "assistant", answer);
        }
    }

    QTemporaryDir m_dir;
    std::unique_ptr<deepdesk::app::Services> m_app;
    qint64 m_conversationId = 0;
};

QUICK_TEST_MAIN_WITH_SETUP(deepdesk_qml, Setup)
#include "tst_qml.moc"
