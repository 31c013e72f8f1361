// SPDX-License-Identifier: GPL-3.0-or-later
// The AMX-INT8 kernels compiled with the real tile instructions, their check against the
// reference on the machine that runs them, and the request for the tile state that Linux makes
// each process ask for.
#include "engine/kernels/gemm_amx.h"

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "engine/cpu_features.h"
#include "engine/kernels/convert.h"
#include "engine/kernels/dequant.h"
#include "engine/kernels/gemm_pack.h"
#include "engine/kernels/quant_dot.h"

#if defined(__x86_64__) && defined(__linux__)
#include <immintrin.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace deepdesk::kernels::amx {

#define DD_AMX __attribute__((target("amx-tile,amx-int8,avx512f,avx512bw,avx512vl,avx512vnni,avx2,fma,f16c")))

// GCC 12 reports its own AVX-512 intrinsics' undefined-value placeholders (self-initialised
// variables) as uninitialized.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

DD_AMX inline float dd_half(std::uint16_t h) { return _cvtsh_ss(h); }

// The float part of the kernels (see gemm_amx.inc): a row of sixteen tokens per vector.
DD_AMX inline void dd_scale_rows(float (*acc)[16], const std::int32_t (*c)[16], const float* dx, const float* dy) {
    const __m512 vdy = _mm512_loadu_ps(dy);
    for (int r = 0; r < 16; ++r) {
        const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(dx[r]), vdy);
        const __m512 sum = _mm512_cvtepi32_ps(_mm512_load_si512(c[r]));
        _mm512_store_ps(acc[r], _mm512_fmadd_ps(scale, sum, _mm512_load_ps(acc[r])));
    }
}
struct dd_acc {
    __m512 v[16];
};
DD_AMX inline void dd_acc_zero(dd_acc& acc) {
    for (__m512& v : acc.v) {
        v = _mm512_setzero_ps();
    }
}
DD_AMX inline void dd_scale_acc(dd_acc& acc, const std::int32_t (*c)[16], const float* dx, const float* dy) {
    const __m512 vdy = _mm512_loadu_ps(dy);
    for (int r = 0; r < 16; ++r) {
        const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(dx[r]), vdy);
        acc.v[r] = _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(_mm512_load_si512(c[r])), acc.v[r]);
    }
}
DD_AMX inline void dd_acc_store(const dd_acc& acc, float (*out)[16]) {
    for (int r = 0; r < 16; ++r) {
        _mm512_store_ps(out[r], acc.v[r]);
    }
}
DD_AMX inline void dd_scale_rows_k(float (*acc)[16], const std::int32_t (*lo)[16], const std::int32_t (*hi)[16],
                                   const float* d, const float* dy) {
    const __m512 vdy = _mm512_loadu_ps(dy);
    for (int r = 0; r < 16; ++r) {
        const __m512i sumi = _mm512_add_epi32(_mm512_slli_epi32(_mm512_load_si512(hi[r]), 8), _mm512_load_si512(lo[r]));
        const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(d[r]), vdy);
        _mm512_store_ps(acc[r], _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(sumi), _mm512_load_ps(acc[r])));
    }
}
DD_AMX inline void dd_mins(float (*acc_min)[16], const std::int32_t* sums, const std::uint32_t* min_pairs,
                           const float* dmin, const float* dy) {
    const __m512 vdy = _mm512_loadu_ps(dy);
    __m512i s[4];
    for (int p = 0; p < 4; ++p) {
        s[p] = _mm512_loadu_si512(sums + 16 * p);
    }
    for (int r = 0; r < 16; ++r) {
        __m512i m = _mm512_setzero_si512();
        for (int p = 0; p < 4; ++p) {
            m = _mm512_dpwssd_epi32(m, s[p], _mm512_set1_epi32(static_cast<int>(min_pairs[4 * r + p])));
        }
        const __m512 scale = _mm512_mul_ps(_mm512_set1_ps(dmin[r]), vdy);
        _mm512_store_ps(acc_min[r], _mm512_fmadd_ps(scale, _mm512_cvtepi32_ps(m), _mm512_load_ps(acc_min[r])));
    }
}

#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's tile intrinsics tell the compiler too little about the memory they read: ldtilecfg's
// operand names 8 of the configuration's 64 bytes, and tileloadd names none, so stores before them
// could be dropped or moved past them. These versions say what they read. (Clang's are builtins
// that do.)
struct tile_config_bytes {
    unsigned char b[64];
};
DD_AMX inline void dd_tile_loadconfig(const void* cfg) {
    __asm__ volatile("ldtilecfg %0" ::"m"(*static_cast<const tile_config_bytes*>(cfg)));
}
#undef _tile_loadd
#define _tile_loadd(dst, base, stride)           \
    do {                                         \
        __asm__ volatile("" ::: "memory");       \
        _tile_loadd_internal(dst, base, stride); \
    } while (0)
#define _tile_loadconfig dd_tile_loadconfig
#endif

#include "engine/kernels/gemm_amx.inc"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace deepdesk::kernels::amx
#define DEEPDESK_HAVE_AMX 1
#endif

namespace deepdesk::kernels {

std::size_t amx_packed_bytes(tensor_type weight, std::size_t n, std::int64_t n_tokens) {
    return static_cast<std::size_t>(n_tokens / 16) * gemm16::group_bytes(weight, n);
}

void gemm16_pack(const amx_kernel& k, const std::uint8_t* act, std::size_t act_stride, std::size_t n,
                 std::int64_t g_begin, std::int64_t g_end, std::uint8_t* dst) {
    for (std::int64_t g = g_begin; g < g_end; ++g) {
        k.pack(k.type, act, act_stride, n, g, dst);
    }
}

std::span<const amx_kernel> amx_kernels() {
#if DEEPDESK_HAVE_AMX
    return amx::k_kernels;
#else
    return {};
#endif
}

namespace {

// Runs each kernel on sixteen random weight rows against 32 random activation rows, for several
// row lengths, and asks `check(k, weight_row, activation_row, n, result)` about every result:
// "" when it passes, else the first complaint (with where it was).
template <typename Check>
std::string run_random_cases(std::span<const amx_kernel> kernels, unsigned seed, Check check) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (const amx_kernel& k : kernels) {
        const tensor_type_traits& tr = traits_of(k.type);
        for (const std::size_t blocks : {1u, 3u, 8u}) {
            const std::size_t n = tr.block_size * blocks * (tr.block_size == 32 ? 4 : 1);
            const std::size_t row = tr.type_size * (n / tr.block_size);
            // One spare row on each side of the sixteen, so a kernel reading outside them is caught.
            std::vector<std::uint8_t> w(row * 18);
            for (auto& b : w) {
                b = static_cast<std::uint8_t>(byte(rng));
            }
            for (std::size_t b = 0; b < w.size() / tr.type_size; ++b) {
                for (const std::size_t off : f16_scale_offsets(k.type)) {
                    const std::uint16_t h = f32_to_f16(byte(rng) < 128 ? scale(rng) : -scale(rng));
                    std::memcpy(w.data() + b * tr.type_size + off, &h, 2);
                }
            }
            constexpr std::int64_t tokens = 32;
            const std::size_t act_row = activation_row_bytes(k.type, n);
            std::vector<std::uint8_t> act(act_row * tokens);
            std::vector<float> x(n);
            for (std::int64_t t = 0; t < tokens; ++t) {
                for (auto& v : x) {
                    v = normal(rng);
                }
                quantize_activation_ref(k.type, x.data(), act.data() + act_row * static_cast<std::size_t>(t), n);
            }
            std::vector<float> y(static_cast<std::size_t>(tokens) * 20, -1.0f);
            // Two groups of sixteen tokens, packed by the kernel's own packer.
            std::vector<std::uint8_t> packed(amx_packed_bytes(k.type, n, tokens));
            for (std::int64_t g = 0; g < tokens / 16; ++g) {
                k.pack(k.type, act.data(), act_row, n, g, packed.data());
            }
            const amx_job job{k.type, w.data() + row, row, n, packed.data(), tokens, y.data() + 2, 20};
            std::vector<std::uint8_t> scratch(k.scratch(n));
            k.fn(job, scratch.data());
            for (std::int64_t t = 0; t < tokens; ++t) {
                for (int r = 0; r < 20; ++r) {
                    const float got = y[static_cast<std::size_t>(t * 20 + r)];
                    if (r < 2 || r >= 18) {
                        if (got != -1.0f) {
                            return std::string(traits_of(k.type).name) + ": wrote outside its sixteen rows";
                        }
                        continue;
                    }
                    const std::uint8_t* wr = w.data() + row * static_cast<std::size_t>(r - 2 + 1);
                    const std::uint8_t* a = act.data() + act_row * static_cast<std::size_t>(t);
                    const std::string complaint = check(k, wr, a, n, got);
                    if (!complaint.empty()) {
                        return std::string(traits_of(k.type).name) + " n=" + std::to_string(n) + " row " +
                               std::to_string(r - 2) + " token " + std::to_string(t) + ": " + complaint;
                    }
                }
            }
        }
    }
    return {};
}

}  // namespace

std::string compare_amx_with_reference(std::span<const amx_kernel> kernels, unsigned seed) {
    return run_random_cases(kernels, seed,
                            [](const amx_kernel& k, const std::uint8_t* wr, const std::uint8_t* a, std::size_t n,
                               float got) -> std::string {
                                const double want = vec_dot_ref(k.type, wr, a, n);
                                const double tolerance = 2e-5 * block_magnitude(k.type, wr, a, n) + 1e-6;
                                if (std::fabs(got - want) <= tolerance) {
                                    return {};
                                }
                                return "reference " + std::to_string(want) + ", kernel " + std::to_string(got);
                            });
}

std::string compare_gemm16_bit_for_bit(std::span<const amx_kernel> kernels, isa_level twin_isa, unsigned seed) {
    return run_random_cases(kernels, seed,
                            [twin_isa](const amx_kernel& k, const std::uint8_t* wr, const std::uint8_t* a,
                                       std::size_t n, float got) -> std::string {
                                const dot_fn twin = dot_kernel(k.type, twin_isa);
                                if (twin == nullptr) {
                                    return "no one-row kernel to compare with";
                                }
                                const float want = twin(wr, a, n);
                                if (std::memcmp(&want, &got, sizeof(float)) == 0) {
                                    return {};
                                }
                                char text[96];
                                std::snprintf(text, sizeof(text), "one-row kernel %.9g, kernel %.9g", want, got);
                                return text;
                            });
}

std::string compare_extremes_with_reference(std::span<const amx_kernel> kernels) {
    const std::size_t n = 512;
    for (const amx_kernel& k : kernels) {
        const tensor_type_traits& tr = traits_of(k.type);
        const std::size_t row = tr.type_size * (n / tr.block_size);
        for (const std::uint8_t fill : {0x00, 0xFF, 0x80, 0x7F}) {
            std::vector<std::uint8_t> w(row * 16, fill);
            const std::uint16_t half = f32_to_f16(0.5f);
            for (std::size_t b = 0; b < w.size() / tr.type_size; ++b) {
                for (const std::size_t off : f16_scale_offsets(k.type)) {
                    std::memcpy(w.data() + b * tr.type_size + off, &half, 2);
                }
            }
            const std::size_t act_row = activation_row_bytes(k.type, n);
            std::vector<std::uint8_t> act(act_row * 16);
            std::vector<float> x(n);
            for (int t = 0; t < 16; ++t) {
                for (std::size_t i = 0; i < n; ++i) {
                    x[i] = ((i + static_cast<std::size_t>(t)) % 3 == 0) ? -1.0f : 1.0f;
                }
                quantize_activation_ref(k.type, x.data(), act.data() + act_row * static_cast<std::size_t>(t), n);
            }
            std::vector<std::uint8_t> packed(amx_packed_bytes(k.type, n, 16));
            k.pack(k.type, act.data(), act_row, n, 0, packed.data());
            std::vector<std::uint8_t> scratch(k.scratch(n));
            std::vector<float> y(16 * 16);
            k.fn({k.type, w.data(), row, n, packed.data(), 16, y.data(), 16}, scratch.data());
            for (int t = 0; t < 16; ++t) {
                for (int r = 0; r < 16; ++r) {
                    const std::uint8_t* wr = w.data() + row * static_cast<std::size_t>(r);
                    const std::uint8_t* a = act.data() + act_row * static_cast<std::size_t>(t);
                    const double want = vec_dot_ref(k.type, wr, a, n);
                    const double tolerance = 2e-5 * block_magnitude(k.type, wr, a, n) + 1e-6;
                    const float got = y[static_cast<std::size_t>(t * 16 + r)];
                    if (!(std::fabs(got - want) <= tolerance)) {
                        return std::string(tr.name) + " fill " + std::to_string(int{fill}) + " row " +
                               std::to_string(r) + " token " + std::to_string(t) + ": reference " +
                               std::to_string(want) + ", kernel " + std::to_string(got);
                    }
                }
            }
        }
    }
    return {};
}

namespace {

// Linux gives a process the AMX tile data state only when it asks (arch_prctl
// ARCH_REQ_XCOMP_PERM for XFEATURE_XTILEDATA); without it the first tile instruction faults.
bool request_tile_state() {
#if DEEPDESK_HAVE_AMX
    constexpr long arch_req_xcomp_perm = 0x1023;
    constexpr long xfeature_xtiledata = 18;
    return syscall(SYS_arch_prctl, arch_req_xcomp_perm, xfeature_xtiledata) == 0;
#else
    return false;
#endif
}

}  // namespace

bool amx_kernels_usable() {
    static const bool usable = [] {
        const cpu_features& cpu = host_cpu();
        const char* env = std::getenv("DEEPDESK_AMX");
        if (!cpu.amx_int8 || active_isa() < isa_level::avx512 || !avx512_kernels_usable() ||
            (env != nullptr && std::strcmp(env, "0") == 0) || amx_kernels().empty()) {
            return false;
        }
        if (!request_tile_state()) {
            std::fprintf(stderr, "deepdesk: the system did not give this process the AMX tiles; not using them\n");
            return false;
        }
        std::string mismatch = compare_amx_with_reference(amx_kernels(), 20261202);
        if (mismatch.empty()) {
            mismatch = compare_extremes_with_reference(amx_kernels());
        }
        if (!mismatch.empty()) {
            std::fprintf(stderr, "deepdesk: the AMX kernels fail their check on this CPU (%s); not using them\n",
                         mismatch.c_str());
            return false;
        }
        return true;
    }();
    return usable;
}

const amx_kernel* gemm16_for(tensor_type weight) {
    if (amx_kernels_usable()) {
        for (const amx_kernel& k : amx_kernels()) {
            if (k.type == weight) {
                return &k;
            }
        }
    }
    if (vnni_gemm_kernels_usable()) {
        for (const amx_kernel& k : vnni_gemm_kernels()) {
            if (k.type == weight) {
                return &k;
            }
        }
    }
    return nullptr;
}

void gemm16_run(const amx_kernel& k, const amx_job& job) {
    thread_local std::vector<std::uint8_t> scratch;
    const std::size_t need = k.scratch(job.n);
    if (scratch.size() < need) {
        scratch.resize(need);
    }
    k.fn(job, scratch.data());
}

}  // namespace deepdesk::kernels
