// SPDX-License-Identifier: GPL-3.0-or-later
// The command line of `deepdesk`, parsed before any QGuiApplication exists so that --help,
// --version and bad flags work without a display.
#pragma once

#include <QString>
#include <QStringList>

namespace deepdesk::app {

struct StartupOptions {
    enum class Action { Run, ShowHelp, ShowVersion, Error };

    Action action = Action::Run;
    QString screenshotPath;   // --screenshot FILE.png: render the main window once, save it, quit
    QString language;         // --lang CODE: UI language for this run (e.g. "en", "zh_CN")
    QString modelPath;        // --model FILE.gguf: load this model at start (else the last one used)
    bool openLatest = false;  // --continue: open the most recent conversation
    QString openView;         // --open NAME: a page or dialog to open at start (settings, models, ...)
    QString message;          // help text, version line, or the error followed by the usage
};

// Parses argv-style arguments (arguments[0] is the program).
StartupOptions parseStartupOptions(const QStringList& arguments);

}  // namespace deepdesk::app
