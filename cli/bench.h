// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace deepdesk::cli {

struct bench_options {
    std::string model;
    int n_prompt = 512;
    int n_gen = 128;
    int threads = 2;
    int n_ctx = 0;  // the context the session allocates; 0: prompt + generation
    bool json = false;
};

// Prompt and generation speed, with the machine's read bandwidth measured in the same run.
int run_bench(const bench_options& o);

// Resident memory of this process in bytes (from /proc/self/status), 0 if unknown.
unsigned long long resident_bytes();

}  // namespace deepdesk::cli
