// SPDX-License-Identifier: GPL-3.0-or-later
#include "render/markdown_html.h"

#include <md4c.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <cstring>
#include <vector>

namespace deepdesk::render {

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

namespace {

// The length of the run of `c` starting at s[i].
std::size_t run_of(std::string_view s, std::size_t i, char c) {
    std::size_t n = 0;
    while (i + n < s.size() && s[i + n] == c) {
        ++n;
    }
    return n;
}

bool starts_fence(std::string_view line, char* fence_char, std::size_t* fence_len) {
    std::size_t i = 0;
    while (i < line.size() && i < 3 && line[i] == ' ') {
        ++i;
    }
    if (i < line.size() && (line[i] == '`' || line[i] == '~')) {
        const std::size_t n = run_of(line, i, line[i]);
        if (n >= 3) {
            *fence_char = line[i];
            *fence_len = n;
            return true;
        }
    }
    return false;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Where the formula opening with the dollar at s[i] ends (one past its closing dollars), or npos
// when that dollar opens none. $$...$$ closes at the next $$ in the same paragraph. $...$ follows
// Pandoc's rule, which tells maths from money: the opening dollar has a non-space after it, the
// closing one a non-space before it and no digit after it ("$5 and $10" is no formula).
std::size_t math_end(std::string_view s, std::size_t i) {
    const std::size_t para = std::min(s.find("\n\n", i), s.size());
    if (i + 1 < s.size() && s[i + 1] == '$') {
        const std::size_t close = s.find("$$", i + 2);
        return close == std::string_view::npos || close >= para || close == i + 2 ? std::string_view::npos
                                                                                    : close + 2;
    }
    if (i + 1 >= para || blank(s[i + 1])) {
        return std::string_view::npos;
    }
    for (std::size_t j = i + 1; j < para; ++j) {
        if (s[j] == '\\') {
            ++j;  // an escaped character, \$ included
            continue;
        }
        if (s[j] == '$') {
            if (blank(s[j - 1]) || (j + 1 < s.size() && s[j + 1] >= '0' && s[j + 1] <= '9') ||
                (j + 1 < s.size() && s[j + 1] == '$')) {
                continue;
            }
            return j + 1;
        }
    }
    return std::string_view::npos;
}

}  // namespace

std::string normalize_math_delimiters(std::string_view md) {
    std::string out;
    out.reserve(md.size());
    bool in_fence = false;
    char fence_char = 0;
    std::size_t fence_len = 0;
    std::size_t pos = 0;
    // Text between fenced blocks, converted as one piece so that \[ ... \] may span lines.
    std::string prose;
    const auto flush_prose = [&] {
        std::size_t i = 0;
        while (i < prose.size()) {
            const char c = prose[i];
            if (c == '`') {
                // A code span: copied as it is up to the closing run of the same length.
                const std::size_t n = run_of(prose, i, '`');
                std::size_t close = prose.find(std::string(n, '`'), i + n);
                while (close != std::string::npos && run_of(prose, close, '`') != n) {
                    close = prose.find(std::string(n, '`'), close + run_of(prose, close, '`'));
                }
                const std::size_t end = close == std::string::npos ? i + n : close + n;
                out.append(prose, i, end - i);
                i = end;
                continue;
            }
            if (c == '$') {
                const std::size_t end = math_end(prose, i);
                if (end == std::string::npos) {
                    out += "\\$";  // a dollar sign, not maths: "$5 and $10"
                    ++i;
                } else {
                    out.append(prose, i, end - i);
                    i = end;
                }
                continue;
            }
            if (c == '\\' && i + 1 < prose.size()) {
                const char d = prose[i + 1];
                if (d == '(' || d == '[') {
                    const std::string closing = d == '(' ? "\\)" : "\\]";
                    const std::size_t close = prose.find(closing, i + 2);
                    if (close != std::string::npos) {
                        const std::string_view inner = std::string_view(prose).substr(i + 2, close - i - 2);
                        // md4c reads $x$ only when no space follows the opening dollar or precedes
                        // the closing one; the formula's own spaces do not matter to it.
                        std::size_t a = 0, b = inner.size();
                        while (a < b && (inner[a] == ' ' || inner[a] == '\n' || inner[a] == '\t')) {
                            ++a;
                        }
                        while (b > a && (inner[b - 1] == ' ' || inner[b - 1] == '\n' || inner[b - 1] == '\t')) {
                            --b;
                        }
                        const std::string delim = d == '(' ? "$" : "$$";
                        if (b > a) {
                            out += delim;
                            out += inner.substr(a, b - a);
                            out += delim;
                        }
                        i = close + 2;
                        continue;
                    }
                    // Not closed (yet, while an answer streams): shown as written, backslash kept.
                    out += "\\\\";
                    out += d;
                    i += 2;
                    continue;
                }
                out += c;
                out += d;  // any other escape stays as written (\$ included)
                i += 2;
                continue;
            }
            out += c;
            ++i;
        }
        prose.clear();
    };
    while (pos < md.size()) {
        std::size_t eol = md.find('\n', pos);
        const std::size_t next = eol == std::string_view::npos ? md.size() : eol + 1;
        const std::string_view line = md.substr(pos, next - pos);
        char fc = 0;
        std::size_t fl = 0;
        if (in_fence) {
            out += line;
            std::size_t i = 0;
            while (i < line.size() && i < 3 && line[i] == ' ') {
                ++i;
            }
            if (i < line.size() && line[i] == fence_char && run_of(line, i, fence_char) >= fence_len) {
                in_fence = false;
            }
        } else if (starts_fence(line, &fc, &fl)) {
            flush_prose();
            out += line;
            in_fence = true;
            fence_char = fc;
            fence_len = fl;
        } else {
            prose += line;
        }
        pos = next;
    }
    flush_prose();
    return out;
}

namespace {

std::string attribute_text(const MD_ATTRIBUTE& a) { return std::string(a.text, a.size); }

bool safe_link(std::string_view url) {
    const auto starts = [&](std::string_view p) {
        if (url.size() < p.size()) {
            return false;
        }
        for (std::size_t i = 0; i < p.size(); ++i) {
            if (static_cast<char>(std::tolower(static_cast<unsigned char>(url[i]))) != p[i]) {
                return false;
            }
        }
        return true;
    };
    return starts("http://") || starts("https://") || starts("mailto:");
}

struct writer {
    const markdown_hooks* hooks = nullptr;
    std::string out;
    // Collected text of the code block or formula being read, if any.
    bool collecting = false;
    std::string collected;
    std::string code_language;
    std::vector<bool> link_open;      // per open link span: whether an <a> was written
    int image_depth = 0;

    void text(MD_TEXTTYPE type, std::string_view s) {
        if (collecting) {
            collected += type == MD_TEXT_NULLCHAR ? std::string_view("\xEF\xBF\xBD") : s;
            return;
        }
        switch (type) {
        case MD_TEXT_NULLCHAR: out += "\xEF\xBF\xBD"; break;
        case MD_TEXT_BR: out += image_depth > 0 ? " " : "<br>\n"; break;
        case MD_TEXT_SOFTBR: out += image_depth > 0 ? " " : "\n"; break;
        case MD_TEXT_ENTITY: out += s; break;  // md4c reports only well-formed entities
        default: out += escape_html(s);
        }
    }

    std::string render_math(std::string_view tex, bool display) const {
        std::string html = hooks->math ? hooks->math(tex, display) : std::string();
        if (!html.empty()) {
            if (!display) {
                return html;
            }
            return hooks->qt_rich_text ? "</p><p align=\"center\">" + html + "</p><p>"
                                       : "<div class=\"math-display\">" + html + "</div>";
        }
        // Shown as its source, with its delimiters, never blank.
        const std::string source = display ? "$$" + std::string(tex) + "$$" : "$" + std::string(tex) + "$";
        return display ? "<pre class=\"math-source\">" + escape_html(source) + "</pre>"
                       : "<code class=\"math-source\">" + escape_html(source) + "</code>";
    }

    static const char* align_attr(MD_ALIGN a) {
        switch (a) {
        case MD_ALIGN_LEFT: return " style=\"text-align:left\"";
        case MD_ALIGN_CENTER: return " style=\"text-align:center\"";
        case MD_ALIGN_RIGHT: return " style=\"text-align:right\"";
        default: return "";
        }
    }

    void enter_block(MD_BLOCKTYPE type, void* detail) {
        switch (type) {
        case MD_BLOCK_DOC: break;
        case MD_BLOCK_QUOTE: out += "<blockquote>\n"; break;
        case MD_BLOCK_UL: out += "<ul>\n"; break;
        case MD_BLOCK_OL: {
            const auto* d = static_cast<const MD_BLOCK_OL_DETAIL*>(detail);
            out += d->start == 1 ? std::string("<ol>\n") : "<ol start=\"" + std::to_string(d->start) + "\">\n";
            break;
        }
        case MD_BLOCK_LI: {
            const auto* d = static_cast<const MD_BLOCK_LI_DETAIL*>(detail);
            out += "<li>";
            if (d->is_task) {
                out += d->task_mark == ' ' ? "\xE2\x98\x90 " : "\xE2\x98\x91 ";  // ☐ / ☑
            }
            break;
        }
        case MD_BLOCK_HR: out += "<hr>\n"; break;
        case MD_BLOCK_H: out += "<h" + std::to_string(static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level) + ">"; break;
        case MD_BLOCK_CODE: {
            const auto* d = static_cast<const MD_BLOCK_CODE_DETAIL*>(detail);
            code_language = attribute_text(d->lang);
            collecting = true;
            collected.clear();
            break;
        }
        case MD_BLOCK_HTML:  // not reached with MD_FLAG_NOHTML; shown as text if it were
            out += "<p>";
            break;
        case MD_BLOCK_P: out += "<p>"; break;
        case MD_BLOCK_TABLE:
            // Qt's rich text draws per-cell rules only as a grid: one thin collapsed line.
            out += hooks->qt_rich_text ? "<table border=\"1\" cellspacing=\"0\" cellpadding=\"6\" "
                                         "style=\"border-collapse:collapse;border-color:#8c959f\">\n"
                                       : "<div class=\"table-wrap\"><table>\n";
            break;
        case MD_BLOCK_THEAD: out += "<thead>\n"; break;
        case MD_BLOCK_TBODY: out += "<tbody>\n"; break;
        case MD_BLOCK_TR: out += "<tr>"; break;
        case MD_BLOCK_TH:
        case MD_BLOCK_TD: {
            const auto* d = static_cast<const MD_BLOCK_TD_DETAIL*>(detail);
            out += type == MD_BLOCK_TH ? "<th" : "<td";
            if (hooks->qt_rich_text) {
                // One rule under the header and a faint one under each row.
                out += type == MD_BLOCK_TH ? " style=\"border-bottom:2px solid #8c959f" : " style=\"border-bottom:1px solid #d0d7de";
                const std::string a = align_attr(d->align);
                out += a.empty() ? std::string() : ";" + a.substr(8, a.size() - 9);
                out += "\">";
            } else {
                out += align_attr(d->align);
                out += ">";
            }
            break;
        }
        }
    }

    void leave_block(MD_BLOCKTYPE type, void* detail) {
        switch (type) {
        case MD_BLOCK_DOC: break;
        case MD_BLOCK_QUOTE: out += "</blockquote>\n"; break;
        case MD_BLOCK_UL: out += "</ul>\n"; break;
        case MD_BLOCK_OL: out += "</ol>\n"; break;
        case MD_BLOCK_LI: out += "</li>\n"; break;
        case MD_BLOCK_HR: break;
        case MD_BLOCK_H:
            out += "</h" + std::to_string(static_cast<const MD_BLOCK_H_DETAIL*>(detail)->level) + ">\n";
            break;
        case MD_BLOCK_CODE: {
            collecting = false;
            std::string code = collected;
            if (!code.empty() && code.back() == '\n') {
                code.pop_back();
            }
            std::string inner = hooks->code ? hooks->code(code, code_language) : std::string();
            if (inner.empty()) {
                inner = escape_html(code);
            }
            out += "<div class=\"code\"><div class=\"code-lang\">" +
                   escape_html(code_language.empty() ? std::string("code") : code_language) + "</div><pre><code";
            if (!code_language.empty()) {
                out += " class=\"language-" + escape_html(code_language) + "\"";
            }
            out += ">" + inner + "</code></pre></div>\n";
            break;
        }
        case MD_BLOCK_HTML:
        case MD_BLOCK_P: out += "</p>\n"; break;
        case MD_BLOCK_TABLE: out += hooks->qt_rich_text ? "</table>\n" : "</table></div>\n"; break;
        case MD_BLOCK_THEAD: out += "</thead>\n"; break;
        case MD_BLOCK_TBODY: out += "</tbody>\n"; break;
        case MD_BLOCK_TR: out += "</tr>\n"; break;
        case MD_BLOCK_TH: out += "</th>"; break;
        case MD_BLOCK_TD: out += "</td>"; break;
        }
    }

    void enter_span(MD_SPANTYPE type, void* detail) {
        if (collecting) {
            return;
        }
        switch (type) {
        case MD_SPAN_EM: out += "<em>"; break;
        case MD_SPAN_STRONG: out += "<strong>"; break;
        case MD_SPAN_DEL: out += "<del>"; break;
        case MD_SPAN_U: out += "<u>"; break;
        case MD_SPAN_CODE: out += "<code>"; break;
        case MD_SPAN_A: {
            const std::string href = attribute_text(static_cast<const MD_SPAN_A_DETAIL*>(detail)->href);
            const bool ok = image_depth == 0 && safe_link(href);
            link_open.push_back(ok);
            if (ok) {
                out += "<a href=\"" + escape_html(href) + "\">";
            }
            break;
        }
        case MD_SPAN_IMG: {
            // Never an <img>: a link the reader may follow, named after the image.
            const std::string src = attribute_text(static_cast<const MD_SPAN_IMG_DETAIL*>(detail)->src);
            if (image_depth++ == 0) {
                out += safe_link(src) ? "<a class=\"image-link\" href=\"" + escape_html(src) + "\">[Image: "
                                      : std::string("<span class=\"image-link\">[Image: ");
            }
            break;
        }
        case MD_SPAN_LATEXMATH:
        case MD_SPAN_LATEXMATH_DISPLAY:
            collecting = true;
            collected.clear();
            break;
        case MD_SPAN_WIKILINK: break;
        }
    }

    void leave_span(MD_SPANTYPE type, void* detail) {
        switch (type) {
        case MD_SPAN_LATEXMATH:
        case MD_SPAN_LATEXMATH_DISPLAY:
            collecting = false;
            out += render_math(collected, type == MD_SPAN_LATEXMATH_DISPLAY);
            return;
        default: break;
        }
        if (collecting) {
            return;
        }
        switch (type) {
        case MD_SPAN_EM: out += "</em>"; break;
        case MD_SPAN_STRONG: out += "</strong>"; break;
        case MD_SPAN_DEL: out += "</del>"; break;
        case MD_SPAN_U: out += "</u>"; break;
        case MD_SPAN_CODE: out += "</code>"; break;
        case MD_SPAN_A:
            if (!link_open.empty()) {
                if (link_open.back()) {
                    out += "</a>";
                }
                link_open.pop_back();
            }
            break;
        case MD_SPAN_IMG:
            if (--image_depth == 0) {
                const std::string src = attribute_text(static_cast<const MD_SPAN_IMG_DETAIL*>(detail)->src);
                out += safe_link(src) ? "]</a>" : "]</span>";
            }
            break;
        default: break;
        }
    }
};

}  // namespace

std::string link_citations(std::string_view html, int count, std::string_view prefix) {
    if (count <= 0) {
        return std::string(html);
    }
    std::string out;
    out.reserve(html.size() + 64);
    int plain_depth = 0;  // inside <code>, <pre> or <a>: left as it is
    std::size_t i = 0;
    const auto tag_name = [](std::string_view tag) {
        std::size_t b = tag.size() > 1 && tag[1] == '/' ? 2 : 1, e = b;
        while (e < tag.size() && std::isalpha(static_cast<unsigned char>(tag[e]))) {
            ++e;
        }
        std::string name(tag.substr(b, e - b));
        for (auto& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        return name;
    };
    while (i < html.size()) {
        if (html[i] == '<') {
            const std::size_t end = html.find('>', i);
            const std::string_view tag = html.substr(i, end == std::string_view::npos ? html.size() - i : end - i + 1);
            const std::string name = tag_name(tag);
            if (name == "code" || name == "pre" || name == "a") {
                plain_depth += tag.size() > 1 && tag[1] == '/' ? -1 : 1;
                plain_depth = std::max(plain_depth, 0);
            }
            out += tag;
            i += tag.size();
            continue;
        }
        if (html[i] == '[' && plain_depth == 0) {
            // [n] or [n, m, ...]
            std::size_t j = i + 1;
            std::vector<std::pair<std::size_t, std::size_t>> numbers;  // (start, length) in html
            bool ok = true;
            while (ok) {
                while (j < html.size() && html[j] == ' ') {
                    ++j;
                }
                const std::size_t start = j;
                while (j < html.size() && std::isdigit(static_cast<unsigned char>(html[j])) && j - start < 4) {
                    ++j;
                }
                ok = j > start;
                if (!ok) {
                    break;
                }
                const int n = std::stoi(std::string(html.substr(start, j - start)));
                ok = n >= 1 && n <= count;
                numbers.emplace_back(start, j - start);
                while (j < html.size() && html[j] == ' ') {
                    ++j;
                }
                if (j < html.size() && (html[j] == ',' || html[j] == ';')) {
                    ++j;
                    continue;
                }
                break;
            }
            if (ok && numbers.size() == 1 && j < html.size() && html[j] == ']') {
                const std::string_view num = html.substr(numbers[0].first, numbers[0].second);
                out += "<a href=\"";
                out += prefix;
                out += num;
                out += "\">[";
                out += num;
                out += "]</a>";
                i = j + 1;
                continue;
            }
            if (ok && !numbers.empty() && j < html.size() && html[j] == ']') {
                out += '[';
                std::size_t at = i + 1;
                for (const auto& [start, len] : numbers) {
                    out += html.substr(at, start - at);
                    const std::string_view num = html.substr(start, len);
                    out += "<a href=\"";
                    out += prefix;
                    out += num;
                    out += "\">";
                    out += num;
                    out += "</a>";
                    at = start + len;
                }
                out += html.substr(at, j + 1 - at);
                i = j + 1;
                continue;
            }
        }
        out += html[i];
        ++i;
    }
    return out;
}

std::string markdown_to_html(std::string_view markdown, const markdown_hooks& hooks) {
    const std::string source = normalize_math_delimiters(markdown);
    writer w;
    w.hooks = &hooks;
    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = MD_DIALECT_GITHUB | MD_FLAG_LATEXMATHSPANS | MD_FLAG_NOHTML;
    parser.enter_block = [](MD_BLOCKTYPE t, void* d, void* u) {
        static_cast<writer*>(u)->enter_block(t, d);
        return 0;
    };
    parser.leave_block = [](MD_BLOCKTYPE t, void* d, void* u) {
        static_cast<writer*>(u)->leave_block(t, d);
        return 0;
    };
    parser.enter_span = [](MD_SPANTYPE t, void* d, void* u) {
        static_cast<writer*>(u)->enter_span(t, d);
        return 0;
    };
    parser.leave_span = [](MD_SPANTYPE t, void* d, void* u) {
        static_cast<writer*>(u)->leave_span(t, d);
        return 0;
    };
    parser.text = [](MD_TEXTTYPE t, const MD_CHAR* s, MD_SIZE n, void* u) {
        static_cast<writer*>(u)->text(t, std::string_view(s, n));
        return 0;
    };
    if (md_parse(source.data(), static_cast<MD_SIZE>(source.size()), &parser, &w) != 0) {
        return "<p>" + escape_html(markdown) + "</p>\n";  // md4c gave up (out of memory): the text as is
    }
    if (hooks.qt_rich_text) {
        // A display formula alone in its paragraph leaves empty paragraphs around it, which Qt
        // would show as blank lines.
        for (std::size_t at = w.out.find("<p></p>"); at != std::string::npos; at = w.out.find("<p></p>", at)) {
            w.out.erase(at, 7);
        }
    }
    return w.out;
}

}  // namespace deepdesk::render
