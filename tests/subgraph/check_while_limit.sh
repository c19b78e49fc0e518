#!/bin/sh
# --while-limit N (compile, verify): the WHILE step's iteration limit. while_counter runs its body
# 3 times (make_int32_models.py REPEAT): limit 3 is bit-exact against LiteRT, limit 2 stops the
# step with one line; out-of-range or malformed values are refused in one line with exit 2.
#   sh tests/subgraph/check_while_limit.sh MICA INT32_MODEL_DIR
MICA=$1 DIR=$2
MODEL=$DIR/while_counter.tflite
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0
line=$("$MICA" verify "$MODEL" --backend func --count 20 --while-limit 3 2>&1 | tail -n 1)
case "$line" in *" PASS") echo "ok   while-limit 3 verify";; *) echo "FAIL while-limit 3: $line"; failed=1;; esac
"$MICA" compile "$MODEL" -o "$TMP/w2.mica" --while-limit 2 >/dev/null 2>&1 || { echo "FAIL compile --while-limit 2"; failed=1; }
line=$("$MICA" run "$TMP/w2.mica" --backend func --output-dir "$TMP" 2>&1 >/dev/null)
case "$?:$line" in 1:*"WHILE ran its body 2 times"*) echo "ok   while-limit 2 stops the step";;
*) echo "FAIL while-limit 2: $line"; failed=1;; esac
for bad in 0 -5 1000000001 12x ""; do
    out=$("$MICA" compile "$MODEL" -o "$TMP/x.mica" --while-limit "$bad" 2>&1)
    rc=$?
    case "$rc:$(echo "$out" | wc -l):$out" in 2:1:*"--while-limit '$bad' is "*"give an integer in 1..1000000000"*) ;;
    *) echo "FAIL --while-limit '$bad': exit $rc: $out"; failed=1;; esac
done
out=$("$MICA" ops --while-limit 5 2>&1)
[ $? = 2 ] || { echo "FAIL mica ops --while-limit accepted: $out"; failed=1; }
[ $failed = 0 ] && echo "check_while_limit.sh: PASS" || echo "check_while_limit.sh: FAIL"
exit $failed
