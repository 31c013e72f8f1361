// SPDX-License-Identifier: GPL-3.0-or-later
// KaTeX and highlight.js (Debian's libjs-katex and libjs-highlight.js, which scripts/packages.txt
// installs) in Qt's JavaScript engine: the corpus of R1, Math, Prover and Coder answers in
// tests/data/rich-answers.json rendered, and checked by structure.
#include <gtest/gtest.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <string>

#include "render/js_renderer.h"

namespace deepdesk::render {
namespace {

js_renderer& shared_renderer() {
    static js_renderer r;
    return r;
}

// The answers of the corpus, by conversation title.
std::map<std::string, std::string> corpus_answers() {
    QFile f(QStringLiteral(DEEPDESK_CORPUS));
    EXPECT_TRUE(f.open(QIODevice::ReadOnly));
    std::map<std::string, std::string> out;
    for (const auto c : QJsonDocument::fromJson(f.readAll()).object()[QStringLiteral("conversations")].toArray()) {
        for (const auto m : c.toObject()[QStringLiteral("messages")].toArray()) {
            if (m.toObject()[QStringLiteral("role")].toString() == QStringLiteral("assistant")) {
                out[c.toObject()[QStringLiteral("title")].toString().toStdString()] =
                    m.toObject()[QStringLiteral("content")].toString().toStdString();
            }
        }
    }
    return out;
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) {
        ++n;
    }
    return n;
}

// The text a reader sees: tags dropped, and the TeX annotations MathML carries for copying.
std::string visible_text(std::string html) {
    for (std::size_t a = html.find("<annotation"); a != std::string::npos; a = html.find("<annotation")) {
        html.erase(a, html.find("</annotation>", a) + 13 - a);
    }
    std::string out;
    bool in_tag = false;
    for (const char c : html) {
        if (c == '<') {
            in_tag = true;
        } else if (c == '>') {
            in_tag = false;
        } else if (!in_tag) {
            out += c;
        }
    }
    return out;
}

TEST(JsRenderer, BothLibrariesLoad) { EXPECT_EQ(shared_renderer().status(), ""); }

TEST(JsRenderer, FormulasBecomeMathMl) {
    js_renderer& r = shared_renderer();
    const std::string frac = r.mathml("\\frac{n(n+1)}{2}", false);
    EXPECT_NE(frac.find("<mfrac>"), std::string::npos) << frac;
    EXPECT_NE(frac.find("application/x-tex"), std::string::npos) << "the source kept for copying";
    const std::string sum = r.mathml("\\sum_{i=1}^n i", true);
    EXPECT_NE(sum.find("<munderover>"), std::string::npos) << sum;
    EXPECT_NE(sum.find("display=\"block\""), std::string::npos) << sum;
    for (const char* tex :
         {"\\sqrt{2}", "\\int_0^1 x^2\\,dx", "\\lim_{x \\to 0} \\frac{\\sin x}{x}", "\\mathbb{R}", "\\mathrm{d}x",
          "\\text{面积}", "\\left( \\frac{a}{b} \\right)", "\\boxed{42}",
          "\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}", "\\begin{bmatrix} 1 \\\\ 2 \\end{bmatrix}",
          "\\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}",
          "\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}", "\\begin{array}{c|c} a & b \\end{array}",
          "\\alpha \\Rightarrow \\beta \\to \\infty"}) {
        EXPECT_NE(r.mathml(tex, true).find("<math"), std::string::npos) << tex << ": " << r.last_error();
    }
}

TEST(JsRenderer, AnUnparseableFormulaIsReportedNotBlank) {
    js_renderer& r = shared_renderer();
    EXPECT_EQ(r.mathml("\\frac{1}{", false), "");
    EXPECT_NE(r.last_error().find("KaTeX parse error"), std::string::npos) << r.last_error();
    const std::string out = markdown_to_html("a $\\frac{1}{$ b", r.hooks());
    EXPECT_NE(out.find("math-source"), std::string::npos) << out;
    EXPECT_NE(out.find("\\frac{1}{"), std::string::npos) << out;
}

TEST(JsRenderer, CodeIsHighlightedInEveryLanguageAsked) {
    js_renderer& r = shared_renderer();
    const std::pair<const char*, const char*> samples[] = {
        {"cpp", "int main() { return 0; }"},
        {"c", "int main(void) { return 0; }"},
        {"python", "def f(x):\n    return x  # c"},
        {"javascript", "const f = (x) => x;"},
        {"typescript", "function f(x: number): number { return x; }"},
        {"rust", "fn f(x: i32) -> i32 { x }"},
        {"go", "func f(x int) int { return x }"},
        {"java", "static int f(int x) { return x; }"},
        {"bash", "for f in *; do echo \"$f\"; done"},
        {"json", "{\"a\": [1, true, null]}"},
        {"sql", "SELECT a FROM t WHERE b = 1;"},
        {"lean", "theorem t (n : Nat) : n + 0 = n := by simp -- done"},
        {"lean4", "theorem t : True := by trivial"},
    };
    for (const auto& [lang, code] : samples) {
        const std::string out = r.highlight(code, lang);
        EXPECT_NE(out.find("hljs-"), std::string::npos) << lang << ": " << out;
    }
    EXPECT_EQ(r.highlight("x", "no-such-language"), "");
    const std::string coloured = with_inline_colours(r.highlight("return 1;", "cpp"), false);
    EXPECT_NE(coloured.find("<span style=\"color:#"), std::string::npos) << coloured;
    EXPECT_EQ(coloured.find("class="), std::string::npos) << coloured;
}

TEST(JsRenderer, TheCorpusRendersWithNoTexLeftInTheText) {
    js_renderer& r = shared_renderer();
    const auto answers = corpus_answers();
    ASSERT_EQ(answers.size(), 5u);
    for (const auto& [title, md] : answers) {
        const std::string out = markdown_to_html(md, r.hooks());
        const std::string text = visible_text(out);
        if (title == "Edge cases") {
            // The broken formulas stay as their source; money stays money; HTML stays text.
            EXPECT_EQ(count(out, "math-source"), 2u) << out;
            EXPECT_NE(text.find("costs $5 and the pear $10, so $15"), std::string::npos) << text;
            EXPECT_NE(text.find("价格是 $5"), std::string::npos) << text;
            EXPECT_NE(out.find("Okay&lt;/think&gt;Hi 4U!"), std::string::npos) << out;
            EXPECT_EQ(count(out, "<math"), 0u) << out;
            continue;
        }
        for (const char* tex : {"\\frac", "\\sum", "\\int", "\\begin{", "\\boxed", "\\sqrt", "$$", "\\["}) {
            EXPECT_EQ(text.find(tex), std::string::npos) << title << ": " << tex << " left in " << text;
        }
        if (title.find("Coder") != std::string::npos) {
            EXPECT_EQ(count(out, "<div class=\"code\">"), 10u) << out;
            EXPECT_GE(count(out, "hljs-"), 30u) << out;
            EXPECT_EQ(count(out, "<math"), 0u) << "dollars in code are not maths: " << out;
        } else if (title.find("Prover") != std::string::npos) {
            EXPECT_NE(out.find("language-lean4"), std::string::npos) << out;
            EXPECT_NE(out.find("hljs-keyword"), std::string::npos) << out;
            EXPECT_EQ(count(out, "<math"), 1u) << out;
        } else {
            EXPECT_GE(count(out, "<math"), 5u) << title << ": " << out;
        }
    }
}

}  // namespace
}  // namespace deepdesk::render
