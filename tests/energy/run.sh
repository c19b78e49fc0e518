#!/usr/bin/env bash
# Energy: every model under models/ at 16x16 on the RTL, the energy model on the compiler's counts
# (estimate) against the same model on the RTL's own counters (measured), per layer within 5%;
# the 22 nm table gives less energy than 45 nm; bad --tech files are refused with one line.
set -uo pipefail
cd "$(dirname "$0")/../.."
B=build
MICA=${MICA:-$B/mica}
PY=${PYTHON:-python3}
OUT=$B/energy_test
rm -rf "$OUT" && mkdir -p "$OUT"
fail=0
TOL=5

echo "== measured vs estimated energy per layer (16x16, rtl, 45 nm), tolerance ${TOL}% =="
for m in models/*.tflite; do
    name=$(basename "$m" .tflite)
    if ! "$MICA" compile "$m" -o "$OUT/$name.mica" --array 16x16 >/dev/null 2>"$OUT/$name.err"; then
        cat "$OUT/$name.err"; echo "  FAILED: compile $m"; fail=1; continue
    fi
    if ! timeout 900 "$MICA" energy "$OUT/$name.mica" --backend rtl --json "$OUT/$name.json" \
            --svg "$OUT/$name.svg" > "$OUT/$name.txt" 2>&1; then
        tail -3 "$OUT/$name.txt"; echo "  FAILED: mica energy $name"; fail=1; continue
    fi
    "$PY" - "$OUT/$name.json" "$OUT/$name.mica.json" "$TOL" <<'PY' || fail=1
import json, sys
e = json.load(open(sys.argv[1])); rep = json.load(open(sys.argv[2])); tol = float(sys.argv[3])
bad = [l for l in e["layers"] if abs(l["diff_pct"]) > tol]
worst = max(e["layers"], key=lambda l: abs(l["diff_pct"]))
# The compile report's per-layer estimate is the same function on the same counts.
est = {l["name"]: l["energy_pj_total"] for l in rep["layers"] if l["placement"] == "ACCEL"}
mism = [l["name"] for l in e["layers"] if abs(est[l["name"]] - l["estimate_pj"]["total"]) > 0.1 + 1e-6 * l["estimate_pj"]["total"]]
svg = open(sys.argv[1][:-5] + ".svg").read()
import xml.etree.ElementTree as ET
ET.fromstring(svg)  # well-formed, or the test fails here
ok = not bad and not mism and svg.count("<rect") >= 7 * len(e["layers"]) and e["measured_pj"]["total"] > 0
print("  %-16s %2d layers  %8.3f uJ  %6.3f pJ/MAC  worst layer %+.2f%% (%s)%s" % (
    e["program"].split("/")[-1], len(e["layers"]), e["uj_per_inference"], e["pj_per_mac"],
    worst["diff_pct"], worst["name"], "" if ok else "  FAILED"))
for l in bad:
    print("    over %g%%: %s %+.2f%%" % (tol, l["name"], l["diff_pct"]))
for n in mism:
    print("    report energy_pj_total differs from mica energy's estimate: %s" % n)
sys.exit(0 if ok else 1)
PY
done

echo "== 22 nm table: the 45 nm table scaled as its _scaling says; less energy on KWS =="
"$PY" - <<'PY' || fail=1
import json
a = json.load(open("hw/energy/45nm.json")); b = json.load(open("hw/energy/22nm.json"))
f = (22 / 45) * (0.8 / 0.9) ** 2
scaled = ["mac_int8_pj", "reg_pj_per_bit", "sram_read_pj_per_bit", "static_pj_per_cycle_per_kib", "static_pj_per_cycle_per_pe"]
bad = [k for k in scaled if abs(b[k]["value"] - a[k]["value"] * f) > 1e-5 * a[k]["value"]]
bad += [k for k in ["sram_ref_bytes", "sram_write_factor", "ext_pj_per_bit"] if b[k]["value"] != a[k]["value"]]
print("  22nm.json = 45nm.json x %.4f on on-chip energies: %s" % (f, "FAILED " + ", ".join(bad) if bad else "ok"))
raise SystemExit(1 if bad else 0)
PY
if "$MICA" energy "$OUT/kws_dscnn.mica" --backend rtl --tech hw/energy/22nm.json --json "$OUT/kws22.json" >/dev/null 2>&1; then
    "$PY" -c "
import json,sys
a=json.load(open('$OUT/kws_dscnn.json'))['measured_pj']['total']; b=json.load(open('$OUT/kws22.json'))['measured_pj']['total']
print('  KWS: 45 nm %.3f uJ, 22 nm %.3f uJ' % (a/1e6, b/1e6) + ('' if b < a else '  FAILED'))
sys.exit(0 if b < a else 1)" || fail=1
else
    echo "  FAILED: mica energy --tech hw/energy/22nm.json"; fail=1
fi

echo "== bad --tech files are refused with one line =="
refuse() {   # refuse WHAT EXPECTED-TEXT JSON-TRANSFORM: a modified 45 nm table must be refused
    local what=$1 want=$2 file="$OUT/bad_tech.json" out
    "$PY" -c "import json,sys; t=json.load(open('hw/energy/45nm.json')); $3; json.dump(t, open('$file','w'))"
    out=$("$MICA" energy "$OUT/kws_dscnn.mica" --tech "$file" 2>&1); rc=$?
    if [ $rc -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q -- "$want"; then
        echo "  $what: $out"
    else
        echo "  FAILED: $what (exit $rc): $out"; fail=1
    fi
}
refuse "unknown key" "unknown key 'mac_int4_pj'" "t['mac_int4_pj']=t['mac_int8_pj']"
refuse "negative" "mac_int8_pj = -0.3: must be >= 0" "t['mac_int8_pj']['value']=-0.3"
refuse "missing field" 'missing "ext_pj_per_bit"' "del t['ext_pj_per_bit']"
refuse "no source" 'ext_pj_per_bit: needs both' "del t['ext_pj_per_bit']['source']"
refuse "zero reference size" 'sram_ref_bytes = 0: must be > 0' "t['sram_ref_bytes']['value']=0"
printf '{"name": "x", ' > "$OUT/trunc.json"
out=$("$MICA" energy "$OUT/kws_dscnn.mica" --tech "$OUT/trunc.json" 2>&1) && fail=1
echo "  truncated JSON: $out"
out=$("$MICA" energy "$OUT/kws_dscnn.mica" --tech "$OUT/missing.json" 2>&1) && fail=1
echo "  missing file: $out"

echo "== a device that does not build the counters (iCEBreaker: CYCLES only) is refused =="
"$MICA" compile models/digits.tflite -o "$OUT/digits_ice.mica" --board icebreaker >/dev/null 2>&1 || fail=1
out=$(timeout 300 "$MICA" energy "$OUT/digits_ice.mica" --backend link:sim=icebreaker 2>&1); rc=$?
if [ $rc -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "does not count"; then
    echo "  $out"
else
    echo "  FAILED (exit $rc): $out"; fail=1
fi

[ $fail -eq 0 ] && echo "energy: PASS" || { echo "energy: FAIL"; exit 1; }
