// SPDX-License-Identifier: GPL-3.0-or-later
// f16 -> f32 conversion throughput of every kernel variant, as a fraction of this machine's memory
// bandwidth measured in the same run (a large memcpy). Conversion of weights is memory-bound, so a
// good kernel reaches a large fraction; the scalar reference shows how much the fast paths gain.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "engine/kernels/convert.h"

namespace {

using clock_type = std::chrono::steady_clock;

// Best-of-N seconds for fn().
template <typename Fn>
double best_seconds(int repeats, Fn&& fn) {
    double best = 1e30;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = clock_type::now();
        fn();
        const std::chrono::duration<double> dt = clock_type::now() - t0;
        best = std::min(best, dt.count());
    }
    return best;
}

}  // namespace

int main() {
    constexpr std::size_t n = std::size_t{64} << 20;  // 64 Mi elements: 128 MiB in, 256 MiB out
    std::vector<std::uint16_t> halves(n);
    for (std::size_t i = 0; i < n; ++i) {
        halves[i] = static_cast<std::uint16_t>((i * 2654435761u) >> 16) & 0x7bffu;
    }
    std::vector<float> out(n);
    std::vector<char> copy_src(n * 6 / 2), copy_dst(n * 6 / 2);  // same 384 MiB of traffic
    std::memset(copy_src.data(), 1, copy_src.size());
    std::memset(copy_dst.data(), 0, copy_dst.size());

    const double copy_s = best_seconds(5, [&] { std::memcpy(copy_dst.data(), copy_src.data(), copy_src.size()); });
    const double bytes = static_cast<double>(n) * (sizeof(std::uint16_t) + sizeof(float));
    const double copy_gbs = 2.0 * static_cast<double>(copy_src.size()) / copy_s / 1e9;
    std::printf("memcpy bandwidth (read+write): %.2f GB/s\n", copy_gbs);

    for (const auto& k : deepdesk::kernels::convert_variants()) {
        const double s = best_seconds(5, [&] { k.f16_to_f32(halves.data(), out.data(), n); });
        const double gbs = bytes / s / 1e9;
        std::printf("f16_to_f32 %-7s %6.2f GB/s  %5.2f of memcpy bandwidth  %7.1f Melem/s\n",
                    std::string(deepdesk::isa_name(k.isa)).c_str(), gbs, gbs / copy_gbs, n / s / 1e6);
    }
    return 0;
}
