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

#include "engine/tensor_types.h"

namespace deepdesk::kernels {

// Sixteen weight rows (w_stride bytes apart, n values each) against n_tokens activation rows (a
// multiple of 16) packed by amx_pack: y[t * y_stride + r] for r < 16.
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

// Bytes of n_tokens activation rows of n values packed for `weight`'s kernel.
std::size_t amx_packed_bytes(tensor_type weight, std::size_t n, std::int64_t n_tokens);
// Groups [g_begin, g_end) of sixteen tokens of activation rows (act_stride bytes apart, quantized
// for `weight` as quantize_activation does) laid out as the kernels read them, into dst (which
// holds amx_packed_bytes for all the groups). Done once per matmul and shared by every group of
// sixteen weight rows.
void amx_pack(tensor_type weight, const std::uint8_t* act, std::size_t act_stride, std::size_t n, std::int64_t g_begin,
              std::int64_t g_end, std::uint8_t* dst);

// One type's kernel; scratch holds amx_scratch_bytes(type, n) bytes (the sixteen rows' weights
// laid out for the tiles, made once per call and used for every group of sixteen tokens).
using amx_kernel_fn = void (*)(const amx_job& job, std::uint8_t* scratch);
// Packs group g (tokens 16g .. 16g + 15) for the kernel: what amx_pack does, a group at a time.
using amx_pack_fn = void (*)(tensor_type weight, const std::uint8_t* act, std::size_t act_stride, std::size_t n,
                             std::int64_t g, std::uint8_t* dst);
struct amx_kernel {
    tensor_type type;
    amx_kernel_fn fn;
    amx_pack_fn pack;
};

std::size_t amx_scratch_bytes(tensor_type weight, std::size_t n);

// The AMX kernels of this build (Q8_0, Q4_K, Q6_K); empty off x86-64.
std::span<const amx_kernel> amx_kernels();

// Runs each kernel and the reference dot products on sixteen random weight rows against 32
// random activation rows, for several row lengths; "" when every result agrees within float
// rounding, else the first that does not.
std::string compare_amx_with_reference(std::span<const amx_kernel> kernels, unsigned seed);

// True when the CPU has AMX-INT8, the operating system gave this process the tile state, the
// kernel tier in use is AVX-512 (DEEPDESK_ISA can lower it) and DEEPDESK_AMX is not 0, and the
// kernels passed compare_amx_with_reference here. Checked once; a failed check prints a line to
// stderr and leaves the AVX-512 kernels in use.
bool amx_kernels_usable();

// The kernel for `weight` when amx_kernels_usable(), else nullptr.
amx_kernel_fn amx_kernel_for(tensor_type weight);

// job by its type's kernel, with a scratch buffer of this thread's own.
void amx_run(amx_kernel_fn fn, const amx_job& job);

}  // namespace deepdesk::kernels
