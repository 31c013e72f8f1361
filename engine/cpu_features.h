// SPDX-License-Identifier: GPL-3.0-or-later
// What the host CPU can run. Builds target baseline x86-64; faster kernels are picked at run time
// from these flags, so one binary runs everywhere and uses what each machine has.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace deepdesk {

struct cpu_features {
    std::string brand;  // e.g. "AMD EPYC 7B13 64-Core Processor"
    bool sse42 = false;
    bool avx = false;  // CPU and OS (YMM state enabled)
    bool avx2 = false;
    bool fma = false;
    bool f16c = false;
    bool avx512f = false;  // CPU and OS (ZMM/opmask state enabled)
    bool avx512bw = false;
    bool avx512vl = false;
    bool avx512_vnni = false;
    bool avx512_bf16 = false;
    bool avx_vnni = false;
    bool amx_int8 = false;  // AMX-TILE + AMX-INT8 in the CPU and tile state in XCR0 (the kernel
                            // must still grant each process the tile data: kernels/gemm_amx.h)
};

// Instruction-set tiers the kernels are written for, lowest first.
enum class isa_level { scalar = 0, avx2 = 1, avx512 = 2 };

// Detected once, on first use.
const cpu_features& host_cpu();

// Highest tier this CPU runs: avx2 means AVX2 + FMA + F16C; avx512 means F + BW + VL.
isa_level detect_isa(const cpu_features& cpu);

// The tier kernels use: detect_isa(host_cpu()), lowered by the environment variable
// DEEPDESK_ISA=scalar|avx2|avx512 when set (never raised above what the CPU supports).
isa_level active_isa();

std::string_view isa_name(isa_level level);

// From kernel sets ordered by tier (each with an `isa` member), the highest at or below active_isa().
template <typename KernelSet>
KernelSet pick_for_active_isa(const std::vector<KernelSet>& variants) {
    KernelSet pick = variants.front();
    for (const auto& k : variants) {
        if (k.isa <= active_isa()) {
            pick = k;
        }
    }
    return pick;
}
std::optional<isa_level> parse_isa(std::string_view name);

}  // namespace deepdesk
