// SPDX-License-Identifier: GPL-3.0-or-later
// Relevance within a text too large for the context: cut into chunks along its structure
// (Markdown sections, paragraphs, lines, PDF pages), ranked against a question with SQLite FTS5's BM25 over trigrams
// (so Chinese, which has no spaces, ranks like English), and the best chunks kept within a budget, in reading order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace deepdesk::storage {

// One piece of a document, with where it is.
struct chunk {
    std::string text;
    std::string heading;  // the Markdown heading path it is under ("Guide > Setup"), or empty
    int page = 0;         // PDF page (1-based); 0 when not paged
    int line = 1;         // the line it starts on (in its page, for a PDF)
};
// A document cut along its structure: Markdown sections, then paragraphs, then lines; pieces of
// about `target_bytes` (small paragraphs together, a long one cut at a line or a space).
std::vector<chunk> chunk_document(const std::string& text, bool markdown, std::size_t target_bytes = 1200);

// An FTS5 string literal for `w` (quotes doubled): matched as a substring by the trigram tokenizer.
std::string fts_phrase(const std::string& w);

// The FTS5 query for `question`: each word of three characters or more, and each run of three
// characters in text without spaces (Chinese, Japanese), quoted, joined by OR. Empty when the
// question has nothing that long.
std::string fts_query(const std::string& question);

// Indices of `chunks`, most relevant to `question` first (BM25); chunks that match nothing
// follow in their own order.
std::vector<std::size_t> rank_by_relevance(const std::vector<std::string>& chunks, const std::string& question);

// The parts of `text` most relevant to `question` that fit in `max_bytes`, in reading order, each
// headed "[Part i of n]" (", page p" for a paged document) so the model (and the reader) knows
// text was left out between them.
std::string relevant_parts(const std::string& text, const std::string& question, std::size_t max_bytes);

}  // namespace deepdesk::storage
