// SPDX-License-Identifier: GPL-3.0-or-later
// DownloadManager: the transfers. One file at a time, resumed with Range after a drop, retried
// with backoff, checked for free space first, then verified (SHA-256, GGUF header) and installed.
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkReply>
#include <QStorageInfo>

#include <algorithm>
#include <vector>

#include "app/downloadmanager.h"
#include "app/httpretry.h"
#include "app/offthread.h"
#include "engine/gguf.h"

namespace deepdesk::app {
namespace {

constexpr qint64 k_diskMargin = 64LL << 20;  // keep this much free beyond the download

// Notes and errors are kept as their sources (marked QT_TR_NOOP where they are written) with
// their arguments, so they follow the language of the window (UiText).
UiText say(const char* source, QList<UiText> args = {}) {
    return UiText::translated(DownloadManager::staticMetaObject, source, std::move(args));
}

QString humanBytes(qint64 n) {
    return n >= 1000000000 ? QString::number(static_cast<double>(n) / 1e9, 'f', 1) + QStringLiteral(" GB")
                           : QString::number(static_cast<double>(n) / 1e6, 'f', 0) + QStringLiteral(" MB");
}

}  // namespace

void DownloadManager::startNext() {
    if (busy()) {
        return;
    }
    // The first queued item whose retry time has come; a retry that must still wait leaves the
    // way to the others, and the timer wakes it.
    const qint64 now = m_clock.elapsed();
    qint64 wake = -1;
    for (auto& it : m_items) {
        if (it.state != State::Queued) {
            continue;
        }
        if (it.retryAtMs <= now) {
            m_retryTimer.stop();
            begin(it);
            return;
        }
        wake = wake < 0 ? it.retryAtMs : std::min(wake, it.retryAtMs);
    }
    if (wake >= 0) {
        m_retryTimer.start(static_cast<int>(wake - now));
    }
}

void DownloadManager::begin(Item& item) {
    QDir().mkpath(m_modelsFolder);
    if (!lockPart(item)) {
        fail(item, say(QT_TR_NOOP("Another DeepDesk is downloading %1 into the same models folder. Let it finish "
                                  "there, or retry here once it has stopped."),
                       {UiText::of(item.fileName)}));
        return;
    }
    const QString part = partPath(item);
    const qint64 have = QFileInfo(part).size();
    // Enough space for the rest of it, and for the parts of a split model still to come (a model
    // whose last part finds the disk full is of no use)?
    if (item.expectedSize > 0) {
        qint64 needed = k_diskMargin;
        std::vector<Item*> parts;
        for (auto& it : m_items) {
            const bool mine = &it == &item || (!item.group.isEmpty() && it.group == item.group);
            if (mine && it.state != State::Done && it.expectedSize > 0) {
                needed += std::max<qint64>(0, it.expectedSize - QFileInfo(partPath(it)).size());
                parts.push_back(&it);
            }
        }
        const qint64 free = m_freeSpace(m_modelsFolder);
        if (free >= 0 && free < needed) {
            const UiText error =
                parts.size() > 1
                    ? say(QT_TR_NOOP("Not enough disk space: %1 (%2 parts) needs %3 more, %4 is free in %5. Free some "
                                     "space or choose another models folder in Settings."),
                          {UiText::of(item.modelName), UiText::of(QString::number(parts.size())),
                           UiText::of(humanBytes(needed)), UiText::of(humanBytes(free)), UiText::of(m_modelsFolder)})
                    : say(QT_TR_NOOP("Not enough disk space: %1 needs %2 more, %3 is free in %4. Free some space or "
                                     "choose another models folder in Settings."),
                          {UiText::of(item.fileName), UiText::of(humanBytes(needed)), UiText::of(humanBytes(free)),
                           UiText::of(m_modelsFolder)});
            for (Item* other : parts) {
                if (other == &item || other->state == State::Queued) {
                    fail(*other, error);
                }
            }
            return;
        }
    }
    // A resumed part is hashed again first, on its own thread: the checksum covers every byte of
    // the file, and a part of many GB must not freeze the window.
    if (have <= 0) {
        request(item, std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256), 0);
        return;
    }
    if (m_hashThread.joinable()) {
        m_hashThread.join();
    }
    m_hashingId = item.id;
    m_hashStop = false;
    item.state = State::Downloading;
    item.received = have;
    item.note = say(QT_TR_NOOP("Checking the %1 downloaded so far\u2026"), {UiText::of(humanBytes(have))});
    changed(item);
    Q_EMIT busyChanged();
    m_hashThread = std::thread([this, part, id = item.id] {
        auto hash = std::make_shared<std::unique_ptr<QCryptographicHash>>(
            std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256));
        qint64 hashed = 0;
        QFile f(part);
        bool ok = f.open(QIODevice::ReadOnly);
        while (ok && !m_hashStop && !f.atEnd()) {
            const QByteArray chunk = f.read(4 << 20);
            ok = !chunk.isEmpty();
            (*hash)->addData(chunk);
            hashed += chunk.size();
        }
        if (m_hashStop) {
            return;
        }
        QMetaObject::invokeMethod(
            this,
            [this, id, hash, hashed, ok] {
                m_hashingId.clear();
                Q_EMIT busyChanged();
                Item* it = find(id);
                if (it == nullptr || it->state != State::Downloading) {
                    startNext();  // cancelled or paused meanwhile
                    return;
                }
                it->note = {};
                if (!ok) {
                    fail(*it, say(QT_TR_NOOP("Cannot read %1."), {UiText::of(partPath(*it))}));
                    startNext();
                    return;
                }
                request(*it, std::move(*hash), hashed);
            },
            Qt::QueuedConnection);
    });
}

void DownloadManager::request(Item& item, std::unique_ptr<QCryptographicHash> hash, qint64 have) {
    const QString part = partPath(item);
    m_hash = std::move(hash);
    m_file.setFileName(part);
    // Unbuffered: a full disk shows at the write that hits it, not at some later flush.
    if (!m_file.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        fail(item, say(QT_TR_NOOP("Cannot write %1: %2"), {UiText::of(part), UiText::of(m_file.errorString())}));
        startNext();
        return;
    }
    m_file.resize(have);  // exactly what was hashed
    m_file.seek(have);
    item.received = have;
    item.state = State::Downloading;
    item.bytesPerSecond = 0;
    m_checkedStatus = false;
    m_stalled = false;

    m_redirects = 0;
    item.attemptStart = item.received;
    send(item, item.url);
    m_stallTimer.start(m_readTimeoutMs);
    m_speedBytes = 0;
    m_speedClock.start();
    m_speedTimer.start();
    changed(item);
    save();
    Q_EMIT busyChanged();
}

void DownloadManager::send(Item& item, const QUrl& url) {
    QNetworkRequest req(url);
    req.setHeader(QNetworkRequest::UserAgentHeader, QStringLiteral("DeepDesk"));
    if (item.received > 0) {
        req.setRawHeader("Range", "bytes=" + QByteArray::number(item.received) + "-");
        if (!item.etag.isEmpty()) {
            req.setRawHeader("If-Range", item.etag.toUtf8());
        }
    }
    const bool authorized = m_token.authorize(req);
    m_activeId = item.id;
    m_active = m_network.get(req);
    connect(m_active, &QNetworkReply::readyRead, this, &DownloadManager::onReadyRead);
    connect(m_active, &QNetworkReply::finished, this, &DownloadManager::onFinished);
    // A hub sends the file from another host (a CDN): that request goes without the token.
    connect(m_active, &QNetworkReply::redirected, this, [this, reply = m_active, authorized](const QUrl& to) {
        if (reply != m_active) {
            return;
        }
        if (m_token.allowsRedirect(reply->url(), to, authorized)) {
            Q_EMIT reply->redirectAllowed();
        } else if (!HubToken::downgrades(reply->url(), to) && ++m_redirects <= 10) {
            m_redirectTo = to;  // onFinished asks there again, without the token
            reply->abort();
        } else {
            reply->abort();  // to http, or round in circles: fails like any broken transfer
        }
    });
}

void DownloadManager::onReadyRead() {
    Item* it = find(m_activeId);
    if (it == nullptr || !m_active) {
        return;
    }
    m_stallTimer.start(m_readTimeoutMs);
    if (!m_checkedStatus) {
        const int status = m_active->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status >= 400) {
            return;  // the body is an error page; onFinished reports it
        }
        m_checkedStatus = true;
        const QString etag = QString::fromUtf8(m_active->rawHeader("ETag"));
        if (!etag.isEmpty()) {
            it->etag = etag;
        }
        if (status == 200 && it->received > 0) {
            // The server sent the whole file instead of the rest: start over, and say so.
            m_file.resize(0);
            m_file.seek(0);
            m_hash->reset();
            it->received = 0;
            it->note =
                say(QT_TR_NOOP("The server does not support resuming; the download restarted from the beginning."));
        }
        const qint64 length = m_active->header(QNetworkRequest::ContentLengthHeader).toLongLong();
        if (length > 0) {
            it->total = it->received + length;
        }
    }
    const QByteArray chunk = m_active->readAll();
    if (it->expectedSize > 0 && it->received + chunk.size() > it->expectedSize) {
        // More than the listing said: not the file that was asked for (or a server gone wrong);
        // stop before it fills the disk.
        abandonTransfer(*it, say(QT_TR_NOOP("The server sent more than the %1 bytes the listing gives for %2; the "
                                            "download was stopped and the part deleted."),
                                 {UiText::of(it->expectedSize), UiText::of(it->fileName)}));
        QFile::remove(partPath(*it));
        it->received = 0;
        startNext();
        return;
    }
    if (m_file.write(chunk) != chunk.size()) {
        const qint64 free = m_freeSpace(m_modelsFolder);
        const UiText why =
            free >= 0 && free < chunk.size() + k_diskMargin
                ? say(QT_TR_NOOP("The disk is full (%1 free in %2). The part downloaded so far is kept: free some "
                                 "space and resume."),
                      {UiText::of(humanBytes(free)), UiText::of(m_modelsFolder)})
                : say(QT_TR_NOOP("Writing %1 failed (%2); the disk may be full. The part downloaded so far is "
                                 "kept: free some space and resume."),
                      {UiText::of(m_file.fileName()), UiText::of(m_file.errorString())});
        abandonTransfer(*it, why);
        return;
    }
    m_hash->addData(chunk);
    it->received += chunk.size();
    m_speedBytes += chunk.size();
}

void DownloadManager::abandonTransfer(Item& item, const UiText& why) {
    QNetworkReply* r = m_active;
    r->disconnect(this);
    r->abort();
    r->deleteLater();
    m_active = nullptr;
    m_file.close();
    m_activeId.clear();
    m_stallTimer.stop();
    m_speedTimer.stop();
    fail(item, why);
    Q_EMIT busyChanged();
}

void DownloadManager::onFinished() {
    QNetworkReply* reply = m_active;
    if (reply == nullptr) {
        return;
    }
    if (m_redirectTo.isValid()) {  // the same transfer, on at the redirect's target
        const QUrl to = m_redirectTo;
        m_redirectTo.clear();
        m_active = nullptr;
        reply->deleteLater();
        if (Item* it = find(m_activeId); it != nullptr && it->state == State::Downloading) {
            send(*it, to);
            return;
        }
    }
    if (reply->bytesAvailable() > 0 && reply->error() == QNetworkReply::NoError) {
        onReadyRead();
        if (!m_active) {
            return;  // a write failure ended it
        }
    }
    m_active = nullptr;
    reply->deleteLater();
    m_stallTimer.stop();
    m_speedTimer.stop();
    m_file.flush();
    m_file.close();
    const QString id = m_activeId;
    m_activeId.clear();
    Q_EMIT busyChanged();
    Item* it = find(id);
    if (it == nullptr) {
        startNext();
        return;
    }
    it->bytesPerSecond = 0;
    if (it->state == State::Paused) {
        m_partLocks.erase(it->id);  // written out: another DeepDesk may go on with it
        changed(*it);
        save();
        startNext();
        return;
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const auto err = reply->error();
    if (status == 401 || status == 403) {
        fail(*it,
             say(QT_TR_NOOP(
                     "The server refused the download (HTTP %1). The model may be gated: sign in on the hub, accept "
                     "its licence at %2, and add an access token in Settings."),
                 {UiText::of(status), UiText::of(it->repoUrl.isEmpty() ? it->url.toString() : it->repoUrl)}));
    } else if (status == 404) {
        fail(*it, say(QT_TR_NOOP(
                          "The file was not found on the server (HTTP 404): %1. The repository may have been renamed; "
                          "check the model page."),
                      {UiText::of(it->url.toString())}));
    } else if (status == 416) {
        // The part is as long as the file, or longer: check it, or start again.
        if (it->expectedSize > 0 && it->received == it->expectedSize) {
            verifyAndInstall(*it);
        } else {
            QFile::remove(partPath(*it));
            it->received = 0;
            it->note = say(
                QT_TR_NOOP("The partial file did not match the server's; the download restarted from the beginning."));
            it->state = State::Queued;
            changed(*it);
            startNext();
        }
    } else if (err == QNetworkReply::NoError && status >= 200 && status < 300 && it->total > 0 &&
               it->received < it->total) {
        // Fewer bytes than the server's own Content-Length: Qt sometimes reports a connection
        // closed early as a normal end. Resume, as after a drop.
        retryLater(*it, say(QT_TR_NOOP("the connection ended early")));
    } else if (err == QNetworkReply::NoError && status >= 200 && status < 300) {
        verifyAndInstall(*it);
    } else if (m_stalled) {
        retryLater(*it, say(QT_TR_NOOP("no data for %1 s"), {UiText::of(m_readTimeoutMs / 1000.0)}));
    } else if (serverBusy(status) || err == QNetworkReply::RemoteHostClosedError ||
               err == QNetworkReply::TimeoutError || err == QNetworkReply::TemporaryNetworkFailureError ||
               err == QNetworkReply::NetworkSessionFailedError || err == QNetworkReply::ProxyConnectionClosedError ||
               err == QNetworkReply::UnknownNetworkError || err == QNetworkReply::OperationCanceledError ||
               err == QNetworkReply::ConnectionRefusedError || err == QNetworkReply::HostNotFoundError) {
        if (it->retries >= m_maxRetries &&
            (err == QNetworkReply::HostNotFoundError || err == QNetworkReply::ConnectionRefusedError)) {
            fail(*it, say(QT_TR_NOOP(
                              "Cannot reach %1: the computer seems to be offline, or the server is down. The download "
                              "resumes where it stopped when you retry."),
                          {UiText::of(it->url.host())}));
        } else {
            retryLater(*it, UiText::plain(reply->errorString()), retryAfterMs(*reply, 3600 * 1000));
        }
    } else {
        fail(*it, say(QT_TR_NOOP("The download failed: %1"), {UiText::of(reply->errorString())}));
    }
    startNext();
}

void DownloadManager::retryLater(Item& item, const UiText& why, qint64 serverAskedMs) {
    // Only attempts that brought nothing count: a connection that drops every few MB still gets
    // the file, however many times it drops.
    if (item.received > item.attemptStart) {
        item.retries = 0;
    }
    if (item.retries >= m_maxRetries) {
        fail(item, say(QT_TR_NOOP("The download kept failing (%1). The part is kept; retry to resume it."),
                       {UiText::of(why)}));
        return;
    }
    // Exponential, with up to a quarter more at random so that clients do not come back in step;
    // what the server asked for (Retry-After) when it asked for longer.
    const qint64 base =
        std::min<qint64>(m_backoffMaxMs, static_cast<qint64>(m_backoffMs) << std::min(item.retries, 16));
    const qint64 jitter = static_cast<qint64>(m_jitter() * static_cast<double>(base) / 4.0);
    const qint64 delay = std::max(base + jitter, serverAskedMs);
    ++item.retries;
    item.state = State::Queued;
    item.retryAtMs = m_clock.elapsed() + delay;
    item.note = say(QT_TR_NOOP("Connection problem (%1); retrying in %2 s (attempt %3 of %4)."),
                    {UiText::of(why), UiText::of(QString::number(static_cast<double>(delay) / 1000.0, 'f', 1)),
                     UiText::of(item.retries), UiText::of(m_maxRetries)});
    changed(item);
    save();
}

void DownloadManager::fail(Item& item, const UiText& error) {
    item.state = State::Failed;
    m_partLocks.erase(item.id);  // failures come once the transfer is over: nothing writes the part now
    item.error = error;
    item.bytesPerSecond = 0;
    changed(item);
    save();
    Q_EMIT itemFailed(item.id, error.text());
}

void DownloadManager::verifyAndInstall(Item& item) {
    item.state = State::Verifying;
    changed(item);
    const QString part = partPath(item);
    const qint64 size = QFileInfo(part).size();
    if (item.expectedSize > 0 && size != item.expectedSize) {
        QFile::remove(part);
        fail(item,
             say(QT_TR_NOOP("%1 arrived with %2 bytes instead of %3; it was deleted. Retry to download it again."),
                 {UiText::of(item.fileName), UiText::of(size), UiText::of(item.expectedSize)}));
        return;
    }
    const QString sha = QString::fromLatin1(m_hash ? m_hash->result().toHex() : QByteArray());
    if (!item.expectedSha256.isEmpty() && sha != item.expectedSha256) {
        QFile::remove(part);
        fail(item,
             say(QT_TR_NOOP("%1 is damaged: its SHA-256 is %2, the source says %3. The file was deleted; retry to "
                            "download it again."),
                 {UiText::of(item.fileName), UiText::of(sha), UiText::of(item.expectedSha256)}));
        return;
    }
    // Only a file the engine can read becomes a model. The engine reads its header off the GUI
    // thread.
    runOffThread(
        this,
        [part]() -> QString {
            try {
                deepdesk::gguf::model_file::open(part.toStdString());
            } catch (const std::exception& e) {
                return QString::fromStdString(e.what());
            }
            return {};
        },
        [this, id = item.id, part, sha, size](const QString& error) {
            Item* it = find(id);
            if (it == nullptr || it->state != State::Verifying) {
                return;  // cancelled meanwhile
            }
            if (!error.isEmpty()) {
                QFile::remove(part);
                fail(*it, say(QT_TR_NOOP("%1 is not a usable GGUF file (%2); it was deleted."),
                              {UiText::of(it->fileName), UiText::of(error)}));
                return;
            }
            install(*it, sha, size);
        });
}

void DownloadManager::install(Item& item, const QString& sha, qint64 size) {
    const QString part = partPath(item);
    QFile::remove(finalPath(item));
    if (!QFile::rename(part, finalPath(item))) {
        fail(item, say(QT_TR_NOOP("Could not move %1 into the models folder."), {UiText::of(item.fileName)}));
        return;
    }
    item.state = State::Done;
    m_partLocks.erase(item.id);
    item.received = size;
    item.total = size;
    item.note = item.expectedSha256.isEmpty()
                    ? say(QT_TR_NOOP("Verified: GGUF header and size (the source gave no checksum)."))
                    : say(QT_TR_NOOP("Verified: SHA-256 %1"), {UiText::of(sha.left(16) + QStringLiteral("\u2026"))});
    changed(item);
    save();
    // The model is ready when every file of its group is.
    QString first;
    for (const auto& other : m_items) {
        if (other.group != item.group) {
            continue;
        }
        if (other.state != State::Done) {
            return;
        }
        if (first.isEmpty() || other.fileName < first) {
            first = other.fileName;
        }
    }
    Q_EMIT modelReady(QDir(m_modelsFolder).filePath(first), item.modelName);
}

}  // namespace deepdesk::app
