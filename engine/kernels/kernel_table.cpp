// SPDX-License-Identifier: GPL-3.0-or-later
// The table of every type's kernels, and the dispatch that reads it.
#include "engine/kernels/kernel_table.h"

#include <stdexcept>
#include <string>

#include "engine/kernels/convert.h"

namespace deepdesk::kernels {

namespace avx2 {
float dot_q8_0(const void*, const void*, std::size_t);
float dot_q4_0(const void*, const void*, std::size_t);
float dot_q4_k(const void*, const void*, std::size_t);
float dot_q6_k(const void*, const void*, std::size_t);
float dot_f16(const void*, const void*, std::size_t);
float dot_f32(const void*, const void*, std::size_t);
float dot_q5_0(const void*, const void*, std::size_t);
float dot_q5_k(const void*, const void*, std::size_t);
float dot_iq4_nl(const void*, const void*, std::size_t);
float dot_iq4_xs(const void*, const void*, std::size_t);
float dot_q4_1(const void*, const void*, std::size_t);
float dot_q5_1(const void*, const void*, std::size_t);
float dot_bf16(const void*, const void*, std::size_t);
void dot4_q4_k(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q6_k(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q8_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q4_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q5_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_iq4_nl(const void*, const void*, std::size_t, std::size_t, float*);
void tile4x4_q8_0(const void*, std::size_t, const void*, std::size_t, std::size_t, float*);
void tile4x4_q5_0(const void*, std::size_t, const void*, std::size_t, std::size_t, float*);
void tile4x4_iq4_nl(const void*, std::size_t, const void*, std::size_t, std::size_t, float*);
void quantize_row_q8_0(const float*, void*, std::size_t);
void quantize_row_q8_k(const float*, void*, std::size_t);
}  // namespace avx2

namespace avx512 {
float dot_q8_0(const void*, const void*, std::size_t);
float dot_q5_0(const void*, const void*, std::size_t);
float dot_iq4_nl(const void*, const void*, std::size_t);
float dot_q4_k(const void*, const void*, std::size_t);
float dot_q6_k(const void*, const void*, std::size_t);
void dot4_q8_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q5_0(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_iq4_nl(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q4_k(const void*, const void*, std::size_t, std::size_t, float*);
void dot4_q6_k(const void*, const void*, std::size_t, std::size_t, float*);
void rows4_q8_0(const void*, std::size_t, const void*, std::size_t, float*);
void rows4_q5_0(const void*, std::size_t, const void*, std::size_t, float*);
void rows4_iq4_nl(const void*, std::size_t, const void*, std::size_t, float*);
void tile4x4_q8_0(const void*, std::size_t, const void*, std::size_t, std::size_t, float*);
void tile4x4_q5_0(const void*, std::size_t, const void*, std::size_t, std::size_t, float*);
void tile4x4_iq4_nl(const void*, std::size_t, const void*, std::size_t, std::size_t, float*);
}  // namespace avx512

namespace {

using tt = tensor_type;

void from_float_f16_fast(const float* src, void* dst, std::size_t n) {
    convert_kernels().f32_to_f16(src, static_cast<std::uint16_t*>(dst), n);
}

#if defined(__x86_64__)
constexpr dot_tier tier(dot_fn dot, dot4_fn dot4 = nullptr, rows4_fn rows4 = nullptr, tile4x4_fn tile = nullptr) {
    return {dot, dot4, rows4, tile};
}
#define DEEPDESK_X86(...) __VA_ARGS__
#else
constexpr dot_tier tier(dot_fn, dot4_fn = nullptr, rows4_fn = nullptr, tile4x4_fn = nullptr) { return {}; }
#define DEEPDESK_X86(...) nullptr
#endif

// type, vec_dot_type, to_float, from_float, from_float_fast, vec_dot, avx2, avx512.
const type_kernels k_table[] = {
    {tt::f32,
     tt::f32,
     ref::to_float_f32,
     ref::from_float_f32,
     nullptr,
     ref::dot_f32,
     tier(DEEPDESK_X86(avx2::dot_f32)),
     {}},
    {tt::f16,
     tt::f16,
     ref::to_float_f16,
     ref::from_float_f16,
     from_float_f16_fast,
     ref::dot_f16,
     tier(DEEPDESK_X86(avx2::dot_f16)),
     {}},
    {tt::bf16,
     tt::bf16,
     ref::to_float_bf16,
     ref::from_float_bf16,
     nullptr,
     ref::dot_bf16,
     tier(DEEPDESK_X86(avx2::dot_bf16)),
     {}},
    // Q4_0 has no AVX-512 kernels: the AVX2 ones sum block by block, as the reference runtime's
    // repacked Q4_0 does on every x86 tier.
    {tt::q4_0,
     tt::q8_0,
     ref::to_float_q4_0,
     nullptr,
     nullptr,
     ref::dot_q4_0,
     tier(DEEPDESK_X86(avx2::dot_q4_0), DEEPDESK_X86(avx2::dot4_q4_0)),
     {}},
    {tt::q4_1, tt::q8_1, ref::to_float_q4_1, nullptr, nullptr, ref::dot_q4_1, tier(DEEPDESK_X86(avx2::dot_q4_1)), {}},
    {tt::q5_0, tt::q8_0, ref::to_float_q5_0, nullptr, nullptr, ref::dot_q5_0,
     tier(DEEPDESK_X86(avx2::dot_q5_0), DEEPDESK_X86(avx2::dot4_q5_0), nullptr, DEEPDESK_X86(avx2::tile4x4_q5_0)),
     tier(DEEPDESK_X86(avx512::dot_q5_0), DEEPDESK_X86(avx512::dot4_q5_0), DEEPDESK_X86(avx512::rows4_q5_0),
          DEEPDESK_X86(avx512::tile4x4_q5_0))},
    {tt::q5_1, tt::q8_1, ref::to_float_q5_1, nullptr, nullptr, ref::dot_q5_1, tier(DEEPDESK_X86(avx2::dot_q5_1)), {}},
    {tt::q8_0, tt::q8_0, ref::to_float_q8_0, ref::from_float_q8_0, DEEPDESK_X86(avx2::quantize_row_q8_0), ref::dot_q8_0,
     tier(DEEPDESK_X86(avx2::dot_q8_0), DEEPDESK_X86(avx2::dot4_q8_0), nullptr, DEEPDESK_X86(avx2::tile4x4_q8_0)),
     tier(DEEPDESK_X86(avx512::dot_q8_0), DEEPDESK_X86(avx512::dot4_q8_0), DEEPDESK_X86(avx512::rows4_q8_0),
          DEEPDESK_X86(avx512::tile4x4_q8_0))},
    {tt::q8_1, tt::q8_1, nullptr, ref::from_float_q8_1, nullptr, nullptr, {}, {}},
    {tt::q8_k, tt::q8_k, nullptr, ref::from_float_q8_k, DEEPDESK_X86(avx2::quantize_row_q8_k), nullptr, {}, {}},
    {tt::iq4_nl, tt::q8_0, ref::to_float_iq4_nl, nullptr, nullptr, ref::dot_iq4_nl,
     tier(DEEPDESK_X86(avx2::dot_iq4_nl), DEEPDESK_X86(avx2::dot4_iq4_nl), nullptr, DEEPDESK_X86(avx2::tile4x4_iq4_nl)),
     tier(DEEPDESK_X86(avx512::dot_iq4_nl), DEEPDESK_X86(avx512::dot4_iq4_nl), DEEPDESK_X86(avx512::rows4_iq4_nl),
          DEEPDESK_X86(avx512::tile4x4_iq4_nl))},
    {tt::q4_k, tt::q8_k, ref::to_float_q4_k, nullptr, nullptr, ref::dot_q4_k,
     tier(DEEPDESK_X86(avx2::dot_q4_k), DEEPDESK_X86(avx2::dot4_q4_k)),
     tier(DEEPDESK_X86(avx512::dot_q4_k), DEEPDESK_X86(avx512::dot4_q4_k))},
    {tt::q5_k, tt::q8_k, ref::to_float_q5_k, nullptr, nullptr, ref::dot_q5_k, tier(DEEPDESK_X86(avx2::dot_q5_k)), {}},
    {tt::q6_k, tt::q8_k, ref::to_float_q6_k, nullptr, nullptr, ref::dot_q6_k,
     tier(DEEPDESK_X86(avx2::dot_q6_k), DEEPDESK_X86(avx2::dot4_q6_k)),
     tier(DEEPDESK_X86(avx512::dot_q6_k), DEEPDESK_X86(avx512::dot4_q6_k))},
    {tt::iq4_xs,
     tt::q8_k,
     ref::to_float_iq4_xs,
     nullptr,
     nullptr,
     ref::dot_iq4_xs,
     tier(DEEPDESK_X86(avx2::dot_iq4_xs)),
     {}},
};
#undef DEEPDESK_X86

// The activation type's row (every vec_dot_type has one, with its from_float).
const type_kernels& activation_row(tensor_type weight) {
    const type_kernels* w = kernels_of(weight);
    const type_kernels* a = w != nullptr ? kernels_of(w->vec_dot_type) : kernels_of(tt::f32);
    return *a;
}

}  // namespace

std::span<const type_kernels> all_type_kernels() { return k_table; }

const type_kernels* kernels_of(tensor_type type) {
    for (const type_kernels& k : k_table) {
        if (k.type == type) {
            return &k;
        }
    }
    return nullptr;
}

const type_kernels& kernels_for(tensor_type type, const char* what) {
    const type_kernels* k = kernels_of(type);
    if (k == nullptr) {
        throw std::invalid_argument(std::string(what) + ": " + std::string(traits_of(type).name) + " is not supported");
    }
    return *k;
}

tensor_type activation_type(tensor_type weight) {
    const type_kernels* k = kernels_of(weight);
    return k != nullptr ? k->vec_dot_type : tt::f32;
}

std::size_t activation_row_bytes(tensor_type weight, std::size_t n) {
    return row_bytes(traits_of(activation_type(weight)), n);
}

void quantize_activation_ref(tensor_type weight, const float* x, void* dst, std::size_t n) {
    activation_row(weight).from_float(x, dst, n);
}

void quantize_activation(tensor_type weight, const float* x, void* dst, std::size_t n) {
    const type_kernels& a = activation_row(weight);
    if (a.from_float_fast != nullptr && active_isa() >= isa_level::avx2) {
        a.from_float_fast(x, dst, n);
        return;
    }
    a.from_float(x, dst, n);
}

float vec_dot_ref(tensor_type weight, const void* w, const void* a, std::size_t n) {
    const type_kernels& k = kernels_for(weight, "vec_dot_ref");
    if (k.vec_dot == nullptr) {
        throw std::invalid_argument("vec_dot_ref: " + std::string(traits_of(weight).name) + " is not supported");
    }
    return k.vec_dot(w, a, n);
}

dot_fn dot_kernel_ref(tensor_type weight) {
    const type_kernels* k = kernels_of(weight);
    if (k == nullptr || k->vec_dot == nullptr) {
        throw std::invalid_argument("no dot product for " + std::string(traits_of(weight).name));
    }
    return k->vec_dot;
}

isa_level quant_dot_isa() {
    const isa_level isa = active_isa();
    return isa >= isa_level::avx512 && !avx512_kernels_usable() ? isa_level::avx2 : isa;
}

dot_fn dot_kernel(tensor_type weight, isa_level isa) {
    const type_kernels* k = kernels_of(weight);
    if (k != nullptr) {
        if (isa >= isa_level::avx512 && k->avx512.dot != nullptr && avx512_kernels_usable()) {
            return k->avx512.dot;
        }
        if (isa >= isa_level::avx2 && k->avx2.dot != nullptr) {
            return k->avx2.dot;
        }
    }
    return dot_kernel_ref(weight);
}

dot_fn dot_kernel(tensor_type weight) { return dot_kernel(weight, active_isa()); }

dot4_fn dot4_kernel(tensor_type weight, isa_level isa) {
    const type_kernels* k = kernels_of(weight);
    if (k == nullptr) {
        return nullptr;
    }
    if (isa >= isa_level::avx512 && k->avx512.dot != nullptr && avx512_kernels_usable()) {
        return k->avx512.dot4;
    }
    return isa >= isa_level::avx2 ? k->avx2.dot4 : nullptr;
}

dot4_fn dot4_kernel(tensor_type weight) { return dot4_kernel(weight, active_isa()); }

namespace {
// The tier `isa` allows for `weight` (nullptr: none, or the reference only).
const dot_tier* tier_for(tensor_type weight, isa_level isa) {
    const type_kernels* k = kernels_of(weight);
    if (k == nullptr) {
        return nullptr;
    }
    if (isa >= isa_level::avx512 && k->avx512.dot != nullptr && avx512_kernels_usable()) {
        return &k->avx512;
    }
    return isa >= isa_level::avx2 ? &k->avx2 : nullptr;
}
}  // namespace

rows4_fn rows4_kernel(tensor_type weight, isa_level isa) {
    const dot_tier* t = tier_for(weight, isa);
    return t != nullptr ? t->rows4 : nullptr;
}
rows4_fn rows4_kernel(tensor_type weight) { return rows4_kernel(weight, active_isa()); }

tile4x4_fn tile4x4_kernel(tensor_type weight, isa_level isa) {
    const dot_tier* t = tier_for(weight, isa);
    return t != nullptr ? t->tile4x4 : nullptr;
}
tile4x4_fn tile4x4_kernel(tensor_type weight) { return tile4x4_kernel(weight, active_isa()); }

void dequantize_row_ref(tensor_type type, const void* src, float* dst, std::size_t n) {
    const type_kernels* k = kernels_of(type);
    if (k == nullptr || k->to_float == nullptr) {
        throw std::invalid_argument("dequantize_row_ref: " + std::string(traits_of(type).name) + " is not supported");
    }
    const auto& t = traits_of(type);
    if (n % t.block_size != 0) {
        throw std::invalid_argument("dequantize_row_ref: row of " + std::to_string(n) + " is not whole " +
                                    std::string(t.name) + " blocks");
    }
    k->to_float(src, dst, n);
}

}  // namespace deepdesk::kernels
