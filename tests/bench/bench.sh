#!/usr/bin/env bash
# make bench: speed figures as ratios against peers measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
MICA=build/mica
echo "== simulator throughput (simulated cycles per second, per array size) =="
make --no-print-directory -C sim bench | tail -5
echo "== digits model: RTL cycles per inference and simulator speed =="
for a in 4x4 8x8 16x16; do
    "$MICA" verify models/digits.tflite --backend rtl --array $a --count 100 | sed 's/^/  /'
done
echo "== reference models on the 16x16 RTL (accelerated part vs roofline; SCALE-Sim WS formula) =="
"$PY" tests/bench/models_table.py "$MICA" 10 models/digits.tflite models/kws_dscnn.tflite \
    models/vww_mobilenet.tflite models/ic_resnet8.tflite models/ad_autoencoder.tflite
echo "== func backend vs LiteRT (inferences per second, same machine, same run) =="
"$MICA" compile models/digits.tflite -o build/digits.mica >/dev/null
func=$("$MICA" bench build/digits.mica --backend func --count 2000 | awk '{print $NF}')
read -r ref opt < <("$PY" tests/bench/litert_speed.py models/digits.tflite 2000 | tr '=' ' ' | awk '{print $2, $4}')
awk -v f="$func" -v r="$ref" -v o="$opt" 'BEGIN {
    printf "  mica func %.0f inf/s | LiteRT BUILTIN_REF %.0f inf/s | LiteRT optimized %.0f inf/s\n", f, r, o;
    printf "  ratio func/BUILTIN_REF = %.2fx, func/optimized = %.2fx\n", f / r, f / o }'
