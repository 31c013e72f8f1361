// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the model loaders: any file must either load (header, tensors, and every
// hyperparameter the architecture reads, whatever GGUF type stores it) or be refused with an
// exception; never a crash, a hang or an allocation the file cannot justify.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "engine/model.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/deepdesk-fuzz-model-" + std::to_string(::getpid()) + ".gguf";
    // The scratch file goes when the fuzzer ends (libFuzzer leaves through exit()).
    static const bool cleaned_at_exit = [] { return std::atexit([] { std::remove(path.c_str()); }) == 0; }();
    (void)cleaned_at_exit;
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const auto m = deepdesk::model::load(path);
        (void)m->impl().kv_bytes_per_token();
    } catch (const std::exception&) {
    }
    return 0;
}
