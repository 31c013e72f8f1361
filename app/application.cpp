// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/application.h"

#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QUrl>

#include <cstdio>

#include "app/localization.h"
#include "app/offlineqml.h"
#include "app/screenshotter.h"
#include "app/services.h"
#include "app/startupoptions.h"
#include "engine/version.h"

namespace deepdesk::app {
namespace {

QStringList argumentList(int argc, char** argv) {
    QStringList out;
    for (int i = 0; i < argc; ++i) {
        out << QString::fromLocal8Bit(argv[i]);
    }
    return out;
}

bool envSet(const char* name) { return !qEnvironmentVariableIsEmpty(name); }

// Qt aborts when it cannot reach a display; say what is wrong before that happens. Returns false
// after printing the reason when no display is usable. A screenshot run falls back to offscreen.
bool ensureDisplay(bool screenshotRun) {
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    const bool needsX11 = platform.isEmpty() || platform.startsWith("xcb");
    const bool needsWayland = platform.startsWith("wayland");
    const bool haveDisplay = envSet("DISPLAY") || (platform.isEmpty() && envSet("WAYLAND_DISPLAY"));
    if ((needsX11 && !haveDisplay) || (needsWayland && !envSet("WAYLAND_DISPLAY"))) {
        if (screenshotRun) {
            qputenv("QT_QPA_PLATFORM", "offscreen");
            return true;
        }
        std::fprintf(stderr,
                     "deepdesk: no display to open the window on (%s is not set).\n"
                     "Start DeepDesk from a desktop session, or set QT_QPA_PLATFORM=offscreen to run "
                     "it without a screen.\n",
                     needsWayland ? "WAYLAND_DISPLAY" : "DISPLAY");
        return false;
    }
    return true;
}

}  // namespace

void useControlsStyle() {
    // The Basic style takes its colours from the palette, which follows the light or dark theme
    // (Qt's default on Linux, Fusion, draws some parts in its own colours).
    if (QQuickStyle::name() != QLatin1String("Basic")) {
        QQuickStyle::setStyle(QStringLiteral("Basic"));
    }
}

int run(int argc, char** argv) {
    const StartupOptions options = parseStartupOptions(argumentList(argc, argv));
    switch (options.action) {
    case StartupOptions::Action::ShowHelp:
    case StartupOptions::Action::ShowVersion: std::fputs(qPrintable(options.message), stdout); return 0;
    case StartupOptions::Action::Error: std::fputs(qPrintable(options.message), stderr); return 2;
    case StartupOptions::Action::Run: break;
    }
    if (!options.language.isEmpty() && !Localization::supportedLanguages().contains(options.language)) {
        std::fprintf(stderr, "deepdesk: unknown language '%s'; supported: %s\n", qPrintable(options.language),
                     qPrintable(Localization::supportedLanguages().join(QStringLiteral(", "))));
        return 2;
    }
    const bool screenshotRun = !options.screenshotPath.isEmpty();
    if (!ensureDisplay(screenshotRun)) {
        return 1;
    }

    QGuiApplication::setOrganizationName(QStringLiteral("DeepDesk"));
    QGuiApplication::setApplicationName(QStringLiteral("DeepDesk"));
    QGuiApplication::setApplicationVersion(QString::fromLatin1(deepdesk::version()));
    QGuiApplication::setDesktopFileName(QStringLiteral("deepdesk"));
    QGuiApplication app(argc, argv);
    useControlsStyle();

    // Conversations and models live in the user's data folder (DEEPDESK_DATA_DIR overrides it).
    const QString dataDir = qEnvironmentVariableIsEmpty("DEEPDESK_DATA_DIR")
                                ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                                : qEnvironmentVariable("DEEPDESK_DATA_DIR");
    Services services(dataDir);
    services.exposeToQml();
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    keepQmlOffline(engine);
    Localization localization(&engine, &services.settings, options.language);
    if (!services.models.catalogError().isEmpty()) {
        std::fprintf(stderr, "deepdesk: the catalog in the data folder was not used: %s\n",
                     qPrintable(services.models.catalogError()));
    }
    services.start(options.modelPath, options.openLatest);
    engine.setInitialProperties({{QStringLiteral("localization"), QVariant::fromValue(&localization)}});

    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app, [] { QCoreApplication::exit(1); },
        Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/DeepDesk/Ui/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        std::fputs("deepdesk: the main window failed to load (see the messages above)\n", stderr);
        return 1;
    }
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().constFirst());
    if (window == nullptr) {
        std::fputs("deepdesk: the main QML file did not create a window\n", stderr);
        return 1;
    }

    if (!options.openView.isEmpty()) {
        QMetaObject::invokeMethod(window, "openView", Q_ARG(QVariant, options.openView));
    }
    std::unique_ptr<Screenshotter> shooter;
    if (screenshotRun) {
        shooter = std::make_unique<Screenshotter>(window, options.screenshotPath);
        QObject::connect(shooter.get(), &Screenshotter::finished, &app, [](bool ok, const QString& message) {
            std::fprintf(ok ? stdout : stderr, "deepdesk: screenshot %s\n", qPrintable(message));
            QCoreApplication::exit(ok ? 0 : 1);
        });
        shooter->start();
    }
    return QGuiApplication::exec();
}

}  // namespace deepdesk::app
