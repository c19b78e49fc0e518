#!/usr/bin/env python3
"""Packed kernel rows and wide windows (issue 15): few-channel first convolutions whose kernel
rows the compiler packs several to an ASPAD row, laid out by a first pass at the end of the
layer's output; and few-output ones whose ASPAD row holds the window of two neighbouring outputs
(VWW's first layer: 15 taps feed 2 x 8 columns).
Generated single-CONV_2D int8 models (KWS's 10x4 stride 2 SAME, strides 1 and 2 in either
direction, VALID, dilation 2 down, 1 to 3 channels, an input zero point far from 0, an output
too large for one band so the packed rows meet the last band's STOREs; an output too small to
hold the packed rows, and 9 lanes of taps, stay unpacked; wide windows at stride 2 SAME with
the padding right or on both sides, stride 1 SAME, VALID; an odd output width stays narrow),
each compiled for the 16x16, 8x8 and 4x4 arrays, must
  - be placed on the accelerator, and pack kernel rows or wide windows where the case says so
    (the plan line, on the 16x16 array);
  - give LiteRT BUILTIN_REF's output bytes on the func and rtl backends (random int8 inputs);
  - have the layer's estimated cycles within 2% of the cycles the RTL measures.
  check_rowpack.py MICA DIR [SAMPLES]   (models are written to DIR; exit 1 on any failure)"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_accel_ops as acc  # noqa: E402 (after the path)

ARRAYS = acc.ARRAYS
PACKED = {"rows": "kernel rows x", "wide": "the windows of two neighbouring outputs"}


def cases(tf):
    """name -> (fn, input shape, calibration range, packing on 16x16: rows, wide or taps)."""
    L = tf.keras.layers
    init = dict(bias_initializer=tf.keras.initializers.RandomUniform(-0.3, 0.3))

    def conv(shape, filters, kernel, rng=(-1.0, 1.5), packed="rows", **kw):
        lay = L.Conv2D(filters, kernel, **init, **kw)
        lay.build(shape)
        return (lambda x: lay(x)), shape, rng, packed

    c = {}
    c["kws_10x4_s2_same"] = conv((1, 49, 10, 1), 64, (10, 4), strides=2, padding="same",
                                 activation="relu")
    c["k5x3_s1_same_zp"] = conv((1, 20, 9, 1), 48, (5, 3), rng=(-0.2, 3.0), padding="same")
    c["k3x3_c3_s1_valid"] = conv((1, 10, 9, 3), 8, 3, packed="taps")  # odd width: narrow
    c["k7x2_c2_s21_same"] = conv((1, 31, 7, 2), 40, (7, 2), strides=(2, 1), padding="same")
    c["k6x4_s12_valid"] = conv((1, 30, 11, 1), 64, (6, 4), strides=(1, 2), rng=(-3.0, 0.4))
    c["k4x3_dil2_same"] = conv((1, 24, 8, 1), 64, (4, 3), dilation_rate=(2, 1), padding="same")
    c["k10x4_bands"] = conv((1, 60, 10, 1), 48, (10, 4), padding="same")
    c["k6x4_small_out"] = conv((1, 14, 11, 1), 9, (6, 4), strides=(1, 2), packed="taps")
    c["vww_3x3_c3_s2_same"] = conv((1, 40, 48, 3), 8, 3, strides=2, padding="same",
                                   activation="relu6", packed="wide")
    c["k3x3_c3_s2_same_odd"] = conv((1, 21, 47, 3), 8, 3, strides=2, padding="same",
                                    rng=(-0.3, 2.5), packed="wide")
    c["k3x3_c3_s1_same_c6"] = conv((1, 12, 14, 3), 6, 3, padding="same", packed="wide")
    c["k2x2_c3_s2_valid"] = conv((1, 17, 16, 3), 5, 2, strides=2, packed="wide")
    return c


def generate(out_dir):
    import make_cpu_op_models as g
    expect = {}
    for i, (name, (fn, shape, rng, packed)) in enumerate(cases(g.tf).items()):
        data = g.convert(fn, [shape], [rng], seed=700 + i)
        ops = g.op_names(data)
        if ops != ["CONV_2D"]:
            raise SystemExit("check_rowpack: %s converted to %s" % (name, ops))
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        expect[name] = packed
    return expect


def plan_checks(packed, mica, arr, prog, plan):
    """Failure lines of one compiled array: placement, and packing on the 16x16 array."""
    del mica, prog
    fails = []
    table = [l.split() for l in plan.splitlines()]
    if not any(len(f) > 2 and f[1] == "CONV_2D" and f[2] == "ACCEL" for f in table):
        fails.append("not placed on the accelerator")
    for mode, text in PACKED.items():
        if arr == "16x16" and (text in plan) != (packed == mode):
            fails.append("%s %spacked" % (mode, "not " if packed == mode else ""))
    return fails


def main():
    return acc.generated_main(__doc__, "check_rowpack", generate, plan_checks,
                              lambda packed: packed)


if __name__ == "__main__":
    sys.exit(main())
