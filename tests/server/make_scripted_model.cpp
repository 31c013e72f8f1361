// SPDX-License-Identifier: GPL-3.0-or-later
// make_scripted_model OUT.gguf [tools|embed]: writes the scripted R1-style model (reasons "Okay",
// answers "Hi 4U!", or with `tools` answers with a call of ping({})), or with `embed` the tiny
// bag-of-bytes embedding model, for tests that drive the real binaries.
#include <cstdio>
#include <exception>
#include <string>

#include "tests/support/embedding_model.h"
#include "tests/support/scripted_chat_model.h"

int main(int argc, char** argv) {
    const std::string kind = argc == 3 ? argv[2] : "";
    if (argc != 2 && !(argc == 3 && (kind == "tools" || kind == "embed"))) {
        std::fprintf(stderr, "usage: make_scripted_model OUT.gguf [tools|embed]\n");
        return 2;
    }
    try {
        if (kind == "embed") {
            deepdesk::testing::write_byte_embedding_model(argv[1]);
            return 0;
        }
        deepdesk::testing::scripted_chat_spec spec;
        if (argc == 3) {
            spec.answer =
                "<\uff5ctool\u2581calls\u2581begin\uff5c><\uff5ctool\u2581call\u2581begin\uff5c>ping"
                "<\uff5ctool\u2581sep\uff5c>{}<\uff5ctool\u2581call\u2581end\uff5c>"
                "<\uff5ctool\u2581calls\u2581end\uff5c>";
        }
        deepdesk::testing::write_scripted_chat_model(argv[1], spec);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_scripted_model: %s\n", e.what());
        return 1;
    }
    return 0;
}
