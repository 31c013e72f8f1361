// SPDX-License-Identifier: GPL-3.0-or-later
// ChatController: turns. The storage thread prepares each turn (the new messages, the branch to
// show), a TurnRunner writes it (local or remote), and its text reaches the last row at most once
// per frame.
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <random>

#include "app/chatcontroller.h"

#include "app/embedding.h"
#include "app/modelhost.h"
#include "app/settings.h"
#include "app/toolscontroller.h"
#include "storage/collections.h"
#include "storage/retrieval.h"

namespace deepdesk::app {
namespace {

namespace st = deepdesk::storage;

deepdesk::chat_message::role roleOf(const std::string& r) {
    if (r == "system") {
        return deepdesk::chat_message::role::system;
    }
    return r == "user" ? deepdesk::chat_message::role::user : deepdesk::chat_message::role::assistant;
}

}  // namespace

template <class Prepare>
void ChatController::prepareTurn(Prepare prepare) {
    m_starting = true;
    m_stopWhenStarted = false;
    Q_EMIT generatingChanged();
    m_storage->post(
        this,
        [prepare = std::move(prepare)](st::database& db) mutable {
            st::conversation_store store(db);
            TurnPlan plan = prepare(store);
            if (plan.assistant.id != 0) {
                if (const auto c = store.find_conversation(plan.conversationId)) {
                    plan.systemPrompt = c->system_prompt;
                }
                if (!plan.user && !plan.rows) {
                    plan.rows = MessageListModel::branchRows(db, plan.conversationId);
                }
            }
            return plan;
        },
        [this](TurnPlan plan) { beginTurn(std::move(plan)); });
}

void ChatController::send(const QString& text) {
    const QString trimmed = text.trimmed();
    const bool files =
        std::any_of(m_pending.cbegin(), m_pending.cend(), [](const AttachmentFile& a) { return a.error.isEmpty(); });
    if ((trimmed.isEmpty() && !files) || generating()) {
        return;
    }
    if (m_reading > 0) {
        setError(say(QT_TR_NOOP("The attached files are still being read.")));
        return;
    }
    if (!storageUsable()) {
        return;
    }
    if (!m_host->modelLoaded()) {
        setError(say(QT_TR_NOOP("Load a model to start chatting.")));
        return;
    }
    m_toolRounds = 0;
    std::optional<st::conversation> fresh;
    if (m_conversationId == 0) {
        st::conversation c;
        c.title = st::title_from_exchange(
            trimmed.isEmpty() && !m_pending.isEmpty() ? m_pending.first().name.toStdString() : trimmed.toStdString(),
            "");
        if (m_host->remote()) {
            // Which server and model; never the key.
            c.model_source = "remote";
            c.model_name = (m_host->remoteProviderName() + QLatin1Char('/') + m_host->modelName()).toStdString();
        } else {
            c.model_source = "local";
            c.model_name = QFileInfo(m_host->modelPath()).fileName().toStdString();
        }
        c.system_prompt = m_settings->systemPrompt().toStdString();
        c.sampling_json = withSetting("{}", QStringLiteral("thinking_budget"), m_newThinkingBudget);
        if (m_newCollectionId > 0) {
            c.sampling_json = withSetting(c.sampling_json, QStringLiteral("collection_id"), m_newCollectionId);
        }
        fresh = c;
    }
    std::optional<std::int64_t> parent;
    if (!m_messages.rows().empty()) {
        parent = m_messages.rows().back().message.id;
    }
    // The two new messages go at the end of the list (a leaf's first child has no siblings),
    // without reading the whole conversation again.
    prepareTurn([conversationId = m_conversationId, fresh, parent, content = trimmed.toStdString(),
                 attached = takeAttachments(trimmed), collection = collectionId(),
                 embedding = m_embeddingSource ? m_embeddingSource() : nullptr](st::conversation_store& store) {
        TurnPlan plan;
        plan.conversationId = conversationId;
        if (fresh) {
            plan.conversationId = store.create_conversation(*fresh);
            plan.created = store.find_conversation(plan.conversationId);
        }
        const auto userId = store.add_message(plan.conversationId, parent, "user", content);
        for (auto f : attached) {
            if (f.relevantBytes > 0) {
                f.file.text = st::relevant_parts(f.file.text, content, f.relevantBytes);
            }
            f.file.tokens = estimateTokens(f.file.text.size());
            store.add_attachment(userId, f.file);
        }
        if (collection > 0) {
            // The chunks of the collection most relevant to the message, kept with it as its
            // sources (so the prompt and the citations are the same next time).
            // With vectors of the chosen embedding model, they are found by meaning too.
            st::collection_index index(store.db());
            std::vector<float> question;
            if (embedding && index.embedding_model(collection) == embedding->key()) {
                question = embedding->query(content);
            }
            for (const auto& hit : index.search(collection, content, k_sourcesPerMessage, question)) {
                st::attachment s;
                s.name = st::source_label(hit);
                s.mime = sourceMime(collection, hit.path);
                s.text = hit.text;
                s.tokens = estimateTokens(s.text.size());
                store.add_attachment(userId, s);
            }
        }
        plan.user = store.find_message(userId);
        plan.userFiles = store.attachments_of(userId);
        plan.assistant = *store.find_message(store.begin_assistant(plan.conversationId, userId));
        return plan;
    });
}

void ChatController::beginTurn(TurnPlan plan) {
    m_starting = false;
    if (plan.assistant.id == 0) {
        Q_EMIT generatingChanged();
        return;
    }
    if (plan.created) {
        ++m_openSerial;
        m_conversationId = plan.conversationId;
        m_conversations.upsert(*plan.created);
        Q_EMIT conversationChanged();
    }
    if (plan.rows) {
        m_messages.replaceBranch(std::move(*plan.rows));  // a new branch (regenerate, edit) or a resumed answer
    } else {
        if (plan.user) {
            m_messages.append({*plan.user, false, 0, 1, std::move(plan.userFiles)});
        }
        m_messages.append({plan.assistant, false, 0, 1});
    }
    const qint64 assistantId = plan.assistant.id;
    if (!m_host->modelLoaded()) {  // unloaded while the turn was being prepared
        const std::string why = tr("No model is loaded.").toStdString();
        m_storage->post(
            [assistantId, why](st::database& db) { st::conversation_store(db).fail_message(assistantId, why); });
        setError(say(QT_TR_NOOP("Load a model to start chatting.")));
        Q_EMIT generatingChanged();
        openConversation(m_conversationId);  // shows the answer as failed once it is saved
        return;
    }
    TurnRequest req;
    if (plan.continuing) {
        req.options.continue_answer = plan.assistant.content;
        req.options.continue_reasoning = plan.assistant.reasoning;
        req.continuing = true;
    }
    req.messages = promptMessages(plan.systemPrompt, assistantId);
    const Settings& s = *m_settings;
    req.options.sampling.temperature = static_cast<float>(s.temperature());
    req.options.sampling.top_p = static_cast<float>(s.topP());
    req.options.sampling.top_k = s.topK();
    req.options.sampling.min_p = static_cast<float>(s.minP());
    req.options.sampling.repeat_penalty = static_cast<float>(s.repeatPenalty());
    req.options.sampling.seed = s.seed() > 0 ? static_cast<std::uint64_t>(s.seed()) : std::random_device{}();
    req.options.max_tokens = s.maxTokens();
    req.options.drop_oldest_turns = m_dropOldestTurns;
    req.options.thinking_budget = m_host->thinkingKind().isEmpty() ? -1 : thinkingBudget();
    if (m_tools != nullptr && m_toolRounds < k_maxToolRounds) {
        req.tools = m_tools->offeredTools();
    }
    m_dropOldestTurns = false;
    dismissContextProblem();
    req.assistantMessageId = assistantId;
    const bool stopAtOnce = m_stopWhenStarted;
    m_stopWhenStarted = false;
    m_liveTokens = 0;
    m_tokensPerSecond = 0.0;
    Q_EMIT statsChanged();
    m_generatingId = assistantId;
    m_frameTimer.start();
    Q_EMIT generatingChanged();
    if (m_host->remote()) {
        const auto endpoint = m_host->remoteEndpoint();
        if (!endpoint) {
            const QString why = tr("The provider of this model was removed.");
            m_storage->post([assistantId, why = why.toStdString()](st::database& db) {
                st::conversation_store(db).fail_message(assistantId, why);
            });
            TurnResult failed;
            failed.messageId = assistantId;
            failed.finishReason = QStringLiteral("error");
            failed.error = why;
            onTurnFinished(failed);
            return;
        }
        m_remote.setEndpoint(*endpoint);
        m_runner = &m_remote;
    } else {
        m_runner = &m_local;
    }
    m_runner->buffer().take();
    m_runner->run(req);
    if (stopAtOnce) {
        m_runner->cancel();
    }
}

void ChatController::drainStream() {
    if (m_runner == nullptr) {
        return;
    }
    const StreamBuffer::Chunk c = m_runner->buffer().take();
    m_messages.appendToLast(c.reasoning, c.answer, c.thinking, c.answerWasReasoning);
    // The header's figures while the answer streams: the rate since the first token, and the
    // context (a remote model's: the tokens of this answer, until the server's usage arrives).
    if (c.tokens > 0) {
        if (m_liveTokens == 0) {
            m_liveClock.start();
        }
        m_liveTokens += c.tokens;
        const double seconds = static_cast<double>(m_liveClock.elapsed()) / 1000.0;
        if (m_liveTokens > 1 && seconds >= 0.2) {
            m_tokensPerSecond = static_cast<double>(m_liveTokens - 1) / seconds;
        }
        m_contextUsed = c.context >= 0 ? c.context : m_liveTokens;
        Q_EMIT statsChanged();
    }
}

void ChatController::clearStats() {
    m_tokensPerSecond = 0.0;
    m_contextUsed = 0;
    m_liveTokens = 0;
    Q_EMIT statsChanged();
}

void ChatController::endTurn(const std::optional<st::message>& m, const std::optional<st::conversation>& c,
                             const QString& finishReason) {
    if (m && !m_messages.rows().empty() && m_messages.rows().back().message.id == m->id) {
        m_messages.updateLast(*m);
    }
    if (c) {
        m_conversations.upsert(*c);
    }
    m_generatingId = 0;
    Q_EMIT statsChanged();
    Q_EMIT conversationChanged();
    Q_EMIT generatingChanged();
    Q_EMIT turnFinished(finishReason);
    if (m_afterTurn) {  // the user asked for another conversation meanwhile
        const auto next = std::move(m_afterTurn);
        m_afterTurn = nullptr;
        Q_EMIT answerStoppedToLeave();
        next();
    }
}

void ChatController::onTurnFinished(const TurnResult& result) {
    drainStream();
    m_frameTimer.stop();
    m_runner = nullptr;
    const qint64 messageId = result.messageId;
    if (result.failed()) {
        if (result.contextNeeded > 0) {
            // A conversation too long for the context is explained, with its fixes, by contextProblem.
            onContextFull(messageId, result.contextNeeded, result.contextSize);
        } else {
            setError(result.error);
        }
        m_storage->post(
            this, [messageId](st::database& db) { return st::conversation_store(db).find_message(messageId); },
            [this](const std::optional<st::message>& m) { endTurn(m, std::nullopt, QStringLiteral("error")); });
        return;
    }
    m_tokensPerSecond = result.tokensPerSecond;
    m_contextUsed = result.contextUsed;
    // The first exchange names the conversation (the answer, never the reasoning); what is on
    // screen is the active branch.
    std::string title;
    const auto& rows = m_messages.rows();
    if (rows.size() == 2 && rows[0].message.role == "user" && rows[1].message.id == messageId) {
        title = st::title_from_exchange(rows[0].message.content, rows[1].message.content);
    }
    using Result = std::pair<std::optional<st::message>, std::optional<st::conversation>>;
    m_storage->post(
        this,
        [messageId, conversationId = m_conversationId, title](st::database& db) -> Result {
            st::conversation_store store(db);
            if (!title.empty()) {
                store.rename(conversationId, title);
            }
            return {store.find_message(messageId), store.find_conversation(conversationId)};
        },
        [this, reason = result.finishReason, calls = result.toolCalls, messageId](const Result& r) {
            const bool leaving = static_cast<bool>(m_afterTurn);
            endTurn(r.first, r.second, reason);
            if (!calls.empty() && !leaving) {
                startTools(messageId, calls);
            }
        });
}

void ChatController::dismissContextProblem() {
    if (!m_contextProblem.isEmpty()) {
        m_contextProblem.clear();
        Q_EMIT contextProblemChanged();
    }
}

void ChatController::raiseContextAndRetry() {
    const qint64 suggested = m_contextProblem.value(QStringLiteral("suggested")).toLongLong();
    if (suggested <= m_host->contextSize() || generating() || m_host->remote() || m_host->modelPath().isEmpty()) {
        return;
    }
    dismissContextProblem();
    m_settings->setContextLength(static_cast<int>(suggested));
    m_answerAgainWhenLoaded = true;
    m_host->loadModel(m_host->modelPath());
}

void ChatController::retryWithoutOldestTurns() {
    if (generating()) {
        return;
    }
    dismissContextProblem();
    m_dropOldestTurns = true;
    regenerate();
}

std::vector<deepdesk::chat_message> ChatController::promptMessages(const std::string& systemPrompt,
                                                                   qint64 skipMessageId) const {
    std::vector<deepdesk::chat_message> out;
    if (!systemPrompt.empty() && !m_host->reasoningModel()) {  // R1: DeepSeek advises no system prompt
        out.push_back({deepdesk::chat_message::role::system, systemPrompt});
    }
    // The reasoning of answers that called tools since the user's last message goes back to
    // servers that want it (a remote client decides); earlier turns' reasoning never does.
    std::size_t lastUser = 0;
    for (std::size_t i = 0; i < m_messages.rows().size(); ++i) {
        if (m_messages.rows()[i].message.role == "user") {
            lastUser = i;
        }
    }
    for (std::size_t i = 0; i < m_messages.rows().size(); ++i) {
        const auto& m = m_messages.rows()[i].message;
        if (m.id == skipMessageId) {
            continue;
        }
        deepdesk::chat_message cm{roleOf(m.role), m.content};
        if (!m_messages.rows()[i].attachments.empty()) {
            // The files first, each between delimiters, then the sources from a collection, then
            // what the user wrote.
            std::string files;
            std::vector<st::cited_source> sources;
            for (const auto& a : m_messages.rows()[i].attachments) {
                if (isSource(a.mime)) {
                    sources.push_back({a.name, a.text});
                } else {
                    files += attachmentBlock(a.name, a.text) + "\n\n";
                }
            }
            cm.content = files + (sources.empty() ? m.content : st::grounded_prompt(m.content, sources));
        }
        const QJsonArray calls = m.tool_calls.empty()
                                     ? QJsonArray()
                                     : QJsonDocument::fromJson(QByteArray::fromStdString(m.tool_calls)).array();
        if (calls.isEmpty()) {
            out.push_back(std::move(cm));
            continue;
        }
        for (const QJsonValue& v : calls) {
            const QJsonObject c = v.toObject();
            cm.tool_calls.push_back({c.value(QStringLiteral("id")).toString().toStdString(),
                                     c.value(QStringLiteral("name")).toString().toStdString(),
                                     c.value(QStringLiteral("arguments")).toString().toStdString()});
        }
        if (i > lastUser) {
            cm.reasoning = m.reasoning;
        }
        out.push_back(std::move(cm));
        for (const QJsonValue& v : calls) {
            const QJsonObject c = v.toObject();
            const QString state = c.value(QStringLiteral("state")).toString();
            QString result = c.value(QStringLiteral("result")).toString();
            if (state == QLatin1String("error")) {
                result = QStringLiteral("Error: ") + result;
            } else if (state != QLatin1String("done") && result.isEmpty()) {
                result = QStringLiteral("The call was not run.");
            }
            deepdesk::chat_message tool{deepdesk::chat_message::role::tool, result.toStdString()};
            tool.tool_call_id = c.value(QStringLiteral("id")).toString().toStdString();
            out.push_back(std::move(tool));
        }
    }
    return out;
}

void ChatController::countDraft(const QString& text) {
    ++m_countSerial;
    if (m_host->remote() || !m_host->modelLoaded() || m_host->loading()) {
        m_draftTokens = -1;
        Q_EMIT draftTokensChanged();
        return;
    }
    // The open conversation's own system prompt, or the one a new conversation gets.
    const auto* open = m_conversations.find(m_conversationId);
    auto messages = promptMessages(open != nullptr ? open->system_prompt : m_settings->systemPrompt().toStdString(), 0);
    std::string files;
    for (const AttachmentFile& a : m_pending) {
        if (a.error.isEmpty()) {
            files += attachmentBlock(a.name.toStdString(), a.text.toStdString()) + "\n\n";
        }
    }
    messages.push_back({deepdesk::chat_message::role::user, files + text.toStdString()});
    m_draftBytes = 0;
    for (const auto& m : messages) {
        m_draftBytes += static_cast<qint64>(m.content.size());
    }
    m_host->countTokens(messages, m_countSerial);
}

void ChatController::stopThen(std::function<void()> next) {
    m_afterTurn = std::move(next);
    stop();
}

void ChatController::stop() {
    if (m_toolMessageId != 0) {
        endTools(false);
        return;
    }
    if (m_runner != nullptr) {
        m_runner->cancel();
    }
    m_stopWhenStarted = m_starting;  // a turn still being prepared starts stopped
}

void ChatController::answerAfter(qint64 messageId) {
    prepareTurn([conversationId = m_conversationId, messageId](st::conversation_store& store) {
        TurnPlan plan;
        plan.conversationId = conversationId;
        plan.assistant = *store.find_message(store.begin_assistant(conversationId, messageId));
        return plan;
    });
}

void ChatController::regenerate() {
    if (generating() || m_messages.rows().empty() || !storageUsable()) {
        return;
    }
    const auto& last = m_messages.rows().back().message;
    if (last.role != "assistant" || !last.parent_id) {
        return;
    }
    m_toolRounds = 0;
    prepareTurn([conversationId = m_conversationId, parentId = *last.parent_id](st::conversation_store& store) {
        TurnPlan plan;
        plan.conversationId = conversationId;
        plan.assistant = *store.find_message(store.begin_assistant(conversationId, parentId));
        return plan;
    });
}

void ChatController::continueAnswer() {
    if (generating() || m_messages.rows().empty() || !storageUsable()) {
        return;
    }
    const auto& last = m_messages.rows().back().message;
    if (last.role != "assistant" || !last.parent_id || last.status == st::message_status::complete) {
        return;
    }
    if (m_host->remote()) {
        // An OpenAI-compatible server has no common way to go on from a given answer prefix:
        // a remote answer is asked for again, as a new branch (the cut-off one stays).
        regenerate();
        return;
    }
    prepareTurn([conversationId = m_conversationId, resumeId = last.id](st::conversation_store& store) {
        TurnPlan plan;
        plan.conversationId = conversationId;
        if (const auto m = store.find_message(resumeId)) {
            plan.assistant = *m;  // the text so far, before it is marked as streaming again
            plan.continuing = true;
            store.resume_message(resumeId);
        }
        return plan;
    });
}

void ChatController::editAndResend(qint64 messageId, const QString& text) {
    if (generating() || !storageUsable() || text.trimmed().isEmpty()) {
        return;
    }
    m_toolRounds = 0;
    prepareTurn([messageId, content = text.trimmed().toStdString()](st::conversation_store& store) {
        TurnPlan plan;
        const auto m = store.find_message(messageId);
        if (!m || m->role != "user") {
            return plan;
        }
        plan.conversationId = m->conversation_id;
        const auto id = store.add_message(m->conversation_id, m->parent_id, "user", content);
        for (const auto& a : store.attachments_of(messageId)) {  // the edited message keeps its files
            store.add_attachment(id, a);
        }
        plan.assistant = *store.find_message(store.begin_assistant(m->conversation_id, id));
        return plan;
    });
}

}  // namespace deepdesk::app
