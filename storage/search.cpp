// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/search.h"

#include "storage/retrieval.h"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace deepdesk::storage {
namespace {

std::size_t utf8_chars(const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::vector<std::string> words_of(const std::string& query) {
    std::vector<std::string> words;
    std::string cur;
    for (const char c : query) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!cur.empty()) {
                words.push_back(cur);
                cur.clear();
            }
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) {
        words.push_back(cur);
    }
    // Ideographic spaces separate words too.
    std::vector<std::string> out;
    for (const auto& w : words) {
        std::size_t start = 0;
        for (std::size_t p = w.find("\u3000"); p != std::string::npos; p = w.find("\u3000", start)) {
            if (p > start) {
                out.push_back(w.substr(start, p - start));
            }
            start = p + 3;
        }
        if (start < w.size()) {
            out.push_back(w.substr(start));
        }
    }
    return out;
}

// A LIKE pattern matching `w` anywhere ('\\' escapes LIKE's own wildcards).
std::string like_pattern(const std::string& w) {
    std::string out = "%";
    for (const char c : w) {
        if (c == '%' || c == '_' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "%";
}

std::string ascii_lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

// The text around the first occurrence of `word` (case-insensitive for ASCII), `context` bytes
// either side moved to character boundaries, with the match marked.
std::string make_snippet(const std::string& text, const std::string& word, std::size_t context = 60) {
    const std::string lower = ascii_lower(text);
    const std::size_t at = lower.find(ascii_lower(word));
    if (at == std::string::npos) {
        return {};
    }
    const auto boundary = [&](std::size_t p) {
        while (p > 0 && p < text.size() && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80) {
            --p;
        }
        return p;
    };
    const std::size_t begin = boundary(at > context ? at - context : 0);
    const std::size_t end = boundary(std::min(text.size(), at + word.size() + context));
    std::string out = begin > 0 ? "\u2026" : "";
    out += text.substr(begin, at - begin);
    out += k_mark_open;
    out += text.substr(at, word.size());
    out += k_mark_close;
    out += text.substr(at + word.size(), end > at + word.size() ? end - at - word.size() : 0);
    if (end < text.size()) {
        out += "\u2026";
    }
    return out;
}

}  // namespace

std::vector<search_hit> search(database& db, const std::string& query, int limit) {
    const std::vector<std::string> words = words_of(query);
    std::vector<search_hit> hits;
    if (words.empty() || limit <= 0) {
        return hits;
    }
    std::string match;                     // FTS5 query over the long words
    std::vector<std::string> short_words;  // under three characters: not in the index as such
    for (const auto& w : words) {
        if (utf8_chars(w) >= 3) {
            match += (match.empty() ? "" : " AND ") + fts_phrase(w);
        } else {
            short_words.push_back(w);
        }
    }
    // Extra conditions for the short words: LIKE for words with ASCII letters (it folds their case,
    // as the trigram index does), instr() for the others (CJK has no case; instr is a plain search).
    const auto has_ascii_letter = [](const std::string& w) {
        return std::any_of(w.begin(), w.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
    };
    const auto short_filter = [&](const std::vector<std::string>& columns) {
        std::string sql;
        for (const auto& w : short_words) {
            sql += " AND (";
            for (std::size_t c = 0; c < columns.size(); ++c) {
                sql += (c ? " OR " : "") +
                       (has_ascii_letter(w) ? columns[c] + " LIKE ? ESCAPE '\\'" : "instr(" + columns[c] + ", ?) > 0");
            }
            sql += ")";
        }
        return sql;
    };
    const auto bind_short = [&](SQLite::Statement& q, int& k, std::size_t columns) {
        for (const auto& w : short_words) {
            for (std::size_t c = 0; c < columns; ++c) {
                q.bind(k++, has_ascii_letter(w) ? like_pattern(w) : w);
            }
        }
    };
    const std::string open(1, k_mark_open), close(1, k_mark_close);

    // Conversation titles.
    {
        std::string sql;
        if (!match.empty()) {
            sql =
                "SELECT c.id, c.title, c.updated_at, highlight(conversations_fts, 0, ?, ?) FROM conversations_fts "
                "JOIN conversations c ON c.id = conversations_fts.rowid WHERE conversations_fts MATCH ?" +
                short_filter({"c.title"}) + " ORDER BY conversations_fts.rowid DESC LIMIT ?";
        } else {
            sql = "SELECT c.id, c.title, c.updated_at, '' FROM conversations c WHERE 1" + short_filter({"c.title"}) +
                  " ORDER BY c.updated_at DESC LIMIT ?";
        }
        SQLite::Statement q(db.sql(), sql);
        int k = 1;
        if (!match.empty()) {
            q.bind(k++, open);
            q.bind(k++, close);
            q.bind(k++, match);
        }
        bind_short(q, k, 1);
        q.bind(k, limit);
        while (q.executeStep()) {
            search_hit h;
            h.conversation_id = q.getColumn(0).getInt64();
            h.conversation_title = q.getColumn(1).getString();
            h.updated_at = q.getColumn(2).getInt64();
            h.field = "title";
            h.snippet =
                match.empty() ? make_snippet(h.conversation_title, short_words.front()) : q.getColumn(3).getString();
            hits.push_back(std::move(h));
        }
    }
    // Messages. A short word becomes the OR of the indexed trigrams that begin with it (every
    // character begins one: the index pads each text); a very common one, with too many such
    // trigrams to list, is checked on the rows instead, which the newest-first order finds fast.
    const int remaining = limit - static_cast<int>(hits.size());
    if (remaining <= 0) {
        return hits;
    }
    std::string message_match = match;
    std::vector<std::string> scan_words;
    db.sql().exec(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_fts_vocab USING fts5vocab(main, messages_fts, row)");
    for (const auto& w : short_words) {
        constexpr int k_max_terms = 300;
        SQLite::Statement v(db.sql(),
                            "SELECT term FROM temp.messages_fts_vocab WHERE term >= ?1 AND term < ?1 || char(1114111) "
                            "LIMIT ?2");
        v.bind(1, ascii_lower(w));
        v.bind(2, k_max_terms + 1);
        std::vector<std::string> terms;
        while (v.executeStep()) {
            terms.push_back(v.getColumn(0).getString());
        }
        if (terms.empty()) {
            return hits;  // no message contains this word
        }
        if (static_cast<int>(terms.size()) > k_max_terms) {
            scan_words.push_back(w);
            continue;
        }
        std::string any;
        for (const auto& t : terms) {
            any += (any.empty() ? "" : " OR ") + fts_phrase(t);
        }
        message_match += (message_match.empty() ? "(" : " AND (") + any + ")";
    }
    short_words = scan_words;  // the filters below now cover only these
    const std::string first_word = words.front();
    std::string sql;
    if (!message_match.empty()) {
        sql =
            "SELECT m.id, m.conversation_id, c.title, m.role, m.updated_at, m.content, m.reasoning, "
            "snippet(messages_fts, 0, ?, ?, '\u2026', 16), snippet(messages_fts, 1, ?, ?, '\u2026', 16), "
            "instr(lower(m.content), lower(?)) > 0 FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
            "JOIN conversations c ON c.id = m.conversation_id WHERE messages_fts MATCH ?" +
            short_filter({"m.content", "m.reasoning"}) + " ORDER BY messages_fts.rowid DESC LIMIT ?";
    } else {
        sql =
            "SELECT m.id, m.conversation_id, c.title, m.role, m.updated_at, m.content, m.reasoning, '', '', "
            "instr(lower(m.content), lower(?)) > 0 FROM messages m JOIN conversations c ON c.id = m.conversation_id "
            "WHERE 1" +
            short_filter({"m.content", "m.reasoning"}) + " ORDER BY m.id DESC LIMIT ?";
    }
    SQLite::Statement q(db.sql(), sql);
    int k = 1;
    if (!message_match.empty()) {
        q.bind(k++, open);
        q.bind(k++, close);
        q.bind(k++, open);
        q.bind(k++, close);
    }
    q.bind(k++, first_word);
    if (!message_match.empty()) {
        q.bind(k++, message_match);
    }
    bind_short(q, k, 2);
    q.bind(k, remaining);
    while (q.executeStep()) {
        search_hit h;
        h.message_id = q.getColumn(0).getInt64();
        h.conversation_id = q.getColumn(1).getInt64();
        h.conversation_title = q.getColumn(2).getString();
        h.role = q.getColumn(3).getString();
        h.updated_at = q.getColumn(4).getInt64();
        const bool in_content = q.getColumn(9).getInt() != 0;
        if (!match.empty()) {
            // A long word was in the query: the index's own snippet, from the field it marked.
            const std::string a = q.getColumn(7).getString(), b = q.getColumn(8).getString();
            const bool content_marked = a.find(k_mark_open) != std::string::npos;
            h.field = content_marked ? "content" : "reasoning";
            h.snippet = content_marked ? a : b;
        } else {
            h.field = in_content ? "content" : "reasoning";
            h.snippet = make_snippet(in_content ? q.getColumn(5).getString() : q.getColumn(6).getString(), first_word);
        }
        hits.push_back(std::move(h));
    }
    return hits;
}

std::vector<conversation_hit> search_conversations(database& db, const std::string& query, int limit, int scan) {
    std::vector<conversation_hit> out;
    std::unordered_map<std::int64_t, std::size_t> index;  // conversation id -> position in out
    for (auto& hit : search(db, query, scan)) {
        const std::int64_t id = hit.conversation_id;
        const auto [it, added] = index.try_emplace(id, out.size());
        if (added) {
            if (static_cast<int>(out.size()) == limit) {
                index.erase(it);
                continue;
            }
            out.push_back({std::move(hit), 0});
        }
        if (auto found = index.find(id); found != index.end()) {
            ++out[found->second].matches;
        }
    }
    return out;
}

std::string snippet_html(const std::string& snippet) {
    std::string out;
    for (const char c : snippet) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case k_mark_open: out += "<mark>"; break;
        case k_mark_close: out += "</mark>"; break;
        default: out += c;
        }
    }
    return out;
}

}  // namespace deepdesk::storage
