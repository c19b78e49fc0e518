#!/usr/bin/env python3
"""SUM int8 against TFLite's integer arithmetic, in numpy (TFLite Micro's and LiteRT's
reference_ops::QuantizedMeanOrSum with compute_sum: M, shift = QuantizeMultiplier(s_in / s_out);
out = clamp(MultiplyByQuantizedMultiplier(sum - z_in * n, M, shift) + z_out, -128, 127)).
LiteRT's BUILTIN_REF SUM cannot be the oracle here: the installed build reads int8 inputs as uint8
(measured: inputs of 5 with zero point -1 over 6 values give 255 -> stored as -1), so `mica
verify` would fail on any SUM model. This converts the SUM cases of cpu_op_cases_more.py, runs
each through `mica run --backend func` and compares.
  check_sum_int8.py MICA [COUNT]     exit 1 on any mismatch"""
import math
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import single_op_models as som  # noqa: E402


def quantize_multiplier(real):
    if real == 0:
        return 0, 0
    m, e = math.frexp(real)
    q = int(round(m * (1 << 31)))
    if q == 1 << 31:
        q //= 2
        e += 1
    return q, e


def srdhm(a, b):
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    return int(np.int64(ab + nudge) // (1 << 31)) if ab + nudge >= 0 else -((-(ab + nudge)) // (1 << 31))


def rdbpot(x, e):
    mask = (1 << e) - 1
    rem, thr = x & mask, (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > thr else 0)


def mbqm(x, m, shift):
    left, right = max(shift, 0), max(-shift, 0)
    return rdbpot(srdhm(x * (1 << left), m), right)


def expected(x, axes, keep, si, zi, so, zo):
    s = x.astype(np.int64).sum(axis=tuple(axes), keepdims=keep)
    n = x.size // s.size
    m, shift = quantize_multiplier(float(np.float64(si) / np.float64(so)))
    f = np.vectorize(lambda v: max(-128, min(127, mbqm(int(v) - zi * n, m, shift) + zo)))
    return f(s).astype(np.int8)


def check(mica, path, count, work):
    mdl = som.SingleOpModel(open(path, "rb").read())
    sub = mdl.model.subgraphs[0]
    op = mdl.op
    tin, tax, tout = (sub.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    axes = np.frombuffer(bytes(mdl.model.buffers[tax.buffer].data), np.int32) % len(tin.shape)
    keep = bool(op.builtinOptions.keepDims)
    si, zi = float(tin.quantization.scale[0]), int(tin.quantization.zeroPoint[0])
    so, zo = float(tout.quantization.scale[0]), int(tout.quantization.zeroPoint[0])
    prog = os.path.join(work, "m.mica")
    subprocess.run([mica, "compile", path, "-o", prog], check=True, capture_output=True)
    rng, bad = np.random.default_rng(7), 0
    for k in range(count):
        x = rng.integers(-128, 128, tuple(tin.shape)).astype(np.int8)
        if k == 1:
            x[...] = zi  # every input at the zero point: the sum is exactly z_out
        np.save(os.path.join(work, "x.npy"), x)
        subprocess.run([mica, "run", prog, "--backend", "func", "--input", os.path.join(work, "x.npy"),
                        "--output-dir", work], check=True, capture_output=True)
        got = np.load(os.path.join(work, "output0.npy")).reshape(-1)
        want = expected(x, axes, keep, si, zi, so, zo).reshape(-1)
        bad += int((got != want).sum())
    return bad


def models(work):
    """name -> path of the converted SUM cases (and one with equal quantization)."""
    argv, sys.argv = sys.argv, sys.argv[:1]
    import make_cpu_op_models as gen  # noqa: E402 (needs TensorFlow)
    import cpu_op_cases_more as more  # noqa: E402
    sys.argv = argv
    out = {}
    for i, (name, (fn, shapes, ranges)) in enumerate(sorted(more.sum_cases(gen.tf).items())):
        data = gen.convert(fn, shapes, ranges, seed=500 + i)
        assert gen.op_names(data) == ["SUM"], (name, gen.op_names(data))
        out[name] = data
    out["sum_axis0_equal_quant"] = more.sum_equal_quant(out["sum_axis0"], som)
    paths = {}
    for name, data in out.items():
        paths[name] = os.path.join(work, name + ".tflite")
        open(paths[name], "wb").write(data)
    return paths


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mica = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        paths = models(work)
        names = sorted(paths)
        for n in names:
            bad = check(mica, paths[n], count, work)
            print("check_sum_int8: %-24s inputs=%d mismatching_bytes=%d" % (n, count, bad))
            failed += bad > 0
    print("check_sum_int8: %s (%d models)" % ("PASS" if not failed and names else "FAIL", len(names)))
    return 1 if failed or not names else 0


if __name__ == "__main__":
    sys.exit(main())
