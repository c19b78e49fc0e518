#!/bin/sh
# Every generated op model (tests/kernels/make_cpu_op_models.py, make_int16_op_models.py,
# make_lstm_op_models.py, make_int16b_op_models.py, make_int16c_op_models.py) on the two targets
# run.sh does not cover, against LiteRT BUILTIN_REF: `--backend rtl` (the CPU kernels beside the
# Verilated array) and `--backend mcu:accel=none` (the
# firmware's kernels on the Cortex-M4, in QEMU), with run.sh's --cpu forcing so CONV_2D,
# DEPTHWISE_CONV_2D, FULLY_CONNECTED, the pools, ADD, TRANSPOSE_CONV and BATCH_MATMUL run on their
# CPU kernels. Prints run.sh's op -> models -> inputs -> mismatches table per backend and folder;
# exit 1 on any mismatch or error.
#   sh tests/kernels/run_targets.sh [MODEL_DIR...]   (default: build/{cpu,int16,lstm,int16b,int16c}_op_models)
#   RTL_COUNT=3 MCU_COUNT=2 JOBS=2 VERIFY_TIMEOUT=600 (seconds per verify) override the defaults.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MICA=$ROOT/build/mica
CPU_OPS=CONV_2D,DEPTHWISE_CONV_2D,FULLY_CONNECTED,AVERAGE_POOL_2D,MAX_POOL_2D,ADD,TRANSPOSE_CONV,BATCH_MATMUL

# Worker (run by xargs, one model per call): verify MODEL on BACKEND, write "name inputs bad" to
# OUT_DIR/name.res (bad -1: verify failed) and verify's whole output to OUT_DIR/name.log.
if [ "$1" = "--one" ]; then
    backend=$2 count=$3 out_dir=$4 model=$5
    name=$(basename "$model" .tflite)
    timeout "${VERIFY_TIMEOUT:-600}" "$MICA" verify "$model" --backend "$backend" --count "$count" \
        --cpu "$CPU_OPS" >"$out_dir/$name.log" 2>&1
    rc=$?
    line=$(tail -n 1 "$out_dir/$name.log")
    bad=$(echo "$line" | sed -n 's/.*mismatching_bytes=\([0-9]*\).*/\1/p')
    inputs=$(echo "$line" | sed -n 's/.*inputs=\([0-9]*\).*/\1/p')
    if [ -z "$bad" ] || [ -z "$inputs" ] || { [ $rc != 0 ] && [ "$bad" = 0 ]; }; then
        echo "FAIL ($backend) $name: exit $rc: $line"; bad=-1; inputs=0
    elif [ "$bad" != 0 ]; then
        echo "MISMATCH ($backend) $name: $line"
    fi
    echo "$name $inputs $bad" >"$out_dir/$name.res"
    exit 0
fi

[ -x "$MICA" ] || { echo "run_targets.sh: $MICA missing (make -C $ROOT)"; exit 1; }
[ $# -gt 0 ] || set -- "$ROOT/build/cpu_op_models" "$ROOT/build/int16_op_models" "$ROOT/build/lstm_op_models" "$ROOT/build/int16b_op_models" "$ROOT/build/int16c_op_models"
for dir in "$@"; do
    ls "$dir"/*.tflite >/dev/null 2>&1 || { echo "run_targets.sh: no models in $dir (make test-kernels generates them)"; exit 1; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failed=0
for target in "rtl ${RTL_COUNT:-3}" "mcu:accel=none ${MCU_COUNT:-2}"; do
    backend=${target% *} count=${target#* }
    for dir in "$@"; do
        out=$WORK/$(echo "$backend" | tr -c 'a-z0-9\n' _)_$(basename "$dir")
        mkdir -p "$out"
        start=$(date +%s)
        # NUL-separated paths straight to the worker's argv: no shell ever parses a model name.
        find "$dir" -maxdepth 1 -name '*.tflite' -print0 | sort -z |
            xargs -0 -n 1 -P "${JOBS:-2}" sh "$0" --one "$backend" "$count" "$out"
        cat "$out"/*.res >"$out/results"
        echo "== $backend ($count inputs a model): $dir ($(( $(date +%s) - start )) s)"
        python3 "$ROOT/tests/kernels/op_table.py" "$dir/manifest.json" "$out/results" \
            "run_targets.sh $backend $(basename "$dir")" || failed=1
    done
done
[ $failed = 0 ] && echo "run_targets.sh: PASS (rtl, mcu:accel=none)" || echo "run_targets.sh: FAIL"
exit $failed
