#!/usr/bin/env bash
# STATS counter sets: a board top built with LINK_STATS=0 (the iCEBreaker) sends the cycle count
# only (the link's counters read 0) and probe says so; a full set (the ULX3S) counts frames.
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
check "icebreaker: device counters not built, device time still measured" \
    "^link faults, device: not counted \(STATS has the cycle count only\); up [0-9.]+ s of device time$"
check "icebreaker: rates in device time (STATS cycles)" "written [0-9]+ B/s \(device time;"
run_ok "probe link:sim=ulx3s" "$MICA" board probe --backend link:sim=ulx3s
check "ulx3s: full counter set, frames counted" "^link faults, device: frames_ok=[1-9][0-9]* dropped"

[ "$fails" -eq 0 ] && echo "stats_sets: PASS" || { echo "stats_sets: $fails failure(s)"; exit 1; }
