// SPDX-License-Identifier: GPL-3.0-or-later
// The GUI under load, with the real main window (Main.qml) and ChatController:
//  - start to first frame with 10,000 conversations in the database;
//  - resident memory of the GUI process with those conversations listed;
//  - an answer streamed into a 500-message conversation by the scripted R1-style model (a real
//    GGUF the engine runs; far faster than 200 tok/s, so the GUI sees more text per frame than a
//    200 tok/s model would give it): the worst interval between frames while it streams and the
//    GUI thread's longest stall (a 1 ms timer's largest gap) from the load to the end;
//  - a folder of 1,000 Markdown notes indexed as a document collection with the Documents dialog
//    open: the time it takes, the frame intervals and the GUI thread's longest stall meanwhile.
// Usage: bench_gui [--conversations N] [--messages N] [--tokens N] [--files N]. Runs offscreen unless
// QT_QPA_PLATFORM says otherwise. Figures are printed; nothing is asserted.
#include <QtQml/qqmlextensionplugin.h>
#include <QDir>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTimer>

#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "app/chatcontroller.h"
#include "app/localization.h"
#include "app/offlineqml.h"
#include "app/services.h"
#include "storage/conversation_store.h"
#include "storage/database.h"
#include "tests/support/scripted_chat_model.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

namespace {

double resident_mb() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;
        }
    }
    return 0.0;
}

std::string text(std::mt19937& rng, int words) {
    static const char* k_words[] = {"模型",  "推理",   "上下文", "量化",  "内存",  "矩阵",  "注意力",   "the",
                                    "model", "answer", "token",  "cache", "layer", "proof", "integral", "code"};
    std::uniform_int_distribution<std::size_t> pick(0, std::size(k_words) - 1);
    std::string s;
    for (int i = 0; i < words; ++i) {
        s += k_words[pick(rng)];
        s += ' ';
    }
    return s;
}

int argument(int argc, char** argv, const char* name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::string(argv[i]) == name) {
            return std::stoi(argv[i + 1]);
        }
    }
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    const int n_conversations = argument(argc, argv, "--conversations", 10000);
    const int n_messages = argument(argc, argv, "--messages", 500);
    const int n_tokens = argument(argc, argv, "--tokens", 2000);
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QTemporaryDir dir;
    const QString model = dir.filePath(QStringLiteral("DeepSeek-R1-Scripted.gguf"));
    deepdesk::testing::scripted_chat_spec spec;
    spec.loop = true;  // answers until max tokens
    spec.n_ctx = 32768;
    deepdesk::testing::write_scripted_chat_model(model.toStdString(), spec);

    // The database: many short conversations and one long one (opened last, so most recent).
    std::int64_t big = 0;
    {
        deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
        deepdesk::storage::conversation_store store(db);
        std::mt19937 rng(1);
        SQLite::Transaction tx(db.sql());
        for (int c = 0; c < n_conversations; ++c) {
            deepdesk::storage::conversation conv;
            conv.title = text(rng, 4);
            const auto id = store.create_conversation(conv);
            const auto u = store.add_message(id, std::nullopt, "user", text(rng, 8));
            store.add_message(id, u, "assistant", text(rng, 30));
        }
        deepdesk::storage::conversation conv;
        conv.title = "Long conversation";
        big = store.create_conversation(conv);
        std::optional<std::int64_t> parent;
        for (int m = 0; m < n_messages; ++m) {
            parent = store.add_message(big, parent, m % 2 == 0 ? "user" : "assistant", text(rng, m % 2 == 0 ? 2 : 5));
        }
        tx.commit();
    }

    QElapsedTimer sinceStart;
    sinceStart.start();
    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskBench"));
    QCoreApplication::setApplicationName(QStringLiteral("bench_gui"));
    deepdesk::app::Services services(dir.path());
    deepdesk::app::ChatController& chat = services.chat;
    services.settings.setContextLength(32768);
    services.settings.setMaxTokens(n_tokens);
    services.settings.setThreads(argument(argc, argv, "--threads", 0));
    services.exposeToQml();
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    deepdesk::app::keepQmlOffline(engine);
    deepdesk::app::Localization localization(&engine, &services.settings, QStringLiteral("en"));
    engine.setInitialProperties({{QStringLiteral("localization"), QVariant::fromValue(&localization)}});
    engine.load(QUrl(QStringLiteral("qrc:/DeepDesk/Ui/Main.qml")));
    if (engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "the main window did not load\n");
        return 1;
    }
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    qint64 firstFrameMs = -1;
    bool streaming = false;
    QElapsedTimer frameClock;
    std::vector<double> frameGaps;
    QObject::connect(window, &QQuickWindow::frameSwapped, &app, [&] {
        if (firstFrameMs < 0) {
            firstFrameMs = sinceStart.elapsed();
        }
        if (streaming && frameClock.isValid()) {
            frameGaps.push_back(static_cast<double>(frameClock.nsecsElapsed()) / 1e6);
        }
        frameClock.restart();
    });
    window->show();
    while (firstFrameMs < 0 && sinceStart.elapsed() < 30000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    QTimer::singleShot(300, &app, [] {});  // let the sidebar fill in
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 300) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    const double rssListed = resident_mb();

    // Stalls of the GUI thread: a 1 ms timer should tick every millisecond.
    double longestStall = 0.0, longestStreamingStall = 0.0;
    const char* phase = "load";
    const char* stallPhase = "";
    QElapsedTimer tickClock;
    tickClock.start();
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
        const double gap = static_cast<double>(tickClock.nsecsElapsed()) / 1e6;
        if (gap > longestStall) {
            longestStall = gap;
            stallPhase = phase;
        }
        if (streaming) {
            longestStreamingStall = std::max(longestStreamingStall, gap);
        }
        tickClock.restart();
    });
    ticker.start();

    services.start(model, false);
    QElapsedTimer wait;
    wait.start();
    while (!services.host.modelLoaded() && wait.elapsed() < 60000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    phase = "open the long conversation";
    QElapsedTimer openClock;
    openClock.start();
    bool opened = false;
    QObject::connect(&chat, &deepdesk::app::ChatController::conversationOpened, &app, [&] { opened = true; });
    chat.openConversation(big);
    const qint64 openMs = openClock.elapsed();  // what the GUI thread spends in the call
    while (!opened && openClock.elapsed() < 60000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    const qint64 openShownMs = openClock.elapsed();  // until the rows are on screen
    phase = "send";
    QString finish;
    QObject::connect(&chat, &deepdesk::app::ChatController::turnFinished, &app,
                     [&](const QString& reason) { finish = reason; });
    // Frames are timed from the first streamed text on (before it, only the seconds counter
    // changes, once a second).
    QObject::connect(chat.messages(), &QAbstractItemModel::dataChanged, &app, [&] {
        const auto& m = chat.messages()->rows().back().message;
        const auto visible = [](const std::string& t) { return t.find_first_not_of(" \n") != std::string::npos; };
        const bool started =
            m.status == deepdesk::storage::message_status::streaming && (visible(m.reasoning) || visible(m.content));
        if (started && !streaming) {
            frameClock.invalidate();  // the quiet time before the first text is not a frame
            streaming = true;
        }
    });
    QElapsedTimer turn;
    turn.start();
    QElapsedTimer sendClock;
    sendClock.start();
    const int rowsBefore = chat.messages()->rowCount();
    chat.send(QStringLiteral("Go on"));
    const qint64 sendMs = sendClock.elapsed();
    qint64 sendShownMs = -1;
    QObject::connect(chat.messages(), &QAbstractItemModel::rowsInserted, &app, [&] {
        if (sendShownMs < 0 && chat.messages()->rowCount() >= rowsBefore + 2) {
            sendShownMs = sendClock.elapsed();
        }
    });
    phase = "prompt and stream";
    while (finish.isEmpty() && turn.elapsed() < 600000) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    streaming = false;
    ticker.stop();
    const auto& rows = chat.messages()->rows();
    const auto& last = rows.back().message;
    std::sort(frameGaps.begin(), frameGaps.end());
    const auto pct = [&](double p) {
        return frameGaps.empty() ? 0.0
                                 : frameGaps[static_cast<std::size_t>(p * static_cast<double>(frameGaps.size() - 1))];
    };
    std::printf("conversations in the database:   %d (+1 of %d messages)\n", n_conversations, n_messages);
    std::printf("start to first frame:            %lld ms\n", static_cast<long long>(firstFrameMs));
    std::printf("GUI resident memory, listed:     %.1f MB\n", rssListed);
    std::printf("turn: finish %s, %lld tokens generated at %.0f tok/s, %zu messages on screen\n", qPrintable(finish),
                static_cast<long long>(last.generated_tokens), last.tokens_per_second, rows.size());
    std::printf("frames while streaming:          %zu, interval p50 %.1f ms, p95 %.1f ms, worst %.1f ms\n",
                frameGaps.size(), pct(0.5), pct(0.95), frameGaps.empty() ? 0.0 : frameGaps.back());
    std::printf("GUI thread longest stall:        %.1f ms while streaming; %.1f ms overall (in: %s)\n",
                longestStreamingStall, longestStall, stallPhase);
    std::printf(
        "GUI thread: open the %d-message conversation %lld ms (shown after %lld ms), send %lld ms (shown "
        "after %lld ms)\n",
        n_messages, static_cast<long long>(openMs), static_cast<long long>(openShownMs), static_cast<long long>(sendMs),
        static_cast<long long>(sendShownMs));
    std::printf("GUI resident memory, at the end: %.1f MB\n", resident_mb());

    // A folder of 1,000 documents indexed as a collection while the window runs, with the
    // Documents dialog open (its progress bar redraws): the frames and the GUI thread's stalls.
    const int n_files = argument(argc, argv, "--files", 1000);
    const QString folder = dir.filePath(QStringLiteral("library"));
    {
        std::mt19937 rng(2);
        for (int i = 0; i < n_files; ++i) {
            const QString sub = QStringLiteral("%1/part-%2").arg(folder).arg(i / 100);
            QDir().mkpath(sub);
            std::ofstream f((sub + QStringLiteral("/note-%1.md").arg(i)).toStdString());
            f << "# Note " << i << "\n\n" << text(rng, 150) << "\n\n## Details\n\n" << text(rng, 250) << "\n";
        }
    }
    QMetaObject::invokeMethod(window, "openView", Q_ARG(QVariant, QStringLiteral("documents")));
    settle.restart();  // the dialog opens and is drawn before the timing starts
    while (settle.elapsed() < 500) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    frameGaps.clear();
    longestStall = 0.0;
    phase = "index";
    frameClock.invalidate();
    streaming = true;  // frames are timed from here on
    tickClock.restart();
    ticker.start();
    QElapsedTimer indexClock;
    indexClock.start();
    services.collections.addFolder(QUrl::fromLocalFile(folder));
    services.collections.waitIdle(600000);
    const qint64 indexMs = indexClock.elapsed();
    streaming = false;
    ticker.stop();
    std::sort(frameGaps.begin(), frameGaps.end());
    qint64 chunks = 0;
    for (const QVariant& c : services.collections.collections()) {
        chunks += c.toMap().value(QStringLiteral("chunks")).toLongLong();
    }
    std::printf(
        "index %d files (%lld passages):  %.1f s; frames %zu, interval p50 %.1f ms, p95 %.1f ms, worst %.1f ms; "
        "GUI thread longest stall %.1f ms\n",
        n_files, static_cast<long long>(chunks), static_cast<double>(indexMs) / 1000.0, frameGaps.size(), pct(0.5),
        pct(0.95), frameGaps.empty() ? 0.0 : frameGaps.back(), longestStall);
    return finish.isEmpty() ? 1 : 0;
}
