#!/bin/bash
# Subgraph models (IF, WHILE, CALL_ONCE, resource variables), converted by TensorFlow: generated,
# then verified bit-exact against LiteRT invoke by invoke (the variable state carries over) on the
# func and cpu backends (also EMBEDDING_LOOKUP, make_embedding_models.py), the state reset at verify's chunk boundaries (state_wide, 4500 inputs over
# two chunks), a few inputs on the RTL and on the Cortex-M4 build in QEMU (mcu:accel=none); then the refusals and limits (bad_subgraphs.py) on the
# ASan build. Usage: tests/subgraph/run.sh [MODEL_DIR]   (PYTHON: the venv with tensorflow)
set -u
cd "$(dirname "$0")/../.."
PY=${PYTHON:-$HOME/.cache/mica/venv/bin/python}
DIR=${1:-build/subgraph_models}
export TF_CPP_MIN_LOG_LEVEL=3
failed=0
"$PY" tests/subgraph/make_subgraph_models.py "$DIR" > /dev/null 2>&1 || { echo "run.sh: model generation failed"; exit 1; }
check() { # description, command...
    local what=$1; shift
    local line; line=$("$@" 2>&1 | tail -n 1)
    case "$line" in *" PASS") echo "ok   $what";; *) echo "FAIL $what: $line"; failed=1;; esac
}
for m in state_var cond while; do
    check "$m func" build/mica verify "$DIR/$m.tflite" --backend func --count 200
    check "$m cpu" build/mica verify "$DIR/$m.tflite" --backend cpu --count 20
    check "$m rtl" build/mica verify "$DIR/$m.tflite" --backend rtl --count 3
    check "$m M4" build/mica verify "$DIR/$m.tflite" --backend mcu:accel=none --count 2
done
I32=${DIR}_int32
"$PY" tests/subgraph/make_int32_models.py "$I32" > /dev/null 2>&1 || { echo "run.sh: int32 model generation failed"; exit 1; }
for m in while_counter gather_argmax; do # int32 counters, index arithmetic, run-time GATHER indices
    check "$m func" build/mica verify "$I32/$m.tflite" --backend func --count 200
    check "$m cpu" build/mica verify "$I32/$m.tflite" --backend cpu --count 20
    check "$m rtl" build/mica verify "$I32/$m.tflite" --backend rtl --count 3
    check "$m M4" build/mica verify "$I32/$m.tflite" --backend mcu:accel=none --count 2
done
out=$(sh tests/subgraph/check_while_limit.sh build/mica "$I32") && echo "ok   --while-limit" || { echo "$out" | grep FAIL; failed=1; }
build/mica compile "$I32/gather_oob.tflite" -o "$I32/gather_oob.mica" > /dev/null 2>&1
for be in func cpu; do # seed 1 draws an index past the table: one line, non-zero exit
    line=$(build/mica run "$I32/gather_oob.mica" --backend $be --seed 1 2>&1 > /dev/null)
    case "$?:$line" in 1:*"GATHER_INDEXED: an index operand is outside its axis"*) echo "ok   gather_oob $be refused";;
    *) echo "FAIL gather_oob $be: $line"; failed=1;; esac
done
EMB=${DIR}_embedding # EMBEDDING_LOOKUP: GATHER models patched (the converter never emits it)
"$PY" tests/subgraph/make_embedding_models.py "$EMB" > /dev/null 2>&1 || { echo "run.sh: embedding model generation failed"; exit 1; }
check "embedding func" build/mica verify "$EMB/embedding.tflite" --backend func --count 200
check "embedding cpu" build/mica verify "$EMB/embedding.tflite" --backend cpu --count 20
check "embedding rtl" build/mica verify "$EMB/embedding.tflite" --backend rtl --count 3
check "embedding M4" build/mica verify "$EMB/embedding.tflite" --backend mcu:accel=none --count 2
build/mica compile "$EMB/embedding_oob.tflite" -o "$EMB/embedding_oob.mica" > /dev/null 2>&1
for be in func cpu; do # seed 1 draws an id past the table: one line, non-zero exit
    line=$(build/mica run "$EMB/embedding_oob.mica" --backend $be --seed 1 2>&1 > /dev/null)
    case "$?:$line" in 1:*"GATHER_INDEXED: an index operand is outside its axis"*) echo "ok   embedding_oob $be refused";;
    *) echo "FAIL embedding_oob $be: $line"; failed=1;; esac
done
# ids as the model's int32 input: verify draws them inside the table (the program says how many)
for m in embedding_ids gather_ids; do
    check "$m func" build/mica verify "$EMB/$m.tflite" --backend func --count 200
    check "$m cpu" build/mica verify "$EMB/$m.tflite" --backend cpu --count 20
    check "$m rtl" build/mica verify "$EMB/$m.tflite" --backend rtl --count 2
done
check "embedding_ids M4" build/mica verify "$EMB/embedding_ids.tflite" --backend mcu:accel=none --count 2
"$PY" -c "import numpy as np, sys; np.save(sys.argv[1], np.array([0, 7, 1], np.int32))" "$EMB/ids_bad.npy"
build/mica compile "$EMB/gather_ids.tflite" -o "$EMB/gather_ids.mica" > /dev/null 2>&1
line=$(build/mica run "$EMB/gather_ids.mica" --input "$EMB/ids_bad.npy" 2>&1 > /dev/null)
case "$?:$line" in 1:*"an index operand is outside its axis"*) echo "ok   gather_ids index 7 of 7 refused";;
*) echo "FAIL gather_ids index 7 of 7: $line"; failed=1;; esac
check "state_wide across chunks" build/mica verify "$DIR/state_wide.tflite" --backend func --count 4500
MICA_BAD=build/mica-asan; [ -x "$MICA_BAD" ] || MICA_BAD=build/mica
out=$("$PY" tests/subgraph/bad_subgraphs.py "$MICA_BAD" "$DIR" 2>&1) || failed=1
echo "$out" | grep -E "^FAIL|^bad_subgraphs"
[ $failed = 0 ] && echo "tests/subgraph/run.sh: PASS" || echo "tests/subgraph/run.sh: FAIL"
exit $failed
