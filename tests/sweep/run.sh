#!/usr/bin/env bash
# make test-sweep: mica sweep end to end. Bad options are refused in one line; a small sweep
# runs locally (two points confirmed on the Verilated RTL within the estimate tolerance), resumes
# without recomputing, and gives the same CSV through a real single-node Slurm (munged, slurmctld
# and slurmd started here in a temporary directory and stopped on exit).
set -euo pipefail
cd "$(dirname "$0")/../.."
MICA=${MICA:-build/mica}
export PYTHON=${PYTHON:-python3}
D=$(mktemp -d "${TMPDIR:-/tmp}/mica-sweep-test.XXXXXX")
export SLURM_DIR=$D/slurm
source tests/sweep/slurm_local.sh
trap 'slurm_down; rm -rf "$D"' EXIT
fail() { echo "test-sweep: FAIL: $*" >&2; exit 1; }
GRID=(--models models/digits.tflite,models/kws_dscnn.tflite --array 4x4,8x8,16x16 --bus 8
      --aspad 4096 --latency 10,40)

refused() {  # refused PATTERN ARGS...: exit 2 and one stderr line matching PATTERN
    local pat=$1; shift
    if "$MICA" sweep "$@" > "$D/out" 2> "$D/err"; then fail "accepted: $*"; fi
    [ "$(wc -l < "$D/err")" = 1 ] && grep -q -- "$pat" "$D/err" || { cat "$D/err"; fail "message for: $*"; }
}
refused "--array '0x4'" "${GRID[@]:0:2}" --array 0x4 --bus 8 --aspad 4096 --latency 10 -o "$D/x"
refused "--bus '3'" "${GRID[@]:0:2}" --array 4x4 --bus 3 --aspad 4096 --latency 10 -o "$D/x"
refused "--latency '0'" "${GRID[@]:0:2}" --array 4x4 --bus 8 --aspad 4096 --latency 0 -o "$D/x"
refused "'nope.tflite': no such file" --models nope.tflite --array 4x4 --bus 8 --aspad 4096 --latency 10 -o "$D/x"
refused "required" --array 4x4 -o "$D/x"
printf '{"accelerator": {"rows": 4, "cols": 4, "mem_latency": 0}}' > "$D/bad.json"
if "$MICA" compile models/digits.tflite -o "$D/b.mica" --config "$D/bad.json" 2> "$D/err"; then fail "mem_latency 0 accepted"; fi
grep -q "accelerator.mem_latency = 0: must be an integer 1..1000" "$D/err" || fail "mem_latency message: $(cat "$D/err")"
echo "test-sweep: bad options and config refused in one line"

t0=$(date +%s)
"$MICA" sweep "${GRID[@]}" -o "$D/local" --rtl-confirm 4 --jobs 2 | tee "$D/local.log"
"$PYTHON" - "$D/local" <<'PY'
import csv, sys, xml.etree.ElementTree as ET, json, subprocess
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/sweep.csv")))
assert len(rows) == 12, f"{len(rows)} rows, expected 12"
confirmed = [r for r in rows if r["rtl_cycles"]]
assert len(confirmed) == 4, f"{len(confirmed)} RTL-confirmed rows, expected 4"
assert any(r["latency"] == "40" for r in confirmed), "no latency-40 point confirmed"
for r in confirmed:
    assert abs(int(r["cycles"]) - int(r["rtl_cycles"])) <= 0.10 * int(r["rtl_cycles"]), r
by = {(r["model"], r["array"], r["latency"]): r for r in rows}
for m in ("digits", "kws_dscnn"):
    for a in ("4x4", "8x8", "16x16"):
        assert int(by[m, a, "40"]["cycles"]) > int(by[m, a, "10"]["cycles"]), (m, a)
    assert int(by[m, "4x4", "10"]["area_lut4"]) < int(by[m, "16x16", "10"]["area_lut4"])
for f in ("pareto.svg", "energy.svg"):
    ET.parse(f"{d}/{f}")
topo = open(f"{d}/scalesim/kws_dscnn.csv").read().splitlines()
assert topo[0].startswith("Layer, M, N, K") and len(topo) == 7, topo
print(f"test-sweep: local sweep 12 rows, RTL-confirmed {[(r['model'], r['array'], r['latency'], r['cycles'], r['rtl_cycles']) for r in confirmed]}")
PY
# the default point is exactly what a plain compile estimates (the config key changes nothing else)
"$MICA" compile models/kws_dscnn.tflite -o "$D/kws.mica" > /dev/null
est=$("$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["est_cycles"])' "$D/kws.mica.json")
grep -q "^kws_dscnn,16x16,8,4096,10,$est," "$D/local/sweep.csv" || fail "16x16 latency 10 row is not the default compile's $est cycles"
echo "test-sweep: local run $(( $(date +%s) - t0 )) s"

cp "$D/local/sweep.csv" "$D/full.csv"
"$MICA" sweep "${GRID[@]}" -o "$D/local" --rtl-confirm 4 > "$D/again.log"
grep -q "0 to compute, 12 already" "$D/again.log" || fail "resume recomputed: $(cat "$D/again.log")"
grep -v "^digits,8x8,8,4096,40," "$D/full.csv" > "$D/local/sweep.csv"
"$MICA" sweep "${GRID[@]}" -o "$D/local" --rtl-confirm 4 > "$D/again.log"
grep -q "1 to compute, 11 already" "$D/again.log" || fail "partial resume: $(cat "$D/again.log")"
cmp "$D/full.csv" "$D/local/sweep.csv" || fail "resumed CSV differs from the full run"
echo "test-sweep: resume recomputes nothing when complete and only the missing row otherwise"

slurm_up
t0=$(date +%s)
"$MICA" sweep "${GRID[@]}" -o "$D/slurm-run" --slurm --slurm-tasks 3 --slurm-timeout 300 | tee "$D/slurm.log"
grep -q "in 3 array tasks" "$D/slurm.log" || fail "no array job"
[ -x "$D/slurm-run/sweep.sbatch" ] && [ -s "$D/slurm-run/parts/part-2.csv" ] || fail "no sbatch script or parts"
cut -d, -f1-20 "$D/full.csv" > "$D/a.csv"
cut -d, -f1-20 "$D/slurm-run/sweep.csv" > "$D/b.csv"
cmp "$D/a.csv" "$D/b.csv" || { diff "$D/a.csv" "$D/b.csv" | head; fail "Slurm CSV differs from the local one"; }
echo "test-sweep: Slurm array job ($(( $(date +%s) - t0 )) s) gave the local CSV"
echo "test-sweep: PASS"
