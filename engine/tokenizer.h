// SPDX-License-Identifier: GPL-3.0-or-later
// Byte-level BPE tokenizer from GGUF metadata (tokenizer.ggml.model = gpt2), with the DeepSeek
// family's pre-tokenizers run through PCRE2 (UTF + UCP, JIT).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/gguf.h"

namespace deepdesk {

class tokenizer_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class token_kind { normal = 1, unknown = 2, control = 3, user_defined = 4, unused = 5, byte = 6 };

// Thrown by encode() when its `cancel` flag was set while it worked.
class tokenize_cancelled : public std::runtime_error {
public:
    tokenize_cancelled() : std::runtime_error("tokenizing was cancelled") {}
};

// Everything a byte-level BPE tokenizer is made from, whatever file it came in (GGUF metadata, or
// a Hugging Face tokenizer.json read by engine/hf).
struct tokenizer_spec {
    std::string source;               // file name, for error messages
    std::vector<std::string> tokens;  // GPT-2 byte alphabet; control/user-defined tokens as raw text
    std::vector<token_kind> kinds;    // empty: all normal
    std::vector<std::string> merges;  // "A B", rank = index
    std::int32_t bos = -1, eos = -1, eot = -1;
    bool add_bos = false;
    std::string pre = "default";           // pre-tokenizer name, looked up in the built-in table...
    std::vector<std::string> pre_regexes;  // ...unless regexes are given here (applied in sequence)
    bool ignore_merges = false;            // a pre-token found whole in the vocabulary is kept whole
};

class tokenizer {
public:
    using token_kind = deepdesk::token_kind;

    // Reads tokens, token types, merges, special ids and the pre-tokenizer name from `f`.
    static std::unique_ptr<tokenizer> from_gguf(const gguf::file& f);
    // Builds from a spec; tokenizer_error names spec.source and the problem.
    static std::unique_ptr<tokenizer> from_spec(const tokenizer_spec& spec);
    // The built-in regexes of a named pre-tokenizer (empty when the name is unknown).
    static std::vector<std::string> pre_tokenizer_regexes(const std::string& name);
    ~tokenizer();

    // Text to token ids. add_bos: prepend BOS (when the model has one). parse_special: control
    // tokens written in the text become their ids (user-defined tokens always do). Bytes that are
    // not valid UTF-8 are pieces of their own, the valid text between them pre-tokenized as usual.
    // `cancel` (may be null), once set, makes it throw tokenize_cancelled within milliseconds.
    std::vector<std::int32_t> encode(std::string_view text, bool add_bos, bool parse_special,
                                     const std::atomic<bool>* cancel = nullptr) const;
    // Control tokens (and user-defined ones written like markup, such as DeepSeek-Coder's <|EOT|>)
    // are parsed outside the `plain` byte ranges ([begin, end), sorted) only: a chat prompt whose
    // messages' own words must stay text. Otherwise the text is tokenized as with parse_special, so
    // a prompt with no such token typed in tokenizes the same.
    std::vector<std::int32_t> encode(std::string_view text, bool add_bos,
                                     const std::vector<std::pair<std::size_t, std::size_t>>& plain,
                                     const std::atomic<bool>* cancel = nullptr) const;

    // The bytes a token stands for (control tokens give their text, e.g. "<｜end▁of▁sentence｜>").
    std::string token_bytes(std::int32_t id) const;

    // Whether generation ends at this token: EOS, EOT from the metadata, or the DeepSeek family's
    // end markers (<|EOT|> for Coder instruct, <｜end▁of▁sentence｜>).
    bool ends_generation(std::int32_t id) const;

    std::int32_t bos() const { return m_bos; }
    std::int32_t eos() const { return m_eos; }
    bool adds_bos() const { return m_add_bos; }
    std::size_t size() const { return m_tokens.size(); }
    const std::string& pre() const { return m_pre; }

    // The pre-tokenizer names this build knows.
    static std::vector<std::string> supported_pre_tokenizers();

private:
    struct regex_set;
    tokenizer() = default;
    std::vector<std::int32_t> encode_impl(std::string_view text, bool add_bos,
                                          const std::vector<std::pair<std::size_t, std::size_t>>& plain,
                                          bool parse_special, const std::atomic<bool>* cancel) const;
    // Control tokens, and user-defined ones written like markup (<|EOT|>, <think>).
    bool is_markup(std::int32_t id) const;
    void encode_piece(std::string_view piece, std::vector<std::int32_t>& out, const std::atomic<bool>* cancel) const;
    void encode_plain(std::string_view text, std::vector<std::int32_t>& out, const std::atomic<bool>* cancel) const;
    void encode_valid(std::string_view text, std::vector<std::int32_t>& out, const std::atomic<bool>* cancel) const;

    std::vector<std::string> m_tokens;  // as stored: GPT-2 byte alphabet
    std::vector<token_kind> m_kinds;
    std::unordered_map<std::string, std::int32_t> m_ids;
    struct merge {
        int rank;
        std::int32_t result;
    };
    std::unordered_map<std::uint64_t, merge> m_merges;                    // (left id << 32 | right id) -> merge
    std::array<std::int32_t, 256> m_byte_token{};                         // token of each single byte (-1: none)
    std::vector<std::int32_t> m_specials;                                 // control + user-defined, longest first
    std::array<std::vector<std::int32_t>, 256> m_specials_by_first_byte;  // the same, by first byte
    std::unique_ptr<regex_set> m_regex;
    std::string m_pre;
    bool m_ignore_merges = false;  // llama-bpe: a pre-token found whole in the vocabulary is kept
    std::int32_t m_bos = -1, m_eos = -1;
    std::vector<std::int32_t> m_end_tokens;
    bool m_add_bos = false;
};

}  // namespace deepdesk
