// SPDX-License-Identifier: GPL-3.0-or-later
// qwen3: DeepSeek-R1-0528-Qwen3-8B. Like qwen2 (rotation of the two halves of each head) without
// the q/k/v biases, with an RMSNorm over each query and key head before the rotation. Its head
// length comes from attention.key_length (it need not be embedding_length / head_count).
#include "engine/models/dense_decoder.h"

namespace deepdesk {

std::unique_ptr<architecture_impl> load_qwen3(model& m) {
    models::read_dense_config(m, "qwen3");
    m.mutable_config().rope.style = ops::rope_style::neox;
    return std::make_unique<models::dense_decoder>(m,
                                                   models::load_dense_weights(m, /*qkv_bias=*/false, /*qk_norm=*/true));
}

}  // namespace deepdesk
