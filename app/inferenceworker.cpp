// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/inferenceworker.h"

#include <filesystem>

#include "app/embedding.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>

#include <algorithm>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "server/openai_server.h"

namespace deepdesk::app {

InferenceWorker::InferenceWorker(const std::atomic<int>* wantedLoad) : m_wantedLoad(wantedLoad) {}

InferenceWorker::~InferenceWorker() { stopServer(); }

void InferenceWorker::configureServer(bool enabled, const QString& host, int port, const QString& apiKey) {
    m_serverEnabled = enabled;
    m_serverHost = host.trimmed().isEmpty() ? QStringLiteral("127.0.0.1") : host.trimmed();
    m_serverPort = port;
    m_serverKey = apiKey;
    stopServer();
    if (m_serverEnabled && m_engine) {
        startServer();
    } else {
        Q_EMIT serverStateChanged(false, {}, {});
    }
}

void InferenceWorker::startServer() {
    deepdesk::server::server_options o;
    o.host = m_serverHost.toStdString();
    o.port = m_serverPort;
    o.api_key = m_serverKey.toStdString();
    o.model_id = m_modelName.toStdString();
    o.generation_lock = &m_generationLock;
    if (m_embeddingSource) {
        // The document library's embedding model, whichever it is at the time of the request.
        o.embedding_model = [source = m_embeddingSource] {
            const auto e = source();
            return e ? std::filesystem::path(e->path()).stem().string() : std::string();
        };
        o.embed = [source = m_embeddingSource](const std::string& text, std::size_t& tokens) {
            const auto e = source();
            return e ? e->passage(text, nullptr, &tokens) : std::vector<float>();
        };
    }
    try {
        m_server = std::make_unique<deepdesk::server::openai_server>(*m_engine, o);
        const int port = m_server->bind();
        m_serverThread = std::thread([server = m_server.get()] { server->run(); });
        const QString host =
            m_serverHost.contains(QLatin1Char(':')) ? QLatin1Char('[') + m_serverHost + QLatin1Char(']') : m_serverHost;
        Q_EMIT serverStateChanged(true, QStringLiteral("http://%1:%2/v1").arg(host).arg(port), {});
    } catch (const std::exception& e) {
        m_server.reset();
        Q_EMIT serverStateChanged(false, {}, QString::fromStdString(e.what()));
    }
}

void InferenceWorker::stopServer() {
    if (m_server) {
        m_server->stop();
        if (m_serverThread.joinable()) {
            m_serverThread.join();
        }
        m_server.reset();
    }
}

void InferenceWorker::load(const QString& path, qint64 nCtx, int threads, int ticket) {
#ifdef __linux__
    // The engine's threads (created from this one, so they inherit it) yield to the GUI thread
    // when both want a core: with every core busy computing, the window still draws each frame.
    static const bool lowered = [] {
        return setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5) == 0;
    }();
    Q_UNUSED(lowered);
#endif
    if (m_server) {
        stopServer();  // it serves the old model
        Q_EMIT serverStateChanged(false, {}, {});
    }
    m_engine.reset();  // the old model's memory goes first
    try {
        deepdesk::chat_engine_params p;
        p.model_path = path.toStdString();
        p.n_ctx = nCtx;
        p.n_threads = threads;
        QElapsedTimer since;
        since.start();
        p.on_load_progress = [&](double fraction) {
            if (m_wantedLoad->load() != ticket) {
                return false;
            }
            if (fraction >= 1.0 || since.elapsed() >= 50) {
                since.restart();
                Q_EMIT loadProgress(ticket, fraction);
            }
            return true;
        };
        m_engine = std::make_unique<deepdesk::chat_engine>(p);
        const auto& c = m_engine->loaded_model().config();
        const QString name = c.name.empty() ? QFileInfo(path).completeBaseName() : QString::fromStdString(c.name);
        const bool hybrid = m_engine->format().hybrid_thinking;
        const bool thinks = m_engine->can_think() || name.contains(QStringLiteral("R1"));
        const bool reasoning = thinks && !hybrid;  // R1-style: DeepSeek's advice applies
        m_modelName = name;
        Q_EMIT loaded(ticket, name, QString::fromStdString(c.architecture), m_engine->n_ctx(), reasoning,
                      !thinks  ? QString()
                      : hybrid ? QStringLiteral("hybrid")
                               : QStringLiteral("r1"));
        if (m_serverEnabled) {
            startServer();
        }
    } catch (const deepdesk::load_cancelled&) {
        m_engine.reset();  // the controller already moved on
    } catch (const std::exception& e) {
        m_engine.reset();
        Q_EMIT loadFailed(ticket, QString::fromStdString(e.what()));
    }
}

void InferenceWorker::unload() {
    stopServer();
    if (m_serverEnabled) {
        Q_EMIT serverStateChanged(false, {}, {});
    }
    m_engine.reset();
}

void InferenceWorker::countTokens(const std::vector<deepdesk::chat_message>& messages, int serial) {
    if (!m_engine) {
        return;
    }
    try {
        Q_EMIT tokensCounted(serial, m_engine->count_prompt_tokens(messages), m_engine->n_ctx());
    } catch (const std::exception&) {
        // A count is only advice: none is shown.
    }
}

void InferenceWorker::generate(const TurnRequest& request, StreamBuffer* buffer, std::atomic<bool>* cancel,
                               StorageThread* storage) {
    TurnResult result;
    result.messageId = request.assistantMessageId;
    StreamSaver saver(storage, request.assistantMessageId, request.options.continue_answer,
                      request.options.continue_reasoning);
    if (!m_engine) {
        result.finishReason = QStringLiteral("error");
        result.error = tr("No model is loaded.");
        saver.fail(result.error);
        Q_EMIT turnFinished(result);
        return;
    }
    try {
        // An API client's request may be answering; this turn waits for it.
        std::lock_guard turn(m_generationLock);
        const auto& format = m_engine->format();
        bool thinking = request.options.thinking_budget != 0 && (format.think_prefix || format.hybrid_thinking);
        buffer->push({}, {}, thinking);
        // With tools, the answer is held back from where a call may begin: the calls are not text.
        const bool tools = !request.tools.empty() && format.family == deepdesk::chat_family::deepseek_v3;
        std::string answer, released;
        const auto release = [&](std::size_t upTo, const std::string& reasoning, bool thinkingNow, bool dropped) {
            const std::string more = answer.substr(released.size(), upTo - released.size());
            released += more;
            buffer->push(reasoning, more, thinkingNow, 1, static_cast<std::int64_t>(m_engine->n_past()), dropped);
            saver.append(reasoning, more, dropped);
        };
        const auto messages = tools ? deepdesk::offer_tools(format, request.messages, request.tools) : request.messages;
        const auto r = m_engine->generate(
            messages, request.options,
            [&](const deepdesk::reasoning_delta& d) {
                thinking = !d.answer_was_reasoning && d.answer.empty() && (thinking || !d.reasoning.empty());
                if (!tools) {
                    // About one callback per token (the engine leaves out empty deltas); the context as
                    // the engine holds it now.
                    buffer->push(d.reasoning, d.answer, thinking, 1, static_cast<std::int64_t>(m_engine->n_past()),
                                 d.answer_was_reasoning);
                    saver.append(d.reasoning, d.answer, d.answer_was_reasoning);
                    return;
                }
                if (d.answer_was_reasoning) {
                    answer.clear();
                    released.clear();
                }
                answer += d.answer;
                release(std::max(released.size(), deepdesk::tool_calls_text_end(answer)), d.reasoning, thinking,
                        d.answer_was_reasoning);
            },
            cancel);
        if (tools) {
            const auto parsed = deepdesk::parse_tool_calls(answer);
            bool usable = !parsed.calls.empty() && parsed.complete && r.finish_reason == "stop";
            for (const auto& c : parsed.calls) {
                const QJsonDocument args = QJsonDocument::fromJson(QByteArray::fromStdString(c.arguments));
                usable = usable && args.isObject();
            }
            if (usable) {
                result.toolCalls = parsed.calls;
                for (std::size_t i = 0; i < result.toolCalls.size(); ++i) {
                    result.toolCalls[i].id = toolCallId(request.assistantMessageId, i);
                }
            } else {
                release(answer.size(), {}, false, false);  // not calls after all: the text as written
            }
        }
        buffer->push({}, {}, false);
        result.reasoningMs = r.reasoning_ms;
        result.promptTokens = r.prompt_tokens;
        result.generatedTokens = r.generated_tokens;
        result.tokensPerSecond = r.tokens_per_second;
        result.finishReason =
            result.toolCalls.empty() ? QString::fromStdString(r.finish_reason) : QStringLiteral("tool_calls");
        result.contextUsed = static_cast<qint64>(m_engine->n_past());
        saver.finish(result, request.continuing);
    } catch (const deepdesk::context_full_error& full) {
        buffer->push({}, {}, false);
        result.finishReason = QStringLiteral("error");
        result.error = tr("This conversation needs about %1 tokens, more than the %2 the model was loaded with.")
                           .arg(full.needed)
                           .arg(full.n_ctx);
        result.contextNeeded = full.needed;
        result.contextSize = full.n_ctx;
        saver.fail(result.error);
    } catch (const std::exception& e) {
        buffer->push({}, {}, false);
        result.finishReason = QStringLiteral("error");
        result.error = QString::fromStdString(e.what());
        saver.fail(result.error);
    }
    Q_EMIT turnFinished(result);
}

}  // namespace deepdesk::app
