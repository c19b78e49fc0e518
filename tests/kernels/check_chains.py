#!/usr/bin/env python3
"""On-chip activations (issue 15, compiler/chain.c): activations that only accelerated
convolutions and ADDs read stay in ASPAD from their producer to their last reader. Generated
int8 residual networks (a ResNet block on 32x32 whose tensors need several bands, a strided block
with a 1x1 shortcut from the model input (its ADD on chip too), 24 and 40 channels whose ADDs cannot walk whole folds,
one tensor read by a convolution, a depthwise convolution and an ADD; a max pool and a global
average pool reading convolutions' outputs on chip; an 8-channel depthwise convolution, which
reads and writes two pixels per row in memory; 48x48 maps whose layers write their outputs over
their inputs), each compiled for the
16x16, 8x8 and 4x4 arrays, must
  - keep activations on chip on 16x16 (STOREs with target ASPAD), and where the case says so
    run every ADD and pool from ASPAD (its step loads no activation);
  - give LiteRT BUILTIN_REF's output bytes on the func and rtl backends (random int8 inputs);
  - have the estimated cycles within 2% of the cycles the RTL measures.
  check_chains.py MICA DIR [SAMPLES]   (models are written to DIR; exit 1 on any failure)"""
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import check_accel_ops as acc  # noqa: E402 (after the path)

ARRAYS = acc.ARRAYS


def cases(tf):
    """name -> (fn, input shape, whether every ADD and pool reads ASPAD on 16x16)."""
    L = tf.keras.layers
    bias = dict(bias_initializer=tf.keras.initializers.RandomUniform(-0.3, 0.3))

    def conv(filters, kernel, **kw):
        return L.Conv2D(filters, kernel, padding="same", **bias, **kw)

    def built(layers, shapes):
        for lay, s in zip(layers, shapes):
            lay.build(s)

    c = {}
    a, b, d, e = conv(16, 3, activation="relu"), conv(16, 3, activation="relu"), conv(16, 3), \
        conv(32, 1, strides=2)
    built([a, b, d, e], [(1, 32, 32, 3), (1, 32, 32, 16), (1, 32, 32, 16), (1, 32, 32, 16)])
    c["block16_32x32"] = (lambda x: e(tf.nn.relu(a(x) + d(b(a(x))))), (1, 32, 32, 3), True)

    f, g, s, h = conv(32, 3, strides=2, activation="relu"), conv(32, 3), conv(32, 1, strides=2), \
        conv(16, 1)
    built([f, g, s, h], [(1, 16, 16, 16), (1, 8, 8, 32), (1, 16, 16, 16), (1, 8, 8, 32)])
    c["block32_s2_shortcut"] = (lambda x: h(tf.nn.relu(g(f(x)) + s(x))), (1, 16, 16, 16), True)

    p, q, q2, r = conv(24, 3, activation="relu"), conv(24, 3), conv(24, 3), conv(8, 1)
    built([p, q, q2, r], [(1, 12, 10, 4), (1, 12, 10, 24), (1, 12, 10, 24), (1, 12, 10, 24)])
    c["block24_part_fold"] = (lambda x: r(q(p(x)) + q2(q(p(x)))), (1, 12, 10, 4), False)

    u, dw, v, w = conv(40, 1, activation="relu"), L.DepthwiseConv2D(3, padding="same", **bias), \
        conv(40, 1), conv(8, 1)
    built([u, dw, v, w], [(1, 9, 11, 8), (1, 9, 11, 40), (1, 9, 11, 40), (1, 9, 11, 40)])
    c["dw40_residual"] = (lambda x: w(u(x) + v(dw(u(x)))), (1, 9, 11, 8), False)

    k, m, dk, o = conv(16, 3, activation="relu"), conv(16, 3), \
        L.DepthwiseConv2D(3, padding="same", **bias), conv(8, 1)
    built([k, m, dk, o], [(1, 14, 14, 5), (1, 14, 14, 16), (1, 14, 14, 16), (1, 14, 14, 16)])
    c["three_readers"] = (lambda x: o((m(k(x)) + dk(k(x))) + k(x)), (1, 14, 14, 5), True)

    c1, mp, c2, gp = conv(32, 3, activation="relu"), L.MaxPool2D(2), conv(24, 3), \
        L.AveragePooling2D((6, 5))
    built([c1, c2], [(1, 12, 10, 3), (1, 6, 5, 32)])
    c["pools"] = (lambda x: gp(c2(mp(c1(x)))), (1, 12, 10, 3), True)

    e1, d8, e2, e3 = conv(8, 3, activation="relu"), \
        L.DepthwiseConv2D(3, padding="same", **bias), conv(16, 1), conv(16, 3)
    built([e1, d8, e2, e3], [(1, 20, 18, 3), (1, 20, 18, 8), (1, 20, 18, 8), (1, 20, 18, 16)])
    c["dw8_pixel_pairs"] = (lambda x: e3(e2(d8(e1(x)))), (1, 20, 18, 3), False)

    # 48x48 maps of 8 and 16 channels (2,304 ASPAD rows each on 16x16): two do not fit side by
    # side, so each layer writes its output over its input (chain.c inplace_gap): a 5x5 depthwise
    # two image lines below it, a 1x1 convolution at no distance, then a strided VALID depthwise
    i1, d5, i2, d3, i3 = conv(8, 3, activation="relu"), \
        L.DepthwiseConv2D(5, padding="same", **bias), conv(16, 1), \
        L.DepthwiseConv2D(3, strides=2, padding="valid", **bias), conv(8, 1)
    built([i1, d5, i2, d3, i3], [(1, 48, 48, 3), (1, 48, 48, 8), (1, 48, 48, 8),
                                 (1, 48, 48, 16), (1, 23, 23, 16)])
    c["inplace_48x48"] = (lambda x: i3(d3(i2(d5(i1(x))))), (1, 48, 48, 3), True)
    return c


def generate(out_dir):
    import make_cpu_op_models as g
    expect = {}
    for i, (name, (fn, shape, adds_on_chip)) in enumerate(cases(g.tf).items()):
        data = g.convert(fn, [shape], [(-1.0, 1.5)], seed=900 + i)
        ops = g.op_names(data)
        if any(op not in ("CONV_2D", "DEPTHWISE_CONV_2D", "ADD", "MAX_POOL_2D", "AVERAGE_POOL_2D")
               for op in ops):
            raise SystemExit("check_chains: %s converted to %s" % (name, ops))
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        expect[name] = adds_on_chip
    return expect


def chip_use(mica, prog, table):
    """(STOREs into ASPAD, ADD and pool steps that load an activation) of a compiled program."""
    dis = subprocess.run([mica, "disasm", prog], capture_output=True, text=True).stdout
    stores = len(re.findall(r"^ +\d+  STORE .*target=ASPAD", dis, re.M))
    loading = 0
    for step, f in enumerate(table):
        if f[1] not in ("ADD", "MAX_POOL_2D", "AVERAGE_POOL_2D"):
            continue
        d = subprocess.run([mica, "disasm", prog, "--step", str(step)], capture_output=True,
                           text=True).stdout
        loading += bool(re.search(r"^ +\d+  LOAD .*target=ASPAD", d, re.M))
    return stores, loading


def plan_checks(adds_on_chip, mica, arr, prog, plan):
    """Failure lines of one compiled array: placement, and on 16x16 what stays on chip."""
    fails = []
    table = [f for f in (l.split() for l in plan.splitlines())
             if len(f) > 2 and f[2] in ("ACCEL", "CPU")]
    if any(f[2] != "ACCEL" for f in table):
        fails.append("not every layer on the accelerator")
    if arr == "16x16":
        stores, loading = chip_use(mica, prog, table)
        if stores == 0:
            fails.append("nothing kept on chip")
        if adds_on_chip and loading:
            fails.append("%d ADD/pool steps load an input" % loading)
    return fails


def main():
    return acc.generated_main(__doc__, "check_chains", generate, plan_checks,
                              lambda on_chip: "readers on chip" if on_chip else "ADDs in memory")


if __name__ == "__main__":
    sys.exit(main())
