// SPDX-License-Identifier: GPL-3.0-or-later
// Answers for the window: Markdown through render/markdown_html.h, formulas through KaTeX and
// app/mathimage.h, code blocks coloured by highlight.js (render/js_renderer.h, in the GUI
// thread's own JavaScript engine), as Qt rich text.
#pragma once

#include <QColor>
#include <QHash>
#include <QObject>
#include <QQmlEngine>
#include <QSize>
#include <QString>
#include <QVariantMap>
#include <memory>
#include <string_view>

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
    // With `citations` sources, "[n]" for n in 1..citations becomes a link to "deepdesk-source:n".
    Q_INVOKABLE QString markdownToRichText(const QString& markdown, const QColor& colour, int pixelSize,
                                           int citations = 0);
    // A display formula as written (`$$…$$` or `\[…\]`), drawn: {url, width, height} (the image at
    // image://math and its size in logical pixels), or an empty url when KaTeX cannot read it.
    Q_INVOKABLE QVariantMap displayFormula(const QString& source, const QColor& colour, int pixelSize);
    // The text of a selection (TextEdit.getFormattedText) with each formula image given back as
    // the LaTeX it was drawn from, e.g. "so $x^2$ grows".
    Q_INVOKABLE QString sourceOf(const QString& selectionHtml) const;

private:
    struct formula_image {
        QString key;
        QSize size;  // logical pixels
    };
    // The formula drawn (cached by source, kind, colour, size and pixel ratio), or an empty key.
    formula_image drawFormula(std::string_view tex, bool display, const QColor& colour, int pixelSize);

    std::unique_ptr<render::js_renderer> m_js;
    QHash<QString, QString> m_sources;  // image key -> the formula's LaTeX with its delimiters
};

}  // namespace deepdesk::app
