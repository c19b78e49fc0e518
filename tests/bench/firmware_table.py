#!/usr/bin/env python3
"""make bench: the firmware path in numbers (firmware/README.md).

For each model, compiled for the ULX3S board:
  offload  `mica run --backend mcu:accel=sim`: the M4 in QEMU, accelerator steps on the Verilated
           board over UART1 -> accelerator cycles per step, link bytes per inference
  cpu      the same program with `mcu:accel=none` -> M4 instructions of its CPU steps
  m4-only  every operator compiled for the CPU (--cpu ...), `mcu:accel=none` -> M4 instructions
QEMU runs with -icount shift=0, so an M4 step's device_ns is its executed instructions. Times
use the clocks the hardware would run at: the M4 at 25 MHz (MPS2) at one instruction per cycle
(stated, not measured: QEMU counts instructions, not cycles), the accelerator at the board's
core clock, the link at its baud with 10 bits per byte. Also the firmware image's code and RAM
per part. usage: firmware_table.py MICA MODEL.tflite..."""
import os
import re
import subprocess
import sys
import tempfile

M4_HZ = 25e6
BOARD = "ulx3s"
CPU_OPS = "CONV_2D,DEPTHWISE_CONV_2D,FULLY_CONNECTED,AVERAGE_POOL_2D,MAX_POOL_2D,ADD"


def board_clock():
    text = open("build/gen/mica_boards.h").read()
    m = re.search(r'\{"%s",[^}]*\}' % BOARD, text)
    fields = [f.strip() for f in m.group(0).strip("{}").split(",")]
    # name, fpga, chip, loader, vid, pid, interface, baud, max_baud, core_hz, ...
    return float(fields[9].rstrip("u")), float(fields[7].rstrip("u"))


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if out.returncode:
        sys.exit("firmware_table: %s failed: %s" % (" ".join(cmd), out.stderr.strip()[-300:]))
    return out.stdout


def layers(text):
    rows = []
    for line in text.splitlines():
        f = line.split()
        if len(f) == 7 and f[2] in ("ACCEL", "CPU") and f[3].isdigit():
            rows.append({"name": f[0], "op": f[1], "place": f[2], "cycles": int(f[5]),
                         "ns": int(f[6])})
    device = re.search(r"^device: (.*)$", text, re.M)
    return rows, dict(kv.split("=", 1) for kv in device.group(1).split() if "=" in kv) if device else {}


def model_table(mica, model, tmp, core_hz, baud):
    name = os.path.basename(model).rsplit(".", 1)[0]
    off, cpu = os.path.join(tmp, name + "_off.mica"), os.path.join(tmp, name + "_cpu.mica")
    run([mica, "compile", model, "--board", BOARD, "-o", off])
    run([mica, "compile", model, "--board", BOARD, "--cpu", CPU_OPS, "-o", cpu])
    sim, dev = layers(run([mica, "run", off, "--backend", "mcu:accel=sim", "--output-dir", tmp]))
    none, _ = layers(run([mica, "run", off, "--backend", "mcu:accel=none", "--output-dir", tmp]))
    only, _ = layers(run([mica, "run", cpu, "--backend", "mcu:accel=none", "--output-dir", tmp]))
    print("\n%s on %s (M4 at %.0f MHz, accelerator at %.0f MHz, link %.0f baud):\n" % (
        name, BOARD, M4_HZ / 1e6, core_hz / 1e6, baud))
    print("| step | op | place | accelerator cycles | M4 instructions (CPU step) |")
    print("|---|---|---|---|---|")
    for s, n in zip(sim, none):
        print("| %s | %s | %s | %s | %s |" % (s["name"], s["op"], s["place"],
              s["cycles"] if s["place"] == "ACCEL" else "", n["ns"] if s["place"] == "CPU" else ""))
    accel = sum(s["cycles"] for s in sim if s["place"] == "ACCEL")
    cpu_instr = sum(n["ns"] for s, n in zip(sim, none) if s["place"] == "CPU")
    link = int(dev.get("link_tx_bytes", 0)) + int(dev.get("link_rx_bytes", 0))
    m4 = sum(r["ns"] for r in only)
    t_off = accel / core_hz + cpu_instr / M4_HZ
    t_link = link * 10 / baud
    t_m4 = m4 / M4_HZ
    print("\nM4 only: %d instructions = %.2f ms; offload: %d accelerator cycles + %d M4 "
          "instructions = %.3f ms compute, + %d link bytes = %.2f ms on the UART; speed-up "
          "%.1fx compute-only, %.1fx with the link" % (
              m4, t_m4 * 1e3, accel, cpu_instr, t_off * 1e3, link, t_link * 1e3,
              t_m4 / t_off, t_m4 / (t_off + t_link)))


def sizes(mica, model, tmp):
    c = os.path.join(tmp, "size_mica.c")
    run([mica, "compile", model, "--emit-c", c])
    out = os.path.join(tmp, "fw")
    run(["make", "-s", "-C", "firmware", "MODEL_C=" + c, "OUT=" + out,
         "OBJ_DIR=" + os.path.abspath("build/firmware/obj")])
    print("firmware image for %s (arm-none-eabi, -O2; from the linker map):\n" % model)
    print("```text\n" + open(os.path.join(out, "size.txt")).read().rstrip() + "\n```")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    core_hz, baud = board_clock()
    with tempfile.TemporaryDirectory() as tmp:
        sizes(sys.argv[1], sys.argv[2], tmp)
        for model in sys.argv[2:]:
            model_table(sys.argv[1], model, tmp, core_hz, baud)


main()
