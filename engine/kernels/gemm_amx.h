// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt batches on Intel AMX (Advanced Matrix Extensions, AMX-INT8): sixteen weight rows against
// sixteen tokens per tile instruction. The integer products are those of the reference dot
// products (kernels/quant_dot.h), exact; only the order of the float additions differs from the
// one-row kernels (each block's integer sum is scaled whole, where the AVX2 kernels scale eight
// partial sums), so results agree with the reference within float rounding, not bit for bit. Used
// for weight types that have a kernel here, on CPUs and kernels that give this process the tiles,
// and only after the kernels passed their check against the reference on that machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "engine/cpu_features.h"
#include "engine/tensor_types.h"

namespace deepdesk::kernels {

// Sixteen weight rows (w_stride bytes apart, n values each) against n_tokens activation rows (a
// multiple of 16) packed by the kernel's pack function: y[t * y_stride + r] for r < 16.
struct amx_job {
    tensor_type type = tensor_type::f32;
    const std::uint8_t* w = nullptr;
    std::size_t w_stride = 0;
    std::size_t n = 0;
    const std::uint8_t* packed = nullptr;
    std::int64_t n_tokens = 0;
    float* y = nullptr;
    std::int64_t y_stride = 0;
};

// Bytes of n_tokens activation rows of n values packed for `weight`'s kernel (kernels/gemm_pack.h;
// the same for the AMX and the AVX-512 VNNI kernels).
std::size_t amx_packed_bytes(tensor_type weight, std::size_t n, std::int64_t n_tokens);

// One type's kernel; scratch holds the kernel's scratch bytes for n (the sixteen rows' weights laid
// out for it, made once per call and used for every group of sixteen tokens).
using amx_kernel_fn = void (*)(const amx_job& job, std::uint8_t* scratch);
// Packs group g (tokens 16g .. 16g + 15) of activation rows (act_stride bytes apart, quantized for
// `weight` as quantize_activation does) for the kernel, into dst + g * (its bytes).
using amx_pack_fn = void (*)(tensor_type weight, const std::uint8_t* act, std::size_t act_stride, std::size_t n,
                             std::int64_t g, std::uint8_t* dst);
// The bytes of the kernel's scratch for rows of n values.
using amx_scratch_fn = std::size_t (*)(std::size_t n);
// A kernel of this shape: on AMX tiles (below) or on AVX-512 VNNI (kernels/gemm_vnni.inc, for CPUs
// without AMX).
struct amx_kernel {
    tensor_type type;
    amx_kernel_fn fn;
    amx_pack_fn pack;
    amx_scratch_fn scratch;
};

// The AMX kernels of this build (Q8_0, Q4_K, Q6_K); empty off x86-64.
std::span<const amx_kernel> amx_kernels();
// The AVX-512 VNNI kernels of the same shape and types; empty off x86-64.
std::span<const amx_kernel> vnni_gemm_kernels();

// Runs each kernel and the reference dot products on sixteen random weight rows against 32
// random activation rows, for several row lengths; "" when every result agrees within float
// rounding, else the first that does not.
std::string compare_amx_with_reference(std::span<const amx_kernel> kernels, unsigned seed);
// The same, but each result must equal the one-row kernel's of `twin_isa` (quant_dot.h) bit for bit
// (the AVX-512 VNNI kernels keep the AVX2 kernels' float order; the AMX kernels do not).
std::string compare_gemm16_bit_for_bit(std::span<const amx_kernel> kernels, isa_level twin_isa, unsigned seed);
// The same as compare_amx_with_reference with every weight byte at its extremes (0x00, 0xFF, 0x80, 0x7F) against
// activations of
// +-1 (quantized to +-127 or -128): the kernels' integer sums must stay exact there too.
std::string compare_extremes_with_reference(std::span<const amx_kernel> kernels);

// True when the CPU has AMX-INT8, the operating system gave this process the tile state, the
// kernel tier in use is AVX-512 (DEEPDESK_ISA can lower it) and DEEPDESK_AMX is not 0, and the
// kernels passed compare_amx_with_reference here. Checked once; a failed check prints a line to
// stderr and leaves the AVX-512 kernels in use.
bool amx_kernels_usable();
// True when the kernel tier in use is AVX-512 (whose one-row kernels passed their own check) and
// the VNNI kernels passed compare_gemm16_bit_for_bit (against the AVX2 kernels) and
// compare_extremes_with_reference here; DEEPDESK_GEMM16=0 turns them off.
bool vnni_gemm_kernels_usable();

// The sixteen-row kernel this machine uses for `weight`: AMX where usable, else AVX-512 VNNI where
// usable, else nullptr (the one-row kernels of quant_dot.h do the work).
const amx_kernel* gemm16_for(tensor_type weight);

// Groups [g_begin, g_end) of sixteen tokens packed for k, into dst (amx_packed_bytes for all).
void gemm16_pack(const amx_kernel& k, const std::uint8_t* act, std::size_t act_stride, std::size_t n,
                 std::int64_t g_begin, std::int64_t g_end, std::uint8_t* dst);

// job by kernel k, with a scratch buffer of this thread's own.
void gemm16_run(const amx_kernel& k, const amx_job& job);

}  // namespace deepdesk::kernels
