#!/usr/bin/env bash
# Soak (`make soak`): 10,000 inferences on func and 500 on rtl, for digits and kws_dscnn (MLPerf
# Tiny keyword spotting), one libmica context each; fails if the peak RSS grows by more than
# SOAK_BOUND_KB (default 1024) between inference 100 and the end, or any inference fails.
#   FUNC_COUNT=N RTL_COUNT=N SOAK_MODELS="digits kws_dscnn" bash tests/soak/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p build/soak
fail=0
build/mica compile models/digits.tflite -o build/soak/digits.mica >/dev/null || exit 1
if SOAK_SELFTEST_LEAK=1024 build/soak/soak build/soak/digits.mica func 5000 100 "${SOAK_BOUND_KB:-1024}" >/dev/null; then
    echo "soak: FAIL (self-test: a 1 KiB-per-inference leak went unnoticed)"; exit 1
fi
echo "soak: self-test: a 1 KiB-per-inference leak over 5,000 inferences is caught"
for m in ${SOAK_MODELS:-digits kws_dscnn}; do
    build/mica compile "models/$m.tflite" -o "build/soak/$m.mica" >/dev/null || { echo "soak: compile $m failed"; fail=1; continue; }
    build/soak/soak "build/soak/$m.mica" func "${FUNC_COUNT:-10000}" 100 "${SOAK_BOUND_KB:-1024}" || fail=1
    build/soak/soak "build/soak/$m.mica" rtl "${RTL_COUNT:-500}" 100 "${SOAK_BOUND_KB:-1024}" || fail=1
done
[ $fail = 0 ] && echo "soak: PASS" || { echo "soak: FAIL"; exit 1; }
