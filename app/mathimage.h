// SPDX-License-Identifier: GPL-3.0-or-later
// Formulas for the window: KaTeX's MathML (render/js_renderer.h) laid out and painted into an
// image, since Qt's rich text has no MathML. The layout follows TeX's conventions for what R1 and
// DeepSeek-Math write: fractions, roots, scripts and limits, large operators, matrices and aligned
// rows, stretched fences, boxes, styles; glyphs come from KaTeX's own fonts (fonts-katex).
// The images are kept in one cache that MathImageProvider ("image://math/KEY") serves.
#pragma once

#include <QColor>
#include <QImage>
#include <QQuickImageProvider>
#include <QString>

namespace deepdesk::app {

// The formula `mathml` painted at `pixel_size` in `colour`, at device pixel ratio `dpr`; a null
// image when the MathML cannot be read. `baseline` receives the baseline's distance from the
// image's top, in device-independent pixels.
QImage paint_mathml(const QString& mathml, qreal pixel_size, const QColor& colour, qreal dpr, qreal* baseline);

// The shared cache: store an image under a key, look one up.
void store_math_image(const QString& key, const QImage& image);
QImage find_math_image(const QString& key);

class MathImageProvider : public QQuickImageProvider {
public:
    MathImageProvider() : QQuickImageProvider(QQuickImageProvider::Image) {}
    QImage requestImage(const QString& id, QSize* size, const QSize& requested) override;
};

}  // namespace deepdesk::app
