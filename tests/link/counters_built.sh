#!/usr/bin/env bash
# Event counters a board builds: the iCEBreaker's bitstream counts CYCLES only (CNT_MASK 1 in
# hw/boards/icebreaker.json), so `mica run` shows its other counters as not counted instead of a
# 0 that looks measured; the ULX3S builds them all and shows numbers.
#   bash tests/link/counters_built.sh [MICA]     (make board-sim builds the simulators)
set -uo pipefail
cd "$(dirname "$0")/../.."
MICA=${1:-build/mica}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/tools/expect.sh

# check NAME REGEX: the last run's counters line matches REGEX
check() {
    if grep -Eq "$2" "$TMP/out"; then pass "$1"; else fail "$1: no match for '$2' in: $(grep 'cycles=' "$TMP/out" | tail -1)"; fi
}

for board in icebreaker ulx3s; do
    run_ok "compile digits for $board" "$MICA" compile models/digits.tflite -o "$TMP/$board.mica" --board "$board"
    run_ok "run digits on link:sim=$board" "$MICA" run "$TMP/$board.mica" --backend "link:sim=$board" --output-dir "$TMP"
    check "$board: cycles measured" "^cycles=[1-9][0-9]* "
    if [ "$board" = icebreaker ]; then
        check "$board: instrs and macs not counted" " instrs=\(not counted\) macs=\(not counted\) "
    else
        check "$board: instrs and macs counted" " instrs=[1-9][0-9]* macs=[1-9][0-9]* "
    fi
done

[ "$fails" -eq 0 ] && echo "counters_built: PASS" || { echo "counters_built: $fails failure(s)"; exit 1; }
