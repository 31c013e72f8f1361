// SPDX-License-Identifier: GPL-3.0-or-later
// ggml tensor element types as stored in GGUF files: ids, block geometry, names.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace deepdesk {

enum class tensor_type : std::uint32_t {
    f32 = 0,
    f16 = 1,
    q4_0 = 2,
    q4_1 = 3,
    q5_0 = 6,
    q5_1 = 7,
    q8_0 = 8,
    q8_1 = 9,
    q2_k = 10,
    q3_k = 11,
    q4_k = 12,
    q5_k = 13,
    q6_k = 14,
    q8_k = 15,
    iq2_xxs = 16,
    iq2_xs = 17,
    iq3_xxs = 18,
    iq1_s = 19,
    iq4_nl = 20,
    iq3_s = 21,
    iq2_s = 22,
    iq4_xs = 23,
    i8 = 24,
    i16 = 25,
    i32 = 26,
    i64 = 27,
    f64 = 28,
    iq1_m = 29,
    bf16 = 30,
    tq1_0 = 34,
    tq2_0 = 35,
};

struct tensor_type_traits {
    tensor_type type;
    std::string_view name;   // as ggml spells it, e.g. "Q4_K"
    std::size_t block_size;  // elements per block
    std::size_t type_size;   // bytes per block
    bool supported;          // the engine can compute with it
};

// Traits of a known type id, or nullopt for an id ggml never defined.
std::optional<tensor_type_traits> traits_of(std::uint32_t id);
const tensor_type_traits& traits_of(tensor_type type);

// "Q4_K", or "type 99" for an unknown id.
std::string type_name(std::uint32_t id);

// Bytes of one row of `n` elements; n must be a multiple of the block size.
inline std::size_t row_bytes(const tensor_type_traits& t, std::size_t n) { return n / t.block_size * t.type_size; }

}  // namespace deepdesk
