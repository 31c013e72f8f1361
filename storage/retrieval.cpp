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

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }

bool is_heading(const std::string& line, int* level, std::string* title) {
    std::size_t n = 0;
    while (n < line.size() && line[n] == '#') {
        ++n;
    }
    if (n == 0 || n > 6 || n >= line.size() || line[n] != ' ') {
        return false;
    }
    *level = static_cast<int>(n);
    *title = line.substr(n + 1);
    while (!title->empty() && (title->back() == ' ' || title->back() == '#' || title->back() == '\r')) {
        title->pop_back();
    }
    return true;
}

}  // namespace

std::string fts_phrase(const std::string& w) {
    std::string out = "\"";
    for (const char c : w) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

std::vector<chunk> chunk_document(const std::string& text, bool markdown, std::size_t target_bytes) {
    std::vector<chunk> out;
    std::vector<std::string> headings;  // by level
    int page = 0, line_no = 0, page_line = 0;
    chunk current;
    bool fenced = false;
    const auto heading_path = [&] {
        std::string h;
        for (const auto& part : headings) {
            if (!part.empty()) {
                h += (h.empty() ? "" : " > ") + part;
            }
        }
        return h;
    };
    const auto flush = [&] {
        if (current.text.find_first_not_of(" \t\r\n") != std::string::npos) {
            while (!current.text.empty() && (current.text.back() == '\n' || current.text.back() == '\r')) {
                current.text.pop_back();
            }
            out.push_back(current);
        }
        current = chunk{};
    };
    const auto start_here = [&] {
        current.heading = heading_path();
        current.page = page;
        current.line = page > 0 ? page_line : line_no;
    };
    // One line into the pieces: a blank line ends a paragraph, which ends a piece once it is
    // big enough; a line longer than a piece is cut at spaces.
    const auto append = [&](const std::string& line) {
        const bool blank = line.find_first_not_of(" \t\r") == std::string::npos;
        if (current.text.empty()) {
            if (blank) {
                return;
            }
            start_here();
        }
        if (blank) {
            if (current.text.size() >= target_bytes / 2) {
                flush();
            } else {
                current.text += "\n";
            }
            return;
        }
        if (current.text.size() + line.size() + 1 > target_bytes) {
            flush();
            start_here();
        }
        std::string rest = line;
        while (rest.size() > target_bytes) {
            std::size_t cut = rest.rfind(' ', target_bytes);
            if (cut == std::string::npos || cut < target_bytes / 2) {
                cut = target_bytes;
                while (cut < rest.size() && (static_cast<unsigned char>(rest[cut]) & 0xC0) == 0x80) {
                    ++cut;  // never inside a character
                }
            }
            current.text += rest.substr(0, cut);
            rest.erase(0, cut);
            flush();
            start_here();
        }
        current.text += rest + "\n";
    };
    std::size_t at = 0;
    for (;;) {
        const std::size_t nl = text.find('\n', at);
        std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        ++line_no;
        ++page_line;
        int level = 0;
        std::string title;
        if (starts_with(line, "[Page ") && line.size() > 7 && line.back() == ']') {
            flush();
            page = std::atoi(line.c_str() + 6);
            page_line = 0;
        } else if (markdown && starts_with(line, "```")) {
            fenced = !fenced;
            append(line);
        } else if (markdown && !fenced && is_heading(line, &level, &title)) {
            flush();
            headings.resize(static_cast<std::size_t>(level));
            headings[static_cast<std::size_t>(level) - 1] = title;
            append(line);
        } else {
            append(line);
        }
        if (nl == std::string::npos) {
            break;
        }
        at = nl + 1;
    }
    flush();
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
        out += (out.empty() ? "" : " OR ") + fts_phrase(t);
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
    const auto pieces = chunk_document(text, false, 1500);
    std::vector<std::string> chunks;
    for (const auto& p : pieces) {
        chunks.push_back(p.text);
    }
    const auto order = rank_by_relevance(chunks, question);
    std::vector<std::size_t> kept;
    std::size_t used = 0;
    for (const std::size_t i : order) {
        const std::size_t cost = chunks[i].size() + 40;  // with its heading
        if (used + cost > max_bytes) {
            continue;
        }
        used += cost;
        kept.push_back(i);
    }
    std::sort(kept.begin(), kept.end());
    std::string out;
    for (const std::size_t i : kept) {
        out += "[Part " + std::to_string(i + 1) + " of " + std::to_string(chunks.size()) +
               (pieces[i].page > 0 ? ", page " + std::to_string(pieces[i].page) : std::string()) + "]\n" + chunks[i] +
               "\n";
    }
    return out;
}

}  // namespace deepdesk::storage
