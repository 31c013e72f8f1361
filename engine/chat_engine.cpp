// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/chat_engine.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "engine/detokenizer.h"

namespace deepdesk {

chat_format chat_format_for(const model& m, const tokenizer& tok, const std::string& name) {
    if (!name.empty()) {
        const auto f = chat_format_by_name(name);
        if (!f) {
            throw std::invalid_argument("unknown chat format '" + name +
                                        "' (deepseek-llm, deepseek-coder, deepseek-v3, deepseek-r1, deepseek-v3.1)");
        }
        return *f;
    }
    const auto tmpl = m.file().main().get_string("tokenizer.chat_template").value_or("");
    const auto single = [&](const char* text) { return tok.encode(text, false, true).size() == 1; };
    return chat_format_for_model(tmpl, single("<\uff5cUser\uff5c>"), single("<|EOT|>"));
}

namespace {

// Reads one byte of every page of the weights so the first answer does not wait on the disk, and
// reports how far it got. Sequential reads let the kernel read ahead in large blocks.
void page_in(const gguf::model_file& file, const std::function<bool(double)>& progress) {
    std::uint64_t total = 0;
    for (const auto* t : file.tensors()) {
        total += t->size;
    }
    constexpr std::uint64_t k_page = 4096, k_step = std::uint64_t{8} << 20;
    std::uint64_t done = 0, next_report = 0;
    volatile std::uint8_t sink = 0;
    if (!progress(0.0)) {
        throw load_cancelled();
    }
    for (const auto* t : file.tensors()) {
        for (std::uint64_t off = 0; off < t->size; off += k_step) {
            const std::uint64_t end = std::min(t->size, off + k_step);
            std::uint8_t acc = 0;
            for (std::uint64_t b = off; b < end; b += k_page) {
                acc ^= t->data[b];
            }
            sink = sink ^ acc;
            done += end - off;
            if (done >= next_report) {
                if (!progress(total ? static_cast<double>(done) / static_cast<double>(total) : 1.0)) {
                    throw load_cancelled();
                }
                next_report = done + std::max<std::uint64_t>(total / 100, 1);
            }
        }
    }
    if (!progress(1.0)) {
        throw load_cancelled();
    }
}

}  // namespace

chat_engine::chat_engine(const chat_engine_params& params) {
    m_model = model::load(params.model_path);
    if (params.on_load_progress) {
        page_in(m_model->file(), params.on_load_progress);
    }
    m_tok = tokenizer::from_gguf(m_model->file().main());
    m_format = chat_format_for(*m_model, *m_tok, params.chat_format);
    const auto think = m_tok->encode("<think>", false, true);
    m_can_think = format_can_think(m_format, think.size() == 1 && m_tok->token_bytes(think[0]) == "<think>");
    session_params sp;
    sp.n_ctx = std::max<std::int64_t>(64, std::min(params.n_ctx, m_model->config().n_ctx_train));
    sp.n_threads = params.n_threads;
    m_session = std::make_unique<session>(*m_model, sp);
}

turn_result chat_engine::generate(const std::vector<chat_message>& messages, const generation_options& options,
                                  const std::function<void(const reasoning_delta&)>& on_delta,
                                  const std::atomic<bool>* cancel) {
    std::int64_t dropped = 0;
    const bool thinking = options.thinking_budget != 0;
    rendered_chat text_prompt = render_chat_spans(m_format, messages, true, thinking);
    if (options.drop_oldest_turns) {
        // Room for the answer: what max_tokens asks, at most half the context.
        const std::int64_t room = std::min<std::int64_t>(options.max_tokens, n_ctx() / 2);
        std::vector<chat_message> kept = messages;
        const auto first = std::find_if(kept.begin(), kept.end(),
                                        [](const chat_message& m) { return m.who != chat_message::role::system; });
        auto begin = first - kept.begin();
        while (count_tokens_of(text_prompt) + room > n_ctx() && static_cast<std::size_t>(begin) + 1 < kept.size()) {
            // The oldest turn: a message and the answers after it, up to the next user message.
            auto end = kept.begin() + begin + 1;
            while (end != kept.end() - 1 && end->who != chat_message::role::user) {
                ++end;
            }
            dropped += end - (kept.begin() + begin);
            kept.erase(kept.begin() + begin, end);
            text_prompt = render_chat_spans(m_format, kept, true, thinking);
        }
    }
    const bool continuing = !options.continue_reasoning.empty() || !options.continue_answer.empty();
    // The prompt opens the reasoning: R1's template, or V3.1's in thinking mode.
    // (After tool results the template writes no generation prompt: the model goes on by itself.)
    const bool after_tool = !messages.empty() && messages.back().who == chat_message::role::tool;
    const bool opened = !after_tool && (m_format.think_prefix || (m_format.hybrid_thinking && thinking));
    output_starts start = opened                                  ? output_starts::in_reasoning
                          : m_format.hybrid_thinking && !thinking ? output_starts::in_answer
                                                                  : output_starts::unknown;
    if (!thinking && !continuing && !after_tool && can_think() && !m_format.hybrid_thinking) {
        // Thinking off for an R1-style model: its reasoning is closed before it begins.
        text_prompt.text += opened ? "\n</think>\n\n" : "<think>\n\n</think>\n\n";
        start = output_starts::in_answer;
    }
    if (continuing) {
        // The cut-off answer, as the model wrote it: reasoning in <think> tags, then the answer.
        // What the model wrote is its words, as a user's are: text, not markup.
        std::string& t = text_prompt.text;
        const auto written = [&](const std::string& words) {
            text_prompt.content.push_back({t.size(), t.size() + words.size()});
            t += words;
        };
        if (!options.continue_reasoning.empty()) {
            t += opened ? "" : "<think>\n";
            written(options.continue_reasoning);
            start = options.continue_answer.empty() ? output_starts::in_reasoning : output_starts::in_answer;
            if (start == output_starts::in_answer) {
                t += "\n</think>\n\n";
                written(options.continue_answer);
            }
        } else {
            if (opened) {
                t += "\n</think>\n\n";
            }
            written(options.continue_answer);
            start = opened ? output_starts::in_answer : output_starts::unknown;
        }
    }
    turn_result r = run(text_prompt, true, start, options, on_delta, cancel, options.thinking_budget);
    r.dropped_messages = dropped;
    return r;
}

std::int64_t chat_engine::count_tokens_of(const rendered_chat& prompt) const {
    return static_cast<std::int64_t>(m_tok->encode(prompt.text, m_tok->adds_bos(), prompt.content).size());
}

std::int64_t chat_engine::count_prompt_tokens(const std::vector<chat_message>& messages) const {
    return count_tokens_of(render_chat_spans(m_format, messages, true));
}

turn_result chat_engine::complete(const std::string& prompt, const generation_options& options,
                                  const std::function<void(const std::string&)>& on_text,
                                  const std::atomic<bool>* cancel) {
    return run(
        rendered_chat{prompt, {}}, false, output_starts::in_answer,
        options,  // a raw prompt: its control tokens are meant
        [&](const reasoning_delta& d) {
            if (on_text) {
                on_text(d.answer);
            }
        },
        cancel);
}

bool chat_engine::supports_fim() const {
    const std::string begin = "<\uff5cfim\u2581begin\uff5c>";
    const auto ids = m_tok->encode(begin, false, true);
    return ids.size() == 1 && m_tok->token_bytes(ids[0]) == begin;
}

turn_result chat_engine::run(const rendered_chat& text_prompt, bool split_reasoning, output_starts start,
                             const generation_options& options,
                             const std::function<void(const reasoning_delta&)>& on_delta,
                             const std::atomic<bool>* cancel, int thinking_budget) {
    turn_result r;
    std::vector<std::int32_t> prompt;
    try {
        prompt = m_tok->encode(text_prompt.text, m_tok->adds_bos(), text_prompt.content, cancel);
    } catch (const tokenize_cancelled&) {
        r.finish_reason = "cancelled";  // stopped while the prompt was being read
        return r;
    }
    r.prompt_tokens = static_cast<std::int64_t>(prompt.size());
    m_session->set_cancel_flag(cancel);
    const auto cancelled = [&] { return cancel != nullptr && cancel->load(std::memory_order_relaxed); };
    reasoning_splitter splitter = start == output_starts::in_answer
                                      ? reasoning_splitter::answer_only()
                                      : reasoning_splitter(start == output_starts::in_reasoning);
    std::string raw;  // without the split: all of it is the answer
    const auto emit = [&](const reasoning_delta& d) {
        if (on_delta && (!d.reasoning.empty() || !d.answer.empty() || d.answer_was_reasoning)) {
            on_delta(d);
        }
    };
    const auto feed = [&](const std::string& piece) {
        if (split_reasoning) {
            emit(splitter.feed(piece));
        } else {
            raw += piece;
            emit({{}, piece});
        }
    };
    r.reused_tokens = m_session->evaluate_prompt(prompt);
    sampler smp(options.sampling, m_model->config().n_vocab);
    token_stream text(*m_tok);
    const auto t0 = std::chrono::steady_clock::now();
    r.finish_reason = "length";
    if (cancelled()) {
        r.finish_reason = "cancelled";
    }
    while (r.finish_reason != "cancelled" && r.generated_tokens < options.max_tokens) {
        const std::int32_t next = smp.sample(m_session->logits(), m_session->tokens());
        if (m_tok->ends_generation(next)) {
            r.finish_reason = "stop";
            break;
        }
        ++r.generated_tokens;
        const bool was_reasoning = split_reasoning && splitter.in_reasoning();
        feed(text.push(next));
        r.reasoning_tokens += was_reasoning ? 1 : 0;
        std::vector<std::int32_t> step{next};
        if (thinking_budget > 0 && was_reasoning && splitter.in_reasoning() && r.reasoning_tokens >= thinking_budget) {
            // The budget is spent: the engine closes the reasoning, and the answer follows.
            for (const std::int32_t t : m_tok->encode("\n</think>\n\n", false, true)) {
                step.push_back(t);
                feed(text.push(t));
            }
            r.reasoning_cut = true;
        }
        try {
            if (!m_session->evaluate(step) || cancelled()) {
                r.finish_reason = "cancelled";
            }
        } catch (const session_error&) {
            r.finish_reason = "context_full";
            break;
        }
    }
    feed(text.finish());
    if (split_reasoning) {
        emit(splitter.finish());
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.tokens_per_second = r.seconds > 0 ? static_cast<double>(r.generated_tokens) / r.seconds : 0.0;
    r.reasoning = split_reasoning ? splitter.reasoning() : std::string();
    r.answer = split_reasoning ? splitter.answer() : raw;
    r.reasoning_ms = split_reasoning ? splitter.reasoning_duration().count() : 0;
    m_session->set_cancel_flag(nullptr);
    return r;
}

}  // namespace deepdesk
