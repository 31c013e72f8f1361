// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/richtext.h"

#include <QCryptographicHash>
#include <QGuiApplication>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>

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

RichText::formula_image RichText::drawFormula(std::string_view tex, bool display, const QColor& colour, int pixelSize) {
    const qreal dpr = qGuiApp != nullptr ? std::max<qreal>(1.0, qGuiApp->devicePixelRatio()) : 1.0;
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
        image = paint_mathml(QString::fromStdString(mathml), pixelSize * (display ? 1.15 : 1.05), colour, dpr, nullptr);
        if (image.isNull()) {
            return {};
        }
        store_math_image(key, image);
    }
    const QString source = QString::fromUtf8(tex.data(), static_cast<qsizetype>(tex.size()));
    m_sources.insert(key, display ? QStringLiteral("$$") + source + QStringLiteral("$$")
                                  : QLatin1Char('$') + source + QLatin1Char('$'));
    return {key, (QSizeF(image.size()) / image.devicePixelRatio()).toSize()};
}

QString RichText::markdownToRichText(const QString& markdown, const QColor& colour, int pixelSize, int citations) {
    render::markdown_hooks hooks;
    hooks.qt_rich_text = true;
    hooks.math = [&](std::string_view tex, bool display) -> std::string {
        const formula_image drawn = drawFormula(tex, display, colour, pixelSize);
        if (drawn.key.isEmpty()) {
            return {};
        }
        return QStringLiteral(
                   "<img src=\"image://math/%1\" width=\"%2\" height=\"%3\" style=\"vertical-align:middle\">")
            .arg(drawn.key)
            .arg(drawn.size.width())
            .arg(drawn.size.height())
            .toStdString();
    };
    // No whitespace after the last block: Qt would show it as a trailing space.
    const std::string html = render::markdown_to_html(markdown.toStdString(), hooks);
    return QString::fromStdString(render::link_citations(html, citations, "deepdesk-source:")).trimmed();
}

QVariantMap RichText::displayFormula(const QString& source, const QColor& colour, int pixelSize) {
    QString tex = source.trimmed();
    if (tex.size() > 4 && tex.startsWith(QLatin1String("$$")) && tex.endsWith(QLatin1String("$$"))) {
        tex = tex.mid(2, tex.size() - 4);
    } else if (tex.size() > 4 && tex.startsWith(QLatin1String("\\[")) && tex.endsWith(QLatin1String("\\]"))) {
        tex = tex.mid(2, tex.size() - 4);
    } else {
        tex.clear();
    }
    const std::string utf8 = tex.trimmed().toStdString();
    const formula_image drawn = utf8.empty() ? formula_image{} : drawFormula(utf8, true, colour, pixelSize);
    return {{QStringLiteral("url"), drawn.key.isEmpty() ? QString() : QStringLiteral("image://math/") + drawn.key},
            {QStringLiteral("width"), drawn.size.width()},
            {QStringLiteral("height"), drawn.size.height()}};
}

QString RichText::sourceOf(const QString& selectionHtml) const {
    QTextDocument doc;
    doc.setHtml(selectionHtml);
    QString out;
    for (QTextBlock b = doc.begin(); b.isValid(); b = b.next()) {
        if (b != doc.begin()) {
            out += QLatin1Char('\n');
        }
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (!f.isValid()) {
                continue;
            }
            const QTextCharFormat format = f.charFormat();
            QString name = format.isImageFormat() ? format.toImageFormat().name() : QString();
            if (name.startsWith(QLatin1String("image://math/"))) {
                // One fragment holds one replacement character per image of the same format.
                const QString source = m_sources.value(name.mid(13));
                for (qsizetype k = 0; k < f.length(); ++k) {
                    out += source;
                }
            } else {
                out += f.text();
            }
        }
    }
    out.replace(QChar::Nbsp, QLatin1Char(' '));
    return out;
}

}  // namespace deepdesk::app
