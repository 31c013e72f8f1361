#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# cli_shared_models.sh CLI SHARED_DIR: drives deepdesk-cli as a user would on the reference models.
# Exits 77 (skipped) when the reference data is absent.
set -u
cli=$1
models=$2/testdata/models
if [ ! -f "$models/tiny-llama.f16.gguf" ]; then
    echo "reference models not found in $models (../shared is absent): skipped"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
json=$(tr -d '\n ' < "$models/tiny-llama.f16.json")
ids=$(echo "$json" | sed -n 's/.*"prompt_ids":\[\([0-9,]*\)\].*/\1/p')
greedy=$(echo "$json" | sed -n 's/.*"greedy_32":\[\([0-9,]*\)\].*/\1/p' | tr ',' ' ')
[ -n "$ids" ] && [ -n "$greedy" ] || fail "cannot read the reference json"

out=$("$cli" info "$models/tiny-llama.f16.gguf") || fail "info failed"
echo "$out" | grep -q "architecture: *llama" || fail "info: no architecture line: $out"
echo "$out" | grep -q "KV bytes/token: *256 " || fail "info: wrong KV bytes per token: $out"
"$cli" info "$models/small-qwen2.q4_k_m.gguf" | grep -q "Q4_K x25" || fail "info: tensor types"

printed=$("$cli" logits -m "$models/tiny-llama.f16.gguf" --ids "$ids" -o "$tmp/l.f32") || fail "logits failed"
[ "$printed" = "$(echo "$ids" | tr ',' ' ')" ] || fail "logits printed '$printed'"
[ "$(wc -c < "$tmp/l.f32")" -eq $((32256 * 4)) ] || fail "logits file has the wrong size"
# DEEPDESK_TRACE: each layer's tensors as the reference's llama-eval-callback prints them, one row
# per token; the logits are the same with it.
DEEPDESK_TRACE=1 "$cli" logits -m "$models/tiny-llama.f16.gguf" --ids "$ids" -o "$tmp/traced.f32" \
    >/dev/null 2>"$tmp/trace" || fail "logits with DEEPDESK_TRACE failed"
cmp -s "$tmp/l.f32" "$tmp/traced.f32" || fail "DEEPDESK_TRACE changed the logits"
n_ids=$(echo "$ids" | tr ',' '\n' | wc -l)
grep -q "^trace: l_out-1 ($n_ids, 64) sum = " "$tmp/trace" || fail "no l_out-1 in the trace: $(head -3 "$tmp/trace")"
[ "$(grep -c '^  \[' "$tmp/trace")" -eq $((9 * 2 * n_ids)) ] || fail "the trace has the wrong number of rows"

prompt=$(sed -n 's/^ *"prompt": *"\([^"]*\)",*$/\1/p' "$models/tiny-llama.f16.json")
[ -n "$prompt" ] || fail "cannot read the reference prompt"
printed=$("$cli" logits -m "$models/tiny-llama.f16.gguf" -p "$prompt" -o "$tmp/p.f32") || fail "logits -p failed"
[ "$printed" = "$(echo "$ids" | tr ',' ' ')" ] || fail "logits -p tokenized the prompt as '$printed'"
cmp -s "$tmp/p.f32" "$tmp/l.f32" || fail "logits -p and --ids gave different logits"
vocab="$2/testdata/tokenizer/ggml-vocab-deepseek-coder.gguf"
[ "$("$cli" tokenize -m "$vocab" --no-bos "Hello world")" = "17535 1835" ] || fail "tokenize on a vocabulary-only file"
[ "$("$cli" tokenize -m "$vocab" "Hi" | cut -d' ' -f1)" = "32013" ] || fail "tokenize adds BOS"

gen=$("$cli" run -m "$models/tiny-llama.f16.gguf" --prompt-ids "$ids" -n 32 --temp 0 --ids) || fail "run failed"
[ "$gen" = "$greedy" ] || fail "greedy run gave '$gen', llama.cpp gave '$greedy'"
a=$("$cli" run -m "$models/tiny-llama.f16.gguf" --prompt-ids "$ids" -n 12 --seed 9 --ids)
b=$("$cli" run -m "$models/tiny-llama.f16.gguf" --prompt-ids "$ids" -n 12 --seed 9 --ids)
[ "$a" = "$b" ] || fail "same seed gave different tokens"

out=$("$cli" run -m "$models/tiny-llama.f16.gguf" --chat --chat-format deepseek-r1 -p "Why?" -n 8 --temp 0 --json) ||
    fail "run --chat failed"
case "$out" in
    '{"reasoning": "'?*'", "answer": ""}') ;;  # R1 opens the reasoning; never closed, it is all reasoning
    *) fail "run --chat --json gave: $out" ;;
esac
out=$("$cli" run -m "$models/tiny-llama.f16.gguf" --chat -p "你好" -n 8 --temp 0 --json) || fail "run --chat failed"
case "$out" in '{"reasoning": "", "answer": "'*'"}') ;; *) fail "run --chat (no reasoning) gave: $out" ;; esac
err=$("$cli" run -m "$models/tiny-llama.f16.gguf" --chat --chat-format chatml -p x 2>&1) && fail "an unknown chat format was accepted"
echo "$err" | grep -q "unknown chat format" || fail "chat format error: $err"

out=$(printf 'Hello\n/regen\n/system Be brief.\nAgain\n/reset\nHi\n/quit\n' |
      "$cli" chat -m "$models/tiny-llama.f16.gguf" --temp 0 -n 6) || fail "chat exited with an error"
[ "$(echo "$out" | grep -c 'prompt tokens reused')" -eq 4 ] || fail "chat did not answer four times: $out"
echo "$out" | grep -q ' 0 of [0-9]* prompt tokens reused' || fail "the first turn should reuse nothing: $out"
echo "$out" | grep -q '(new conversation)' || fail "/reset did not answer: $out"
regen=$(echo "$out" | grep 'prompt tokens reused' | sed -n 2p)
case "$regen" in *"68 of 69 prompt tokens reused"*) ;; *) fail "/regen should reuse all but one prompt token: $regen" ;; esac

head -c 100000 "$models/tiny-llama.f16.gguf" > "$tmp/cut.gguf"
err=$("$cli" info "$tmp/cut.gguf" 2>&1) && fail "a truncated file was accepted"
echo "$err" | grep -q "cut.gguf" || fail "the error does not name the file: $err"
err=$("$cli" logits -m "$models/tiny-llama.f16.gguf" --ids 1,x -o "$tmp/x" 2>&1) && fail "bad ids were accepted"
echo "$err" | grep -q "not a token id" || fail "bad ids: $err"
err=$("$cli" logits -m "$models/tiny-llama.f16.gguf" --ids 1,99999 -o "$tmp/x" 2>&1) && fail "an id past the vocabulary was accepted"
echo "$err" | grep -q "outside the vocabulary" || fail "id range: $err"
err=$("$cli" info "$2/testdata/tokenizer/ggml-vocab-deepseek-llm.gguf" 2>&1) && fail "a vocabulary-only file was accepted"
echo "$err" | grep -q "vocabulary-only" || fail "vocab-only: $err"
# deepseek2 (MLA + MoE): the compressed cache, and llama.cpp's greedy continuation.
ds2="$models/tiny-ds2-lite.f16.gguf"
json=$(tr -d '\n ' < "$models/tiny-ds2-lite.f16.json")
ids=$(echo "$json" | sed -n 's/.*"prompt_ids":\[\([0-9,]*\)\].*/\1/p')
greedy=$(echo "$json" | sed -n 's/.*"greedy_32":\[\([0-9,]*\)\].*/\1/p' | tr ',' ' ')
out=$("$cli" info "$ds2") || fail "info on deepseek2 failed"
echo "$out" | grep -q "architecture: *deepseek2" || fail "info: $out"
echo "$out" | grep -q "KV bytes/token: *2160 " || fail "info: the MLA cache is 27 x (32 + 8) x 2 bytes: $out"
gen=$("$cli" run -m "$ds2" --prompt-ids "$ids" -n 32 --temp 0 --ids) || fail "run on deepseek2 failed"
[ "$gen" = "$greedy" ] || fail "deepseek2 greedy run gave '$gen', llama.cpp gave '$greedy'"
echo "deepdesk-cli: info, logits, run and the error cases behave"
