// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/tensor_types.h"

#include <array>
#include <stdexcept>

namespace deepdesk {
namespace {

using tt = tensor_type;

// Block geometry of every type ggml defines (so errors can name them), and which ones we compute.
constexpr std::array k_types{
    tensor_type_traits{tt::f32, "F32", 1, 4, true},
    tensor_type_traits{tt::f16, "F16", 1, 2, true},
    tensor_type_traits{tt::q4_0, "Q4_0", 32, 18, true},
    tensor_type_traits{tt::q4_1, "Q4_1", 32, 20, true},
    tensor_type_traits{tt::q5_0, "Q5_0", 32, 22, true},
    tensor_type_traits{tt::q5_1, "Q5_1", 32, 24, true},
    tensor_type_traits{tt::q8_0, "Q8_0", 32, 34, true},
    tensor_type_traits{tt::q8_1, "Q8_1", 32, 36, false},
    tensor_type_traits{tt::q2_k, "Q2_K", 256, 84, false},
    tensor_type_traits{tt::q3_k, "Q3_K", 256, 110, false},
    tensor_type_traits{tt::q4_k, "Q4_K", 256, 144, true},
    tensor_type_traits{tt::q5_k, "Q5_K", 256, 176, true},
    tensor_type_traits{tt::q6_k, "Q6_K", 256, 210, true},
    tensor_type_traits{tt::q8_k, "Q8_K", 256, 292, false},
    tensor_type_traits{tt::iq2_xxs, "IQ2_XXS", 256, 66, false},
    tensor_type_traits{tt::iq2_xs, "IQ2_XS", 256, 74, false},
    tensor_type_traits{tt::iq3_xxs, "IQ3_XXS", 256, 98, false},
    tensor_type_traits{tt::iq1_s, "IQ1_S", 256, 50, false},
    tensor_type_traits{tt::iq4_nl, "IQ4_NL", 32, 18, true},
    tensor_type_traits{tt::iq3_s, "IQ3_S", 256, 110, false},
    tensor_type_traits{tt::iq2_s, "IQ2_S", 256, 82, false},
    tensor_type_traits{tt::iq4_xs, "IQ4_XS", 256, 136, true},
    tensor_type_traits{tt::i8, "I8", 1, 1, false},
    tensor_type_traits{tt::i16, "I16", 1, 2, false},
    tensor_type_traits{tt::i32, "I32", 1, 4, false},
    tensor_type_traits{tt::i64, "I64", 1, 8, false},
    tensor_type_traits{tt::f64, "F64", 1, 8, false},
    tensor_type_traits{tt::iq1_m, "IQ1_M", 256, 56, false},
    tensor_type_traits{tt::bf16, "BF16", 1, 2, true},
    tensor_type_traits{tt::tq1_0, "TQ1_0", 256, 54, false},
    tensor_type_traits{tt::tq2_0, "TQ2_0", 256, 66, false},
};

}  // namespace

std::optional<tensor_type_traits> traits_of(std::uint32_t id) {
    for (const auto& t : k_types) {
        if (static_cast<std::uint32_t>(t.type) == id) {
            return t;
        }
    }
    return std::nullopt;
}

const tensor_type_traits& traits_of(tensor_type type) {
    for (const auto& t : k_types) {
        if (t.type == type) {
            return t;
        }
    }
    throw std::logic_error("tensor type missing from the traits table");
}

std::string type_name(std::uint32_t id) {
    const auto t = traits_of(id);
    return t ? std::string(t->name) : "type " + std::to_string(id);
}

}  // namespace deepdesk
