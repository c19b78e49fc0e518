#!/bin/sh
# Runs every model of build/cpu_op_models through `mica verify --backend func` (CONV_2D,
# DEPTHWISE_CONV_2D, FULLY_CONNECTED, the pools, ADD, TRANSPOSE_CONV and BATCH_MATMUL forced onto
# their CPU kernels; every other op in these models goes to the CPU by itself) against LiteRT
# BUILTIN_REF, and prints op -> models -> inputs -> mismatching bytes. Exit status 1 on any mismatch or failure.
#   sh tests/kernels/run.sh [MODEL_DIR] [COUNT]      (models: tests/kernels/make_cpu_op_models.py)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$ROOT/build/cpu_op_models}
COUNT=${2:-20}
MICA=$ROOT/build/mica
[ -x "$MICA" ] || { echo "run.sh: $MICA missing (make -C $ROOT)"; exit 1; }
ls "$DIR"/*.tflite >/dev/null 2>&1 || { echo "run.sh: no models in $DIR (python3 tests/kernels/make_cpu_op_models.py)"; exit 1; }
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
for model in "$DIR"/*.tflite; do
    name=$(basename "$model" .tflite)
    line=$("$MICA" verify "$model" --backend func --count "$COUNT" --cpu CONV_2D,DEPTHWISE_CONV_2D,FULLY_CONNECTED,AVERAGE_POOL_2D,MAX_POOL_2D,ADD,TRANSPOSE_CONV,BATCH_MATMUL 2>&1 | tail -n 1)
    bad=$(echo "$line" | sed -n 's/.*mismatching_bytes=\([0-9]*\).*/\1/p')
    inputs=$(echo "$line" | sed -n 's/.*inputs=\([0-9]*\).*/\1/p')
    if [ -z "$bad" ]; then echo "FAIL $name: $line"; bad=-1; inputs=0; fi
    echo "$name $inputs $bad" >> "$RESULTS"
done
python3 "$ROOT/tests/kernels/op_table.py" "$DIR/manifest.json" "$RESULTS"
