// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/chat.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <vector>

#include "engine/chat_engine.h"
#include "cli/common.h"

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
    chat_engine_params ep;
    ep.model_path = o.model;
    ep.n_ctx = o.n_ctx;
    ep.n_threads = o.threads;
    ep.chat_format = o.chat_format;
    chat_engine engine(ep);
    generation_options go;
    go.sampling.temperature = o.temperature;
    go.sampling.seed = o.seed;
    go.max_tokens = o.max_tokens;
    go.thinking_budget = o.thinking;
    std::signal(SIGINT, on_sigint);

    std::string system = o.system;
    std::vector<chat_message> history;  // user and assistant turns (answers only)
    std::printf("deepdesk chat: %s (%s). /help for commands.\n", engine.loaded_model().config().name.c_str(),
                engine.loaded_model().config().architecture.c_str());
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
        g_interrupted.store(false);
        reasoning_printer printer;
        turn_result r;
        try {
            r = engine.generate(
                messages, go, [&](const reasoning_delta& d) { printer.print(d); }, &g_interrupted);
        } catch (const session_error& e) {
            std::printf("(%s; /reset starts a new conversation)\n", e.what());
            history.pop_back();
            continue;
        }
        if (r.finish_reason == "context_full") {
            std::printf("\n(the context is full: the answer stops here)");
        }
        history.push_back({role::assistant, r.answer});
        std::printf("\n\033[2m[%lld tokens, %.1f tok/s, %lld of %lld prompt tokens reused%s%s]\033[0m\n",
                    static_cast<long long>(r.generated_tokens), r.tokens_per_second,
                    static_cast<long long>(r.reused_tokens), static_cast<long long>(r.prompt_tokens),
                    r.reasoning.empty() ? "" : ", reasoning kept out of the history",
                    r.finish_reason == "cancelled" ? ", stopped" : "");
    }
}

}  // namespace deepdesk::cli
