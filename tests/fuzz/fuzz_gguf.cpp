// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the GGUF parser: any input must either parse into views that stay inside
// the buffer, or be rejected with gguf_error. Build: -DDEEPDESK_BUILD_FUZZERS=ON with clang.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "engine/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        const auto f = deepdesk::gguf::file::parse(data, size, "fuzz");
        for (const auto& t : f.tensors()) {
            if (t.data < data || t.data + t.size > data + size) {
                std::abort();
            }
        }
        for (const auto& m : f.metadata()) {
            if (const auto* a = std::get_if<deepdesk::gguf::array_value>(&m.val); a && a->data && a->count > 0) {
                (void)a->number_at(a->count - 1);
            }
        }
        (void)f.get_string("general.architecture");
    } catch (const deepdesk::gguf::gguf_error&) {
    }
    return 0;
}
