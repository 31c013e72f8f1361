// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/mathimage.h"

#include <QFont>
#include <QFontMetricsF>
#include <QHash>
#include <QMutex>
#include <QPainter>
#include <QPainterPath>
#include <QXmlStreamReader>
#include <algorithm>
#include <memory>
#include <vector>

namespace deepdesk::app {

namespace {

// A parsed MathML element (or a text leaf).
struct node {
    QString tag;
    QHash<QString, QString> attrs;
    QString text;
    std::vector<std::unique_ptr<node>> kids;
};

std::unique_ptr<node> parse(const QString& mathml) {
    QXmlStreamReader xml(mathml);
    std::vector<node*> stack;
    std::unique_ptr<node> root;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            node* parent = stack.empty() ? nullptr : stack.back();
            if (parent == nullptr && xml.name() != QStringLiteral("math")) {
                stack.push_back(nullptr);  // around <math> (KaTeX's <span class="katex">): skipped
                continue;
            }
            auto n = std::make_unique<node>();
            n->tag = xml.name().toString();
            for (const auto& a : xml.attributes()) {
                n->attrs.insert(a.name().toString(), a.value().toString());
            }
            node* raw = n.get();
            if (parent == nullptr) {
                root = std::move(n);
            } else {
                parent->kids.push_back(std::move(n));
            }
            stack.push_back(raw);
        } else if (xml.isEndElement()) {
            if (!stack.empty()) {
                stack.pop_back();
            }
        } else if (xml.isCharacters() && !stack.empty() && stack.back() != nullptr) {
            stack.back()->text += xml.text();
        }
    }
    return xml.hasError() ? nullptr : std::move(root);
}

// One drawing operation, relative to its box's origin (left end of the baseline; y grows down).
struct op {
    enum kind { text, line, rect, radical } k = text;
    QPointF at;
    QString s;
    QFont font;
    QLineF ln;
    QRectF r;
    qreal sy = 1.0;  // vertical stretch of a text glyph about its baseline's centre line
    qreal pen = 1.0;
    QColor colour;  // invalid: the formula's colour
};

struct box {
    qreal w = 0, asc = 0, desc = 0;
    std::vector<op> ops;
    bool large_op = false;  // a big operator whose limits go above and below in display style
    bool stretchy = false;  // a fence that grows with its neighbours
    void place(const box& b, qreal dx, qreal dy) {
        for (op o : b.ops) {
            o.at += QPointF(dx, dy);
            o.ln.translate(dx, dy);
            o.r.translate(dx, dy);
            ops.push_back(std::move(o));
        }
    }
};

struct style {
    qreal size = 16;
    bool display = false;
    int level = 0;  // script level
    QColor colour;
    bool unary = false;  // for an mo: it opens its row
};

QFont make_font(const QString& family, qreal px, bool italic = false, bool bold = false) {
    QFont f(family);
    f.setPixelSize(std::max(1, qRound(px)));
    f.setItalic(italic);
    f.setBold(bold);
    f.setStyleStrategy(QFont::PreferAntialias);
    return f;
}

box text_box(const QString& s, const QFont& font, const style& st) {
    const QFontMetricsF fm(font);
    box b;
    b.w = fm.horizontalAdvance(s);
    b.asc = fm.ascent() * 0.8;  // KaTeX's fonts have tall ascents; TeX boxes are tighter
    b.desc = fm.descent() * 0.7;
    op o;
    o.k = op::text;
    o.s = s;
    o.font = font;
    o.colour = st.colour;
    b.ops.push_back(o);
    return b;
}

bool is_large_operator(const QString& s) {
    static const QString ops = QStringLiteral("∑∏∐∫∬∭∮⋃⋂⨁⨂⋁⋀");
    return s.size() == 1 && ops.contains(s);
}

qreal axis(const style& st) { return st.size * 0.25; }

box layout(const node& n, const style& st);

box row(const std::vector<std::unique_ptr<node>>& kids, const style& st, std::size_t from = 0) {
    std::vector<box> parts;
    for (std::size_t i = from; i < kids.size(); ++i) {
        // A sign that opens a row (or follows an opening fence) is unary: no binary spacing.
        const bool unary = kids[i]->tag == QStringLiteral("mo") &&
                           (i == from || (kids[i - 1]->tag == QStringLiteral("mo") &&
                                          kids[i - 1]->attrs.value(QStringLiteral("fence")) == QStringLiteral("true")));
        style s = st;
        s.unary = unary;
        parts.push_back(layout(*kids[i], s));
    }
    box b;
    for (const auto& p : parts) {
        if (!p.stretchy) {
            b.asc = std::max(b.asc, p.asc);
            b.desc = std::max(b.desc, p.desc);
        }
    }
    if (b.asc == 0 && b.desc == 0) {
        b.asc = st.size * 0.7;
        b.desc = st.size * 0.2;
    }
    for (auto& p : parts) {
        if (p.stretchy && !p.ops.empty()) {
            // Grow the fence to the row's height, centred on the axis.
            const qreal half = std::max(b.asc - axis(st), b.desc + axis(st)) + st.size * 0.1;
            const qreal need = 2 * half;
            const qreal have = p.asc + p.desc;
            if (need > have * 1.1) {
                op& o = p.ops.front();
                o.sy = need / have;
                // Scale about the glyph's centre, then place that centre on the axis.
                const qreal centre = (p.desc - p.asc) / 2;
                o.at.setY(-axis(st) - centre * o.sy);
                p.asc = half + axis(st);
                p.desc = half - axis(st);
                b.asc = std::max(b.asc, p.asc);
                b.desc = std::max(b.desc, p.desc);
            }
        }
        b.place(p, b.w, 0);
        b.w += p.w;
    }
    return b;
}

style script_style(const style& st) {
    style s = st;
    s.level = st.level + 1;
    s.size = st.size * (st.level == 0 ? 0.7 : 0.8);
    s.display = false;
    return s;
}

box scripts(const box& base, const box* sub, const box* sup, const style& st) {
    box b = base;
    qreal w = 0;
    if (sup != nullptr) {
        const qreal shift = std::max(base.asc - sup->asc * 0.4, st.size * 0.38);
        b.place(*sup, base.w + st.size * 0.05, -shift);
        b.asc = std::max(b.asc, shift + sup->asc);
        w = std::max(w, sup->w + st.size * 0.05);
    }
    if (sub != nullptr) {
        const qreal shift = std::max(st.size * 0.2, sub->asc - st.size * 0.35);
        b.place(*sub, base.w + st.size * 0.02, shift + (sup != nullptr ? st.size * 0.05 : 0));
        b.desc = std::max(b.desc, shift + sub->desc);
        w = std::max(w, sub->w + st.size * 0.02);
    }
    b.w = base.w + w + st.size * 0.04;
    b.large_op = false;
    b.stretchy = false;
    return b;
}

box stack(const box& base, const box* under, const box* over, const style& st) {
    const qreal w = std::max({base.w, under != nullptr ? under->w : 0.0, over != nullptr ? over->w : 0.0});
    box b;
    b.w = w;
    b.place(base, (w - base.w) / 2, 0);
    b.asc = base.asc;
    b.desc = base.desc;
    const qreal gap = st.size * 0.12;
    if (over != nullptr) {
        const qreal y = -(base.asc + gap + over->desc);
        b.place(*over, (w - over->w) / 2, y);
        b.asc = base.asc + gap + over->desc + over->asc;
    }
    if (under != nullptr) {
        const qreal y = base.desc + gap + under->asc;
        b.place(*under, (w - under->w) / 2, y);
        b.desc = base.desc + gap + under->asc + under->desc;
    }
    return b;
}

// A horizontal accent or bar (stretchy mo) over or under a base of width w.
bool is_bar(const node& n) {
    static const QString bars = QStringLiteral("‾¯_̲―−");
    return n.tag == QStringLiteral("mo") && n.text.trimmed().size() == 1 && bars.contains(n.text.trimmed());
}

box bar_box(qreal w, const style& st) {
    box b;
    b.w = w;
    b.asc = st.size * 0.12;
    b.desc = 0;
    op o;
    o.k = op::line;
    o.ln = QLineF(0, -st.size * 0.05, w, -st.size * 0.05);
    o.pen = std::max(1.0, st.size * 0.05);
    o.colour = st.colour;
    b.ops.push_back(o);
    return b;
}

qreal length(const QString& v, const style& st, qreal fallback) {
    QString s = v.trimmed();
    bool ok = false;
    if (s.endsWith(QStringLiteral("em"))) {
        const qreal x = s.chopped(2).toDouble(&ok);
        return ok ? x * st.size : fallback;
    }
    if (s.endsWith(QStringLiteral("px")) || s.endsWith(QStringLiteral("pt"))) {
        const qreal x = s.chopped(2).toDouble(&ok);
        return ok ? x : fallback;
    }
    return fallback;
}

box layout_table(const node& n, const style& st) {
    std::vector<std::vector<box>> cells;
    std::size_t cols = 0;
    for (const auto& tr : n.kids) {
        std::vector<box> r;
        for (const auto& td : tr->kids) {
            style cs = st;
            cs.display = false;
            r.push_back(row(td->kids, cs));
        }
        cols = std::max(cols, r.size());
        cells.push_back(std::move(r));
    }
    const QStringList align = n.attrs.value(QStringLiteral("columnalign")).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    std::vector<qreal> widths(cols, 0);
    for (const auto& r : cells) {
        for (std::size_t c = 0; c < r.size(); ++c) {
            widths[c] = std::max(widths[c], r[c].w);
        }
    }
    // aligned/split (columnalign "right left"): pairs sit close; matrices get a quad between.
    const bool aligned_pairs = align.size() >= 2 && align[0] == QStringLiteral("right");
    const qreal col_gap = aligned_pairs ? 0.0 : st.size * 0.8;
    const qreal row_gap = st.size * 0.25;
    box b;
    qreal y = 0;
    std::vector<qreal> baselines;
    std::vector<qreal> row_ends;  // y below each row's depth
    for (const auto& r : cells) {
        qreal asc = st.size * 0.7, desc = st.size * 0.25;
        for (const auto& c : r) {
            asc = std::max(asc, c.asc);
            desc = std::max(desc, c.desc);
        }
        y += asc;
        baselines.push_back(y);
        qreal x = 0;
        for (std::size_t c = 0; c < r.size(); ++c) {
            const QString a =
                align.isEmpty() ? QStringLiteral("center") : align[std::min<qsizetype>(c, align.size() - 1)];
            qreal dx = (widths[c] - r[c].w) / 2;
            if (a == QStringLiteral("left")) {
                dx = 0;
            } else if (a == QStringLiteral("right")) {
                dx = widths[c] - r[c].w;
            }
            b.place(r[c], x + dx, y);
            x += widths[c] + (aligned_pairs && c % 2 == 1 ? st.size * 1.0 : col_gap);
        }
        y += desc;
        row_ends.push_back(y);
        y += row_gap;
    }
    const qreal height = std::max(0.0, y - row_gap);
    qreal total = 0;
    std::vector<qreal> column_rules;  // x halfway between each column and the next
    for (std::size_t c = 0; c < cols; ++c) {
        const qreal gap = c + 1 < cols ? (aligned_pairs && c % 2 == 1 ? st.size : col_gap) : 0;
        total += widths[c] + gap;
        column_rules.push_back(total - gap / 2);
    }
    b.w = total;
    // Rules between columns and rows (array's `|` and \hline): the lists name each gap in
    // turn, the last entry standing for the rest; "none" draws nothing.
    const auto rule_at = [](const QString& spec, std::size_t k) {
        const QStringList kinds = spec.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        return !kinds.isEmpty() &&
               kinds[std::min<qsizetype>(static_cast<qsizetype>(k), kinds.size() - 1)] != QStringLiteral("none");
    };
    const qreal rule_pen = std::max(1.0, st.size * 0.04);
    const QString column_lines = n.attrs.value(QStringLiteral("columnlines"));
    const QString row_lines = n.attrs.value(QStringLiteral("rowlines"));
    for (std::size_t c = 0; c + 1 < cols; ++c) {
        if (rule_at(column_lines, c)) {
            op o;
            o.k = op::line;
            o.ln = QLineF(column_rules[c], -st.size * 0.1, column_rules[c], height + st.size * 0.1);
            o.pen = rule_pen;
            o.colour = st.colour;
            b.ops.push_back(o);
        }
    }
    for (std::size_t r = 0; r + 1 < row_ends.size(); ++r) {
        if (rule_at(row_lines, r)) {
            const qreal ry = row_ends[r] + row_gap / 2;
            op o;
            o.k = op::line;
            o.ln = QLineF(0, ry, b.w, ry);
            o.pen = rule_pen;
            o.colour = st.colour;
            b.ops.push_back(o);
        }
    }
    // Centre the table on the maths axis.
    const qreal shift = -(height / 2) - axis(st);
    box out;
    out.place(b, 0, shift);
    out.w = b.w;
    out.asc = -shift;
    out.desc = height + shift;
    return out;
}

box layout(const node& n, const style& st_in) {
    style st = st_in;
    if (n.attrs.contains(QStringLiteral("mathcolor"))) {
        st.colour = QColor(n.attrs.value(QStringLiteral("mathcolor")));
    }
    const QString& t = n.tag;
    if (t == QStringLiteral("annotation") || t == QStringLiteral("annotation-xml")) {
        return {};
    }
    if (t == QStringLiteral("semantics")) {
        return n.kids.empty() ? box{} : layout(*n.kids.front(), st);
    }
    if (t == QStringLiteral("mstyle")) {
        if (n.attrs.value(QStringLiteral("displaystyle")) == QStringLiteral("true")) {
            st.display = true;
        } else if (n.attrs.value(QStringLiteral("displaystyle")) == QStringLiteral("false")) {
            st.display = false;
        }
        if (n.attrs.contains(QStringLiteral("scriptlevel"))) {
            const int lvl = n.attrs.value(QStringLiteral("scriptlevel")).toInt();
            while (st.level < lvl) {
                st = script_style(st);
            }
        }
        return row(n.kids, st);
    }
    if (t == QStringLiteral("math") || t == QStringLiteral("mrow") || t == QStringLiteral("mpadded") ||
        t == QStringLiteral("mtd") || t == QStringLiteral("mtr")) {
        return row(n.kids, st);
    }
    if (t == QStringLiteral("mphantom")) {
        box b = row(n.kids, st);
        b.ops.clear();
        return b;
    }
    if (t == QStringLiteral("mi") || t == QStringLiteral("mn") || t == QStringLiteral("mtext") ||
        t == QStringLiteral("ms")) {
        const QString variant = n.attrs.value(QStringLiteral("mathvariant"));
        QString s = n.text;
        if (t == QStringLiteral("mtext")) {
            s.replace(QChar(0xa0), QLatin1Char(' '));
        }
        const bool italic = t == QStringLiteral("mi") && s.size() == 1 && variant.isEmpty() &&
                            (s[0].isLetter() && s[0].unicode() < 0x2000);
        QString family = italic ? QStringLiteral("KaTeX_Math") : QStringLiteral("KaTeX_Main");
        if (variant == QStringLiteral("double-struck")) {
            family = QStringLiteral("KaTeX_AMS");
        } else if (variant == QStringLiteral("script")) {
            family = QStringLiteral("KaTeX_Script");
        } else if (variant == QStringLiteral("fraktur")) {
            family = QStringLiteral("KaTeX_Fraktur");
        } else if (variant == QStringLiteral("monospace")) {
            family = QStringLiteral("KaTeX_Typewriter");
        } else if (variant == QStringLiteral("sans-serif")) {
            family = QStringLiteral("KaTeX_SansSerif");
        }
        const bool bold = variant.contains(QStringLiteral("bold"));
        box b = text_box(s, make_font(family, st.size, italic || variant.contains(QStringLiteral("italic")), bold), st);
        if (italic) {
            b.w += st.size * 0.03;  // italic correction
        }
        return b;
    }
    if (t == QStringLiteral("mo")) {
        const QString s = n.text.trimmed();
        const bool large = is_large_operator(s);
        qreal px = st.size;
        if (large) {
            px = st.size * (st.display ? (s == QStringLiteral("∫") || s == QStringLiteral("∮") ? 2.0 : 1.6) : 1.15);
        }
        box core = text_box(s, make_font(QStringLiteral("KaTeX_Main"), px), st);
        if (large) {
            // Centre the operator on the axis.
            const qreal h = core.asc + core.desc;
            const qreal dy = -(axis(st) - (core.asc - h / 2));
            core.ops.front().at.setY(dy);
            core.asc = h / 2 + axis(st);
            core.desc = h / 2 - axis(st);
            core.large_op = st.display;
        }
        // Spacing TeX gives binary operators, relations and punctuation.
        static const QString rel = QStringLiteral("=<>≤≥≠≈≡→←↔⇒⇐⇔∈∉⊂⊆⊃⊇↦∼≅≃∝∣∥⟹⟸⟺≪≫:");
        static const QString bin = QStringLiteral("+−-×÷·±∓∘∪∩∧∨⊕⊗");
        qreal left = 0, right = 0;
        if (n.attrs.value(QStringLiteral("fence")) == QStringLiteral("true") ||
            n.attrs.value(QStringLiteral("stretchy")) == QStringLiteral("true")) {
            core.stretchy = n.attrs.value(QStringLiteral("stretchy")) != QStringLiteral("false");
        } else if (s.size() == 1 && rel.contains(s)) {
            left = right = st.level == 0 ? st.size * 5 / 18 : 0;
        } else if (s.size() == 1 && bin.contains(s) && !st.unary) {
            left = right = st.level == 0 ? st.size * 4 / 18 : 0;
        } else if (s == QStringLiteral(",") || s == QStringLiteral(";")) {
            right = st.size * 3 / 18;
        } else if (s.size() > 1 && s[0].isLetter()) {
            right = st.size * 3 / 18;  // lim, sin, log as operators
        } else if (large) {
            right = st.size * 3 / 18;
        }
        box b;
        b.w = left + core.w + right;
        b.asc = core.asc;
        b.desc = core.desc;
        b.large_op = core.large_op;
        b.stretchy = core.stretchy;
        b.place(core, left, 0);
        return b;
    }
    if (t == QStringLiteral("mspace")) {
        box b;
        b.w = length(n.attrs.value(QStringLiteral("width")), st, 0);
        return b;
    }
    if (t == QStringLiteral("msub") || t == QStringLiteral("msup") || t == QStringLiteral("msubsup")) {
        if (n.kids.size() < 2) {
            return row(n.kids, st);
        }
        const box base = layout(*n.kids[0], st);
        const style ss = script_style(st);
        const box a = layout(*n.kids[1], ss);
        if (t == QStringLiteral("msubsup") && n.kids.size() >= 3) {
            const box c = layout(*n.kids[2], ss);
            return scripts(base, &a, &c, st);
        }
        return t == QStringLiteral("msub") ? scripts(base, &a, nullptr, st) : scripts(base, nullptr, &a, st);
    }
    if (t == QStringLiteral("munder") || t == QStringLiteral("mover") || t == QStringLiteral("munderover")) {
        if (n.kids.size() < 2) {
            return row(n.kids, st);
        }
        const box base = layout(*n.kids[0], st);
        const style ss = script_style(st);
        const bool accent = n.attrs.value(QStringLiteral("accent")) == QStringLiteral("true") ||
                            n.attrs.value(QStringLiteral("accentunder")) == QStringLiteral("true");
        const auto part = [&](const node& k) {
            if (is_bar(k)) {
                return bar_box(base.w, st);
            }
            return layout(k, accent ? st : ss);
        };
        const box a = part(*n.kids[1]);
        const bool limits_as_scripts = base.large_op == false && n.kids[0]->tag == QStringLiteral("mo") &&
                                       is_large_operator(n.kids[0]->text.trimmed()) && !st.display;
        if (t == QStringLiteral("munderover") && n.kids.size() >= 3) {
            const box c = part(*n.kids[2]);
            return limits_as_scripts ? scripts(base, &a, &c, st) : stack(base, &a, &c, st);
        }
        if (limits_as_scripts) {
            return t == QStringLiteral("munder") ? scripts(base, &a, nullptr, st) : scripts(base, nullptr, &a, st);
        }
        return t == QStringLiteral("munder") ? stack(base, &a, nullptr, st) : stack(base, nullptr, &a, st);
    }
    if (t == QStringLiteral("mfrac")) {
        if (n.kids.size() < 2) {
            return row(n.kids, st);
        }
        style ps = st.display ? st : script_style(st);
        ps.display = false;
        if (st.display) {
            ps.level = st.level;  // display fractions keep the size (text style)
        }
        const box num = layout(*n.kids[0], ps);
        const box den = layout(*n.kids[1], ps);
        const qreal pad = st.size * 0.12;
        const qreal w = std::max(num.w, den.w) + 2 * pad;
        const qreal thick = n.attrs.value(QStringLiteral("linethickness")).startsWith(QLatin1Char('0'))
                                ? 0.0
                                : std::max(1.0, st.size * 0.045);
        const qreal a = axis(st);
        const qreal gap = st.size * (st.display ? 0.18 : 0.12);
        box b;
        b.w = w + st.size * 0.1;
        b.place(num, st.size * 0.05 + (w - num.w) / 2, -(a + gap + thick / 2 + num.desc));
        b.place(den, st.size * 0.05 + (w - den.w) / 2, -a + gap + thick / 2 + den.asc);
        if (thick > 0) {
            op o;
            o.k = op::line;
            o.ln = QLineF(st.size * 0.05, -a, st.size * 0.05 + w, -a);
            o.pen = thick;
            o.colour = st.colour;
            b.ops.push_back(o);
        }
        b.asc = a + gap + thick / 2 + num.desc + num.asc;
        b.desc = -a + gap + thick / 2 + den.asc + den.desc;
        return b;
    }
    if (t == QStringLiteral("msqrt") || t == QStringLiteral("mroot")) {
        const box body =
            t == QStringLiteral("msqrt") ? row(n.kids, st) : (n.kids.empty() ? box{} : layout(*n.kids[0], st));
        const qreal gap = st.size * 0.1;
        const qreal thick = std::max(1.0, st.size * 0.045);
        const qreal top = body.asc + gap + thick;
        const qreal bottom = body.desc + st.size * 0.05;
        const qreal sign_w = st.size * 0.55;
        box b;
        qreal x0 = 0;
        if (t == QStringLiteral("mroot") && n.kids.size() >= 2) {
            style is = script_style(script_style(st));
            const box index = layout(*n.kids[1], is);
            b.place(index, 0, -(top * 0.45));
            x0 = std::max(0.0, index.w - sign_w * 0.45);
        }
        op o;
        o.k = op::radical;
        o.r = QRectF(x0, -top, sign_w, top + bottom);
        o.ln = QLineF(x0 + sign_w, -top + thick / 2, x0 + sign_w + body.w + gap, -top + thick / 2);
        o.pen = thick;
        o.colour = st.colour;
        b.ops.push_back(o);
        b.place(body, x0 + sign_w + gap / 2, 0);
        b.w = x0 + sign_w + body.w + gap * 1.5;
        b.asc = top + thick;
        b.desc = bottom;
        return b;
    }
    if (t == QStringLiteral("mtable")) {
        return layout_table(n, st);
    }
    if (t == QStringLiteral("menclose")) {
        const box body = row(n.kids, st);
        const qreal pad = st.size * 0.2;
        box b;
        b.place(body, pad, 0);
        b.w = body.w + 2 * pad;
        b.asc = body.asc + pad;
        b.desc = body.desc + pad;
        op o;
        o.k = op::rect;
        o.r = QRectF(0, -b.asc, b.w, b.asc + b.desc);
        o.pen = std::max(1.0, st.size * 0.05);
        o.colour = st.colour;
        b.ops.push_back(o);
        return b;
    }
    // Anything else: its children in a row (unknown elements never hide their content).
    if (!n.kids.empty()) {
        return row(n.kids, st);
    }
    return n.text.isEmpty() ? box{} : text_box(n.text, make_font(QStringLiteral("KaTeX_Main"), st.size), st);
}

}  // namespace

QImage paint_mathml(const QString& mathml, qreal pixel_size, const QColor& colour, qreal dpr, qreal* baseline) {
    const std::unique_ptr<node> root = parse(mathml);
    if (!root) {
        return {};
    }
    style st;
    st.size = pixel_size;
    st.colour = colour;
    st.display = root->attrs.value(QStringLiteral("display")) == QStringLiteral("block");
    const box b = layout(*root, st);
    const qreal pad = std::ceil(pixel_size * 0.1);
    // The maths axis at the image's middle, so that text-middle alignment puts it where the
    // surrounding line's is: the shorter side padded.
    const qreal a = axis(st);
    const qreal half = std::max(b.asc - a, b.desc + a);
    const qreal top = half + a, bottom = half - a;
    const QSizeF size(b.w + 2 * pad, top + bottom + 2 * pad);
    if (size.width() * dpr > 16000 || size.height() * dpr > 8000) {
        return {};  // a formula too large to draw (runaway input): shown as its source instead
    }
    QImage image((size * dpr).toSize().expandedTo(QSize(1, 1)), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(dpr);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.translate(pad, pad + top);
    for (const op& o : b.ops) {
        const QColor c = o.colour.isValid() ? o.colour : colour;
        switch (o.k) {
        case op::text:
            p.setPen(c);
            p.setFont(o.font);
            if (o.sy != 1.0) {
                p.save();
                p.translate(o.at);
                p.scale(1.0, o.sy);
                p.drawText(QPointF(0, 0), o.s);
                p.restore();
            } else {
                p.drawText(o.at, o.s);
            }
            break;
        case op::line:
            p.setPen(QPen(c, o.pen, Qt::SolidLine, Qt::FlatCap));
            p.drawLine(o.ln);
            break;
        case op::rect:
            p.setPen(QPen(c, o.pen));
            p.setBrush(Qt::NoBrush);
            p.drawRect(o.r);
            break;
        case op::radical: {
            // The root sign: a short rise, the long diagonal up to the bar, then the bar.
            const QRectF& r = o.r;
            QPainterPath path;
            path.moveTo(r.left(), r.top() + r.height() * 0.62);
            path.lineTo(r.left() + r.width() * 0.22, r.top() + r.height() * 0.55);
            path.lineTo(r.left() + r.width() * 0.5, r.bottom());
            path.lineTo(r.right(), o.ln.y1());
            path.lineTo(o.ln.x2(), o.ln.y2());
            p.setPen(QPen(c, o.pen, Qt::SolidLine, Qt::FlatCap, Qt::MiterJoin));
            p.setBrush(Qt::NoBrush);
            p.drawPath(path);
            break;
        }
        }
    }
    p.end();
    if (baseline != nullptr) {
        *baseline = pad + top;
    }
    return image;
}

namespace {
QMutex g_lock;
QHash<QString, QImage>& cache() {
    static QHash<QString, QImage> c;
    return c;
}
}  // namespace

void store_math_image(const QString& key, const QImage& image) {
    const QMutexLocker lock(&g_lock);
    if (cache().size() > 4000) {
        cache().clear();  // a long session's formulas: drawn again on demand
    }
    cache().insert(key, image);
}

QImage find_math_image(const QString& key) {
    const QMutexLocker lock(&g_lock);
    return cache().value(key);
}

QImage MathImageProvider::requestImage(const QString& id, QSize* size, const QSize& requested) {
    Q_UNUSED(requested);
    QImage image = find_math_image(id);
    if (image.isNull()) {
        image = QImage(1, 1, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
    }
    if (size != nullptr) {
        *size = image.size();
    }
    return image;
}

}  // namespace deepdesk::app
