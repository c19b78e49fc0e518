#!/usr/bin/env bash
# On-chip chains (compiler/chain.c, STORE target ASPAD): KWS compiled for 16x16 keeps activations
# in ASPAD (STOREs with target ASPAD; a chained layer loads no input into ASPAD); compiled for a
# configuration without the feature (the ULX3S board lists it absent; 8x4: ROWS != COLS) it has
# none. The chained program's outputs on rtl and func equal the reference interpreter's (cpu),
# and the chained 8x8 program's equal the unchained ULX3S program's, for two seeds (no TensorFlow:
# mica verify against LiteRT is tests/kernels' business: check_chains.py).
# usage: tests/unit/test_chain.sh MICA
set -u
mica=$1
model=models/kws_dscnn.tflite
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL test_chain: $*"; fail=1; }
aspad_stores() { "$mica" disasm "$1" | grep -cE '^ +[0-9]+  STORE .*target=ASPAD'; }

"$mica" compile "$model" -o "$tmp/k16.mica" > /dev/null || bad "compile 16x16"
n=$(aspad_stores "$tmp/k16.mica")
[ "$n" -gt 0 ] || bad "16x16: no STORE with target ASPAD"
# 1_dw (step 1) reads 0_conv's output from ASPAD: weights and PARAM loads only
"$mica" disasm "$tmp/k16.mica" --step 1 | grep -qE '^ +[0-9]+  LOAD .*target=ASPAD' && bad "16x16: 1_dw loads its input"
"$mica" compile "$model" -o "$tmp/k8.mica" --array 8x8 > /dev/null || bad "compile 8x8"
[ "$(aspad_stores "$tmp/k8.mica")" -gt 0 ] || bad "8x8: no STORE with target ASPAD"
"$mica" compile "$model" -o "$tmp/ulx.mica" --board ulx3s > /dev/null || bad "compile ulx3s"
[ "$(aspad_stores "$tmp/ulx.mica")" = 0 ] || bad "ulx3s (feature absent): STOREs with target ASPAD"
"$mica" compile "$model" -o "$tmp/k84.mica" --array 8x4 > /dev/null || bad "compile 8x4"
[ "$(aspad_stores "$tmp/k84.mica")" = 0 ] || bad "8x4 (ROWS != COLS): STOREs with target ASPAD"

# a device without the feature (func:absent=STORE_ASPAD) refuses the chained program before it runs
"$mica" run "$tmp/k16.mica" --backend func:absent=32 > "$tmp/refuse.txt" 2>&1 && bad "ran without STORE_ASPAD"
grep -q "needs feature store_aspad" "$tmp/refuse.txt" || bad "refusal: $(head -1 "$tmp/refuse.txt")"

run() { # program backend seed -> its output file
  mkdir -p "$tmp/$2.$3" && "$mica" run "$1" --backend "$2" --seed "$3" --output-dir "$tmp/$2.$3" > /dev/null ||
    bad "run $1 --backend $2 --seed $3"
}
for seed in 1 2; do
  for be in cpu rtl func; do run "$tmp/k16.mica" "$be" "$seed"; done
  cmp -s "$tmp/cpu.$seed/output0.npy" "$tmp/rtl.$seed/output0.npy" || bad "seed $seed: rtl != cpu"
  cmp -s "$tmp/cpu.$seed/output0.npy" "$tmp/func.$seed/output0.npy" || bad "seed $seed: func != cpu"
  mkdir -p "$tmp/c8.$seed" "$tmp/u8.$seed"
  "$mica" run "$tmp/k8.mica" --backend func --seed "$seed" --output-dir "$tmp/c8.$seed" > /dev/null &&
    "$mica" run "$tmp/ulx.mica" --backend func --seed "$seed" --output-dir "$tmp/u8.$seed" > /dev/null ||
    bad "seed $seed: 8x8 runs"
  cmp -s "$tmp/c8.$seed/output0.npy" "$tmp/u8.$seed/output0.npy" || bad "seed $seed: chained 8x8 != ulx3s"
done
# ResNet-8: tensors with several readers (a block's input feeds its first conv and its ADD) and
# several bands (32x32 maps) stay on chip; its first ADD (step 3) reads both inputs from ASPAD.
"$mica" compile models/ic_resnet8.tflite -o "$tmp/r8.mica" > /dev/null || bad "compile ResNet-8"
"$mica" disasm "$tmp/r8.mica" --step 3 | grep -qE '^ +[0-9]+  LOAD .*target=ASPAD' && bad "ResNet-8: 3_add loads an input"
"$mica" disasm "$tmp/r8.mica" --step 3 | grep -qE '^ +[0-9]+  STORE .*target=ASPAD' || bad "ResNet-8: 3_add stores to memory"
for be in cpu rtl func; do run "$tmp/r8.mica" "$be" 3; mv "$tmp/$be.3" "$tmp/r8$be"; done
cmp -s "$tmp/r8cpu/output0.npy" "$tmp/r8rtl/output0.npy" || bad "ResNet-8: rtl != cpu"
cmp -s "$tmp/r8cpu/output0.npy" "$tmp/r8func/output0.npy" || bad "ResNet-8: func != cpu"
# VWW: 0_conv packs the windows of two outputs per ASPAD row, so it writes output pairs to memory
# and 1_dw loads them; 2_conv (1x1, one fold in and out) writes its output over its input, which
# it reads last (inplace_gap 0), and loads no input.
"$mica" compile models/vww_mobilenet.tflite -o "$tmp/v.mica" > /dev/null || bad "compile VWW"
"$mica" disasm "$tmp/v.mica" --step 0 | grep -qE '^ +[0-9]+  STORE .*target=ASPAD' && bad "VWW 0_conv stores to ASPAD"
"$mica" disasm "$tmp/v.mica" --step 1 | grep -qE '^ +[0-9]+  LOAD .*target=ASPAD' || bad "VWW 1_dw loads no input"
"$mica" disasm "$tmp/v.mica" --step 2 > "$tmp/v2.txt"
in0=$(grep -m1 -oE 'MATMUL .*aspad_addr=[0-9]+' "$tmp/v2.txt" | grep -oE '[0-9]+$')
out0=$(grep -m1 -oE 'STORE .*target=ASPAD.*ext_addr=0x[0-9a-f]+' "$tmp/v2.txt" | grep -oE '0x[0-9a-f]+$')
[ -n "$in0" ] && [ -n "$out0" ] && [ $((out0)) = $((in0)) ] ||
  bad "VWW 2_conv: output at ${out0:-none}, input at ${in0:-none} (want the same rows)"
grep -qE '^ +[0-9]+  LOAD .*target=ASPAD' "$tmp/v2.txt" && bad "VWW 2_conv loads its input"
for be in cpu rtl func; do run "$tmp/v.mica" "$be" 4; mv "$tmp/$be.4" "$tmp/v$be"; done
cmp -s "$tmp/vcpu/output0.npy" "$tmp/vrtl/output0.npy" || bad "VWW: rtl != cpu"
cmp -s "$tmp/vcpu/output0.npy" "$tmp/vfunc/output0.npy" || bad "VWW: func != cpu"
[ $fail = 0 ] && echo "test_chain: PASS ($n STOREs into ASPAD on 16x16)"
exit $fail
