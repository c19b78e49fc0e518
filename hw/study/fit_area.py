#!/usr/bin/env python3
"""Area model of mica_top from Yosys cell counts: synthesizes it for ECP5 (rtl/fit/synth_fit.sh:
Yosys synth_ecp5, SRAMs black-boxed, so scratchpad bits are not in the counts; the sweep reports
on-chip bytes separately) at a few array sizes and bus widths, then fits per resource
    cells = a * R * C + b * C + c + d * (BUS_BYTES - 8)
by least squares (R*C: PEs; C: accumulator/requantization/vector lanes per column; c: control,
DMA, CSRs; d: bus width). Writes hw/study/area_model.json with the measured points and the fit.

usage: fit_area.py [--from LOG] [RxCxBUS ...]   (default sizes 2x2x8 4x4x8 4x8x8 8x4x8 8x8x8 4x4x16;
       --from: reuse synth_fit.sh output lines saved in LOG instead of synthesizing)"""
import json, os, re, subprocess, sys, time
import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "hw", "study", "area_model.json")
RESOURCES = {"LUT4": "LUT4", "FF": "FF", "MULT18": "MULT18"}
LINE = re.compile(r"^ecp5 mica_top ROWS=(\d+) COLS=(\d+) BUS_BYTES=(\d+) (.*)$")


def parse(line):
    m = LINE.match(line.strip())
    if not m:
        return None
    counts = dict(kv.split("=") for kv in m.group(4).split())
    return {"rows": int(m.group(1)), "cols": int(m.group(2)), "bus_bytes": int(m.group(3)),
            **{k: int(counts[k]) for k in RESOURCES}}


def measure(r, c, bus):
    t0 = time.monotonic()
    out = subprocess.run([os.path.join(ROOT, "rtl", "fit", "synth_fit.sh"), "ecp5", "mica_top",
                          f"ROWS={r}", f"COLS={c}", f"BUS_BYTES={bus}"],
                         check=True, capture_output=True, text=True, timeout=7200).stdout
    p = parse(out.splitlines()[-1])
    p["synth_seconds"] = round(time.monotonic() - t0)  # wall clock, nice, on a shared machine
    return p


def terms(points):
    """The model's terms the points can tell apart: the C term needs a non-square point, the bus
    term a second bus width; a term left out is 0 in the fit (and said so)."""
    t = ["a", "c"]
    if any(p["rows"] != p["cols"] for p in points):
        t.insert(1, "b")
    if len({p["bus_bytes"] for p in points}) > 1:
        t.append("d")
    return t


def fit(points):
    cols = {"a": lambda p: p["rows"] * p["cols"], "b": lambda p: p["cols"], "c": lambda p: 1,
            "d": lambda p: p["bus_bytes"] - 8}
    used = terms(points)
    if len(points) < len(used):
        sys.exit(f"fit_area: {len(points)} measured points for {len(used)} coefficients")
    A = np.array([[cols[t](p) for t in used] for p in points], float)
    res = {}
    for k in RESOURCES:
        y = np.array([p[k] for p in points], float)
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        pred = A @ coef
        res[k] = {t: 0.0 for t in "abcd"}
        res[k].update({t: round(float(v), 3) for t, v in zip(used, coef)})
        res[k]["max_rel_error"] = round(float(max(abs(pred - y) / np.maximum(y, 1))), 4)
    res["terms_fitted"] = used
    res["residual_meaningful"] = len(points) > len(used)
    return res


def main(argv):
    if argv[:1] == ["--from"]:
        points = []
        with open(argv[1]) as f:
            for line in f:  # a point's line, optionally followed by "seconds=N" (wall clock)
                if parse(line):
                    points.append(parse(line))
                elif line.startswith("seconds=") and points:
                    points[-1]["synth_seconds"] = int(line.split("=")[1])
    else:
        sizes = argv or ["2x2x8", "4x4x8", "4x8x8", "8x4x8", "8x8x8", "4x4x16"]
        points = [measure(*map(int, s.split("x"))) for s in sizes]
    model = {
        "_doc": "Cell counts of mica_top (Yosys synth_ecp5 via rtl/fit/synth_fit.sh; mica_sram "
                "black-boxed, so SRAM bits are not included) measured at the points below and "
                "fitted per resource as a*R*C + b*C + c + d*(BUS_BYTES-8) by least squares "
                "(hw/study/fit_area.py), only the terms the points tell apart (fit.terms_fitted; "
                "the others are 0: with one bus width measured, every bus width gets its area). "
                "Sizes beyond the measured ones are extrapolated. Other parameters at their "
                "hw/mica.json defaults. synth_seconds: wall clock under nice on a shared 2-core VM.",
        "yosys": subprocess.run(["yosys", "-V"], capture_output=True, text=True).stdout.strip(),
        "measured": points, "fit": fit(points)}
    with open(OUT, "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")
    print(json.dumps(model["fit"], indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
