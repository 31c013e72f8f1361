// SPDX-License-Identifier: GPL-3.0-or-later
// Export of conversations (Markdown, JSON, HTML, plain text) and import of DeepDesk JSON.
// JSON is the lossless format: every field of every message of every branch, with messages
// numbered within their conversation instead of database ids, so export -> import -> export gives
// the same bytes. HTML is one self-contained page with every text escaped.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/conversation_store.h"

namespace deepdesk::storage {

class import_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class export_format { markdown, json, html, text };
enum class reasoning_style { details, quote, omit };

struct export_options {
    reasoning_style reasoning = reasoning_style::details;  // Markdown and HTML
    bool all_branches = false;                             // Markdown/HTML/text: every branch (JSON always has all)
    // HTML: how an answer's and a reasoning's Markdown becomes HTML (render/markdown_html.h, with
    // maths and code hooks) and the CSS that HTML needs. Unset: the text is escaped as written.
    std::function<std::string(const std::string&)> html_from_markdown;
    std::string html_style;
};

inline constexpr int k_export_json_version = 1;

// The conversations with these ids (all of them when `ids` is empty), oldest first.
std::string export_conversations(conversation_store& store, const std::vector<std::int64_t>& ids, export_format format,
                                 const export_options& options = {});

// Imports a DeepDesk JSON export in one transaction; returns the new conversation ids. A malformed,
// truncated or foreign file throws import_error and leaves the database as it was.
std::vector<std::int64_t> import_json(conversation_store& store, const std::string& json_text);

}  // namespace deepdesk::storage
