// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/cli/chat.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <vector>

#include "engine/chat_format.h"
#include "engine/cli/common.h"
#include "engine/detokenizer.h"
#include "engine/model.h"
#include "engine/reasoning.h"
#include "engine/sampler.h"
#include "engine/session.h"
#include "engine/tokenizer.h"

namespace deepdesk::cli {
namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void on_sigint(int) { g_interrupted.store(true); }

using role = chat_message::role;

void print_help() {
    std::printf(
        "Commands: /reset (new conversation), /regen (answer the last message again), /system TEXT "
        "(set the system prompt), /help, /quit. Ctrl+C stops an answer.\n");
}

}  // namespace

int run_chat(const chat_options& o) {
    const auto m = model::load(o.model);
    const auto tok = tokenizer::from_gguf(m->file().main());
    const chat_format format = chat_format_of(*m, *tok, o.chat_format);
    session_params sp;
    sp.n_ctx = std::min(o.n_ctx, m->config().n_ctx_train);
    sp.n_threads = o.threads;
    session s(*m, sp);
    s.set_cancel_flag(&g_interrupted);
    sampler_params pp = default_sampler_params();
    pp.temperature = o.temperature;
    pp.seed = o.seed;
    sampler smp(pp, m->config().n_vocab);
    std::signal(SIGINT, on_sigint);

    std::string system = o.system;
    std::vector<chat_message> history;  // user and assistant turns (answers only)
    std::printf("deepdesk chat: %s (%s). /help for commands.\n", m->config().name.c_str(),
                m->config().architecture.c_str());
    std::string line;
    for (;;) {
        std::printf("> ");
        std::fflush(stdout);
        if (!std::getline(std::cin, line)) {
            std::printf("\n");
            return 0;
        }
        if (line.empty()) {
            continue;
        }
        if (line == "/quit" || line == "/exit") {
            return 0;
        }
        if (line == "/help") {
            print_help();
            continue;
        }
        if (line == "/reset") {
            history.clear();
            std::printf("(new conversation)\n");
            continue;
        }
        if (line.rfind("/system", 0) == 0) {
            system = line.size() > 8 ? line.substr(8) : std::string();
            std::printf(system.empty() ? "(no system prompt)\n" : "(system prompt set)\n");
            continue;
        }
        if (line == "/regen") {
            if (history.empty() || history.back().who != role::assistant) {
                std::printf("(nothing to regenerate)\n");
                continue;
            }
            history.pop_back();
        } else if (line[0] == '/') {
            std::printf("(unknown command; /help lists them)\n");
            continue;
        } else {
            history.push_back({role::user, line});
        }

        std::vector<chat_message> messages;
        if (!system.empty()) {
            messages.push_back({role::system, system});
        }
        messages.insert(messages.end(), history.begin(), history.end());
        const auto prompt = tok->encode(render_chat(format, messages, true), tok->adds_bos(), true);
        g_interrupted.store(false);
        std::int64_t reused = 0;
        try {
            reused = s.evaluate_prompt(prompt);
        } catch (const session_error& e) {
            std::printf("(%s; /reset starts a new conversation)\n", e.what());
            history.pop_back();
            continue;
        }
        token_stream text(*tok);
        reasoning_splitter splitter(format.think_prefix);
        reasoning_printer printer;
        int generated = 0;
        const auto g0 = std::chrono::steady_clock::now();
        bool stopped = false;
        while (generated < o.max_tokens && !g_interrupted.load()) {
            const std::int32_t next = smp.sample(s.logits(), s.tokens());
            if (tok->ends_generation(next)) {
                break;
            }
            ++generated;
            printer.print(splitter.feed(text.push(next)));
            try {
                if (!s.evaluate(std::span(&next, 1))) {
                    stopped = true;
                    break;
                }
            } catch (const session_error&) {
                std::printf("\n(the context is full: the answer stops here)");
                break;
            }
        }
        stopped = stopped || g_interrupted.load();
        printer.print(splitter.feed(text.finish()));
        printer.print(splitter.finish());
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - g0).count();
        history.push_back({role::assistant, splitter.answer()});
        std::printf("\n\033[2m[%d tokens, %.1f tok/s, %lld of %zu prompt tokens reused%s%s]\033[0m\n", generated,
                    secs > 0 ? generated / secs : 0.0, static_cast<long long>(reused), prompt.size(),
                    splitter.reasoning().empty() ? "" : ", reasoning kept out of the history",
                    stopped ? ", stopped" : "");
    }
}

}  // namespace deepdesk::cli
