#!/bin/sh
# The models whose oracle is TFLite Micro's interpreter (check_tflm_oracle.py; LiteRT has no kernel
# for them): the 16x8 UNIDIRECTIONAL_SEQUENCE_LSTM models (make_lstm_op_models.py --int16, the
# default DIR), the SUM / SQUARED_DIFFERENCE int16 ones (make_int16d_op_models.py) or the int8
# ZEROS_LIKE ones (make_zeros_like_models.py). Every model on func and cpu (COUNT inputs: a few
# hundred reach the LSTM's rounding ties that tell double from single rounding) and on rtl
# (RTL_COUNT), the models in DIR/refused compiled to one line naming the operator and exit 1, then
# every CPU step's parameter block mutated under ASan + UBSan (tests/kernels/fuzz.sh on these
# models). The Cortex-M4 build runs them in `make test-kernels-targets`.
#   sh tests/kernels/run_tflm_oracle.sh [MODEL_DIR] [COUNT]     (PYTHON: the Python with tflite_micro)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-$ROOT/build/lstm16_op_models}
COUNT=${2:-300}
PY=${PYTHON:-python3}
failed=0
"$PY" "$ROOT/tests/kernels/check_tflm_oracle.py" "$ROOT/build/mica" "$DIR" --backends func,cpu \
    --count "$COUNT" || failed=1
"$PY" "$ROOT/tests/kernels/check_tflm_oracle.py" "$ROOT/build/mica" "$DIR" --backends rtl \
    --count "${RTL_COUNT:-20}" || failed=1
for model in "$DIR"/refused/*.tflite; do # a model Mica cannot run: one line, exit 1
    [ -e "$model" ] || { echo "FAIL: no refusal models in $DIR/refused"; failed=1; break; }
    case $(basename "$model") in # the operator the line must name
    sum16_*) want="(SUM16): " ;;
    sqdiff16_*) want="(SQUARED_DIFFERENCE16): " ;;
    zeros_like*) want="(ZEROS_LIKE): " ;;
    *) want="UNIDIRECTIONAL_SEQUENCE_LSTM: " ;;
    esac
    line=$("$ROOT/build/mica" compile "$model" -o "$DIR/refused/out.mica" 2>&1)
    case "$?:$line" in 1:*"$want"*) [ "$(echo "$line" | wc -l)" = 1 ] || { echo "FAIL (refusal, not one line) $(basename "$model")"; failed=1; } ;;
        *) echo "FAIL (refusal) $(basename "$model"): $line"; failed=1 ;; esac
done
sh "$ROOT/tests/kernels/fuzz.sh" 3000 "$DIR" || failed=1
[ $failed = 0 ] && echo "run_tflm_oracle.sh: PASS (func, cpu, rtl vs TFLite Micro, refusals, mutated parameters)" || echo "run_tflm_oracle.sh: FAIL"
exit $failed
