// SPDX-License-Identifier: GPL-3.0-or-later
// Start-up of the desktop app: command line, display check, QML engine, main window.
#pragma once

namespace deepdesk::app {

// The whole life of `deepdesk`; returns the process exit code.
int run(int argc, char** argv);

}  // namespace deepdesk::app
