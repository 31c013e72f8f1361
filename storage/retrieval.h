// SPDX-License-Identifier: GPL-3.0-or-later
// Relevance within a text too large for the context: cut into chunks at paragraph and line
// boundaries, ranked against a question with SQLite FTS5's BM25 over trigrams (so Chinese, which
// has no spaces, ranks like English), and the best chunks kept within a budget, in reading order.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace deepdesk::storage {

// Pieces of `text` of about `target_chars` bytes each (never splitting a UTF-8 character), cut at
// a blank line, else a line end, else a space where one is near.
std::vector<std::string> split_chunks(const std::string& text, std::size_t target_chars = 1500);

// The FTS5 query for `question`: each word of three characters or more, and each run of three
// characters in text without spaces (Chinese, Japanese), quoted, joined by OR. Empty when the
// question has nothing that long.
std::string fts_query(const std::string& question);

// Indices of `chunks`, most relevant to `question` first (BM25); chunks that match nothing
// follow in their own order.
std::vector<std::size_t> rank_by_relevance(const std::vector<std::string>& chunks, const std::string& question);

// The parts of `text` most relevant to `question` that fit in `max_bytes`, in reading order, each
// headed "[Part i of n]" so the model (and the reader) knows text was left out between them.
std::string relevant_parts(const std::string& text, const std::string& question, std::size_t max_bytes);

}  // namespace deepdesk::storage
