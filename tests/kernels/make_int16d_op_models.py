#!/usr/bin/env python3
"""Generate the op models of the two int16 paths TFLite Micro has and LiteRT gives no oracle for
(check_int16_no_oracle.py measures LiteRT's lack): SUM (reduce.cc's QuantizedMeanOrSum with
compute_sum) and SQUARED_DIFFERENCE (squared_difference.cc's int16 path, with broadcasting), both
from the TensorFlow converter in mode EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
(int16 in and out), and SUMs derived from them with other output scales (the converter keeps the
input's). Their oracle is TFLite Micro's interpreter (check_tflm_oracle.py, run_tflm_oracle.sh).
Writes DIR/<name>.tflite, DIR/manifest.json and DIR/refused/ (int16 models Mica refuses in one
line) like make_int16b_op_models.py.
Usage: python3 tests/kernels/make_int16d_op_models.py [DIR]   (default build/int16d_op_models)
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_int16_op_models as i16  # noqa: E402 (convert16; sets TF logging quiet)
import make_int16b_op_models as i16b  # noqa: E402 (write_set)

tf, som = i16.tf, i16.som


def sum_cases():
    c16 = i16.convert16
    # The converter gives an int16 SUM's output the input's scale: the sum itself, saturated on
    # many of the check's full-range inputs; rescaled_sum_cases() changes the ratio.
    return {
        "sum16_axes02": c16(lambda x: tf.reduce_sum(x, axis=[0, 2]), [(3, 4, 5)], 350, -1.0,
                            -0.6),
        "sum16_last_keepdims": c16(lambda x: tf.reduce_sum(x, axis=[-1], keepdims=True),
                                   [(2, 3, 16)], 351, 0.3, 0.5),
        "sum16_all_keepdims": c16(lambda x: tf.reduce_sum(x, axis=[0, 1], keepdims=True),
                                  [(6, 7)], 353, 0.5, 1.0),
        "sum16_hw": c16(lambda x: tf.reduce_sum(x, axis=[1, 2]), [(2, 5, 4, 3)], 352, -2.0, 1.0),
        "sum16_axis1_sat": c16(lambda x: tf.reduce_sum(x, axis=[1]), [(4, 30)], 354, 0.0, 0.2),
    }


def rescaled_sum_cases():
    """Converted SUMs with the output scale multiplied by 13.7 (a ratio below 1: the sum shrinks,
    rounding on every output) and by 0.37 (above 1: QuantizeMultiplier's left shift)."""
    def scale_out(factor):
        def edit(sub, op):
            q = sub.tensors[op.outputs[0]].quantization
            q.scale = np.asarray(q.scale, np.float32) * np.float32(factor)
        return edit
    base = sum_cases()
    return {"sum16_axes02_x13_7": edited(base["sum16_axes02"], scale_out(13.7)),
            "sum16_hw_x0_37": edited(base["sum16_hw"], scale_out(0.37))}


def squared_difference_cases():
    c16, k = i16.convert16, i16.const
    sqd = tf.math.squared_difference
    return {
        "sqdiff16": c16(lambda a, b: sqd(a, b), [(2, 3, 5), (2, 3, 5)], 360),
        "sqdiff16_bcast": c16(lambda a, b: sqd(a, b), [(2, 1, 4, 3), (1, 5, 1, 3)], 361, -2.0, 2.0),
        "sqdiff16_scales": c16(lambda a, b: sqd(a * 4.0, b), [(3, 8), (3, 8)], 362, -0.5, 0.5),
        "sqdiff16_const": c16(lambda a: sqd(a, k(seed=5, shape=(6,), lo=-1, hi=1)), [(2, 4, 6)],
                              363),
    }


def edited(data, fn):
    """A converted model with fn(subgraph, its first operator) applied."""
    m = som.fbu.convert_bytearray_to_object(bytearray(data))
    fn(m.subgraphs[0], m.subgraphs[0].operators[0])
    return bytes(som.fbu.convert_object_to_bytearray(m))


def refused_cases():
    """int16 SUM / SQUARED_DIFFERENCE Mica refuses in one line: an input zero point (TFLite
    Micro's int16 SQUARED_DIFFERENCE requires 0 too), an output scale that makes the output
    multiplier 1 or more (TFLite Micro's left shift of the squared difference would overflow
    int32), and a SUM over more than 65535 elements (the int32 sum could overflow)."""
    sqd = i16.convert16(lambda a, b: tf.math.squared_difference(a, b), [(2, 5), (2, 5)], 370)

    def input_zp(sub, op):
        sub.tensors[op.inputs[0]].quantization.zeroPoint = np.asarray([3], np.int64)

    def tiny_out_scale(sub, op):
        sub.tensors[op.outputs[0]].quantization.scale = np.asarray([1e-9], np.float32)
    return {"sqdiff16_input_zp": edited(sqd, input_zp),
            "sqdiff16_out_mult": edited(sqd, tiny_out_scale),
            "sum16_70000": i16.convert16(lambda x: tf.reduce_sum(x, axis=[1]), [(1, 70000)], 371)}


def main():
    return i16b.write_set("make_int16d_op_models", "int16d_op_models",
                          (sum_cases, rescaled_sum_cases, squared_difference_cases),
                          refused_cases)


if __name__ == "__main__":
    sys.exit(main())
