// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/messagelistmodel.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <map>
#include <optional>

#include "app/attachments.h"

namespace deepdesk::app {

int MessageListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) {
        return {};
    }
    const Row& r = m_rows[static_cast<std::size_t>(index.row())];
    const auto& m = r.message;
    switch (role) {
    case MessageIdRole: return static_cast<qint64>(m.id);
    case RoleRole: return QString::fromStdString(m.role);
    case ContentRole: return QString::fromStdString(m.content);
    case ReasoningRole: return QString::fromStdString(m.reasoning);
    case ReasoningMsRole: return static_cast<qint64>(m.reasoning_ms);
    case ThinkingRole: return r.thinking;
    case StatusRole: return QString::fromStdString(deepdesk::storage::to_string(m.status));
    case ErrorTextRole: return QString::fromStdString(m.error_text);
    case TokensPerSecondRole: return m.tokens_per_second;
    case GeneratedTokensRole: return static_cast<qint64>(m.generated_tokens);
    case SiblingIndexRole: return r.siblingIndex;
    case SiblingCountRole: return r.siblingCount;
    case ToolCallsRole:
        return m.tool_calls.empty()
                   ? QVariantList()
                   : QJsonDocument::fromJson(QByteArray::fromStdString(m.tool_calls)).array().toVariantList();
    case AttachmentsRole: {
        QVariantList files;
        int sources = 0;  // numbered as the prompt numbers them
        for (const auto& a : r.attachments) {
            const auto [collection, path] = sourceOf(a.mime);
            const QString name = QString::fromStdString(a.name);
            files.append(QVariantMap{
                {QStringLiteral("name"), collection > 0 ? QStringLiteral("[%1] %2").arg(++sources).arg(name) : name},
                {QStringLiteral("size"), static_cast<qint64>(a.size)},
                {QStringLiteral("tokens"), static_cast<qint64>(a.tokens)},
                {QStringLiteral("source"), collection > 0},
                {QStringLiteral("collection"), collection},
                {QStringLiteral("path"), path}});
        }
        return files;
    }
    case SourcesRole: {
        QVariantList sources;
        if (r.message.role != "assistant") {
            return sources;
        }
        for (int i = index.row() - 1; i >= 0; --i) {
            const Row& question = m_rows[static_cast<std::size_t>(i)];
            if (question.message.role != "user") {
                continue;  // the answers of a tool loop all answer the same question
            }
            for (const auto& a : question.attachments) {
                const auto [collection, path] = sourceOf(a.mime);
                if (collection > 0) {
                    sources.append(QVariantMap{{QStringLiteral("label"), QString::fromStdString(a.name)},
                                               {QStringLiteral("collection"), collection},
                                               {QStringLiteral("path"), path}});
                }
            }
            break;
        }
        return sources;
    }
    default: return {};
    }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
    return {{MessageIdRole, "messageId"},
            {RoleRole, "role"},
            {ContentRole, "content"},
            {ReasoningRole, "reasoning"},
            {ReasoningMsRole, "reasoningMs"},
            {ThinkingRole, "thinking"},
            {StatusRole, "status"},
            {ErrorTextRole, "errorText"},
            {TokensPerSecondRole, "tokensPerSecond"},
            {GeneratedTokensRole, "generatedTokens"},
            {SiblingIndexRole, "siblingIndex"},
            {SiblingCountRole, "siblingCount"},
            {ToolCallsRole, "toolCalls"},
            {AttachmentsRole, "attachments"},
            {SourcesRole, "sources"}};
}

void MessageListModel::reset(std::vector<Row> rows) {
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    Q_EMIT countChanged();
}

void MessageListModel::append(Row row) {
    const int n = rowCount();
    beginInsertRows({}, n, n);
    m_rows.push_back(std::move(row));
    endInsertRows();
    Q_EMIT countChanged();
}

void MessageListModel::appendToLast(const std::string& reasoning, const std::string& answer, bool thinking,
                                    bool dropAnswer) {
    if (m_rows.empty()) {
        return;
    }
    Row& r = m_rows.back();
    QList<int> roles;
    if (dropAnswer && !r.message.content.empty()) {
        r.message.content.clear();
        roles << ContentRole;
    }
    if (!reasoning.empty()) {
        r.message.reasoning += reasoning;
        roles << ReasoningRole;
    }
    if (!answer.empty()) {
        r.message.content += answer;
        roles << ContentRole;
    }
    if (r.thinking != thinking) {
        r.thinking = thinking;
        roles << ThinkingRole;
    }
    if (!roles.isEmpty()) {
        const QModelIndex i = index(rowCount() - 1);
        Q_EMIT dataChanged(i, i, roles);
    }
}

void MessageListModel::updateLast(const deepdesk::storage::message& m) {
    if (m_rows.empty()) {
        return;
    }
    m_rows.back().message = m;
    m_rows.back().thinking = false;
    const QModelIndex i = index(rowCount() - 1);
    Q_EMIT dataChanged(i, i);
}

void MessageListModel::setToolCalls(std::int64_t messageId, const std::string& toolCallsJson) {
    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].message.id == messageId) {
            m_rows[i].message.tool_calls = toolCallsJson;
            const QModelIndex at = index(static_cast<int>(i));
            Q_EMIT dataChanged(at, at, {ToolCallsRole});
            return;
        }
    }
}

void MessageListModel::replaceBranch(std::vector<Row> rows) {
    // The messages both branches share stay (their switcher counts may change); the rest is
    // replaced.
    std::size_t keep = 0;
    while (keep < m_rows.size() && keep < rows.size() && m_rows[keep].message.id == rows[keep].message.id) {
        ++keep;
    }
    for (std::size_t i = 0; i < keep; ++i) {
        Row& r = m_rows[i];
        if (r.siblingCount != rows[i].siblingCount || r.siblingIndex != rows[i].siblingIndex ||
            r.message.updated_at != rows[i].message.updated_at) {
            r = std::move(rows[i]);
            const QModelIndex at = index(static_cast<int>(i));
            Q_EMIT dataChanged(at, at);
        }
    }
    const int oldCount = rowCount();
    if (keep < m_rows.size()) {
        beginRemoveRows({}, static_cast<int>(keep), static_cast<int>(m_rows.size()) - 1);
        m_rows.erase(m_rows.begin() + static_cast<std::ptrdiff_t>(keep), m_rows.end());
        endRemoveRows();
    }
    if (keep < rows.size()) {
        beginInsertRows({}, static_cast<int>(keep), static_cast<int>(rows.size()) - 1);
        for (std::size_t i = keep; i < rows.size(); ++i) {
            m_rows.push_back(std::move(rows[i]));
        }
        endInsertRows();
    }
    if (rowCount() != oldCount) {
        Q_EMIT countChanged();
    }
}

std::vector<MessageListModel::Row> MessageListModel::branchRows(deepdesk::storage::database& db,
                                                                std::int64_t conversationId) {
    std::vector<Row> rows;
    deepdesk::storage::conversation_store store(db);
    std::map<std::int64_t, std::vector<deepdesk::storage::attachment>> files;
    for (auto& a : store.attachments_in(conversationId)) {
        files[a.message_id].push_back(std::move(a));
    }
    for (auto& e : store.active_branch_with_siblings(conversationId)) {
        const auto f = files.find(e.msg.id);
        rows.push_back({std::move(e.msg), false, e.sibling_index, e.sibling_count,
                        f == files.end() ? std::vector<deepdesk::storage::attachment>{} : std::move(f->second)});
    }
    return rows;
}

}  // namespace deepdesk::app
