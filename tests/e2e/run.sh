#!/usr/bin/env bash
# End-to-end: TFLite -> mica compile -> backend -> every output byte compared with LiteRT.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=build
MICA=${MICA:-$B/mica}   # e.g. MICA=build/mica-asan (make test-asan)
PY=${PYTHON:-python3}
fail=0
verify() {   # verify MODEL ARGS...: runs mica verify and keeps its summary line
    local out
    if out=$("$MICA" verify "$@" 2>&1); then echo "  ${out##*$'\n'}"; else echo "$out" | tail -3; echo "  FAILED: mica verify $*"; fail=1; fi
}

echo "== digits model: 200 random inputs on rtl (16x16) and func =="
verify models/digits.tflite --backend rtl --count 200 --seed 1
verify models/digits.tflite --backend func --count 200 --seed 2
echo "== digits model on the 4x4 and 8x8 arrays =="
verify models/digits.tflite --backend rtl --count 20 --array 4x4 --seed 3
verify models/digits.tflite --backend rtl --count 20 --array 8x8 --seed 4

echo "== MLPerf Tiny reference architectures (CPU fallback for the ops the accelerator does not run) =="
for m in models/kws_dscnn.tflite models/vww_mobilenet.tflite models/ic_resnet8.tflite models/ad_autoencoder.tflite; do
    verify "$m" --backend func --count 10 --seed 7
    verify "$m" --backend rtl --count 2 --seed 8
done

echo "== op-level models (shapes, strides, padding, dilation, zero points, activations) =="
"$PY" tests/oracle/make_op_models.py $B/op_models >/dev/null
n=0
for m in $B/op_models/*.tflite; do
    verify "$m" --backend func --count 20 --seed 5
    n=$((n + 1))
done
echo "== op-level models on the RTL (8x8 array keeps folds and padding paths busy) =="
for m in $(ls $B/op_models/*.tflite | awk 'NR % 3 == 1'); do
    verify "$m" --backend rtl --array 8x8 --count 3 --seed 6
done

echo "== default-converted models: float32 edges (QUANTIZE in, DEQUANTIZE out), Keras Flatten's shape arithmetic =="
"$PY" tests/oracle/make_edge_models.py $B/edge_models >/dev/null 2>&1 || { echo "  FAILED: make_edge_models.py"; fail=1; }
# (output captured first: grep -q closing the pipe early would fail mica with SIGPIPE under pipefail)
qd_out=$("$MICA" verify $B/edge_models/edge_quant_dim_beyond_rank.tflite --backend func --count 5 2>&1 || true)
if grep -q "note: LiteRT refuses a quantized_dimension" <<< "$qd_out"; then
    echo "  quantized_dimension beyond the rank: compiled with a warning, the oracle normalized it and said so"
else
    echo "  FAILED: no oracle note for a quantized_dimension beyond the rank"; fail=1
fi
for m in $B/edge_models/*.tflite; do
    verify "$m" --backend func --count 30 --seed 9
    verify "$m" --backend rtl --count 3 --seed 10
    verify "$m" --backend cpu --count 10 --seed 11
done

echo "== compiler cycle estimates vs RTL-measured cycles, every accelerated layer (<= 10%) =="
"$PY" tests/e2e/check_estimates.py "$MICA" models/*.tflite $B/op_models/*.tflite || fail=1

# The robustness suites below drive build/mica-asan themselves: run them once, in the plain run.
if [ "$MICA" = "$B/mica" ]; then
    echo "== bad input never crashes =="
    bash tests/e2e/bad_input.sh || fail=1
    echo "== corrupted, truncated, endless and non-regular programs and models; cycle limits =="
    bash tests/e2e/bad_program.sh | tail -2 || fail=1
    echo "== malformed graphs (shapes, producers, operand counts, options) are refused =="
    "$PY" tests/e2e/bad_graph.py build/mica-asan | tail -2 || fail=1
    echo "== extreme quantization parameters: bit-exact with LiteRT or refused with the value =="
    bash tests/e2e/bad_quant.sh | tail -2 || fail=1
    echo "== hostile command lines (names, numbers, options, outputs, Python lookup) =="
    bash tests/e2e/cli_safety.sh || fail=1
    echo "== every command README.md shows, in a fresh shell =="
    bash tests/e2e/readme_commands.sh || fail=1
fi

[ $fail -eq 0 ] && echo "e2e: PASS ($n op models)" || { echo "e2e: FAIL"; exit 1; }
