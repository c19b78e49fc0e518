#!/bin/sh
# Robustness test of the TFLite reader against corrupted models.
#
#   tests/corrupt/run.sh MODEL.tflite [N]     (N variants, default 400)
#
# Builds tflite_dump with -fsanitize=address,undefined, writes N corrupted
# variants of MODEL (gen_corrupt.py) and runs the dump tool on each. A variant
# passes when the tool exits 0, or exits 1 with exactly one "tflite_dump: ..."
# line on stderr. Sanitizer reports, signals, other exit codes, extra stderr
# lines and timeouts (10 s) fail. Exits non-zero when any variant fails.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MODEL=${1:?usage: run.sh MODEL.tflite [N]}
N=${2:-400}
OUT="$ROOT/build/corrupt/$(basename "$MODEL" .tflite)"
DUMP=${TFLITE_DUMP:-"$ROOT/build/tflite/asan/tflite_dump"}  # override to test the runner itself

make -s -C "$ROOT/compiler/tflite" asan >/dev/null || { echo "run.sh: build failed"; exit 2; }
rm -rf "$OUT" && mkdir -p "$OUT/variants" && : >"$OUT/messages.txt"
python3 "$ROOT/tests/corrupt/gen_corrupt.py" "$MODEL" "$OUT/variants" "$N" || exit 2

# Sanitizers: distinctive exit codes, no leak false alarms from the tool's exit path.
export ASAN_OPTIONS="exitcode=86:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=87:print_stacktrace=1"
pass=0 ok0=0 fail=0
for v in "$OUT"/variants/*.tflite; do
  timeout 10 "$DUMP" -q "$v" >/dev/null 2>"$OUT/stderr.txt"
  rc=$?
  lines=$(wc -l <"$OUT/stderr.txt")
  sed "s|^|$(basename "$v"): |" "$OUT/stderr.txt" >>"$OUT/messages.txt"
  if [ "$rc" -eq 0 ] && [ "$lines" -eq 0 ]; then
    ok0=$((ok0 + 1)); pass=$((pass + 1)); continue
  fi
  if [ "$rc" -eq 1 ] && [ "$lines" -eq 1 ] && grep -q '^tflite_dump: ' "$OUT/stderr.txt" &&
     ! grep -qi 'sanitizer\|runtime error' "$OUT/stderr.txt"; then
    pass=$((pass + 1)); continue
  fi
  fail=$((fail + 1))
  echo "FAIL $(basename "$v"): exit $rc, $lines stderr line(s)"
  head -5 "$OUT/stderr.txt" | sed 's/^/    /'
  cp "$v" "$OUT/FAIL_$(basename "$v")"
done
total=$((pass + fail))
echo "corrupt: $MODEL: $total variants, $pass passed ($ok0 decoded, $((pass - ok0)) rejected with one error line), $fail failed"
[ "$fail" -eq 0 ]
