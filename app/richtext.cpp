// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/richtext.h"

#include <QCryptographicHash>
#include <QGuiApplication>

#include "app/mathimage.h"
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

QString RichText::markdownToRichText(const QString& markdown, const QColor& colour, int pixelSize) {
    render::markdown_hooks hooks;
    hooks.qt_rich_text = true;
    const qreal dpr = qGuiApp != nullptr ? std::max<qreal>(1.0, qGuiApp->devicePixelRatio()) : 1.0;
    hooks.math = [&](std::string_view tex, bool display) -> std::string {
        const QByteArray id =
            QCryptographicHash::hash(QByteArray(tex.data(), static_cast<qsizetype>(tex.size())) +
                                         (display ? "|d|" : "|i|") + colour.name(QColor::HexArgb).toLatin1() + "|" +
                                         QByteArray::number(pixelSize) + "|" + QByteArray::number(dpr),
                                     QCryptographicHash::Sha1)
                .toHex();
        const QString key = QString::fromLatin1(id);
        QImage image = find_math_image(key);
        if (image.isNull()) {
            const std::string mathml = m_js->mathml(tex, display);
            if (mathml.empty()) {
                return {};  // shown as its source
            }
            image =
                paint_mathml(QString::fromStdString(mathml), pixelSize * (display ? 1.15 : 1.05), colour, dpr, nullptr);
            if (image.isNull()) {
                return {};
            }
            store_math_image(key, image);
        }
        const QSize size = (QSizeF(image.size()) / image.devicePixelRatio()).toSize();
        return QStringLiteral(
                   "<img src=\"image://math/%1\" width=\"%2\" height=\"%3\" style=\"vertical-align:middle\">")
            .arg(key)
            .arg(size.width())
            .arg(size.height())
            .toStdString();
    };
    // No whitespace after the last block: Qt would show it as a trailing space.
    return QString::fromStdString(render::markdown_to_html(markdown.toStdString(), hooks)).trimmed();
}

}  // namespace deepdesk::app
