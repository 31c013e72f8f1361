// SPDX-License-Identifier: GPL-3.0-or-later
// Hugging Face tokenizer.json import: a small hand-written file, and every way such a file can be
// wrong giving a clear error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/hf/hf_tokenizer.h"

namespace deepdesk::hf {
namespace {

using nlohmann::json;

// Byte-level vocabulary for the letters of "hello world" plus merges building "hello" and "Ġworld".
json small_tokenizer() {
    json vocab = json::object();
    int id = 0;
    for (const char* t : {"h",
                          "e",
                          "l",
                          "o",
                          "w",
                          "r",
                          "d",
                          "\xc4\xa0",
                          "he",
                          "ll",
                          "hell",
                          "hello",
                          "\xc4\xa0w",
                          "or",
                          "\xc4\xa0wor",
                          "ld",
                          "\xc4\xa0world",
                          "!",
                          "<",
                          ">",
                          "t",
                          "i",
                          "n",
                          "k"}) {
        vocab[t] = id++;
    }
    return json{{"version", "1.0"},
                {"added_tokens", json::array({json{{"id", 100},
                                                   {"content",
                                                    "<\xef\xbd\x9c"
                                                    "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>"},
                                                   {"special", true}},
                                              json{{"id", 101}, {"content", "<think>"}, {"special", false}},
                                              json{{"id", 102}, {"content", "<bos>"}, {"special", true}}})},
                {"normalizer", nullptr},
                {"pre_tokenizer",
                 {{"type", "Sequence"},
                  {"pretokenizers",
                   json::array({json{{"type", "Split"},
                                     {"pattern", {{"Regex", R"( ?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+|\s+)"}}},
                                     {"behavior", "Isolated"},
                                     {"invert", false}},
                                json{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}})}}},
                {"model",
                 {{"type", "BPE"},
                  {"vocab", vocab},
                  {"merges", json::array({"h e", "l l", "he ll", "hell o", "\xc4\xa0 w", "o r", "\xc4\xa0w or", "l d",
                                          "\xc4\xa0wor ld"})}}}};
}

const std::string k_config = R"({"add_bos_token": true, "bos_token": {"content": "<bos>"},
                                 "eos_token": "<｜end▁of▁sentence｜>", "chat_template": "{{ messages }}"})";

TEST(HfTokenizer, ImportsVocabularyMergesAddedTokensAndConfig) {
    const auto imported = parse_tokenizer_json(small_tokenizer().dump(), k_config, "mem/tokenizer.json");
    const tokenizer& t = *imported.tok;
    EXPECT_EQ(t.encode("hello world!", false, true), (std::vector<std::int32_t>{11, 16, 17}));
    EXPECT_EQ(t.encode("hello", true, true), (std::vector<std::int32_t>{102, 11}));
    EXPECT_EQ(t.bos(), 102);
    EXPECT_EQ(t.eos(), 100);
    EXPECT_TRUE(t.adds_bos());
    EXPECT_TRUE(t.ends_generation(100));
    EXPECT_EQ(imported.chat_template, "{{ messages }}");
    EXPECT_TRUE(imported.unapplied_normalizer.empty());
    // Non-special added tokens always split out; special ones only when special parsing is on.
    EXPECT_EQ(t.encode("<think>hello", false, false), (std::vector<std::int32_t>{101, 11}));
    const std::string eos =
        "<\xef\xbd\x9c"
        "end\xe2\x96\x81of\xe2\x96\x81sentence\xef\xbd\x9c>";
    EXPECT_EQ(t.encode("hello" + eos, false, true), (std::vector<std::int32_t>{11, 100}));
    EXPECT_EQ(t.token_bytes(16), " world");
    EXPECT_EQ(t.token_bytes(101), "<think>");
}

TEST(HfTokenizer, MergesAsPairsAndGapsInTheIds) {
    json j = small_tokenizer();
    json pairs = json::array();
    for (const auto& m : j["model"]["merges"]) {
        const std::string s = m.get<std::string>();
        const auto space = s.find(' ');
        pairs.push_back(json::array({s.substr(0, space), s.substr(space + 1)}));
    }
    j["model"]["merges"] = pairs;
    const auto imported = parse_tokenizer_json(j.dump(), "", "mem");
    EXPECT_EQ(imported.tok->encode("hello world", false, true), (std::vector<std::int32_t>{11, 16}));
    EXPECT_EQ(imported.tok->size(), 103u);  // ids 24..99 are gaps, kept as unused entries
    EXPECT_FALSE(imported.tok->adds_bos());
}

TEST(HfTokenizer, ByteLevelWithRegexAndNfcAreRecognised) {
    json j = small_tokenizer();
    j["pre_tokenizer"] = json{{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", true}};
    j["normalizer"] = json{{"type", "NFC"}};
    const auto imported = parse_tokenizer_json(j.dump(), "", "mem");
    EXPECT_EQ(imported.unapplied_normalizer, "NFC");
    EXPECT_EQ(imported.tok->encode("hello world", false, true), (std::vector<std::int32_t>{11, 16}));
}

void expect_error(const std::string& text, const std::string& config, const std::string& needle) {
    try {
        parse_tokenizer_json(text, config, "bad/tokenizer.json");
        ADD_FAILURE() << "no error; wanted one containing '" << needle << "'";
    } catch (const tokenizer_error& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("bad/tokenizer.json"), std::string::npos) << what;
        EXPECT_NE(what.find(needle), std::string::npos) << what;
    }
}

TEST(HfTokenizer, BadFilesGiveClearErrors) {
    const std::string good = small_tokenizer().dump();
    expect_error(good.substr(0, good.size() / 2), "", "not valid JSON");
    expect_error("[1, 2, 3]", "", "not a Hugging Face tokenizer.json");
    expect_error("{\"version\": \"1.0\"}", "", "not a Hugging Face tokenizer.json");
    expect_error(good, "{\"bos_token\": ", "not valid JSON");
    expect_error(good, R"({"bos_token": "<nope>"})", "'<nope>', which is not in the vocabulary");

    json j = small_tokenizer();
    j["model"]["type"] = "Unigram";
    expect_error(j.dump(), "", "'Unigram' is not supported");
    j = small_tokenizer();
    j["model"]["byte_fallback"] = true;
    expect_error(j.dump(), "", "byte_fallback");
    j = small_tokenizer();
    j["model"]["merges"].push_back(42);
    expect_error(j.dump(), "", "merge 9 is neither");
    j = small_tokenizer();
    j["model"]["merges"].push_back("nospace");
    expect_error(j.dump(), "", "is not two tokens");
    j = small_tokenizer();
    j["pre_tokenizer"] = json{{"type", "Metaspace"}};
    expect_error(j.dump(), "", "'Metaspace' is not supported");
    j = small_tokenizer();
    j["pre_tokenizer"]["pretokenizers"][0]["behavior"] = "Removed";
    expect_error(j.dump(), "", "behavior 'Removed'");
    j = small_tokenizer();
    j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(unclosed";
    expect_error(j.dump(), "", "does not compile");
    j = small_tokenizer();
    j["pre_tokenizer"] = nullptr;
    expect_error(j.dump(), "", "no pre-tokenizer regexes");
    j = small_tokenizer();
    j["normalizer"] = json{{"type", "Lowercase"}};
    expect_error(j.dump(), "", "normalizer 'Lowercase' is not supported");
    j = small_tokenizer();
    j["model"]["vocab"] = "not an object";
    expect_error(j.dump(), "", "unexpected structure");
    j = small_tokenizer();
    j["added_tokens"][0]["id"] = -5;
    expect_error(j.dump(), "", "token id -5 is impossible");
}

TEST(HfTokenizer, DirectoryLoading) {
    const auto dir = std::filesystem::temp_directory_path() / ("deepdesk-hf-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    try {
        load_tokenizer_dir(dir);
        ADD_FAILURE() << "an empty directory loaded";
    } catch (const tokenizer_error& e) {
        EXPECT_NE(std::string(e.what()).find("tokenizer.json: not found"), std::string::npos) << e.what();
    }
    std::ofstream(dir / "tokenizer.json") << small_tokenizer().dump();
    std::ofstream(dir / "tokenizer_config.json") << k_config;
    const auto imported = load_tokenizer_dir(dir);
    EXPECT_TRUE(imported.tok->adds_bos());
    const auto file_only = load_tokenizer_dir(dir / "tokenizer.json");
    EXPECT_EQ(file_only.tok->bos(), 102);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace deepdesk::hf
