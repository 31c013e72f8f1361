# SPDX-License-Identifier: GPL-3.0-or-later
# Compiler settings for project targets: warnings are errors in our own code, optional sanitizers.
# No -march=native: builds must run on any x86-64 CPU; fast paths are chosen at run time.

if(DEEPDESK_SANITIZE)
    add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
    add_link_options(-fsanitize=address,undefined)
endif()

# No implicit fused multiply-adds: kernels for different ISA tiers must give the same floats.
add_compile_options(-ffp-contract=off)

# Fuzz builds: coverage-instrument every project library, not just the fuzz entry points, so
# libFuzzer sees the parser's branches.
if(DEEPDESK_BUILD_FUZZERS)
    add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# deepdesk_strict(target): turn on the project's warning set, as errors, for one of our targets.
function(deepdesk_strict target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Werror
        -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
        -Wformat=2 -Wimplicit-fallthrough
        # GCC 12 reports std::string concatenation at -O3 as overlapping memcpy (GCC bug 105329).
        $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
endfunction()
