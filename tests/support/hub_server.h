// SPDX-License-Identifier: GPL-3.0-or-later
// A local HTTP server on 127.0.0.1 that imitates a model hub for the download tests: files with
// Range/206 and an ETag, API answers, a redirect, 401/404/416, and faults on demand (connections
// dropped mid-body, a stall, a server that ignores Range).
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <random>

namespace deepdesk::testing {

// The imitation hub. /file serves `body` (Range, ETag); /redirect sends there; /gated is 401;
// every unknown path is 404; any path containing /gated is 401; any path in `files` serves that body like /file, any
// path in `json` answers with that JSON (the hub's API). Faults are armed per test and apply to file bodies.
class HubServer : public QTcpServer {
public:
    QByteArray body;
    QHash<QByteArray, QByteArray> files, json;  // by path, without the query
    int dropsLeft = 0;                          // responses cut off at a random point, the connection closed
    bool stallOnce = false;                     // one response stops sending half way and keeps the socket open
    bool ignoreRange = false;                   // answers every request with 200 and the whole body
    qint64 throttle = 0;                        // bytes per 10 ms when > 0
    QList<qint64> rangeStarts;                  // the Range start of every file request (0 without one)
    QList<QByteArray> requests;                 // every request target, in order
    QList<QByteArray> authorizations;           // the Authorization header of each ("" when none)
    QHash<QByteArray, QByteArray> redirects;    // path -> Location (302)
    int unavailableLeft = 0;                    // file requests answered 503 first
    int retryAfterSeconds = 0;                  // their Retry-After (0: none)
    int apiUnavailableLeft = 0;                 // API (json) requests answered 503 first, with that Retry-After
    QList<qint64> requestTimes;                 // ms since the server was made, per request
    QElapsedTimer clock;
    std::mt19937 rng{7};

    explicit HubServer(QObject* parent = nullptr) : QTcpServer(parent) {
        clock.start();
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                connect(s, &QTcpSocket::readyRead, this, [this, s] { onRequest(s); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    QUrl url(const QString& path) const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(serverPort()).arg(path));
    }

private:
    void onRequest(QTcpSocket* s) {
        QByteArray& buf = m_pending[s];
        buf += s->readAll();
        if (!buf.contains("\r\n\r\n")) {
            return;
        }
        const QList<QByteArray> lines = buf.left(buf.indexOf("\r\n\r\n")).split('\n');
        m_pending.remove(s);
        const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
        const QByteArray target = requestLine.value(1);
        const QByteArray path = target.left(target.indexOf('?') < 0 ? target.size() : target.indexOf('?'));
        requests << target;
        qint64 from = 0;
        QByteArray authorization;
        for (const QByteArray& l : lines) {
            const QByteArray t = l.trimmed();
            if (t.toLower().startsWith("range: bytes=")) {
                from = t.mid(13, t.indexOf('-') - 13).toLongLong();
            } else if (t.toLower().startsWith("authorization:")) {
                authorization = t.mid(14).trimmed();
            }
        }
        authorizations << authorization;
        requestTimes << clock.elapsed();
        const bool fileRequest = files.contains(path) || path == "/file";
        if ((unavailableLeft > 0 && fileRequest) || (apiUnavailableLeft > 0 && json.contains(path))) {
            --(fileRequest ? unavailableLeft : apiUnavailableLeft);
            reply(s, "503 Service Unavailable",
                  (retryAfterSeconds > 0 ? "Retry-After: " + QByteArray::number(retryAfterSeconds) + "\r\n"
                                         : QByteArray()) +
                      "Content-Length: 0\r\n",
                  {});
        } else if (redirects.contains(path)) {
            reply(s, "302 Found", "Location: " + redirects[path] + "\r\nContent-Length: 0\r\n", {});
        } else if (json.contains(path)) {
            reply(s, "200 OK",
                  "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(json[path].size()) + "\r\n",
                  json[path]);
        } else if (files.contains(path)) {
            rangeStarts << from;
            serveFile(s, files[path], ignoreRange ? 0 : from);
        } else if (path == "/redirect") {
            reply(s, "302 Found", "Location: /file\r\nContent-Length: 0\r\n", {});
        } else if (path == "/gated" || path.contains("/gated")) {
            reply(s, "401 Unauthorized", "Content-Length: 0\r\n", {});
        } else if (path == "/missing") {
            reply(s, "404 Not Found", "Content-Length: 0\r\n", {});
        } else if (path == "/file") {
            rangeStarts << from;
            serveFile(s, body, ignoreRange ? 0 : from);
        } else {
            reply(s, "404 Not Found", "Content-Length: 0\r\n", {});
        }
    }

    void reply(QTcpSocket* s, const QByteArray& status, const QByteArray& headers, const QByteArray& content) {
        s->write("HTTP/1.1 " + status + "\r\n" + headers + "Connection: close\r\n\r\n" + content);
        s->disconnectFromHost();
    }

    void serveFile(QTcpSocket* s, const QByteArray& content, qint64 from) {
        if (from > content.size()) {
            reply(s, "416 Range Not Satisfiable", "Content-Length: 0\r\n", {});
            return;
        }
        const qint64 length = content.size() - from;
        QByteArray head = from > 0 ? QByteArray("HTTP/1.1 206 Partial Content\r\n") : QByteArray("HTTP/1.1 200 OK\r\n");
        head += "Content-Length: " + QByteArray::number(length) + "\r\nETag: \"v1\"\r\nAccept-Ranges: bytes\r\n";
        if (from > 0) {
            head += "Content-Range: bytes " + QByteArray::number(from) + "-" + QByteArray::number(content.size() - 1) +
                    "/" + QByteArray::number(content.size()) + "\r\n";
        }
        head += "Connection: close\r\n\r\n";
        s->write(head);
        // Where this response stops early, if it does.
        qint64 cut = -1;
        bool stall = false;
        if (dropsLeft > 0 && length > 1) {
            --dropsLeft;
            cut = from + 1 + static_cast<qint64>(rng() % static_cast<std::uint64_t>(length - 1));
        } else if (stallOnce && length > 1) {
            stallOnce = false;
            stall = true;
            cut = from + length / 2;
        }
        auto* pos = new qint64(from);
        auto pump = [this, s, pos, cut, stall, content] {
            const qint64 end = cut >= 0 ? cut : content.size();
            while (*pos < end && s->bytesToWrite() < (4 << 20)) {
                const qint64 n = std::min<qint64>(throttle > 0 ? throttle : (1 << 20), end - *pos);
                s->write(content.constData() + *pos, n);
                *pos += n;
                if (throttle > 0) {
                    return;
                }
            }
            if (*pos >= end && s->bytesToWrite() == 0) {
                if (cut >= 0 && !stall) {
                    s->abort();  // dropped mid-content
                } else if (!stall) {
                    s->disconnectFromHost();
                }
                // A stall keeps the socket open and silent until the client gives up.
            }
        };
        if (throttle <= 0) {
            connect(s, &QTcpSocket::bytesWritten, s, pump);  // as fast as the socket takes it
        }
        auto* timer = new QTimer(s);
        connect(timer, &QTimer::timeout, s, pump);
        timer->start(10);
        connect(s, &QObject::destroyed, [pos] { delete pos; });
        pump();
    }

    QHash<QTcpSocket*, QByteArray> m_pending;
};

}  // namespace deepdesk::testing
