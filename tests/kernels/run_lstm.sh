#!/bin/sh
# The UNIDIRECTIONAL_SEQUENCE_LSTM op models (tests/kernels/make_lstm_op_models.py) against LiteRT
# BUILTIN_REF: every model on func through run.sh (its op table) and on the cpu backend (the ISA
# interpreter the firmware falls back to); the hidden and cell states across verify's chunks (each
# chunk is a new LiteRT interpreter, so the runtime must reset both states, the int8 hidden state
# to its zero point, between them); every CPU step's parameter block mutated under ASan + UBSan
# (tests/kernels/fuzz.sh on these models).
#   sh tests/kernels/run_lstm.sh [MODEL_DIR] [COUNT]
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$ROOT/build/lstm_op_models}
COUNT=${2:-20}
MICA=$ROOT/build/mica
. "$ROOT/tests/kernels/op_set.sh"
failed=0
op_set_check "$DIR" "$COUNT" || failed=1
line=$("$MICA" verify "$DIR/lstm_t5_f6_u8_seq.tflite" --backend func --count 4500 2>&1 | tail -n 1)
case "$line" in *"inputs=4500 mismatching_bytes=0"*" PASS") ;; *) echo "FAIL (chunks) $line"; failed=1 ;; esac
sh "$ROOT/tests/kernels/fuzz.sh" 3000 "$DIR" || failed=1
[ $failed = 0 ] && echo "run_lstm.sh: PASS (func, cpu backend, state across chunks, mutated parameters)" || echo "run_lstm.sh: FAIL"
exit $failed
