// SPDX-License-Identifier: GPL-3.0-or-later
// The window's MathML painter (app/mathimage.h) on what KaTeX writes for arrays: the rules of
// `\begin{array}{c|cc} … \hline …` are drawn, and an array without them has none.
#include <QGuiApplication>
#include <QImage>
#include <QtTest>

#include "app/mathimage.h"

namespace {

// KaTeX's MathML for a 2×3 array, with the rule attributes given.
QString array(const QString& rules) {
    return QStringLiteral(
               "<math xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"block\"><semantics>"
               "<mtable rowspacing=\"0.16em\" columnalign=\"center center center\" %1>"
               "<mtr><mtd><mi>x</mi></mtd><mtd><mn>1</mn></mtd><mtd><mn>2</mn></mtd></mtr>"
               "<mtr><mtd><mi>y</mi></mtd><mtd><mn>3</mn></mtd><mtd><mn>5</mn></mtd></mtr>"
               "</mtable><annotation encoding=\"application/x-tex\">…</annotation></semantics></math>")
        .arg(rules);
}

bool inked(const QImage& image, int x, int y) { return qAlpha(image.pixel(x, y)) > 128; }

// The longest run of ink along any column (vertical) or any row.
int longest_run(const QImage& image, bool vertical) {
    const int lines = vertical ? image.width() : image.height();
    const int length = vertical ? image.height() : image.width();
    int best = 0;
    for (int l = 0; l < lines; ++l) {
        for (int i = 0, run = 0; i < length; ++i) {
            run = (vertical ? inked(image, l, i) : inked(image, i, l)) ? run + 1 : 0;
            best = std::max(best, run);
        }
    }
    return best;
}
int longest_vertical(const QImage& image) { return longest_run(image, true); }
int longest_horizontal(const QImage& image) { return longest_run(image, false); }

}  // namespace

class TestMathImage : public QObject {
    Q_OBJECT

private slots:
    void arrayRulesAreDrawn() {
        const QImage plain = deepdesk::app::paint_mathml(array(QString()), 20, Qt::black, 1.0, nullptr);
        const QImage ruled = deepdesk::app::paint_mathml(
            array(QStringLiteral("columnlines=\"solid none\" rowlines=\"solid\"")), 20, Qt::black, 1.0, nullptr);
        QVERIFY(!plain.isNull() && !ruled.isNull());
        QCOMPARE(ruled.size(), plain.size());
        // `|` after the first column: a line through both rows; \hline: one across all columns.
        QVERIFY2(longest_vertical(ruled) > ruled.height() * 0.7,
                 qPrintable(QStringLiteral("%1 of %2").arg(longest_vertical(ruled)).arg(ruled.height())));
        QVERIFY2(longest_horizontal(ruled) > ruled.width() * 0.7,
                 qPrintable(QStringLiteral("%1 of %2").arg(longest_horizontal(ruled)).arg(ruled.width())));
        QVERIFY(longest_vertical(plain) < plain.height() / 2);
        QVERIFY(longest_horizontal(plain) < plain.width() / 2);
        // "none" draws nothing: only the first gap has a rule.
        const QImage none = deepdesk::app::paint_mathml(
            array(QStringLiteral("columnlines=\"none none\" rowlines=\"none\"")), 20, Qt::black, 1.0, nullptr);
        QCOMPARE(none, plain);
    }
};

QTEST_MAIN(TestMathImage)
#include "tst_mathimage.moc"
