// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/filedialogkeys.h"

#include <QCoreApplication>
#include <QKeyEvent>
#include <QQuickItem>

namespace deepdesk::app {
namespace {

// Qt's own file dialog (QtQuick.Dialogs' FileDialog.qml) names two fields with qsTr() in the
// context "FileDialog"; Qt 6.4 has no Chinese for them, so DeepDesk's translation carries it
// (its translator answers any context).
[[maybe_unused]] constexpr const char* k_qtFileDialogStrings[] = {
    QT_TRANSLATE_NOOP("FileDialog", "File name"),
    QT_TRANSLATE_NOOP("FileDialog", "Filter"),
};

bool isA(const QObject* o, const char* className) {
    for (const QMetaObject* m = o->metaObject(); m != nullptr; m = m->superClass()) {
        if (qstrcmp(m->className(), className) == 0) {
            return true;
        }
    }
    return false;
}

QQuickItem* firstOfClass(QQuickItem* root, const char* className) {
    if (isA(root, className)) {
        return root;
    }
    for (auto* child : root->childItems()) {
        if (auto* found = firstOfClass(child, className)) {
            return found;
        }
    }
    return nullptr;
}

// The popup item `item` lies in (itself included), or null.
QQuickItem* popupOf(QQuickItem* item) {
    while (item != nullptr && !isA(item, "QQuickPopupItem")) {
        item = item->parentItem();
    }
    return item;
}

// The Qt file dialog (QQuickFileDialogImpl; QQuickFolderDialogImpl too when `folders`) whose popup
// `popup` is, or null.
QObject* qtFileDialog(QQuickItem* popup, bool folders) {
    QObject* dialog = popup != nullptr ? popup->parent() : nullptr;
    const bool file = dialog != nullptr && isA(dialog, "QQuickFileDialogImpl");
    return file || (folders && dialog != nullptr && isA(dialog, "QQuickFolderDialogImpl")) ? dialog : nullptr;
}

}  // namespace

void FileDialogKeys::setWindow(QQuickWindow* window) {
    if (window == m_window) {
        return;
    }
    if (m_window) {
        m_window->removeEventFilter(this);
    }
    m_window = window;
    if (m_window) {
        m_window->installEventFilter(this);
        // A dialog that opens takes the focus: the moment to paint its path bar.
        connect(m_window, &QQuickWindow::activeFocusItemChanged, this, &FileDialogKeys::paintPathBar);
    }
    Q_EMIT windowChanged();
}

void FileDialogKeys::paintPathBar() {
    QQuickItem* popup = popupOf(m_window ? m_window->activeFocusItem() : nullptr);
    if (qtFileDialog(popup, true) == nullptr) {
        return;
    }
    QQuickItem* bar = firstOfClass(popup, "QQuickFolderBreadcrumbBar");
    auto* background = bar != nullptr ? qvariant_cast<QQuickItem*>(bar->property("background")) : nullptr;
    const auto* palette = bar != nullptr ? qvariant_cast<QObject*>(bar->property("palette")) : nullptr;
    if (background != nullptr && palette != nullptr) {
        background->setProperty("color", palette->property("base"));
    }
}

bool FileDialogKeys::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() != QEvent::KeyPress || watched != m_window) {
        return false;
    }
    const auto* key = static_cast<QKeyEvent*>(event);
    if (key->key() != Qt::Key_Return && key->key() != Qt::Key_Enter) {
        return false;
    }
    QQuickItem* field = m_window->activeFocusItem();
    // The dialog's file name field (objectName from Qt's FileDialog.qml), inside its popup.
    while (field != nullptr && field->objectName() != QLatin1String("fileNameTextField")) {
        field = field->parentItem();
        if (field != nullptr && isA(field, "QQuickPopupItem")) {
            return false;
        }
    }
    if (field == nullptr) {
        return false;
    }
    QObject* dialog = qtFileDialog(popupOf(field->parentItem()), false);
    if (dialog == nullptr) {
        return false;
    }
    const QString name = field->property("text").toString().trimmed();
    if (name.isEmpty()) {
        return true;  // nothing to save as yet
    }
    dialog->setProperty("fileName", name);
    QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
    return true;
}

}  // namespace deepdesk::app
