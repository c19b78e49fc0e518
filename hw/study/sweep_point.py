"""One design point of a sweep: compile a model for it with the cycle model and turn the compile
report (OUT.mica.json) into one CSV row; optionally run it on the Verilated RTL."""
import json, os, subprocess, tempfile

COMPILE_SECONDS = 300  # one compile takes milliseconds; this only stops a hung child
RTL_SECONDS = 3600     # the largest reference model at latency 1000 on 4x4 is minutes
ENERGY_PARTS = ("mac", "aspad", "wspad", "acc", "param", "ext", "static")
COLUMNS = (["model", "array", "bus", "aspad", "latency", "cycles", "accel_macs", "utilization",
            "energy_uj"] + [f"e_{p}_uj" for p in ENERGY_PARTS] +
           ["area_lut4", "area_ff", "area_mult18", "onchip_bytes", "rtl_cycles", "rtl_diff"])
KEY = ("model", "array", "bus", "aspad", "latency")
# Array sizes and bus width the Verilated simulator library is built for (sim/Makefile): only
# these points can be run on the RTL. Scratchpad depth and memory latency are free (a program
# for a shallower ASPAD runs unchanged; the latency is a simulator option).
RTL_ARRAYS = ("4x4", "8x8", "16x16")
RTL_BUS = 8
HW_DEFAULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mica.json")


class PointError(Exception):
    pass


def key_of(row):
    return tuple(str(row[k]) for k in KEY)


def hw_defaults():
    with open(HW_DEFAULTS) as f:
        return {c["name"]: c["default"] for c in json.load(f)["config"]}


def onchip_bytes(rows, cols, aspad, d):
    """ASPAD rows of R bytes, WSPAD rows of C bytes, ACC rows of C int32, PARAM sets of 4 rows
    of C int32 (hw/mica.json)."""
    return (aspad * rows + d["WSPAD_DEPTH"] * cols + d["ACC_DEPTH"] * 4 * cols +
            d["PARAM_SETS"] * 4 * 4 * cols)


def config_json(point):
    r, c = (int(x) for x in point["array"].split("x"))
    return {"name": "sweep", "_doc": "written by mica sweep for one design point",
            "accelerator": {"rows": r, "cols": c, "bus_bytes": int(point["bus"]),
                            "aspad_depth": int(point["aspad"]),
                            "mem_latency": int(point["latency"])}}


def run(argv, seconds, what):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise PointError(f"{what}: did not finish within {seconds} s")
    if p.returncode != 0:
        lines = [l for l in p.stderr.splitlines() if l.strip()] or ["no message"]
        raise PointError(f"{what}: {lines[-1]}")
    return p.stdout


def compile_point(mica, model_path, point, tmp):
    """Compiles into tmp; returns (program path, report dict)."""
    cfg = os.path.join(tmp, "config.json")
    with open(cfg, "w") as f:
        json.dump(config_json(point), f)
    prog = os.path.join(tmp, "p.mica")
    run([mica, "compile", model_path, "-o", prog, "--config", cfg], COMPILE_SECONDS,
        f"mica compile {point['model']} {point['array']}")
    with open(prog + ".json") as f:
        return prog, json.load(f)


def energy_columns(report):
    """Energy in uJ: total and per component when the report has "energy_pj" per layer, else the
    total from "est_energy_nj" with the components left empty (not computed, not zero)."""
    layers = [l for l in report["layers"] if l["placement"] == "ACCEL"]
    out = {f"e_{p}_uj": "" for p in ENERGY_PARTS}
    if layers and all("energy_pj" in l for l in layers):
        for p in ENERGY_PARTS:
            if all(p in l["energy_pj"] for l in layers):
                out[f"e_{p}_uj"] = f"{sum(l['energy_pj'][p] for l in layers) / 1e6:.4f}"
        total = sum(l.get("energy_pj_total", sum(l["energy_pj"].values())) for l in layers) / 1e6
    else:
        total = sum(l["est_energy_nj"] for l in layers) / 1e3
    out["energy_uj"] = f"{total:.4f}"
    return out


def area_columns(area_model, rows, cols, bus):
    out = {}
    for res, col in (("LUT4", "area_lut4"), ("FF", "area_ff"), ("MULT18", "area_mult18")):
        f = area_model["fit"][res]
        v = f["a"] * rows * cols + f["b"] * cols + f["c"] + f.get("d", 0) * (bus - 8)
        out[col] = str(max(0, round(v)))
    return out


def evaluate(mica, model_path, point, area_model, defaults):
    """The CSV row of one model x point (strings), rtl_cycles left empty."""
    with tempfile.TemporaryDirectory(prefix="mica-sweep-") as tmp:
        _, rep = compile_point(mica, model_path, point, tmp)
    r, c = (int(x) for x in point["array"].split("x"))
    t = rep["totals"]
    cycles = t["est_cycles"]
    row = dict(point)
    row.update(cycles=str(cycles), accel_macs=str(t["accel_macs"]),
               utilization=f"{t['accel_macs'] / (cycles * r * c):.4f}" if cycles else "0",
               onchip_bytes=str(onchip_bytes(r, c, int(point["aspad"]), defaults)),
               rtl_cycles="", rtl_diff="")
    row.update(energy_columns(rep))
    row.update(area_columns(area_model, r, c, int(point["bus"])))
    return row


def rtl_confirmable(row):
    return row["array"] in RTL_ARRAYS and int(row["bus"]) == RTL_BUS


def rtl_cycles(mica, model_path, point):
    """Cycles of the accelerated layers on the Verilated RTL at the point's memory latency."""
    with tempfile.TemporaryDirectory(prefix="mica-sweep-rtl-") as tmp:
        prog, _ = compile_point(mica, model_path, point, tmp)
        out = run([mica, "run", prog, "--backend", f"rtl:latency={point['latency']}",
                   "--output-dir", tmp], RTL_SECONDS, f"mica run {point['model']} on the RTL")
    total = 0
    for line in out.splitlines():
        f = line.split()
        if len(f) == 6 and f[2] == "ACCEL" and f[5].isdigit():
            total += int(f[5])
    if not total:
        raise PointError(f"mica run {point['model']}: no accelerated layer cycles in its table")
    return total
