// SPDX-License-Identifier: GPL-3.0-or-later
// Facts about this build, for the About dialog and the window title.
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QString>

namespace deepdesk::app {

class AppInfo : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QString version READ version CONSTANT)
    Q_PROPERTY(QString qtVersion READ qtVersion CONSTANT)
    Q_PROPERTY(QString cpuName READ cpuName CONSTANT)
    // The kernel tier the engine uses on this CPU ("scalar", "avx2", "avx512").
    Q_PROPERTY(QString kernelTier READ kernelTier CONSTANT)

public:
    using QObject::QObject;

    QString name() const;
    QString version() const;
    QString qtVersion() const;
    QString cpuName() const;
    QString kernelTier() const;
};

}  // namespace deepdesk::app
