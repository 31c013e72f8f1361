// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QQuickWindow>

namespace deepdesk::app {

// What Qt 6.4's own (non-native) file and folder dialogs lack, mended: Enter in the file name
// field of a save dialog saves, as it does in every desktop save dialog (Qt's ignores it), and the
// folder path bar is painted in the window's palette (Qt's leaves its background white, which
// hides the light text of the dark theme). Put one in the main window:
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
    void paintPathBar();

    QPointer<QQuickWindow> m_window;
};

}  // namespace deepdesk::app
