// SPDX-License-Identifier: GPL-3.0-or-later
// One answer, written by a model: the request, the typed result, and the TurnRunner interface the
// chat uses whatever writes it (LocalTurnRunner: the engine on this computer; RemoteTurnRunner: an
// OpenAI-compatible server). A runner puts the streamed text in its StreamBuffer, which the chat
// drains once per frame, and saves it through the app's one storage thread every 250 ms
// (StreamSaver), so an error or a crash loses at most a quarter of a second.
#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "engine/chat_engine.h"

namespace deepdesk::app {

class StorageThread;

// Text produced since the GUI last looked; written by the runner, drained by the GUI thread.
class StreamBuffer {
public:
    struct Chunk {
        std::string reasoning, answer;
        bool thinking = false;      // the model is inside its reasoning right now
        std::int64_t tokens = 0;    // tokens generated since the last take()
        std::int64_t context = -1;  // tokens in the context now; -1: not known (a remote model)
        // The answer shown before this chunk was reasoning: drop it (this chunk's reasoning holds
        // it; see deepdesk::reasoning_delta).
        bool answerWasReasoning = false;
    };
    void push(const std::string& reasoning, const std::string& answer, bool thinking, std::int64_t tokens = 0,
              std::int64_t context = -1, bool answerWasReasoning = false);
    Chunk take();

private:
    std::mutex m_mutex;
    Chunk m_chunk;
};

struct TurnRequest {
    std::vector<deepdesk::chat_message> messages;
    deepdesk::generation_options options;
    qint64 assistantMessageId = 0;
    // Continuing a cut-off answer: the text it has is in options.continue_*.
    bool continuing = false;
    // Tools offered to the model (MCP); the calls it makes come back in TurnResult::toolCalls.
    std::vector<deepdesk::tool_spec> tools;
};

// How a turn ended. The message in the database has been finished (or failed) before this is
// reported.
struct TurnResult {
    qint64 messageId = 0;
    QString finishReason;  // stop, length, cancelled, tool_calls; "error" when it failed
    // The tools the answer calls (finishReason tool_calls), their arguments JSON objects; the
    // answer's text holds only what came before them.
    std::vector<deepdesk::tool_call> toolCalls;
    qint64 promptTokens = 0, generatedTokens = 0, reasoningMs = 0;
    qint64 contextUsed = 0;  // tokens in the context at the end
    double tokensPerSecond = 0.0;
    QString error;  // why it failed, in words for the user
    // The conversation did not fit the context: it needs contextNeeded tokens, the model was
    // loaded with contextSize (both 0 otherwise).
    qint64 contextNeeded = 0, contextSize = 0;

    bool failed() const { return !error.isEmpty(); }
};

// The calls as the database keeps them (storage::message::tool_calls), each pending (until the
// user or the settings allow it).
std::string toolCallsJson(const std::vector<deepdesk::tool_call>& calls);
// The id of the `index`th call of an answer whose model gave it none (a local model never does).
std::string toolCallId(qint64 messageId, std::size_t index);

// Saves a streaming answer through the storage thread: the text so far at most every `interval`,
// then its end. Used from the thread the runner writes on.
class StreamSaver {
public:
    StreamSaver(StorageThread* storage, qint64 messageId, std::string content = {}, std::string reasoning = {},
                std::chrono::milliseconds interval = std::chrono::milliseconds(250));
    // answerWasReasoning: the answer so far is dropped first (its text is in `reasoning`).
    void append(const std::string& reasoning, const std::string& answer, bool answerWasReasoning = false);
    void flush();
    // The end: the last text, then the stats (added to what a continued answer had) and its status.
    void finish(const TurnResult& result, bool continuing);
    void fail(const QString& error);

private:
    StorageThread* m_storage;
    qint64 m_id;
    std::string m_content, m_reasoning;
    std::chrono::milliseconds m_interval;
    std::chrono::steady_clock::time_point m_lastWrite;
    bool m_dirty = false;
};

class TurnRunner : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~TurnRunner() override = default;

    // Starts writing the answer `request` asks for; finished follows once, on this object's thread.
    virtual void run(const TurnRequest& request) = 0;
    // Stops the turn under way, if any: finished follows with "cancelled", and what was written
    // is kept.
    virtual void cancel() = 0;
    StreamBuffer& buffer() { return m_buffer; }

Q_SIGNALS:
    void finished(const deepdesk::app::TurnResult& result);

protected:
    StreamBuffer m_buffer;
};

}  // namespace deepdesk::app

Q_DECLARE_METATYPE(deepdesk::app::TurnRequest)
Q_DECLARE_METATYPE(deepdesk::app::TurnResult)
