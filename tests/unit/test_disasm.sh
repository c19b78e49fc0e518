#!/usr/bin/env bash
# mica disasm on compiled models: every instruction of the program listed once (the listed count
# equals the header's instruction count, indices 0..count-1 in order), no undefined opcode, every
# step shown; --step N shows one step; a damaged file is refused with one line and exit 1.
# usage: tests/unit/test_disasm.sh MICA MODEL.tflite...
set -u
mica=$1; shift
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL test_disasm: $*"; fail=1; }
for model in "$@"; do
  for array in 16x16 4x4; do
    prog=$tmp/p.mica
    "$mica" compile "$model" --array "$array" -o "$prog" > /dev/null || { bad "$model $array: compile"; continue; }
    "$mica" disasm "$prog" > "$tmp/out" 2> "$tmp/err" || bad "$model $array: exit $? ($(head -1 "$tmp/err"))"
    count=$(head -1 "$tmp/out" | sed -nE 's/.*, ([0-9]+) instructions$/\1/p')
    steps=$(head -1 "$tmp/out" | sed -nE 's/.*, ([0-9]+) steps, .*/\1/p')
    listed=$(grep -E '^ +[0-9]+  ' "$tmp/out" | awk '{print $1}')
    [ -n "$count" ] && [ "$(echo "$listed" | wc -l)" = "$count" ] || bad "$model $array: listed $(echo "$listed" | wc -l) of $count"
    [ "$listed" = "$(seq 0 $((count - 1)))" ] || bad "$model $array: indices not 0..$((count - 1)) in order"
    [ "$(grep -c '^step ' "$tmp/out")" = "$steps" ] || bad "$model $array: not every step shown"
    grep -q '\.word\|(illegal)' "$tmp/out" && bad "$model $array: undefined opcode or illegal value shown"
    "$mica" disasm "$prog" --step 0 | grep -c '^step ' | grep -qx 1 || bad "$model $array: --step 0"
  done
done
# A damaged program: the loader's one line, exit 1.
printf 'MICAPRG1 not a program' > "$tmp/bad.mica"
"$mica" disasm "$tmp/bad.mica" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 1 ] && [ "$(wc -l < "$tmp/err")" = 1 ] || bad "damaged file: exit $rc, $(wc -l < "$tmp/err") lines"
"$mica" disasm "$tmp/missing.mica" 2> /dev/null; [ $? = 1 ] || bad "missing file not refused"
"$mica" disasm 2> /dev/null; [ $? = 2 ] || bad "no argument not refused"
[ $fail = 0 ] && echo "test_disasm: PASS ($# models x 2 arrays)"
exit $fail
