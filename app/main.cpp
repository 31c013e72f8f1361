// SPDX-License-Identifier: GPL-3.0-or-later
// deepdesk: the desktop app. Everything lives in the libraries; this only links them.
#include <QtQml/qqmlextensionplugin.h>

#include "app/application.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

int main(int argc, char** argv) { return deepdesk::app::run(argc, argv); }
