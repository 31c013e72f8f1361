// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/richtext.h"

#include "render/js_renderer.h"

namespace deepdesk::app {

RichText::RichText(QObject* parent) : QObject(parent), m_js(std::make_unique<render::js_renderer>()) {}

RichText::~RichText() = default;

QString RichText::highlightCode(const QString& code, const QString& language, bool dark) {
    const std::string html = m_js->highlight(code.toStdString(), language.trimmed().toStdString());
    if (html.empty()) {
        return {};
    }
    // pre-wrap keeps the code's spaces and line breaks and still wraps long lines.
    return QStringLiteral("<div style=\"white-space:pre-wrap\">") +
           QString::fromStdString(render::with_inline_colours(html, dark)) + QStringLiteral("</div>");
}

}  // namespace deepdesk::app
