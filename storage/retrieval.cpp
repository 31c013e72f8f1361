// SPDX-License-Identifier: GPL-3.0-or-later
#include "storage/retrieval.h"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <set>

namespace deepdesk::storage {
namespace {

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The UTF-8 characters of `s`, each as its bytes.
std::vector<std::string> characters(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t n = 1;
        while (i + n < s.size() && continuation(static_cast<unsigned char>(s[i + n]))) {
            ++n;
        }
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

bool wide(const std::string& ch) { return static_cast<unsigned char>(ch[0]) >= 0xE0; }  // CJK and beyond

bool separator(const std::string& ch) {
    if (ch.size() != 1) {
        return ch == "\xef\xbc\x8c" || ch == "\xe3\x80\x82" || ch == "\xef\xbc\x9f" || ch == "\xef\xbc\x81" ||
               ch == "\xe3\x80\x81" || ch == "\xef\xbc\x9a" || ch == "\xef\xbc\x9b";  // ，。？！、：；
    }
    const char c = ch[0];
    return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '-');
}

std::string quoted(const std::string& term) {
    std::string out = "\"";
    for (const char c : term) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

}  // namespace

std::vector<std::string> split_chunks(const std::string& text, std::size_t target_chars) {
    std::vector<std::string> out;
    target_chars = std::max<std::size_t>(target_chars, 64);
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = std::min(text.size(), at + target_chars);
        if (end < text.size()) {
            // The last good place to cut in the second half of the window.
            const std::size_t from = at + target_chars / 2;
            std::size_t cut = text.rfind("\n\n", end);
            if (cut == std::string::npos || cut < from) {
                cut = text.rfind('\n', end);
            }
            if (cut == std::string::npos || cut < from) {
                cut = text.rfind(' ', end);
            }
            if (cut != std::string::npos && cut >= from) {
                end = cut + 1;
            }
            while (end < text.size() && continuation(static_cast<unsigned char>(text[end]))) {
                ++end;  // never inside a character
            }
        }
        out.push_back(text.substr(at, end - at));
        at = end;
    }
    return out;
}

std::string fts_query(const std::string& question) {
    std::set<std::string> terms;
    std::vector<std::string> word;
    const auto flush = [&] {
        // A word of Latin letters or digits is one term; a run of wide characters gives its trigrams.
        if (!word.empty() && wide(word.front())) {
            for (std::size_t i = 0; i + 3 <= word.size(); ++i) {
                terms.insert(word[i] + word[i + 1] + word[i + 2]);
            }
        } else if (word.size() >= 3) {
            std::string w;
            for (const auto& c : word) {
                w += c;
            }
            terms.insert(w);
        }
        word.clear();
    };
    for (const std::string& ch : characters(question)) {
        if (separator(ch)) {
            flush();
            continue;
        }
        if (!word.empty() && wide(ch) != wide(word.front())) {
            flush();
        }
        word.push_back(ch);
    }
    flush();
    std::string out;
    for (const auto& t : terms) {
        out += (out.empty() ? "" : " OR ") + quoted(t);
    }
    return out;
}

std::vector<std::size_t> rank_by_relevance(const std::vector<std::string>& chunks, const std::string& question) {
    std::vector<std::size_t> order;
    const std::string query = fts_query(question);
    std::vector<bool> taken(chunks.size(), false);
    if (!query.empty() && !chunks.empty()) {
        SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE VIRTUAL TABLE chunks USING fts5(text, tokenize='trigram')");
        SQLite::Statement insert(db, "INSERT INTO chunks(rowid, text) VALUES (?, ?)");
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            insert.reset();
            insert.bind(1, static_cast<std::int64_t>(i));
            insert.bind(2, chunks[i]);
            insert.exec();
        }
        SQLite::Statement q(db, "SELECT rowid FROM chunks WHERE chunks MATCH ? ORDER BY bm25(chunks)");
        q.bind(1, query);
        while (q.executeStep()) {
            const auto i = static_cast<std::size_t>(q.getColumn(0).getInt64());
            if (i < chunks.size() && !taken[i]) {
                taken[i] = true;
                order.push_back(i);
            }
        }
    }
    for (std::size_t i = 0; i < chunks.size(); ++i) {
        if (!taken[i]) {
            order.push_back(i);
        }
    }
    return order;
}

std::string relevant_parts(const std::string& text, const std::string& question, std::size_t max_bytes) {
    if (text.size() <= max_bytes) {
        return text;
    }
    const auto chunks = split_chunks(text);
    const auto order = rank_by_relevance(chunks, question);
    std::vector<std::size_t> kept;
    std::size_t used = 0;
    for (const std::size_t i : order) {
        const std::size_t cost = chunks[i].size() + 32;  // with its heading
        if (used + cost > max_bytes) {
            continue;
        }
        used += cost;
        kept.push_back(i);
    }
    std::sort(kept.begin(), kept.end());
    std::string out;
    for (const std::size_t i : kept) {
        out += "[Part " + std::to_string(i + 1) + " of " + std::to_string(chunks.size()) + "]\n" + chunks[i];
        if (!out.empty() && out.back() != '\n') {
            out += '\n';
        }
    }
    return out;
}

}  // namespace deepdesk::storage
