// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the OpenAI-compatible server: any bytes, taken as one HTTP request from
// 127.0.0.1, get an HTTP response (or none, for a request too broken to answer), never a crash and
// never a 500 (which would mean a failure the server did not expect). The model is the scripted
// R1-style one of the tests, so a valid request generates quickly.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "server/openai_server.h"
#include "tests/support/scripted_chat_model.h"

namespace {

deepdesk::server::openai_server& server() {
    static const std::string path =
        (std::filesystem::temp_directory_path() / ("deepdesk-fuzz-server-" + std::to_string(::getpid()) + ".gguf"))
            .string();
    static std::unique_ptr<deepdesk::chat_engine> engine = [] {
        deepdesk::testing::write_scripted_chat_model(path);
        deepdesk::chat_engine_params p;
        p.model_path = path;
        p.n_ctx = 256;
        p.n_threads = 1;
        auto e = std::make_unique<deepdesk::chat_engine>(p);
        std::filesystem::remove(path);  // loaded: the file is no longer needed
        return e;
    }();
    static deepdesk::server::openai_server s(*engine, {});
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string response = server().answer_bytes(std::string(reinterpret_cast<const char*>(data), size));
    if (!response.empty() && response.rfind("HTTP/1.1 ", 0) != 0) {
        std::abort();  // not an HTTP response
    }
    if (response.rfind("HTTP/1.1 500", 0) == 0) {
        std::abort();  // an exception the server did not expect
    }
    return 0;
}
