// SPDX-License-Identifier: GPL-3.0-or-later
// A long rich answer streaming into the window's answer view (MarkdownView): 10,000 words with 50
// formulas and 20 code blocks, written at 50 tokens/s. The answer up to its last `--tail` tokens
// is set at once (as when it has been streaming for minutes), then the rest arrives token by token
// on a timer. A small square keeps turning, as the streaming indicator does, so the window draws
// at its own pace: a slow frame shows as a long interval between frames. Prints the worst and p95
// interval while it streams, and the GUI thread's longest stall (a 1 ms timer's largest gap).
// Target: worst frame < 33 ms.
// Usage: bench_rich [--tail N] [--rate TOKENS_PER_S]. Runs offscreen unless QT_QPA_PLATFORM says
// otherwise. Figures are printed; nothing is asserted.
#include <QtQml/qqmlextensionplugin.h>
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "app/offlineqml.h"

Q_IMPORT_QML_PLUGIN(DeepDeskAppPlugin)
Q_IMPORT_QML_PLUGIN(DeepDeskUiPlugin)

namespace {

int argument(int argc, char** argv, const char* name, int fallback) {
    for (int i = 1; i + 1 < argc; ++i) {
        if (std::strcmp(argv[i], name) == 0) {
            return std::atoi(argv[i + 1]);
        }
    }
    return fallback;
}

// The answer as tokens (a word with its space, or a piece of a formula or code line): 10,000
// words of mixed Chinese and English prose, 50 formulas (inline and display, R1's forms), 20
// code blocks, a table.
std::vector<std::string> rich_answer_tokens() {
    static const char* words[] = {"模型",   "推理",  "上下文", "量化",  "内存",  "矩阵",     "注意力", "the", "model",
                                  "answer", "token", "cache",  "layer", "proof", "integral", "hence",  "so"};
    static const char* formulas[] = {"$\\frac{n(n+1)}{2}$",
                                     "$$\\sum_{i=1}^n i^2 = \\frac{n(n+1)(2n+1)}{6}$$",
                                     "\\(\\sqrt{x^2+y^2}\\)",
                                     "\\[ \\int_0^1 x^2\\,dx = \\frac{1}{3} \\]",
                                     "$\\lim_{x \\to 0} \\frac{\\sin x}{x} = 1$",
                                     "$$\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}$$",
                                     "$\\boxed{42}$"};
    std::mt19937 rng(7);
    std::vector<std::string> tokens;
    int formula = 0, code = 0;
    for (int w = 0; w < 10000; ++w) {
        tokens.push_back(std::string(words[rng() % std::size(words)]) + " ");
        if (w % 200 == 199 && formula < 50) {
            tokens.push_back(std::string(formulas[formula++ % std::size(formulas)]) + " ");
        }
        if (w % 500 == 499 && code < 20) {
            ++code;
            tokens.push_back("\n\n```python\n");
            for (int l = 0; l < 6; ++l) {
                tokens.push_back("def f" + std::to_string(l) + "(x):");
                tokens.push_back("\n    return x * " + std::to_string(l) + "  # 注释\n");
            }
            tokens.push_back("```\n\n");
        }
        if (w % 80 == 79) {
            tokens.push_back("\n\n");
        }
    }
    tokens.push_back("\n\n| n | $n^2$ |\n|--:|:--:|\n| 1 | 1 |\n| 2 | 4 |\n");
    return tokens;
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QGuiApplication app(argc, argv);
    const int tail = argument(argc, argv, "--tail", 500);
    const int rate = std::max(1, argument(argc, argv, "--rate", 50));
    const std::vector<std::string> tokens = rich_answer_tokens();
    const std::size_t start = tokens.size() > static_cast<std::size_t>(tail) ? tokens.size() - tail : 0;
    std::string text;
    for (std::size_t i = 0; i < start; ++i) {
        text += tokens[i];
    }

    const std::size_t startChars = text.size();
    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/"));
    deepdesk::app::keepQmlOffline(engine);
    engine.loadData(R"QML(
import QtQuick
import QtQuick.Controls
import DeepDesk.Ui
ApplicationWindow {
    width: 1000; height: 800; visible: true
    property alias answer: view.text
    ScrollView {
        id: scroller
        anchors.fill: parent
        contentWidth: availableWidth
        MarkdownView { id: view; width: scroller.availableWidth }
    }
    // Something always moving (as the streaming indicator does), so the window draws frames at
    // its own pace and a late frame shows as a long interval, not as a token without a frame.
    Rectangle {
        width: 8; height: 8; color: "gray"
        RotationAnimation on rotation { from: 0; to: 360; duration: 1000; loops: Animation.Infinite }
    }
    function toEnd() { scroller.ScrollBar.vertical.position = 1.0 - scroller.ScrollBar.vertical.size }
}
)QML");
    if (engine.rootObjects().isEmpty()) {
        std::fprintf(stderr, "the view did not load\n");
        return 1;
    }
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    QElapsedTimer setClock;
    setClock.start();
    window->setProperty("answer", QString::fromStdString(text));
    const double setMs = static_cast<double>(setClock.nsecsElapsed()) / 1e6;

    bool streaming = false;
    std::size_t next = start;
    QElapsedTimer frameClock;
    std::vector<double> gaps;
    QObject::connect(window, &QQuickWindow::frameSwapped, &app, [&] {
        if (streaming && frameClock.isValid()) {
            gaps.push_back(static_cast<double>(frameClock.nsecsElapsed()) / 1e6);
            if (std::getenv("BENCH_RICH_TRACE") != nullptr && gaps.back() > 33.0) {
                std::fprintf(stderr, "slow frame %.1f ms after token %zu: '%s'\n", gaps.back(), next - 1,
                             tokens[next - 1].c_str());
            }
        }
        frameClock.restart();
    });
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 1500) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }

    double longestStall = 0.0;
    QElapsedTimer tickClock;
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    ticker.setInterval(1);
    QObject::connect(&ticker, &QTimer::timeout, &app, [&] {
        longestStall = std::max(longestStall, static_cast<double>(tickClock.nsecsElapsed()) / 1e6);
        tickClock.restart();
    });

    QTimer feeder;
    feeder.setTimerType(Qt::PreciseTimer);
    feeder.setInterval(1000 / rate);
    QObject::connect(&feeder, &QTimer::timeout, &app, [&] {
        if (next >= tokens.size()) {
            feeder.stop();
            streaming = false;
            ticker.stop();
            QTimer::singleShot(200, &app, &QCoreApplication::quit);
            return;
        }
        text += tokens[next++];
        window->setProperty("answer", QString::fromStdString(text));
        QMetaObject::invokeMethod(window, "toEnd");
        window->requestUpdate();
    });
    streaming = true;
    frameClock.invalidate();
    tickClock.start();
    ticker.start();
    feeder.start();
    app.exec();

    std::sort(gaps.begin(), gaps.end());
    const auto pct = [&](double p) {
        return gaps.empty() ? 0.0 : gaps[static_cast<std::size_t>(p * (gaps.size() - 1))];
    };
    std::printf("answer:                    %zu tokens, the first %zu set at once (%zu characters)\n", tokens.size(),
                start, startChars);
    std::printf("setting the long answer:   %.0f ms (once, before streaming)\n", setMs);
    std::printf(
        "streaming the last %d tokens at %d tok/s: %zu frames, interval p50 %.1f ms, p95 %.1f ms, worst "
        "%.1f ms (target < 33 ms)\n",
        tail, rate, gaps.size(), pct(0.5), pct(0.95), gaps.empty() ? 0.0 : gaps.back());
    std::printf("GUI thread's longest stall while streaming: %.1f ms\n", longestStall);
    return 0;
}
