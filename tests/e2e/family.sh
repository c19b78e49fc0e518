#!/usr/bin/env bash
# The configuration family end to end (issue 12): `mica compile/verify --board` for the iCEBreaker
# configuration, the placement reasons naming it, bit-exact results on func (and on rtl when the
# simulator library has the configuration: make EXTRA_CONFIGS=2x2-l1-a255-m4), the runtime refusing a
# program that uses a feature the device lacks, and one-line errors for bad --board / --config.
set -u
cd "$(dirname "$0")/../.." || exit 2
MICA=${MICA:-build/mica}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail=0
ok()  { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
has() { grep -q -- "$2" "$1" && ok "$3" || { bad "$3"; sed 's/^/     /' "$1" | head -5; }; }

"$MICA" compile models/kws_dscnn.tflite -o "$T/kws.mica" --board icebreaker > "$T/kws.txt" 2>&1 ||
  bad "compile kws --board icebreaker"
has "$T/kws.txt" "DEPTHWISE_CONV_2D: this configuration (icebreaker) has no vector unit" "dw reason names the board"
has "$T/kws.txt" "FULLY_CONNECTED: this configuration (icebreaker) has no round mode REAL" "fc reason names the board"
has "$T/kws.txt" "2x2 array" "kws compiled for 2x2"

"$MICA" verify models/digits.tflite --board icebreaker --backend func --count 50 > "$T/vf.txt" 2>&1
has "$T/vf.txt" "mismatching_bytes=0 .*PASS" "digits --board icebreaker bit-exact on func"

if "$MICA" verify models/digits.tflite --board icebreaker --backend rtl --count 3 > "$T/vr.txt" 2>&1; then
  has "$T/vr.txt" "mismatching_bytes=0 .*PASS" "digits --board icebreaker bit-exact on rtl"
elif grep -q "no model built" "$T/vr.txt"; then
  echo "skip rtl: $(grep -o 'no model built.*' "$T/vr.txt" | head -c 200)"
else bad "verify rtl"; sed 's/^/     /' "$T/vr.txt" | tail -3; fi

"$MICA" compile models/digits.tflite -o "$T/d16.mica" > /dev/null 2>&1 || bad "compile default"
"$MICA" run "$T/d16.mica" --backend func:absent=8 > "$T/refuse.txt" 2>&1 && bad "ran without round mode REAL"
has "$T/refuse.txt" "needs feature round_real, which the func backend's configuration lacks" "runtime refuses"
"$MICA" run "$T/d16.mica" --backend func:absent=7 > "$T/fine.txt" 2>&1 || bad "digits needs no vector unit"

"$MICA" compile models/digits.tflite -o "$T/x.mica" --board ../etc > "$T/e1.txt" 2>&1 && bad "--board ../etc accepted"
has "$T/e1.txt" "is not a board name" "bad board name"
"$MICA" compile models/digits.tflite -o "$T/x.mica" --board nosuch > "$T/e2.txt" 2>&1 && bad "--board nosuch accepted"
has "$T/e2.txt" "nosuch.json: cannot open" "missing board"
echo '{"accelerator": {"rows": 2, "cols": 2, "req_lanes": 3}}' > "$T/c.json"
"$MICA" compile models/digits.tflite -o "$T/x.mica" --config "$T/c.json" > "$T/e3.txt" 2>&1 && bad "req_lanes 3 accepted"
has "$T/e3.txt" "accelerator.req_lanes = 3: must be 0..cols (2)" "bad --config value"
"$MICA" compile models/digits.tflite -o "$T/x.mica" --array 4x4 --board icebreaker > "$T/e4.txt" 2>&1 && bad "two targets accepted"
has "$T/e4.txt" "give one of --array, --board and --config" "one target"
[ "$(wc -l < "$T/e3.txt")" -eq 1 ] && ok "one-line error" || bad "one-line error"
exit $fail
