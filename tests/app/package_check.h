// SPDX-License-Identifier: GPL-3.0-or-later
// Which Debian package holds a file, what installed packages depend on, what scripts/packages.txt
// lists and what the .deb will depend on: for the test that every QML module the app loads is
// packaged. Needs DEEPDESK_SOURCE_DIR and DEEPDESK_BINARY_DIR.
#pragma once

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QStringList>

namespace deepdesk::testing {

// Debian's name for the package of a QML module: QtQuick.Dialogs -> qml6-module-qtquick-dialogs.
inline QString packageForModule(const QString& uri) {
    return QStringLiteral("qml6-module-") + uri.toLower().replace(QLatin1Char('.'), QLatin1Char('-'));
}

inline QString run(const QString& program, const QStringList& arguments, int* exitCode = nullptr) {
    QProcess p;
    p.start(program, arguments);
    p.waitForFinished(60000);
    if (exitCode != nullptr) {
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    return QString::fromUtf8(p.readAllStandardOutput());
}

// The installed Debian package that holds `path`, or "" when none does.
inline QString packageOwning(const QString& path) {
    static QHash<QString, QString> cache;
    if (auto it = cache.find(path); it != cache.end()) {
        return *it;
    }
    int rc = 0;
    const QString out = run(QStringLiteral("dpkg-query"), {QStringLiteral("-S"), path}, &rc);
    QString package;
    if (rc == 0) {
        package = out.section(QLatin1Char(':'), 0, 0).trimmed();
    }
    cache.insert(path, package);
    return package;
}

// What each installed package depends on (every alternative, virtual packages through Provides).
struct PackageGraph {
    QHash<QString, QStringList> depends;
    QHash<QString, QStringList> providers;

    PackageGraph() {
        const QString out =
            run(QStringLiteral("dpkg-query"),
                {QStringLiteral("-W"), QStringLiteral("-f=${Package}\t${Depends}, ${Pre-Depends}\t${Provides}\n")});
        for (const QString& line : out.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QStringList fields = line.split(QLatin1Char('\t'));
            if (fields.size() < 3) {
                continue;
            }
            depends[fields[0]] = names(fields[1]);
            for (const QString& provided : names(fields[2])) {
                providers[provided] << fields[0];
            }
        }
    }
    static QStringList names(const QString& field) {
        QStringList out;
        for (const QString& part : field.split(QRegularExpression(QStringLiteral("[,|]")), Qt::SkipEmptyParts)) {
            const QString name = part.trimmed().section(QLatin1Char(' '), 0, 0).section(QLatin1Char(':'), 0, 0);
            if (!name.isEmpty()) {
                out << name;
            }
        }
        return out;
    }
    // `roots` and everything they depend on, directly or not.
    QSet<QString> closure(const QStringList& roots) const {
        QSet<QString> seen;
        QStringList todo = roots;
        while (!todo.isEmpty()) {
            const QString p = todo.takeLast();
            if (seen.contains(p)) {
                continue;
            }
            seen.insert(p);
            todo << depends.value(p) << providers.value(p);
        }
        return seen;
    }
};

// scripts/packages.txt: the packages of a section, and those marked `deb`.
inline QStringList listedPackages(const QString& section, bool debOnly) {
    QFile f(QStringLiteral(DEEPDESK_SOURCE_DIR "/scripts/packages.txt"));
    if (!f.open(QIODevice::ReadOnly)) {
        return {};
    }
    QStringList out;
    QString current;
    for (const QString& raw : QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#'))) {
            continue;
        }
        if (line.startsWith(QLatin1Char('['))) {
            current = line.mid(1, line.size() - 2);
            continue;
        }
        const QStringList words = line.split(QRegularExpression(QStringLiteral("\\s+")));
        if (current == section && (!debOnly || words.value(1) == QStringLiteral("deb"))) {
            out << words[0];
        }
    }
    return out;
}

// The .deb's Depends as CPack will write them: the configured list (from CPackConfig.cmake) plus
// the packages of the shared libraries deepdesk links (CPack's shlibdeps).
inline QStringList debDepends() {
    QStringList out;
    QFile f(QStringLiteral(DEEPDESK_BINARY_DIR "/CPackConfig.cmake"));
    if (f.open(QIODevice::ReadOnly)) {
        static const QRegularExpression set(QStringLiteral("set\\(CPACK_DEBIAN_PACKAGE_DEPENDS \"([^\"]*)\"\\)"));
        const auto m = set.match(QString::fromUtf8(f.readAll()));
        if (m.hasMatch()) {
            out << PackageGraph::names(m.captured(1));
        }
    }
    const QString ldd = run(QStringLiteral("ldd"), {QStringLiteral(DEEPDESK_BINARY_DIR "/app/deepdesk")});
    static const QRegularExpression lib(QStringLiteral("=> (/\\S+)"));
    for (auto it = lib.globalMatch(ldd); it.hasNext();) {
        const QString path = QFileInfo(it.next().captured(1)).canonicalFilePath();
        const QString package = packageOwning(path);
        if (!package.isEmpty()) {
            out << package;
        }
    }
    return out;
}

// Qt plugins and QML module plugins mapped into this process.
inline QStringList loadedQtPlugins() {
    QFile maps(QStringLiteral("/proc/self/maps"));
    QSet<QString> out;
    if (maps.open(QIODevice::ReadOnly)) {
        for (const QString& line : QString::fromUtf8(maps.readAll()).split(QLatin1Char('\n'))) {
            const QString path = line.section(QLatin1Char(' '), -1);
            if (path.contains(QStringLiteral("/qt6/qml/")) || path.contains(QStringLiteral("/qt6/plugins/"))) {
                out.insert(path);
            }
        }
    }
    return out.values();
}

}  // namespace deepdesk::testing
