// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/attachments.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>
#include <QStringDecoder>

#include <poppler-qt6.h>

#include <memory>

namespace deepdesk::app {
namespace {

// Formats that are text inside a container we do not open.
bool unsupportedDocument(const QString& suffix) {
    static const QStringList kinds{QStringLiteral("docx"), QStringLiteral("doc"),  QStringLiteral("odt"),
                                   QStringLiteral("rtf"),  QStringLiteral("xlsx"), QStringLiteral("xls"),
                                   QStringLiteral("pptx"), QStringLiteral("ppt"),  QStringLiteral("epub")};
    return kinds.contains(suffix);
}

QString pdfText(const QByteArray& bytes, QString* error) {
    std::unique_ptr<Poppler::Document> doc = Poppler::Document::loadFromData(bytes);
    if (!doc) {
        *error = QCoreApplication::translate("Attachments", "This PDF cannot be read (it may be damaged).");
        return {};
    }
    if (doc->isLocked()) {
        *error = QCoreApplication::translate("Attachments", "This PDF is protected by a password.");
        return {};
    }
    QString out;
    bool anyText = false;
    for (int i = 0; i < doc->numPages(); ++i) {
        std::unique_ptr<Poppler::Page> page = doc->page(i);
        const QString text = page ? page->text(QRectF()).trimmed() : QString();
        anyText = anyText || !text.isEmpty();
        out += QStringLiteral("[Page %1]\n").arg(i + 1) + text + QStringLiteral("\n\n");
        if (out.size() > k_maxAttachmentChars) {
            *error = QCoreApplication::translate(
                "Attachments", "This PDF has more text than fits in a conversation (over 4 million characters).");
            return {};
        }
    }
    if (!anyText) {
        *error = QCoreApplication::translate("Attachments", "This PDF has no text to read (a scan without OCR?).");
        return {};
    }
    return out;
}

}  // namespace

qint64 estimateTokens(std::size_t utf8Bytes) { return static_cast<qint64>(static_cast<double>(utf8Bytes) / 3.5) + 1; }

qint64 estimateTokens(const QString& text) { return estimateTokens(static_cast<std::size_t>(text.toUtf8().size())); }

std::string attachmentBlock(const std::string& name, const std::string& text) {
    return "<file name=\"" + name + "\">\n" + text + (text.empty() || text.back() == '\n' ? "" : "\n") + "</file>";
}

std::string sourceMime(qint64 collectionId, const std::string& path) {
    return "text/x-deepdesk-source; collection=" + std::to_string(collectionId) + "; path=" + path;
}

bool isSource(const std::string& mime) { return mime.rfind("text/x-deepdesk-source", 0) == 0; }

std::pair<qint64, QString> sourceOf(const std::string& mime) {
    if (!isSource(mime)) {
        return {0, {}};
    }
    const auto c = mime.find("; collection=");
    const auto p = mime.find("; path=");
    if (c == std::string::npos || p == std::string::npos || p < c) {
        return {0, {}};
    }
    return {std::atoll(mime.c_str() + c + 13), QString::fromStdString(mime.substr(p + 7))};
}

AttachmentFile readAttachment(const QString& path) { return readDocument(path, true); }

AttachmentFile readDocument(const QString& path, bool identify) {
    AttachmentFile a;
    const QFileInfo info(path);
    a.path = info.absoluteFilePath();
    a.name = info.fileName();
    a.size = info.size();
    if (!info.exists() || !info.isFile()) {
        a.error = QCoreApplication::translate("Attachments", "This is not a file that can be read.");
        return a;
    }
    if (a.size > k_maxAttachmentBytes) {
        a.error = QCoreApplication::translate("Attachments", "This file is larger than 64 MB.");
        return a;
    }
    QFile f(a.path);
    if (!f.open(QIODevice::ReadOnly)) {
        a.error = QCoreApplication::translate("Attachments", "This file cannot be read: %1").arg(f.errorString());
        return a;
    }
    const QByteArray bytes = f.readAll();
    if (identify) {
        a.sha256 = QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    }
    const QMimeType mime = QMimeDatabase().mimeTypeForFileNameAndData(a.name, bytes.left(4096));
    a.mime = mime.name();
    const QString suffix = info.suffix().toLower();
    if (a.mime == QLatin1String("application/pdf") || bytes.startsWith("%PDF-")) {
        a.mime = QStringLiteral("application/pdf");
        a.text = pdfText(bytes, &a.error);
    } else if (unsupportedDocument(suffix)) {
        a.error = QCoreApplication::translate(
                      "Attachments", "%1 files are not read yet: save it as PDF or plain text and attach that.")
                      .arg(suffix.toUpper());
    } else {
        // Text: valid UTF-8 without NUL bytes (a binary file has them early).
        QStringDecoder utf8(QStringDecoder::Utf8);
        const QString text = utf8(bytes);
        if (bytes.left(64 * 1024).contains('\0') || utf8.hasError()) {
            a.error = QCoreApplication::translate("Attachments", "This file is not text (%1).")
                          .arg(mime.comment().isEmpty() ? a.mime : mime.comment());
        } else if (text.size() > k_maxAttachmentChars) {
            a.error = QCoreApplication::translate(
                "Attachments", "This file has more text than fits in a conversation (over 4 million characters).");
        } else {
            a.text = text.startsWith(QChar(0xFEFF)) ? text.mid(1) : text;
        }
    }
    if (!a.error.isEmpty()) {
        a.text.clear();
    }
    if (identify && a.error.isEmpty()) {
        a.tokens = estimateTokens(a.text);
    }
    return a;
}

}  // namespace deepdesk::app
