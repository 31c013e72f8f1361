// SPDX-License-Identifier: GPL-3.0-or-later
// Answers for the window: Markdown through render/markdown_html.h, formulas through KaTeX and
// app/mathimage.h, code blocks coloured by highlight.js (render/js_renderer.h, in the GUI
// thread's own JavaScript engine), as Qt rich text.
#pragma once

#include <QColor>
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
    // Rich text for Markdown prose (no fenced blocks: MarkdownView draws those): formulas as
    // images from image://math (KaTeX's MathML laid out by app/mathimage.h) in `colour` at
    // `pixelSize` (the theme's, passed from QML), a
    // formula KaTeX cannot read as its source; raw HTML as text; images as links.
    Q_INVOKABLE QString markdownToRichText(const QString& markdown, const QColor& colour, int pixelSize);

private:
    std::unique_ptr<render::js_renderer> m_js;
};

}  // namespace deepdesk::app
