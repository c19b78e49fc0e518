#!/usr/bin/env python3
"""Build small test models with the TensorFlow converter for the reader tests.

Usage: make_test_models.py OUTDIR
Writes int8 full-integer-quantized models covering CONV_2D, DEPTHWISE_CONV_2D,
FULLY_CONNECTED, MAX/AVERAGE_POOL_2D, ADD, SUB, MUL, SOFTMAX, RESHAPE,
CONCATENATION, MEAN, PAD, STRIDED_SLICE, LEAKY_RELU, RESIZE_NEAREST_NEIGHBOR,
TRANSPOSE, one model in the large-model buffer form (Buffer.offset/size)
and one float32 model. Weights are random with a fixed seed.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

L = tf.keras.layers


def conv_net():
    x = inp = L.Input((28, 28, 1), batch_size=1)
    x = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = L.DepthwiseConv2D(3, strides=2, padding="valid", activation="relu6")(x)
    x = L.MaxPooling2D(2)(x)
    x = L.Conv2D(16, 1)(x)
    x = L.AveragePooling2D(2, strides=1, padding="same")(x)
    x = L.Flatten()(x)
    x = L.Dense(10)(x)
    x = L.Softmax()(x)
    return tf.keras.Model(inp, x)


def add_concat_net():
    x = inp = L.Input((16, 16, 3), batch_size=1)
    a = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    b = L.Conv2D(8, 1, padding="same")(x)
    s = L.Add()([a, b])
    c = L.Concatenate(axis=-1)([s, a])
    c = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2)(c)
    r = L.Reshape((16 * 16, 32))(c)
    g = L.GlobalAveragePooling1D()(r)
    y = L.Dense(4, activation="relu")(g)
    return tf.keras.Model(inp, y)


class MiscLayer(L.Layer):
    """Ops without a dedicated Keras layer: pad, strided slice, transpose, resize."""

    def call(self, x):
        x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
        x = x[:, 1:9, 1:9, :]
        x = tf.image.resize(x, (16, 16), method="nearest")
        x = tf.transpose(x, [0, 2, 1, 3])
        return tf.nn.leaky_relu(x, alpha=0.1)


class MeanLayer(L.Layer):
    def call(self, x):
        return tf.reduce_mean(x, axis=[1, 2], keepdims=True)


def misc_net():
    x = inp = L.Input((8, 8, 4), batch_size=1)
    x = L.Conv2D(4, 3, padding="same")(x)
    m = MiscLayer()(x)
    y = L.Subtract()([m, L.Conv2D(4, 1)(m)])
    y = L.Multiply()([y, m])
    y = MeanLayer()(y)
    y = L.Reshape((4,))(y)
    return tf.keras.Model(inp, y)


def quantize(model, shape, seed, buffer_offsets=False):
    rng = np.random.default_rng(seed)

    def rep():
        for _ in range(16):
            yield [rng.uniform(-1, 1, (1,) + shape).astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    # Large-model form: constant data after the flatbuffer, Buffer.offset/size.
    conv._experimental_use_buffer_offset = buffer_offsets
    return conv.convert()


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    tf.keras.utils.set_random_seed(1)
    nets = [("conv_int8", conv_net, (28, 28, 1)), ("add_concat_int8", add_concat_net, (16, 16, 3)),
            ("misc_int8", misc_net, (8, 8, 4))]
    for name, build, shape in nets:
        data = quantize(build(), shape, seed=len(name))
        open(os.path.join(out, name + ".tflite"), "wb").write(data)
        print("wrote", name, len(data), "bytes")
    data = quantize(conv_net(), (28, 28, 1), seed=3, buffer_offsets=True)
    open(os.path.join(out, "conv_int8_offsets.tflite"), "wb").write(data)
    print("wrote conv_int8_offsets", len(data), "bytes")
    float_model = tf.lite.TFLiteConverter.from_keras_model(conv_net()).convert()
    open(os.path.join(out, "conv_float.tflite"), "wb").write(float_model)
    print("wrote conv_float", len(float_model), "bytes")


if __name__ == "__main__":
    main()
