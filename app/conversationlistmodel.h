// SPDX-License-Identifier: GPL-3.0-or-later
// The sidebar's conversations: pinned first, then by last activity, each with the date group it
// falls in ("pinned", "today", "yesterday", "week", "month", "older"; QML translates them).
#pragma once

#include <QAbstractListModel>
#include <QDateTime>
#include <QQmlEngine>

#include <vector>

#include "storage/conversation_store.h"

namespace deepdesk::app {

class ConversationListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Conversations come from the ChatController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role { ConversationIdRole = Qt::UserRole + 1, TitleRole, GroupRole, PinnedRole, UpdatedAtRole };
    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    void reset(std::vector<deepdesk::storage::conversation> rows, const QDateTime& now = QDateTime::currentDateTime());
    // One conversation changed (or is new): its row moves to where the order puts it (pinned
    // first, then most recently updated) without resetting the others.
    void upsert(const deepdesk::storage::conversation& c, const QDateTime& now = QDateTime::currentDateTime());
    void remove(std::int64_t id);
    // The row of conversation `id`, or null.
    const deepdesk::storage::conversation* find(std::int64_t id) const;
    // The date group of a conversation updated at `updatedMs`, seen at `now` (local time).
    static QString groupOf(qint64 updatedMs, bool pinned, const QDateTime& now);

Q_SIGNALS:
    void countChanged();

private:
    std::vector<deepdesk::storage::conversation> m_rows;
    std::vector<QString> m_groups;
};

}  // namespace deepdesk::app
