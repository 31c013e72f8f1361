// SPDX-License-Identifier: GPL-3.0-or-later
// deepdesk-cli: the headless engine tool. Each subcommand lives in its own function; main only
// wires them to CLI11.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "engine/cpu_features.h"
#include "engine/kernels/convert.h"
#include "engine/version.h"

namespace {

int run_cpu() {
    const deepdesk::cpu_features& cpu = deepdesk::host_cpu();
    const auto yes_no = [](bool b) { return b ? "yes" : "no"; };
    std::printf("cpu:          %s\n", cpu.brand.empty() ? "(unknown)" : cpu.brand.c_str());
    std::printf("avx2/fma/f16c: %s/%s/%s\n", yes_no(cpu.avx2), yes_no(cpu.fma), yes_no(cpu.f16c));
    std::printf("avx512 f/bw/vl: %s/%s/%s\n", yes_no(cpu.avx512f), yes_no(cpu.avx512bw), yes_no(cpu.avx512vl));
    std::printf("avx512 vnni/bf16: %s/%s\n", yes_no(cpu.avx512_vnni), yes_no(cpu.avx512_bf16));
    std::printf("avx-vnni:     %s\n", yes_no(cpu.avx_vnni));
    const std::string best(deepdesk::isa_name(deepdesk::detect_isa(cpu)));
    const std::string active(deepdesk::isa_name(deepdesk::active_isa()));
    std::printf("kernels:      %s (best this CPU runs: %s)\n", active.c_str(), best.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"deepdesk-cli: run DeepSeek models from GGUF files on the CPU", "deepdesk-cli"};
    app.set_version_flag("--version", std::string("deepdesk-cli ") + deepdesk::version());
    app.failure_message(CLI::FailureMessage::help);
    app.require_subcommand(1);

    CLI::App* cpu = app.add_subcommand("cpu", "Show the CPU features found and the kernels chosen");

    CLI11_PARSE(app, argc, argv);

    if (cpu->parsed()) {
        return run_cpu();
    }
    return 1;
}
