// SPDX-License-Identifier: GPL-3.0-or-later
// What the first-contact tests check a window with: conversations and broken files written
// before it starts, pictures, settled clicks, visible texts, and whether text is readable.
#pragma once

#include <QColor>
#include <QFile>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "storage/conversation_store.h"
#include "storage/database.h"

namespace deepdesk::testing {

// A conversation in the data folder's database before the window starts: `messages` alternate
// user and assistant, each answering the one before. Returns its id.
inline qint64 storeConversation(const QTemporaryDir& dir, const std::string& title,
                                const std::vector<std::string>& messages = {}) {
    deepdesk::storage::database db(dir.filePath(QStringLiteral("conversations.db")).toStdString());
    deepdesk::storage::conversation_store store(db);
    deepdesk::storage::conversation c;
    c.title = title;
    const auto id = store.create_conversation(c);
    std::optional<std::int64_t> parent;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        parent = store.add_message(id, parent, i % 2 == 0 ? "user" : "assistant", messages[i]);
    }
    return id;
}

// A file that starts like a GGUF model and stops after its version: what a broken download leaves.
inline QString writeBrokenGguf(const QTemporaryDir& dir) {
    const QString path = dir.filePath(QStringLiteral("broken.gguf"));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly)) {
        f.write("GGUF\x03\x00\x00\x00truncated");
    }
    return path;
}

// WCAG's contrast ratio of two colours (1 to 21; 4.5 is the least for body text).
inline double contrast(const QColor& a, const QColor& b) {
    const auto luminance = [](const QColor& c) {
        const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
    };
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// The text and background colours of a control whose contentItem is a text and whose background
// a rectangle, and their contrast; "" when readable.
inline QString unreadable(QQuickItem* control, const QString& what) {
    auto* text = control->property("contentItem").value<QQuickItem*>();
    auto* back = control->property("background").value<QQuickItem*>();
    if (text == nullptr || back == nullptr) {
        return what + QStringLiteral(": no text or background");
    }
    const QColor fg = text->property("color").value<QColor>(), bg = back->property("color").value<QColor>();
    const double c = contrast(fg, bg);
    return c >= 4.5 ? QString()
                    : QStringLiteral("%1: %2 on %3, contrast %4").arg(what, fg.name(), bg.name()).arg(c, 0, 'f', 2);
}

// The texts of the visible labels and buttons under `root`.
inline QStringList visibleTexts(QQuickItem* root) {
    QStringList out;
    if (!root->isVisible()) {
        return out;
    }
    const QVariant text = root->property("text");
    if (text.isValid() && !text.toString().isEmpty()) {
        out << text.toString();
    }
    for (auto* child : root->childItems()) {
        out << visibleTexts(child);
    }
    return out;
}

// Saves the window as DIR/NAME.png once a popup's opening has settled.
inline void shootWindow(QQuickWindow* window, const QString& dir, const QString& name) {
    QDir().mkpath(dir);
    QTest::qWait(120);  // let the popup's enter transition finish
    QVERIFY2(window->grabWindow().save(QStringLiteral("%1/%2.png").arg(dir, name)), qPrintable(name));
}

// Clicks the middle of `item` once the layout has settled (the same place twice in a row), as
// a hand aims at what it sees.
inline void clickOnceSettled(QQuickWindow* window, QQuickItem* item) {
    QPointF last(-1, -1);
    for (int i = 0; i < 50; ++i) {
        QTest::qWait(30);
        const QPointF now = item->mapToScene(QPointF(item->width() / 2, item->height() / 2));
        if (now == last) {
            break;
        }
        last = now;
    }
    QTest::mouseMove(window, last.toPoint());
    QTest::mouseClick(window, Qt::LeftButton, {}, last.toPoint());
}

// In Chinese, no button on screen still says OK, Cancel, Close, Save, Open or Delete (Qt's
// standard buttons did: their words come from Qt's translations, fixed when they are made).
inline void checkButtonsSpeakTheLanguage(QQuickWindow* window, const QString& shot) {
    if (!shot.startsWith(QStringLiteral("zh_CN"))) {
        return;
    }
    const QStringList english{QStringLiteral("OK"),   QStringLiteral("Cancel"), QStringLiteral("Close"),
                              QStringLiteral("Save"), QStringLiteral("Open"),   QStringLiteral("Delete")};
    for (const QString& t : visibleTexts(window->contentItem())) {
        QVERIFY2(!english.contains(t), qPrintable(shot + QStringLiteral(": a button says '") + t + QLatin1Char('\'')));
    }
}

}  // namespace deepdesk::testing
