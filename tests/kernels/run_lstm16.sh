#!/bin/sh
# The 16x8 UNIDIRECTIONAL_SEQUENCE_LSTM models (tests/kernels/make_lstm_op_models.py --int16)
# against TFLite Micro's interpreter (check_lstm16.py; LiteRT has no int16 LSTM): every model on
# func and cpu (COUNT inputs: a few hundred reach the rounding ties that tell double from single
# rounding) and on rtl (RTL_COUNT), the models in DIR/refused compiled to one
# "UNIDIRECTIONAL_SEQUENCE_LSTM: ..." line and exit 1, then every CPU step's parameter block
# mutated under ASan + UBSan (tests/kernels/fuzz.sh on these models). The Cortex-M4 build runs them in
# `make test-kernels-targets`.
#   sh tests/kernels/run_lstm16.sh [MODEL_DIR] [COUNT]     (PYTHON: the Python with tflite_micro)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$ROOT/build/lstm16_op_models}
COUNT=${2:-300}
PY=${PYTHON:-python3}
failed=0
"$PY" "$ROOT/tests/kernels/check_lstm16.py" "$ROOT/build/mica" "$DIR" --backends func,cpu \
    --count "$COUNT" || failed=1
"$PY" "$ROOT/tests/kernels/check_lstm16.py" "$ROOT/build/mica" "$DIR" --backends rtl \
    --count "${RTL_COUNT:-20}" || failed=1
for model in "$DIR"/refused/*.tflite; do # a 16x8 LSTM Mica cannot run: one line, exit 1
    [ -e "$model" ] || { echo "FAIL: no refusal models in $DIR/refused"; failed=1; break; }
    line=$("$ROOT/build/mica" compile "$model" -o "$DIR/refused/out.mica" 2>&1)
    case "$?:$line" in 1:*"UNIDIRECTIONAL_SEQUENCE_LSTM: "*) [ "$(echo "$line" | wc -l)" = 1 ] || { echo "FAIL (refusal, not one line) $(basename "$model")"; failed=1; } ;;
        *) echo "FAIL (refusal) $(basename "$model"): $line"; failed=1 ;; esac
done
sh "$ROOT/tests/kernels/fuzz.sh" 3000 "$DIR" || failed=1
[ $failed = 0 ] && echo "run_lstm16.sh: PASS (func, cpu, rtl vs TFLite Micro, refusals, mutated parameters)" || echo "run_lstm16.sh: FAIL"
exit $failed
