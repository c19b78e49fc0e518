#!/usr/bin/env python3
"""Generate single-op int8 .tflite models for the CPU fallback kernels (driver/core/kernels).

Each model is a small tf.function converted by the TensorFlow converter with full-integer
quantization (int8 in/out). Calibration ranges are asymmetric per input so zero points and scales
vary. Writes DIR/<name>.tflite (default DIR = build/cpu_op_models) and DIR/manifest.json mapping
each model to the operators the converter actually emitted.
Usage: python3 tests/kernels/make_cpu_op_models.py [DIR]
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
import numpy as np  # noqa: E402

import single_op_models as som  # noqa: E402 (sets TF logging quiet)
import cpu_op_cases_more  # noqa: E402 (issue 14's further operators)
import cpu_op_cases_ops3  # noqa: E402 (BATCH_MATMUL, TRANSPOSE_CONV)
import absl.logging  # noqa: E402

absl.logging.set_verbosity(absl.logging.ERROR)  # converter deprecation chatter

tf = som.tf
L = tf.keras.layers


def convert(fn, shapes, ranges, seed):
    """fn(*tensors) -> tensor; shapes: input shapes; ranges: (lo, hi) calibration per input."""
    tf.keras.utils.set_random_seed(seed)
    specs = [tf.TensorSpec(s, tf.float32) for s in shapes]
    concrete = tf.function(fn, input_signature=specs).get_concrete_function()
    rng = np.random.default_rng(seed)

    def representative():
        for _ in range(8):
            yield [rng.uniform(lo, hi, s).astype(np.float32) for s, (lo, hi) in zip(shapes, ranges)]

    conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    with som.silenced_fds():
        return bytes(conv.convert())


def layer_case(layer, shape, rng=(-1.0, 1.5)):
    layer.build(shape)
    return (lambda x: layer(x)), [shape], [rng]


def const(shape, seed, lo=-1.0, hi=1.0):
    return tf.constant(np.random.default_rng(seed).uniform(lo, hi, shape).astype(np.float32))


def cases():
    """name -> (fn, shapes, ranges)."""
    c = {}
    init = dict(bias_initializer=tf.keras.initializers.RandomUniform(-0.3, 0.3))
    c["conv_3x3_s1_same"] = layer_case(L.Conv2D(8, 3, padding="same", **init), (1, 9, 11, 3))
    c["conv_3x3_s2_valid_relu"] = layer_case(L.Conv2D(5, 3, strides=2, activation="relu", **init), (1, 12, 10, 4))
    c["conv_5x5_d2_same"] = layer_case(L.Conv2D(4, 5, dilation_rate=2, padding="same", **init), (1, 13, 9, 2))
    c["conv_1x1_b2"] = layer_case(L.Conv2D(6, 1, activation=tf.nn.relu6, **init), (2, 5, 6, 7))
    c["conv_3x3_groups2"] = layer_case(L.Conv2D(6, 3, groups=2, padding="same", **init), (1, 7, 8, 4))
    c["dw_3x3_s1_same"] = layer_case(L.DepthwiseConv2D(3, padding="same", **init), (1, 10, 9, 6))
    c["dw_3x3_s2_same_m2"] = layer_case(L.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=2, **init), (1, 11, 12, 3))
    c["dw_5x5_valid_relu"] = layer_case(L.DepthwiseConv2D(5, activation="relu", **init), (1, 9, 9, 4))
    # channel counts that reach the kernel's 8/16-wide blocks, its pixel runs and its 64-channel chunks
    c["dw_3x3_s1_same_c24"] = layer_case(L.DepthwiseConv2D(3, padding="same", **init), (1, 7, 6, 24))
    c["dw_3x3_s2_same_c70_relu6"] = layer_case(L.DepthwiseConv2D(3, strides=2, padding="same", activation="relu6", **init), (1, 9, 8, 70))
    c["dw_3x3_s1_valid_c16"] = layer_case(L.DepthwiseConv2D(3, **init), (1, 6, 7, 16))
    c["fc_32_10"] = layer_case(L.Dense(10, **init), (1, 32))
    c["fc_b3_20_7_relu"] = layer_case(L.Dense(7, activation="relu", **init), (3, 20))
    c["avgpool_2x2_s2_valid"] = layer_case(L.AveragePooling2D(2), (1, 8, 10, 3))
    c["avgpool_3x3_s1_same"] = layer_case(L.AveragePooling2D(3, strides=1, padding="same"), (1, 7, 9, 4))
    c["avgpool_3x3_s2_same"] = layer_case(L.AveragePooling2D(3, strides=2, padding="same"), (2, 9, 8, 2))
    c["maxpool_2x2_s2_valid"] = layer_case(L.MaxPooling2D(2), (1, 8, 10, 3))
    c["maxpool_3x3_s2_same"] = layer_case(L.MaxPooling2D(3, strides=2, padding="same"), (1, 9, 7, 5))
    s4 = (1, 6, 7, 5)
    two = [s4, s4]
    c["add_same"] = (lambda a, b: a + b), two, [(-1, 2), (-3, 0.5)]
    c["add_bcast"] = (lambda a, b: a + b), [s4, (1, 1, 1, 5)], [(-1, 1.5), (-0.2, 0.6)]
    c["add_const_relu"] = (lambda a: tf.nn.relu(a + const((1, 1, 7, 5), 1))), [s4], [(-2, 1)]
    c["add_relu6_bcast"] = (lambda a, b: tf.nn.relu6(a + b)), [s4, (5,)], [(-3, 5), (-1, 1)]
    c["sub_const_first"] = (lambda a: const((1, 6, 7, 1), 4) - a), [s4], [(-1, 2)]
    c["sub_same"] = (lambda a, b: a - b), two, [(-1, 2), (-0.5, 0.5)]
    c["sub_bcast_rank"] = (lambda a, b: a - b), [(2, 4, 6), (6,)], [(-1, 3), (-2, 2)]
    c["mul_same"] = (lambda a, b: a * b), two, [(-1, 2), (-3, 0.5)]
    c["mul_bcast"] = (lambda a, b: a * b), [s4, (1, 6, 1, 1)], [(-1, 1), (0, 4)]
    c["mul_const"] = (lambda a: a * const((5,), 2, 0.1, 3.0)), [s4], [(-1, 2)]
    c["maximum"] = (lambda a, b: tf.maximum(a, b)), two, [(-1, 1), (-1, 1)]
    c["minimum_const"] = (lambda a: tf.minimum(a, 0.3)), [s4], [(-1, 1)]
    c["logistic"] = (lambda a: tf.sigmoid(a)), [s4], [(-6, 4)]
    c["logistic_narrow"] = (lambda a: tf.sigmoid(a)), [(3, 40)], [(-0.5, 0.7)]
    c["tanh"] = (lambda a: tf.tanh(a)), [s4], [(-3, 2)]
    c["tanh_wide"] = (lambda a: tf.tanh(a)), [(2, 50)], [(-10, 12)]
    c["hard_swish"] = (lambda a: a * tf.nn.relu6(a + 3.0) / 6.0), [s4], [(-5, 4)]
    c["hard_swish_small"] = (lambda a: a * tf.nn.relu6(a + 3.0) * (1.0 / 6.0)), [(4, 30)], [(-1, 0.8)]
    c["leaky_relu"] = (lambda a: tf.nn.leaky_relu(a, 0.2)), [s4], [(-2, 3)]
    c["leaky_relu_big_alpha"] = (lambda a: tf.nn.leaky_relu(a, 1.7)), [(3, 33)], [(-1, 1)]
    c["relu"] = (lambda a: tf.nn.relu(a)), [s4], [(-2, 3)]
    c["relu6"] = (lambda a: tf.nn.relu6(a)), [s4], [(-4, 9)]
    c["relu_n1_to_1"] = (lambda a: tf.clip_by_value(a, -1.0, 1.0)), [s4], [(-2, 3)]
    c["pad_hw"] = (lambda a: tf.pad(a, [[0, 0], [1, 2], [2, 0], [0, 0]])), [s4], [(-1, 3)]
    c["pad_rank2"] = (lambda a: tf.pad(a, [[1, 1], [0, 3]])), [(3, 7)], [(0.5, 3)]
    c["padv2_value"] = (lambda a: tf.pad(a, [[0, 0], [1, 1], [1, 1], [0, 0]], constant_values=0.7)), [s4], [(-1, 2)]
    c["concat_axis3"] = (lambda a, b: tf.concat([a, b], 3)), [s4, (1, 6, 7, 3)], [(-1, 1), (-1, 1)]
    c["concat_axis1_scales"] = (lambda a, b: tf.concat([a, b], 1)), [s4, (1, 2, 7, 5)], [(-1, 1), (-4, 3)]
    c["concat_const"] = (lambda a: tf.concat([a, const((1, 6, 2, 5), 3)], 2)), [s4], [(-1, 1)]
    c["mean_hw"] = (lambda a: tf.reduce_mean(a, axis=[1, 2])), [s4], [(-1, 2)]
    c["mean_hw_keep"] = (lambda a: tf.reduce_mean(a, axis=[1, 2], keepdims=True)), [(1, 9, 8, 6)], [(-3, 1)]
    c["mean_last"] = (lambda a: tf.reduce_mean(a, axis=-1)), [(2, 5, 40)], [(-1, 3)]
    c["mean_axis0_keep"] = (lambda a: tf.reduce_mean(a, axis=0, keepdims=True)), [(6, 10)], [(-2, 2)]
    c["resize_nn_x2"] = (lambda a: tf.image.resize(a, (12, 14), method="nearest")), [s4], [(-1, 1)]
    c["resize_nn_align"] = (lambda a: tf.compat.v1.image.resize_nearest_neighbor(a, (11, 5), align_corners=True)), [s4], [(-1, 1)]
    c["resize_nn_half_pixel"] = (lambda a: tf.compat.v1.image.resize_nearest_neighbor(a, (9, 10), half_pixel_centers=True)), [s4], [(-1, 1)]
    c["strided_slice"] = (lambda a: a[:, 1:5:2, ::-1, 1:]), [s4], [(-1, 1)]
    c["strided_slice_shrink"] = (lambda a: a[:, 2, -3:, :4]), [s4], [(-1, 1)]
    c["slice"] = (lambda a: tf.slice(a, [0, 1, 2, 0], [1, 4, -1, 3])), [s4], [(-1, 1)]
    c["transpose"] = (lambda a: tf.transpose(a, [0, 3, 1, 2])), [s4], [(-1, 1)]
    c["transpose_3d"] = (lambda a: tf.transpose(a, [2, 0, 1])), [(3, 4, 5)], [(-1, 1)]
    c["depth_to_space_b2"] = (lambda a: tf.nn.depth_to_space(a, 2)), [(1, 3, 4, 12)], [(-1, 1)]
    c["space_to_depth_b2"] = (lambda a: tf.nn.space_to_depth(a, 2)), [(2, 6, 4, 3)], [(-2, 1)]
    c["depth_to_space_b3"] = (lambda a: tf.nn.depth_to_space(a, 3)), [(1, 2, 2, 18)], [(-1, 3)]
    c["pack_axis1"] = (lambda a, b: tf.stack([a, b], axis=1)), [(3, 4, 5), (3, 4, 5)], [(-1, 1), (-1, 1)]
    c["split_3_axis2"] = (lambda a: tf.split(a, 3, axis=2)), [(1, 4, 6, 5)], [(-1, 2)]
    c["split_v_axis1"] = (lambda a: tf.split(a, [2, 3, 2], axis=1)), [(2, 7, 3)], [(-2, 1)]
    c["unpack_axis0"] = (lambda a: tf.unstack(a, axis=0)), [(3, 5, 4)], [(-1, 1)]
    c["exp"] = (lambda a: tf.exp(a)), [s4], [(-3, 1.5)]
    c["gelu"] = (lambda a: tf.nn.gelu(a, approximate=False)), [s4], [(-3, 3)]
    c["gelu_tanh"] = (lambda a: tf.nn.gelu(a, approximate=True)), [(3, 30)], [(-4, 2)]
    c["broadcast_to"] = (lambda a: tf.broadcast_to(a, (2, 4, 6, 5))), [(4, 1, 5)], [(-1, 1)]
    c["reduce_max_hw"] = (lambda a: tf.reduce_max(a, axis=[1, 2])), [s4], [(-1, 2)]
    c["reduce_min_last_keep"] = (lambda a: tf.reduce_min(a, axis=-1, keepdims=True)), [(2, 5, 9)], [(-3, 1)]
    c["prelu"] = layer_case(L.PReLU(alpha_initializer=tf.keras.initializers.RandomUniform(-0.5, 1.5), shared_axes=[1, 2]), s4, (-2, 1.5))
    c["prelu_full"] = layer_case(L.PReLU(alpha_initializer=tf.keras.initializers.RandomUniform(0.05, 0.4)), (1, 3, 4, 6), (-1, 1))
    c["squared_difference"] = (lambda a, b: tf.math.squared_difference(a, b)), two, [(-1, 2), (-2, 1)]
    c["squared_difference_bcast"] = (lambda a, b: tf.math.squared_difference(a, b)), [s4, (1, 1, 7, 1)], [(-1, 1), (0, 3)]
    c["arg_max_last"] = (lambda a: tf.argmax(a, axis=-1)), [s4], [(-1, 1)]
    c["arg_min_axis1_i32"] = (lambda a: tf.argmin(a, axis=1, output_type=tf.int32)), [(2, 9, 4)], [(-1, 2)]
    c["batch_to_space"] = (lambda a: tf.batch_to_space(a, [2, 3], [[0, 0], [0, 0]])), [(12, 2, 3, 4)], [(-1, 1)]
    c["space_to_batch"] = (lambda a: tf.space_to_batch(a, [2, 2], [[0, 0], [0, 0]])), [(2, 4, 6, 3)], [(-1, 2)]
    c["mirror_pad_reflect"] = (lambda a: tf.pad(a, [[0, 0], [2, 1], [1, 3], [0, 0]], mode="REFLECT")), [s4], [(-1, 1)]
    c["mirror_pad_symmetric"] = (lambda a: tf.pad(a, [[1, 0], [0, 2]], mode="SYMMETRIC")), [(3, 5)], [(-2, 1)]
    c["gather_axis1"] = (lambda a: tf.gather(a, [4, 0, 0, 2, 5], axis=1)), [(2, 6, 3)], [(-1, 1)]
    c["gather_axis0_2d_idx"] = (lambda a: tf.gather(a, [[1, 3], [0, 2]], axis=0)), [(4, 7)], [(-2, 1)]
    c.update(cpu_op_cases_more.cases(tf, const))
    c.update(cpu_op_cases_ops3.cases(tf, const))
    return c


def op_names(model_bytes):
    model = som.fbu.convert_bytearray_to_object(bytearray(model_bytes))
    return [som.fbu.opcode_to_name(model, op.opcodeIndex) for op in model.subgraphs[0].operators]


def patched_variants(models):
    """Models the converter does not emit from a plain graph, made by patching a converted one:
    QUANTIZE int8 -> int8 (a RELU model's operator code and output quantization rewritten) and
    MEAN with equal input and output quantization, SQUEEZE (the converter folds it into RESHAPE:
    a RELU model's operator code, options and output shape rewritten), and DEPTH_TO_SPACE at
    operator version 1: LiteRT's BUILTIN_REF resolver registers only version 1, whose reference
    kernel is the same template that serves int8 (TFLite Micro registers it for int8)."""
    from tensorflow.lite.python import schema_py_generated as schema
    out = {}
    m = som.SingleOpModel(models["relu"])
    code = m.model.operatorCodes[m.op.opcodeIndex]
    code.builtinCode = code.deprecatedBuiltinCode = 43  # BuiltinOperator SQUEEZE
    code.version = 1  # the version BUILTIN_REF registers; SQUEEZE copies bytes of any type
    m.op.builtinOptionsType = schema.BuiltinOptions.SqueezeOptions
    m.op.builtinOptions = schema.SqueezeOptionsT()
    m.op.builtinOptions.squeezeDims = [0]
    q = m.tensor(("in", 0)).quantization
    m.tensor(("out", 0)).shape = np.asarray(m.shape(("in", 0))[1:], np.int32)
    m.set_quant(("out", 0), [float(q.scale[0])], [int(q.zeroPoint[0])])
    out["squeeze"] = m.to_bytes()
    for name in ("depth_to_space_b2", "depth_to_space_b3"):
        m = som.SingleOpModel(models[name])
        m.model.operatorCodes[m.op.opcodeIndex].version = 1
        out[name] = m.to_bytes()
    for tag, ratio, dz in (("down", 2.9, -50), ("up", 0.37, 20), ("same_scale", 1.0, 7)):
        m = som.SingleOpModel(models["relu"])
        code = m.model.operatorCodes[m.op.opcodeIndex]
        code.builtinCode = code.deprecatedBuiltinCode = 114  # BuiltinOperator QUANTIZE
        q = m.tensor(("in", 0)).quantization
        m.set_quant(("out", 0), [float(q.scale[0]) * ratio], [int(q.zeroPoint[0]) + dz])
        out["quantize_" + tag] = m.to_bytes()
    m = som.SingleOpModel(models["mean_last"])
    q = m.tensor(("in", 0)).quantization
    m.set_quant(("out", 0), [float(q.scale[0])], [int(q.zeroPoint[0])])
    out["mean_last_equal_quant"] = m.to_bytes()
    out.update(cpu_op_cases_more.patched_variants(models, som, schema, np))
    out.update(cpu_op_cases_ops3.patched_variants(models, som))
    return out


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "cpu_op_models")
    os.makedirs(out_dir, exist_ok=True)
    manifest, t0, failed = {}, time.time(), 0
    models = {}
    for i, (name, (fn, shapes, ranges)) in enumerate(cases().items()):
        try:
            models[name] = convert(fn, shapes, ranges, seed=100 + i)
        except Exception as e:  # one bad case must not hide the others
            print("make_cpu_op_models: %s: conversion failed: %s" % (name, str(e).splitlines()[0][:200]))
            failed += 1
    models.update(patched_variants(models))
    for name, data in models.items():
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        manifest[name] = op_names(data)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print("make_cpu_op_models: %d models in %s (%.0f s)%s" % (len(manifest), out_dir, time.time() - t0,
                                                              ", %d failed" % failed if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
