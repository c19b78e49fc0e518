#!/usr/bin/env python3
"""The honest cycle limit of a model on an R x C array with a B-byte bus (issue 15):
    limit = max(MACs / (R * C), compulsory bytes / B)
compulsory bytes = every constant tensor (weights, biases) + model inputs + model outputs, each
read or written once, in the model's own representation. It depends on the work, not on the
schedule: activations that a schedule sends to external memory and back are not counted.
usage: honest_limit.py MODEL.tflite MACS ARRAY(RxC) BUS_BYTES"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
from tflite_tools import make_interpreter, op_list  # noqa: E402


def compulsory_bytes(model_path):
    interp = make_interpreter(model_path=model_path)
    produced = {d["index"] for _, _, outs in op_list(interp) for d in outs}
    graph_io = {d["index"]: d for d in interp.get_input_details() + interp.get_output_details()}
    consts = {}
    for _, ins, _ in op_list(interp):
        for d in ins:
            if d["index"] not in produced and d["index"] not in graph_io:
                consts[d["index"]] = d
    size = lambda d: int(np.prod(d["shape"])) * np.dtype(d["dtype"]).itemsize
    return sum(size(d) for d in consts.values()) + sum(size(d) for d in graph_io.values())


def limit_cycles(model_path, macs, rows, cols, bus_bytes):
    """(limit cycles, compulsory bytes)."""
    nbytes = compulsory_bytes(model_path)
    return max(macs / (rows * cols), nbytes / bus_bytes), nbytes


if __name__ == "__main__":
    r, c = (int(v) for v in sys.argv[3].split("x"))
    cyc, nb = limit_cycles(sys.argv[1], int(sys.argv[2]), r, c, int(sys.argv[4]))
    print("compulsory_bytes=%d limit_cycles=%.0f" % (nb, cyc))
