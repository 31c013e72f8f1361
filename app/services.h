// SPDX-License-Identifier: GPL-3.0-or-later
// The app's objects, one owner per concern, made in the order they depend on each other and
// handed to QML as singletons. The application and the window tests put the app together here.
//
//   Settings ─┬─> ProvidersController
//             ├─> ToolsController (MCP servers) ──> ChatController
//             ├─> ModelHost (engine thread) ──> ServerController
//             ├─> ChatController ──> LocalTurnRunner / RemoteTurnRunner
//             └─> ModelsController ──> DownloadManager
//   StorageThread: the one database connection, for the chat, the runners and the downloads;
//   CollectionsController indexes folders on a thread and a connection of its own.
#pragma once

#include <QString>

#include "app/chatcontroller.h"
#include "app/collectionscontroller.h"
#include "app/modelhost.h"
#include "app/modelscontroller.h"
#include "app/providers.h"
#include "app/servercontroller.h"
#include "app/settings.h"
#include "app/storagethread.h"
#include "app/toolscontroller.h"

class QQmlEngine;

namespace deepdesk::app {

struct Services {
    // dataDir holds conversations.db and, unless the settings say otherwise, models/.
    explicit Services(const QString& dataDir);
    ~Services();
    Services(const Services&) = delete;
    Services& operator=(const Services&) = delete;

    // Loads `modelPath`, or the model last used; opens the most recent conversation when asked.
    void start(const QString& modelPath, bool openLatest);
    // The QML singletons Settings, Providers, ModelHost, Server, Chat and Models of every engine
    // made from now on are these objects.
    void exposeToQml();

    static QString databasePath(const QString& dataDir);

    Settings settings;
    StorageThread storage;
    ProvidersController providers;
    ToolsController tools;
    ModelHost host;
    ServerController server;
    ChatController chat;
    CollectionsController collections;
    ModelsController models;
};

}  // namespace deepdesk::app
