// SPDX-License-Identifier: GPL-3.0-or-later
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "engine/kernels/convert.h"

namespace deepdesk::kernels {
namespace {

// An independent definition of IEEE binary16: sign, 5-bit exponent (bias 15), 10-bit fraction.
double half_value(std::uint16_t h) {
    const int sign = (h >> 15) ? -1 : 1;
    const int exp = (h >> 10) & 31;
    const int frac = h & 1023;
    if (exp == 0) {
        return sign * std::ldexp(frac, -24);
    }
    if (exp == 31) {
        return frac ? std::numeric_limits<double>::quiet_NaN() : sign * std::numeric_limits<double>::infinity();
    }
    return sign * std::ldexp(1024 + frac, exp - 25);
}

const std::vector<std::size_t> k_awkward_sizes{1, 3, 7, 8, 15, 16, 17, 31, 33, 63, 65, 127, 255, 257, 1023};

TEST(Convert, F16ToF32MatchesDefinitionForAllValues) {
    for (std::uint32_t h = 0; h < 65536; ++h) {
        const auto bits = static_cast<std::uint16_t>(h);
        const double want = half_value(bits);
        const float got = f16_to_f32(bits);
        if (std::isnan(want)) {
            EXPECT_TRUE(std::isnan(got)) << std::hex << h;
        } else {
            EXPECT_EQ(static_cast<double>(got), want) << std::hex << h;
            EXPECT_EQ(std::signbit(got), std::signbit(want)) << std::hex << h;
        }
    }
}

TEST(Convert, F32ToF16RoundsToNearestEven) {
    EXPECT_EQ(f32_to_f16(1.0f), 0x3c00);
    EXPECT_EQ(f32_to_f16(-2.0f), 0xc000);
    EXPECT_EQ(f32_to_f16(65504.0f), 0x7bff);  // largest finite
    EXPECT_EQ(f32_to_f16(65519.0f), 0x7bff);  // below the halfway point to 65536
    EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);  // halfway rounds to even: infinity
    EXPECT_EQ(f32_to_f16(1e10f), 0x7c00);
    EXPECT_EQ(f32_to_f16(-std::numeric_limits<float>::infinity()), 0xfc00);
    EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -24)), 0x0001);             // smallest subnormal
    EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000);             // tie -> even (zero)
    EXPECT_EQ(f32_to_f16(std::ldexp(3.0f, -25)), 0x0002);             // tie -> even (2)
    EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -14)), 0x0400);             // smallest normal
    EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00);      // tie -> even (down)
    EXPECT_EQ(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);  // tie -> even (up)
    EXPECT_EQ(f32_to_f16(-0.0f), 0x8000);
    const std::uint16_t nan = f32_to_f16(std::numeric_limits<float>::quiet_NaN());
    EXPECT_EQ(nan & 0x7c00, 0x7c00);
    EXPECT_NE(nan & 0x03ff, 0);
}

TEST(Convert, F16RoundTripIsExactForEveryNonNaN) {
    for (std::uint32_t h = 0; h < 65536; ++h) {
        const auto bits = static_cast<std::uint16_t>(h);
        if ((bits & 0x7c00) == 0x7c00 && (bits & 0x3ff) != 0) {
            continue;
        }
        EXPECT_EQ(f32_to_f16(f16_to_f32(bits)), bits) << std::hex << h;
    }
}

TEST(Convert, Bf16) {
    EXPECT_EQ(bf16_to_f32(0x3f80), 1.0f);
    EXPECT_EQ(bf16_to_f32(0xc040), -3.0f);
    EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
    EXPECT_EQ(f32_to_bf16(std::bit_cast<float>(0x3f808000u)), 0x3f80);  // tie -> even (down)
    EXPECT_EQ(f32_to_bf16(std::bit_cast<float>(0x3f818000u)), 0x3f82);  // tie -> even (up)
    EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(std::numeric_limits<float>::quiet_NaN()))));
}

// Inputs that cover normals, subnormals, both zeros, infinities, NaN and overflow.
std::vector<float> f32_inputs(std::size_t n, std::mt19937& rng) {
    std::uniform_int_distribution<std::uint32_t> any_bits;
    std::normal_distribution<float> normal(0.0f, 100.0f);
    const float specials[] = {0.0f,
                              -0.0f,
                              65504.0f,
                              65520.0f,
                              1e-8f,
                              -6.1e-5f,
                              std::ldexp(1.0f, -25),
                              std::numeric_limits<float>::infinity(),
                              std::numeric_limits<float>::quiet_NaN()};
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) {
        switch (i % 4) {
        case 0: v[i] = normal(rng); break;
        case 1: v[i] = std::bit_cast<float>(any_bits(rng)); break;
        case 2: v[i] = specials[(i / 4) % std::size(specials)]; break;
        default: v[i] = normal(rng) * 1e-6f; break;
        }
    }
    return v;
}

void expect_same_floats(const std::vector<float>& want, const std::vector<float>& got, const std::string& what) {
    ASSERT_EQ(want.size(), got.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (std::isnan(want[i])) {
            EXPECT_TRUE(std::isnan(got[i])) << what << " at " << i;
        } else {
            EXPECT_EQ(std::bit_cast<std::uint32_t>(want[i]), std::bit_cast<std::uint32_t>(got[i]))
                << what << " at " << i;
        }
    }
}

TEST(Convert, EveryVariantMatchesTheReference) {
    const auto variants = convert_variants();
    ASSERT_FALSE(variants.empty());
    ASSERT_EQ(variants.front().isa, isa_level::scalar);
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int> any_half(0, 65535);
    for (const auto& k : variants) {
        const std::string name(isa_name(k.isa));
        for (std::size_t n : k_awkward_sizes) {
            const std::string what = name + " n=" + std::to_string(n);
            std::vector<std::uint16_t> halves(n);
            for (auto& h : halves) {
                h = static_cast<std::uint16_t>(any_half(rng));
            }
            std::vector<float> want(n), got(n, -1.0f);
            f16_to_f32_ref(halves.data(), want.data(), n);
            k.f16_to_f32(halves.data(), got.data(), n);
            expect_same_floats(want, got, "f16_to_f32 " + what);

            bf16_to_f32_ref(halves.data(), want.data(), n);
            k.bf16_to_f32(halves.data(), got.data(), n);
            expect_same_floats(want, got, "bf16_to_f32 " + what);

            const std::vector<float> floats = f32_inputs(n, rng);
            std::vector<std::uint16_t> want_h(n), got_h(n, 0x1234);
            f32_to_f16_ref(floats.data(), want_h.data(), n);
            k.f32_to_f16(floats.data(), got_h.data(), n);
            for (std::size_t i = 0; i < n; ++i) {
                if (std::isnan(floats[i])) {
                    EXPECT_TRUE((got_h[i] & 0x7c00) == 0x7c00 && (got_h[i] & 0x3ff) != 0) << what;
                } else {
                    EXPECT_EQ(want_h[i], got_h[i]) << "f32_to_f16 " << what << " at " << i << " value " << floats[i];
                }
            }
        }
    }
}

TEST(Convert, ChosenKernelsAreTheActiveTier) { EXPECT_EQ(convert_kernels().isa, active_isa()); }

// round_through_f16 gives each value's f16 rounding, over lengths that cross its 256-value chunks.
TEST(Convert, RoundThroughF16EqualsTheScalarRoundTrip) {
    std::mt19937 rng(9);
    for (std::size_t n : {1u, 7u, 255u, 256u, 257u, 1000u}) {
        const std::vector<float> x = f32_inputs(n, rng);
        std::vector<float> got = x;
        round_through_f16(got.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
            if (std::isnan(x[i])) {
                EXPECT_TRUE(std::isnan(got[i])) << i;
            } else {
                EXPECT_EQ(std::bit_cast<std::uint32_t>(f16_to_f32(f32_to_f16(x[i]))),
                          std::bit_cast<std::uint32_t>(got[i]))
                    << "n=" << n << " at " << i << " value " << x[i];
            }
        }
    }
}

}  // namespace
}  // namespace deepdesk::kernels
