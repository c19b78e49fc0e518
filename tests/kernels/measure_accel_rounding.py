#!/usr/bin/env python3
"""Which requantization does LiteRT BUILTIN_REF use for TRANSPOSE_CONV and BATCH_MATMUL? Measured
as tests/oracle/rounding_experiment.py measures the others (models/ORACLE.md): the generated
models of check_accel_ops.py (in DIR), as converted ("generic") and with scales patched to powers
of two times small odd numbers ("ties": exact products, many exact ties), run on random int8
inputs; their exact accumulators (numpy, int64) requantized by each candidate
(dbl: SRDHM + RoundingDivideByPOT, sgl: one 64-bit shift ties up, sga: ties away, real:
round_half_away(double(acc) * M_real)) are compared with LiteRT's outputs byte by byte.
  measure_accel_rounding.py DIR [INPUTS]   prints mismatches per mode; exit 1 unless dbl has 0"""
import glob
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "oracle"))
import numpy as np  # noqa: E402

import single_op_models as som  # noqa: E402
import tflite_arith as ta  # noqa: E402
import tflite_tools  # noqa: E402

MODES = ("dbl", "sgl", "sga", "real")


def roles(m):
    """(input, weights, bias or None) roles of the operator."""
    if m.op_name == "TRANSPOSE_CONV":
        return ("in", 2), ("in", 1), ("in", 3) if len(m.op.inputs) > 3 and m.op.inputs[3] >= 0 else None
    return ("in", 0), ("in", 1), None


def const(m, role, dtype):
    t = m.tensor(role)
    return np.frombuffer(bytes(m.model.buffers[t.buffer].data), dtype).reshape([int(n) for n in t.shape])


def quant(m, role):
    q = m.tensor(role).quantization
    return np.asarray(q.scale, np.float64), np.asarray(q.zeroPoint, np.int64)


def tconv_acc(m, x, w, bias, z_in):
    o = m.op.builtinOptions
    oh, ow = m.shape(("out", 0))[1:3]
    kh, kw = w.shape[1:3]
    sh, sw = o.strideH, o.strideW

    def pad(out, k, s):
        grid = -(-out // s) if o.padding == 0 else (out - k + s) // s
        return max(0, ((grid - 1) * s + k - out) // 2)
    pt, pl = pad(oh, kh, sh), pad(ow, kw, sw)
    xs = x[0].astype(np.int64) - z_in
    acc = np.zeros((oh, ow, w.shape[0]), np.int64)
    h, wd = xs.shape[:2]
    for ky in range(kh):
        for kx in range(kw):
            c = xs @ w[:, ky, kx, :].astype(np.int64).T
            for iy in range(h):
                oy = iy * sh + ky - pt
                if 0 <= oy < oh:
                    for ix in range(wd):
                        ox = ix * sw + kx - pl
                        if 0 <= ox < ow:
                            acc[oy, ox] += c[iy, ix]
    return (acc + (0 if bias is None else bias.astype(np.int64)))[None]


def bmm_acc(m, x, w, z_in, z_w):
    o = m.op.builtinOptions
    a = x.astype(np.int64) - z_in
    b = w.astype(np.int64) - z_w
    if o.adjX:
        a = np.swapaxes(a, -1, -2)
    if o.adjY:
        b = np.swapaxes(b, -1, -2)
    return a @ b


def patch_ties(m, rng, xr, wr, br):
    """Powers of two times small odd numbers: exact products, ties in the requantization."""
    s_in = 2.0 ** -int(rng.integers(5, 9))
    m.set_quant(xr, [s_in], [int(rng.integers(-60, 60))])
    _, wz = quant(m, wr)
    n = len(m.tensor(wr).quantization.scale)
    s_w = (rng.choice(np.arange(1, 16, 2), n) / 16.0 * 2.0 ** -int(rng.integers(5, 9))).astype(np.float32)
    m.set_quant(wr, s_w, wz, m.tensor(wr).quantization.quantizedDimension)
    if br:
        m.set_quant(br, np.float32(s_in) * s_w, np.zeros(n))
    m.set_quant(("out", 0), [2.0 ** -int(rng.integers(0, 4)) * s_in * float(s_w.max()) * 64],
                [int(rng.integers(-30, 30))])


def measure(path, family, count, tally):
    rng = np.random.default_rng(len(path) + len(family))
    m = som.SingleOpModel(open(path, "rb").read())
    xr, wr, br = roles(m)
    if family == "ties":
        patch_ties(m, rng, xr, wr, br)
    it = tflite_tools.make_interpreter(model_content=m.to_bytes())
    s_in, z_in = quant(m, xr)
    s_w, z_w = quant(m, wr)
    s_out, z_out = quant(m, ("out", 0))
    w = const(m, wr, np.int8)
    bias = const(m, br, np.int32) if br else None
    act = getattr(m.op.builtinOptions, "fusedActivationFunction", 0)
    lo = max(-128, int(z_out[0])) if act == 1 else -128
    reals = [float(np.float32(s_in[0])) * float(np.float32(s)) / float(np.float32(s_out[0])) for s in s_w]
    mult, shift = ta.multipliers(reals)
    if len(mult) == 1:
        mult, shift = mult[0], shift[0]
    for _ in range(count):
        x = rng.integers(-128, 128, m.shape(xr)).astype(np.int8)
        it.set_tensor(it.get_input_details()[0]["index"], x)
        it.invoke()
        got = it.get_tensor(it.get_output_details()[0]["index"])
        acc = tconv_acc(m, x, w, bias, z_in[0]) if m.op_name == "TRANSPOSE_CONV" else \
            bmm_acc(m, x, w, z_in[0], z_w[0])
        scaled = {"dbl": ta.requant_double(acc, mult, shift), "sgl": ta.requant_single(acc, mult, shift),
                  "sga": ta.requant_single_away(acc, mult, shift),
                  "real": ta.requant_real_away(acc, np.array(reals) if len(reals) > 1 else reals[0])}
        row = tally.setdefault((m.op_name, family), dict(n=0, **{k: 0 for k in MODES}))
        row["n"] += got.size
        for k in MODES:
            row[k] += int(np.count_nonzero(ta.finish(scaled[k], z_out[0], lo, 127) != got))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    tally = {}
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.tflite"))):
        name = os.path.basename(path)
        if name.startswith("tconv") or (name.startswith("bmm") and "cpu" not in name):
            for family in ("generic", "ties"):
                measure(path, family, count, tally)
    print("%-16s %-8s %9s" % ("op", "family", "outputs") + "".join("%8s" % k for k in MODES))
    for (op, family), row in sorted(tally.items()):
        print("%-16s %-8s %9d" % (op, family, row["n"]) + "".join("%8d" % row[k] for k in MODES))
    return 1 if any(row["dbl"] for row in tally.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
