# Shared by the shell test drivers (tests/link/run.sh, tests/firmware/run.sh): source it after
# setting TMP (a private temporary folder). Counts failures in $fails.
#   run_ok NAME CMD...                 exit 0; its output stays in $TMP/out
#   run_err NAME SECONDS REGEX CMD...  non-zero exit within SECONDS and a line matching REGEX
fails=0
pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }

run_ok() {
    local name=$1; shift
    if "$@" > "$TMP/out" 2>&1; then pass "$name"; else fail "$name: $(tail -3 "$TMP/out")"; fi
}

run_err() {
    local name=$1 limit=$2 regex=$3; shift 3
    local t0=$SECONDS
    timeout $((limit + 30)) "$@" > "$TMP/out" 2>&1; local rc=$?
    local took=$((SECONDS - t0))
    if [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $took -le "$limit" ] && grep -Eq "$regex" "$TMP/out"; then
        pass "$name (exit $rc in ${took}s: $(grep -E "$regex" "$TMP/out" | head -1 | cut -c1-150))"
    else
        fail "$name: exit $rc after ${took}s (limit ${limit}s), output: $(head -3 "$TMP/out")"
    fi
}
