#!/usr/bin/env python3
"""Results table for README: per model, compile time, estimated and RTL-measured cycles of the
accelerated part, the honest limit (tests/bench/honest_limit.py) and the ratio to it, the
roofline of the bytes this schedule moves, utilization, ACCEL/CPU ops, mismatches vs LiteRT, and
the cycle ratio against SCALE-Sim's weight-stationary formula for the same layers and array.
usage: models_table.py MICA COUNT MODEL..."""
import json, os, re, subprocess, sys, tempfile, time

from honest_limit import limit_cycles

def run(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout

def main():
    mica, count, models = sys.argv[1], sys.argv[2], sys.argv[3:]
    print("| model | MACs (accel) | compile ms | est. cycles | RTL cycles | compulsory bytes | limit | RTL / limit | "
          "schedule roofline | utilization | ACCEL / CPU ops | mismatching bytes (inputs) | RTL / SCALE-Sim WS |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        prog = os.path.join(tmp, "m.mica")
        for model in models:
            out = run([mica, "compile", model, "-o", prog])
            ms = float(re.search(r"([0-9.]+) ms", out).group(1))
            rep = json.load(open(prog + ".json"))
            t = rep["totals"]
            accel = [l for l in rep["layers"] if l["placement"] == "ACCEL"]
            # SCALE-Sim models GEMM-shaped layers only: compare the RTL cycles of those layers
            scalesim = sum(l["scalesim_ws_cycles"] for l in accel)
            modeled = {l["name"] for l in accel if l["scalesim_ws_cycles"]}
            per_layer = run([mica, "run", prog, "--backend", "rtl", "--output-dir", tmp])
            rtl_modeled = sum(int(f[5]) for f in (line.split() for line in per_layer.splitlines())
                              if len(f) == 6 and f[0] in modeled and f[5].isdigit())
            v = run([mica, "verify", model, "--backend", "rtl", "--count", count])
            bad = int(re.search(r"mismatching_bytes=(\d+)", v).group(1))
            rtl = int(re.search(r"cycles_per_inference=(\d+)", v).group(1))
            ideal = t["roofline_ideal_cycles"]
            rows, cols = (int(v) for v in rep["array"].split("x"))
            util = t["accel_macs"] / (rtl * rows * cols)
            limit, nbytes = limit_cycles(model, t["accel_macs"], rows, cols, rep["bus_bytes"])
            print(f"| {os.path.basename(model)} | {t['accel_macs']:,} | {ms:.1f} | {t['est_cycles']:,} | {rtl:,} | "
                  f"{nbytes:,} | {limit:,.0f} | {rtl / limit:.2f} | {ideal:,.0f} | {util:.1%} | {t['accel_ops']} / {t['cpu_ops']} | "
                  f"{bad} ({count}) | {rtl_modeled / scalesim:.2f} |")

if __name__ == "__main__":
    main()
