#!/usr/bin/env python3
"""Per-layer cost-model estimate against the RTL, for every model under models/ and the
configurations asked for (default: 16x16 at memory latency 10).

For each ACCEL layer: the estimate is the TLM component's cycles (systemc:model=tlm, the cost model
with the platform's memory latency), the measurement the plain Verilated RTL's (rtl:latency=L).
Prints one line per model and configuration with max and mean |est - rtl| / rtl, and with -v every
layer; with --limit P exits 1 if any layer is off by more than P percent.
usage: cost_layers.py MICA [--config RxC:LAT ...] [--limit P] [-v] [MODEL.tflite ...]"""
import argparse
import glob
import os
import subprocess
import sys
import tempfile


def run(argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def layer_cycles(mica, prog, backend, out):
    """{layer: cycles} of the ACCEL rows of `mica run`'s table (last column)."""
    rows = {}
    for line in run([mica, "run", prog, "--backend", backend, "--output-dir", out]).splitlines():
        f = line.split()
        if len(f) >= 6 and "ACCEL" in f:
            rows[f[0]] = int(f[-1])
    return rows


def compare(mica, model, array, lat, tmp):
    name = os.path.basename(model).rsplit(".", 1)[0]
    prog = "%s/%s_%s.mica" % (tmp, name, array)
    if not os.path.exists(prog):
        run([mica, "compile", model, "-o", prog, "--array", array])
    est = layer_cycles(mica, prog, "systemc:model=tlm,latency=%d" % lat, tmp)
    rtl = layer_cycles(mica, prog, "rtl:latency=%d" % lat, tmp)
    return name, [(k, est[k], rtl[k]) for k in rtl if k in est and rtl[k] > 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mica")
    ap.add_argument("models", nargs="*")
    ap.add_argument("--config", action="append", help="RxC:LATENCY (default 16x16:10)")
    ap.add_argument("--limit", type=float, help="fail if a layer's error exceeds this percentage")
    ap.add_argument("-v", action="store_true", help="print every layer")
    a = ap.parse_intermixed_args()
    models = a.models or sorted(glob.glob("models/*.tflite"))
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for cfg in a.config or ["16x16:10"]:
            array, lat = cfg.split(":")
            for model in models:
                name, layers = compare(a.mica, model, array, int(lat), tmp)
                errs = [(e - r) / r for _, e, r in layers]
                top = max(abs(x) for x in errs)
                worst = max(worst, top)
                print("%-8s lat %-3s %-16s layers %3d  max %5.2f%%  mean %5.2f%%" % (
                    array, lat, name, len(errs), 100 * top,
                    100 * sum(abs(x) for x in errs) / len(errs)))
                if a.v:
                    for (k, e, r), x in zip(layers, errs):
                        flag = " <" if a.limit is not None and abs(x) * 100 > a.limit else ""
                        print("    %-24s est %8d rtl %8d  %+6.2f%%%s" % (k, e, r, 100 * x, flag))
    if a.limit is not None and worst * 100 > a.limit:
        print("FAIL: a layer's estimate is %.2f%% off the RTL (limit %.2f%%)" % (100 * worst, a.limit))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
