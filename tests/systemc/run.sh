#!/bin/bash
# SystemC/TLM-2.0 tests (make test-systemc): every committed model bit-exact vs LiteRT on both
# accelerator components of the example platform, the README's integrator example built with
# pkg-config on both, and the platform's failures reported in one line.
set -u
cd "$(dirname "$0")/../.."
MICA=${MICA:-build/mica}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. tests/tools/expect.sh
export TF_CPP_MIN_LOG_LEVEL=3

for m in models/*.tflite; do
    for k in tlm rtl; do
        run_ok "verify $(basename "$m") systemc:model=$k" "$MICA" verify "$m" --backend systemc:model=$k --count 2
        grep -o "mismatching_bytes=[0-9]*.*PASS" "$TMP/out" | cut -c1-160
    done
done

# The same cycles as the plain Verilated model when the platform's memory matches the simulator's.
"$MICA" compile models/digits.tflite -o "$TMP/digits.mica" > /dev/null
sc=$("$MICA" run "$TMP/digits.mica" --backend systemc:model=rtl --output-dir "$TMP" | grep -o '^cycles=[0-9]*')
plain=$("$MICA" run "$TMP/digits.mica" --backend rtl --output-dir "$TMP" | grep -o '^cycles=[0-9]*')
if [ -n "$sc" ] && [ "$sc" = "$plain" ]; then pass "RTL in SystemC counts as plain Verilated ($sc)"
else fail "RTL in SystemC $sc vs plain Verilated $plain"; fi
run_ok "platform latency=40 bw=4 (tlm)" "$MICA" verify models/digits.tflite --backend systemc:model=tlm,latency=40,bw=4 --count 1
run_ok "platform latency=40 bw=4 (rtl)" "$MICA" verify models/digits.tflite --backend systemc:model=rtl,latency=40,bw=4 --count 1
"$MICA" compile models/digits.tflite --array 8x8 -o "$TMP/d8.mica" > /dev/null
run_ok "8x8 program on the TLM component" "$MICA" run "$TMP/d8.mica" --backend systemc:model=tlm --output-dir "$TMP"

# The integrator's example from sim/systemc/README.md, built against the installed package.
if PKG_CONFIG_PATH=build/systemc g++ sim/systemc/example/my_platform.cpp \
       $(PKG_CONFIG_PATH=build/systemc pkg-config --cflags --libs mica-systemc) -o "$TMP/my_platform" 2> "$TMP/cc"; then
    for k in tlm rtl; do
        run_ok "example platform ($k)" env SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$TMP/my_platform" $k
        grep -q '^DONE' "$TMP/out" || fail "example platform ($k) printed no DONE"
    done
else
    fail "example platform does not build: $(head -3 "$TMP/cc")"
fi

run_err "unknown model" 5 "model=fpga: must be rtl or tlm" "$MICA" run "$TMP/digits.mica" --backend systemc:model=fpga
run_err "latency out of range" 5 "latency" "$MICA" run "$TMP/digits.mica" --backend systemc:latency=0
run_err "8x8 program on the RTL component" 10 "model=rtl is built for the hw/mica.json defaults" \
    "$MICA" run "$TMP/d8.mica" --backend systemc:model=rtl --output-dir "$TMP"
run_err "platform binary missing" 5 "platform .* is missing" env MICA_SC_PLATFORM=/nonexistent/mica-sc-platform \
    "$MICA" run "$TMP/digits.mica" --backend systemc:model=tlm --output-dir "$TMP"
run_err "platform exits at once" 5 "platform process exited" env MICA_SC_PLATFORM=/bin/true \
    "$MICA" run "$TMP/digits.mica" --backend systemc:model=tlm --output-dir "$TMP"
# A platform that accepts the connection and never answers: the reply timeout ends it.
cat > "$TMP/silent.sh" <<'SH'
#!/bin/sh
exec sleep 600
SH
chmod +x "$TMP/silent.sh"
run_err "platform never answers" 10 "stopped answering" env MICA_SC_PLATFORM="$TMP/silent.sh" \
    "$MICA" run "$TMP/digits.mica" --backend systemc:model=tlm,timeout_ms=2000 --output-dir "$TMP"

echo "systemc tests: $fails failed"
[ "$fails" -eq 0 ]
