// SPDX-License-Identifier: GPL-3.0-or-later
// Starts the real `deepdesk` binary the way a user or the README does and checks what comes out.
// Screenshots are kept in <build>/screenshots for people to look at.
#include <QFontDatabase>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run {
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QString out;
    QString err;
};

class TestE2E : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_home;

    // Runs deepdesk with a private settings and data folder; `env` adds or (empty value) removes.
    Run runDeepDesk(const QStringList& args, const QList<QPair<QString, QString>>& env = {}, int timeoutMs = 90000) {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        e.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        e.insert(QStringLiteral("XDG_CACHE_HOME"), m_home.filePath(QStringLiteral("cache")));
        e.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home.path());
        for (const auto& [name, value] : env) {
            if (value.isEmpty()) {
                e.remove(name);
            } else {
                e.insert(name, value);
            }
        }
        QProcess p;
        p.setProcessEnvironment(e);
        p.start(QStringLiteral(DEEPDESK_BIN), args);
        Run r;
        if (!p.waitForStarted(10000)) {
            r.err = QStringLiteral("did not start: ") + p.errorString();
            return r;
        }
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            r.err = QStringLiteral("timed out");
            return r;
        }
        r.exitCode = p.exitCode();
        r.status = p.exitStatus();
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    // Renders the main window in `lang` and checks the run and the picture; returns the image.
    QImage screenshot(const QString& lang) {
        const QString path = QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/main-%1.png").arg(lang);
        QFile::remove(path);
        const Run r = runDeepDesk({QStringLiteral("--screenshot"), path, QStringLiteral("--lang"), lang});
        if (r.status != QProcess::NormalExit || r.exitCode != 0) {
            qWarning("stderr: %s", qPrintable(r.err));
            return {};
        }
        // Any QML warning (a broken binding, a missing type) fails the run.
        const QStringList qmlWarnings = r.err.split(QLatin1Char('\n')).filter(QStringLiteral("qrc:/"));
        if (!qmlWarnings.isEmpty()) {
            qWarning("QML warnings:\n%s", qPrintable(qmlWarnings.join(QLatin1Char('\n'))));
            return {};
        }
        return QImage(path);
    }

    static int distinctColours(const QImage& image) {
        QSet<QRgb> seen;
        for (int y = 0; y < image.height(); y += 3) {
            for (int x = 0; x < image.width(); x += 3) {
                seen.insert(image.pixel(x, y));
            }
        }
        return static_cast<int>(seen.size());
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_home.isValid()); }

    void versionPrintsAndExits() {
        const Run r = runDeepDesk({QStringLiteral("--version")}, {{QStringLiteral("DISPLAY"), QString()}});
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith(QStringLiteral("deepdesk ")), qPrintable(r.out));
    }

    void unknownFlagPrintsUsageAndFails() {
        const Run r = runDeepDesk({QStringLiteral("--no-such-flag")});
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(QStringLiteral("Usage: deepdesk")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("no-such-flag")), qPrintable(r.err));
    }

    void unknownLanguageIsRefused() {
        const Run r = runDeepDesk({QStringLiteral("--lang"), QStringLiteral("xx")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(QStringLiteral("zh_CN")), qPrintable(r.err));
    }

    // With a model named on the command line the window waits for it to load, shows no QML
    // warning, and remembers it for the next start.
    void loadsAModelAtStartAndRemembersIt() {
        const QString model = QStringLiteral(DEEPDESK_SHARED_DIR "/testdata/models/small-qwen2.q4_k_m.gguf");
        if (!QFile::exists(model)) {
            QSKIP("shared model not found (../shared is absent)");
        }
        const QString path = QStringLiteral(DEEPDESK_SCREENSHOT_DIR "/main-model.png");
        const Run r = runDeepDesk({QStringLiteral("--model"), model, QStringLiteral("--screenshot"), path});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(!r.err.contains(QStringLiteral("qrc:/")), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QStringLiteral("could not be loaded")), qPrintable(r.err));
        QVERIFY(!QImage(path).isNull());
        QSettings settings(m_home.filePath(QStringLiteral("config/DeepDesk/DeepDesk.conf")), QSettings::IniFormat);
        QCOMPARE(settings.value(QStringLiteral("models/last")).toString(), model);
        // A file that is not a model: the window still opens, the error is reported in it.
        const QString bogus = m_home.filePath(QStringLiteral("bogus.gguf"));
        QFile f(bogus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a gguf file at all");
        f.close();
        const Run bad = runDeepDesk({QStringLiteral("--model"), bogus, QStringLiteral("--screenshot"), path});
        QCOMPARE(bad.exitCode, 0);
        QVERIFY2(!bad.err.contains(QStringLiteral("qrc:/")), qPrintable(bad.err));
    }

    void missingDisplayGivesAReadableMessage() {
        const Run r = runDeepDesk({}, {{QStringLiteral("QT_QPA_PLATFORM"), QString()},
                                       {QStringLiteral("DISPLAY"), QString()},
                                       {QStringLiteral("WAYLAND_DISPLAY"), QString()}});
        QCOMPARE(r.status, QProcess::NormalExit);  // no abort, no core dump
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(QStringLiteral("no display")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("QT_QPA_PLATFORM=offscreen")), qPrintable(r.err));
    }

    void chineseFontIsInstalled() {
        QVERIFY2(QFontDatabase::families().contains(QStringLiteral("Noto Sans CJK SC")),
                 "fonts-noto-cjk is missing: Chinese text would not render");
    }

    void mainWindowRendersInEnglishAndChinese() {
        const QImage en = screenshot(QStringLiteral("en"));
        QVERIFY2(!en.isNull(), "no English screenshot");
        QVERIFY(en.width() >= 760 && en.height() >= 520);
        QVERIFY2(distinctColours(en) > 20, "the window looks blank");

        const QImage zh = screenshot(QStringLiteral("zh_CN"));
        QVERIFY2(!zh.isNull(), "no Chinese screenshot");
        QCOMPARE(zh.size(), en.size());
        QVERIFY2(zh != en, "switching to Chinese changed nothing on screen");
    }

    void screenshotWithoutADisplayFallsBackToOffscreen() {
        const QString path = m_home.filePath(QStringLiteral("headless.png"));
        const Run r =
            runDeepDesk({QStringLiteral("--screenshot"), path}, {{QStringLiteral("QT_QPA_PLATFORM"), QString()},
                                                                 {QStringLiteral("DISPLAY"), QString()},
                                                                 {QStringLiteral("WAYLAND_DISPLAY"), QString()}});
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!QImage(path).isNull());
    }

    void unwritableScreenshotPathFails() {
        const Run r = runDeepDesk({QStringLiteral("--screenshot"), QStringLiteral("/proc/deepdesk/x.png")});
        QCOMPARE(r.status, QProcess::NormalExit);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(QStringLiteral("cannot write")), qPrintable(r.err));
    }
};

}  // namespace

QTEST_MAIN(TestE2E)
#include "tst_e2e.moc"
