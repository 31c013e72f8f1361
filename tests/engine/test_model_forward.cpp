// SPDX-License-Identifier: GPL-3.0-or-later
// The engine's forward pass against the double-precision reference on tiny models the test writes:
// every supported tensor type, the dense architectures (llama, qwen2, qwen3), rope variants, tied
// output; plus bad files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/session.h"
#include "tests/support/tiny_models.h"

namespace deepdesk {
namespace {

namespace fs = std::filesystem;
using testing::cosine;
using testing::make_tiny_model;
using testing::tiny_spec;

class ModelFiles : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = std::string(info->test_suite_name()) + "-" + info->name();
        for (auto& ch : name) {
            if (!std::isalnum(static_cast<unsigned char>(ch))) {
                ch = '_';
            }
        }
        m_dir = fs::temp_directory_path() / ("deepdesk-model-" + std::to_string(::getpid()) + "-" + name);
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }
    std::string path(const std::string& n) const { return (m_dir / n).string(); }
    fs::path m_dir;
};

const std::vector<std::int32_t> k_prompt{1, 17, 250, 3, 99, 42, 7, 123};

struct forward_case {
    std::string arch;
    tensor_type type;
    double min_cosine;
};

class ForwardVsReference : public ModelFiles, public ::testing::WithParamInterface<forward_case> {};

TEST_P(ForwardVsReference, LogitsMatchTheDoublePrecisionReference) {
    const forward_case& fc = GetParam();
    tiny_spec spec;
    spec.arch = fc.arch;
    spec.type = fc.type;
    if (fc.arch == "qwen3") {
        spec.head_dim = 128;  // as Qwen3: longer heads than n_embd / n_head (64)
        spec.rope_dims = 128;
    }
    const auto tm = make_tiny_model(spec);
    tm.writer.write(path("m.gguf"));
    const auto m = model::load(path("m.gguf"));
    session_params p;
    p.n_ctx = 64;
    p.n_threads = 2;
    session batched(*m, p);
    batched.evaluate(k_prompt);
    const auto want = testing::reference_forward(tm).run(k_prompt);
    EXPECT_GE(cosine(batched.logits(), want), fc.min_cosine);

    // Token by token through the cache gives the logits of the whole batch at once, to float
    // rounding: a batch sums in the reference runtime's GEMM order and a single token in its
    // vector order (as llama.cpp's own do), and a last-bit difference may round an activation's
    // f16 or int8 value the other way.
    session stepwise(*m, p);
    for (const std::int32_t t : k_prompt) {
        stepwise.evaluate(std::span(&t, 1));
    }
    const std::vector<double> batched_logits(batched.logits().begin(), batched.logits().end());
    EXPECT_GE(cosine(stepwise.logits(), batched_logits), 0.999999);
    for (std::size_t i = 0; i < want.size(); ++i) {
        ASSERT_NEAR(stepwise.logits()[i], batched.logits()[i], 2e-3) << "logit " << i;
    }
}

std::vector<forward_case> all_cases() {
    std::vector<forward_case> out;
    for (const char* arch : {"llama", "qwen2", "qwen3"}) {
        out.push_back({arch, tensor_type::f32, 0.99999});
        out.push_back({arch, tensor_type::f16, 0.9999});
        out.push_back({arch, tensor_type::bf16, 0.999});
        for (const auto& l : testing::quantized_layouts()) {
            out.push_back({arch, l.type, 0.995});  // activations are quantized to 8 bits
        }
    }
    return out;
}

INSTANTIATE_TEST_SUITE_P(AllTypes, ForwardVsReference, ::testing::ValuesIn(all_cases()), [](const auto& param_info) {
    return param_info.param.arch + "_" + std::string(traits_of(param_info.param.type).name);
});

// R1-0528-Qwen3-8B's rotation: YaRN (factor 4 over an original context) with its attention factor,
// at positions past the original context.
TEST_F(ModelFiles, Qwen3WithYarn) {
    for (const float attn_factor : {1.0f, 0.8782f}) {
        tiny_spec spec;
        spec.arch = "qwen3";
        spec.type = tensor_type::f32;
        spec.head_dim = 64;
        spec.rope_dims = 64;
        spec.yarn_factor = 4.0f;
        spec.yarn_attn_factor = attn_factor;
        const auto tm = make_tiny_model(spec);
        tm.writer.write(path("y.gguf"));
        const auto m = model::load(path("y.gguf"));
        session s(*m, {256, 128, 1});
        std::vector<std::int32_t> prompt;
        for (int i = 0; i < 100; ++i) {  // past the original 64 positions
            prompt.push_back((k_prompt[static_cast<std::size_t>(i) % k_prompt.size()] + i) % 300);
        }
        s.evaluate(prompt);
        EXPECT_GE(cosine(s.logits(), testing::reference_forward(tm).run(prompt)), 0.99999) << attn_factor;
    }
}

TEST_F(ModelFiles, RopeVariantsAndTiedOutput) {
    for (int variant = 0; variant < 3; ++variant) {
        tiny_spec spec;
        spec.type = tensor_type::f32;
        spec.rope_dims = 32;                                   // partial rotation
        spec.linear_rope_factor = variant == 0 ? 4.0f : 0.0f;  // DeepSeek-Coder
        spec.rope_freqs = variant == 1;                        // R1-Distill-Llama
        spec.tied_output = variant == 2;
        spec.arch = variant == 2 ? "qwen2" : "llama";
        const auto tm = make_tiny_model(spec);
        tm.writer.write(path("v.gguf"));
        const auto m = model::load(path("v.gguf"));
        session s(*m, {64, 16, 1});
        s.evaluate(k_prompt);
        EXPECT_GE(cosine(s.logits(), testing::reference_forward(tm).run(k_prompt)), 0.99999) << "variant " << variant;
    }
}

std::string load_error(const std::string& p) {
    try {
        (void)model::load(p);
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

// The metadata of a one-layer llama (hidden 256, 4 heads, FFN 512), no tensors yet.
testing::gguf_writer one_layer_llama_header() {
    testing::gguf_writer w;
    w.add_string("general.architecture", "llama");
    w.add_u32("llama.embedding_length", 256);
    w.add_u32("llama.block_count", 1);
    w.add_u32("llama.feed_forward_length", 512);
    w.add_u32("llama.attention.head_count", 4);
    return w;
}

// The header plus the embedding and the first norms: a model that stops before its first matrix.
testing::gguf_writer one_layer_llama_start() {
    testing::gguf_writer w = one_layer_llama_header();
    w.add_f32_tensor("token_embd.weight", {256, 10}, std::vector<float>(2560, 0.1f));
    w.add_f32_tensor("output_norm.weight", {256}, std::vector<float>(256, 1.0f));
    w.add_f32_tensor("blk.0.attn_norm.weight", {256}, std::vector<float>(256, 1.0f));
    return w;
}

TEST_F(ModelFiles, BadModelsGiveClearErrors) {
    tiny_spec spec;
    {
        testing::gguf_writer w = one_layer_llama_start();  // the first tensors only
        w.write(path("missing.gguf"));
        const std::string err = load_error(path("missing.gguf"));
        EXPECT_NE(err.find("tensor 'blk.0.attn_q.weight' is missing"), std::string::npos) << err;
        EXPECT_NE(err.find("missing.gguf"), std::string::npos) << err;
    }
    {
        testing::gguf_writer w = one_layer_llama_start();
        w.add_f32_tensor("blk.0.attn_q.weight", {256, 128}, std::vector<float>(256 * 128, 0.0f));
        w.write(path("shape.gguf"));
        const std::string err = load_error(path("shape.gguf"));
        EXPECT_NE(err.find("'blk.0.attn_q.weight' has shape [256, 128], expected [256, 256]"), std::string::npos)
            << err;
    }
    {
        testing::gguf_writer w;
        w.add_string("general.architecture", "mamba");
        w.write(path("arch.gguf"));
        EXPECT_NE(load_error(path("arch.gguf")).find("architecture 'mamba' is not supported"), std::string::npos);
    }
    {
        testing::gguf_writer w;
        w.add_string("tokenizer.ggml.model", "gpt2");
        w.write(path("vocab.gguf"));
        EXPECT_NE(load_error(path("vocab.gguf")).find("vocabulary-only"), std::string::npos);
    }
    {
        const auto tm = make_tiny_model(spec);
        auto bytes = tm.writer.bytes();
        bytes.resize(bytes.size() / 2);
        std::ofstream(path("cut.gguf"), std::ios::binary)
            .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        EXPECT_NE(load_error(path("cut.gguf")).find("truncated download"), std::string::npos);
    }
    {
        testing::gguf_writer w = one_layer_llama_header();
        w.add_tensor("token_embd.weight", 10 /*Q2_K*/, {256, 10}, std::vector<std::uint8_t>(840, 0));
        w.write(path("q2k.gguf"));
        EXPECT_NE(load_error(path("q2k.gguf")).find("Q2_K, which DeepDesk cannot run yet"), std::string::npos)
            << load_error(path("q2k.gguf"));
    }
}

// A hyperparameter is checked the same way whatever GGUF type stores it: a per-layer array of
// zeros divided by zero (SIGFPE) and a NaN context length became INT64_MIN before.
TEST_F(ModelFiles, HyperparametersAreCheckedWhateverTheirType) {
    const auto llama_with = [&](const std::string& name, const std::function<void(testing::gguf_writer&)>& add) {
        testing::gguf_writer w;
        w.add_string("general.architecture", "llama");
        w.add_u32("llama.embedding_length", 256);
        w.add_u32("llama.block_count", 1);
        w.add_u32("llama.feed_forward_length", 512);
        add(w);
        w.add_f32_tensor("token_embd.weight", {256, 10}, std::vector<float>(2560, 0.1f));
        w.write(path(name));
        return load_error(path(name));
    };
    std::string err = llama_with("heads0.gguf", [](testing::gguf_writer& w) {
        w.add_array<std::uint32_t>("llama.attention.head_count", 4, {0});
    });
    EXPECT_NE(err.find("'llama.attention.head_count' has the impossible value"), std::string::npos) << err;
    err = llama_with("ctxnan.gguf", [](testing::gguf_writer& w) {
        w.add_u32("llama.attention.head_count", 4);
        w.add_array<float>("llama.context_length", 6, {std::nanf("")});
    });
    EXPECT_NE(err.find("'llama.context_length' has the impossible value"), std::string::npos) << err;
    err = llama_with("ctxfrac.gguf", [](testing::gguf_writer& w) {
        w.add_u32("llama.attention.head_count", 4);
        w.add_array<float>("llama.context_length", 6, {4096.5f});
    });
    EXPECT_NE(err.find("impossible value"), std::string::npos) << err;
    err = llama_with("ctxfloat.gguf", [](testing::gguf_writer& w) {
        w.add_u32("llama.attention.head_count", 4);
        w.add_f32("llama.context_length", std::nanf(""));
    });
    EXPECT_NE(err.find("llama.context_length"), std::string::npos) << err;

    // deepseek2 refuses a block count the file has no tensors for before allocating anything.
    testing::gguf_writer w;
    w.add_string("general.architecture", "deepseek2");
    w.add_u32("deepseek2.embedding_length", 256);
    w.add_u32("deepseek2.block_count", 1U << 20);
    w.add_f32_tensor("token_embd.weight", {256, 10}, std::vector<float>(2560, 0.1f));
    w.write(path("ds2blocks.gguf"));
    err = load_error(path("ds2blocks.gguf"));
    EXPECT_NE(err.find("block_count 1048576 is more than the file has tensors for"), std::string::npos) << err;
}

TEST_F(ModelFiles, SessionRefusesBadTokensAndAFullContext) {
    const auto tm = make_tiny_model(tiny_spec{});
    tm.writer.write(path("m.gguf"));
    const auto m = model::load(path("m.gguf"));
    session s(*m, {8, 4, 1});
    const std::vector<std::int32_t> bad{1, 300};
    EXPECT_THROW(s.evaluate(bad), session_error);
    EXPECT_EQ(s.n_past(), 0) << "nothing was evaluated";
    s.evaluate(std::vector<std::int32_t>{1, 2, 3, 4, 5, 6});
    try {
        s.evaluate(std::vector<std::int32_t>{1, 2, 3});
        FAIL() << "overfilled the context";
    } catch (const session_error& e) {
        EXPECT_NE(std::string(e.what()).find("context is full"), std::string::npos);
    }
    EXPECT_EQ(s.n_past(), 6);
    s.truncate(2);
    EXPECT_EQ(s.n_past(), 2);
    s.evaluate(std::vector<std::int32_t>{9, 9, 9});
    EXPECT_EQ(s.n_past(), 5);
}

}  // namespace
}  // namespace deepdesk

namespace deepdesk {
namespace {

class SessionFeatures : public ModelFiles {
protected:
    void SetUp() override {
        ModelFiles::SetUp();
        const auto tm = make_tiny_model(tiny_spec{});
        tm.writer.write(path("m.gguf"));
        m_model = model::load(path("m.gguf"));
    }
    std::vector<float> fresh_logits(const std::vector<std::int32_t>& tokens, std::int64_t n_ctx = 64) {
        session s(*m_model, {n_ctx, 8, 1});
        s.evaluate(tokens);
        return {s.logits().begin(), s.logits().end()};
    }
    std::unique_ptr<model> m_model;
};

void expect_same(std::span<const float> a, const std::vector<float>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < b.size(); ++i) {
        ASSERT_NEAR(a[i], b[i], 1e-5) << "logit " << i;
    }
}

TEST_F(SessionFeatures, PromptCacheEvaluatesOnlyWhatChanged) {
    session s(*m_model, {64, 8, 1});
    const std::vector<std::int32_t> turn1{1, 10, 11, 12, 13};
    EXPECT_EQ(s.evaluate_prompt(turn1), 0);
    std::vector<std::int32_t> turn2 = turn1;
    turn2.insert(turn2.end(), {20, 21, 22});
    EXPECT_EQ(s.evaluate_prompt(turn2), 5);  // the first turn is reused
    expect_same(s.logits(), fresh_logits(turn2));
    EXPECT_EQ(s.evaluate_prompt(turn2), 7);  // same prompt: only the last token again
    expect_same(s.logits(), fresh_logits(turn2));
    const std::vector<std::int32_t> edited{1, 10, 11, 99, 98};  // an edit after three tokens
    EXPECT_EQ(s.evaluate_prompt(edited), 3);
    expect_same(s.logits(), fresh_logits(edited));
    EXPECT_EQ(s.tokens(), edited);
}

TEST_F(SessionFeatures, CancellationStopsAndKeepsAConsistentCache) {
    session s(*m_model, {64, 4, 2});
    std::atomic<bool> cancel{true};
    s.set_cancel_flag(&cancel);
    const std::vector<std::int32_t> prompt{1, 2, 3, 4, 5, 6, 7, 8, 9};
    EXPECT_FALSE(s.evaluate(prompt));
    EXPECT_EQ(s.n_past(), 0);
    cancel = false;
    EXPECT_TRUE(s.evaluate(prompt));
    EXPECT_EQ(s.n_past(), 9);
    expect_same(s.logits(), fresh_logits(prompt));
}

TEST_F(SessionFeatures, FullContextDropsTheOldestTokensAfterTheKeptOnes) {
    session_params p{16, 8, 1};
    p.on_full = context_policy::drop_oldest;
    session s(*m_model, p);
    s.set_keep(4);  // a four-token "system prompt"
    std::vector<std::int32_t> first;
    for (int i = 0; i < 12; ++i) {
        first.push_back(1 + i);
    }
    s.evaluate(first);
    const std::vector<std::int32_t> more{50, 51, 52, 53, 54, 55, 56, 57};
    EXPECT_TRUE(s.evaluate(more));
    EXPECT_EQ(s.dropped(), 4);
    std::vector<std::int32_t> expected{1, 2, 3, 4, 9, 10, 11, 12};
    expected.insert(expected.end(), more.begin(), more.end());
    EXPECT_EQ(s.tokens(), expected);
    expect_same(s.logits(), fresh_logits(expected, 16));

    session strict(*m_model, {16, 8, 1});
    strict.evaluate(first);
    EXPECT_THROW(strict.evaluate(more), session_error);
    EXPECT_EQ(strict.n_past(), 12);
}

}  // namespace
}  // namespace deepdesk
