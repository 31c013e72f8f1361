// SPDX-License-Identifier: GPL-3.0-or-later
// ChatController: files attached to a message. They are read off the GUI thread into chips (name,
// about how many tokens, or why not); sending keeps each one with the user's message: its text in
// the database, the file once in the data folder under its SHA-256; deleting the last message
// that names a file removes the file. The model reads each one between <file> delimiters before
// the message; a file too large for the context can go in as its parts most relevant to the
// message instead (storage/retrieval.h).
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>

#include "app/chatcontroller.h"
#include "app/modelhost.h"
#include "app/offthread.h"
#include "app/settings.h"

namespace deepdesk::app {

namespace st = deepdesk::storage;

void ChatController::setDataDir(const QString& dataDir) {
    m_attachmentsDir = QDir(dataDir).filePath(QStringLiteral("attachments"));
    // Files no message names any more (a deletion the app did not live to finish) go.
    m_storage->post([dir = m_attachmentsDir](st::database& db) {
        st::conversation_store store(db);
        std::vector<std::string> present;
        for (const QString& f : QDir(dir).entryList(QDir::Files)) {
            present.push_back(f.toStdString());
        }
        dropUnusedBlobs(store, dir, present);
    });
}

QVariantList ChatController::attachments() const {
    QVariantList out;
    for (const AttachmentFile& a : m_pending) {
        out.append(QVariantMap{{QStringLiteral("name"), a.name},
                               {QStringLiteral("size"), a.size},
                               {QStringLiteral("tokens"), a.tokens},
                               {QStringLiteral("error"), a.error},
                               {QStringLiteral("reading"), a.sha256.isEmpty() && a.error.isEmpty()}});
    }
    return out;
}

void ChatController::setRelevantPartsOnly(bool on) {
    if (m_relevantOnly != on) {
        m_relevantOnly = on;
        Q_EMIT attachmentsChanged();
    }
}

void ChatController::attachFiles(const QList<QUrl>& files) {
    for (const QUrl& url : files) {
        const QString path = url.isLocalFile() ? url.toLocalFile() : url.toString();
        AttachmentFile placeholder;
        placeholder.path = QFileInfo(path).absoluteFilePath();
        placeholder.name = QFileInfo(path).fileName();
        if (!url.isLocalFile() && !url.scheme().isEmpty()) {
            placeholder.error = tr("Only files on this computer can be attached.");
            m_pending.append(placeholder);
            continue;
        }
        m_pending.append(placeholder);
        ++m_reading;
        runOffThread(
            this, [path = placeholder.path] { return readAttachment(path); },
            [this, path = placeholder.path](AttachmentFile read) {
                --m_reading;
                for (AttachmentFile& a : m_pending) {
                    if (a.path == path && a.sha256.isEmpty() && a.error.isEmpty()) {
                        a = std::move(read);
                        break;
                    }
                }
                Q_EMIT attachmentsChanged();
            });
    }
    Q_EMIT attachmentsChanged();
}

void ChatController::removeAttachment(int index) {
    if (index >= 0 && index < m_pending.size()) {
        m_pending.removeAt(index);
        if (m_pending.isEmpty()) {
            m_relevantOnly = false;
        }
        Q_EMIT attachmentsChanged();
    }
}

std::vector<ChatController::OutgoingFile> ChatController::takeAttachments(const QString& question) {
    std::vector<OutgoingFile> out;
    std::vector<const AttachmentFile*> usable;
    std::size_t total = 0;
    for (const AttachmentFile& a : m_pending) {
        if (a.error.isEmpty() && !a.sha256.isEmpty()) {
            usable.push_back(&a);
            OutgoingFile f;
            f.file.name = a.name.toStdString();
            f.file.mime = a.mime.toStdString();
            f.file.size = a.size;
            f.file.sha256 = a.sha256.toStdString();
            f.file.text = a.text.toStdString();
            total += f.file.text.size();
            out.push_back(std::move(f));
        }
    }
    // What the context leaves for the files: the model's context less the conversation, the
    // message and room for an answer, at the bytes per token the last draft count measured (3
    // until one is made: a safe side for both languages), less a tenth for the difference.
    if (m_relevantOnly) {
        const qint64 context = m_host->remote() ? 32768 : std::max<qint64>(m_host->contextSize(), 2048);
        const qint64 answer = std::min<qint64>(m_settings->maxTokens(), context / 4);
        qint64 conversationBytes = question.toUtf8().size();
        for (const auto& row : m_messages.rows()) {
            conversationBytes += static_cast<qint64>(row.message.content.size());
            for (const auto& a : row.attachments) {
                conversationBytes += static_cast<qint64>(a.text.size());
            }
        }
        const qint64 left =
            context - answer - static_cast<qint64>(static_cast<double>(conversationBytes) / m_bytesPerToken) - 256;
        const auto budget =
            static_cast<std::size_t>(static_cast<double>(std::max<qint64>(left, 256)) * m_bytesPerToken * 0.9);
        if (total > budget) {
            for (OutgoingFile& f : out) {  // each file its share of the budget, by its size
                f.relevantBytes = std::max<std::size_t>(1, budget * f.file.text.size() / total);
            }
        }
    }
    // The files themselves into the data folder (content-addressed: one copy however often sent).
    std::vector<std::pair<QString, QString>> copies;
    for (const AttachmentFile* a : usable) {
        copies.emplace_back(a->path, a->sha256);
    }
    m_storage->post([dir = m_attachmentsDir, copies](st::database&) { keepBlobs(dir, copies); });
    m_pending.clear();
    m_relevantOnly = false;
    Q_EMIT attachmentsChanged();
    return out;
}

void ChatController::keepBlobs(const QString& dir, const std::vector<std::pair<QString, QString>>& files) {
    if (dir.isEmpty() || files.empty()) {
        return;
    }
    if (!QFileInfo::exists(dir) && QDir().mkpath(dir)) {
        QFile::setPermissions(dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    for (const auto& [from, sha] : files) {
        const QString to = QDir(dir).filePath(sha);
        if (QFileInfo::exists(to)) {
            continue;  // content-addressed: already kept
        }
        // Copied and hashed in one pass, kept only when the bytes are still those the message was
        // made from (the file may have changed since it was attached).
        QFile in(from);
        QFile out(to + QStringLiteral(".partial"));
        if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            continue;
        }
        out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QCryptographicHash hash(QCryptographicHash::Sha256);
        bool ok = true;
        while (ok && !in.atEnd()) {
            const QByteArray block = in.read(1 << 20);
            ok = !block.isEmpty() && out.write(block) == block.size();
            hash.addData(block);
        }
        out.close();
        if (ok && QString::fromLatin1(hash.result().toHex()) == sha && QFile::rename(out.fileName(), to)) {
            continue;
        }
        QFile::remove(out.fileName());
        qWarning("DeepDesk: %s changed after it was attached; its text is kept with the message, not the file",
                 qPrintable(from));
    }
}

void ChatController::dropUnusedBlobs(st::conversation_store& store, const QString& dir,
                                     const std::vector<std::string>& candidates) {
    if (dir.isEmpty()) {
        return;
    }
    for (const std::string& sha : candidates) {
        // Only names a copy could have: 64 hex digits.
        if (sha.size() == 64 &&
            std::all_of(sha.begin(), sha.end(),
                        [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }) &&
            !store.blob_referenced(sha)) {
            QFile::remove(QDir(dir).filePath(QString::fromStdString(sha)));
        }
    }
}

}  // namespace deepdesk::app
