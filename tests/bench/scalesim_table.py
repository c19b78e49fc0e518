#!/usr/bin/env python3
"""make bench: the real SCALE-Sim (PyPI `scalesim`) on Mica's compiled layers, beside Mica's RTL
cycles per layer. The GEMM-shaped accelerated layers (CONV_2D, FULLY_CONNECTED) are exported as
a SCALE-Sim GEMM topology (hw/study/scalesim_topology.py: M output pixels, N output channels,
K reduction), simulated weight-stationary on the same R x C array with SRAMs of Mica's
scratchpad sizes, and compared with `mica run --backend rtl` on the same program.
usage: scalesim_table.py MICA ARRAY MODEL..."""
import contextlib, csv, io, os, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "hw", "study"))
import scalesim_topology
import sweep_point as sp
from scalesim.scale_sim import scalesim
import numpy as np
import scalesim.memory.double_buffered_scratchpad_mem as sc_mem

# SCALE-Sim 3.0.0 takes int(max(list of one-element arrays)), which NumPy >= 2.4 refuses (an
# array is not a scalar): its memory module gets a max() that returns the largest element as a
# scalar, the same value; nothing else of SCALE-Sim changes.
sc_mem.max = lambda *a: np.max(np.concatenate([np.ravel(x) for x in (a[0] if len(a) == 1 else a)]))

CONFIG = """[general]
run_name = mica
[architecture_presets]
ArrayHeight = {rows}
ArrayWidth = {cols}
IfmapSramSzkB = {aspad_kb}
FilterSramSzkB = {wspad_kb}
OfmapSramSzkB = {acc_kb}
IfmapOffset = 0
FilterOffset = 10000000
OfmapOffset = 20000000
Dataflow = ws
Bandwidth = {bus}
ReadRequestBuffer = 32
WriteRequestBuffer = 32
[layout]
IfmapCustomLayout = False
IfmapSRAMBankBandwidth = 10
IfmapSRAMBankNum = 10
IfmapSRAMBankPort = 2
FilterCustomLayout = False
FilterSRAMBankBandwidth = 10
FilterSRAMBankNum = 10
FilterSRAMBankPort = 2
[sparsity]
SparsitySupport = false
SparseRep = ellpack_block
OptimizedMapping = false
BlockSize = 8
RandomNumberGeneratorSeed = 40
[run_presets]
InterfaceBandwidth = CALC
UseRamulatorTrace = False
"""


def scalesim_cycles(layers, rows, cols, tmp):
    """SCALE-Sim's total cycles per layer (its COMPUTE_REPORT), in topology order."""
    d = sp.hw_defaults()
    topo, cfg, layout = (os.path.join(tmp, f) for f in ("topo.csv", "mica.cfg", "layout.csv"))
    scalesim_topology.write_topology(layers, topo)
    with open(cfg, "w") as f:
        f.write(CONFIG.format(rows=rows, cols=cols, aspad_kb=d["ASPAD_DEPTH"] * rows // 1024,
                              wspad_kb=d["WSPAD_DEPTH"] * cols // 1024,
                              acc_kb=d["ACC_DEPTH"] * 4 * cols // 1024, bus=d["BUS_BYTES"]))
    with open(layout, "w") as f:
        f.write("Layer,\n")
    sim = scalesim(save_disk_space=True, verbose=False, config=cfg, topology=topo, layout=layout,
                   input_type_gemm=True)
    with contextlib.redirect_stdout(io.StringIO()):
        sim.run_scale(top_path=tmp)
    with open(os.path.join(tmp, "mica", "COMPUTE_REPORT.csv")) as f:
        rep = list(csv.reader(f, skipinitialspace=True))
    col = rep[0].index("Total Cycles")
    return [int(float(r[col])) for r in rep[1:] if r]


def rtl_layer_cycles(mica, model, array, tmp):
    prog = os.path.join(tmp, "m.mica")
    sp.run([mica, "compile", model, "-o", prog, "--array", array], sp.COMPILE_SECONDS, "compile")
    out = sp.run([mica, "run", prog, "--backend", "rtl", "--output-dir", tmp], sp.RTL_SECONDS, "run")
    return {f[0]: int(f[5]) for f in (l.split() for l in out.splitlines())
            if len(f) == 6 and f[2] == "ACCEL" and f[5].isdigit()}


def main():
    mica, array, models = sys.argv[1], sys.argv[2], sys.argv[3:]
    rows, cols = (int(x) for x in array.split("x"))
    print("| model | layer | M x N x K | SCALE-Sim WS cycles | Mica RTL cycles | RTL / SCALE-Sim |")
    print("|---|---|---|---|---|---|")
    for model in models:
        with tempfile.TemporaryDirectory(prefix="mica-scalesim-") as tmp:
            layers = scalesim_topology.gemm_layers(scalesim_topology.compile_report(mica, model, array))
            ss = scalesim_cycles(layers, rows, cols, tmp)
            rtl = rtl_layer_cycles(mica, model, array, tmp)
        tot_ss = tot_rtl = 0
        for (name, m, n, k), s in zip(layers, ss):
            tot_ss, tot_rtl = tot_ss + s, tot_rtl + rtl[name]
            print(f"| {os.path.basename(model)} | {name} | {m} x {n} x {k} | {s:,} | {rtl[name]:,} | "
                  f"{rtl[name] / s:.2f} |")
        print(f"| {os.path.basename(model)} | **all {len(layers)} GEMM layers** | | {tot_ss:,} | "
              f"{tot_rtl:,} | {tot_rtl / tot_ss:.2f} |")


if __name__ == "__main__":
    main()
