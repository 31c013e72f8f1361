// SPDX-License-Identifier: GPL-3.0-or-later
// llama: DeepSeek LLM 7B/67B, DeepSeek-Coder, DeepSeek-Math, DeepSeek-Prover, R1-Distill-Llama.
// Rotary embedding on adjacent pairs; Coder's linear rope scaling and R1-Distill-Llama's
// rope_freqs come from the file's metadata and tensors.
#include "engine/models/dense_decoder.h"

namespace deepdesk {

std::unique_ptr<architecture_impl> load_llama(model& m) {
    models::read_dense_config(m, "llama");
    m.mutable_config().rope.style = ops::rope_style::adjacent;
    return std::make_unique<models::dense_decoder>(m, models::load_dense_weights(m, /*qkv_bias=*/false));
}

}  // namespace deepdesk
