// SPDX-License-Identifier: GPL-3.0-or-later
// A view of a 2-D weight matrix inside the mapped model file (no copy).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/tensor_types.h"

namespace deepdesk {

// PyTorch shape (rows, cols) = GGUF ne [cols, rows]; row r is `cols` contiguous elements.
struct weight_view {
    tensor_type type = tensor_type::f32;
    std::int64_t cols = 0;  // ne[0]: input features
    std::int64_t rows = 0;  // ne[1]: output features
    const std::uint8_t* data = nullptr;
    std::size_t row_bytes = 0;

    const std::uint8_t* row(std::int64_t r) const { return data + static_cast<std::size_t>(r) * row_bytes; }
    bool empty() const { return data == nullptr; }
};

}  // namespace deepdesk
