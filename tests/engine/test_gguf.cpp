// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/gguf.h"
#include "tests/support/gguf_writer.h"

namespace deepdesk::gguf {
namespace {

using deepdesk::testing::gguf_writer;

// A small but complete file: every value type, a string array, tensors of three types.
gguf_writer sample_writer() {
    gguf_writer w;
    w.add_string("general.architecture", "llama");
    w.add_string("general.name", "测试 model");
    w.add_u32("llama.block_count", 2);
    w.add_i32("llama.signed", -5);
    w.add_u64("llama.context_length", 4096);
    w.add_f32("llama.rope.freq_base", 10000.0f);
    w.add_bool("tokenizer.ggml.add_bos_token", true);
    w.add_string_array("tokenizer.ggml.tokens", {"<s>", "</s>", "你好", ""});
    w.add_array<std::int32_t>("tokenizer.ggml.token_type", 5, {3, 3, 1, 1});
    w.add_f32_tensor("token_embd.weight", {4, 3}, std::vector<float>(12, 0.5f));
    w.add_tensor("blk.0.attn_q.weight", 1 /*F16*/, {32, 2}, std::vector<std::uint8_t>(128, 0x3c));
    w.add_tensor("blk.0.ffn_down.weight", 8 /*Q8_0*/, {64, 1}, std::vector<std::uint8_t>(68, 1));
    return w;
}

TEST(Gguf, ParsesEveryValueTypeAndTensor) {
    const auto bytes = sample_writer().bytes();
    const file f = file::parse(bytes.data(), bytes.size(), "sample.gguf");
    EXPECT_EQ(f.version(), 3u);
    EXPECT_EQ(f.metadata().size(), 9u);
    EXPECT_EQ(f.get_string("general.architecture"), "llama");
    EXPECT_EQ(f.get_string("general.name"), "测试 model");
    EXPECT_EQ(f.get_uint("llama.block_count"), 2u);
    EXPECT_EQ(f.get_int("llama.signed"), -5);
    EXPECT_EQ(f.get_uint("llama.context_length"), 4096u);
    EXPECT_EQ(f.get_float("llama.rope.freq_base"), 10000.0);
    EXPECT_EQ(f.get_bool("tokenizer.ggml.add_bos_token"), true);
    EXPECT_FALSE(f.get_uint("missing.key").has_value());
    const array_value* tokens = f.get_array("tokenizer.ggml.tokens");
    ASSERT_NE(tokens, nullptr);
    ASSERT_EQ(tokens->strings.size(), 4u);
    EXPECT_EQ(tokens->strings[2], "你好");
    EXPECT_EQ(tokens->strings[3], "");
    const array_value* types = f.get_array("tokenizer.ggml.token_type");
    ASSERT_NE(types, nullptr);
    EXPECT_EQ(types->count, 4u);
    EXPECT_EQ(types->number_at(0), 3.0);

    ASSERT_EQ(f.tensors().size(), 3u);
    const tensor_info* emb = f.find_tensor("token_embd.weight");
    ASSERT_NE(emb, nullptr);
    EXPECT_EQ(emb->type, tensor_type::f32);
    EXPECT_EQ(emb->ne[0], 4);
    EXPECT_EQ(emb->ne[1], 3);
    EXPECT_EQ(emb->size, 48u);
    float first = 0;
    std::memcpy(&first, emb->data, 4);
    EXPECT_EQ(first, 0.5f);
    const tensor_info* q8 = f.find_tensor("blk.0.ffn_down.weight");
    ASSERT_NE(q8, nullptr);
    EXPECT_EQ(q8->size, 68u);
    EXPECT_EQ((q8->data - bytes.data()) % 32, 0) << "tensor data is aligned";
    EXPECT_EQ(f.find_tensor("nope"), nullptr);
}

TEST(Gguf, WrongTypeLookupsNameTheKey) {
    const auto bytes = sample_writer().bytes();
    const file f = file::parse(bytes.data(), bytes.size(), "sample.gguf");
    try {
        (void)f.get_uint("general.architecture");
        FAIL();
    } catch (const gguf_error& e) {
        EXPECT_NE(std::string(e.what()).find("general.architecture"), std::string::npos) << e.what();
    }
    EXPECT_THROW((void)f.get_uint("llama.signed"), gguf_error);  // negative
    EXPECT_THROW((void)f.get_string("llama.block_count"), gguf_error);
}

std::string parse_error(const std::vector<std::uint8_t>& bytes) {
    try {
        (void)file::parse(bytes.data(), bytes.size(), "broken.gguf");
    } catch (const gguf_error& e) {
        return e.what();
    }
    return {};
}

TEST(Gguf, EveryTruncationIsAClearError) {
    const auto bytes = sample_writer().bytes();
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
        const std::string err = parse_error(prefix);
        ASSERT_FALSE(err.empty()) << "a file cut at byte " << n << " parsed";
        EXPECT_EQ(err.rfind("broken.gguf: ", 0), 0u) << err;
    }
}

TEST(Gguf, WrongMagicAndVersions) {
    auto bytes = sample_writer().bytes();
    bytes[0] = 'X';
    EXPECT_NE(parse_error(bytes).find("not a GGUF file"), std::string::npos);
    EXPECT_NE(parse_error(sample_writer().bytes(nullptr, 1)).find("obsolete"), std::string::npos);
    EXPECT_NE(parse_error(sample_writer().bytes(nullptr, 0x03000000)).find("big-endian"), std::string::npos);
    EXPECT_TRUE(parse_error(sample_writer().bytes(nullptr, 2)).empty()) << "version 2 is readable";
}

// Patches a little-endian integer in place.
template <typename T>
void poke(std::vector<std::uint8_t>& b, std::size_t at, T v) {
    std::memcpy(b.data() + at, &v, sizeof(T));
}

TEST(Gguf, AbsurdCountsFailFastWithoutHugeAllocations) {
    auto bytes = sample_writer().bytes();
    poke<std::uint64_t>(bytes, 8, std::uint64_t{1} << 62);  // tensor count
    EXPECT_NE(parse_error(bytes).find("tensors, more than the file"), std::string::npos) << parse_error(bytes);
    bytes = sample_writer().bytes();
    poke<std::uint64_t>(bytes, 16, ~std::uint64_t{0});  // metadata count
    EXPECT_NE(parse_error(bytes).find("metadata entries"), std::string::npos);
    bytes = sample_writer().bytes();
    poke<std::uint64_t>(bytes, 24, std::uint64_t{1} << 40);  // first key's length
    EXPECT_NE(parse_error(bytes).find("more than the file holds"), std::string::npos) << parse_error(bytes);
}

TEST(Gguf, BadTensorInfos) {
    {
        gguf_writer w;
        w.add_tensor("t", 99, {4}, std::vector<std::uint8_t>(16));
        EXPECT_NE(parse_error(w.bytes()).find("unknown type id 99"), std::string::npos);
    }
    {
        gguf_writer w;
        w.add_tensor("t", 12 /*Q4_K*/, {100}, std::vector<std::uint8_t>(144));
        EXPECT_NE(parse_error(w.bytes()).find("not a multiple of its block size 256"), std::string::npos);
    }
    {
        gguf_writer w;
        w.add_tensor("t", 0, {4, 0}, {});
        EXPECT_NE(parse_error(w.bytes()).find("dimension 0"), std::string::npos);
    }
    {
        gguf_writer w;
        w.add_tensor("t", 0, {1, 1, 1, 1, 1}, std::vector<std::uint8_t>(4));
        EXPECT_NE(parse_error(w.bytes()).find("5 dimensions"), std::string::npos);
    }
    {
        gguf_writer w;
        w.add_f32_tensor("t", {4}, {1, 2, 3, 4});
        w.add_f32_tensor("t", {4}, {1, 2, 3, 4});
        EXPECT_NE(parse_error(w.bytes()).find("appears twice"), std::string::npos);
    }
    {
        gguf_writer w;  // claims more data than the file holds
        w.add_tensor("big", 0, {1024}, std::vector<std::uint8_t>(16));
        EXPECT_NE(parse_error(w.bytes()).find("past the end of the file"), std::string::npos);
    }
    {
        gguf_writer w;
        w.add_f32_tensor("t", {4}, {1, 2, 3, 4});
        std::size_t header_end = 0;
        auto bytes = w.bytes(&header_end);
        poke<std::uint64_t>(bytes, header_end - 8, 3);  // offset not aligned
        EXPECT_NE(parse_error(bytes).find("not a multiple of the alignment"), std::string::npos);
        poke<std::uint64_t>(bytes, header_end - 8, std::uint64_t{1} << 60);  // far past the end
        EXPECT_NE(parse_error(bytes).find("past the end"), std::string::npos);
    }
}

TEST(Gguf, BadMetadata) {
    {
        gguf_writer w;
        w.add_u32("general.alignment", 24);
        EXPECT_NE(parse_error(w.bytes()).find("power of two"), std::string::npos);
    }
    {
        gguf_writer w;
        w.add_u32("a", 1);
        w.add_u32("a", 2);
        EXPECT_NE(parse_error(w.bytes()).find("appears twice"), std::string::npos);
    }
    {
        gguf_writer w;
        w.add_u32("a", 1);
        auto bytes = w.bytes();
        poke<std::uint32_t>(bytes, 24 + 8 + 1, 77);  // value type after the 1-byte key "a"
        EXPECT_NE(parse_error(bytes).find("unknown value type 77"), std::string::npos);
    }
    {
        gguf_writer w;
        w.add_array<std::uint32_t>("nested", 9, {0});
        EXPECT_NE(parse_error(w.bytes()).find("nests arrays"), std::string::npos);
    }
}

TEST(Gguf, RandomCorruptionNeverCrashes) {
    const auto original = sample_writer().bytes();
    std::mt19937 rng(42);
    int parsed = 0, rejected = 0;
    for (int iter = 0; iter < 3000; ++iter) {
        auto bytes = original;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int k = 0; k < flips; ++k) {
            bytes[rng() % bytes.size()] = static_cast<std::uint8_t>(rng());
        }
        if (rng() % 4 == 0) {
            bytes.resize(rng() % bytes.size());
        }
        try {
            const file f = file::parse(bytes.data(), bytes.size(), "fuzz.gguf");
            for (const auto& t : f.tensors()) {  // every view must lie inside the buffer
                ASSERT_GE(t.data, bytes.data());
                ASSERT_LE(t.data + t.size, bytes.data() + bytes.size());
            }
            ++parsed;
        } catch (const gguf_error&) {
            ++rejected;
        }
    }
    EXPECT_GT(rejected, 0);
    EXPECT_EQ(parsed + rejected, 3000);
}

class GgufFiles : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = std::filesystem::temp_directory_path() / ("deepdesk-gguf-" + std::to_string(::getpid()));
        std::filesystem::create_directories(m_dir);
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }
    std::string path(const std::string& name) const { return (m_dir / name).string(); }
    std::filesystem::path m_dir;
};

TEST_F(GgufFiles, OpensAMappedFile) {
    sample_writer().write(path("m.gguf"));
    const auto model = model_file::open(path("m.gguf"));
    EXPECT_EQ(model->part_count(), 1u);
    EXPECT_EQ(model->main().get_string("general.architecture"), "llama");
    EXPECT_NE(model->find_tensor("blk.0.attn_q.weight"), nullptr);
    EXPECT_EQ(model->tensors().size(), 3u);
}

TEST_F(GgufFiles, MissingAndEmptyFilesAreClearErrors) {
    try {
        (void)model_file::open(path("absent.gguf"));
        FAIL();
    } catch (const gguf_error& e) {
        EXPECT_NE(std::string(e.what()).find("absent.gguf: cannot open"), std::string::npos) << e.what();
    }
    { std::ofstream(path("empty.gguf")); }
    EXPECT_THROW((void)model_file::open(path("empty.gguf")), gguf_error);
    EXPECT_THROW((void)model_file::open(m_dir.string()), gguf_error);  // a folder
}

TEST_F(GgufFiles, SplitModelsOpenAsOne) {
    for (int i = 0; i < 3; ++i) {
        gguf_writer w;
        w.add_u32("split.no", static_cast<std::uint32_t>(i));
        w.add_u32("split.count", 3);
        if (i == 0) {
            w.add_string("general.architecture", "llama");
            w.add_u32("split.tensors.count", 3);
        }
        w.add_f32_tensor("t" + std::to_string(i), {2}, {1.0f, static_cast<float>(i)});
        char name[64];
        std::snprintf(name, sizeof(name), "big-%05d-of-00003.gguf", i + 1);
        w.write(path(name));
    }
    const auto model = model_file::open(path("big-00002-of-00003.gguf"));  // any part may be named
    EXPECT_EQ(model->part_count(), 3u);
    EXPECT_EQ(model->main().get_string("general.architecture"), "llama");
    ASSERT_NE(model->find_tensor("t2"), nullptr);
    float v = 0;
    std::memcpy(&v, model->find_tensor("t2")->data + 4, 4);
    EXPECT_EQ(v, 2.0f);

    std::filesystem::remove(path("big-00003-of-00003.gguf"));
    try {
        (void)model_file::open(path("big-00001-of-00003.gguf"));
        FAIL() << "opened a split model with a part missing";
    } catch (const gguf_error& e) {
        EXPECT_NE(std::string(e.what()).find("big-00003-of-00003.gguf"), std::string::npos) << e.what();
    }
}

TEST(Gguf, SplitNames) {
    const auto parts = split_part_paths("/m/DeepSeek-R1-Q4_K_M-00002-of-00009.gguf");
    ASSERT_TRUE(parts.has_value());
    ASSERT_EQ(parts->size(), 9u);
    EXPECT_EQ(parts->front(), "/m/DeepSeek-R1-Q4_K_M-00001-of-00009.gguf");
    EXPECT_EQ(parts->back(), "/m/DeepSeek-R1-Q4_K_M-00009-of-00009.gguf");
    EXPECT_FALSE(split_part_paths("/m/model.gguf").has_value());
    EXPECT_FALSE(split_part_paths("/m/x-00004-of-00003.gguf").has_value());
}

}  // namespace
}  // namespace deepdesk::gguf

namespace deepdesk::gguf {
namespace {

// The reference files in ../shared/testdata (real converter output) parse and look as described.
TEST(GgufShared, ReferenceFilesParse) {
    const std::filesystem::path root = std::filesystem::path(DEEPDESK_SHARED_DIR) / "testdata";
    if (!std::filesystem::exists(root)) {
        GTEST_SKIP() << "reference data not found at " << root << " (../shared is absent)";
    }
    struct expectation {
        const char* path;
        const char* arch;
        std::size_t min_tensors;
    };
    for (const expectation& e : {expectation{"models/tiny-llama.f16.gguf", "llama", 10},
                                 expectation{"models/small-qwen2.q4_k_m.gguf", "qwen2", 10},
                                 expectation{"models/tiny-ds2-lite.f16.gguf", "deepseek2", 10},
                                 expectation{"tokenizer/ggml-vocab-deepseek-llm.gguf", "llama", 0},
                                 expectation{"tokenizer/ggml-vocab-deepseek-coder.gguf", "llama", 0}}) {
        const auto model = model_file::open((root / e.path).string());
        EXPECT_EQ(model->main().get_string("general.architecture"), e.arch) << e.path;
        EXPECT_GE(model->tensors().size(), e.min_tensors) << e.path;
        const array_value* tokens = model->main().get_array("tokenizer.ggml.tokens");
        ASSERT_NE(tokens, nullptr) << e.path;
        EXPECT_GT(tokens->strings.size(), 1000u) << e.path;
    }
}

}  // namespace
}  // namespace deepdesk::gguf
