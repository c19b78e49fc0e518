#!/usr/bin/env python3
"""Generate the op models of the int16 paths TFLite Micro has beyond the 16x8 arithmetic
(make_int16_op_models.py): the data-movement operators (RESHAPE, SQUEEZE, EXPAND_DIMS,
CONCATENATION, SPLIT, SPLIT_V, UNPACK, STRIDED_SLICE, SLICE, TRANSPOSE, BROADCAST_TO, PAD, PADV2,
RESIZE_NEAREST_NEIGHBOR)
the pools, RELU, RELU6, LEAKY_RELU, ABS, MAXIMUM, MINIMUM, MEAN, SELECT_V2 and GREATER, all but SQUEEZE / EXPAND_DIMS / PADV2 /
SELECT_V2 / GREATER from the TensorFlow converter in mode
EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 (int16 in and out). Writes
DIR/<name>.tflite and DIR/manifest.json like the other generators (tests/kernels/run.sh reads it),
and DIR/refused/ (int16 operators TFLite Micro has no int16 kernel for: Mica refuses them too).
Usage: python3 tests/kernels/make_int16b_op_models.py [DIR]   (default build/int16b_op_models)
"""
import glob
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_int16_op_models as i16  # noqa: E402 (convert16, layer16; sets TF logging quiet)

tf = i16.tf
L = tf.keras.layers


def movement_cases():
    c16 = i16.convert16
    return {
        "reshape16": c16(lambda x: tf.reshape(x * 1.0, (2, 12)), [(1, 4, 6)], 301),
        "concat16_axis1": c16(lambda a, b: tf.concat([a, b], axis=1), [(2, 3, 4), (2, 5, 4)], 304),
        "concat16_last_3in": c16(lambda a, b, d: tf.concat([a, b, d], axis=-1),
                                 [(1, 3, 2), (1, 3, 5), (1, 3, 1)], 305),
        "split16": c16(lambda x: tf.split(x, 3, axis=2), [(1, 2, 9, 2)], 306),
        "split_v16": c16(lambda x: tf.split(x, [1, 4, 2], axis=1), [(2, 7, 3)], 307),
        "unpack16": c16(lambda x: tf.unstack(x, axis=1), [(2, 3, 5)], 308),
        "strided_slice16": c16(lambda x: x[:, 1:6:2, ::-1, 1:], [(2, 7, 5, 4)], 309),
        "strided_slice16_shrink": c16(lambda x: x[:, 2, 1:4], [(3, 5, 6)], 310),
        "slice16": c16(lambda x: tf.slice(x, [0, 1, 2], [2, 3, -1]), [(2, 5, 6)], 311),
        "transpose16": c16(lambda x: tf.transpose(x, [0, 3, 1, 2]), [(2, 3, 4, 5)], 312),
        "transpose16_rank5": c16(lambda x: tf.transpose(x, [4, 2, 0, 3, 1]), [(2, 3, 1, 2, 3)],
                                 313),
        "broadcast_to16": c16(lambda x: tf.broadcast_to(x, (2, 3, 4, 5)), [(3, 1, 5)], 314),
        "pad16": c16(lambda x: tf.pad(x, [[0, 0], [1, 2], [2, 0], [0, 1]]), [(1, 4, 3, 2)], 315),
        "resize_nearest16": c16(lambda x: tf.image.resize(x, (5, 7), method="nearest"),
                                [(1, 3, 4, 3)], 317),
        "resize_nearest16_half": c16(
            lambda x: tf.compat.v1.image.resize_nearest_neighbor(x, (6, 2), half_pixel_centers=True),
            [(2, 4, 3, 2)], 318),
    }


def shape_op_model(builtin, in_shape, out_shape, axis=None, squeeze_dims=None):
    """SQUEEZE / EXPAND_DIMS on int16 as flatbuffers (the converter folds both into RESHAPE)."""
    g = i16.Graph()
    x = g.tensor("x", in_shape, i16.T.INT16, 1.0 / 4096, 0)
    y = g.tensor("y", out_shape, i16.T.INT16, 1.0 / 4096, 0)
    if builtin == i16.OP.SQUEEZE:
        opts = i16.schema.SqueezeOptionsT()
        opts.squeezeDims = list(squeeze_dims)
        g.op(builtin, [x], [y], i16.schema.BuiltinOptions.SqueezeOptions, opts)
    else:
        a = g.tensor("axis", (1,), i16.T.INT32, data=[axis])
        g.op(builtin, [x, a], [y], i16.schema.BuiltinOptions.ExpandDimsOptions,
             i16.schema.ExpandDimsOptionsT())
    return g.finish([x], [y])


def padv2_model(value):
    """PADV2 on int16 with an int16 pad value (the converter leaves the value float32, which
    LiteRT refuses: pad.cc requires the input's type)."""
    g, T = i16.Graph(), i16.T
    x = g.tensor("x", (3, 4), T.INT16, 1.0 / 4096, 0)
    pads = g.tensor("paddings", (2, 2), T.INT32, data=[[1, 1], [0, 3]])
    v = g.tensor("value", (), T.INT16, 1.0 / 4096, 0, data=value)
    y = g.tensor("y", (5, 7), T.INT16, 1.0 / 4096, 0)
    g.op(i16.OP.PADV2, [x, pads, v], [y], i16.schema.BuiltinOptions.PadV2Options,
         i16.schema.PadV2OptionsT())
    return g.finish([x], [y])


def select_v2_model():
    """SELECT_V2 of int16 values under a bool condition broadcast over columns (an int8 GREATER
    computes it), the second value a broadcast int16 constant."""
    g, T, OP, S = i16.Graph(), i16.T, i16.OP, i16.schema
    c8 = g.tensor("c", (2, 1), T.INT8, 0.1, 3)
    zero = g.tensor("zero", (1,), T.INT8, 0.1, 3, data=[3])
    cond = g.tensor("cond", (2, 1), T.BOOL)
    g.op(OP.GREATER, [c8, zero], [cond], S.BuiltinOptions.GreaterOptions, S.GreaterOptionsT())
    x = g.tensor("x", (2, 5), T.INT16, 1.0 / 4096, 0)
    y = g.tensor("y", (5,), T.INT16, 1.0 / 4096, 0, data=[-30000, -5, 0, 77, 32767])
    out = g.tensor("out", (2, 5), T.INT16, 1.0 / 4096, 0)
    g.op(OP.SELECT_V2, [cond, x, y], [out], S.BuiltinOptions.SelectV2Options,
         S.SelectV2OptionsT())
    return g.finish([c8, x], [out])


def greater_model():
    """GREATER on int16 inputs of different scales and zero points (the converter has no 16x8
    GREATER), its bool result picking int16 values (SELECT_V2), the second input broadcast.
    LiteRT BUILTIN_REF compares the raw int16 values (TFLite Micro rescales each input first)."""
    g, T, OP, S = i16.Graph(), i16.T, i16.OP, i16.schema
    a = g.tensor("a", (2, 3, 4), T.INT16, 1.0 / 4096, 7)
    b = g.tensor("b", (3, 1), T.INT16, 1.0 / 3000, -11)
    cond = g.tensor("a_gt_b", (2, 3, 4), T.BOOL)
    g.op(OP.GREATER, [a, b], [cond], S.BuiltinOptions.GreaterOptions, S.GreaterOptionsT())
    x = g.tensor("x", (2, 3, 4), T.INT16, 1.0 / 4096, 0)
    y = g.tensor("y", (2, 3, 4), T.INT16, 1.0 / 4096, 0)
    g.op(OP.SELECT_V2, [cond, a, x], [y], S.BuiltinOptions.SelectV2Options,
         S.SelectV2OptionsT())
    return g.finish([a, b, x], [y])


def shape_cases():
    return {"squeeze16_op": shape_op_model(i16.OP.SQUEEZE, (1, 5, 1, 6), (5, 6),
                                           squeeze_dims=(0, -2)),
            "expand_dims16_op": shape_op_model(i16.OP.EXPAND_DIMS, (3, 7), (3, 1, 7), axis=-2),
            "padv2_16": padv2_model(-3001), "select_v2_16": select_v2_model(),
            "greater16": greater_model()}


def int32_copy_model():
    """int32 tensors inside the graph through RESHAPE, EXPAND_DIMS, SQUEEZE and CONCATENATION
    (the int32 copies): int8 in -> CAST -> ADD int32 -> RESHAPE -> CONCATENATION (with an EXPAND_DIMS
    / SQUEEZE pair and a constant) -> ADD -> CAST -> int8 out."""
    g, T, OP, S = i16.Graph(), i16.T, i16.OP, i16.schema
    x = g.tensor("x", (2, 3), T.INT8, 0.5, 0)
    xi = g.tensor("x32", (2, 3), T.INT32)
    g.op(OP.CAST, [x], [xi], S.BuiltinOptions.CastOptions, S.CastOptionsT())
    c = g.tensor("bias", (1, 3), T.INT32, data=[[3, -7, 11]])
    a = g.tensor("a", (2, 3), T.INT32)
    g.op(OP.ADD, [xi, c], [a], S.BuiltinOptions.AddOptions, S.AddOptionsT())
    shape = g.tensor("shape", (2,), T.INT32, data=[3, 2])
    r = g.tensor("r", (3, 2), T.INT32)
    ro = S.ReshapeOptionsT()
    ro.newShape = [3, 2]
    g.op(OP.RESHAPE, [a, shape], [r], S.BuiltinOptions.ReshapeOptions, ro)
    ax = g.tensor("axis", (1,), T.INT32, data=[0])
    e = g.tensor("e", (1, 3, 2), T.INT32)
    g.op(OP.EXPAND_DIMS, [r, ax], [e], S.BuiltinOptions.ExpandDimsOptions,
         S.ExpandDimsOptionsT())
    q = g.tensor("q", (3, 2), T.INT32)
    so = S.SqueezeOptionsT()
    so.squeezeDims = [0]
    g.op(OP.SQUEEZE, [e], [q], S.BuiltinOptions.SqueezeOptions, so)
    k = g.tensor("k", (3, 1), T.INT32, data=[[-20], [5], [40]])
    cat = g.tensor("cat", (3, 5), T.INT32)
    co = S.ConcatenationOptionsT()
    co.axis = 1
    g.op(OP.CONCATENATION, [r, k, q], [cat], S.BuiltinOptions.ConcatenationOptions, co)
    one = g.tensor("one", (1,), T.INT32, data=[1])
    s = g.tensor("s", (3, 5), T.INT32)
    g.op(OP.ADD, [cat, one], [s], S.BuiltinOptions.AddOptions, S.AddOptionsT())
    y = g.tensor("y", (3, 5), T.INT8, 0.5, 0)
    g.op(OP.CAST, [s], [y], S.BuiltinOptions.CastOptions, S.CastOptionsT())
    return g.finish([x], [y])


def int32_cases():
    return {"int32_copies": int32_copy_model()}


def pool_cases():
    return {
        "maxpool16_2x2": i16.layer16(L.MaxPooling2D(2), (1, 6, 6, 3), 320),
        "maxpool16_3x3_s2_same": i16.layer16(L.MaxPooling2D(3, 2, padding="same"), (2, 9, 8, 5),
                                             321),
        "avgpool16_2x2": i16.layer16(L.AveragePooling2D(2), (1, 6, 8, 4), 322),
        "avgpool16_3x3_same": i16.layer16(L.AveragePooling2D(3, 1, padding="same"),
                                          (1, 7, 5, 20), 323, -2.0, 1.0),
        "avgpool16_relu": i16.convert16(
            lambda x: tf.nn.relu(tf.nn.avg_pool2d(x, 2, 2, "VALID")), [(1, 6, 6, 3)], 324),
    }


def elementwise_cases():
    c16, k = i16.convert16, i16.const
    return {
        "relu16": c16(lambda x: tf.nn.relu(x), [(2, 3, 7)], 340, -2.0, 2.0),
        "relu6_16": c16(lambda x: tf.nn.relu6(x), [(1, 40)], 341, -3.0, 8.0),
        "leaky_relu16": c16(lambda x: tf.nn.leaky_relu(x, alpha=0.2), [(3, 11)], 342, -3.0, 2.0),
        "leaky_relu16_neg": c16(lambda x: tf.nn.leaky_relu(x, alpha=-0.7), [(2, 9)], 343),
        "mean16_axis1": c16(lambda x: tf.reduce_mean(x, axis=[1]), [(2, 5, 3)], 347),
        "mean16_hw_keepdims": c16(lambda x: tf.reduce_mean(x, axis=[1, 2], keepdims=True),
                                  [(1, 6, 5, 4)], 348, -2.0, 3.0),
        "mean16_last": c16(lambda x: tf.reduce_mean(x * 3.0, axis=[-1]), [(3, 40)], 349),
        "abs16": c16(lambda x: tf.abs(x), [(2, 13)], 344, -3.0, 1.0),
        "maximum16": c16(lambda a, b: tf.maximum(a, b), [(2, 3, 4), (2, 3, 4)], 345),
        "minimum16_bcast_const": c16(lambda a: tf.minimum(a, k(seed=3, shape=(4,), lo=-1, hi=1)),
                                     [(3, 2, 4)], 346),
    }


def refused_cases():
    """int16 operators Mica refuses: TFLite Micro runs GATHER on int8 only (gather.cc accepts
    float32 and int8). (int16 SUM runs: make_int16d_op_models.py, against TFLite Micro.)"""
    return {"gather16": i16.convert16(lambda x: tf.gather(x, [2, 0, 1], axis=1), [(2, 4, 3)],
                                      330)}


def write_set(prog, default_dir, makers, refused=None):
    """Runs each maker (name -> model bytes), writes DIR/<name>.tflite (DIR: argv[1] or
    build/default_dir, an earlier run's models removed), DIR/manifest.json and refused() into
    DIR/refused/; prints one line. 1 when a maker failed (the others are still written)."""
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(i16.REPO, "build", default_dir)
    os.makedirs(os.path.join(out_dir, "refused"), exist_ok=True)
    t0, failed, models = time.time(), 0, {}
    for make in makers:
        try:
            models.update(make())
        except Exception as e:  # one bad family must not hide the others
            print("%s: %s failed: %s" % (prog, make.__name__, str(e).splitlines()[0][:200]))
            failed += 1
    for old in glob.glob(os.path.join(out_dir, "*.tflite")):  # an earlier run's models go
        os.remove(old)
    manifest = {}
    for name, data in models.items():
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        manifest[name] = i16.op_names(data)
    for name, data in (refused() if refused else {}).items():
        with open(os.path.join(out_dir, "refused", name + ".tflite"), "wb") as f:
            f.write(data)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print("%s: %d models in %s (%.0f s)%s" % (prog, len(manifest), out_dir, time.time() - t0,
                                              ", %d failed" % failed if failed else ""))
    return 1 if failed else 0


def main():
    return write_set("make_int16b_op_models", "int16b_op_models",
                     (movement_cases, shape_cases, pool_cases, elementwise_cases, int32_cases),
                     refused_cases)


if __name__ == "__main__":
    sys.exit(main())
