// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/turnrunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "app/storagethread.h"
#include "storage/conversation_store.h"

namespace deepdesk::app {

namespace st = deepdesk::storage;

void StreamBuffer::push(const std::string& reasoning, const std::string& answer, bool thinking, std::int64_t tokens,
                        std::int64_t context, bool answerWasReasoning) {
    std::lock_guard lock(m_mutex);
    if (answerWasReasoning) {  // the answer not taken yet goes too
        m_chunk.answer.clear();
        m_chunk.answerWasReasoning = true;
    }
    m_chunk.reasoning += reasoning;
    m_chunk.answer += answer;
    m_chunk.thinking = thinking;
    m_chunk.tokens += tokens;
    if (context >= 0) {
        m_chunk.context = context;
    }
}

StreamBuffer::Chunk StreamBuffer::take() {
    std::lock_guard lock(m_mutex);
    Chunk out = std::move(m_chunk);
    m_chunk = Chunk{};
    m_chunk.thinking = out.thinking;
    return out;
}

StreamSaver::StreamSaver(StorageThread* storage, qint64 messageId, std::string content, std::string reasoning,
                         std::chrono::milliseconds interval)
    : m_storage(storage),
      m_id(messageId),
      m_content(std::move(content)),
      m_reasoning(std::move(reasoning)),
      m_interval(interval),
      m_lastWrite(std::chrono::steady_clock::now()) {}

void StreamSaver::append(const std::string& reasoning, const std::string& answer, bool answerWasReasoning) {
    if (reasoning.empty() && answer.empty() && !answerWasReasoning) {
        return;
    }
    if (answerWasReasoning) {
        m_content.clear();
    }
    m_reasoning += reasoning;
    m_content += answer;
    m_dirty = true;
    if (std::chrono::steady_clock::now() - m_lastWrite >= m_interval) {
        flush();
    }
}

void StreamSaver::flush() {
    if (!m_dirty) {
        return;
    }
    m_storage->post([id = m_id, content = m_content, reasoning = m_reasoning](st::database& db) {
        st::conversation_store(db).update_stream(id, content, reasoning);
    });
    m_dirty = false;
    m_lastWrite = std::chrono::steady_clock::now();
}

std::string toolCallId(qint64 messageId, std::size_t index) {
    return "call_" + std::to_string(messageId) + "_" + std::to_string(index);
}

std::string toolCallsJson(const std::vector<deepdesk::tool_call>& calls) {
    QJsonArray a;
    for (const auto& c : calls) {
        a.append(QJsonObject{{QStringLiteral("id"), QString::fromStdString(c.id)},
                             {QStringLiteral("name"), QString::fromStdString(c.name)},
                             {QStringLiteral("arguments"), QString::fromStdString(c.arguments)},
                             {QStringLiteral("state"), QStringLiteral("pending")},
                             {QStringLiteral("result"), QString()}});
    }
    return QJsonDocument(a).toJson(QJsonDocument::Compact).toStdString();
}

void StreamSaver::finish(const TurnResult& result, bool continuing) {
    flush();
    st::generation_stats stats;
    stats.reasoning_ms = result.reasoningMs;
    stats.prompt_tokens = result.promptTokens;
    stats.generated_tokens = result.generatedTokens;
    stats.tokens_per_second = result.tokensPerSecond;
    stats.finish_reason = result.finishReason.toStdString();
    const auto status = result.finishReason == QLatin1String("cancelled") ? st::message_status::interrupted
                                                                          : st::message_status::complete;
    std::string calls = result.toolCalls.empty() ? std::string() : toolCallsJson(result.toolCalls);
    m_storage->post([id = m_id, stats, status, continuing, calls](st::database& db) mutable {
        st::conversation_store store(db);
        if (!calls.empty()) {
            store.set_tool_calls(id, calls);
        }
        if (continuing) {  // the figures of the whole answer, both parts
            if (const auto before = store.find_message(id)) {
                stats.reasoning_ms += before->reasoning_ms;
                stats.generated_tokens += before->generated_tokens;
            }
        }
        store.finish_message(id, stats, status);
    });
}

void StreamSaver::fail(const QString& error) {
    flush();
    m_storage->post(
        [id = m_id, why = error.toStdString()](st::database& db) { st::conversation_store(db).fail_message(id, why); });
}

}  // namespace deepdesk::app
