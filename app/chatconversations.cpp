// SPDX-License-Identifier: GPL-3.0-or-later
// ChatController: the conversation list, opening, renaming, pinning, deleting, branches, search,
// export and import. The database is read and written on the storage thread.
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include "app/chatcontroller.h"
#include "render/js_renderer.h"
#include "storage/exchange.h"
#include "storage/search.h"

namespace deepdesk::app {
namespace {

namespace st = deepdesk::storage;

QVariantList searchResults(st::database& db, const std::string& query) {
    QVariantList out;
    // Each conversation once, at its best place, with how many places matched.
    for (const auto& [h, matches] : st::search_conversations(db, query, 30)) {
        QVariantMap m;
        m[QStringLiteral("matches")] = matches;
        m[QStringLiteral("conversationId")] = static_cast<qint64>(h.conversation_id);
        m[QStringLiteral("messageId")] = static_cast<qint64>(h.message_id);
        m[QStringLiteral("title")] = QString::fromStdString(h.conversation_title);
        m[QStringLiteral("field")] = QString::fromStdString(h.field);
        m[QStringLiteral("snippetHtml")] = QString::fromStdString(st::snippet_html(h.snippet));
        out << m;
    }
    return out;
}

}  // namespace

void ChatController::exportConversations(const QVariantList& ids, const QUrl& file, const QString& format,
                                         bool reasoning) {
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    if (!storageUsable()) {
        Q_EMIT exportFinished(false, path);
        return;
    }
    QString f = format.isEmpty() ? QFileInfo(path).suffix().toLower() : format;
    st::export_format fmt = st::export_format::markdown;
    if (f == QStringLiteral("json")) {
        fmt = st::export_format::json;
    } else if (f == QStringLiteral("html") || f == QStringLiteral("htm")) {
        fmt = st::export_format::html;
    } else if (f == QStringLiteral("txt") || f == QStringLiteral("text")) {
        fmt = st::export_format::text;
    }
    std::vector<std::int64_t> list;
    for (const QVariant& v : ids) {
        list.push_back(v.toLongLong());
    }
    // Reading the conversations and writing the file both happen on the storage thread.
    m_storage->post(
        this,
        [list, fmt, path, reasoning](st::database& db) -> QString {
            try {
                st::conversation_store store(db);
                st::export_options options;
                options.reasoning = !reasoning                           ? st::reasoning_style::omit
                                    : fmt == st::export_format::markdown ? st::reasoning_style::quote
                                                                         : st::reasoning_style::details;
                if (fmt == st::export_format::html) {
                    // Answers rendered as the window shows them: Markdown, maths as MathML, code
                    // coloured (one JavaScript engine for this thread, loaded on first use).
                    thread_local deepdesk::render::js_renderer js;
                    options.html_from_markdown = [](const std::string& md) {
                        return deepdesk::render::markdown_to_html(md, js.hooks());
                    };
                    options.html_style = deepdesk::render::export_style_sheet();
                }
                const std::string out = st::export_conversations(store, list, fmt, options);
                QFile target(path);
                if (!target.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
                    target.write(out.data(), static_cast<qint64>(out.size())) != static_cast<qint64>(out.size())) {
                    return tr("Could not write %1: %2").arg(path, target.errorString());
                }
            } catch (const std::exception& e) {
                return tr("Export failed: %1").arg(QString::fromStdString(e.what()));
            }
            return {};
        },
        [this, path](const QString& error) {
            if (!error.isEmpty()) {
                setError(error);
            }
            Q_EMIT exportFinished(error.isEmpty(), path);
        });
}

void ChatController::importConversations(const QUrl& file) {
    if (!storageUsable()) {
        Q_EMIT importFinished(0);
        return;
    }
    const QString path = file.isLocalFile() ? file.toLocalFile() : file.toString();
    struct Outcome {
        int count = 0;
        QString error;
    };
    m_storage->post(
        this,
        [path](st::database& db) -> Outcome {
            QFile in(path);
            if (!in.open(QIODevice::ReadOnly)) {
                return {0, tr("Could not read %1: %2").arg(path, in.errorString())};
            }
            const QByteArray text = in.readAll();
            try {
                st::conversation_store store(db);
                return {static_cast<int>(st::import_json(store, text.toStdString()).size()), {}};
            } catch (const st::import_error& e) {
                return {
                    0, tr("%1 was not imported: %2").arg(QFileInfo(path).fileName(), QString::fromStdString(e.what()))};
            }
        },
        [this](const Outcome& o) {
            if (!o.error.isEmpty()) {
                setError(o.error);
            }
            if (o.count > 0) {
                reloadConversations();
            }
            Q_EMIT importFinished(o.count);
        });
}

void ChatController::changeConversation(qint64 id, std::function<void(st::conversation_store&)> change) {
    m_storage->post(
        this,
        [id, change = std::move(change)](st::database& db) {
            st::conversation_store store(db);
            if (change) {
                change(store);
            }
            return store.find_conversation(id);
        },
        [this, id](const std::optional<st::conversation>& c) {
            if (c) {
                m_conversations.upsert(*c);
            } else {
                m_conversations.remove(id);
            }
            if (id == m_conversationId) {
                Q_EMIT conversationChanged();
            }
        });
}

void ChatController::reloadConversations() {
    m_storage->post(
        this, [](st::database& db) { return st::conversation_store(db).list_conversations(); },
        [this](std::vector<st::conversation> list) {
            m_conversations.reset(std::move(list));
            Q_EMIT conversationChanged();  // the title comes from the list
        });
}

std::string ChatController::withSetting(const std::string& samplingJson, const QString& key, const QJsonValue& value) {
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(samplingJson)).object();
    o.insert(key, value);
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

QJsonValue ChatController::openSetting(const QString& key) const {
    const auto* open = m_conversations.find(m_conversationId);
    return open != nullptr ? QJsonDocument::fromJson(QByteArray::fromStdString(open->sampling_json)).object().value(key)
                           : QJsonValue(QJsonValue::Undefined);
}

void ChatController::saveOpenSetting(const QString& key, const QJsonValue& value) {
    const auto* open = m_conversations.find(m_conversationId);
    if (open != nullptr && storageUsable()) {
        st::conversation c = *open;
        c.sampling_json = withSetting(c.sampling_json, key, value);
        m_conversations.upsert(c);
        m_storage->post([id = c.id, json = c.sampling_json](st::database& db) {
            st::conversation_store(db).set_sampling(id, json);
        });
    }
}

int ChatController::thinkingBudget() const {
    if (m_conversations.find(m_conversationId) == nullptr) {
        return m_newThinkingBudget;
    }
    return openSetting(QStringLiteral("thinking_budget")).toInt(-1);  // -1 when unset
}

void ChatController::setThinkingBudget(int budget) {
    budget = std::max(-1, budget);
    m_newThinkingBudget = budget;  // a new conversation starts from the last choice
    saveOpenSetting(QStringLiteral("thinking_budget"), budget);
    Q_EMIT thinkingBudgetChanged();
}

qint64 ChatController::collectionId() const {
    if (m_conversations.find(m_conversationId) == nullptr) {
        return m_newCollectionId;
    }
    return openSetting(QStringLiteral("collection_id")).toInteger();
}

void ChatController::setCollectionId(qint64 id) {
    m_newCollectionId = std::max<qint64>(0, id);  // a new conversation starts from the last choice
    saveOpenSetting(QStringLiteral("collection_id"), m_newCollectionId);
    Q_EMIT collectionIdChanged();
}

void ChatController::newConversation() {
    if (generating()) {
        stopThen([this] { newConversation(); });
        return;
    }
    ++m_openSerial;  // a conversation still being read is not shown
    m_conversationId = 0;
    m_messages.reset({});
    clearStats();
    Q_EMIT conversationChanged();
}

void ChatController::openConversation(qint64 id, qint64 focusMessageId) {
    if (!storageUsable()) {
        return;
    }
    if (generating()) {
        if (id == m_conversationId) {
            return;  // already on screen
        }
        stopThen([this, id, focusMessageId] { openConversation(id, focusMessageId); });
        return;
    }
    const qint64 serial = ++m_openSerial;
    m_storage->post(
        this, [id](st::database& db) { return MessageListModel::branchRows(db, id); },
        [this, id, serial, focusMessageId](std::vector<MessageListModel::Row> rows) {
            if (serial != m_openSerial || generating()) {
                return;  // the user has gone elsewhere since
            }
            if (id != m_conversationId) {
                clearStats();  // the figures were the other conversation's
            }
            m_conversationId = id;
            m_messages.reset(std::move(rows));
            Q_EMIT conversationChanged();
            Q_EMIT conversationOpened(focusMessageId);
        });
}

void ChatController::renameConversation(qint64 id, const QString& title) {
    if (!storageUsable()) {
        return;
    }
    changeConversation(id, [id, t = title.trimmed().toStdString()](st::conversation_store& s) { s.rename(id, t); });
}

void ChatController::setPinned(qint64 id, bool pinned) {
    if (!storageUsable()) {
        return;
    }
    changeConversation(id, [id, pinned](st::conversation_store& s) { s.set_pinned(id, pinned); });
}

void ChatController::deleteConversation(qint64 id) {
    if (!storageUsable() || (generating() && id == m_conversationId)) {
        return;
    }
    m_storage->post([id, dir = m_attachmentsDir](st::database& db) {
        st::conversation_store store(db);
        std::vector<std::string> files;
        for (const auto& a : store.attachments_in(id)) {
            files.push_back(a.sha256);
        }
        store.delete_conversation(id);
        dropUnusedBlobs(store, dir, files);  // the files no other message names go with it
    });
    if (id == m_conversationId) {
        newConversation();
    }
    m_conversations.remove(id);
}

void ChatController::search(const QString& query) {
    if (!m_storageError.isEmpty()) {
        Q_EMIT searchFinished(query, {});
        return;
    }
    m_storage->post(
        this, [q = query.toStdString()](st::database& db) { return searchResults(db, q); },
        [this, query](const QVariantList& results) { Q_EMIT searchFinished(query, results); });
}

void ChatController::switchBranch(qint64 messageId, int step) {
    if (generating() || !storageUsable()) {
        return;
    }
    const qint64 serial = ++m_openSerial;
    m_storage->post(
        this,
        [messageId, step, conversationId = m_conversationId](st::database& db) {
            st::conversation_store store(db);
            const auto sibs = store.siblings(messageId);
            const auto it = std::find(sibs.begin(), sibs.end(), messageId);
            if (it != sibs.end()) {
                const auto i = (it - sibs.begin()) + step;
                if (i >= 0 && i < static_cast<std::ptrdiff_t>(sibs.size())) {
                    store.select_branch(sibs[static_cast<std::size_t>(i)]);
                }
            }
            return MessageListModel::branchRows(db, conversationId);
        },
        [this, serial](std::vector<MessageListModel::Row> rows) {
            if (serial == m_openSerial && !generating()) {
                m_messages.replaceBranch(std::move(rows));
            }
        });
}

}  // namespace deepdesk::app
