#!/bin/sh
# Run the libFuzzer target of the TFLite reader for a while.
#
#   tests/corrupt/fuzz_short.sh [SECONDS]     (default 30)
#
# Seeds: the hand-built model of test_reader, every model in build/tflite/models/
# and models/ (plus the corpus kept
# from earlier runs in build/fuzz/corpus). Fails (non-zero) on any crash,
# sanitizer report, leak, timeout or out-of-memory; the reproducer is left in
# build/fuzz/artifacts/.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-30}
FUZZ="$ROOT/build/tflite/fuzz_reader"
WORK="$ROOT/build/fuzz"
make -s -C "$ROOT/compiler/tflite" fuzzer all || { echo "fuzz_short.sh: build failed (needs clang)"; exit 2; }
mkdir -p "$WORK/corpus" "$WORK/seeds" "$WORK/artifacts"
"$ROOT/build/tflite/test_reader" --write-seed "$WORK/seeds/handbuilt.tflite" || exit 2
for m in "$ROOT"/build/tflite/models/*.tflite "$ROOT"/models/*.tflite; do
  [ -f "$m" ] && cp "$m" "$WORK/seeds/"
done
if [ -z "$(ls "$WORK/seeds")" ]; then
  echo "fuzz_short.sh: no seed models (run 'make -C compiler/tflite models')"; exit 2
fi
MAXLEN=$(ls -l "$WORK"/seeds/* | awk '{ if ($5 > m) m = $5 } END { print m + 1024 }')
"$FUZZ" "$WORK/corpus" "$WORK/seeds" -seed="${FUZZ_SEED:-1}" -max_total_time="$SECS" -max_len="$MAXLEN" -timeout=10 \
  -rss_limit_mb=2048 -artifact_prefix="$WORK/artifacts/" -print_final_stats=1 \
  >"$WORK/last_run.log" 2>&1
rc=$?
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+.*DONE' "$WORK/last_run.log"
if [ $rc -ne 0 ]; then
  echo "fuzz_short.sh: FAILED (exit $rc); see $WORK/last_run.log and $WORK/artifacts/"
  grep -E 'ERROR|SUMMARY|invariant' "$WORK/last_run.log" | head -5
  exit 1
fi
echo "fuzz_short.sh: no crash in ${SECS}s"
