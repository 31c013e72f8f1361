#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh WORK_DIR CLI MAKE_MODEL: installs the pinned `openai` npm package into WORK_DIR (once),
# starts `CLI serve` on a free port with the scripted model, and runs sdk_test.mjs against it.
# Exit 77 (skipped, with the reason) when node/npm or the npm registry is not reachable.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$1
cli=$2
make_model=$3
mkdir -p "$work"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "SKIPPED: node and npm are needed for the OpenAI SDK test (apt install nodejs npm)"
    exit 77
fi
cp "$here/package.json" "$here/package-lock.json" "$here/sdk_test.mjs" "$work/"
if [ ! -d "$work/node_modules/openai" ]; then
    if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error); then
        echo "SKIPPED: npm could not install the openai package (is the npm registry reachable?)"
        exit 77
    fi
fi
"$make_model" "$work/scripted.gguf"
"$make_model" "$work/tools.gguf" tools
"$make_model" "$work/embed.gguf" embed
"$cli" serve -m "$work/scripted.gguf" --port 0 --api-key sk-test --threads 1 > "$work/serve.log" 2>&1 &
server=$!
"$cli" serve -m "$work/tools.gguf" --port 0 --api-key sk-test --threads 1 -c 2048 \
    --embedding-model "$work/embed.gguf" > "$work/serve-tools.log" 2>&1 &
tools=$!
trap 'kill $server $tools 2>/dev/null || true' EXIT
# The address a server printed to LOG once it listens (empty if it did not start within 10 s).
listening() {
    local u=""
    for _ in $(seq 1 100); do
        u=$(sed -n 's/.* on \(http:[^ ]*\).*/\1/p' "$1")
        [ -n "$u" ] && break
        sleep 0.1
    done
    echo "$u"
}
url=$(listening "$work/serve.log")
[ -n "$url" ] || { echo "the server did not start:"; cat "$work/serve.log"; exit 1; }
tools_url=$(listening "$work/serve-tools.log")
[ -n "$tools_url" ] || { echo "the tools server did not start:"; cat "$work/serve-tools.log"; exit 1; }
(cd "$work" && node sdk_test.mjs "$url" sk-test "$tools_url")
