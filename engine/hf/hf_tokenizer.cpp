// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/hf/hf_tokenizer.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace deepdesk::hf {
namespace {

using nlohmann::json;

// The regex of the ByteLevel pre-tokenizer when its use_regex is set (GPT-2's).
const char* const k_gpt2_regex = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

[[noreturn]] void fail(const std::string& source, const std::string& what) {
    throw tokenizer_error(source + ": " + what);
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        throw tokenizer_error(p.string() + ": cannot be opened");
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

json parse(const std::string& text, const std::string& source) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        fail(source, std::string("is not valid JSON (") + e.what() + ")");
    }
}

// A PCRE2 pattern matching `s` literally.
std::string quote(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (std::string_view("\\^$.|?*+()[]{}-/#").find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

// The regexes of a pre_tokenizer node, appended in order.
void collect_regexes(const json& node, const std::string& source, std::vector<std::string>& out) {
    if (node.is_null()) {
        return;
    }
    const std::string type = node.value("type", "");
    if (type == "Sequence") {
        for (const json& child : node.at("pretokenizers")) {
            collect_regexes(child, source, out);
        }
    } else if (type == "Split") {
        const json& pattern = node.at("pattern");
        const std::string behavior = node.value("behavior", "Isolated");
        if (behavior != "Isolated" || node.value("invert", false)) {
            fail(source, "Split pre-tokenizer with behavior '" + behavior +
                             "' or invert is not supported (only Isolated, as the DeepSeek and Qwen tokenizers use)");
        }
        if (pattern.contains("Regex")) {
            out.push_back(pattern.at("Regex").get<std::string>());
        } else if (pattern.contains("String")) {
            out.push_back(quote(pattern.at("String").get<std::string>()));
        } else {
            fail(source, "Split pre-tokenizer without a Regex or String pattern");
        }
    } else if (type == "ByteLevel") {
        if (node.value("add_prefix_space", false)) {
            fail(source, "ByteLevel pre-tokenizer with add_prefix_space is not supported");
        }
        if (node.value("use_regex", true)) {
            out.emplace_back(k_gpt2_regex);
        }
    } else if (type == "Digits") {
        out.emplace_back(node.value("individual_digits", false) ? R"(\p{Nd})" : R"(\p{Nd}+)");
    } else {
        fail(source, "pre-tokenizer '" + type + "' is not supported (supported: Sequence, Split, ByteLevel, Digits)");
    }
}

// The normaliser the file asks for; "" when it is none or a no-op.
std::string normalizer_name(const json& node, const std::string& source) {
    if (node.is_null()) {
        return "";
    }
    const std::string type = node.value("type", "");
    if (type == "Sequence") {
        std::string names;
        for (const json& child : node.at("normalizers")) {
            const std::string n = normalizer_name(child, source);
            names += (names.empty() || n.empty() ? "" : "+") + n;
        }
        return names;
    }
    if (type == "NFC") {
        return type;  // byte-level BPE over NFC text: precomposed input is unchanged by it
    }
    fail(source, "normalizer '" + type + "' is not supported (byte-level BPE tokenizers use none or NFC)");
}

// A token named in tokenizer_config.json: a string, or an AddedToken object with "content".
std::string token_text(const json& config, const char* key) {
    if (!config.contains(key) || config.at(key).is_null()) {
        return "";
    }
    const json& v = config.at(key);
    if (v.is_string()) {
        return v.get<std::string>();
    }
    if (v.is_object() && v.contains("content")) {
        return v.at("content").get<std::string>();
    }
    return "";
}

}  // namespace

imported_tokenizer parse_tokenizer_json(const std::string& tokenizer_json, const std::string& config_json,
                                        const std::string& source) {
    const json root = parse(tokenizer_json, source);
    const json config = config_json.empty() ? json::object() : parse(config_json, source + " (tokenizer_config.json)");
    imported_tokenizer out;
    tokenizer_spec& spec = out.spec;
    spec.source = source;
    try {
        if (!root.is_object() || !root.contains("model")) {
            fail(source, "has no \"model\": not a Hugging Face tokenizer.json");
        }
        const json& model = root.at("model");
        const std::string type = model.value("type", "BPE");
        if (type != "BPE") {
            fail(source, "tokenizer model '" + type + "' is not supported (only byte-level BPE)");
        }
        if (model.value("byte_fallback", false)) {
            fail(source, "BPE with byte_fallback (a SentencePiece-style vocabulary) is not supported");
        }
        // Vocabulary: the model's, then the added tokens (which may extend it or replace entries).
        std::map<std::int64_t, std::string> by_id;
        for (const auto& [text, id] : model.at("vocab").items()) {
            by_id[id.get<std::int64_t>()] = text;
        }
        std::map<std::int64_t, token_kind> kinds;
        const json added = root.value("added_tokens", json::array());
        for (const json& a : added) {
            const auto id = a.at("id").get<std::int64_t>();
            by_id[id] = a.at("content").get<std::string>();
            kinds[id] = a.value("special", false) ? token_kind::control : token_kind::user_defined;
        }
        if (by_id.empty()) {
            fail(source, "the vocabulary is empty");
        }
        if (by_id.begin()->first < 0 || by_id.rbegin()->first > (std::int64_t{1} << 24)) {
            fail(source, "token id " +
                             std::to_string(by_id.begin()->first < 0 ? by_id.begin()->first : by_id.rbegin()->first) +
                             " is impossible");
        }
        const auto n = static_cast<std::size_t>(by_id.rbegin()->first + 1);
        spec.tokens.assign(n, std::string());
        spec.kinds.assign(n, token_kind::unused);
        for (const auto& [id, text] : by_id) {
            spec.tokens[static_cast<std::size_t>(id)] = text;
            const auto k = kinds.find(id);
            spec.kinds[static_cast<std::size_t>(id)] = k == kinds.end() ? token_kind::normal : k->second;
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (spec.kinds[i] == token_kind::unused) {
                spec.tokens[i] = "[PAD" + std::to_string(i) + "]";  // a gap in the ids
            }
        }
        for (const json& m : model.at("merges")) {
            if (m.is_string()) {
                spec.merges.push_back(m.get<std::string>());
            } else if (m.is_array() && m.size() == 2) {
                spec.merges.push_back(m.at(0).get<std::string>() + " " + m.at(1).get<std::string>());
            } else {
                fail(source, "merge " + std::to_string(spec.merges.size()) + " is neither \"A B\" nor [\"A\", \"B\"]");
            }
        }
        spec.ignore_merges = model.value("ignore_merges", false);
        collect_regexes(root.value("pre_tokenizer", json()), source, spec.pre_regexes);
        if (spec.pre_regexes.empty()) {
            fail(source,
                 "has no pre-tokenizer regexes (a byte-level BPE tokenizer needs its Split or ByteLevel rules)");
        }
        spec.pre = "tokenizer.json (" + std::to_string(spec.pre_regexes.size()) + " regexes)";
        out.unapplied_normalizer = normalizer_name(root.value("normalizer", json()), source);

        // Special ids from tokenizer_config.json, looked up by their text.
        const auto id_of = [&](const std::string& text) -> std::int32_t {
            if (text.empty()) {
                return -1;
            }
            for (const auto& [id, t] : by_id) {
                if (t == text) {
                    return static_cast<std::int32_t>(id);
                }
            }
            fail(source, "tokenizer_config.json names the token '" + text + "', which is not in the vocabulary");
        };
        spec.bos = id_of(token_text(config, "bos_token"));
        spec.eos = id_of(token_text(config, "eos_token"));
        spec.add_bos = config.value("add_bos_token", false) && spec.bos >= 0;
        if (config.contains("chat_template") && config.at("chat_template").is_string()) {
            out.chat_template = config.at("chat_template").get<std::string>();
        }
    } catch (const json::exception& e) {
        fail(source, std::string("unexpected structure (") + e.what() + ")");
    }
    out.tok = tokenizer::from_spec(spec);
    return out;
}

imported_tokenizer load_tokenizer_dir(const std::filesystem::path& dir) {
    std::error_code ec;
    const bool is_dir = std::filesystem::is_directory(dir, ec);
    const std::filesystem::path file = is_dir ? dir / "tokenizer.json" : dir;
    if (!std::filesystem::exists(file, ec)) {
        throw tokenizer_error(file.string() + ": not found (a tokenizer directory holds tokenizer.json)");
    }
    const std::filesystem::path config = file.parent_path() / "tokenizer_config.json";
    const std::string config_text = std::filesystem::exists(config, ec) ? read_file(config) : std::string();
    return parse_tokenizer_json(read_file(file), config_text, file.string());
}

}  // namespace deepdesk::hf
