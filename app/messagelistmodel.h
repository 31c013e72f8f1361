// SPDX-License-Identifier: GPL-3.0-or-later
// The messages on screen: the active branch of the open conversation. While an answer streams,
// appendToLast() adds text to the last row and announces only that row's changed roles.
#pragma once

#include <QAbstractListModel>
#include <QQmlEngine>

#include <vector>

#include "storage/conversation_store.h"

namespace deepdesk::app {

class MessageListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Messages come from the ChatController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)

public:
    enum Role {
        MessageIdRole = Qt::UserRole + 1,
        RoleRole,
        ContentRole,
        ReasoningRole,
        ReasoningMsRole,
        ThinkingRole,
        StatusRole,
        ErrorTextRole,
        TokensPerSecondRole,
        GeneratedTokensRole,
        SiblingIndexRole,
        SiblingCountRole,
        ToolCallsRole,    // [{id, name, arguments, state, result}] (see storage::message::tool_calls)
        AttachmentsRole,  // [{name, size, tokens, source, collection, path}]: a user's message's files and
                          // sources (named "[n] where", numbered as the prompt numbers them)
        SourcesRole,      // [{label, collection, path}]: the sources an answer may cite as [n] (those of
                          // the question before it)
    };

    struct Row {
        deepdesk::storage::message message;
        bool thinking = false;
        int siblingIndex = 0, siblingCount = 1;
        std::vector<deepdesk::storage::attachment> attachments = {};
    };

    using QAbstractListModel::QAbstractListModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // The active branch of a conversation as rows with their sibling positions. Siblings come from
    // one read of the whole tree (in creation order, as the switcher counts them), not one query
    // per message. Reads the database: call it on the storage thread.
    static std::vector<Row> branchRows(deepdesk::storage::database& db, std::int64_t conversationId);

    void reset(std::vector<Row> rows);
    void append(Row row);
    // Another branch of the same conversation: the rows both share stay, the others are removed
    // and inserted, so the view keeps its place and its delegates.
    void replaceBranch(std::vector<Row> rows);
    // Streaming: more text for the last row.
    // dropAnswer: the last row's answer so far was reasoning after all (its text is in `reasoning`).
    void appendToLast(const std::string& reasoning, const std::string& answer, bool thinking, bool dropAnswer = false);
    // Replaces the last row's message (status and stats at the end of a turn).
    void updateLast(const deepdesk::storage::message& m);
    // A message's tool calls changed (their states, their results).
    void setToolCalls(std::int64_t messageId, const std::string& toolCallsJson);
    const std::vector<Row>& rows() const { return m_rows; }

Q_SIGNALS:
    void countChanged();

private:
    std::vector<Row> m_rows;
};

}  // namespace deepdesk::app
