#!/usr/bin/env bash
# The board path without a board: libmica's link backend against the Verilated board tops
# (mica-board-sim-BOARD: UART pins driven bit by bit), through every transport this machine has.
#   bash tests/link/run.sh [MICA]     (make test-link-sim builds what it needs)
# Checks: probe and memtest pass; digits bit-exact on each board; a noisy line (ber=1e-3) loses
# nothing silently; a dead or silent peer ends in a clear error within a bounded time; ftdi with
# no device names the board and what to check; tcp reaches a board simulator listening on a port.
set -uo pipefail
cd "$(dirname "$0")/../.."
MICA=${1:-build/mica}
TMP=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$TMP"' EXIT
. tests/tools/expect.sh

# 1. Identity, link self-test and memory over the simulated USB-UART.
run_ok "probe link:sim=icebreaker" "$MICA" board probe --backend link:sim=icebreaker
grep -E "^(CONFIG|link self-test)" "$TMP/out" | sed 's/^/    /'
run_ok "memtest link:sim=icebreaker (whole 128 KB, 3 patterns)" "$MICA" board memtest --backend link:sim=icebreaker
grep -E "^memtest:" "$TMP/out" | head -1 | sed 's/^/    /'

# 2. Bit-exact on the boards (compiled for each board's configuration).
for board in icebreaker ulx3s; do
    run_ok "verify digits link:sim=$board" "$MICA" verify models/digits.tflite --backend "link:sim=$board" --count 10
    sed 's/^/    /' "$TMP/out" | tail -1
done

# 3. A noisy line: flipped, dropped and duplicated bytes, 1 in 1000 each way.
run_ok "memtest 32 KB with ber=1e-3 (0 silent corruptions)" "$MICA" board memtest --backend link:sim=icebreaker,ber=1e-3,seed=3 --bytes 32768
grep -E "^(memtest:|link faults)" "$TMP/out" | sed 's/^/    /'
grep -Eq "retransmits=[1-9]" "$TMP/out" || fail "ber=1e-3 memtest saw no retransmissions: faults were not injected"
run_ok "verify digits with ber=1e-3" "$MICA" verify models/digits.tflite --backend link:sim=icebreaker,ber=1e-3,seed=5 --count 10
sed 's/^/    /' "$TMP/out" | tail -1

# 4. A dead board: the simulator killed in the middle of a transfer.
( sleep 3; pkill -f "mica-board-sim-icebreaker --fd" ) &
run_err "simulator killed mid-memtest" 20 "connection to .* broke" \
    "$MICA" board memtest --backend link:sim=icebreaker
wait

# 5. A silent peer: accepts the connection, never answers.
"${PYTHON:-python3}" - "$TMP/port" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
c, _ = s.accept(); time.sleep(60)
PY
for i in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
run_err "silent peer over tcp (timeout_ms=200, tries=3)" 5 "no valid reply" \
    "$MICA" board probe --backend "link:tcp=127.0.0.1:$(cat "$TMP/port"),timeout_ms=200,tries=3"

# 6. tcp to a board simulator listening on a port (what a remote board server looks like).
port=$((20000 + RANDOM % 20000))
build/sim/board/mica-board-sim-icebreaker --listen "127.0.0.1:$port" 2> "$TMP/listen.log" &
for i in $(seq 50); do grep -q listening "$TMP/listen.log" && break; sleep 0.1; done
run_ok "probe link:tcp to mica-board-sim --listen" "$MICA" board probe --backend "link:tcp=127.0.0.1:$port"

# 7. USB without a board: libftdi looks, finds nothing, and says what to check.
run_err "ftdi with no device" 10 "icebreaker.*FT2232H 0403:6010.*(cable|permissions|ftdi_sio)" \
    "$MICA" board probe --backend link:ftdi=icebreaker
run_err "flash with no board" 30 "openFPGALoader.*failed|plugged in" \
    "$MICA" board flash --board icebreaker /etc/services

[ $fails -eq 0 ] && echo "link: PASS" || { echo "link: $fails FAILED"; exit 1; }
