// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/detokenizer.h"
#include "engine/gguf.h"

namespace deepdesk {
namespace {

bool whole_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += n;
    }
    return true;
}

TEST(Utf8Stream, EverySplitOfMixedTextComesOutWhole) {
    const std::string text = "Hi 你好，世界 🦙👩‍💻 ok";
    for (std::size_t i = 0; i <= text.size(); ++i) {
        for (std::size_t j = i; j <= text.size(); ++j) {
            utf8_stream s;
            const std::string a = s.push(text.substr(0, i));
            const std::string b = s.push(text.substr(i, j - i));
            const std::string c = s.push(text.substr(j));
            const std::string d = s.finish();
            ASSERT_TRUE(whole_utf8(a) && whole_utf8(b) && whole_utf8(c)) << i << "," << j;
            ASSERT_EQ(a + b + c + d, text) << i << "," << j;
        }
    }
}

TEST(Utf8Stream, AnUnfinishedCharacterBecomesAReplacementAtTheEnd) {
    utf8_stream s;
    EXPECT_EQ(s.push("ab\xE4\xBD"), "ab");
    EXPECT_EQ(s.finish(), "\xEF\xBF\xBD");
}

TEST(Utf8Stream, OutputIsAlwaysValidUtf8) {
    utf8_stream s;
    const std::string a = s.push("x\xE4\xBD");  // incomplete: held
    EXPECT_EQ(a, "x");
    const std::string b = s.push("y\x80z");  // broken off by 'y', then a stray continuation byte
    EXPECT_EQ(b, "\xEF\xBF\xBDy\xEF\xBF\xBDz");
    EXPECT_TRUE(whole_utf8(a + b));
}

TEST(TokenStream, ChineseSplitAcrossTokensStreamsWhole) {
    const auto path = std::filesystem::path(DEEPDESK_SHARED_DIR) / "testdata/tokenizer/ggml-vocab-deepseek-coder.gguf";
    if (!std::filesystem::exists(path)) {
        GTEST_SKIP() << "reference vocabulary not found (../shared is absent)";
    }
    const auto f = gguf::model_file::open(path.string());
    const auto tok = tokenizer::from_gguf(f->main());
    const std::string text = "解释一下注意力机制 🦙";
    const auto ids = tok->encode(text, false, false);
    token_stream stream(*tok);
    std::string out;
    int partial_tokens = 0;
    for (const auto id : ids) {
        const std::string piece = stream.push(id);
        EXPECT_TRUE(whole_utf8(piece));
        partial_tokens += whole_utf8(tok->token_bytes(id)) ? 0 : 1;
        out += piece;
    }
    out += stream.finish();
    EXPECT_EQ(out, text);
    EXPECT_GT(partial_tokens, 0) << "the test needs a character split across tokens";
}

}  // namespace
}  // namespace deepdesk
