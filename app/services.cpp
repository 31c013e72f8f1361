// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/services.h"

#include "app/inferenceworker.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJSEngine>
#include <QQmlEngine>

namespace deepdesk::app {
namespace {

Services* g_exposed = nullptr;  // whose objects the QML singletons are

template <class T>
void registerSingleton(const char* name, T Services::*member) {
    qmlRegisterSingletonType<T>("DeepDesk.App", 1, 0, name, [member](QQmlEngine*, QJSEngine*) -> QObject* {
        QObject* o = &(g_exposed->*member);
        QJSEngine::setObjectOwnership(o, QJSEngine::CppOwnership);
        return o;
    });
}

}  // namespace

QString Services::databasePath(const QString& dataDir) {
    if (!QFileInfo::exists(dataDir) && QDir().mkpath(dataDir)) {
        // Conversations and keys of downloads live here: the owner's only.
        QFile::setPermissions(dataDir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    return QDir(dataDir).filePath(QStringLiteral("conversations.db"));
}

Services::Services(const QString& dataDir)
    : settings(dataDir),
      storage(databasePath(dataDir)),
      providers(&settings),
      tools(&settings),
      host(&settings, &providers),
      server(&settings, &host),
      chat(&settings, &storage, &host, &tools),
      collections(&storage, &settings, databasePath(dataDir)),
      models(&settings, &host, &storage, dataDir) {
    chat.setDataDir(dataDir);
    chat.setEmbeddingSource([this] { return collections.embedding(); });
    host.worker()->setEmbeddingSource([this] { return collections.embedding(); });
}

Services::~Services() {
    if (g_exposed == this) {
        g_exposed = nullptr;
    }
}

void Services::start(const QString& modelPath, bool openLatest) {
    host.start(modelPath);
    tools.start();
    collections.start();
    if (openLatest) {
        chat.openLatest();
    }
}

void Services::exposeToQml() {
    g_exposed = this;
    static const bool registered = [] {
        registerSingleton<Settings>("Settings", &Services::settings);
        registerSingleton<ProvidersController>("Providers", &Services::providers);
        registerSingleton<ToolsController>("Tools", &Services::tools);
        registerSingleton<ModelHost>("ModelHost", &Services::host);
        registerSingleton<ServerController>("Server", &Services::server);
        registerSingleton<ChatController>("Chat", &Services::chat);
        registerSingleton<CollectionsController>("Collections", &Services::collections);
        registerSingleton<ModelsController>("Models", &Services::models);
        return true;
    }();
    Q_UNUSED(registered);
}

}  // namespace deepdesk::app
