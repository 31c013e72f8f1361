// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/startupoptions.h"

#include <QCommandLineParser>
#include <QRegularExpression>

#include "engine/version.h"

namespace deepdesk::app {

StartupOptions parseStartupOptions(const QStringList& arguments) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("DeepDesk: chat with DeepSeek models on this computer."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption version({QStringLiteral("v"), QStringLiteral("version")},
                                     QStringLiteral("Show the version and exit."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the main window once start-up is complete, save it as a PNG and exit. "
                       "Uses the offscreen platform when there is no display."),
        QStringLiteral("file.png"));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QStringLiteral("User interface language for this run: en or zh_CN."),
                                  QStringLiteral("code"));
    const QCommandLineOption model(QStringLiteral("model"),
                                   QStringLiteral("Load this GGUF model at start (default: the last one used)."),
                                   QStringLiteral("file.gguf"));
    const QCommandLineOption resume(QStringLiteral("continue"), QStringLiteral("Open the most recent conversation."));
    // The pages and dialogs --open knows: one list for the help and the check (Main.qml's
    // openView opens each).
    static const QStringList views{
        QStringLiteral("models"),       QStringLiteral("settings"),   QStringLiteral("providers"),
        QStringLiteral("tools"),        QStringLiteral("documents"),  QStringLiteral("about"),
        QStringLiteral("import-model"), QStringLiteral("export-all"), QStringLiteral("import-conversations"),
        QStringLiteral("models-folder")};
    const QCommandLineOption open(QStringLiteral("open"),
                                  QStringLiteral("Open a page or dialog at start: %1 or %2 (with --screenshot, to "
                                                 "picture it).")
                                      .arg(views.mid(0, views.size() - 1).join(QStringLiteral(", ")), views.last()),
                                  QStringLiteral("name"));
    parser.addOption(help);
    parser.addOption(version);
    parser.addOption(screenshot);
    parser.addOption(lang);
    parser.addOption(model);
    parser.addOption(resume);
    parser.addOption(open);

    // helpText() names the program from QCoreApplication; spell it out instead.
    const QString usage = parser.helpText().replace(QRegularExpression(QStringLiteral("^Usage: \\S*")),
                                                    QStringLiteral("Usage: deepdesk"));

    StartupOptions out;
    if (!parser.parse(arguments)) {
        out.action = StartupOptions::Action::Error;
        out.message = QStringLiteral("deepdesk: %1\n\n%2").arg(parser.errorText(), usage);
        return out;
    }
    if (!parser.positionalArguments().isEmpty()) {
        out.action = StartupOptions::Action::Error;
        out.message =
            QStringLiteral("deepdesk: unexpected argument '%1'\n\n%2").arg(parser.positionalArguments().first(), usage);
        return out;
    }
    if (parser.isSet(help)) {
        out.action = StartupOptions::Action::ShowHelp;
        out.message = usage;
        return out;
    }
    if (parser.isSet(version)) {
        out.action = StartupOptions::Action::ShowVersion;
        out.message = QStringLiteral("deepdesk %1\n").arg(QString::fromLatin1(deepdesk::version()));
        return out;
    }
    out.screenshotPath = parser.value(screenshot);
    if (parser.isSet(screenshot) && out.screenshotPath.isEmpty()) {
        out.action = StartupOptions::Action::Error;
        out.message = QStringLiteral("deepdesk: --screenshot needs a file name\n\n%1").arg(usage);
        return out;
    }
    out.language = parser.value(lang);
    out.modelPath = parser.value(model);
    out.openLatest = parser.isSet(resume);
    out.openView = parser.value(open);
    if (parser.isSet(open) && !views.contains(out.openView)) {
        out.action = StartupOptions::Action::Error;
        out.message = QStringLiteral("deepdesk: --open takes one of %1, not '%2'\n\n%3")
                          .arg(views.join(QStringLiteral(", ")), out.openView, usage);
        return out;
    }
    return out;
}

}  // namespace deepdesk::app
