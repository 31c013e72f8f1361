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
    QQuickItem* item = m_window ? m_window->activeFocusItem() : nullptr;
    while (item != nullptr && !isA(item, "QQuickPopupItem")) {
        item = item->parentItem();
    }
    const QObject* dialog = item != nullptr ? item->parent() : nullptr;
    if (dialog == nullptr || !(isA(dialog, "QQuickFileDialogImpl") || isA(dialog, "QQuickFolderDialogImpl"))) {
        return;
    }
    QQuickItem* bar = firstOfClass(item, "QQuickFolderBreadcrumbBar");
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
    QQuickItem* item = field->parentItem();
    while (item != nullptr && !isA(item, "QQuickPopupItem")) {
        item = item->parentItem();
    }
    QObject* dialog = item != nullptr ? item->parent() : nullptr;
    if (dialog == nullptr || !isA(dialog, "QQuickFileDialogImpl")) {
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
