#!/usr/bin/env bash
# Long fuzzing (`make fuzz-long`, not in CI): every fuzz target to FUZZ_RUNS executions (default
# 10,000,000) at nice 19, one summary line per target, non-zero exit on any crash.
#   FUZZ_RUNS=N        executions per target
#   FUZZ_TARGETS="..." subset of: reader program compile npy options kernels link board tech mcu (default: all)
#   FUZZ_MAX_TIME=S    optional time cap per libFuzzer target (the line then shows the real count)
#   FUZZ_JOBS=N        libFuzzer fork-mode workers per target (default: the number of cores); every
#                      crash, timeout and out-of-memory is counted and kept, the run goes on
#   MICA_FUZZ_RAW_NAMES_OK=1 tolerate raw control characters in refusal messages (tests/fuzz/fuzz_common.h)
# Work dirs, corpora, logs and reproducers: build/fuzz-long/TARGET/. Findings worth keeping go
# (minimized) to tests/fuzz/crashes/TARGET_NAME.bin; each run replays them first.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
RUNS=${FUZZ_RUNS:-10000000}
JOBS=${FUZZ_JOBS:-$(nproc)}
TARGETS=${FUZZ_TARGETS:-reader program compile npy options kernels link board tech mcu}
PY=${PYTHON:-python3}
W=$ROOT/build/fuzz-long
fail=0

# Seeds per target into $W/TARGET/seeds.
# Models up to 64 KiB (digits, kws_dscnn, the op models) seed the reader and the compiler: the
# 300 KiB ones cover no other structure and make every execution 5-10x slower.
seed_models() {   # DIR [MAX_BYTES]: models (repository + generated op models) into DIR
    [ -d build/op_models ] || "$PY" tests/oracle/make_op_models.py build/op_models >/dev/null
    find models build/op_models -maxdepth 1 -name '*.tflite' -size -"${2:-100000000}"c -exec cp {} "$1"/ \;
}
seed() {
    local t=$1 d=$W/$1/seeds
    rm -rf "$d"; mkdir -p "$d"
    case $t in
    reader)  seed_models "$d" 65536; build/tflite/test_reader --write-seed "$d/handbuilt.tflite" >/dev/null ;;
    compile) seed_models "$d" 65536 ;;
    program) for m in models/*.tflite build/op_models/*.tflite; do
                 [ -f "$m" ] && build/mica compile "$m" -o "$d/$(basename "$m" .tflite).mica" >/dev/null 2>&1
             done; rm -f "$d"/*.json; find "$d" -size +16384c -delete ;;   # every CRC pass is per byte: small programs keep 5x the pace
    npy)     "$PY" tests/fuzz/make_npy_seeds.py "$d" ;;
    link)    "$PY" tests/fuzz/make_link_seeds.py "$d" ;;
    board)   cp hw/boards/*.json "$d/" ;;
    tech)    cp hw/energy/*.json "$d/" ;;
    mcu)     printf '\005\001\001\012' >"$d/shape"
             head -c 200 /dev/zero >>"$d/shape" ;;
    options) printf '\002rtl:array=8x8,latency=20' >"$d/rtl"
             printf '\002func:plan=0,vnni=1,max_cycles=5' >"$d/func"
             printf '\002rtl:max_cycles=1000,trace=t.fst,trace_from=1,trace_to=5,bw=8' >"$d/rtl_all"
             printf '\000\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020-123' >"$d/int"
             printf '\001\020\00016x16' >"$d/dims" ;;
    esac
}

build() {
    case $1 in
    reader)  make -s -C compiler/tflite fuzzer all >/dev/null && echo build/tflite/fuzz_reader ;;
    program) make -s --no-print-directory "$ROOT/build/fuzz_program_bin" >/dev/null && echo build/fuzz_program_bin ;;
    *)       make -s --no-print-directory "$ROOT/build/fuzz/fuzz_$1" >/dev/null && echo "build/fuzz/fuzz_$1" ;;
    esac
}

summary() {   # TARGET EXECS EXEC_PER_S CRASHES CORPUS SECONDS
    local verdict=PASS
    { [ "$4" != 0 ] || [ "${2:-0}" -lt "$RUNS" ]; } && verdict=FAIL
    printf 'fuzz-long: %-8s executions=%-10s exec/s=%-7s crashes=%s corpus=%-6s time=%ss %s\n' "$@" "$verdict"
    [ $verdict = PASS ] || fail=1
}

# Earlier findings (tests/fuzz/crashes/TARGET_*.bin) must replay cleanly once fixed.
replay() {   # TARGET BINARY
    local f bad=0 n=0
    for f in tests/fuzz/crashes/"$1"_*.bin; do
        [ -f "$f" ] || continue
        n=$((n + 1))
        "$2" "$f" >/dev/null 2>&1 || { echo "fuzz-long: $1: reproducer still fails: $f"; bad=$((bad + 1)); }
    done
    [ $n = 0 ] || echo "fuzz-long: $1: $n earlier reproducers replayed, $bad still failing"
    [ $bad = 0 ] || fail=1
}

run_libfuzzer() {
    local t=$1 bin d=$W/$1
    bin=$(build "$t") || { echo "fuzz-long: $t: build failed"; fail=1; return; }
    replay "$t" "$bin"
    rm -rf "$d/artifacts"; mkdir -p "$d/corpus" "$d/artifacts"
    seed "$t"
    local maxlen cap=() start=$SECONDS
    maxlen=$(ls -l "$d"/seeds/* | awk '{ if ($5 > m) m = $5 } END { print m + 1024 }')
    [ -n "${FUZZ_MAX_TIME:-}" ] && cap=(-max_total_time="$FUZZ_MAX_TIME")
    # Fork mode: workers restart after a finding, so one run counts every crash, timeout and OOM.
    # -timeout=60: a legitimately large model (a 3.6 G-MAC conv) compiles in 0.15 s natively but
    # takes 10-25 s under ASan + coverage on a loaded machine; a real hang still trips it.
    nice -n 19 "$bin" "$d/corpus" "$d/seeds" -fork="$JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -runs="$RUNS" "${cap[@]}" -max_len="$maxlen" -timeout=60 -rss_limit_mb=2048 -seed="${FUZZ_SEED:-1}" \
        -artifact_prefix="$d/artifacts/" >"$d/last_run.log" 2>&1
    local last execs rate corpus crashes
    last=$(grep -E '^#[0-9]+: ' "$d/last_run.log" | tail -1)
    execs=$(sed -n 's/^#\([0-9]*\): .*/\1/p' <<<"$last")
    rate=$(sed -n 's/.* exec\/s \([0-9]*\) .*/\1/p' <<<"$last")
    corpus=$(sed -n 's/.* corp: \([0-9]*\) .*/\1/p' <<<"$last")
    crashes=$(sed -n 's/.* oom\/timeout\/crash: \([0-9]*\)\/\([0-9]*\)\/\([0-9]*\) .*/\1 \2 \3/p' <<<"$last" | awk '{ print $1 + $2 + $3 }')
    summary "$t" "${execs:-0}" "${rate:-0}" "${crashes:-1}" "${corpus:-?}" $((SECONDS - start))
    [ "$crashes" = 0 ] || grep -E 'invariant|ERROR|SUMMARY|#[0-9] ' "$d/last_run.log" | head -8
}

# The CPU-kernel mutation check is not libFuzzer: one mutated kernel call is one execution.
run_kernels() {
    local d=$W/kernels start=$SECONDS
    mkdir -p "$d"
    ls build/cpu_op_models/*.tflite >/dev/null 2>&1 || "$PY" tests/kernels/make_cpu_op_models.py >/dev/null
    local steps
    steps=$(sh tests/kernels/fuzz.sh 1 2>&1 | sed -n 's/^fuzz_mutate: \([0-9]*\) CPU steps.*/\1/p')
    [ -n "$steps" ] || { echo "fuzz-long: kernels: setup failed (sh tests/kernels/fuzz.sh 1)"; fail=1; return; }
    local per_step=$(( (RUNS + steps - 1) / steps ))
    nice -n 19 sh tests/kernels/fuzz.sh "$per_step" >"$d/last_run.log" 2>&1
    local rc=$? calls secs=$((SECONDS - start))
    calls=$(sed -n 's/.* CPU steps, \([0-9]*\) mutated calls.*/\1/p' "$d/last_run.log")
    summary kernels "${calls:-0}" $(( ${calls:-0} / (secs > 0 ? secs : 1) )) $((rc != 0)) "$steps-steps" "$secs"
    [ $rc = 0 ] || tail -8 "$d/last_run.log"
}

for t in $TARGETS; do
    case $t in
    kernels) run_kernels ;;
    reader|program|compile|npy|options) run_libfuzzer "$t" ;;
    *) echo "fuzz-long: unknown target '$t'"; fail=1 ;;
    esac
done
[ $fail = 0 ] && echo "fuzz-long: PASS ($RUNS executions per target)" || { echo "fuzz-long: FAIL"; exit 1; }
