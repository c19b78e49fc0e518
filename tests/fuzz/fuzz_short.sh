#!/usr/bin/env bash
# libFuzzer on the .mica program loader (+ CPU kernel parameter checks) for N seconds (default 30);
# seeds are compiled programs of the models. Fails on any crash, sanitizer report or timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-30}
W=build/fuzz_program
mkdir -p $W/corpus $W/seeds $W/artifacts
make --no-print-directory "$PWD/build/fuzz_program_bin" >/dev/null
for m in models/*.tflite build/op_models/*.tflite; do
    [ -f "$m" ] && build/mica compile "$m" -o "$W/seeds/$(basename "$m" .tflite).mica" >/dev/null 2>&1 || true
done
if build/fuzz_program_bin $W/corpus $W/seeds -seed="${FUZZ_SEED:-1}" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix=$W/artifacts/ -print_final_stats=1 >$W/last_run.log 2>&1; then
    echo "fuzz_program: PASS ($(grep -m1 'stat::number_of_executed_units' $W/last_run.log | awk '{print $2}') runs in ${SECS}s)"
else
    tail -30 $W/last_run.log; echo "fuzz_program: FAIL (reproducer in $W/artifacts/)"; exit 1
fi
