// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/conversationlistmodel.h"

#include <algorithm>

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

void ConversationListModel::remove(std::int64_t id) {
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const auto& r) { return r.id == id; });
    if (it == m_rows.end()) {
        return;
    }
    const auto row = static_cast<int>(it - m_rows.begin());
    beginRemoveRows({}, row, row);
    m_rows.erase(it);
    m_groups.erase(m_groups.begin() + row);
    endRemoveRows();
    Q_EMIT countChanged();
}

void ConversationListModel::upsert(const deepdesk::storage::conversation& c, const QDateTime& now) {
    const auto before = [&](const deepdesk::storage::conversation& r) {
        // True when `c` goes before row `r` (the store's order: pinned, then newest, then id).
        if (c.pinned != r.pinned) {
            return c.pinned;
        }
        if (c.updated_at != r.updated_at) {
            return c.updated_at > r.updated_at;
        }
        return c.id > r.id;
    };
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [&](const auto& r) { return r.id == c.id; });
    if (it != m_rows.end()) {
        const auto from = static_cast<int>(it - m_rows.begin());
        // Where it goes among the others.
        int to = 0;
        while (to < static_cast<int>(m_rows.size()) && (to == from || !before(m_rows[static_cast<std::size_t>(to)]))) {
            ++to;
        }
        const int dest = to > from ? to - 1 : to;  // index once removed
        if (dest != from) {
            beginMoveRows({}, from, from, {}, to);
            m_rows.erase(m_rows.begin() + from);
            m_groups.erase(m_groups.begin() + from);
            m_rows.insert(m_rows.begin() + dest, c);
            m_groups.insert(m_groups.begin() + dest, groupOf(c.updated_at, c.pinned, now));
            endMoveRows();
        } else {
            m_rows[static_cast<std::size_t>(from)] = c;
            m_groups[static_cast<std::size_t>(from)] = groupOf(c.updated_at, c.pinned, now);
        }
        Q_EMIT dataChanged(index(dest), index(dest));
        return;
    }
    int at = 0;
    while (at < static_cast<int>(m_rows.size()) && !before(m_rows[static_cast<std::size_t>(at)])) {
        ++at;
    }
    beginInsertRows({}, at, at);
    m_rows.insert(m_rows.begin() + at, c);
    m_groups.insert(m_groups.begin() + at, groupOf(c.updated_at, c.pinned, now));
    endInsertRows();
    Q_EMIT countChanged();
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

const deepdesk::storage::conversation* ConversationListModel::find(std::int64_t id) const {
    for (const auto& c : m_rows) {
        if (c.id == id) {
            return &c;
        }
    }
    return nullptr;
}

}  // namespace deepdesk::app
