#!/usr/bin/env bash
# The firmware path: Cortex-M4 firmware (firmware/, the runtime core) built for each model with
# `mica compile --emit-c`, booted in QEMU mps2-an386, verified byte for byte against LiteRT
# through the mcu backend:
#   accel=none   the whole model on the M4 (CPU kernels and the ISA interpreter)
#   accel=sim    accelerator steps over UART1 to the Verilated ULX3S board top (link protocol)
# and the fault cases: a board that never answers, a board that dies mid-invoke, a noisy UART,
# each with fallback=cpu (bit-exact on the CPU, says why) and fallback=none (a clear error, in
# bounded time). Also: --emit-c output compiles and links for the M4 with no undefined symbol.
#   bash tests/firmware/run.sh [MICA]     (make test-firmware builds what it needs)
set -uo pipefail
cd "$(dirname "$0")/../.."
MICA=${1:-build/mica}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/tools/expect.sh
FAST=link_timeout_ms=50 # virtual ms per try: an absent board is declared so quickly

# 1. --emit-c: a program as C data, built into the firmware image (sizes per part).
run_ok "compile --emit-c digits" "$MICA" compile models/digits.tflite --emit-c "$TMP/digits_mica.c"
run_ok "firmware image for digits" make -s -C firmware MODEL_C="$TMP/digits_mica.c" OUT="$TMP/fw" \
    OBJ_DIR="$PWD/build/firmware/obj"
[ -f "$TMP/fw/size.txt" ] && sed 's/^/    /' "$TMP/fw/size.txt"
run_err "--emit-c refuses a name that is not .c" 10 "ending in .c" \
    "$MICA" compile models/digits.tflite --emit-c "$TMP/digits.txt"

# 2. Bit-exact on the M4 alone, and with the accelerator board on its UART.
run_ok "verify digits mcu:accel=none" "$MICA" verify models/digits.tflite --backend mcu:accel=none --count 10
tail -1 "$TMP/out" | sed 's/^/    /'
run_ok "verify KWS mcu:accel=none" "$MICA" verify models/kws_dscnn.tflite --backend mcu:accel=none --count 3
tail -1 "$TMP/out" | sed 's/^/    /'
"${PYTHON:-python3}" tests/oracle/make_edge_models.py "$TMP/edge" > /dev/null 2>&1
run_ok "verify a float-edged model on the M4 (float32 in and out)" "$MICA" verify \
    "$TMP/edge/edge_dw_pool_softmax.tflite" --backend mcu:accel=none --count 5
run_ok "verify digits mcu:accel=sim (ULX3S)" "$MICA" verify models/digits.tflite --backend mcu:accel=sim --count 3
tail -1 "$TMP/out" | sed 's/^/    /'
grep -q "fell_back=no" "$TMP/out" || fail "digits accel=sim fell back to the CPU"
run_ok "verify KWS mcu:accel=sim (ULX3S)" "$MICA" verify models/kws_dscnn.tflite --backend mcu:accel=sim --count 1
tail -1 "$TMP/out" | sed 's/^/    /'
# Depthwise layers forced to the M4 between accelerator convolutions: tensors cross both ways.
run_ok "verify KWS with DEPTHWISE_CONV_2D on the M4 (accel=sim)" "$MICA" verify models/kws_dscnn.tflite \
    --backend mcu:accel=sim --cpu DEPTHWISE_CONV_2D --count 1
tail -1 "$TMP/out" | sed 's/^/    /'

# 3. Faults: absent board, board dying mid-invoke, noisy UART.
run_ok "absent board, fallback=cpu: bit-exact on the CPU" "$MICA" verify models/digits.tflite \
    --backend "mcu:accel=absent,fallback=cpu,$FAST" --count 2
grep -q "fell_back=yes why=ran on the CPU: link: no valid reply" "$TMP/out" || fail "absent board: no fallback reason"
run_err "absent board, fallback=none: clear error" 120 "mcu: firmware: link: no valid reply .* PING" \
    "$MICA" verify models/digits.tflite --backend "mcu:accel=absent,$FAST" --count 2
run_ok "board dies mid-invoke, fallback=cpu: bit-exact, next invoke works" "$MICA" verify models/digits.tflite \
    --backend "mcu:accel=sim,fallback=cpu,die_after_ms=100,link_timeout_ms=100" --count 3
grep -q "fell_back=yes" "$TMP/out" || fail "dying board: did not fall back"
run_err "board dies mid-invoke, fallback=none: clear error" 180 "mcu: firmware: link: no valid reply" \
    "$MICA" verify models/digits.tflite --backend "mcu:accel=sim,die_after_ms=100,link_timeout_ms=100" --count 2
run_ok "noisy UART (ber=1e-3): bit-exact, no fallback" "$MICA" verify models/digits.tflite \
    --backend "mcu:accel=sim,ber=1e-3,link_timeout_ms=300" --count 2
grep -q "fell_back=no" "$TMP/out" || fail "ber=1e-3: fell back instead of retrying"
run_err "unknown accel value" 10 "accel=tpu: use accel=sim" \
    "$MICA" verify models/digits.tflite --backend mcu:accel=tpu --count 1

# 4. The example application: KWS features in over the console, the label out; no board on its
# UART1, so it falls back to the CPU. The label must be the argmax of what LiteRT's bit-exact
# stand-in (the func backend) gives for the same bytes.
PY=${PYTHON:-python3}
"$MICA" compile models/kws_dscnn.tflite --emit-c "$TMP/kws_mica.c" > /dev/null &&
    make -s -C firmware APP=kws APP_SRC=examples/kws.c MODEL_C="$TMP/kws_mica.c" OUT="$TMP/kws" \
        OBJ_DIR="$PWD/build/firmware/obj" > /dev/null 2>&1 || fail "building the KWS example"
"$PY" -c "import numpy as n, sys; x = n.random.default_rng(4).integers(-128, 128, (1, 49, 10, 1), dtype=n.int8)
open(sys.argv[1], 'wb').write(x.tobytes()); n.save(sys.argv[2], x)" "$TMP/kws.bin" "$TMP/kws.npy"
timeout 120 qemu-system-arm -M mps2-an386 -display none -monitor none -kernel "$TMP/kws/kws.elf" \
    -semihosting-config enable=on,target=native -icount shift=0 -serial stdio -serial null \
    < "$TMP/kws.bin" > "$TMP/kws.out" 2>&1
"$MICA" run "$TMP/kws_mica.mica" --backend func --input "$TMP/kws.npy" --output-dir "$TMP" > /dev/null
want=$("$PY" -c "import numpy as n, sys; print(int(n.load(sys.argv[1]).argmax()))" "$TMP/output0.npy")
if grep -q "^label $want " "$TMP/kws.out"; then pass "KWS example: $(head -1 "$TMP/kws.out")"
else fail "KWS example printed '$(head -1 "$TMP/kws.out")', LiteRT's label is $want"; fi

[ $fails -eq 0 ] && echo "firmware: PASS" || { echo "firmware: $fails FAILED"; exit 1; }
