#!/bin/sh
# Corrupted-parameter check for the CPU kernels (tests/kernels/fuzz_mutate.c) under ASan + UBSan:
# compiles every model of build/cpu_op_models (CPU kernels forced for CONV/DW/FC, TRANSPOSE_CONV
# and BATCH_MATMUL), then mutates each CPU step's parameter block ITERATIONS times. Fails on any
# sanitizer report.
#   sh tests/kernels/fuzz.sh [ITERATIONS] [MODEL_DIR]   (default 20000 per step, build/cpu_op_models;
#                                                        needs build/mica)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODELS=${2:-$ROOT/build/cpu_op_models}
PROGS=$MODELS/progs
[ -n "$2" ] || PROGS=$ROOT/build/cpu_op_progs
ls "$MODELS"/*.tflite >/dev/null 2>&1 || { echo "fuzz.sh: no models (python3 tests/kernels/make_cpu_op_models.py)"; exit 1; }
mkdir -p "$PROGS"
for m in "$MODELS"/*.tflite; do
    "$ROOT/build/mica" compile "$m" -o "$PROGS/$(basename "$m" .tflite).mica" \
        --cpu CONV_2D,DEPTHWISE_CONV_2D,FULLY_CONNECTED,TRANSPOSE_CONV,BATCH_MATMUL >/dev/null || { echo "fuzz.sh: compile failed: $m"; exit 1; }
done
gcc -std=gnu99 -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -Wall -Wextra \
    -I"$ROOT/build/gen" -I"$ROOT/include" -I"$ROOT/driver/core/kernels" "$ROOT/tests/kernels/fuzz_mutate.c" \
    "$ROOT/driver/core/program.c" "$ROOT/driver/core/control_block.c" "$ROOT/driver/core/crc32.c" "$ROOT/driver/core/fmt.c" "$ROOT/driver/port/port_posix.c" "$ROOT"/driver/core/kernels/*.c -o "$ROOT/build/kernels_fuzz_mutate" || exit 1
"$ROOT/build/kernels_fuzz_mutate" "${1:-20000}" "$PROGS"/*.mica
