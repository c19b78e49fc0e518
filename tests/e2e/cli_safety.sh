#!/usr/bin/env bash
# The `mica` command against hostile arguments, through the ASan + UBSan build: file names that a
# shell would interpret, malformed numbers and options, bad output locations, FIFOs, the Python
# lookup. Every failure must be one line on stderr naming the problem, with a non-zero exit and no
# sanitizer report; nothing a name contains may run.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
make --no-print-directory "$ROOT/build/mica-asan" >/dev/null || exit 1
M=$ROOT/build/mica-asan
W=$(mktemp -d /tmp/mica_cli_safety_XXXXXX)
trap 'rm -rf "$W"' EXIT
export ASAN_OPTIONS=detect_leaks=1
PYTHON=${PYTHON:-$(sed -n 's/^#define MICA_PYTHON "\(.*\)"/\1/p' build/gen/mica_python.h)}   # the one mica was built with
fail=0 n=0
DIGITS=$ROOT/models/digits.tflite
"$M" compile "$DIGITS" -o "$W/d.mica" >/dev/null || { echo "FAIL: cannot compile digits"; exit 1; }

# expect_fail "expected stderr substring" cmd...: non-zero exit, exactly one stderr line with it
expect_fail() {
    local want=$1; shift
    n=$((n + 1))
    local err rc
    err=$(timeout 60 "$@" 2>&1 >/dev/null); rc=$?
    if [ $rc -eq 0 ] || [ $rc -eq 124 ] || [[ "$err" != *"$want"* ]] || [ "$(printf '%s\n' "$err" | wc -l)" -ne 1 ] \
        || [[ "$err" == *Sanitizer* ]] || [[ "$err" == *"runtime error"* ]]; then
        echo "FAIL (rc=$rc, want '$want'): $*"; printf '%s\n' "$err" | head -5 | sed 's/^/    /'; fail=1
    fi
}
expect_ok() {
    n=$((n + 1))
    local out rc
    out=$(timeout 120 "$@" 2>&1); rc=$?
    if [ $rc -ne 0 ] || [[ "$out" == *Sanitizer* ]] || [[ "$out" == *"runtime error"* ]]; then
        echo "FAIL (rc=$rc): $*"; printf '%s\n' "$out" | tail -5 | sed 's/^/    /'; fail=1
    fi
}

echo "== names a shell would interpret reach no shell =="
cd "$W"
for name in "x';touch PWNED1;'.tflite" "it's.tflite" 'sp ace $(touch PWNED2).tflite' 'b`touch PWNED3`.tflite' \
            'semi;touch PWNED4;.tflite' $'new\nline.tflite' 'dq"uote.tflite'; do
    cp "$DIGITS" "$W/$name"
    expect_ok "$M" verify "./$name" --backend func --count 3
    expect_ok "$M" compile "./$name" -o "./$name.mica"
    expect_ok "$M" run "./$name.mica" --backend func --output-dir "$W"
done
if ls "$W" | grep -qx 'PWNED[0-9]'; then echo "FAIL: a file name ran a command"; fail=1; fi
ls -d /tmp/mica_verify_* 2>/dev/null | grep -q . && echo "note: other mica_verify directories exist in /tmp"
cd "$ROOT"

echo "== numbers and options are parsed strictly =="
expect_fail "--array '4294967297x8' is out of range" "$M" compile "$DIGITS" -o "$W/a.mica" --array 4294967297x8
expect_fail "--array '8x' is malformed" "$M" compile "$DIGITS" -o "$W/a.mica" --array 8x
expect_fail "--count '1e3' is not a plain decimal integer" "$M" verify "$DIGITS" --count 1e3
expect_fail "--count '10abc' is not a plain decimal integer" "$M" verify "$DIGITS" --count 10abc
expect_fail "--count '0' is out of range" "$M" verify "$DIGITS" --count 0
expect_fail "--seed 'abc' is not a plain decimal integer" "$M" verify "$DIGITS" --seed abc
expect_fail "--seed '-1' is out of range" "$M" run "$W/d.mica" --seed -1
expect_fail "--count '99999999999' is out of range" "$M" bench "$W/d.mica" --count 99999999999
expect_fail "'NOSUCH' is not a TFLite operator name" "$M" compile "$DIGITS" -o "$W/a.mica" --cpu NOSUCH
expect_fail "'CONV_2' is not a TFLite operator name" "$M" verify "$DIGITS" --cpu SOFTMAX,CONV_2
expect_fail "unknown option 'latncy'" "$M" run "$W/d.mica" --backend rtl:latncy=5
expect_fail "unknown option 'bogus'" "$M" run "$W/d.mica" --backend func:plan=1,bogus=1
expect_fail "max_cycles=abc is not an integer" "$M" run "$W/d.mica" --backend rtl:max_cycles=abc
expect_fail "latency=1000000 is not an integer in 1..1000" "$M" run "$W/d.mica" --backend rtl:latency=1000000
expect_fail "option latency given twice" "$M" run "$W/d.mica" --backend rtl:latency=5,latency=6
expect_fail "unknown backend 'nosuch'" "$M" run "$W/d.mica" --backend nosuch
expect_fail "unknown option or missing value: '--count'" "$M" verify "$DIGITS" --count
expect_fail "unknown option or missing value: '--frobnicate'" "$M" compile "$DIGITS" --frobnicate

echo "== inputs: any number of --input, dtypes checked, FIFOs refused =="
"$PYTHON" -c "import numpy as np; np.save('$W/u8.npy', np.zeros((1,8,8,1), np.uint8)); np.save('$W/i8.npy', np.zeros((1,8,8,1), np.int8))"
args=(); for i in $(seq 20); do args+=(--input "$W/i8.npy"); done
expect_fail "the model has 1 inputs, 20 --input given" "$M" run "$W/d.mica" --backend func "${args[@]}"
expect_fail "file has 64 of uint8" "$M" run "$W/d.mica" --backend func --input "$W/u8.npy"
expect_ok "$M" run "$W/d.mica" --backend func --input "$W/i8.npy" --output-dir "$W"
mkfifo "$W/fifo.npy" "$W/fifo.tflite" "$W/fifo.mica"
expect_fail "not a regular file" "$M" run "$W/d.mica" --backend func --input "$W/fifo.npy"
expect_fail "not a regular file" "$M" verify "$DIGITS" --backend func --inputs "$W/fifo.npy"
"$PYTHON" -c "import numpy as np; np.save('$W/x.npy', np.zeros((3,8,8,1), np.int8)); np.save('$W/y32.npy', np.zeros(3, np.int32))"
expect_fail "--labels must hold 3 int64 labels (has 3 of int32)" "$M" verify "$DIGITS" --backend func --inputs "$W/x.npy" --labels "$W/y32.npy"
expect_fail "--labels needs --inputs" "$M" verify "$DIGITS" --backend func --labels "$W/y32.npy"

echo "== verify runs in memory-bounded chunks (VWW: 606 samples per 16 MiB chunk) =="
out=$("$ROOT/build/mica" verify "$ROOT/models/vww_mobilenet.tflite" --backend func --count 700 --seed 3 2>&1)
[[ "$out" == *"inputs=700 mismatching_bytes=0"*PASS ]] || { echo "FAIL: chunked verify: $out"; fail=1; }
n=$((n + 1))

echo "== a long TMPDIR (190 characters) holds every temporary path whole =="
longtmp=$W/$(printf 't%.0s' $(seq 150)); mkdir -p "$longtmp"
expect_ok env TMPDIR="$longtmp" "$M" verify "$DIGITS" --backend func --count 3

echo "== an interrupted verify stops, says so and removes its temporary directory =="
mkdir -p "$W/tmpdir"
for delay in 0.2 3; do   # during the oracle, then during the simulation
    TMPDIR="$W/tmpdir" "$ROOT/build/mica" verify "$DIGITS" --backend rtl --count 5000 2>"$W/int.err" >/dev/null & pid=$!
    sleep $delay; kill -INT $pid; wait $pid; rc=$?
    n=$((n + 1))
    if [ $rc -ne 130 ] || ! grep -q "interrupted (signal 2)" "$W/int.err" || [ -n "$(ls -A "$W/tmpdir")" ]; then
        echo "FAIL: interrupt after $delay s: rc=$rc, $(cat "$W/int.err"), left: $(ls "$W/tmpdir")"; fail=1
    fi
done

echo "== outputs: never the model, never partial, long paths whole =="
cp "$DIGITS" "$W/keep.tflite"
expect_fail "-o names the model itself" "$M" compile "$W/keep.tflite" -o "$W/../$(basename "$W")/keep.tflite"
cmp -s "$DIGITS" "$W/keep.tflite" || { echo "FAIL: the model was overwritten"; fail=1; }
expect_fail "--output-dir $W/nodir: no such directory" "$M" run "$W/d.mica" --backend func --output-dir "$W/nodir"
expect_fail "no such directory" "$M" run "$W/d.mica" --backend func --output-dir "$W/keep.tflite"
expect_fail "cannot write" "$M" compile "$DIGITS" -o "$W/nodir/out.mica"
[ -e "$W/nodir" ] && { echo "FAIL: partial output left"; fail=1; }
long=$W; for i in 1 2 3 4 5 6; do long=$long/$(printf 'd%.0s' $(seq 100)); done
mkdir -p "$long"
expect_ok "$M" compile "$DIGITS" -o "$long/model_with_a_long_name.mica"
[ -s "$long/model_with_a_long_name.mica" ] && [ -s "$long/model_with_a_long_name.mica.json" ] || { echo "FAIL: long -o path not written whole"; fail=1; }
expect_ok "$M" run "$long/model_with_a_long_name.mica" --backend func --output-dir "$long"
[ -s "$long/output0.npy" ] || { echo "FAIL: long --output-dir not written whole"; fail=1; }
ls "$W" | grep -q '\.tmp$' && { echo "FAIL: temporary files left"; fail=1; }

echo "== the oracle's Python: found from a fresh shell, a clear line when it is wrong =="
expect_ok env -i PATH=/usr/bin:/bin HOME="$HOME" "$ROOT/build/mica" verify "$DIGITS" --backend func --count 2
expect_fail "cannot start /nonexistent/python" env PYTHON=/nonexistent/python "$M" verify "$DIGITS" --backend func --count 2
printf 'import sys\nsys.stderr.write("line one\\nthe real reason\\n"); sys.exit(3)\n' > "$W/fail.py"
printf '#!/bin/sh\nexec "%s" "%s/fail.py"\n' "$PYTHON" "$W" > "$W/failpy"; chmod +x "$W/failpy"
expect_fail "failed: the real reason" env PYTHON="$W/failpy" "$M" verify "$DIGITS" --backend func --count 2

[ $fail -eq 0 ] && echo "cli_safety: PASS ($n cases)" || { echo "cli_safety: FAIL"; exit 1; }
