#!/bin/sh
# The int16 op models of tests/kernels/make_int16b_op_models.py (data movement, pools, RELU family,
# ABS, MAXIMUM/MINIMUM), or of make_int16c_op_models.py (BATCH_MATMUL, TRANSPOSE_CONV, CAST, PRELU)
# when given build/int16c_op_models, against LiteRT BUILTIN_REF: every model on func through run.sh
# (its op table), every model on the cpu backend (the ISA interpreter the firmware falls back to), the
# int16 operators TFLite Micro has no int16 kernel for refused in one line, then every CPU step's
# parameter block mutated under ASan + UBSan (tests/kernels/fuzz.sh on these models).
#   sh tests/kernels/run_int16b.sh [MODEL_DIR] [COUNT]   (default build/int16b_op_models, 10)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$ROOT/build/int16b_op_models}
COUNT=${2:-10}
MICA=$ROOT/build/mica
. "$ROOT/tests/kernels/op_set.sh"
failed=0
op_set_check "$DIR" "$COUNT" || failed=1
sh "$ROOT/tests/kernels/fuzz.sh" 2000 "$DIR" || failed=1
[ $failed = 0 ] && echo "run_int16b.sh: PASS (func, cpu backend, refusals, mutated parameters)" || echo "run_int16b.sh: FAIL"
exit $failed
