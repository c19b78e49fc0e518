#!/usr/bin/env python3
"""Generate the op models of the int16 paths of BATCH_MATMUL (int16 x int16, constant or run-time
right operand, adj_x/adj_y, broadcast batch), TRANSPOSE_CONV 16x8 (int16 activations, int8
per-channel weights, optional int64 bias), CAST with an int16 side and PRELU on int16.
BATCH_MATMUL, TRANSPOSE_CONV and CAST come from the TensorFlow converter in mode
EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8. The converter has no 16x8 PRELU, so
the PRELU models are int8 conversions whose input and output are rewritten to int16 (scale / 256,
the int8 alpha kept: the int16 PRELU of TFLite Micro's prelu.cc and LiteRT BUILTIN_REF takes an
int8 alpha; with an int16 alpha LiteRT reads it as int8 bytes and gives values unrelated to PRELU,
so Mica refuses that). Writes DIR/<name>.tflite and DIR/manifest.json like the other generators
(tests/kernels/run_int16b.sh DIR runs them).
Usage: python3 tests/kernels/make_int16c_op_models.py [DIR]   (default build/int16c_op_models)
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_int16_op_models as i16  # noqa: E402 (convert16, layer16; sets TF logging quiet)
import make_int16b_op_models as i16b  # noqa: E402 (write_set)

tf = i16.tf
L = tf.keras.layers
BIAS = dict(bias_initializer=tf.keras.initializers.RandomUniform(-0.3, 0.3))


def bmm_cases():
    c16, k = i16.convert16, i16.const
    return {
        "bmm16": c16(lambda a, b: tf.matmul(a, b), [(2, 3, 6), (2, 6, 5)], 401),
        "bmm16_adj_xy": c16(lambda a, b: tf.matmul(a, b, transpose_a=True, transpose_b=True),
                            [(2, 7, 3), (2, 4, 7)], 402),
        "bmm16_bcast": c16(lambda a, b: tf.matmul(a, b), [(2, 1, 3, 6), (3, 6, 5)], 403, -2.0, 1.0),
        # a constant right operand with a batch stays BATCH_MATMUL (int16 constant; without a
        # batch the converter makes it FULLY_CONNECTED)
        "bmm16_const_rhs": c16(lambda a: tf.matmul(a, k(seed=4, shape=(2, 6, 5), lo=-1, hi=1)),
                               [(2, 3, 6)], 404),
        "bmm16_const_lhs": c16(lambda b: tf.matmul(k(seed=5, shape=(2, 4, 6), lo=-2, hi=1), b),
                               [(2, 6, 3)], 405),
        "bmm16_deep": c16(lambda a, b: tf.matmul(a, b), [(1, 2, 300), (1, 300, 3)], 406),
    }


def tconv_cases():
    l16 = i16.layer16
    return {
        "tconv16_s2_same": l16(L.Conv2DTranspose(4, 3, strides=2, padding="same", **BIAS),
                               (1, 4, 5, 3), 410),
        "tconv16_s1_valid_nobias": l16(L.Conv2DTranspose(3, 3, padding="valid", use_bias=False),
                                       (1, 5, 4, 2), 411),
        "tconv16_s2x1_k3x2_b2": l16(L.Conv2DTranspose(5, (3, 2), strides=(2, 1), padding="same",
                                                      **BIAS), (2, 3, 4, 3), 412),
        "tconv16_s3_relu": l16(L.Conv2DTranspose(2, 4, strides=3, padding="valid",
                                                 activation="relu", **BIAS), (1, 3, 3, 4), 413,
                               -2.0, 2.0),
    }


def cast16(src, dst, shape):
    """One CAST from the converter: a tf.cast between integer / float types has no quantization."""
    conc = tf.function(lambda a: tf.cast(a, dst), input_signature=[
        tf.TensorSpec(shape, src)]).get_concrete_function()
    conv = tf.lite.TFLiteConverter.from_concrete_functions([conc])
    conv.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    with i16.som.silenced_fds():
        return bytes(conv.convert())


def cast_cases():
    pairs = ((tf.int16, tf.int8), (tf.int8, tf.int16), (tf.int16, tf.int32),
             (tf.int32, tf.int16), (tf.int16, tf.float32), (tf.float32, tf.int16))
    return {"cast16_%s_%s" % (a.name, b.name): cast16(a, b, (3, 2, 7)) for a, b in pairs}


def prelu8(layer, shape, seed):
    """A PReLU layer converted to int8 (the converter has no 16x8 PRELU)."""
    layer.build(shape)
    conc = tf.function(lambda x: layer(x), input_signature=[
        tf.TensorSpec(shape, tf.float32)]).get_concrete_function()
    conv = tf.lite.TFLiteConverter.from_concrete_functions([conc])
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(seed)
    conv.representative_dataset = lambda: (
        [rng.uniform(-1.5, 1.0, shape).astype(np.float32)] for _ in range(8))
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = conv.inference_output_type = tf.int8
    with i16.som.silenced_fds():
        return bytes(conv.convert())


def prelu16(int8_model, zero_points=(0, 0)):
    """The int8 PRELU model with its input and output made int16: scale / 256, the given zero
    points; alpha stays the converter's int8 constant."""
    m = i16.som.SingleOpModel(int8_model)
    for k, role in enumerate((("in", 0), ("out", 0))):
        t = m.tensor(role)
        t.type = i16.T.INT16
        m.set_quant(role, [float(t.quantization.scale[0]) / 256], [zero_points[k]])
    return m.to_bytes()


def prelu_cases():
    alpha = dict(alpha_initializer=tf.keras.initializers.RandomUniform(-0.6, 0.6))
    per_elem = prelu8(L.PReLU(**alpha), (1, 4, 5, 3), 420)
    shared = prelu8(L.PReLU(shared_axes=[1, 2], **alpha), (2, 3, 4, 6), 421)
    return {"prelu16": prelu16(per_elem), "prelu16_shared_axes": prelu16(shared),
            "prelu16_zero_points": prelu16(per_elem, (-300, 1200))}


def main():
    return i16b.write_set("make_int16c_op_models", "int16c_op_models",
                          (bmm_cases, tconv_cases, cast_cases, prelu_cases))


if __name__ == "__main__":
    sys.exit(main())
