#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Embeddings against the current llama.cpp (inside node-llama-cpp, as ../shared/tools/
# vs_modern_llama.sh installs it): a Qwen3-Embedding-shaped model from make_bench_model
# (last-token pooling, EOS added), the same texts through both, 1 - cosine per text.
# Skips (77) with the reason when node or node-llama-cpp is not installed.
# Usage: embedding_vs_llama.sh DEEPDESK_CLI MAKE_BENCH_MODEL
set -euo pipefail
cli=$1
make_model=$2
dir=${MODERN_LLAMA_DIR:-$HOME/.cache/deepdesk-modern-llama}
if ! command -v node >/dev/null || [ ! -f "$dir/node_modules/node-llama-cpp/dist/index.js" ]; then
    echo "SKIPPED: node-llama-cpp is not installed in $dir (../shared/tools/vs_modern_llama.sh installs it)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$make_model" "$work/embed.gguf" qwen3-embed-f32 >/dev/null
texts=("hello world" "The cat sat on the mat, and then it slept." "红烧肉要炖一个半小时。" "x")
"$cli" embed "$work/embed.gguf" "${texts[@]}" -t 2 >"$work/ours.json"
node "$(dirname "$0")/embedding_vs_llama.mjs" "$dir" "$work/embed.gguf" "${texts[@]}" >"$work/theirs.json"
/usr/bin/python3 - "$work/ours.json" "$work/theirs.json" <<'PY'
import json, math, sys
ours = json.load(open(sys.argv[1]))["vectors"]
theirs = json.load(open(sys.argv[2]))
worst = 0.0
for i, (a, b) in enumerate(zip(ours, theirs)):
    nb = math.sqrt(sum(x * x for x in b))
    cos = sum(x * y for x, y in zip(a, b)) / nb
    worst = max(worst, 1 - cos)
    print(f"text {i}: 1-cos {1 - cos:.2e}")
print(f"worst 1-cos against llama.cpp: {worst:.2e}")
sys.exit(0 if len(ours) == len(theirs) and worst <= 1e-5 else 1)
PY
