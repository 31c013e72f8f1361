// SPDX-License-Identifier: GPL-3.0-or-later
// make_scripted_model OUT.gguf: writes the scripted R1-style model (reasons "Okay", answers
// "Hi 4U!") for tests that drive the real binaries.
#include <cstdio>
#include <exception>

#include "tests/support/scripted_chat_model.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_scripted_model OUT.gguf\n");
        return 2;
    }
    try {
        deepdesk::testing::write_scripted_chat_model(argv[1]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "make_scripted_model: %s\n", e.what());
        return 1;
    }
    return 0;
}
