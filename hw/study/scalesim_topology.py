#!/usr/bin/env python3
"""A model's accelerated GEMM-shaped layers (CONV_2D, FULLY_CONNECTED) as a SCALE-Sim GEMM
topology CSV (`Layer, M, N, K,` with SCALE-Sim's trailing comma): M output pixels, N output
channels, K = kernel height x width x input channels, read from the compile report. Depthwise
convolutions, pools and ADD have no GEMM form SCALE-Sim models and are left out.

usage: scalesim_topology.py MICA MODEL.tflite OUT.csv"""
import json, os, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sweep_point as sp

GEMM_OPS = ("CONV_2D", "FULLY_CONNECTED")


def gemm_layers(report):
    """[(name, M, N, K)] of the report's accelerated GEMM-shaped layers."""
    out = []
    for l in report["layers"]:
        if l["placement"] != "ACCEL" or l["op"] not in GEMM_OPS or not l["macs"]:
            continue
        shape = l["output_shape"]
        elems = 1
        for d in shape:
            elems *= d
        n = shape[-1]
        out.append((l["name"], elems // n, n, l["macs"] // elems))
    return out


def compile_report(mica, model, array="16x16"):
    with tempfile.TemporaryDirectory(prefix="mica-scalesim-") as tmp:
        prog = os.path.join(tmp, "m.mica")
        sp.run([mica, "compile", model, "-o", prog, "--array", array], sp.COMPILE_SECONDS,
               f"mica compile {model}")
        with open(prog + ".json") as f:
            return json.load(f)


def write_topology(layers, path):
    with open(path + ".tmp", "w") as f:
        f.write("Layer, M, N, K,\n")
        for name, m, n, k in layers:
            f.write(f"{name.replace(',', '_')}, {m}, {n}, {k},\n")
    os.replace(path + ".tmp", path)


def export(mica, model, path):
    layers = gemm_layers(compile_report(mica, model))
    write_topology(layers, path)
    return layers


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    export(*sys.argv[1:])
