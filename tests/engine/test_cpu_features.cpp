// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include "engine/cpu_features.h"

namespace deepdesk {
namespace {

TEST(CpuFeatures, IsaNamesRoundTrip) {
    for (isa_level l : {isa_level::scalar, isa_level::avx2, isa_level::avx512}) {
        const auto parsed = parse_isa(isa_name(l));
        ASSERT_TRUE(parsed.has_value());
        EXPECT_EQ(*parsed, l);
    }
    EXPECT_FALSE(parse_isa("sse9").has_value());
}

TEST(CpuFeatures, TierNeedsEveryFeatureItUses) {
    cpu_features f;
    EXPECT_EQ(detect_isa(f), isa_level::scalar);
    f.avx = f.avx2 = f.fma = true;
    EXPECT_EQ(detect_isa(f), isa_level::scalar) << "AVX2 kernels also use F16C";
    f.f16c = true;
    EXPECT_EQ(detect_isa(f), isa_level::avx2);
    f.avx512f = true;
    EXPECT_EQ(detect_isa(f), isa_level::avx2) << "AVX-512 kernels also use BW and VL";
    f.avx512bw = f.avx512vl = true;
    EXPECT_EQ(detect_isa(f), isa_level::avx512);
}

TEST(CpuFeatures, ActiveTierNeverExceedsTheHost) { EXPECT_LE(active_isa(), detect_isa(host_cpu())); }

}  // namespace
}  // namespace deepdesk
