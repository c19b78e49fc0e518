#!/bin/sh
# The int16 op models of tests/kernels/make_int16b_op_models.py (data movement, pools, RELU family,
# ABS, MAXIMUM/MINIMUM) against LiteRT BUILTIN_REF: every model on func through run.sh (its op
# table), every model on the cpu backend (the ISA interpreter the firmware falls back to), the
# int16 operators TFLite Micro has no int16 kernel for refused in one line, then every CPU step's
# parameter block mutated under ASan + UBSan (tests/kernels/fuzz.sh on these models).
#   sh tests/kernels/run_int16b.sh [MODEL_DIR] [COUNT]   (default build/int16b_op_models, 10)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$ROOT/build/int16b_op_models}
COUNT=${2:-10}
MICA=$ROOT/build/mica
sh "$ROOT/tests/kernels/run.sh" "$DIR" "$COUNT" || exit 1
failed=0
for model in "$DIR"/*.tflite; do
    line=$("$MICA" verify "$model" --backend cpu --count "$COUNT" 2>&1 | tail -n 1)
    case "$line" in *" PASS") ;; *) echo "FAIL (cpu) $(basename "$model"): $line"; failed=1 ;; esac
done
for model in "$DIR"/refused/*.tflite; do # no int16 kernel in TFLite Micro: one line, exit 1
    line=$("$MICA" compile "$model" -o "$DIR/refused/out.mica" 2>&1)
    case "$?:$line" in 1:*"has an int16 operand"*) ;; *) echo "FAIL (refusal) $(basename "$model"): $line"; failed=1 ;; esac
done
sh "$ROOT/tests/kernels/fuzz.sh" 2000 "$DIR" || failed=1
[ $failed = 0 ] && echo "run_int16b.sh: PASS (func, cpu backend, refusals, mutated parameters)" || echo "run_int16b.sh: FAIL"
exit $failed
