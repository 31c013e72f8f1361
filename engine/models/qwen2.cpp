// SPDX-License-Identifier: GPL-3.0-or-later
// qwen2: the DeepSeek-R1-Distill-Qwen models. Like llama, plus q/k/v biases, with the rotary
// embedding applied to the two halves of each head (x[i], x[i + d/2]).
#include "engine/models/dense_decoder.h"

namespace deepdesk {

std::unique_ptr<architecture_impl> load_qwen2(model& m) {
    models::read_dense_config(m, "qwen2");
    m.mutable_config().rope.style = ops::rope_style::neox;
    return std::make_unique<models::dense_decoder>(m, models::load_dense_weights(m, /*qkv_bias=*/true));
}

}  // namespace deepdesk
