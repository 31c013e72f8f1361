// SPDX-License-Identifier: GPL-3.0-or-later
// Start-up of the desktop app: command line, display check, QML engine, main window.
#pragma once

namespace deepdesk::app {

// The whole life of `deepdesk`; returns the process exit code.
int run(int argc, char** argv);
// The Qt Quick Controls style the window is made for; set before any QML is loaded.
void useControlsStyle();

}  // namespace deepdesk::app
