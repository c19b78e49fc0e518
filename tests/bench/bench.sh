#!/usr/bin/env bash
# make bench: speed figures as ratios against peers measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python3}
MICA=build/mica
# bench.sh [func]: everything, or only the func-vs-LiteRT table
if [ "${1:-all}" != func ]; then
echo "== simulator throughput (simulated cycles per second, per array size) =="
make --no-print-directory -C sim bench | tail -5
echo "== digits model: RTL cycles per inference and simulator speed =="
for a in 4x4 8x8 16x16; do
    "$MICA" verify models/digits.tflite --backend rtl --array $a --count 100 | sed 's/^/  /'
done
echo "== reference models on the 16x16 RTL (accelerated part vs roofline; SCALE-Sim WS formula) =="
"$PY" tests/bench/models_table.py "$MICA" 50 models/digits.tflite models/kws_dscnn.tflite \
    models/vww_mobilenet.tflite models/ic_resnet8.tflite models/ad_autoencoder.tflite
echo "== firmware: Cortex-M4 in QEMU, offloading to the Verilated ULX3S board vs the M4 alone =="
"$PY" tests/bench/firmware_table.py "$MICA" models/digits.tflite models/kws_dscnn.tflite
echo "== SCALE-Sim (PyPI scalesim, weight-stationary) vs Mica RTL, per GEMM layer, 16x16 =="
"$PY" tests/bench/scalesim_table.py "$MICA" 16x16 models/digits.tflite models/kws_dscnn.tflite \
    models/ic_resnet8.tflite
echo "== SystemC/TLM-2.0: loosely-timed vs Verilated RTL component, per-layer cycles and speed =="
"$PY" tests/bench/systemc_table.py "$MICA" models/digits.tflite models/kws_dscnn.tflite \
    models/vww_mobilenet.tflite models/ic_resnet8.tflite models/ad_autoencoder.tflite
fi
echo "== func backend vs LiteRT (inferences per second, best of 3 runs each, same machine, same run) =="
# Both sides leave their one-time preparation out of the timing: LiteRT's interpreter and XNNPACK
# delegate are built before its timed loops (litert_speed.py), the func backend's first run
# (interpreted, then translated and its weights packed) is a --warmup run.
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(grep -m1 -ow -e avx512_vnni -e avx_vnni -e avx2 /proc/cpuinfo | sort -u | tr '\n' ' ' | sed 's/ $//'))"
echo "| model | mica func | LiteRT BUILTIN_REF | LiteRT optimized (XNNPACK) | func / ref | func / optimized |"
echo "|---|---|---|---|---|---|"
kernels=""
for m in digits ic_resnet8 kws_dscnn vww_mobilenet ad_autoencoder; do
    n=$([ $m = digits ] || [ $m = ad_autoencoder ] && echo 2000 || echo 200)
    "$MICA" compile models/$m.tflite -o build/bench_$m.mica >/dev/null
    func=$(for r in 1 2 3; do "$MICA" bench build/bench_$m.mica --backend func --count $n --warmup 1; done | awk '$NF > b {b = $NF} END {print b}')
    read -r ref opt < <("$PY" tests/bench/litert_speed.py models/$m.tflite $n 2>/dev/null | tr '=' ' ' | awk '{print $2, $4}')
    awk -v m=$m -v f="$func" -v r="$ref" -v o="$opt" 'BEGIN {
        printf "| %s | %.0f | %.0f | %.0f | %.2f | %.2f |\n", m, f, r, o, f / r, f / o }'
    # the func backend's report: the kernels its translations use (GEMMs, vector unit, STOREs)
    kernels="$kernels$m: $("$MICA" run build/bench_$m.mica --backend func | sed -n 's/^device: //p')
"
done
echo "func kernels per model (how many GEMMs / vector groups / STOREs use each):"
printf '%s' "$kernels" | sed 's/^/  /'
