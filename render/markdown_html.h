// SPDX-License-Identifier: GPL-3.0-or-later
// Markdown (GitHub dialect) to an HTML fragment, for exports and for the window's rich text: md4c
// parses; this file writes the HTML. Raw HTML in the source is never passed through: it is shown
// as text (an answer "Okay</think>Hi 4U!" reads as written), images become links (nothing rendered
// fetches anything), and link targets other than http(s)/mailto are dropped. Maths ($...$,
// $$...$$, \(...\), \[...\]) and fenced code go to hooks, so that a formula engine and a code
// highlighter can be plugged in; without them maths is shown as its source and code plain.
// Plain C++ (no Qt): the CLI's exports use it too.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace deepdesk::render {

struct markdown_hooks {
    // An HTML rendering of one formula, or "" to show its source.
    std::function<std::string(std::string_view tex, bool display)> math;
    // The inner HTML of a code block (escaped, perhaps with highlighting spans), or "" for plain.
    std::function<std::string(std::string_view code, std::string_view language)> code;
    // Markup for Qt's rich text (which has no style sheets) instead of a browser's: display
    // formulas in centred paragraphs, tables with their rules as cell attributes.
    bool qt_rich_text = false;
};

std::string escape_html(std::string_view text);

// \( \) and \[ \] outside code spans and fenced blocks turned into $ and $$ (which md4c parses as
// maths); in Markdown "\[" would otherwise read as an escaped bracket and lose its backslash.
std::string normalize_math_delimiters(std::string_view markdown);

// Citations of numbered sources in rendered HTML made links: "[2]" and "[1, 3]" in the text
// (not in code, preformatted blocks or links, not inside tags) become links to PREFIX2: the
// whole "[2]" for one number, each number for a list. Numbers outside 1..count stay text.
std::string link_citations(std::string_view html, int count, std::string_view prefix);

// The HTML fragment for `markdown` (math delimiters normalized first).
std::string markdown_to_html(std::string_view markdown, const markdown_hooks& hooks = {});

}  // namespace deepdesk::render
