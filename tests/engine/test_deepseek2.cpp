// SPDX-License-Identifier: GPL-3.0-or-later
// deepseek2 (MLA + DeepSeekMoE) against the double-precision reference on tiny models the test
// writes: with and without the query low rank, softmax and sigmoid+bias gating, normalised and
// scaled weights (V3-like), group-limited routing, YaRN; the two key/value layouts of the same
// weights; the compressed cache's size; bad files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/model.h"
#include "engine/session.h"
#include "tests/support/tiny_deepseek2.h"

namespace deepdesk {
namespace {

namespace fs = std::filesystem;
using testing::cosine;
using testing::ds2_spec;

class Deepseek2 : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() / ("deepdesk-ds2-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    std::unique_ptr<model> write_and_load(const testing::ds2_model& m, const std::string& name = "m.gguf") {
        const std::string p = (m_dir / name).string();
        m.writer.write(p);
        return model::load(p);
    }
    std::string load_error(const ds2_spec& spec) {
        try {
            write_and_load(testing::make_ds2_model(spec), "bad.gguf");
        } catch (const std::exception& e) {
            return e.what();
        }
        return "(no error)";
    }

    fs::path m_dir;
};

const std::vector<std::int32_t> k_prompt{1, 17, 250, 3, 99, 42, 7, 123, 5, 64, 200, 11};

struct variant {
    const char* name;
    ds2_spec spec;
};

std::vector<variant> variants() {
    std::vector<variant> out;
    out.push_back({"v2_lite_softmax", {}});
    ds2_spec q;
    q.q_lora = 24;
    out.push_back({"query_low_rank", q});
    ds2_spec v3;
    v3.q_lora = 24;
    v3.sigmoid = true;
    v3.normalise = true;
    v3.weights_scale = 2.5f;
    out.push_back({"v3_sigmoid_bias_normalised_scaled", v3});
    ds2_spec grouped = v3;
    grouped.n_expert = 16;
    grouped.n_used = 3;
    grouped.n_group = 4;
    grouped.n_group_used = 2;
    out.push_back({"group_limited_routing", grouped});
    ds2_spec yarn;
    yarn.yarn_factor = 40.0f;
    out.push_back({"yarn", yarn});
    ds2_spec split;
    split.split_kv = true;
    split.q_lora = 24;
    out.push_back({"attn_k_b_v_b_layout", split});
    ds2_spec no_shared;
    no_shared.n_shared = 0;
    no_shared.n_dense = 0;
    out.push_back({"no_dense_no_shared", no_shared});
    return out;
}

TEST_F(Deepseek2, EveryVariantMatchesTheDoublePrecisionReference) {
    for (const auto& v : variants()) {
        SCOPED_TRACE(v.name);
        const auto tm = testing::make_ds2_model(v.spec);
        const auto m = write_and_load(tm);
        session_params p;
        p.n_ctx = 64;
        p.n_threads = 2;
        session batched(*m, p);
        batched.evaluate(k_prompt);
        const auto want = testing::ds2_reference(tm).run(k_prompt);
        EXPECT_GE(cosine(batched.logits(), want), 0.9999);
        // Token by token through the compressed cache gives the logits of the whole batch.
        session stepwise(*m, p);
        for (const std::int32_t t : k_prompt) {
            stepwise.evaluate(std::span(&t, 1));
        }
        for (std::size_t i = 0; i < want.size(); ++i) {
            ASSERT_NEAR(stepwise.logits()[i], batched.logits()[i], 1e-4) << "logit " << i;
        }
    }
}

// The reference must see the routing differ between variants, or the MoE tests prove little.
TEST_F(Deepseek2, TheRoutingVariantsChooseDifferentExperts) {
    ds2_spec plain, biased;
    plain.n_expert = biased.n_expert = 16;
    biased.sigmoid = true;
    const auto a = testing::make_ds2_model(plain);
    const auto b = testing::make_ds2_model(biased);
    std::vector<double> x(64);
    for (std::size_t i = 0; i < x.size(); ++i) {
        x[i] = std::sin(static_cast<double>(i));
    }
    EXPECT_NE(testing::ds2_reference(a).chosen("blk.1.", x), testing::ds2_reference(b).chosen("blk.1.", x));
}

TEST_F(Deepseek2, BothKeyValueLayoutsOfTheSameWeightsGiveTheSameLogits) {
    ds2_spec older, newer;
    newer.split_kv = true;
    const auto a = write_and_load(testing::make_ds2_model(older), "kv_b.gguf");
    const auto b = write_and_load(testing::make_ds2_model(newer), "k_b_v_b.gguf");
    session sa(*a, {64, 16, 1});
    session sb(*b, {64, 16, 1});
    sa.evaluate(k_prompt);
    sb.evaluate(k_prompt);
    for (std::size_t i = 0; i < sa.logits().size(); ++i) {
        // The same math; the older layout's matrices are transposed into f32, so only the order of
        // the sums differs.
        ASSERT_NEAR(sa.logits()[i], sb.logits()[i], 1e-4) << "logit " << i;
    }
}

// With V2-Lite's attention dimensions the cache keeps the latent and the rope key only: at most
// 1/8 of the expanded per-head keys and values.
TEST_F(Deepseek2, TheCompressedCacheIsAnEighthOfTheExpandedOne) {
    ds2_spec s;
    s.n_layer = 1;
    s.n_dense = 1;
    s.n_head = 16;
    s.kv_lora = 512;
    s.rope = 64;
    s.nope = 128;
    s.v_dim = 128;
    const auto m = write_and_load(testing::make_ds2_model(s));
    const std::uint64_t expanded = static_cast<std::uint64_t>(s.n_head) * (s.nope + s.rope + s.v_dim) * 2;
    EXPECT_EQ(m->impl().kv_bytes_per_token(), (512U + 64U) * 2U);
    EXPECT_LE(m->impl().kv_bytes_per_token() * 8, expanded);
}

TEST_F(Deepseek2, BadFilesGiveClearErrors) {
    ds2_spec missing;
    missing.drop = {"blk.1.ffn_gate_inp.weight"};
    EXPECT_NE(load_error(missing).find("ffn_gate_inp"), std::string::npos) << load_error(missing);
    ds2_spec missing_expert;
    missing_expert.drop = {"blk.2.ffn_down_exps.weight"};
    EXPECT_NE(load_error(missing_expert).find("blk.2.ffn_down_exps.weight"), std::string::npos);
    ds2_spec rank;
    rank.kv_lora_written = 24;  // the tensors hold 32
    EXPECT_NE(load_error(rank).find("attn_kv_a_mqa.weight' has shape"), std::string::npos) << load_error(rank);
    ds2_spec experts;
    experts.expert_count_written = 16;  // the tensors hold 8
    EXPECT_NE(load_error(experts).find("ffn_gate_inp.weight' has shape"), std::string::npos) << load_error(experts);
    ds2_spec used;
    used.n_used = 9;  // more than the 8 experts
    EXPECT_NE(load_error(used).find("expert_used_count 9 is more than expert_count 8"), std::string::npos)
        << load_error(used);
    ds2_spec groups;
    groups.n_group = 3;  // 8 experts do not split into 3 groups
    groups.n_group_used = 1;
    EXPECT_NE(load_error(groups).find("expert groups"), std::string::npos) << load_error(groups);
}

}  // namespace
}  // namespace deepdesk
