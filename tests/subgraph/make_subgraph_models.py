#!/usr/bin/env python3
"""Generate the subgraph test models with the TensorFlow converter, int8 with a representative
dataset (int8 inputs and outputs):
  state_var.tflite  a tf.Module with a tf.Variable state (what a streaming Keras model keeps):
                    CALL_ONCE(init: VAR_HANDLE + ASSIGN_VARIABLE of a constant), then VAR_HANDLE,
                    READ_VARIABLE, compute, ASSIGN_VARIABLE in the main graph
  state_wide.tflite the same over 2048 elements (verify's chunks: the state resets between them)
  cond.tflite       tf.cond on a dense layer's maximum: IF with a then and an else subgraph
  while.tflite      tf.while_loop: WHILE with a condition and a body subgraph
Writes DIR/<name>.tflite (default DIR = build/subgraph_models).
Usage: python3 tests/subgraph/make_subgraph_models.py [DIR]
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

N = 8
WIDE = 2048


def weights(seed, shape, scale=0.4):
    return tf.constant(np.random.default_rng(seed).uniform(-scale, scale, shape).astype(np.float32))


class StateModel(tf.Module):
    """y = tanh(x W + 0.5 s); s <- y: the state persists across invokes."""

    def __init__(self):
        super().__init__()
        self.w = weights(1, (N, N))
        self.state = tf.Variable(tf.fill([1, N], 0.25), trainable=False)

    @tf.function(input_signature=[tf.TensorSpec([1, N], tf.float32)])
    def __call__(self, x):
        y = tf.tanh(tf.matmul(x, self.w) + 0.5 * self.state)
        self.state.assign(y)
        return y


class WideStateModel(tf.Module):
    """y = tanh(x + 0.5 s); s <- y over WIDE elements: 4 KiB of I/O per sample, so `mica verify
    --count 4500` spans two of its chunks (each a new LiteRT interpreter: the state must reset)."""

    def __init__(self):
        super().__init__()
        self.state = tf.Variable(tf.fill([1, WIDE], -0.5), trainable=False)

    @tf.function(input_signature=[tf.TensorSpec([1, WIDE], tf.float32)])
    def __call__(self, x):
        y = tf.tanh(x + 0.5 * self.state)
        self.state.assign(y)
        return y


class CondModel(tf.Module):
    """A dense layer (main graph, accelerator), then tf.cond on its maximum; the branches
    are elementwise (the converter passes captured weights into IF's subgraphs as inputs)."""

    def __init__(self):
        super().__init__()
        self.w = weights(2, (N, N))

    @tf.function(input_signature=[tf.TensorSpec([1, N], tf.float32)])
    def __call__(self, x):
        h = tf.matmul(x, self.w)
        return tf.cond(tf.reduce_max(h) > 0.3,
                       lambda: tf.nn.relu(h + h * 0.5),
                       lambda: tf.tanh(h) * 0.75 - 0.1)


class WhileModel(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = weights(4, (N, N))

    @tf.function(input_signature=[tf.TensorSpec([1, N], tf.float32)])
    def __call__(self, x):
        def cond(v):
            return tf.reduce_max(v) < 2.0

        def body(v):
            return (tf.nn.relu(tf.matmul(v, self.w)) + v * 1.25 + 0.1,)

        return tf.while_loop(cond, body, (x,), maximum_iterations=None)[0]


def convert(module, seed, shape, near=None, sample=None):
    """int8 conversion calibrated on 200 uniform inputs of SHAPE (near: inputs close to that
    vector instead, for models whose indices must stay inside a table while calibrating; sample:
    a function of the generator giving one input, for non-float inputs, which stay as they are)."""
    rng = np.random.default_rng(seed)

    def rep():
        for _ in range(200):
            if sample is not None:
                yield [sample(rng)]
                continue
            x = rng.uniform(-1, 1, shape)
            yield [(x if near is None else near + 0.05 * x).astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_concrete_functions(
        [module.__call__.get_concrete_function()], module)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if sample is None:
        conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    return conv.convert()


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "subgraph_models")
    os.makedirs(out, exist_ok=True)
    for name, module, seed, width in (("state_var", StateModel(), 5, N),
                                      ("state_wide", WideStateModel(), 8, WIDE),
                                      ("cond", CondModel(), 6, N), ("while", WhileModel(), 7, N)):
        path = os.path.join(out, name + ".tflite")
        with open(path + ".tmp", "wb") as f:
            f.write(convert(module, seed, (1, width)))
        os.replace(path + ".tmp", path)
        print(path)


if __name__ == "__main__":
    main()
