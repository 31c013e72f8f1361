// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/conversationlistmodel.h"

namespace deepdesk::app {

int ConversationListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() < 0 || index.row() >= rowCount()) {
        return {};
    }
    const auto i = static_cast<std::size_t>(index.row());
    const auto& c = m_rows[i];
    switch (role) {
    case ConversationIdRole: return static_cast<qint64>(c.id);
    case TitleRole: return QString::fromStdString(c.title);
    case GroupRole: return m_groups[i];
    case PinnedRole: return c.pinned;
    case UpdatedAtRole: return static_cast<qint64>(c.updated_at);
    default: return {};
    }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
    return {{ConversationIdRole, "conversationId"},
            {TitleRole, "title"},
            {GroupRole, "group"},
            {PinnedRole, "pinned"},
            {UpdatedAtRole, "updatedAt"}};
}

QString ConversationListModel::groupOf(qint64 updatedMs, bool pinned, const QDateTime& now) {
    if (pinned) {
        return QStringLiteral("pinned");
    }
    const QDate day = QDateTime::fromMSecsSinceEpoch(updatedMs).toLocalTime().date();
    const qint64 days = day.daysTo(now.toLocalTime().date());
    if (days <= 0) {
        return QStringLiteral("today");
    }
    if (days == 1) {
        return QStringLiteral("yesterday");
    }
    if (days < 7) {
        return QStringLiteral("week");
    }
    if (days < 30) {
        return QStringLiteral("month");
    }
    return QStringLiteral("older");
}

void ConversationListModel::reset(std::vector<deepdesk::storage::conversation> rows, const QDateTime& now) {
    beginResetModel();
    m_rows = std::move(rows);
    m_groups.clear();
    for (const auto& c : m_rows) {
        m_groups.push_back(groupOf(c.updated_at, c.pinned, now));
    }
    endResetModel();
    Q_EMIT countChanged();
}

}  // namespace deepdesk::app
