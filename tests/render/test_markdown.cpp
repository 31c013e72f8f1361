// SPDX-License-Identifier: GPL-3.0-or-later
// Markdown to HTML without the formula and code engines: structure, maths found (and money not),
// raw HTML shown as text, nothing fetched.
#include <gtest/gtest.h>

#include <string>

#include "render/markdown_html.h"

namespace deepdesk::render {
namespace {

// Every formula the hooks see, marked so the tests can find them.
markdown_hooks recording_hooks() {
    markdown_hooks h;
    h.math = [](std::string_view tex, bool display) {
        return std::string(display ? "<M display>" : "<M>") + escape_html(tex) + "</M>";
    };
    return h;
}

std::string html(std::string_view md) { return markdown_to_html(md, recording_hooks()); }

TEST(Markdown, AllFourDelimitersReachTheMathHook) {
    EXPECT_NE(html("a $\\int_0^1 x^2 dx$ b").find("<M>\\int_0^1 x^2 dx</M>"), std::string::npos);
    EXPECT_NE(html("a \\(x+1\\) b").find("<M>x+1</M>"), std::string::npos);
    EXPECT_NE(html("\\[ E=mc^2 \\]").find("<M display>E=mc^2</M>"), std::string::npos);
    EXPECT_NE(
        html("$$\\sum_{i=1}^n i = \\frac{n(n+1)}{2}$$").find("<M display>\\sum_{i=1}^n i = \\frac{n(n+1)}{2}</M>"),
        std::string::npos);
    // The display form R1 writes: delimiters on lines of their own.
    EXPECT_NE(html("$$\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n$$").find("<M display>"),
              std::string::npos);
}

TEST(Markdown, BracketDelimitersKeepTheirBackslashes) {
    const std::string out = html("\\[ E=mc^2 \\]");
    EXPECT_EQ(out.find("[ E=mc^2 ]"), std::string::npos) << out;
}

TEST(Markdown, AFormulaStillBeingWrittenShowsAsText) {
    // Mid-stream: the closing delimiter has not arrived yet.
    const std::pair<const char*, const char*> cases[] = {{"so \\[ \\frac{1}{2", "\\frac{1}{2"},
                                                         {"so \\( x + ", "\\( x +"},
                                                         {"so $\\frac{1}{", "$\\frac{1}{"},
                                                         {"so $$\\sum_{i", "$$\\sum_{i"}};
    for (const auto& [md, shown] : cases) {
        const std::string out = html(md);
        EXPECT_EQ(out.find("<M"), std::string::npos) << md << " -> " << out;
        EXPECT_NE(out.find(shown), std::string::npos) << md << " -> " << out;
    }
    EXPECT_NE(html("so \\[ x").find("\\[ x"), std::string::npos) << "the backslash is kept";
}

TEST(Markdown, DollarAmountsAreNotMaths) {
    for (const char* md :
         {"The apple costs $5 and the pear $10.", "价格是 $5，不是公式。", "$5, $10 and $15", "from $3 to $4"}) {
        const std::string out = html(md);
        EXPECT_EQ(out.find("<M"), std::string::npos) << md << " -> " << out;
        EXPECT_NE(out.find("$"), std::string::npos) << md << " -> " << out;
    }
}

TEST(Markdown, CodeSpansAndBlocksAreNeverMaths) {
    const std::string span = html("run `echo $HOME` and `$x$` and `\\(y\\)`");
    EXPECT_EQ(span.find("<M"), std::string::npos) << span;
    EXPECT_NE(span.find("<code>echo $HOME</code>"), std::string::npos) << span;
    EXPECT_NE(span.find("<code>\\(y\\)</code>"), std::string::npos) << span;
    const std::string block = html("```bash\necho \"$a costs $5\" \\[x\\]\n```\n");
    EXPECT_EQ(block.find("<M"), std::string::npos) << block;
    EXPECT_NE(block.find("\\[x\\]"), std::string::npos) << block;
    EXPECT_NE(block.find("class=\"language-bash\""), std::string::npos) << block;
    const std::string lean = html("```lean4\ntheorem t : 1 + 1 = 2 := by rfl -- $x$\n```");
    EXPECT_EQ(lean.find("<M"), std::string::npos) << lean;
}

TEST(Markdown, AFormulaNoEngineRendersIsShownAsItsSource) {
    const std::string out = markdown_to_html("so $\\frac{1}{2}$ and $$x^2$$");
    EXPECT_NE(out.find("<code class=\"math-source\">$\\frac{1}{2}$</code>"), std::string::npos) << out;
    EXPECT_NE(out.find("<pre class=\"math-source\">$$x^2$$</pre>"), std::string::npos) << out;
}

TEST(Markdown, RawHtmlIsTextAndImagesAreLinks) {
    const std::string out = html(
        "Okay</think>Hi 4U! <b>x</b> <script>alert(1)</script> <img src=\"http://a/b.png\">\n\n"
        "![diagram](http://example.invalid/d.png) [bad](javascript:alert(1))");
    EXPECT_NE(out.find("Okay&lt;/think&gt;Hi 4U!"), std::string::npos) << out;
    EXPECT_EQ(out.find("<b>"), std::string::npos) << out;
    EXPECT_EQ(out.find("<script"), std::string::npos) << out;
    EXPECT_EQ(out.find("<img"), std::string::npos) << out;
    EXPECT_NE(out.find("<a class=\"image-link\" href=\"http://example.invalid/d.png\">[Image: diagram]</a>"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("javascript:"), std::string::npos) << out;
}

TEST(Markdown, QtRichTextFlavourCentresDisplayFormulasWithoutBlankParagraphs) {
    markdown_hooks h = recording_hooks();
    h.qt_rich_text = true;
    const std::string out = markdown_to_html("Text\n\n$$x^2$$\n\n| a |\n|---|\n| 1 |\n", h);
    EXPECT_NE(out.find("<p align=\"center\"><M display>x^2</M></p>"), std::string::npos) << out;
    EXPECT_EQ(out.find("<p></p>"), std::string::npos) << out;
    EXPECT_NE(out.find("<table border=\"1\""), std::string::npos) << out;  // Qt draws rules only as a grid
}

TEST(Markdown, TablesKeepTheirAlignment) {
    const std::string out = html("| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | 3 |\n");
    EXPECT_NE(out.find("<table>"), std::string::npos) << out;
    EXPECT_NE(out.find("<th style=\"text-align:left\">a</th>"), std::string::npos) << out;
    EXPECT_NE(out.find("<td style=\"text-align:center\">2</td>"), std::string::npos) << out;
    EXPECT_NE(out.find("<td style=\"text-align:right\">3</td>"), std::string::npos) << out;
    EXPECT_NE(out.find("table-wrap"), std::string::npos) << out;  // scrolls sideways when wide
}

TEST(Markdown, EmphasisListsAndHeadings) {
    const std::string out = html("# 标题\n\n**bold** *it* ~~del~~\n\n- one\n- two\n\n3. three\n");
    EXPECT_NE(out.find("<h1>标题</h1>"), std::string::npos) << out;
    EXPECT_NE(out.find("<strong>bold</strong>"), std::string::npos) << out;
    EXPECT_NE(out.find("<em>it</em>"), std::string::npos) << out;
    EXPECT_NE(out.find("<del>del</del>"), std::string::npos) << out;
    EXPECT_NE(out.find("<li>one</li>"), std::string::npos) << out;
    EXPECT_NE(out.find("<ol start=\"3\">"), std::string::npos) << out;
}

}  // namespace
}  // namespace deepdesk::render

namespace deepdesk::render {
namespace {

TEST(Citations, NumberedSourcesInTheTextBecomeLinks) {
    const std::string html = markdown_to_html(
        "Braise it for 90 minutes [1]. Both agree [2, 3]; see [9] and [x].\n\n"
        "`a[1]` and [link [1]](https://example.com)\n\n```\nv[1] = 0;\n```\n");
    const std::string linked = link_citations(html, 3, "source:");
    EXPECT_NE(linked.find("minutes <a href=\"source:1\">[1]</a>."), std::string::npos) << linked;
    EXPECT_NE(linked.find("[<a href=\"source:2\">2</a>, <a href=\"source:3\">3</a>]"), std::string::npos) << linked;
    EXPECT_NE(linked.find("see [9] and [x]"), std::string::npos) << linked;  // no source 9
    EXPECT_NE(linked.find("<code>a[1]</code>"), std::string::npos) << linked;
    EXPECT_NE(linked.find("v[1] = 0;"), std::string::npos) << linked;
    EXPECT_EQ(linked.find("href=\"source:1\">[1]</a>]("), std::string::npos) << linked;
    EXPECT_EQ(link_citations(html, 0, "source:"), html);
    // Tags are never touched, whatever their attributes hold.
    EXPECT_EQ(link_citations("<img alt=\"[1]\">", 3, "s:"), "<img alt=\"[1]\">");
    EXPECT_EQ(link_citations("[1", 3, "s:"), "[1");
    EXPECT_EQ(link_citations("[12345]", 3, "s:"), "[12345]");
}

}  // namespace
}  // namespace deepdesk::render
