#!/usr/bin/env python3
"""Measure TFLite's 256-entry uint16 sigmoid table (sigmoid_table_uint16, used by the int16
LOGISTIC and TANH reference kernels) from LiteRT BUILTIN_REF, and check it reproduces both ops.

How the reference kernels use the table (reference_integer_ops logistic.h / tanh.h and
activations.cc's int16 Prepare): the input is rescaled to v = (x * mult + round) >> shift, where
a power-of-two input scale (LOGISTIC: 2^-12; TANH: 2^-12 or 2^-11, CheckedLog2 within 1e-3)
gives mult = 3 << left_shift, shift 0, and any other scale mult = (int)(s * 12288 * 2^shift)
with the smallest shift (<= 31) putting it above 32767 / 2. Then |v| indexes the table:
  TANH:     uh = |v| >> 8, ut = |v| & 255, r = (t[uh] << 8) + ut * (t[uh+1] - t[uh]);
            out = (r - 2^23 + 128) >> 8 for v >= 0, (2^23 + 127 - r) >> 8 for v < 0;
  LOGISTIC: uh = |v| >> 9, ut = |v| & 511, r = (t[uh] << 9) + ut * (t[uh+1] - t[uh]);
            out = (r + 512) >> 10 for v >= 0, (2^25 + 511 - r) >> 10 for v < 0;
both saturating once uh >= 255 (TANH +-32767 via 0xFFFF << 8, LOGISTIC 32767 / 1).

Measurement: TANH at a v with ut = 0 and v >= 0 outputs exactly t[uh] - 32768, so an input scale
that makes v = 2x reads t[0..254] directly; t[255] only enters as the upper end of segment 254,
so it is the unique value for which the formula reproduces every measured output in that segment
(several scales put odd and even ut there). The recovered table is then checked against all
65536 int16 inputs of LOGISTIC and TANH at several input scales (power-of-two and general).
  measure_sigmoid16.py --header FILE   write the C header (driver/core/kernels/mica_sigmoid16_table.h)
  measure_sigmoid16.py --check FILE    re-measure and compare with FILE's table (exit 1 if different)
"""
import os
import re
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
from ai_edge_litert import interpreter as litert  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_int16_op_models import Graph  # noqa: E402

T, OP = schema.TensorType, schema.BuiltinOperator
ALL16 = np.arange(-32768, 32768, dtype=np.int64)
# v = 2x (t[0..254] on ut = 0), multipliers just below 2 (odd ut in segment 254), power-of-two
# scales (TANH 2^-11 is its left-shift-1 case), ordinary converter-like scales
READ_SCALE = 2.0 / 12288
TAIL_SCALES = [1.995 / 12288, 1.9935 / 12288, 1.9990 / 12288, 1.9961 / 12288]
CHECK_SCALES = [READ_SCALE, 1.0 / 12288, 2.0 ** -12, 2.0 ** -11, 2.0 ** -13, 2.0 ** -12 * 1.0004,
                1.0 / 3000.7, 0.000312, 7.3e-5, 0.0011, 1.9e-6, 0.37] + TAIL_SCALES


def litert_run(op, scale):
    """LiteRT BUILTIN_REF's output for every int16 input at this input scale."""
    g = Graph()
    x = g.tensor("x", (65536,), T.INT16, scale, 0)
    y = g.tensor("y", (65536,), T.INT16, 1.0 / 32768, 0)
    g.op(op, [x], [y])
    it = litert.Interpreter(model_content=g.finish([x], [y]),
                            experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], ALL16.astype(np.int16))
    it.invoke()
    return it.get_tensor(it.get_output_details()[0]["index"]).astype(np.int64)


def checked_log2(scale):
    """TFLite's CheckedLog2 in float: (rounded log2, whether it is within 1e-3 of it)."""
    lg = np.float32(np.log(np.float32(scale))) * np.float32(np.float32(1.0) / np.log(np.float32(2.0)))
    rounded = np.float32(np.round(lg))
    return int(rounded), bool(abs(np.float32(lg - rounded)) < np.float32(1e-3))


def rescale(op, scale):
    """activations.cc's int16 Prepare, folded like the kernels do: (multiplier, right shift)."""
    log2, pot = checked_log2(scale)
    left = 12 + log2
    if pot and (left == 0 or (op == OP.TANH and left == 1)):
        return 3 << left, 0
    mult, shift = float(np.float32(scale)) * 4096.0 * 3.0, 0
    while mult <= 32767.0 / 2.0 and shift <= 30:
        shift, mult = shift + 1, mult * 2.0
    return int(mult), shift


def rescaled(op, scale):
    mult, shift = rescale(op, scale)
    return (ALL16 * mult + ((1 << (shift - 1)) if shift > 0 else 0)) >> shift


def model(op, scale, table):
    """The reference kernel's output for every int16 input with this table."""
    t = np.asarray(table, np.int64)
    v = rescaled(op, scale)
    bits = 8 if op == OP.TANH else 9
    a = np.abs(v)
    uh, ut = np.minimum(a >> bits, 254), a & ((1 << bits) - 1)
    r = (t[uh] << bits) + ut * (t[uh + 1] - t[uh])
    if op == OP.TANH:
        r = np.where(a >> bits >= 255, 0xFFFF << 8, r)
        return np.where(v >= 0, (r - (1 << 23) + 128) >> 8, ((1 << 23) + 127 - r) >> 8)
    r = np.where(a >> bits >= 255, 0x7FFF << 10, r)
    return np.where(v >= 0, (r + 512) >> 10, ((1 << 25) + 511 - r) >> 10)


def measure():
    """The table from TANH runs; raises when it is not determined uniquely."""
    table = np.full(256, -1, np.int64)
    v, out = rescaled(OP.TANH, READ_SCALE), litert_run(OP.TANH, READ_SCALE)
    on_entry = (v >= 0) & (v % 256 == 0) & (v >> 8 < 255)
    table[v[on_entry] >> 8] = out[on_entry] + 32768
    if (table[:255] < 0).any():
        raise SystemExit("measure_sigmoid16: scale %g reached entries %s only" % (
            READ_SCALE, np.flatnonzero(table[:255] >= 0)))
    candidates = np.arange(table[254], 65536)
    for scale in TAIL_SCALES:
        v, out = rescaled(OP.TANH, scale), litert_run(OP.TANH, scale)
        seg = (v >= 0) & (v >> 8 == 254)
        ut, want = (v[seg] & 255)[None, :], out[seg][None, :]
        got = table[254] - 32768 + ((ut * (candidates[:, None] - table[254]) + 128) >> 8)
        candidates = candidates[(got == want).all(axis=1)]
    if len(candidates) != 1:
        raise SystemExit("measure_sigmoid16: entry 255 not determined: %d candidates %s" % (
            len(candidates), candidates[:8]))
    table[255] = candidates[0]
    return table


def verify(table):
    """Mismatching outputs per (op, scale) over all 65536 inputs; empty when all agree."""
    bad = []
    for op, name in ((OP.LOGISTIC, "LOGISTIC"), (OP.TANH, "TANH")):
        for scale in CHECK_SCALES:
            n = int((model(op, scale, table) != litert_run(op, scale)).sum())
            if n:
                bad.append("%s scale %g: %d of 65536 differ" % (name, scale, n))
    return bad


def header(table):
    rows = ["    " + ", ".join("%5d" % v for v in table[i:i + 12]) + "," for i in range(0, 256, 12)]
    return "\n".join([
        "/* TFLite's sigmoid_table_uint16: sigmoid on [0, 10.7) in 256 steps, Q0.16, read by the",
        " * int16 LOGISTIC and TANH reference kernels (driver/core/kernels/sigmoid16.c). MEASURED, not",
        " * computed: tests/kernels/measure_sigmoid16.py read entries 0..254 from LiteRT BUILTIN_REF's",
        " * int16 TANH at an input scale that puts every entry on an exact input (output = entry - 32768)",
        " * and entry 255 as the one value matching every output of the last segment, then checked the",
        " * table against all 65536 int16 inputs of both operators at %d input scales. Regenerate with" % len(CHECK_SCALES),
        " * `measure_sigmoid16.py --header FILE`; `--check FILE` re-measures and compares. */",
        "#ifndef MICA_SIGMOID16_TABLE_H",
        "#define MICA_SIGMOID16_TABLE_H",
        "#include <stdint.h>",
        "",
        "static const uint16_t mica_sigmoid16_table[256] = {",
        *rows,
        "};",
        "",
        "#endif",
        ""])


def read_header(path):
    body = open(path).read().split("{", 1)[1].split("}", 1)[0]
    return np.array([int(v) for v in re.findall(r"\d+", body)], np.int64)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("--header", "--check"):
        sys.exit(__doc__)
    table = measure()
    bad = verify(table)
    if bad:
        sys.exit("measure_sigmoid16: the measured table does not reproduce LiteRT: " + "; ".join(bad))
    if sys.argv[1] == "--header":
        with open(sys.argv[2], "w") as f:
            f.write(header(table))
        print("measure_sigmoid16: wrote %s (reproduces LOGISTIC and TANH at %d scales)" % (
            sys.argv[2], len(CHECK_SCALES)))
        return
    have = read_header(sys.argv[2])
    if len(have) != 256 or (have != table).any():
        diff = np.flatnonzero(have != table) if len(have) == 256 else "size %d" % len(have)
        sys.exit("measure_sigmoid16: %s differs from the measured table at %s" % (sys.argv[2], diff))
    print("measure_sigmoid16: PASS (%s = the measured table; LOGISTIC and TANH match LiteRT on "
          "all 65536 inputs at %d scales)" % (sys.argv[2], len(CHECK_SCALES)))


if __name__ == "__main__":
    main()
