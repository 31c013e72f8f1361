// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/tokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <climits>
#include <map>
#include <queue>

namespace deepdesk {
namespace {

// The published pre-tokenizer regexes (shared/docs/engine-facts.md), applied in sequence. Non-ASCII
// characters are written as \x{...}: the ranges depend on exact code points, which an editor that
// normalises Unicode (e.g. U+1FD3 -> U+0390) would silently break.
const std::map<std::string, std::vector<std::string>>& regex_table() {
    static const std::map<std::string, std::vector<std::string>> table = [] {
        const std::string qwen2 =
            R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
        const std::string llama3 =
            R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
        std::map<std::string, std::vector<std::string>> t;
        t["deepseek-llm"] = {
            R"([\r\n])",
            R"(\s?[A-Za-z\x{b5}\x{c0}-\x{d6}\x{d8}-\x{f6}\x{f8}-\x{1ba}\x{1bc}-\x{1bf}\x{1c4}-\x{293}\x{295}-\x{2af}\x{370}-\x{373}\x{376}\x{377}\x{37b}-\x{37d}\x{37f}\x{386}\x{388}-\x{38a}\x{38c}\x{38e}-\x{3a1}\x{3a3}-\x{3f5}\x{3f7}-\x{481}\x{48a}-\x{52f}\x{531}-\x{556}\x{10a0}-\x{10c5}\x{13a0}-\x{13f5}\x{13f8}-\x{13fd}\x{1c90}-\x{1cba}\x{1cbd}-\x{1cbf}\x{1d00}-\x{1d2b}\x{1d6b}-\x{1d77}\x{1d79}-\x{1d9a}\x{1e00}-\x{1f15}\x{1f18}-\x{1f1d}\x{1f20}-\x{1f45}\x{1f48}-\x{1f4d}\x{1f50}-\x{1f57}\x{1f59}\x{1f5b}\x{1f5d}\x{1f5f}-\x{1f7d}\x{1f80}-\x{1fb4}\x{1fb6}-\x{1fbc}\x{1fbe}\x{1fc2}-\x{1fc4}\x{1fc6}-\x{1fcc}\x{1fd0}-\x{1fd3}\x{1fd6}-\x{1fdb}\x{1fe0}-\x{1fec}\x{1ff2}-\x{1ff4}\x{1ff6}-\x{1ffc}\x{2102}\x{2107}\x{210a}-\x{2113}\x{2115}\x{2119}-\x{211d}\x{2124}\x{2126}\x{2128}\x{212a}-\x{212d}\x{212f}-\x{2134}\x{2139}\x{213c}-\x{213f}\x{2145}-\x{2149}\x{214e}\x{2183}\x{2184}\x{2c00}-\x{2c7b}\x{2c7e}-\x{2ce4}\x{2ceb}-\x{2cee}\x{2cf2}\x{2cf3}\x{a640}-\x{a66d}\x{a680}-\x{a69b}\x{a722}-\x{a76f}\x{a771}-\x{a787}\x{a78b}-\x{a78e}\x{ab70}-\x{abbf}\x{fb00}-\x{fb06}\x{fb13}-\x{fb17}\x{ff21}-\x{ff3a}\x{ff41}-\x{ff5a}\x{10400}-\x{1044f}\x{104b0}-\x{104d3}\x{104d8}-\x{104fb}\x{10c80}-\x{10cb2}\x{10cc0}-\x{10cf2}\x{118a0}-\x{118df}\x{1e900}-\x{1e943}]+)",
            R"(\s?[!-/:-~\x{ff01}-\x{ff0f}\x{ff1a}-\x{ff5e}\x{2018}-\x{201f}\x{3000}-\x{3002}]+)",
            R"(\s+$)",
            R"([\x{4e00}-\x{9fa5}\x{800}-\x{4e00}\x{ac00}-\x{d7ff}]+)",
            R"(\p{N}+)",
        };
        t["deepseek-coder"] = {R"([\r\n])", R"(\s?\p{L}+)", R"(\s?\p{P}+)",
                               R"([\x{4e00}-\x{9fa5}\x{800}-\x{4e00}\x{ac00}-\x{d7ff}]+)", R"(\p{N})"};
        t["deepseek-v3"] = {
            R"(\p{N}{1,3})",
            R"([\x{4e00}-\x{9fa5}\x{3040}-\x{309f}\x{30a0}-\x{30ff}]+)",
            R"([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
        };
        t["qwen2"] = {qwen2};
        t["deepseek-r1-qwen"] = {qwen2};
        t["llama-bpe"] = {llama3};
        t["llama3"] = {llama3};
        return t;
    }();
    return table;
}

// GPT-2's byte alphabet: printable bytes stand for themselves, the others are moved to U+0100+.
struct byte_alphabet {
    std::array<std::string, 256> to_utf8;
    std::unordered_map<std::uint32_t, std::uint8_t> from_codepoint;

    byte_alphabet() {
        std::uint32_t next = 256;
        for (std::uint32_t b = 0; b < 256; ++b) {
            const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
            const std::uint32_t cp = printable ? b : next++;
            to_utf8[b] = encode(cp);
            from_codepoint[cp] = static_cast<std::uint8_t>(b);
        }
    }
    static std::string encode(std::uint32_t cp) {
        std::string s;
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else if (cp < 0x800) {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            s += static_cast<char>(0xE0 | (cp >> 12));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
        return s;
    }
};

const byte_alphabet& alphabet() {
    static const byte_alphabet a;
    return a;
}

// Decodes one UTF-8 code point at s[i]; returns its length (1 for an invalid byte).
std::size_t utf8_next(std::string_view s, std::size_t i, std::uint32_t& cp) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > s.size()) {
        len = 1;
    }
    cp = len == 1 ? c : (c & (0x7F >> len));
    for (std::size_t k = 1; k < len; ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    }
    return len;
}

// Throws tokenize_cancelled once `cancel` is set (freeing `md` first when given).
void check_cancel(const std::atomic<bool>* cancel, pcre2_match_data* md = nullptr) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        if (md != nullptr) {
            pcre2_match_data_free(md);
        }
        throw tokenize_cancelled();
    }
}

// How many bytes from the start of `s` are valid UTF-8 (all of it when it is valid).
std::size_t valid_utf8_prefix(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) {
            return i;
        }
        std::uint32_t cp = n == 1 ? c : (c & (0x7F >> n));
        for (std::size_t k = 1; k < n; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) {
                return i;
            }
            cp = (cp << 6) | (cc & 0x3F);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid too (PCRE2 refuses them).
        if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return i;
        }
        i += n;
    }
    return s.size();
}

}  // namespace

struct tokenizer::regex_set {
    std::vector<pcre2_code*> codes;
    ~regex_set() {
        for (auto* c : codes) {
            pcre2_code_free(c);
        }
    }
};

tokenizer::~tokenizer() = default;

std::vector<std::string> tokenizer::supported_pre_tokenizers() {
    std::vector<std::string> out;
    for (const auto& [name, _] : regex_table()) {
        out.push_back(name);
    }
    return out;
}

std::vector<std::string> tokenizer::pre_tokenizer_regexes(const std::string& name) {
    const auto it = regex_table().find(name);
    return it == regex_table().end() ? std::vector<std::string>{} : it->second;
}

std::unique_ptr<tokenizer> tokenizer::from_gguf(const gguf::file& f) {
    const auto fail = [&](const std::string& what) { throw tokenizer_error(f.name() + ": " + what); };
    const auto model = f.get_string("tokenizer.ggml.model");
    if (!model) {
        fail("the file has no tokenizer (tokenizer.ggml.model is missing)");
    }
    if (*model != "gpt2") {
        fail("tokenizer model '" + std::string(*model) + "' is not supported (only byte-level BPE, 'gpt2')");
    }
    tokenizer_spec spec;
    spec.source = f.name();
    const gguf::array_value* tokens = f.get_array("tokenizer.ggml.tokens");
    if (tokens == nullptr || tokens->type != gguf::value_type::string || tokens->strings.empty()) {
        fail("tokenizer.ggml.tokens is missing or not a list of strings");
    }
    spec.tokens.assign(tokens->strings.begin(), tokens->strings.end());
    if (const gguf::array_value* types = f.get_array("tokenizer.ggml.token_type")) {
        if (types->count != spec.tokens.size() || types->data == nullptr) {
            fail("tokenizer.ggml.token_type does not match the token list");
        }
        spec.kinds.resize(spec.tokens.size());
        for (std::uint64_t i = 0; i < types->count; ++i) {
            spec.kinds[i] = static_cast<token_kind>(static_cast<int>(types->number_at(i)));
        }
    }
    const gguf::array_value* merges = f.get_array("tokenizer.ggml.merges");
    if (merges == nullptr || merges->type != gguf::value_type::string) {
        fail("tokenizer.ggml.merges is missing");
    }
    spec.merges.assign(merges->strings.begin(), merges->strings.end());
    const auto n = static_cast<std::int64_t>(spec.tokens.size());
    const auto special = [&](const char* key) -> std::int32_t {
        const auto v = f.get_int(key);
        if (!v) {
            return -1;
        }
        if (*v < 0 || *v >= n) {
            fail(std::string(key) + " " + std::to_string(*v) + " is outside the vocabulary");
        }
        return static_cast<std::int32_t>(*v);
    };
    spec.bos = special("tokenizer.ggml.bos_token_id");
    spec.eos = special("tokenizer.ggml.eos_token_id");
    spec.eot = special("tokenizer.ggml.eot_token_id");
    spec.add_bos = f.get_bool("tokenizer.ggml.add_bos_token").value_or(spec.bos >= 0);
    spec.pre = std::string(f.get_string("tokenizer.ggml.pre").value_or("default"));
    spec.ignore_merges = spec.pre == "llama-bpe" || spec.pre == "llama3";
    return from_spec(spec);
}

std::unique_ptr<tokenizer> tokenizer::from_spec(const tokenizer_spec& spec) {
    auto t = std::unique_ptr<tokenizer>(new tokenizer());
    const auto fail = [&](const std::string& what) { throw tokenizer_error(spec.source + ": " + what); };
    if (spec.tokens.empty()) {
        fail("the vocabulary is empty");
    }
    if (!spec.kinds.empty() && spec.kinds.size() != spec.tokens.size()) {
        fail("the token types do not match the token list");
    }
    t->m_tokens = spec.tokens;
    t->m_kinds = spec.kinds.empty() ? std::vector<token_kind>(spec.tokens.size(), token_kind::normal) : spec.kinds;
    for (std::size_t i = 0; i < t->m_tokens.size(); ++i) {
        t->m_ids.emplace(t->m_tokens[i], static_cast<std::int32_t>(i));
        if (t->m_kinds[i] == token_kind::control || t->m_kinds[i] == token_kind::user_defined) {
            if (!t->m_tokens[i].empty()) {
                t->m_specials.push_back(static_cast<std::int32_t>(i));
            }
        }
    }
    std::sort(t->m_specials.begin(), t->m_specials.end(), [&](std::int32_t a, std::int32_t b) {
        return t->m_tokens[static_cast<std::size_t>(a)].size() > t->m_tokens[static_cast<std::size_t>(b)].size();
    });
    for (const std::int32_t id : t->m_specials) {
        const auto first = static_cast<unsigned char>(t->m_tokens[static_cast<std::size_t>(id)][0]);
        t->m_specials_by_first_byte[first].push_back(id);
    }
    // Merges as token ids: "A B" joins tokens A and B into token AB.
    for (std::size_t i = 0; i < spec.merges.size(); ++i) {
        const std::string_view m = spec.merges[i];
        const auto space = m.find(' ', 1);
        if (space == std::string_view::npos) {
            fail("merge " + std::to_string(i) + " ('" + std::string(m) + "') is not two tokens");
        }
        const std::string left(m.substr(0, space)), right(m.substr(space + 1));
        const auto a = t->m_ids.find(left), b = t->m_ids.find(right), ab = t->m_ids.find(left + right);
        if (a == t->m_ids.end() || b == t->m_ids.end() || ab == t->m_ids.end()) {
            continue;  // a merge whose parts or result are not tokens can never apply
        }
        const auto key = (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a->second)) << 32) |
                         static_cast<std::uint32_t>(b->second);
        t->m_merges.emplace(key, merge{static_cast<int>(i), ab->second});
    }
    for (int byte = 0; byte < 256; ++byte) {
        const auto it = t->m_ids.find(alphabet().to_utf8[static_cast<std::size_t>(byte)]);
        t->m_byte_token[static_cast<std::size_t>(byte)] = it == t->m_ids.end() ? -1 : it->second;
    }
    const auto n = static_cast<std::int64_t>(t->m_tokens.size());
    for (const auto& [name, id] :
         {std::pair{"BOS", spec.bos}, std::pair{"EOS", spec.eos}, std::pair{"EOT", spec.eot}}) {
        if (id >= n) {
            fail(std::string(name) + " id " + std::to_string(id) + " is outside the vocabulary");
        }
    }
    t->m_bos = spec.bos;
    t->m_eos = spec.eos;
    t->m_add_bos = spec.add_bos && spec.bos >= 0;
    for (const std::int32_t id : {spec.eos, spec.eot}) {
        if (id >= 0) {
            t->m_end_tokens.push_back(id);
        }
    }
    for (const char* marker : {"<|EOT|>", "<\uff5cend\u2581of\u2581sentence\uff5c>"}) {
        if (const auto it = t->m_ids.find(marker); it != t->m_ids.end()) {
            t->m_end_tokens.push_back(it->second);
        }
    }

    t->m_pre = spec.pre;
    std::vector<std::string> patterns = spec.pre_regexes;
    if (patterns.empty()) {
        patterns = pre_tokenizer_regexes(spec.pre);
        if (patterns.empty()) {
            std::string names;
            for (const auto& s : supported_pre_tokenizers()) {
                names += (names.empty() ? "" : ", ") + s;
            }
            fail("pre-tokenizer '" + t->m_pre + "' is not supported (supported: " + names + ")");
        }
    }
    t->m_ignore_merges = spec.ignore_merges;
    t->m_regex = std::make_unique<regex_set>();
    for (const auto& pattern : patterns) {
        int err = 0;
        PCRE2_SIZE offset = 0;
        pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.c_str()), pattern.size(),
                                         PCRE2_UTF | PCRE2_UCP, &err, &offset, nullptr);
        if (code == nullptr) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(err, msg, sizeof(msg));
            fail("pre-tokenizer regex does not compile at offset " + std::to_string(offset) + ": " +
                 std::string(reinterpret_cast<char*>(msg)));
        }
        pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // falls back to the interpreter if JIT is unavailable
        t->m_regex->codes.push_back(code);
    }
    return t;
}

void tokenizer::encode_piece(std::string_view piece, std::vector<std::int32_t>& out,
                             const std::atomic<bool>* cancel) const {
    if (m_ignore_merges) {
        std::string whole;
        for (const char c : piece) {
            whole += alphabet().to_utf8[static_cast<unsigned char>(c)];
        }
        if (const auto it = m_ids.find(whole); it != m_ids.end()) {
            out.push_back(it->second);
            return;
        }
    }
    // Start from one token per byte, then apply the lowest-ranked merge (leftmost on ties) until
    // none applies. The symbols form a linked list and the candidate pairs a heap ordered by (rank,
    // position), so a piece of n bytes takes O(n log n), not O(n^2) (one 1 MB "word" took minutes).
    // A heap entry whose pair has changed since it was pushed is skipped when it comes up.
    thread_local std::vector<std::int32_t> symbols;
    thread_local std::vector<std::int32_t> prev, next;
    symbols.clear();
    for (const char c : piece) {
        const std::int32_t id = m_byte_token[static_cast<unsigned char>(c)];
        if (id < 0) {
            throw tokenizer_error("the vocabulary has no token for byte " +
                                  std::to_string(static_cast<unsigned char>(c)));
        }
        symbols.push_back(id);
    }
    const auto n = static_cast<std::int32_t>(symbols.size());
    prev.resize(symbols.size());
    next.resize(symbols.size());
    for (std::int32_t i = 0; i < n; ++i) {
        prev[static_cast<std::size_t>(i)] = i - 1;
        next[static_cast<std::size_t>(i)] = i + 1 < n ? i + 1 : -1;
    }
    struct candidate {
        int rank;
        std::int32_t left, right;        // positions
        std::int32_t left_id, right_id;  // the symbols there when pushed
        std::int32_t result;
        bool operator>(const candidate& o) const { return rank != o.rank ? rank > o.rank : left > o.left; }
    };
    std::priority_queue<candidate, std::vector<candidate>, std::greater<>> heap;
    const auto push = [&](std::int32_t left) {
        if (left < 0) {
            return;
        }
        const std::int32_t right = next[static_cast<std::size_t>(left)];
        if (right < 0) {
            return;
        }
        const std::int32_t a = symbols[static_cast<std::size_t>(left)], b = symbols[static_cast<std::size_t>(right)];
        const auto key =
            (static_cast<std::uint64_t>(static_cast<std::uint32_t>(a)) << 32) | static_cast<std::uint32_t>(b);
        const auto it = m_merges.find(key);
        if (it != m_merges.end()) {
            heap.push({it->second.rank, left, right, a, b, it->second.result});
        }
    };
    for (std::int32_t i = 0; i + 1 < n; ++i) {
        push(i);
    }
    for (std::size_t popped = 1; !heap.empty(); ++popped) {
        if (popped % 4096 == 0) {
            check_cancel(cancel);
        }
        const candidate c = heap.top();
        heap.pop();
        const auto l = static_cast<std::size_t>(c.left), r = static_cast<std::size_t>(c.right);
        if (symbols[l] != c.left_id || next[l] != c.right || symbols[r] != c.right_id) {
            continue;  // one of the two was merged since
        }
        symbols[l] = c.result;
        symbols[r] = -1;  // gone
        next[l] = next[r];
        if (next[r] >= 0) {
            prev[static_cast<std::size_t>(next[r])] = c.left;
        }
        push(prev[l]);
        push(c.left);
    }
    for (std::int32_t i = n > 0 ? 0 : -1; i >= 0; i = next[static_cast<std::size_t>(i)]) {
        out.push_back(symbols[static_cast<std::size_t>(i)]);
    }
}

void tokenizer::encode_plain(std::string_view text, std::vector<std::int32_t>& out,
                             const std::atomic<bool>* cancel) const {
    // Bytes that are not valid UTF-8 are pieces of their own (one byte each); the valid runs
    // between them go through the pre-tokenizer.
    while (!text.empty()) {
        const std::size_t valid = valid_utf8_prefix(text);
        encode_valid(text.substr(0, valid), out, cancel);
        if (valid < text.size()) {
            encode_piece(text.substr(valid, 1), out, cancel);
        }
        text.remove_prefix(std::min(text.size(), valid + 1));
    }
}

void tokenizer::encode_valid(std::string_view text, std::vector<std::int32_t>& out,
                             const std::atomic<bool>* cancel) const {
    if (text.empty()) {
        return;
    }
    std::vector<std::string_view> pieces{text};
    std::vector<std::string_view> next;
    pcre2_match_data* md = nullptr;
    // The text is valid UTF-8 (encode_plain saw to it): PCRE2 need not check it on every call.
    for (pcre2_code* code : m_regex->codes) {
        md = pcre2_match_data_create_from_pattern(code, nullptr);
        next.clear();
        for (const std::string_view piece : pieces) {
            std::size_t pos = 0;
            std::size_t gap_start = 0;
            for (std::size_t matches = 1; pos <= piece.size(); ++matches) {
                if (matches % 1024 == 0) {
                    check_cancel(cancel, md);
                }
                const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(piece.data()), piece.size(), pos,
                                           PCRE2_NO_UTF_CHECK, md, nullptr);
                if (rc < 0) {
                    break;  // no further match
                }
                const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
                const std::size_t begin = ov[0], end = ov[1];
                if (end == begin) {  // empty match: step one character
                    std::uint32_t cp = 0;
                    pos = begin < piece.size() ? begin + utf8_next(piece, begin, cp) : piece.size() + 1;
                    continue;
                }
                if (begin > gap_start) {
                    next.push_back(piece.substr(gap_start, begin - gap_start));
                }
                next.push_back(piece.substr(begin, end - begin));
                gap_start = end;
                pos = end;
            }
            if (gap_start < piece.size()) {
                next.push_back(piece.substr(gap_start));
            }
        }
        pcre2_match_data_free(md);
        pieces.swap(next);
    }
    for (std::size_t k = 0; k < pieces.size(); ++k) {
        if (k % 256 == 255) {
            check_cancel(cancel);
        }
        encode_piece(pieces[k], out, cancel);
    }
}

std::vector<std::int32_t> tokenizer::encode(std::string_view text, bool add_bos, bool parse_special,
                                            const std::atomic<bool>* cancel) const {
    static const std::vector<std::pair<std::size_t, std::size_t>> none;
    return encode_impl(text, add_bos, none, parse_special, cancel);
}

bool tokenizer::is_markup(std::int32_t id) const {
    const token_kind kind = m_kinds[static_cast<std::size_t>(id)];
    if (kind == token_kind::control) {
        return true;
    }
    // User-defined tokens that look like markup (<|EOT|> in DeepSeek-Coder, <think>, the FIM
    // markers) are the format's too; others (runs of spaces, digits) are ordinary text.
    const std::string& s = m_tokens[static_cast<std::size_t>(id)];
    return kind == token_kind::user_defined && s.size() > 2 && s.front() == '<' && s.back() == '>';
}

std::vector<std::int32_t> tokenizer::encode(std::string_view text, bool add_bos,
                                            const std::vector<std::pair<std::size_t, std::size_t>>& plain,
                                            const std::atomic<bool>* cancel) const {
    return encode_impl(text, add_bos, plain, true, cancel);
}

std::vector<std::int32_t> tokenizer::encode_impl(std::string_view text, bool add_bos,
                                                 const std::vector<std::pair<std::size_t, std::size_t>>& plain,
                                                 bool parse_special, const std::atomic<bool>* cancel) const {
    std::vector<std::int32_t> out;
    if (add_bos && m_bos >= 0) {
        out.push_back(m_bos);
    }
    // Whether [at, at + n) touches a plain range (ranges sorted; `next` only moves forward).
    std::size_t next = 0;
    const auto touches_plain = [&](std::size_t at, std::size_t n) {
        while (next < plain.size() && plain[next].second <= at) {
            ++next;
        }
        for (std::size_t k = next; k < plain.size() && plain[k].first < at + n; ++k) {
            if (plain[k].second > at && plain[k].first < plain[k].second) {
                return true;
            }
        }
        return false;
    };
    std::size_t start = 0, i = 0;
    while (i < text.size()) {
        std::int32_t found = -1;
        for (const std::int32_t id : m_specials_by_first_byte[static_cast<unsigned char>(text[i])]) {
            const std::string& s = m_tokens[static_cast<std::size_t>(id)];
            if (text.compare(i, s.size(), s) != 0) {
                continue;
            }
            const bool control = m_kinds[static_cast<std::size_t>(id)] == token_kind::control;
            if ((control && !parse_special) || (is_markup(id) && touches_plain(i, s.size()))) {
                continue;
            }
            found = id;
            break;
        }
        if (found < 0) {
            ++i;
            continue;
        }
        encode_plain(text.substr(start, i - start), out, cancel);
        out.push_back(found);
        i += m_tokens[static_cast<std::size_t>(found)].size();
        start = i;
    }
    encode_plain(text.substr(start), out, cancel);
    return out;
}

bool tokenizer::ends_generation(std::int32_t id) const {
    return std::find(m_end_tokens.begin(), m_end_tokens.end(), id) != m_end_tokens.end();
}

std::string tokenizer::token_bytes(std::int32_t id) const {
    if (id < 0 || static_cast<std::size_t>(id) >= m_tokens.size()) {
        return {};
    }
    const std::string& s = m_tokens[static_cast<std::size_t>(id)];
    const token_kind kind = m_kinds[static_cast<std::size_t>(id)];
    if (kind == token_kind::control || kind == token_kind::user_defined) {
        return s;
    }
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        std::uint32_t cp = 0;
        const std::size_t len = utf8_next(s, i, cp);
        const auto it = alphabet().from_codepoint.find(cp);
        if (it != alphabet().from_codepoint.end()) {
            out += static_cast<char>(it->second);
        } else {
            out.append(s, i, len);
        }
        i += len;
    }
    return out;
}

}  // namespace deepdesk
