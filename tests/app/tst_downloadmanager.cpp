// SPDX-License-Identifier: GPL-3.0-or-later
// The download manager against a local HTTP server on 127.0.0.1 that imitates the hub: redirects
// to the file, Range/206 with an ETag, connections dropped mid-body, a stall, 401/404, a wrong
// checksum, a server that ignores Range; pause, quit and resume; a full disk.
#include <QAbstractItemModelTester>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>
#include <random>

#include <sys/resource.h>
#include <csignal>
#include <utility>

#include "app/downloadmanager.h"
#include "app/localization.h"
#include "app/storagethread.h"
#include "tests/support/gguf_writer.h"
#include "tests/support/hub_server.h"

using deepdesk::app::DownloadManager;
using deepdesk::testing::HubServer;

namespace {

// A GGUF file of about `bytes` bytes: one F32 tensor of pseudo-random values.
QByteArray makeGguf(qint64 bytes, unsigned seed) {
    deepdesk::testing::gguf_writer w;
    w.add_string("general.architecture", "llama");
    const std::int64_t n = std::max<std::int64_t>(64, bytes / 4);
    std::vector<float> v(static_cast<std::size_t>(n));
    std::mt19937 rng(seed);
    for (auto& x : v) {
        x = static_cast<float>(rng() % 1000) / 1000.0f;
    }
    w.add_f32_tensor("blob", {n}, v);
    const auto b = w.bytes();
    return QByteArray(reinterpret_cast<const char*>(b.data()), static_cast<qsizetype>(b.size()));
}

// Every note the download list showed, as it showed them.
std::shared_ptr<QStringList> notesShown(DownloadManager& m) {
    auto notes = std::make_shared<QStringList>();
    QObject::connect(&m, &QAbstractItemModel::dataChanged, &m, [&m, notes](const QModelIndex& i) {
        const QString n = m.data(i, DownloadManager::NoteRole).toString();
        if (!n.isEmpty() && !notes->contains(n)) {
            *notes << n;
        }
    });
    return notes;
}

// The bytes of the file a modelReady signal named.
QByteArray installed(const QSignalSpy& ready) {
    QFile f(ready.first().first().toString());
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString sha256(const QByteArray& b) {
    return QString::fromLatin1(QCryptographicHash::hash(b, QCryptographicHash::Sha256).toHex());
}

}  // namespace

class TestDownloadManager : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_case = 0;

    struct Setup {
        QString models, state;
    };
    Setup fresh() {
        ++m_case;
        const QString base = m_dir.filePath(QString::number(m_case));
        QDir().mkpath(base);
        return {base + QStringLiteral("/models"), base + QStringLiteral("/deepdesk.db")};
    }
    static void quick(DownloadManager& m) {
        m.setBackoff(20, 100);
        m.setReadTimeout(800);
        m.setMaxRetries(40);
    }

private Q_SLOTS:
    void redirectedDownloadIsVerifiedAndInstalled() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(2 << 20, 1);
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        QSignalSpy ready(&m, &DownloadManager::modelReady);
        m.enqueue(hub.url(QStringLiteral("/redirect")), QStringLiteral("tiny.gguf"), QStringLiteral("Tiny"),
                  sha256(hub.body), hub.body.size());
        QVERIFY(ready.wait(20000));
        const QString path = ready.first().first().toString();
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), hub.body);
        QVERIFY(!QFile::exists(path + QStringLiteral(".part")));
        QCOMPARE(m.items().front().state, DownloadManager::State::Done);
        QVERIFY2(m.items().front().note.text().contains(sha256(hub.body).left(16)),
                 qPrintable(m.items().front().note.text()));
    }

    // A download's note and error read in the language the window has now: switched live, and
    // after a restart in another language (they are saved as their sources, not as text).
    void notesAndErrorsFollowTheLanguage() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(64 << 10, 3);
        const auto s = fresh();
        deepdesk::app::Localization localization(nullptr, nullptr, QStringLiteral("en"));
        {
            deepdesk::app::StorageThread mDb(s.state);
            DownloadManager m(s.models, &mDb);
            quick(m);
            QSignalSpy ready(&m, &DownloadManager::modelReady);
            QSignalSpy failed(&m, &DownloadManager::itemFailed);
            m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("tiny.gguf"), QStringLiteral("Tiny"),
                      sha256(hub.body), hub.body.size());
            m.enqueue(hub.url(QStringLiteral("/missing")), QStringLiteral("gone.gguf"), QStringLiteral("Gone"), {}, -1);
            QVERIFY(ready.wait(20000));
            QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 20000);
            const auto note = [&m] { return m.data(m.index(0), DownloadManager::NoteRole).toString(); };
            const auto error = [&m] { return m.data(m.index(1), DownloadManager::ErrorRole).toString(); };
            QVERIFY2(note().startsWith(QStringLiteral("Verified: SHA-256")), qPrintable(note()));
            QVERIFY2(error().contains(QStringLiteral("not found")), qPrintable(error()));
            QSignalSpy changed(&m, &QAbstractItemModel::dataChanged);
            localization.setLanguage(QStringLiteral("zh_CN"));
            QVERIFY(!changed.isEmpty());  // the list is told to read them again
            QVERIFY2(note().startsWith(QStringLiteral("已验证")), qPrintable(note()));
            QVERIFY2(note().contains(sha256(hub.body).left(16)), qPrintable(note()));
            QVERIFY2(error().contains(QStringLiteral("HTTP 404")) && !error().contains(QStringLiteral("not found")),
                     qPrintable(error()));
        }
        localization.setLanguage(QStringLiteral("en"));
        deepdesk::app::StorageThread againDb(s.state);
        DownloadManager again(s.models, &againDb);
        QTRY_COMPARE(again.rowCount(), 2);
        QVERIFY2(
            again.data(again.index(0), DownloadManager::NoteRole).toString().startsWith(QStringLiteral("Verified")),
            qPrintable(again.data(again.index(0), DownloadManager::NoteRole).toString()));
    }

    // The saved queue is read off the GUI thread; a download asked for before it is back joins
    // it, and neither is lost on the next start.
    void aDownloadAskedForAtStartJoinsTheSavedQueue() {
        HubServer hub;  // every path is unknown: 404
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        const auto s = fresh();
        {
            deepdesk::app::StorageThread mDb(s.state);
            DownloadManager m(s.models, &mDb);
            quick(m);
            QSignalSpy failed(&m, &DownloadManager::itemFailed);
            m.enqueue(hub.url(QStringLiteral("/one")), QStringLiteral("one.gguf"), QStringLiteral("One"));
            QVERIFY(failed.wait(10000));
        }
        {
            deepdesk::app::StorageThread mDb(s.state);
            DownloadManager m(s.models, &mDb);
            QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
            quick(m);
            QSignalSpy failed(&m, &DownloadManager::itemFailed);
            m.enqueue(hub.url(QStringLiteral("/two")), QStringLiteral("two.gguf"), QStringLiteral("Two"));
            QTRY_VERIFY(m.restoredQueue());
            QCOMPARE(m.rowCount(), 2);
            QCOMPARE(m.items()[0].id, QStringLiteral("one.gguf"));
            QCOMPARE(m.items()[1].id, QStringLiteral("two.gguf"));
            QVERIFY(!failed.isEmpty() || failed.wait(10000));
        }
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QTRY_VERIFY(m.restoredQueue());
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.items()[1].state, DownloadManager::State::Failed);
    }

    // Several hundred MB through 20 dropped connections and a stall: resumed with Range each
    // time, and the SHA-256 (computed while downloading, the part re-hashed on resume) is right.
    void largeFileSurvivesTwentyDropsAndAStall() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(300LL << 20, 2);
        hub.dropsLeft = 20;
        hub.stallOnce = true;
        const QString expected = sha256(hub.body);
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        QSignalSpy ready(&m, &DownloadManager::modelReady);
        QSignalSpy failed(&m, &DownloadManager::itemFailed);
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("big.gguf"), QStringLiteral("Big"), expected,
                  hub.body.size());
        QTRY_VERIFY_WITH_TIMEOUT(!ready.isEmpty() || !failed.isEmpty(), 240000);
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(1).toString()));
        QCOMPARE(hub.dropsLeft, 0);
        QVERIFY(!hub.stallOnce);
        QVERIFY2(hub.rangeStarts.size() >= 22, qPrintable(QString::number(hub.rangeStarts.size())));
        int resumed = 0;
        for (qint64 r : hub.rangeStarts) {
            resumed += r > 0 ? 1 : 0;
        }
        QVERIFY(resumed >= 20);
        QFile f(ready.first().first().toString());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCryptographicHash h(QCryptographicHash::Sha256);
        QVERIFY(h.addData(&f));
        QCOMPARE(QString::fromLatin1(h.result().toHex()), expected);
    }

    void wrongChecksumDeletesTheFileAndSaysSo() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(1 << 20, 3);
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        QSignalSpy failed(&m, &DownloadManager::itemFailed);
        QSignalSpy ready(&m, &DownloadManager::modelReady);
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("bad.gguf"), QStringLiteral("Bad"),
                  QString(64, QLatin1Char('0')), hub.body.size());
        QVERIFY(failed.wait(20000));
        QVERIFY(ready.isEmpty());
        QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("SHA-256")),
                 qPrintable(failed.first().at(1).toString()));
        QVERIFY(!QFile::exists(QDir(s.models).filePath(QStringLiteral("bad.gguf"))));
        QVERIFY(!QFile::exists(QDir(s.models).filePath(QStringLiteral("bad.gguf.part"))));
    }

    void gatedAndMissingFilesSayWhy() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        QSignalSpy failed(&m, &DownloadManager::itemFailed);
        m.enqueue(hub.url(QStringLiteral("/gated")), QStringLiteral("gated.gguf"), QStringLiteral("Gated"), {}, -1, {},
                  QStringLiteral("https://huggingface.co/org/gated"));
        QVERIFY(failed.wait(20000));
        const QString gated = failed.first().at(1).toString();
        QVERIFY2(gated.contains(QStringLiteral("401")) &&
                     gated.contains(QStringLiteral("https://huggingface.co/org/gated")) &&
                     gated.contains(QStringLiteral("token")),
                 qPrintable(gated));
        m.enqueue(hub.url(QStringLiteral("/missing")), QStringLiteral("missing.gguf"), QStringLiteral("Missing"));
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.last().at(1).toString().contains(QStringLiteral("404")),
                 qPrintable(failed.last().at(1).toString()));
    }

    // Retries wait for real: each longer than the one before, what the server asks (Retry-After)
    // when it asks for longer; attempts that bring bytes do not use up the budget; a download
    // added while a retry waits starts at once.
    void retriesBackOffForRealAndOnlyCountAttemptsWithoutProgress() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(2 << 20, 11);
        hub.unavailableLeft = 3;
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        m.setBackoff(200, 5000);
        m.setReadTimeout(10000);
        m.setMaxRetries(5);
        m.setJitter([] { return 0.0; });
        QSignalSpy ready(&m, &DownloadManager::modelReady);
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("slow.gguf"), QStringLiteral("Slow"),
                  sha256(hub.body), hub.body.size());
        QVERIFY(ready.wait(20000));
        QCOMPARE(hub.requestTimes.size(), 4);  // three 503s, then the file
        const auto gap = [&](int i) { return hub.requestTimes[i] - hub.requestTimes[i - 1]; };
        QVERIFY2(gap(1) >= 190 && gap(2) >= 390 && gap(3) >= 790,
                 qPrintable(QStringLiteral("gaps %1, %2, %3 ms").arg(gap(1)).arg(gap(2)).arg(gap(3))));

        // Retry-After: 2 is waited for, though the backoff alone would be 200 ms.
        hub.unavailableLeft = 1;
        hub.retryAfterSeconds = 2;
        hub.requestTimes.clear();
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("after.gguf"), QStringLiteral("After"),
                  sha256(hub.body), hub.body.size());
        QVERIFY(ready.wait(20000));
        QCOMPARE(hub.requestTimes.size(), 2);
        QVERIFY2(hub.requestTimes[1] - hub.requestTimes[0] >= 1900,
                 qPrintable(QString::number(hub.requestTimes[1] - hub.requestTimes[0])));

        // Eight drops, each after some progress, with a budget of five attempts: it completes.
        hub.retryAfterSeconds = 0;
        hub.dropsLeft = 8;
        m.setMaxRetries(5);
        m.setBackoff(20, 100);
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("drops.gguf"), QStringLiteral("Drops"),
                  sha256(hub.body), hub.body.size());
        QVERIFY2(ready.wait(30000),
                 qPrintable(m.items().back().note.text() + QStringLiteral(" / ") + m.items().back().error.text() +
                            QStringLiteral(" / state ") + QString::number(static_cast<int>(m.items().back().state))));
        QCOMPARE(hub.dropsLeft, 0);

        // A retry waiting (a long Retry-After) does not hold up a new download.
        hub.unavailableLeft = 1;
        hub.retryAfterSeconds = 30;
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("waits.gguf"), QStringLiteral("Waits"),
                  sha256(hub.body), hub.body.size());
        QTRY_VERIFY(m.items().back().state == DownloadManager::State::Queued && m.items().back().retries == 1);
        QElapsedTimer since;
        since.start();
        hub.files["/other"] = hub.body;
        m.enqueue(hub.url(QStringLiteral("/other")), QStringLiteral("other.gguf"), QStringLiteral("Other"),
                  sha256(hub.body), hub.body.size());
        QVERIFY(ready.wait(10000));
        QCOMPARE(QFileInfo(ready.last().first().toString()).fileName(), QStringLiteral("other.gguf"));
        QVERIFY(since.elapsed() < 10000);
    }

    // More bytes than the listing said: stopped, the part deleted.
    void moreBytesThanListedStops() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(1 << 20, 12);
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        quick(m);
        QSignalSpy failed(&m, &DownloadManager::itemFailed);
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("big.gguf"), QStringLiteral("Big"), QString(),
                  hub.body.size() / 2);
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.last().at(1).toString().contains(QStringLiteral("more than")),
                 qPrintable(failed.last().at(1).toString()));
        QVERIFY(QDir(s.models).entryList(QDir::Files).isEmpty());
    }

    // The hub token goes to the hub's host only: a download redirected to another host (a CDN,
    // or anywhere a mirror sends it) is fetched there without it. Qt would forward it.
    void theTokenStaysWithItsHost() {
        HubServer hub, cdn;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        QVERIFY(cdn.listen(QHostAddress::LocalHost));
        cdn.body = makeGguf(1 << 20, 9);
        hub.redirects["/resolve/model.gguf"] = "http://localhost:" + QByteArray::number(cdn.serverPort()) + "/file";
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        quick(m);
        m.setAccessToken({QStringLiteral("hf_secret"), QStringLiteral("127.0.0.1")});
        QSignalSpy ready(&m, &DownloadManager::modelReady);
        m.enqueue(hub.url(QStringLiteral("/resolve/model.gguf")), QStringLiteral("model.gguf"), QStringLiteral("M"),
                  sha256(cdn.body), cdn.body.size());
        QVERIFY(ready.wait(20000));
        QCOMPARE(installed(ready), cdn.body);
        QCOMPARE(hub.authorizations, QList<QByteArray>{"Bearer hf_secret"});
        QVERIFY(!cdn.authorizations.isEmpty());
        for (const QByteArray& a : cdn.authorizations) {
            QVERIFY2(a.isEmpty(), a.constData());
        }
        // A token entered for another host is not sent at all.
        m.setAccessToken({QStringLiteral("hf_other"), QStringLiteral("huggingface.co")});
        m.enqueue(cdn.url(QStringLiteral("/file")), QStringLiteral("again.gguf"), QStringLiteral("Again"),
                  sha256(cdn.body), cdn.body.size());
        QVERIFY(ready.wait(20000));
        for (const QByteArray& a : cdn.authorizations) {
            QVERIFY2(a.isEmpty(), a.constData());
        }
    }

    void aServerIgnoringRangeRestartsFromZeroAndSaysSo() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(4 << 20, 4);
        hub.dropsLeft = 1;
        hub.ignoreRange = true;
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        // Every attempt here starts from zero, so a stall seen on a loaded machine (the 800 ms of
        // quick()) would restart it again and again: this test is about Range, not stalls.
        m.setReadTimeout(10000);
        QSignalSpy ready(&m, &DownloadManager::modelReady);
        const auto notes = notesShown(m);
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("norange.gguf"), QStringLiteral("NoRange"),
                  sha256(hub.body), hub.body.size());
        QVERIFY(ready.wait(30000));
        QVERIFY2(!notes->filter(QStringLiteral("restarted from the beginning")).isEmpty(),
                 qPrintable(notes->join(" | ")));
        QVERIFY(hub.rangeStarts.size() >= 2 && hub.rangeStarts.last() > 0);  // it asked to resume
        QCOMPARE(installed(ready), hub.body);
    }

    // Pause, quit (the manager is destroyed), start again: the part and the queue are still
    // there, and resuming asks for the rest only.
    void pauseQuitAndResume() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(8 << 20, 5);
        hub.throttle = 64 << 10;  // about 6 MB/s, so the pause lands half way
        const auto s = fresh();
        QString id;
        {
            deepdesk::app::StorageThread mDb(s.state);
            DownloadManager m(s.models, &mDb);
            quick(m);
            id = m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("paused.gguf"), QStringLiteral("Paused"),
                           sha256(hub.body), hub.body.size());
            QTRY_VERIFY_WITH_TIMEOUT(m.items().front().received > (1 << 20), 20000);
            m.pause(id);
            QTRY_VERIFY(!m.busy());
            QCOMPARE(m.items().front().state, DownloadManager::State::Paused);
        }
        const qint64 part = QFileInfo(QDir(s.models).filePath(QStringLiteral("paused.gguf.part"))).size();
        QVERIFY(part > (1 << 20) && part < hub.body.size());
        hub.throttle = 0;
        deepdesk::app::StorageThread againDb(s.state);
        DownloadManager again(s.models, &againDb);
        quick(again);
        QTRY_VERIFY(again.restoredQueue());  // read back off the GUI thread
        QCOMPARE(again.rowCount(), 1);
        QCOMPARE(again.items().front().state, DownloadManager::State::Paused);
        QCOMPARE(again.items().front().received, part);
        QSignalSpy ready(&again, &DownloadManager::modelReady);
        again.resume(id);
        QVERIFY(ready.wait(30000));
        QCOMPARE(hub.rangeStarts.last(), part);
        QCOMPARE(installed(ready), hub.body);
    }

    void cancelDeletesThePart() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(8 << 20, 6);
        hub.throttle = 64 << 10;
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        const QString id = m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("cancel.gguf"),
                                     QStringLiteral("Cancel"), sha256(hub.body), hub.body.size());
        QTRY_VERIFY_WITH_TIMEOUT(m.items().front().received > 0, 20000);
        m.cancel(id);
        QTRY_VERIFY(!m.busy());
        QVERIFY(!QFile::exists(QDir(s.models).filePath(QStringLiteral("cancel.gguf.part"))));
        QCOMPARE(m.rowCount(), 0);
    }

    // A write that fails half way (the file-size limit makes the kernel refuse it, as a full disk
    // would): the download stops with the disk-full message, the part written so far is kept,
    // and once there is room again it resumes and completes.
    void aWriteFailureKeepsThePartAndResumesLater() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(6 << 20, 8);
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        qint64 freeBytes = 1 << 20;          // what the "disk" reports once a write has failed
        bool checkedBeforeStarting = false;  // the first check is made before starting: enough then
        m.setFreeSpaceProvider(
            [&](const QString&) { return std::exchange(checkedBeforeStarting, true) ? freeBytes : qint64{1} << 30; });
        std::signal(SIGXFSZ, SIG_IGN);  // a failed write returns EFBIG instead of killing the process
        struct SizeLimit {              // restored however the test ends
            rlimit old{};
            bool set = false;
            explicit SizeLimit(rlim_t bytes) {
                getrlimit(RLIMIT_FSIZE, &old);
                rlimit small = old;
                small.rlim_cur = bytes;
                set = setrlimit(RLIMIT_FSIZE, &small) == 0;
            }
            void restore() {
                if (set) {
                    setrlimit(RLIMIT_FSIZE, &old);
                    set = false;
                }
            }
            ~SizeLimit() { restore(); }
        } limit(2 << 20);
        QVERIFY(limit.set);
        QSignalSpy failed(&m, &DownloadManager::itemFailed);
        const QString id = m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("full.gguf"),
                                     QStringLiteral("Full"), sha256(hub.body), hub.body.size());
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 20000);
        limit.restore();
        const QString error = failed.first().at(1).toString();
        QVERIFY2(error.contains(QStringLiteral("disk is full")) && error.contains(QStringLiteral("kept")),
                 qPrintable(error));
        const qint64 part = QFileInfo(QDir(s.models).filePath(QStringLiteral("full.gguf.part"))).size();
        QVERIFY2(part > 0 && part <= (2 << 20), qPrintable(QString::number(part)));
        // Room again: resume continues from the part.
        freeBytes = qint64{1} << 30;
        QSignalSpy ready(&m, &DownloadManager::modelReady);
        m.resume(id);
        QVERIFY(ready.wait(20000));
        QCOMPARE(hub.rangeStarts.last(), part);
        QCOMPARE(installed(ready), hub.body);
    }

    // A part longer than the file on the server (the file was replaced by a smaller one): the
    // server answers 416; the part is thrown away and the download starts again, saying so.
    void aStalePartLongerThanTheFileStartsOver() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(1 << 20, 9);
        const auto s = fresh();
        QDir().mkpath(s.models);
        QFile stale(QDir(s.models).filePath(QStringLiteral("stale.gguf.part")));
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.write(QByteArray(2 << 20, 'x'));
        stale.close();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        const auto notes = notesShown(m);
        QSignalSpy ready(&m, &DownloadManager::modelReady);
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("stale.gguf"), QStringLiteral("Stale"),
                  sha256(hub.body), hub.body.size());
        QVERIFY(ready.wait(20000));
        QVERIFY(hub.rangeStarts.first() == (2 << 20));  // asked for the rest of the stale part: 416
        QCOMPARE(hub.rangeStarts.last(), 0);
        QVERIFY2(!notes->filter(QStringLiteral("did not match")).isEmpty(), qPrintable(notes->join(" | ")));
        QCOMPARE(installed(ready), hub.body);
    }

    void notEnoughDiskSpaceIsRefusedBeforeStarting() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(1 << 20, 7);
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        quick(m);
        m.setFreeSpaceProvider([](const QString&) { return qint64{4096}; });
        QSignalSpy failed(&m, &DownloadManager::itemFailed);
        m.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("full.gguf"), QStringLiteral("Full"),
                  sha256(hub.body), hub.body.size());
        QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 10000);
        QVERIFY2(failed.first().at(1).toString().contains(QStringLiteral("disk space")),
                 qPrintable(failed.first().at(1).toString()));
        QVERIFY(hub.rangeStarts.isEmpty());  // nothing was requested
    }

    // A split model is checked as a whole before its first part starts: parts that would each fit
    // are refused when all of them would not.
    void aSplitModelNeedsRoomForAllItsParts() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.files.insert("/m-00001-of-00003.gguf", makeGguf(1 << 20, 1));
        hub.files.insert("/m-00002-of-00003.gguf", QByteArray(1 << 20, 'b'));
        hub.files.insert("/m-00003-of-00003.gguf", QByteArray(1 << 20, 'c'));
        const auto s = fresh();
        deepdesk::app::StorageThread mDb(s.state);
        DownloadManager m(s.models, &mDb);
        quick(m);
        // Room for one part and the margin, not for three.
        m.setFreeSpaceProvider([](const QString&) { return qint64{(1 << 20) + (64 << 20) + 4096}; });
        QSignalSpy failed(&m, &DownloadManager::itemFailed);
        for (int i = 1; i <= 3; ++i) {
            const QString name = QStringLiteral("m-%1-of-00003.gguf").arg(i, 5, 10, QLatin1Char('0'));
            const QByteArray& body = hub.files["/" + name.toUtf8()];
            m.enqueue(hub.url(QLatin1Char('/') + name), name, QStringLiteral("Split"), sha256(body), body.size(),
                      QStringLiteral("org/m/m"));
        }
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 3, 10000);
        for (const auto& f : failed) {
            QVERIFY2(f.at(1).toString().contains(QStringLiteral("Split (3 parts)")), qPrintable(f.at(1).toString()));
        }
        QVERIFY(hub.rangeStarts.isEmpty());  // nothing was downloaded
    }

    // Two DeepDesks at once (two windows on one database and one models folder): neither drops
    // the other's queue entries when it saves its own, and one file is written by one of them only.
    void twoInstancesKeepEachOthersQueueAndNeverShareAPart() {
        HubServer hub;
        QVERIFY(hub.listen(QHostAddress::LocalHost));
        hub.body = makeGguf(4 << 20, 3);
        hub.throttle = 16 << 10;  // about 1.6 MB/s: the first is still downloading when the second asks
        const auto s = fresh();
        deepdesk::app::StorageThread aDb(s.state), bDb(s.state);
        DownloadManager a(s.models, &aDb), b(s.models, &bDb);
        quick(a);
        quick(b);
        QTRY_VERIFY(a.restoredQueue() && b.restoredQueue());
        const QString id = a.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("shared.gguf"),
                                     QStringLiteral("Shared"), sha256(hub.body), hub.body.size());
        QTRY_VERIFY_WITH_TIMEOUT(a.items().front().received > 0, 10000);
        QSignalSpy bFailed(&b, &DownloadManager::itemFailed);
        b.enqueue(hub.url(QStringLiteral("/file")), QStringLiteral("shared.gguf"), QStringLiteral("Shared"),
                  sha256(hub.body), hub.body.size());
        QTRY_VERIFY_WITH_TIMEOUT(!bFailed.isEmpty(), 10000);
        QVERIFY2(bFailed.first().at(1).toString().contains(QStringLiteral("Another DeepDesk")),
                 qPrintable(bFailed.first().at(1).toString()));
        b.enqueue(hub.url(QStringLiteral("/missing")), QStringLiteral("b-only.gguf"), QStringLiteral("B only"));
        QTRY_VERIFY_WITH_TIMEOUT(bFailed.size() == 2, 10000);
        bDb.flush();
        a.pause(id);  // saves a's queue after b saved its own
        QTRY_VERIFY(!a.busy());
        aDb.flush();
        const qint64 part = QFileInfo(QDir(s.models).filePath(QStringLiteral("shared.gguf.part"))).size();
        QVERIFY2(part > 0 && part < hub.body.size(), qPrintable(QString::number(part)));

        deepdesk::app::StorageThread cDb(s.state);
        DownloadManager c(s.models, &cDb);
        QTRY_VERIFY(c.restoredQueue());
        QStringList ids;
        for (const auto& item : c.items()) {
            ids << item.id;
        }
        QVERIFY2(ids.contains(QStringLiteral("shared.gguf")) && ids.contains(QStringLiteral("b-only.gguf")),
                 qPrintable(ids.join(QLatin1Char(' '))));
    }
};

QTEST_GUILESS_MAIN(TestDownloadManager)
#include "tst_downloadmanager.moc"
