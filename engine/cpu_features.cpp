// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/cpu_features.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#define DEEPDESK_X86 1
#endif

namespace deepdesk {
namespace {

#ifdef DEEPDESK_X86
struct cpuid_regs {
    unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
};

cpuid_regs cpuid(unsigned leaf, unsigned subleaf) {
    cpuid_regs r;
    __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
    return r;
}

std::uint64_t xgetbv0() {
    std::uint32_t lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (static_cast<std::uint64_t>(hi) << 32) | lo;
}

bool bit(unsigned reg, int n) { return (reg >> n) & 1u; }

cpu_features detect() {
    cpu_features f;
    const auto max_leaf = static_cast<unsigned>(__get_cpuid_max(0, nullptr));
    if (max_leaf < 1) {
        return f;
    }
    const cpuid_regs l1 = cpuid(1, 0);
    f.sse42 = bit(l1.ecx, 20);
    const bool osxsave = bit(l1.ecx, 27);
    const std::uint64_t xcr0 = osxsave ? xgetbv0() : 0;
    const bool os_ymm = (xcr0 & 0x6) == 0x6;    // XMM + YMM state
    const bool os_zmm = (xcr0 & 0xe6) == 0xe6;  // + opmask, ZMM_Hi256, Hi16_ZMM
    f.avx = bit(l1.ecx, 28) && os_ymm;
    f.fma = bit(l1.ecx, 12) && f.avx;
    f.f16c = bit(l1.ecx, 29) && f.avx;
    if (max_leaf >= 7) {
        const cpuid_regs l7 = cpuid(7, 0);
        f.avx2 = bit(l7.ebx, 5) && f.avx;
        f.avx512f = bit(l7.ebx, 16) && os_zmm;
        f.avx512bw = bit(l7.ebx, 30) && f.avx512f;
        f.avx512vl = bit(l7.ebx, 31) && f.avx512f;
        f.avx512_vnni = bit(l7.ecx, 11) && f.avx512f;
        const bool os_tiles = (xcr0 & 0x60000) == 0x60000;  // XTILECFG + XTILEDATA
        f.amx_int8 = bit(l7.edx, 24) && bit(l7.edx, 25) && os_tiles;
        if (l7.eax >= 1) {
            const cpuid_regs l71 = cpuid(7, 1);
            f.avx512_bf16 = bit(l71.eax, 5) && f.avx512f;
            f.avx_vnni = bit(l71.eax, 4) && f.avx;
        }
    }
    if (static_cast<unsigned>(__get_cpuid_max(0x80000000u, nullptr)) >= 0x80000004u) {
        char brand[49] = {};
        for (unsigned i = 0; i < 3; ++i) {
            const cpuid_regs r = cpuid(0x80000002u + i, 0);
            std::memcpy(brand + 16 * i + 0, &r.eax, 4);
            std::memcpy(brand + 16 * i + 4, &r.ebx, 4);
            std::memcpy(brand + 16 * i + 8, &r.ecx, 4);
            std::memcpy(brand + 16 * i + 12, &r.edx, 4);
        }
        f.brand = brand;
        const auto first = f.brand.find_first_not_of(' ');
        f.brand = first == std::string::npos ? std::string() : f.brand.substr(first);
    }
    return f;
}
#else
cpu_features detect() { return {}; }
#endif

}  // namespace

const cpu_features& host_cpu() {
    static const cpu_features features = detect();
    return features;
}

isa_level detect_isa(const cpu_features& cpu) {
    if (cpu.avx512f && cpu.avx512bw && cpu.avx512vl && cpu.avx2 && cpu.fma && cpu.f16c) {
        return isa_level::avx512;
    }
    if (cpu.avx2 && cpu.fma && cpu.f16c) {
        return isa_level::avx2;
    }
    return isa_level::scalar;
}

isa_level active_isa() {
    static const isa_level level = [] {
        const isa_level best = detect_isa(host_cpu());
        const char* env = std::getenv("DEEPDESK_ISA");
        if (env == nullptr) {
            return best;
        }
        const auto wanted = parse_isa(env);
        if (!wanted || *wanted > best) {
            return best;
        }
        return *wanted;
    }();
    return level;
}

std::string_view isa_name(isa_level level) {
    switch (level) {
    case isa_level::scalar: return "scalar";
    case isa_level::avx2: return "avx2";
    case isa_level::avx512: return "avx512";
    }
    return "unknown";
}

std::optional<isa_level> parse_isa(std::string_view name) {
    for (isa_level l : {isa_level::scalar, isa_level::avx2, isa_level::avx512}) {
        if (isa_name(l) == name) {
            return l;
        }
    }
    return std::nullopt;
}

}  // namespace deepdesk
