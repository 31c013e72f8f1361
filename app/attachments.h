// SPDX-License-Identifier: GPL-3.0-or-later
// Files attached to a message: what the app reads from them (text, Markdown, code, CSV, JSON;
// PDF through Poppler, page by page), why one cannot be used (binary, too large, unreadable,
// protected, a format not read), and how their text goes into the prompt.
#pragma once

#include <QString>

#include <cstdint>
#include <string>
#include <utility>

namespace deepdesk::app {

struct AttachmentFile {
    QString path, name, mime;
    qint64 size = 0;
    QString sha256;     // hex, of the file's bytes
    QString text;       // what goes into the prompt
    QString error;      // why it cannot be used (empty: usable)
    qint64 tokens = 0;  // about how many tokens the text takes (bytes / 3.5)
};

constexpr qint64 k_maxAttachmentBytes = 64LL * 1024 * 1024;
constexpr qsizetype k_maxAttachmentChars = 4 * 1024 * 1024;

// Reads `path` (on any thread: it touches no Qt object of the app's).
AttachmentFile readAttachment(const QString& path);
// The same reading; without `identify`, no SHA-256 and no token estimate (indexing a folder,
// where only the text is wanted).
AttachmentFile readDocument(const QString& path, bool identify = false);

// About how many tokens a text takes for a DeepSeek tokenizer (an estimate; the draft count is
// exact), from the text or from its size in UTF-8 bytes.
qint64 estimateTokens(const QString& text);
qint64 estimateTokens(std::size_t utf8Bytes);

// An attachment as the model reads it: the file's name and its text between clear delimiters.
std::string attachmentBlock(const std::string& name, const std::string& text);

// A chunk of a document collection kept as a message's source: its type names the collection and
// the file ("text/x-deepdesk-source; collection=ID; path=PATH"), so a click can open it.
std::string sourceMime(qint64 collectionId, const std::string& path);
bool isSource(const std::string& mime);
// The collection and the file of a source; {0, ""} for anything else.
std::pair<qint64, QString> sourceOf(const std::string& mime);

}  // namespace deepdesk::app
