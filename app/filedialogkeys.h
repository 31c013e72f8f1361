// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QQuickWindow>

namespace deepdesk::app {

// Enter in the file name field of Qt's own (non-native) save dialog saves, as it does in every
// desktop save dialog; Qt 6.4's dialog ignores it. Put one in the main window:
// `FileDialogKeys { window: window }`.
class FileDialogKeys : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QQuickWindow* window READ window WRITE setWindow NOTIFY windowChanged)

public:
    using QObject::QObject;
    QQuickWindow* window() const { return m_window; }
    void setWindow(QQuickWindow* window);

Q_SIGNALS:
    void windowChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QPointer<QQuickWindow> m_window;
};

}  // namespace deepdesk::app
