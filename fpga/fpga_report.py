"""Mica FPGA flow reports: parse Yosys and nextpnr output into one utilization/timing report.

Used by fpga/flow.py (writes build/fpga/<board>/report.{txt,json}) and by fpga/test_flow.py.
Sources, most authoritative first: nextpnr's --report JSON (utilization, fmax per clock), the
nextpnr log ("Device utilisation" is printed after packing, so it exists even when placement
fails because the design does not fit), and Yosys `stat` (cell counts; the only source of the
flip-flop count and the estimate when place-and-route is not run).
"""
import json
import re

# Device capacities, for synthesis-only estimates (nextpnr prints its own when it runs).
DEVICES = {
    ("ice40", "up5k"): {"logic": 5280, "ff": 5280, "dsp": 8, "bram": 30, "spram": 4},
    ("ecp5", "85k"): {"logic": 83640, "ff": 83640, "dsp": 156, "bram": 208, "spram": 0},
    ("ecp5", "45k"): {"logic": 43848, "ff": 43848, "dsp": 72, "bram": 108, "spram": 0},
    ("ecp5", "25k"): {"logic": 24288, "ff": 24288, "dsp": 28, "bram": 56, "spram": 0},
}

# Which nextpnr bel types count as which resource (names differ per nextpnr version).
NEXTPNR_KINDS = {
    "ice40": {"logic": ["ICESTORM_LC"], "dsp": ["ICESTORM_DSP"], "bram": ["ICESTORM_RAM"],
              "spram": ["ICESTORM_SPRAM"], "io": ["SB_IO"], "pll": ["ICESTORM_PLL"]},
    "ecp5": {"logic": ["TRELLIS_COMB", "TRELLIS_SLICE"], "ff": ["TRELLIS_FF"],
             "dsp": ["MULT18X18D"], "bram": ["DP16KD"], "io": ["TRELLIS_IO"],
             "pll": ["EHXPLLL"]},
}

# Yosys cell names per resource; (name, weight): an ECP5 CCU2C carry cell is two LUT4s.
YOSYS_KINDS = {
    "ice40": {"logic": [("SB_LUT4", 1)], "ff": [("SB_DFF", 1)], "dsp": [("SB_MAC16", 1)],
              "bram": [("SB_RAM40_4K", 1)], "spram": [("SB_SPRAM256KA", 1)]},
    "ecp5": {"logic": [("LUT4", 1), ("CCU2C", 2), ("TRELLIS_DPR16X4", 2)],
             "ff": [("TRELLIS_FF", 1)], "dsp": [("MULT18X18D", 1)], "bram": [("DP16KD", 1)]},
}

UNITS = {"ice40": {"logic": "LC"}, "ecp5": {"logic": "LUT4"}}


def parse_yosys_stat(text):
    """Cell counts of the last `stat` of the top (Yosys prints the flattened top last)."""
    blocks = re.split(r"\n\s*Number of cells:\s+\d+\n", text)
    if len(blocks) < 2:
        raise ValueError("no 'Number of cells' line: not a Yosys stat output")
    cells = {}
    for line in blocks[-1].splitlines():
        m = re.match(r"^\s+(\$?[A-Za-z_][\w$]*)\s+(\d+)\s*$", line)
        if not m:
            break
        cells[m.group(1)] = int(m.group(2))
    return cells


def yosys_resources(family, cells):
    """Resource use from Yosys cell counts (every SB_DFF* variant is a flip-flop)."""
    out = {}
    for kind, names in YOSYS_KINDS[family].items():
        total = 0
        for name, weight in names:
            total += weight * sum(n for c, n in cells.items() if c == name or
                                  (kind == "ff" and c.startswith(name)))
        out[kind] = total
    return out


def parse_nextpnr_log(text):
    """Utilisation (last 'Device utilisation' block) and fmax per clock (last report)."""
    util = {}
    blocks = text.split("Device utilisation:")
    if len(blocks) > 1:
        for line in blocks[-1].splitlines()[1:]:
            m = re.match(r"^Info:\s+([\w$.]+):\s+(\d+)\s*/\s*(\d+)", line)
            if not m:
                if util:
                    break
                continue
            util[m.group(1)] = {"used": int(m.group(2)), "available": int(m.group(3))}
    fmax = {}
    pat = r"Max frequency for clock\s+'([^']+)':\s+([\d.]+) MHz \((PASS|FAIL) at ([\d.]+) MHz\)"
    for m in re.finditer(pat, text):
        fmax[m.group(1)] = {"achieved_mhz": float(m.group(2)), "constraint_mhz": float(m.group(4))}
    return util, fmax


def parse_nextpnr_report(obj):
    """The --report JSON: {"utilization": {bel: {used, available}}, "fmax": {clk: {...}}}."""
    util = {k: {"used": int(v["used"]), "available": int(v["available"])}
            for k, v in obj.get("utilization", {}).items()}
    fmax = {k: {"achieved_mhz": float(v["achieved"]), "constraint_mhz": float(v["constraint"])}
            for k, v in obj.get("fmax", {}).items()}
    return util, fmax


def resource_table(family, device, yosys_use, pnr_util):
    """One row per resource: used, available, source ('nextpnr' or 'yosys')."""
    caps = DEVICES.get((family, device), {})
    rows = {}
    for kind in ("logic", "ff", "dsp", "bram", "spram"):
        pnr_names = [n for n in NEXTPNR_KINDS[family].get(kind, []) if n in pnr_util]
        if pnr_names:
            used = sum(pnr_util[n]["used"] for n in pnr_names)
            avail = sum(pnr_util[n]["available"] for n in pnr_names)
            rows[kind] = {"used": used, "available": avail, "source": "nextpnr"}
        elif kind in yosys_use and caps.get(kind):
            rows[kind] = {"used": yosys_use[kind], "available": caps[kind], "source": "yosys"}
    for kind in ("io", "pll"):
        for n in NEXTPNR_KINDS[family].get(kind, []):
            if n in pnr_util:
                rows[kind] = dict(pnr_util[n], source="nextpnr")
    return rows


def overused(rows):
    """Resources used beyond the device, as (kind, used, available)."""
    order = ["logic", "ff", "dsp", "bram", "spram", "io", "pll"]
    return [(k, rows[k]["used"], rows[k]["available"]) for k in sorted(rows, key=order.index)
            if rows[k]["used"] > rows[k]["available"]]


def failing_clocks(fmax):
    return [(c, f["achieved_mhz"], f["constraint_mhz"]) for c, f in fmax.items()
            if f["achieved_mhz"] < f["constraint_mhz"]]


def pct(used, avail):
    return 100.0 * used / avail if avail else 0.0


def unit_name(family, kind):
    """Display name of a resource: the logic unit differs per family (LC on iCE40, LUT4 on ECP5)."""
    return UNITS.get(family, {}).get(kind, kind.upper())


def render_text(rep):
    """The human report (report.txt)."""
    lines = ["Mica FPGA report: %s (%s %s %s), top %s, seed %d" % (
        rep["board"], rep["family"], rep["device"], rep["package"], rep["top"], rep["seed"])]
    acc = rep.get("accelerator") or {}
    if acc:
        lines.append("accelerator: " + ", ".join(
            "%s=%s" % kv for kv in sorted(acc.items()) if not kv[0].startswith("_")))
    lines.append("clock: board %.3f MHz, core %.3f MHz%s" % (
        rep["clock"]["board_hz"] / 1e6, rep["clock"]["core_hz"] / 1e6,
        " (PLL)" if rep["clock"].get("pll") else ""))
    lines.append("%-8s %10s %10s %7s  %s" % ("resource", "used", "available", "use", "from"))
    for kind, r in rep["resources"].items():
        lines.append("%-8s %10d %10d %6.1f%%  %s" % (
            unit_name(rep["family"], kind), r["used"], r["available"],
            pct(r["used"], r["available"]), r["source"]))
    for clk, f in rep["fmax"].items():
        ok = "met" if f["achieved_mhz"] >= f["constraint_mhz"] else "FAILED"
        placed = (", placed for %.2f MHz" % f["pnr_target_mhz"]) if "pnr_target_mhz" in f else ""
        lines.append("fmax %-40s %8.2f MHz (constraint %.2f MHz%s, %s)" % (
            clk, f["achieved_mhz"], f["constraint_mhz"], placed, ok))
    if not rep["fmax"]:
        lines.append("fmax: not measured (no routed design)")
    lines.append("status: %s: %s" % (rep["status"], rep["message"]))
    return "\n".join(lines) + "\n"


def verdict(board, family, rows, fmax, routed):
    """(status, one-line message) of a flow run."""
    over = overused(rows)
    if over:
        return "does_not_fit", "%s: %s - does not fit" % (board, ", ".join(
            "%d/%d %ss (%.0f%%)" % (used, avail, unit_name(family, kind), pct(used, avail))
            for kind, used, avail in over))
    if not routed:
        return "not_routed", "%s: place and route did not complete" % board
    slow = failing_clocks(fmax)
    if slow:
        clk, got, want = slow[0]
        return "timing_failed", "%s: clock %s reaches %.2f MHz < %.2f MHz constraint" % (
            board, clk, got, want)
    logic = rows.get("logic", {"used": 0, "available": 1})
    return "ok", "%s: fits (%d/%d %ss, %.0f%%), timing met" % (
        board, logic["used"], logic["available"], unit_name(family, "logic"),
        pct(logic["used"], logic["available"]))


def load_json(path):
    with open(path) as f:
        return json.load(f)
