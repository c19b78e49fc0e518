#!/bin/sh
# The int16-path op models (tests/kernels/make_int16_op_models.py) against LiteRT BUILTIN_REF:
# every model on func through run.sh (its op table), every model on the cpu backend (the ISA
# interpreter the firmware falls back to), and the SVDF state across verify's chunks (each chunk
# is a new LiteRT interpreter, so the runtime must reset the state between them), then every CPU
# step's parameter block mutated under ASan + UBSan (tests/kernels/fuzz.sh on these models).
#   sh tests/kernels/run_int16.sh [MODEL_DIR] [COUNT]
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$ROOT/build/int16_op_models}
COUNT=${2:-20}
MICA=$ROOT/build/mica
. "$ROOT/tests/kernels/op_set.sh"
failed=0
op_set_check "$DIR" "$COUNT" || failed=1
line=$("$MICA" verify "$DIR/svdf_wide_chunks.tflite" --backend func --count 4500 2>&1 | tail -n 1)
case "$line" in *"inputs=4500 mismatching_bytes=0"*" PASS") ;; *) echo "FAIL (chunks) $line"; failed=1 ;; esac
# SVDF state beside an accelerator FULLY_CONNECTED (run.sh forces FC onto the CPU)
line=$("$MICA" verify "$DIR/svdf_stack_kws.tflite" --backend func --count 30 2>&1 | tail -n 1)
case "$line" in *"inputs=30 mismatching_bytes=0"*" PASS") ;; *) echo "FAIL (accelerator) $line"; failed=1 ;; esac
sh "$ROOT/tests/kernels/fuzz.sh" 5000 "$DIR" || failed=1
[ $failed = 0 ] && echo "run_int16.sh: PASS (cpu backend, state across chunks, refusals, mutated parameters)" || echo "run_int16.sh: FAIL"
exit $failed
