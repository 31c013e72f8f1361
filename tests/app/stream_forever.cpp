// SPDX-License-Identifier: GPL-3.0-or-later
// A helper for the kill -9 test (tst_owners): the app's objects over DATA_DIR stream an endless
// answer from MODEL; "streaming" is printed once the answer is under way, then it streams until
// it is killed.
//   stream_forever DATA_DIR MODEL
#include <QCoreApplication>
#include <QStandardPaths>
#include <QTimer>

#include <cstdio>

#include "app/services.h"

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fputs("usage: stream_forever DATA_DIR MODEL\n", stderr);
        return 2;
    }
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DeepDeskTest"));
    QCoreApplication::setApplicationName(QStringLiteral("stream_forever"));
    deepdesk::app::Services services(QString::fromLocal8Bit(argv[1]));
    services.settings.setMaxTokens(1 << 18);
    services.settings.setContextLength(1 << 18);
    services.host.loadModel(QString::fromLocal8Bit(argv[2]));
    QObject::connect(&services.host, &deepdesk::app::ModelHost::modelReady, &app,
                     [&] { services.chat.send(QStringLiteral("Go on forever")); });
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &app, [&] {
        const auto& rows = services.chat.messages()->rows();
        if (rows.size() == 2 && rows.back().message.content.size() > 200) {
            std::puts("streaming");
            std::fflush(stdout);
            poll.stop();
        }
    });
    poll.start(20);
    return QCoreApplication::exec();
}
