// SPDX-License-Identifier: GPL-3.0-or-later
// Code blocks coloured for the window: highlight.js (render/js_renderer.h) in this thread's
// JavaScript engine, its classes turned into inline colours for Qt's rich text.
#pragma once

#include <QObject>
#include <QQmlEngine>
#include <QString>
#include <memory>

namespace deepdesk::render {
class js_renderer;
}

namespace deepdesk::app {

class RichText : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    explicit RichText(QObject* parent = nullptr);
    ~RichText() override;

    // Rich text for a code block in `language` (light or dark colours), or "" when the language is
    // unknown (the block is then shown plain).
    Q_INVOKABLE QString highlightCode(const QString& code, const QString& language, bool dark);

private:
    std::unique_ptr<render::js_renderer> m_js;
};

}  // namespace deepdesk::app
