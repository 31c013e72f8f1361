#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# DeepDesk's logits against llama.cpp's (the February 2025 build in ../shared/tools/llama.cpp, a
# measuring instrument only) on models made here: small llama and qwen2 models in F32, quantized by
# llama-quantize to every type DeepDesk runs, one 16-token prompt batch each. For every ISA tier both
# engines have on this CPU (llama.cpp's haswell variant with DeepDesk's AVX2 tier; its icelake
# variant with DeepDesk's AVX-512 tier), the last position's logits must agree to 1-cos <= 1e-6
# (BF16: 1e-5). For a deepseek2 model (attn_kv_b layout, the query's low rank, MoE), DeepDesk's
# error against the F32 model's logits must be no larger than llama.cpp's (ratio <= 1.02,
# averaged over two prompts), type by type.
#   fidelity_vs_llama.sh DEEPDESK_CLI MAKE_BENCH_MODEL SHARED_DIR
# Exits 77 (skipped) with the reason when the reference build or python3 is absent.
set -u
CLI=$1
MAKE=$2
SHARED=$3
REF="$SHARED/tools/llama.cpp"
if [ ! -x "$REF/llama-logits" ] || [ ! -x "$REF/llama-quantize" ]; then
    echo "SKIP: no reference llama.cpp build in $REF (it comes with ../shared)"
    exit 77
fi
if ! command -v python3 >/dev/null; then
    echo "SKIP: python3 is needed to compare the logits"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# llama.cpp picks its CPU variant at start, from the libraries beside the program; a copy without
# the icelake one runs the haswell one.
mkdir -p "$T/haswell"
for f in "$REF"/*; do
    case "$f" in *icelake*) ;; *) cp "$f" "$T/haswell/" ;; esac
done
variant() {  # the variant the llama.cpp in $1 loads here: haswell, icelake or none
    "$1/llama-logits" /nonexistent.gguf 1 "$T/none.f32" 1 2>&1 | grep -o 'libggml-cpu-[a-z]*' | head -1 |
        sed 's/libggml-cpu-//'
}
tiers=()
[ "$(variant "$T/haswell")" = haswell ] && tiers+=("haswell:avx2")
[ "$(variant "$REF")" = icelake ] && tiers+=("$REF:avx512")
if [ ${#tiers[@]} -eq 0 ]; then
    echo "SKIP: this CPU runs neither of the reference build's variants (AVX2 or AVX-512)"
    exit 77
fi

PROMPTS=("11039,2512,6025,30007,1711,8410,16385,27771,421,9283,13001,5157,22990,3127,18181,7777"
         "305,12345,27000,4096,777,15000,31000,1999,8888,24680,13579,600,9999,2024,16000,3333")
compare() {  # compare A.f32 B.f32 [F32.f32]: prints 1-cos(A, B) and, with F32, 1-cos of each against it
    python3 - "$@" <<'PY'
import math, struct, sys
def read(p):
    with open(p, "rb") as f:
        b = f.read()
    return struct.unpack(f"{len(b) // 4}f", b)
def one_minus_cos(a, b):
    dot = sum(x * y for x, y in zip(a, b))
    return 1.0 - dot / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
a, b = read(sys.argv[1]), read(sys.argv[2])
out = [one_minus_cos(a, b)]
if len(sys.argv) > 3:
    f = read(sys.argv[3])
    out += [one_minus_cos(a, f), one_minus_cos(b, f)]
print(" ".join(f"{x:.3e}" for x in out))
PY
}
llama_logits() {  # llama_logits DIR MODEL IDS OUT
    "$1/llama-logits" "$2" "$3" "$4" 0 >/dev/null 2>"$T/llama.err" || { tail -3 "$T/llama.err"; return 1; }
}
ours_logits() {  # ours_logits ISA MODEL IDS OUT
    DEEPDESK_ISA=$1 "$CLI" logits -m "$2" --ids "$3" -o "$4" >/dev/null 2>"$T/ours.err" || { tail -3 "$T/ours.err"; return 1; }
}

failures=0
TYPES="Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q4_K_S Q4_K_M Q5_K_S Q5_K_M Q6_K IQ4_NL IQ4_XS F16 BF16 F32"
for arch in llama qwen2; do
    "$MAKE" "$T/$arch.gguf" "$arch-f32" 2 >/dev/null || { echo "FAIL: make_bench_model $arch-f32"; exit 1; }
    for type in $TYPES; do
        m="$T/$arch.$type.gguf"
        "$REF/llama-quantize" "$T/$arch.gguf" "$m" "$type" >/dev/null 2>&1 || { echo "FAIL: llama-quantize $type"; exit 1; }
        limit=1e-6
        [ "$type" = BF16 ] && limit=1e-5
        for tier in "${tiers[@]}"; do
            dir=${tier%%:*}; isa=${tier##*:}
            [ "$dir" = haswell ] && dir="$T/haswell"
            llama_logits "$dir" "$m" "${PROMPTS[0]}" "$T/l.f32" || { failures=$((failures + 1)); continue; }
            ours_logits "$isa" "$m" "${PROMPTS[0]}" "$T/o.f32" || { failures=$((failures + 1)); continue; }
            d=$(compare "$T/o.f32" "$T/l.f32")
            verdict=ok
            python3 -c "import sys; sys.exit(0 if float('$d') <= $limit else 1)" || { verdict=FAIL; failures=$((failures + 1)); }
            printf '%-5s %-6s %-7s 1-cos %s (limit %s) %s\n' "$arch" "$type" "$isa" "$d" "$limit" "$verdict"
        done
    done
    rm -f "$T/$arch".*.gguf
done

# deepseek2: the error each engine leaves against the F32 model, llama.cpp on its best variant.
"$MAKE" "$T/ds.gguf" deepseek2-f32 >/dev/null || { echo "FAIL: make_bench_model deepseek2-f32"; exit 1; }
best=${tiers[${#tiers[@]} - 1]}
dir=${best%%:*}; isa=${best##*:}
[ "$dir" = haswell ] && dir="$T/haswell"
for i in 0 1; do
    llama_logits "$dir" "$T/ds.gguf" "${PROMPTS[$i]}" "$T/f$i.f32" || { echo "FAIL: llama.cpp on deepseek2 F32"; exit 1; }
done
for type in Q4_0 Q5_0 Q8_0 Q4_K_M Q5_K_M Q6_K F16 BF16; do
    m="$T/ds.$type.gguf"
    "$REF/llama-quantize" "$T/ds.gguf" "$m" "$type" >/dev/null 2>&1 || { echo "FAIL: llama-quantize $type"; exit 1; }
    sum_l=0; sum_o=0
    for i in 0 1; do
        llama_logits "$dir" "$m" "${PROMPTS[$i]}" "$T/l.f32" && ours_logits "$isa" "$m" "${PROMPTS[$i]}" "$T/o.f32" ||
            { failures=$((failures + 1)); continue 2; }
        read -r _ err_o err_l <<<"$(compare "$T/o.f32" "$T/l.f32" "$T/f$i.f32")"
        sum_l=$(python3 -c "print($sum_l + $err_l)"); sum_o=$(python3 -c "print($sum_o + $err_o)")
    done
    ratio=$(python3 -c "print(f'{$sum_o / $sum_l:.3f}')")
    verdict=ok
    python3 -c "import sys; sys.exit(0 if $ratio <= 1.02 else 1)" || { verdict=FAIL; failures=$((failures + 1)); }
    printf 'deepseek2 %-6s %-7s error vs F32: llama.cpp %.3e, deepdesk %.3e, ratio %s (limit 1.02) %s\n' \
        "$type" "$isa" "$(python3 -c "print($sum_l / 2)")" "$(python3 -c "print($sum_o / 2)")" "$ratio" "$verdict"
    rm -f "$m"
done

if [ "$failures" -ne 0 ]; then
    echo "FAIL: $failures comparisons outside their limits"
    exit 1
fi
echo "all comparisons within their limits"
