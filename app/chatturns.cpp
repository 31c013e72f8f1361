// SPDX-License-Identifier: GPL-3.0-or-later
// ChatController: turns. The storage thread prepares each turn (the new messages, the branch to
// show), a TurnRunner writes it (local or remote), and its text reaches the last row at most once
// per frame.
#include <QFileInfo>

#include <random>

#include "app/chatcontroller.h"
#include "app/modelhost.h"
#include "app/settings.h"

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
    if (trimmed.isEmpty() || generating()) {
        return;
    }
    if (!storageUsable()) {
        return;
    }
    if (!m_host->modelLoaded()) {
        setError(say(QT_TR_NOOP("Load a model to start chatting.")));
        return;
    }
    std::optional<st::conversation> fresh;
    if (m_conversationId == 0) {
        st::conversation c;
        c.title = st::title_from_exchange(trimmed.toStdString(), "");
        if (m_host->remote()) {
            // Which server and model; never the key.
            c.model_source = "remote";
            c.model_name = (m_host->remoteProviderName() + QLatin1Char('/') + m_host->modelName()).toStdString();
        } else {
            c.model_source = "local";
            c.model_name = QFileInfo(m_host->modelPath()).fileName().toStdString();
        }
        c.system_prompt = m_settings->systemPrompt().toStdString();
        c.sampling_json = withThinkingBudget("{}", m_newThinkingBudget);
        fresh = c;
    }
    std::optional<std::int64_t> parent;
    if (!m_messages.rows().empty()) {
        parent = m_messages.rows().back().message.id;
    }
    // The two new messages go at the end of the list (a leaf's first child has no siblings),
    // without reading the whole conversation again.
    prepareTurn([conversationId = m_conversationId, fresh, parent,
                 content = trimmed.toStdString()](st::conversation_store& store) {
        TurnPlan plan;
        plan.conversationId = conversationId;
        if (fresh) {
            plan.conversationId = store.create_conversation(*fresh);
            plan.created = store.find_conversation(plan.conversationId);
        }
        const auto userId = store.add_message(plan.conversationId, parent, "user", content);
        plan.user = store.find_message(userId);
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
            m_messages.append({*plan.user, false, 0, 1});
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
        [this, reason = result.finishReason](const Result& r) { endTurn(r.first, r.second, reason); });
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
    for (const auto& row : m_messages.rows()) {
        if (row.message.id != skipMessageId) {
            out.push_back({roleOf(row.message.role), row.message.content});
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
    messages.push_back({deepdesk::chat_message::role::user, text.toStdString()});
    m_host->countTokens(messages, m_countSerial);
}

void ChatController::stopThen(std::function<void()> next) {
    m_afterTurn = std::move(next);
    stop();
}

void ChatController::stop() {
    if (m_runner != nullptr) {
        m_runner->cancel();
    }
    m_stopWhenStarted = m_starting;  // a turn still being prepared starts stopped
}

void ChatController::regenerate() {
    if (generating() || m_messages.rows().empty() || !storageUsable()) {
        return;
    }
    const auto& last = m_messages.rows().back().message;
    if (last.role != "assistant" || !last.parent_id) {
        return;
    }
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
    prepareTurn([messageId, content = text.trimmed().toStdString()](st::conversation_store& store) {
        TurnPlan plan;
        const auto m = store.find_message(messageId);
        if (!m || m->role != "user") {
            return plan;
        }
        plan.conversationId = m->conversation_id;
        const auto id = store.add_message(m->conversation_id, m->parent_id, "user", content);
        plan.assistant = *store.find_message(store.begin_assistant(m->conversation_id, id));
        return plan;
    });
}

}  // namespace deepdesk::app
