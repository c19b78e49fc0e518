#!/usr/bin/env bash
# STATS sets: a board top built with LINK_STATS_CMD=0 (the iCEBreaker) has no STATS command (it
# NAKs it once; no device clock: rates in wall time) and probe says so; a full set (the ULX3S)
# counts frames and times in device time. (LINK_STATS=0, the cycle count only, is covered by
# probe's frames_ok = 0 branch; no board in hw/boards uses it now.)
#   bash tests/link/stats_sets.sh [MICA]     (make board-sim builds the simulators)
set -uo pipefail
cd "$(dirname "$0")/../.."
MICA=${1:-build/mica}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/tools/expect.sh

# check NAME REGEX: the last run's output has a line matching REGEX
check() {
    if grep -Eq "$2" "$TMP/out"; then pass "$1"; else fail "$1: no line matching '$2' in: $(grep 'device:' "$TMP/out" | tail -1)"; fi
}

run_ok "probe link:sim=icebreaker" "$MICA" board probe --backend link:sim=icebreaker
check "icebreaker: no STATS, said so" \
    "^link faults, device: not counted \(no STATS in this bitstream; its one NAK is counted above\); times in wall time$"
check "icebreaker: STATS asked once (one NAK)" "^link faults, host: .* naks=1 "
check "icebreaker: rates in wall time" "written [0-9]+ B/s \(wall time\)"
run_ok "probe link:sim=ulx3s" "$MICA" board probe --backend link:sim=ulx3s
check "ulx3s: full counter set, frames counted" "^link faults, device: frames_ok=[1-9][0-9]* dropped"
check "ulx3s: rates in device time (STATS cycles)" "written [0-9]+ B/s \(device time;"

[ "$fails" -eq 0 ] && echo "stats_sets: PASS" || { echo "stats_sets: $fails failure(s)"; exit 1; }
