// SPDX-License-Identifier: GPL-3.0-or-later
// Embeddings: the pooled, normalized last hidden states against the double-precision reference on
// tiny models (llama, qwen2, qwen3; mean, CLS and last-token pooling), batching, the text path
// (BOS/EOS, truncation) and the files that cannot embed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/embedder.h"
#include "engine/model.h"
#include "tests/support/embedding_model.h"
#include "tests/support/tiny_deepseek2.h"
#include "tests/support/tiny_models.h"

namespace deepdesk {
namespace {

namespace fs = std::filesystem;
using testing::make_tiny_model;
using testing::tiny_spec;

class Embedder : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("deepdesk-embed-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    std::string path(const std::string& n) const { return (m_dir / n).string(); }
    fs::path m_dir;
};

const std::vector<std::int32_t> k_tokens{1, 17, 250, 3, 99, 42, 7, 123, 2};

// The reference's pooled vector, normalized.
std::vector<double> reference_embedding(const testing::tiny_model& tm, pooling_type pooling) {
    const auto states = testing::reference_forward(tm).states(k_tokens);
    std::vector<double> v(states[0].size(), 0.0);
    if (pooling == pooling_type::mean) {
        for (const auto& row : states) {
            for (std::size_t i = 0; i < v.size(); ++i) {
                v[i] += row[i] / static_cast<double>(states.size());
            }
        }
    } else {
        v = pooling == pooling_type::cls ? states.front() : states.back();
    }
    double norm = 0;
    for (const double x : v) {
        norm += x * x;
    }
    for (double& x : v) {
        x /= std::sqrt(norm);
    }
    return v;
}

double cosine(const std::vector<float>& a, const std::vector<double>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += a[i] * b[i];
        aa += static_cast<double>(a[i]) * a[i];
        bb += b[i] * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

TEST_F(Embedder, PooledStatesMatchTheReferenceForEveryDenseArchitectureAndPooling) {
    for (const char* arch : {"llama", "qwen2", "qwen3"}) {
        for (const auto type : {tensor_type::f32, tensor_type::q8_0}) {
            for (const auto pooling : {pooling_type::mean, pooling_type::cls, pooling_type::last}) {
                SCOPED_TRACE(std::string(arch) + " " + std::string(traits_of(type).name) + " pooling " +
                             std::to_string(static_cast<int>(pooling)));
                tiny_spec spec;
                spec.arch = arch;
                spec.type = type;
                spec.pooling_type = static_cast<int>(pooling);
                const auto tm = make_tiny_model(spec);
                tm.writer.write(path("m.gguf"));
                const auto m = model::load(path("m.gguf"));
                embedder_params p;
                p.n_threads = 2;
                embedder e(*m, p);
                EXPECT_EQ(e.pooling(), pooling);
                ASSERT_EQ(e.dims(), 256u);
                const auto v = e.embed_tokens(k_tokens);
                EXPECT_GE(cosine(v, reference_embedding(tm, pooling)), type == tensor_type::f32 ? 0.99999 : 0.999);
                double norm = 0;
                for (const float x : v) {
                    norm += static_cast<double>(x) * x;
                }
                EXPECT_NEAR(norm, 1.0, 1e-5);

                // In batches of three tokens the vector is the same to float rounding.
                p.n_batch = 3;
                embedder small(*m, p);
                EXPECT_GE(cosine(small.embed_tokens(k_tokens), std::vector<double>(v.begin(), v.end())), 0.99999);
                // And a second text through the same embedder starts afresh.
                EXPECT_GE(cosine(e.embed_tokens(k_tokens), std::vector<double>(v.begin(), v.end())), 0.999999);
            }
        }
    }
}

TEST_F(Embedder, AFileWithoutPoolingEmbedsWithTheLastToken) {
    const auto tm = make_tiny_model(tiny_spec{});
    tm.writer.write(path("m.gguf"));
    const auto m = model::load(path("m.gguf"));
    embedder e(*m);
    EXPECT_EQ(e.pooling(), pooling_type::last);
    EXPECT_GE(cosine(e.embed_tokens(k_tokens), reference_embedding(tm, pooling_type::last)), 0.99999);
    EXPECT_FALSE(e.reads_text());
    EXPECT_THROW(e.embed("text"), model_error);
}

TEST_F(Embedder, ARerankerIsRefused) {
    tiny_spec spec;
    spec.pooling_type = 4;
    make_tiny_model(spec).writer.write(path("m.gguf"));
    const auto m = model::load(path("m.gguf"));
    try {
        embedder e(*m);
        FAIL() << "a reranker was accepted";
    } catch (const model_error& err) {
        EXPECT_NE(std::string(err.what()).find("reranker"), std::string::npos) << err.what();
    }
    spec.pooling_type = 9;
    make_tiny_model(spec).writer.write(path("bad.gguf"));
    EXPECT_THROW(model::load(path("bad.gguf")), model_error);
}

TEST_F(Embedder, DeepSeek2CannotEmbed) {
    testing::make_ds2_model(testing::ds2_spec{}).writer.write(path("ds2.gguf"));
    const auto m = model::load(path("ds2.gguf"));
    embedder e(*m);
    try {
        e.embed_tokens(k_tokens);
        FAIL() << "deepseek2 embedded";
    } catch (const model_error& err) {
        EXPECT_NE(std::string(err.what()).find("cannot embed"), std::string::npos) << err.what();
    }
}

TEST_F(Embedder, TextGetsBosAndEosAndIsCutToTheContext) {
    testing::write_byte_embedding_model(path("e.gguf"));
    const auto m = model::load(path("e.gguf"));
    embedder_params p;
    p.n_ctx = 16;
    embedder e(*m, p);
    EXPECT_TRUE(e.reads_text());
    EXPECT_EQ(e.tokens_of("ab"), (std::vector<std::int32_t>{256, 'a', 'b', 257}));
    const auto long_text = e.tokens_of(std::string(100, 'x'));
    ASSERT_EQ(long_text.size(), 16u);
    EXPECT_EQ(long_text.front(), 256);
    EXPECT_EQ(long_text.back(), 257);
    EXPECT_EQ(long_text[14], 'x');

    const auto hello = e.embed("hello world");
    EXPECT_NEAR(dot(hello, e.embed("hello world")), 1.0f, 1e-5f);
    EXPECT_GT(dot(hello, e.embed("hello there")), dot(hello, e.embed("数据库")));
    EXPECT_EQ(e.embed("").size(), e.dims());  // BOS and EOS alone
}

TEST_F(Embedder, ACancelledTextGivesNoVector) {
    testing::write_byte_embedding_model(path("e.gguf"));
    const auto m = model::load(path("e.gguf"));
    embedder e(*m);
    std::atomic<bool> cancel{true};
    EXPECT_TRUE(e.embed("anything", &cancel).empty());
    cancel = false;
    EXPECT_EQ(e.embed("anything", &cancel).size(), 64u);
}

}  // namespace
}  // namespace deepdesk
