#!/usr/bin/env python3
"""Generate the int32-in-the-graph test models with the TensorFlow converter, int8 with a
representative dataset (int8 inputs and outputs):
  while_counter.tflite  tf.while_loop with an int32 counter (int32 ADD and LESS in the WHILE's
                        condition and body subgraphs): a dense layer repeated REPEAT times
  gather_argmax.tflite  ARG_MAX of a dense layer, int32 index arithmetic (ADD, MINIMUM, MAXIMUM,
                        SUB, MUL, a comparison and SELECT_V2), then GATHER from a constant table
                        with those run-time indices
  gather_oob.tflite     GATHER whose run-time index argmax + 3 leaves the table for some inputs:
                        LiteRT fails the invoke there, Mica must fail the step with one line
Writes DIR/<name>.tflite (default DIR = build/int32_models).
Usage: python3 tests/subgraph/make_int32_models.py [DIR]
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_subgraph_models import convert, weights  # noqa: E402,F401 (make_embedding_models imports them here)

N = 8
ROWS = 6
REPEAT = 3


class WhileCounterModel(tf.Module):
    """v <- tanh(v W + 0.1) REPEAT times, the loop counted by an int32."""

    def __init__(self):
        super().__init__()
        self.w = weights(11, (N, N), 0.6)

    @tf.function(input_signature=[tf.TensorSpec([1, N], tf.float32)])
    def __call__(self, x):
        def cond(i, v):
            return tf.less(i, REPEAT)

        def body(i, v):
            return i + 1, tf.tanh(tf.matmul(v, self.w) + 0.1)

        return tf.while_loop(cond, body, (tf.constant(0), x))[1]


class GatherArgmaxModel(tf.Module):
    """Row argmax(x W) of a table, and a neighbour row picked by int32 arithmetic."""

    def __init__(self):
        super().__init__()
        self.w = weights(12, (N, ROWS), 0.8)
        self.table = weights(13, (ROWS, N), 1.0)

    @tf.function(input_signature=[tf.TensorSpec([2, N], tf.float32)])
    def __call__(self, x):
        k = tf.argmax(tf.matmul(x, self.w), axis=1, output_type=tf.int32)  # [2]
        up = tf.minimum(k + 1, ROWS - 1)
        down = tf.maximum(k - 1, 0)
        twice = tf.minimum(k * 2, ROWS - 1)
        near = tf.where(k >= ROWS // 2, down, up)
        pick = tf.where(tf.equal(k, twice), near, twice - (k - k))
        return tf.gather(self.table, k) * 0.5 + tf.gather(self.table, pick) * 0.25 + 0.1


class GatherOutOfRangeModel(GatherArgmaxModel):
    @tf.function(input_signature=[tf.TensorSpec([2, N], tf.float32)])
    def __call__(self, x):
        k = tf.argmax(tf.matmul(x, self.w), axis=1, output_type=tf.int32)
        return tf.gather(self.table, k + 3) * 0.5


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "int32_models")
    os.makedirs(out, exist_ok=True)
    oob = GatherOutOfRangeModel()
    w0 = oob.w.numpy()[:, 0]
    for name, module, seed, shape, near in (("while_counter", WhileCounterModel(), 21, (1, N), None),
                                      ("gather_argmax", GatherArgmaxModel(), 22, (2, N), None),
                                      ("gather_oob", oob, 23, (2, N), w0 / np.abs(w0).max())):
        path = os.path.join(out, name + ".tflite")
        with open(path + ".tmp", "wb") as f:
            f.write(convert(module, seed, shape, near))
        os.replace(path + ".tmp", path)
        print(path)


if __name__ == "__main__":
    main()
