// SPDX-License-Identifier: GPL-3.0-or-later
// deepdesk-cli: the headless engine tool. Each subcommand lives in its own function; main only
// wires them to CLI11.
#include <CLI/CLI.hpp>
#include <algorithm>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/chat_format.h"
#include "cli/bench.h"
#include "cli/chat.h"
#include "cli/common.h"
#include "cli/collections.h"
#include "cli/conversations.h"
#include "engine/cpu_features.h"
#include "engine/detokenizer.h"
#include "engine/gguf.h"
#include "engine/hf/hf_tokenizer.h"
#include "engine/kernels/convert.h"
#include "engine/kernels/gemm_amx.h"
#include "engine/kernels/quant_dot.h"
#include "engine/model.h"
#include "engine/reasoning.h"
#include "engine/sampler.h"
#include "engine/session.h"
#include "engine/tokenizer.h"
#include "engine/version.h"
#include "engine/embedder.h"
#include "server/openai_server.h"

namespace {

using deepdesk::cli::chat_format_of;
using deepdesk::cli::human_bytes;
using deepdesk::cli::json_string;

int run_cpu() {
    const deepdesk::cpu_features& cpu = deepdesk::host_cpu();
    const auto yes_no = [](bool b) { return b ? "yes" : "no"; };
    std::printf("cpu:          %s\n", cpu.brand.empty() ? "(unknown)" : cpu.brand.c_str());
    std::printf("avx2/fma/f16c: %s/%s/%s\n", yes_no(cpu.avx2), yes_no(cpu.fma), yes_no(cpu.f16c));
    std::printf("avx512 f/bw/vl: %s/%s/%s\n", yes_no(cpu.avx512f), yes_no(cpu.avx512bw), yes_no(cpu.avx512vl));
    std::printf("avx512 vnni/bf16: %s/%s\n", yes_no(cpu.avx512_vnni), yes_no(cpu.avx512_bf16));
    std::printf("avx-vnni:     %s\n", yes_no(cpu.avx_vnni));
    const std::string best(deepdesk::isa_name(deepdesk::detect_isa(cpu)));
    const std::string active(deepdesk::isa_name(deepdesk::active_isa()));
    std::printf("kernels:      %s (best this CPU runs: %s)\n", active.c_str(), best.c_str());
    const char* int8 = "scalar reference";
    if (deepdesk::kernels::quant_dot_isa() >= deepdesk::isa_level::avx512) {
        int8 = "AVX-512 VNNI (checked against the reference on this CPU)";
    } else if (deepdesk::kernels::quant_dot_isa() >= deepdesk::isa_level::avx2) {
        int8 = cpu.avx512_vnni ? "AVX2 (the AVX-512 VNNI kernels are off: DEEPDESK_ISA, or their self-check failed)"
                               : "AVX2";
    }
    std::printf("int8 dot products: %s\n", int8);
    const char* amx = "no (the CPU has no AMX-INT8)";
    if (cpu.amx_int8) {
        amx = deepdesk::kernels::amx_kernels_usable()
                  ? "yes: prompt batches of Q8_0, Q4_K and Q6_K on tiles (checked against the reference here)"
                  : "off (DEEPDESK_AMX=0, DEEPDESK_ISA, the system refused the tiles, or their check failed)";
    }
    std::printf("amx-int8:     %s\n", amx);
    return 0;
}

std::vector<std::int32_t> parse_ids(const std::string& text) {
    std::vector<std::int32_t> ids;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (item.find_first_not_of(" ") == std::string::npos) {
            continue;
        }
        std::size_t used = 0;
        long v = -1;
        try {
            v = std::stol(item, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || item.find_first_not_of(" ", used) != std::string::npos || v < 0 || v > INT32_MAX) {
            throw std::invalid_argument("not a token id: '" + item + "'");
        }
        ids.push_back(static_cast<std::int32_t>(v));
    }
    return ids;
}

int run_info(const std::string& path, std::int64_t ctx) {
    const auto m = deepdesk::model::load(path);
    const auto& c = m->config();
    std::map<std::string, std::pair<int, std::uint64_t>> types;  // name -> (tensors, bytes)
    std::uint64_t weight_bytes = 0;
    for (const auto* t : m->file().tensors()) {
        auto& e = types[deepdesk::type_name(static_cast<std::uint32_t>(t->type))];
        ++e.first;
        e.second += t->size;
        weight_bytes += t->size;
    }
    const std::uint64_t kv = m->impl().kv_bytes_per_token();
    const std::int64_t n_ctx = ctx > 0 ? ctx : c.n_ctx_train;
    std::printf("file:            %s (%zu part%s, %s)\n", path.c_str(), m->file().part_count(),
                m->file().part_count() == 1 ? "" : "s",
                human_bytes(static_cast<double>(m->file().total_bytes())).c_str());
    std::printf("name:            %s\n", c.name.empty() ? "(none)" : c.name.c_str());
    std::printf("architecture:    %s\n", c.architecture.c_str());
    std::printf("parameters:      %.3f B (%llu)\n", static_cast<double>(m->parameter_count()) / 1e9,
                static_cast<unsigned long long>(m->parameter_count()));
    std::printf("layers:          %lld, hidden %lld, heads %lld (kv %lld) x %lld, ffn %lld, vocab %lld\n",
                static_cast<long long>(c.n_layer), static_cast<long long>(c.n_embd), static_cast<long long>(c.n_head),
                static_cast<long long>(c.n_head_kv), static_cast<long long>(c.head_dim), static_cast<long long>(c.n_ff),
                static_cast<long long>(c.n_vocab));
    std::printf("context length:  %lld (trained)\n", static_cast<long long>(c.n_ctx_train));
    std::printf("tensor types:   ");
    for (const auto& [name, e] : types) {
        std::printf(" %s x%d (%s)", name.c_str(), e.first, human_bytes(static_cast<double>(e.second)).c_str());
    }
    std::printf("\n");
    std::printf("KV bytes/token:  %llu (f16 cache)\n", static_cast<unsigned long long>(kv));
    std::printf("RAM at ctx %lld: %s (weights %s + KV %s)\n", static_cast<long long>(n_ctx),
                human_bytes(static_cast<double>(weight_bytes + kv * static_cast<std::uint64_t>(n_ctx))).c_str(),
                human_bytes(static_cast<double>(weight_bytes)).c_str(),
                human_bytes(static_cast<double>(kv * static_cast<std::uint64_t>(n_ctx))).c_str());
    std::printf("resident now:    %s (weights are mapped, not copied: pages load as they are used)\n",
                human_bytes(static_cast<double>(deepdesk::cli::resident_bytes())).c_str());
    return 0;
}

// The prompt as token ids: --ids as given, or -p text through the model's tokenizer (BOS as the
// model's metadata says; control tokens written in the text are recognised).
std::vector<std::int32_t> prompt_tokens(const deepdesk::model& m, const std::string& text,
                                        const std::string& ids_text) {
    if (!ids_text.empty()) {
        return parse_ids(ids_text);
    }
    const auto tok = deepdesk::tokenizer::from_gguf(m.file().main());
    return tok->encode(text, tok->adds_bos(), true);
}

int run_logits(const std::string& path, const std::string& text, const std::string& ids_text,
               const std::string& out_path, int threads) {
    const auto m = deepdesk::model::load(path);
    std::vector<std::int32_t> ids = prompt_tokens(*m, text, ids_text);
    if (ids.empty()) {
        throw std::invalid_argument("the prompt gave no tokens");
    }
    deepdesk::session_params p;
    p.n_ctx = static_cast<std::int64_t>(ids.size());
    p.n_threads = threads;
    deepdesk::session s(*m, p);
    s.evaluate(ids);
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    const auto logits = s.logits();
    out.write(reinterpret_cast<const char*>(logits.data()),
              static_cast<std::streamsize>(logits.size() * sizeof(float)));
    if (!out) {
        throw std::runtime_error("cannot write " + out_path);
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
        std::printf(i ? " %d" : "%d", ids[i]);
    }
    std::printf("\n");
    return 0;
}

struct run_options {
    std::string model;
    std::string prompt;
    std::string prompt_ids;
    int n_predict = 128;
    float temperature = 0.8f;
    std::uint64_t seed = 0;
    bool print_ids = false;
    int threads = 0;
    std::int64_t ctx = 0;
    bool chat = false;
    std::string system;
    std::string chat_format;
    bool json = false;
};

int run_generate(const run_options& o) {
    const auto m = deepdesk::model::load(o.model);
    const auto& c = m->config();
    const auto tok = deepdesk::tokenizer::from_gguf(m->file().main());
    deepdesk::chat_format format;
    std::vector<std::int32_t> prompt;
    if (o.chat) {
        format = chat_format_of(*m, *tok, o.chat_format);
        std::vector<deepdesk::chat_message> messages;
        if (!o.system.empty()) {
            messages.push_back({deepdesk::chat_message::role::system, o.system});
        }
        messages.push_back({deepdesk::chat_message::role::user, o.prompt});
        const auto rendered = deepdesk::render_chat_spans(format, messages, true);
        prompt = tok->encode(rendered.text, tok->adds_bos(), rendered.content);
    } else {
        prompt = prompt_tokens(*m, o.prompt, o.prompt_ids);
    }
    if (prompt.empty()) {
        throw std::invalid_argument("the prompt gave no tokens");
    }
    deepdesk::token_stream text_out(*tok);
    deepdesk::reasoning_splitter splitter(o.chat && format.think_prefix);
    deepdesk::cli::reasoning_printer printer;
    std::string raw;  // the whole text of a plain (not --chat) run, for --json
    // A piece of generated text: split into reasoning and answer with --chat; printed unless --json.
    const auto emit = [&](const std::string& piece, bool last) {
        if (o.chat) {
            auto d = splitter.feed(piece);
            if (last) {
                const auto rest = splitter.finish();
                d.reasoning += rest.reasoning;
                d.answer += rest.answer;
            }
            if (!o.json) {
                printer.print(d);
            }
        } else if (o.json) {
            raw += piece;
        } else {
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
        }
    };
    deepdesk::session_params sp;
    sp.n_ctx = o.ctx > 0
                   ? o.ctx
                   : std::min<std::int64_t>(c.n_ctx_train, static_cast<std::int64_t>(prompt.size()) + o.n_predict);
    sp.n_threads = o.threads;
    deepdesk::session s(*m, sp);
    deepdesk::sampler_params pp = deepdesk::default_sampler_params();
    pp.temperature = o.temperature;
    pp.seed = o.seed;
    deepdesk::sampler smp(pp, c.n_vocab);
    s.evaluate(prompt);
    std::vector<std::int32_t> generated;
    for (int i = 0; i < o.n_predict; ++i) {
        const std::int32_t next = smp.sample(s.logits(), s.tokens());
        if (next == c.eos_token || tok->ends_generation(next)) {
            break;
        }
        generated.push_back(next);
        if (!o.print_ids) {  // text as it comes, whole characters only
            emit(text_out.push(next), false);
        }
        if (s.n_past() >= sp.n_ctx) {
            std::fprintf(stderr, "deepdesk-cli: stopped: the context (%lld tokens) is full\n",
                         static_cast<long long>(sp.n_ctx));
            break;
        }
        s.evaluate(std::span(&next, 1));
    }
    if (!o.print_ids) {
        emit(text_out.finish(), true);
        if (o.json) {
            std::printf("{\"reasoning\": %s, \"answer\": %s}", json_string(splitter.reasoning()).c_str(),
                        json_string(o.chat ? splitter.answer() : raw).c_str());
        }
    } else {
        for (std::size_t i = 0; i < generated.size(); ++i) {
            std::printf(i ? " %d" : "%d", generated[i]);
        }
    }
    std::printf("\n");
    return 0;
}

int run_tokenize(const std::string& path, const std::string& hf_dir, const std::string& text, const std::string& file,
                 bool no_bos, bool no_special) {
    std::unique_ptr<deepdesk::tokenizer> tok;
    std::string unapplied_normalizer;
    if (!hf_dir.empty()) {
        auto imported = deepdesk::hf::load_tokenizer_dir(hf_dir);
        tok = std::move(imported.tok);
        unapplied_normalizer = imported.unapplied_normalizer;
    } else {
        const auto gguf_file = deepdesk::gguf::model_file::open(path);
        tok = deepdesk::tokenizer::from_gguf(gguf_file->main());
    }
    std::string input = text;
    if (!file.empty()) {
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            throw std::runtime_error("cannot read " + file);
        }
        std::stringstream ss;
        ss << in.rdbuf();
        input = ss.str();
    }
    if (!unapplied_normalizer.empty() &&
        std::any_of(input.begin(), input.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
        std::fprintf(stderr,
                     "deepdesk-cli: note: this tokenizer asks for %s normalization, which is not applied; text "
                     "already in that form (as typed text almost always is) is unaffected\n",
                     unapplied_normalizer.c_str());
    }
    const auto ids = tok->encode(input, !no_bos && tok->adds_bos(), !no_special);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        std::printf(i ? " %d" : "%d", ids[i]);
    }
    std::printf("\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"deepdesk-cli: run DeepSeek models from GGUF files on the CPU", "deepdesk-cli"};
    app.set_version_flag("--version", std::string("deepdesk-cli ") + deepdesk::version());
    app.failure_message(CLI::FailureMessage::help);
    app.require_subcommand(1);

    CLI::App* cpu = app.add_subcommand("cpu", "Show the CPU features found and the kernels chosen");

    CLI::App* info = app.add_subcommand("info", "Describe a GGUF model: architecture, size, types, memory");
    std::string info_model;
    std::int64_t info_ctx = 0;
    info->add_option("model", info_model, "GGUF file (any part of a split model)")->required();
    info->add_option("-c,--ctx", info_ctx, "Context length for the RAM estimate (default: the trained one)");

    CLI::App* logits = app.add_subcommand("logits", "Evaluate a prompt and write the last position's logits");
    std::string logits_model, logits_ids, logits_out;
    int logits_threads = 0;
    logits->add_option("-m,--model", logits_model, "GGUF model file")->required();
    std::string logits_text;
    auto* logits_p =
        logits->add_option("-p,--prompt", logits_text, "Prompt text (tokenized with the model's vocabulary)");
    auto* logits_i =
        logits->add_option("--ids", logits_ids, "Prompt token ids, comma separated (BOS included as given)");
    logits_p->excludes(logits_i);
    logits->add_option("-o,--output", logits_out, "Output file: little-endian float32 logits")->required();
    logits->add_option("-t,--threads", logits_threads, "Threads (default: all)");

    CLI::App* run = app.add_subcommand("run", "Generate tokens after a prompt");
    run_options ro;
    run->add_option("-m,--model", ro.model, "GGUF model file")->required();
    auto* prompt_opt = run->add_option("-p,--prompt", ro.prompt, "Prompt text");
    auto* ids_opt = run->add_option("--prompt-ids", ro.prompt_ids, "Prompt token ids, comma separated");
    prompt_opt->excludes(ids_opt);
    run->add_option("-n,--n-predict", ro.n_predict, "Tokens to generate at most")->check(CLI::Range(1, 1 << 20));
    run->add_option("--temp", ro.temperature, "Temperature (0: greedy)")->check(CLI::Range(0.0, 10.0));
    run->add_option("--seed", ro.seed, "Sampling seed");
    run->add_flag("--ids", ro.print_ids, "Print the generated token ids");
    run->add_option("-t,--threads", ro.threads, "Threads (default: all)");
    run->add_option("-c,--ctx", ro.ctx, "Context length (default: prompt + n-predict)");
    run->add_flag("--chat", ro.chat, "Send -p as one user message through the model's chat format");
    run->add_option("--system", ro.system, "System prompt (with --chat)");
    run->add_option("--chat-format", ro.chat_format, "deepseek-llm, deepseek-coder, deepseek-v3, deepseek-r1 or deepseek-v3.1");
    run->add_flag("--json", ro.json, "Print {\"reasoning\": ..., \"answer\": ...}");

    CLI::App* bench = app.add_subcommand("bench", "Measure prompt and generation speed against the memory limit");
    deepdesk::cli::bench_options bo;
    bench->add_option("-m,--model", bo.model, "GGUF model file")->required();
    bench->add_option("-p,--n-prompt", bo.n_prompt, "Prompt tokens")->check(CLI::Range(1, 1 << 16));
    bench->add_option("-n,--n-gen", bo.n_gen, "Generated tokens")->check(CLI::Range(1, 1 << 16));
    bench->add_option("-t,--threads", bo.threads, "Threads")->check(CLI::Range(1, 1024));
    bench->add_option("-c,--ctx", bo.n_ctx, "Context to allocate (resident memory at that context)")
        ->check(CLI::Range(0, 1 << 20));
    bench->add_flag("--json", bo.json, "Print one JSON object");

    CLI::App* tokenize = app.add_subcommand("tokenize", "Print the token ids of a text");
    std::string tok_model, tok_hf, tok_text, tok_file;
    bool tok_no_bos = false, tok_no_special = false;
    auto* tok_m = tokenize->add_option("-m,--model", tok_model, "GGUF model or vocabulary-only file");
    auto* tok_j = tokenize->add_option("--tokenizer-json", tok_hf,
                                       "Hugging Face tokenizer directory (tokenizer.json + tokenizer_config.json)");
    tok_m->excludes(tok_j);
    tokenize->add_flag("--no-bos", tok_no_bos, "Do not add BOS");
    tokenize->add_flag("--no-special", tok_no_special, "Treat control tokens in the text as plain text");
    auto* tok_f = tokenize->add_option("-f,--file", tok_file, "Read the text from a file");
    auto* tok_t = tokenize->add_option("text", tok_text, "The text");
    tok_f->excludes(tok_t);

    CLI::App* serve = app.add_subcommand("serve", "Serve a model through an OpenAI-compatible API");
    std::string sv_model, sv_format;
    deepdesk::server::server_options so;
    std::int64_t sv_ctx = 4096;
    int sv_threads = 0;
    serve->add_option("-m,--model", sv_model, "GGUF model file")->required();
    serve->add_option("--host", so.host, "Address to listen on (default 127.0.0.1: this computer only)");
    serve->add_option("--port", so.port, "Port (0: any free one)")->check(CLI::Range(0, 65535));
    serve->add_option("--api-key", so.api_key, "Key clients must send as 'Authorization: Bearer KEY'");
    serve->add_option("--model-id", so.model_id, "Model name clients use (default: the file's name)");
    serve->add_option("--allow-origin", so.allowed_origins,
                      "A web page origin (e.g. http://localhost:3000) whose scripts may call the server; repeatable");
    serve->add_option("--chat-format", sv_format, "deepseek-llm, deepseek-coder, deepseek-v3, deepseek-r1 or deepseek-v3.1");
    serve->add_option("-c,--ctx", sv_ctx, "Context length")->check(CLI::Range(64, 1 << 20));
    serve->add_option("-t,--threads", sv_threads, "Threads (default: all)");
    std::string sv_embedding;
    serve->add_option("--embedding-model", sv_embedding,
                      "GGUF embedding model (e.g. Qwen3-Embedding) served at /v1/embeddings");

    CLI::App* chat = app.add_subcommand("chat", "Chat with a model in the terminal");
    deepdesk::cli::chat_options co;
    chat->add_option("-m,--model", co.model, "GGUF model file")->required();
    chat->add_option("--system", co.system, "System prompt");
    chat->add_option("--chat-format", co.chat_format, "deepseek-llm, deepseek-coder, deepseek-v3, deepseek-r1 or deepseek-v3.1");
    chat->add_option("-c,--ctx", co.n_ctx, "Context length")->check(CLI::Range(64, 1 << 20));
    chat->add_option("-n,--max-tokens", co.max_tokens, "Tokens per answer at most")->check(CLI::Range(1, 1 << 20));
    chat->add_option("--thinking", co.thinking,
                     "For models that think: -1 as long as they like (default), 0 off, N at most N tokens of reasoning")
        ->check(CLI::Range(-1, 1 << 20));
    chat->add_option("--temp", co.temperature, "Temperature (0: greedy)")->check(CLI::Range(0.0, 10.0));
    chat->add_option("--seed", co.seed, "Sampling seed");
    chat->add_option("-t,--threads", co.threads, "Threads (default: all)");

    deepdesk::cli::conversations_options cvo;
    const deepdesk::cli::conversations_commands cv = deepdesk::cli::add_conversations_commands(app, cvo);
    deepdesk::cli::collections_options clo;
    const deepdesk::cli::collections_commands cl = deepdesk::cli::add_collections_commands(app, clo);

    CLI11_PARSE(app, argc, argv);

    try {
        if (cpu->parsed()) {
            return run_cpu();
        }
        if (info->parsed()) {
            return run_info(info_model, info_ctx);
        }
        if (logits->parsed()) {
            if (logits_text.empty() && logits_ids.empty()) {
                throw std::invalid_argument("give a prompt: -p TEXT or --ids 1,2,3");
            }
            return run_logits(logits_model, logits_text, logits_ids, logits_out, logits_threads);
        }
        if (tokenize->parsed()) {
            if (tok_text.empty() && tok_file.empty()) {
                throw std::invalid_argument("give the text: TEXT or -f FILE");
            }
            if (tok_model.empty() && tok_hf.empty()) {
                throw std::invalid_argument("give the vocabulary: -m MODEL.gguf or --tokenizer-json DIR");
            }
            return run_tokenize(tok_model, tok_hf, tok_text, tok_file, tok_no_bos, tok_no_special);
        }
        if (const int rc = deepdesk::cli::run_conversations(cv, cvo); rc >= 0) {
            return rc;
        }
        if (const int rc = deepdesk::cli::run_collections(cl, clo); rc >= 0) {
            return rc;
        }
        if (chat->parsed()) {
            return deepdesk::cli::run_chat(co);
        }
        if (bench->parsed()) {
            return deepdesk::cli::run_bench(bo);
        }
        if (serve->parsed()) {
            deepdesk::chat_engine_params ep;
            ep.model_path = sv_model;
            ep.n_ctx = sv_ctx;
            ep.n_threads = sv_threads;
            ep.chat_format = sv_format;
            deepdesk::chat_engine engine(ep);
            std::unique_ptr<deepdesk::model> embedding_model;
            std::unique_ptr<deepdesk::embedder> embedding;
            if (!sv_embedding.empty()) {
                embedding_model = deepdesk::model::load(sv_embedding);
                deepdesk::embedder_params p;
                p.n_ctx = std::min<std::int64_t>(8192, embedding_model->config().n_ctx_train);
                p.n_threads = sv_threads;
                embedding = std::make_unique<deepdesk::embedder>(*embedding_model, p);
                if (!embedding->reads_text()) {
                    throw deepdesk::model_error(sv_embedding + ": the file has no vocabulary, so it cannot read text");
                }
                so.embedding_model = [id = std::filesystem::path(sv_embedding).stem().string()] { return id; };
                so.embed = [&embedding](const std::string& text, std::size_t& tokens) {
                    const auto ids = embedding->tokens_of(text);
                    tokens = ids.size();
                    return embedding->embed_tokens(ids);
                };
            }
            deepdesk::server::openai_server server(engine, so);
            const int port = server.bind();
            std::printf("deepdesk-cli: serving %s as '%s' on http://%s:%d/v1%s\n", sv_model.c_str(),
                        server.model_id().c_str(), so.host.c_str(), port,
                        so.api_key.empty() ? "" : " (an API key is required)");
            if (embedding) {
                std::printf("deepdesk-cli: embeddings from %s as '%s' at /v1/embeddings\n", sv_embedding.c_str(),
                            so.embedding_model().c_str());
            }
            std::fflush(stdout);
            server.run();
            return 0;
        }
        if (run->parsed()) {
            if (ro.prompt.empty() && ro.prompt_ids.empty()) {
                throw std::invalid_argument("give a prompt: -p TEXT or --prompt-ids 1,2,3");
            }
            if (ro.chat && ro.prompt.empty()) {
                throw std::invalid_argument("--chat needs the message as -p TEXT");
            }
            return run_generate(ro);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "deepdesk-cli: %s\n", e.what());
        return 1;
    }
    return 1;
}
