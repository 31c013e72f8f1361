// SPDX-License-Identifier: GPL-3.0-or-later
// Full-text search over conversation titles, answers and reasoning, in any script. Queries of
// three or more characters per word go through the trigram FTS5 indexes; one- and two-character
// words (common in Chinese: 猫, 模型) are matched by a scan of the most recent messages.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/database.h"

namespace deepdesk::storage {

struct search_hit {
    std::int64_t conversation_id = 0;
    std::int64_t message_id = 0;  // 0: the conversation's title matched
    std::string conversation_title;
    std::string role;     // of the message; empty for a title hit
    std::string field;    // "title", "content" or "reasoning"
    std::string snippet;  // the text around the match, matches between k_mark_open and k_mark_close
    std::int64_t updated_at = 0;
};

// Markers around the matched text in search_hit::snippet (control characters never in chat text).
inline constexpr char k_mark_open = '\x02';
inline constexpr char k_mark_close = '\x03';

// Up to `limit` hits: title hits first, then messages, the most recent first. Every word of the query must
// occur (case-insensitively for Latin text). An empty query gives no hits.
std::vector<search_hit> search(database& db, const std::string& query, int limit = 50);

// One conversation in the results: its first hit (in search()'s order) and how many of its
// places matched (title and messages).
struct conversation_hit {
    search_hit first;
    int matches = 0;
};

// search() grouped by conversation: each conversation once, in the order of its first hit, with
// its number of matches (counted among the first `scan` hits). At most `limit` conversations.
std::vector<conversation_hit> search_conversations(database& db, const std::string& query, int limit = 30,
                                                   int scan = 1000);

// A snippet as HTML: the text escaped, the matches in <mark>.
std::string snippet_html(const std::string& snippet);

}  // namespace deepdesk::storage
