// SPDX-License-Identifier: GPL-3.0-or-later
// Maths and code highlighting through the maintained JavaScript libraries Debian ships, run in
// Qt's JavaScript engine (QJSEngine: no browser, no network): KaTeX (libjs-katex) turns LaTeX into
// MathML, highlight.js (libjs-highlight.js) marks up code. Both are loaded on first use; where a
// file is missing, formulas are shown as their source and code plain, with a clear reason from
// status(). One per thread (QJSEngine is not thread-safe).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "render/markdown_html.h"

namespace deepdesk::render {

struct js_paths {
    std::string katex = "/usr/share/javascript/katex/katex.min.js";
    std::string highlight = "/usr/share/javascript/highlight.js/highlight.min.js";
};

class js_renderer {
public:
    explicit js_renderer(js_paths paths = {});
    ~js_renderer();
    js_renderer(const js_renderer&) = delete;
    js_renderer& operator=(const js_renderer&) = delete;

    // MathML for one formula (inside KaTeX's <span class="katex">), or "" when KaTeX cannot parse
    // it (last_error() says why) or is unavailable.
    std::string mathml(std::string_view tex, bool display);
    // Highlighted HTML (spans with hljs-* classes, text escaped) for a language highlight.js or
    // DeepDesk (Lean) knows, or "" for an unknown language or an unavailable library.
    std::string highlight(std::string_view code, std::string_view language);

    // Hooks for markdown_to_html that use this renderer.
    markdown_hooks hooks();

    std::string last_error() const;
    // "" when both libraries are loaded, else which is missing.
    std::string status();

private:
    struct impl;
    std::unique_ptr<impl> m;
};

// CSS for exported pages: code colours (light, and dark where the reader's system is dark),
// tables, maths, code blocks.
std::string export_style_sheet();

// highlight.js HTML (class="hljs-...") with the classes replaced by inline colours, for Qt's rich
// text, which has no style sheets per span: light or dark theme.
std::string with_inline_colours(std::string_view hljs_html, bool dark);

}  // namespace deepdesk::render
