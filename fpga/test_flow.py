#!/usr/bin/env python3
"""Test of the FPGA flow (make test-fpga-flow): fpga/flow.py on the probe design (real mica_sram
and mica_pe cells) for iCEBreaker and ULX3S, then every report number checked against the raw tool
output it came from, the memory/multiplier mapping checked (block RAM and DSP, not LUTs), and the
error paths (unknown board, bad board JSON, a design that does not fit) exercised, and the iCE40
SPRAM board RAM simulated against the generic RAM's contract (Verilator, fpga/test/).
Prints 'N passed, N failed'; exit 1 on any failure. About 1 min (ECP5 runs under yowasp).
"""
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import flow as fl  # noqa: E402
import fpga_report as fr  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "fpga" / "test"
results = {"passed": 0, "failed": 0}


def check(cond, what):
    results["passed" if cond else "failed"] += 1
    if not cond:
        print("FAIL: %s" % what)


def flow(board_json, out, design="probe"):
    return subprocess.run([sys.executable, str(ROOT / "fpga/flow.py"), str(board_json), str(out),
                           "--design", design], capture_output=True, text=True)


def log_count(text, bel):
    """The last 'BEL: used/ available' line of a nextpnr log, read independently of the parser."""
    found = re.findall(r"%s:\s+(\d+)/\s*(\d+)" % re.escape(bel), text)
    return int(found[-1][0]) if found else None


def check_probe(board, logic_bel, bitstream, min_bytes):
    out = OUT / board
    r = flow(ROOT / "hw/boards" / ("%s.json" % board), out)
    check(r.returncode == 0, "%s probe flow exit 0 (stderr: %s)" % (board, r.stderr.strip()))
    if r.returncode != 0:
        return
    rep = json.loads((out / "report.json").read_text())
    log = (out / "nextpnr.log").read_text()
    stat = (out / "synth_stat.txt").read_text()
    res = rep["resources"]
    check(rep["status"] == "ok", "%s status ok: %s" % (board, rep["status"]))
    check(res["logic"]["used"] == log_count(log, logic_bel),
          "%s logic %d matches the nextpnr log" % (board, res["logic"]["used"]))
    ffs = sum(int(n) for n in re.findall(r"^\s+(?:SB_DFF\w*|TRELLIS_FF)\s+(\d+)$", stat, re.M))
    check(ffs > 0 and res["ff"]["used"] == ffs, "%s FF %d == yosys stat %d" % (
        board, res["ff"]["used"], ffs))
    # mica_sram must land in block RAM and mica_pe's multiply in a DSP, not in LUTs.
    check(res["bram"]["used"] >= 1, "%s mica_sram in block RAM" % board)
    check(res["dsp"]["used"] >= 1, "%s mica_pe multiply in a DSP" % board)
    check(res["logic"]["used"] < 600, "%s probe logic %d small (memory not in LUTs)" % (
        board, res["logic"]["used"]))
    pnr = json.loads((out / "nextpnr_report.json").read_text())
    check(set(rep["fmax"]) == set(pnr["fmax"]) and len(rep["fmax"]) == 1,
          "%s one clock in fmax: %s" % (board, sorted(rep["fmax"])))
    for clk, f in rep["fmax"].items():
        m = re.findall(r"Max frequency for clock\s+'%s':\s+([\d.]+) MHz" % re.escape(clk), log)
        check(m and abs(float(m[-1]) - f["achieved_mhz"]) < 0.01,
              "%s fmax %.2f matches the log %s" % (board, f["achieved_mhz"], m[-1:]))
        check(f["constraint_mhz"] == 12.0 if board == "icebreaker" else f["constraint_mhz"] == 25.0,
              "%s constraint is the board clock: %.2f" % (board, f["constraint_mhz"]))
    # The probe is placed for the clock it runs at (the board clock, no PLL), with the board's seed.
    seed = json.loads((ROOT / "hw/boards" / ("%s.json" % board)).read_text())["fpga"].get("seed", fl.SEED)
    argv = (out / "nextpnr.stdout").read_text().splitlines()[0].split()
    check(rep["seed"] == seed and argv[argv.index("--seed") + 1] == str(seed),
          "%s nextpnr seed %d from the board JSON: %s" % (board, seed, argv))
    check(all(float(argv[argv.index("--freq") + 1]) == f["constraint_mhz"] and
              "pnr_target_mhz" not in f for f in rep["fmax"].values()),
          "%s probe placed for its own clock: %s" % (board, argv))
    bit = out / bitstream
    check(bit.exists() and bit.stat().st_size >= min_bytes, "%s bitstream %s written" % (
        board, bitstream))
    text = (out / "report.txt").read_text()
    check("status: ok" in text and ("%d" % res["logic"]["used"]) in text,
          "%s report.txt carries status and numbers" % board)


def check_errors():
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "bad.json"
        raw = json.loads((ROOT / "hw/boards/icebreaker.json").read_text())
        raw["fpga"]["family"] = "xc7"
        bad.write_text(json.dumps(raw))
        r = flow(bad, Path(tmp) / "out")
        err = r.stderr.strip().splitlines()
        check(r.returncode == 1 and len(err) == 1 and "'xc7' is not supported" in err[0],
              "unsupported family is one line: %s" % err)
        del raw["uart"]["baud"]
        raw["fpga"]["family"] = "ice40"
        bad.write_text(json.dumps(raw))
        r = flow(bad, Path(tmp) / "out")
        check(r.returncode == 1 and "missing field uart.baud" in r.stderr,
              "missing field named: %s" % r.stderr.strip())
        raw["uart"]["baud"] = 1500000
        for field, value, text in ((("clock", "pnr_hz"), 1000, "clock.pnr_hz 1000 is below core_hz"),
                                   (("fpga", "seed"), 0, "seed must be positive, got 0"),
                                   (("fpga", "seed"), "2", "fpga.seed")):
            bad_raw = json.loads(json.dumps(raw))
            bad_raw[field[0]][field[1]] = value
            bad.write_text(json.dumps(bad_raw))
            r = flow(bad, Path(tmp) / "out")
            err = r.stderr.strip().splitlines()
            check(r.returncode == 1 and len(err) == 1 and text in err[0],
                  "%s %r is one line naming it: %s" % (".".join(field), value, err))
    r = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT / "fpga"), "fpga",
                        "BOARD=nosuchboard"], capture_output=True, text=True)
    check(r.returncode != 0 and "unknown BOARD 'nosuchboard' (boards: icebreaker ulx3s" in r.stderr,
          "unknown BOARD lists the boards: %s" % r.stderr.strip())
    # Over-use verdict, on the real probe report with the device shrunk to below its use.
    rep = json.loads((OUT / "icebreaker/report.json").read_text())
    rows = dict(rep["resources"])
    rows["logic"] = dict(rows["logic"], available=rows["logic"]["used"] // 6)
    status, msg = fr.verdict("icebreaker", "ice40", rows, rep["fmax"], True)
    check(status == "does_not_fit" and re.fullmatch(
        r"icebreaker: \d+/\d+ LCs \(\d+%\) - does not fit", msg), "does-not-fit line: %s" % msg)
    slow = {c: dict(f, constraint_mhz=f["achieved_mhz"] + 1) for c, f in rep["fmax"].items()}
    status, msg = fr.verdict("icebreaker", "ice40", rep["resources"], slow, True)
    check(status == "timing_failed" and "< " in msg, "timing verdict: %s" % msg)
    try:
        fr.parse_yosys_stat("not a stat output")
        check(False, "parse_yosys_stat rejects text without a cell count")
    except ValueError:
        check(True, "")


def check_pnr_target():
    """clock.pnr_hz and fpga.seed reach nextpnr's command line for the board design."""
    for name in ("icebreaker", "ulx3s"):
        path = ROOT / "hw/boards" / ("%s.json" % name)
        raw = json.loads(path.read_text())
        b = fl.load_board(path)
        argv = [str(a) for a in fl.nextpnr_argv(b, b["pnr_hz"])]
        want_hz = raw["clock"].get("pnr_hz", raw["clock"]["core_hz"])
        check(argv[argv.index("--freq") + 1] == "%.3f" % (want_hz / 1e6) and
              argv[argv.index("--seed") + 1] == str(raw["fpga"].get("seed", fl.SEED)),
              "%s nextpnr placed for clock.pnr_hz %d with fpga.seed: %s" % (name, want_hz, argv))


def check_spram_ram():
    """The SPRAM board RAM, simulated with Yosys's SB_SPRAM256KA model, against the contract."""
    # Yosys's data folder (yosys-config is in yosys-dev, not installed): <prefix>/share/yosys.
    cells = Path(shutil.which("yosys")).resolve().parent.parent / "share/yosys/ice40/cells_sim.v"
    text = cells.read_text()
    model = re.search(r"^module SB_SPRAM256KA\b.*?^endmodule", text, re.S | re.M)
    check(model is not None, "SB_SPRAM256KA model in %s" % cells)
    if model is None:
        return
    work = OUT / "spram"
    work.mkdir(parents=True, exist_ok=True)
    (work / "sb_spram256ka.v").write_text(model.group(0) + "\n")
    build = subprocess.run(
        ["verilator", "--binary", "-Wno-fatal", "-Wno-lint", "-Wno-style", "--Mdir", str(work / "obj"),
         "--top-module", "tb_board_ram_ice40", "-o", "tb",
         str(ROOT / "fpga/test/tb_board_ram_ice40.sv"), str(work / "sb_spram256ka.v"),
         str(ROOT / "fpga/rtl/ice40/mica_board_ram.sv")], capture_output=True, text=True)
    check(build.returncode == 0, "verilator build of the SPRAM RAM test: %s" % build.stderr[-500:])
    if build.returncode != 0:
        return
    run = subprocess.run([str(work / "obj/tb")], capture_output=True, text=True)
    check("errors=0" in run.stdout, "SPRAM board RAM matches the generic contract: %s" %
          run.stdout.strip()[-300:])


def main():
    check_probe("icebreaker", "ICESTORM_LC", "mica.bin", 100000)
    check_probe("ulx3s", "TRELLIS_COMB", "mica.bit", 10000)
    check_errors()
    check_pnr_target()
    check_spram_ram()
    print("fpga flow: %d passed, %d failed" % (results["passed"], results["failed"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
