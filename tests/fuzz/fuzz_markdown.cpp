// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the Markdown writer (render/markdown_html.h): any answer text becomes HTML
// without a crash, in both flavours, and nothing in it is ever passed through as markup that
// fetches or runs something (no <img>, no <script>, no javascript: link).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "render/markdown_html.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    deepdesk::render::markdown_hooks hooks;
    hooks.math = [](std::string_view tex, bool) { return "<m>" + deepdesk::render::escape_html(tex) + "</m>"; };
    for (const bool qt : {false, true}) {
        hooks.qt_rich_text = qt;
        const std::string out = deepdesk::render::markdown_to_html(text, hooks);
        for (const char* bad : {"<img", "<script", "href=\"javascript:", "<iframe"}) {
            if (out.find(bad) != std::string::npos) {
                std::abort();
            }
        }
    }
    (void)deepdesk::render::normalize_math_delimiters(text);
    return 0;
}
