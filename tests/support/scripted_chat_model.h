// SPDX-License-Identifier: GPL-3.0-or-later
// A tiny R1-style chat model whose answer is known in advance, for tests and benchmarks of the
// app: a real GGUF file (llama architecture, byte-level vocabulary with the DeepSeek-R1 special
// tokens and a chat template that opens the reasoning with `<think>\n`) that the engine runs like
// any other. Its weights make the next token a function of the current one: the embedding is
// one-hot, every layer adds nothing to the residual stream, and the output matrix maps token t to
// its successor. So after the generation prompt it writes `reasoning`, `</think>`, `answer` and
// ends with <｜end▁of▁sentence｜> (or, with `loop`, repeats the answer forever). The characters of
// reasoning and answer must all be different from each other (one successor per token). DeepSeek's
// tool-call markers (<｜tool▁calls▁begin｜>, <｜tool▁call▁begin｜>, <｜tool▁sep｜>, ...) in the
// answer are single tokens, so an answer can be a tool call.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/gguf_writer.h"

namespace deepdesk::testing {

struct scripted_chat_spec {
    std::string reasoning = "Okay";
    std::string answer = "Hi 4U!";
    bool loop = false;           // after the answer, start it again instead of ending
    std::uint32_t n_ctx = 4096;  // training context written to the metadata
    std::string name = "DeepSeek-R1-Scripted-Test";
    // Tool results end the prompt without a generation prompt ("…<｜tool▁outputs▁end｜>", its
    // last byte token '>'): with this, the model starts its script again from there (so a model
    // whose answer is a tool call calls again after each result).
    bool again_after_tool_results = false;
};

// GPT-2's byte-to-character alphabet, as byte-level BPE vocabularies store bytes.
inline std::string byte_token_text(unsigned b) {
    unsigned cp = b;
    const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    if (!printable) {
        unsigned n = 0;
        for (unsigned c = 0; c < b; ++c) {
            const bool p = (c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE);
            n += p ? 0 : 1;
        }
        cp = 256 + n;
    }
    std::string out;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return out;
}

inline void write_scripted_chat_model(const std::string& path, const scripted_chat_spec& s = {}) {
    enum : int {
        k_bos = 256,
        k_eos,
        k_user,
        k_assistant,
        k_think,
        k_end_think,
        k_calls_begin,
        k_calls_end,
        k_call_begin,
        k_call_end,
        k_sep,
        k_vocab
    };
    const int n_vocab = k_vocab, n_embd = (k_vocab + 1) / 2 * 2, n_head = 2, n_ff = 32;

    std::vector<std::string> tokens;
    std::vector<std::int32_t> types;
    for (unsigned b = 0; b < 256; ++b) {
        tokens.push_back(byte_token_text(b));
        types.push_back(1);
    }
    for (const char* special : {"<\xef\xbd\x9c"
                                "begin\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>",
                                "<\xef\xbd\x9c"
                                "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>",
                                "<\xef\xbd\x9cUser\xef\xbd\x9c>",
                                "<\xef\xbd\x9c"
                                "Assistant\xef\xbd\x9c>",
                                "<think>", "</think>",
                                "<\xef\xbd\x9ctool\xe2\x96\x81"
                                "calls\xe2\x96\x81"
                                "begin\xef\xbd\x9c>",
                                "<\xef\xbd\x9ctool\xe2\x96\x81"
                                "calls\xe2\x96\x81"
                                "end\xef\xbd\x9c>",
                                "<\xef\xbd\x9ctool\xe2\x96\x81"
                                "call\xe2\x96\x81"
                                "begin\xef\xbd\x9c>",
                                "<\xef\xbd\x9ctool\xe2\x96\x81"
                                "call\xe2\x96\x81"
                                "end\xef\xbd\x9c>",
                                "<\xef\xbd\x9ctool\xe2\x96\x81sep\xef\xbd\x9c>"}) {
        tokens.emplace_back(special);
        types.push_back(static_cast<int>(tokens.size()) - 1 <= k_eos ? 3 : 4);
    }

    // The script: the token after each one.
    std::map<int, int> next;
    std::vector<int> chain{'\n'};
    for (unsigned char c : s.reasoning) {
        chain.push_back(c);
    }
    chain.push_back(k_end_think);
    const std::size_t answer_start = chain.size();
    for (std::size_t i = 0; i < s.answer.size();) {
        bool special = false;
        for (int t = k_calls_begin; t < k_vocab; ++t) {
            const std::string& text = tokens[static_cast<std::size_t>(t)];
            if (s.answer.compare(i, text.size(), text) == 0) {
                chain.push_back(t);
                i += text.size();
                special = true;
                break;
            }
        }
        if (!special) {
            chain.push_back(static_cast<unsigned char>(s.answer[i++]));
        }
    }
    for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
        if (next.count(chain[i]) != 0) {
            throw std::invalid_argument("scripted model: a character appears twice in the script");
        }
        next[chain[i]] = chain[i + 1];
    }
    next[chain.back()] = s.loop ? chain[answer_start] : k_eos;
    if (s.again_after_tool_results) {
        if (next.count('>') != 0) {
            throw std::invalid_argument("scripted model: '>' is in the script");
        }
        next['>'] = chain.front();
    }

    gguf_writer w;
    const std::string a = "llama";
    w.add_string("general.architecture", a);
    w.add_string("general.name", s.name);
    w.add_u32(a + ".context_length", s.n_ctx);
    w.add_u32(a + ".embedding_length", n_embd);
    w.add_u32(a + ".block_count", 1);
    w.add_u32(a + ".feed_forward_length", n_ff);
    w.add_u32(a + ".attention.head_count", n_head);
    w.add_u32(a + ".attention.head_count_kv", n_head);
    w.add_u32(a + ".rope.dimension_count", n_embd / n_head);
    w.add_f32(a + ".rope.freq_base", 10000.0f);
    w.add_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
    w.add_string("tokenizer.ggml.model", "gpt2");
    w.add_string("tokenizer.ggml.pre", "deepseek-r1-qwen");
    w.add_string_array("tokenizer.ggml.tokens", tokens);
    w.add_array("tokenizer.ggml.token_type", 5, types);
    w.add_string_array("tokenizer.ggml.merges", {});
    w.add_u32("tokenizer.ggml.bos_token_id", k_bos);
    w.add_u32("tokenizer.ggml.eos_token_id", k_eos);
    w.add_bool("tokenizer.ggml.add_bos_token", true);
    // The shape of DeepSeek-R1's template: the markers the chat format is chosen by, and the
    // reasoning opened in the generation prompt.
    w.add_string("tokenizer.chat_template",
                 "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
                 "{{ '<\xef\xbd\x9cUser\xef\xbd\x9c>' + message['content'] }}{% else %}"
                 "{{ '<\xef\xbd\x9c"
                 "Assistant\xef\xbd\x9c>' + message['content'] + eos_token }}{% endif %}"
                 "{% endfor %}{% if add_generation_prompt %}"
                 "{{ '<\xef\xbd\x9c"
                 "Assistant\xef\xbd\x9c><think>\\n' }}{% endif %}");

    auto f32 = [&](const std::string& name, std::vector<std::int64_t> ne, const std::vector<float>& v) {
        w.add_f32_tensor(name, ne, v);
    };
    std::vector<float> embd(static_cast<std::size_t>(n_vocab) * n_embd, 0.0f);
    for (int t = 0; t < n_vocab; ++t) {
        embd[static_cast<std::size_t>(t) * n_embd + t] = 1.0f;  // one-hot
    }
    f32("token_embd.weight", {n_embd, n_vocab}, embd);
    f32("output_norm.weight", {n_embd}, std::vector<float>(n_embd, 1.0f));
    std::vector<float> out(static_cast<std::size_t>(n_vocab) * n_embd, 0.0f);
    for (int t = 0; t < n_vocab; ++t) {
        const auto it = next.find(t);
        const int successor = it == next.end() ? k_eos : it->second;  // off script: end the answer
        out[static_cast<std::size_t>(successor) * n_embd + t] = 1.0f;
    }
    f32("output.weight", {n_embd, n_vocab}, out);
    const std::vector<float> zeros_sq(static_cast<std::size_t>(n_embd) * n_embd, 0.0f);
    const std::vector<float> zeros_ff(static_cast<std::size_t>(n_embd) * n_ff, 0.0f);
    f32("blk.0.attn_norm.weight", {n_embd}, std::vector<float>(n_embd, 1.0f));
    f32("blk.0.attn_q.weight", {n_embd, n_embd}, zeros_sq);
    f32("blk.0.attn_k.weight", {n_embd, n_embd}, zeros_sq);
    f32("blk.0.attn_v.weight", {n_embd, n_embd}, zeros_sq);
    f32("blk.0.attn_output.weight", {n_embd, n_embd}, zeros_sq);
    f32("blk.0.ffn_norm.weight", {n_embd}, std::vector<float>(n_embd, 1.0f));
    f32("blk.0.ffn_gate.weight", {n_embd, n_ff}, zeros_ff);
    f32("blk.0.ffn_up.weight", {n_embd, n_ff}, zeros_ff);
    f32("blk.0.ffn_down.weight", {n_ff, n_embd}, zeros_ff);
    w.write(path);
}

}  // namespace deepdesk::testing
