#!/usr/bin/env python3
"""Models as TFLiteConverter writes them with default settings (int8 inside, float32 at the edges):
QUANTIZE float32 -> int8 after each input, DEQUANTIZE int8 -> float32 before each output, and
Keras Flatten as SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE. Mica must run them bit-exact (compiler
pass 0 folds the shape arithmetic; the edges run on the CPU kernels quantize_float / dequantize).
Also metadata TFLite Micro accepts and LiteRT refuses: a quantized_dimension beyond the rank of a
tensor with one scale (run from the repository root: it edits models/digits.tflite).
  make_edge_models.py OUT_DIR"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402


def convert(model, shapes, seed):
    def rep():
        r = np.random.default_rng(seed)
        for _ in range(30):
            yield [r.standard_normal((1,) + s).astype(np.float32) for s in shapes]
    c = tf.lite.TFLiteConverter.from_keras_model(model)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.representative_dataset = rep
    c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    return c.convert()  # inference_input/output_type left at float32: the default


def conv_flatten_dense():
    tf.random.set_seed(1)
    x = tf.keras.Input((8, 8, 1))
    y = tf.keras.layers.Conv2D(4, 3, activation="relu")(x)
    y = tf.keras.layers.Flatten()(y)
    return convert(tf.keras.Model(x, tf.keras.layers.Dense(5)(y)), [(8, 8, 1)], 1)


def dw_pool_dense():
    tf.random.set_seed(2)
    x = tf.keras.Input((10, 6, 3))
    y = tf.keras.layers.DepthwiseConv2D(3, padding="same", activation="relu6")(x)
    y = tf.keras.layers.AveragePooling2D(2)(y)
    y = tf.keras.layers.Flatten()(y)
    y = tf.keras.layers.Dense(7, activation="softmax")(y)
    return convert(tf.keras.Model(x, y), [(10, 6, 3)], 2)


def two_inputs_add():
    tf.random.set_seed(3)
    a, b = tf.keras.Input((6, 6, 4)), tf.keras.Input((6, 6, 4))
    y = tf.keras.layers.Add()([tf.keras.layers.Conv2D(4, 1)(a), b])
    return convert(tf.keras.Model([a, b], tf.keras.layers.Flatten()(y)), [(6, 6, 4)] * 2, 3)


def quant_dim_beyond_rank(path="models/digits.tflite"):
    """digits with quantized_dimension 7 on every single-scale tensor: TFLite Micro runs it,
    LiteRT's Python interpreter refuses it (mica verify's oracle normalizes it, and says so)."""
    import flatbuffers
    from tensorflow.lite.python import schema_py_generated as schema
    with open(path, "rb") as f:
        model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(f.read(), 0))
    for t in model.subgraphs[0].tensors:
        if t.quantization is not None and t.quantization.scale is not None and len(t.quantization.scale) == 1:
            t.quantization.quantizedDimension = 7
    builder = flatbuffers.Builder(1 << 16)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, make in [("edge_conv_flatten_dense", conv_flatten_dense),
                       ("edge_dw_pool_softmax", dw_pool_dense), ("edge_two_inputs_add", two_inputs_add),
                       ("edge_quant_dim_beyond_rank", quant_dim_beyond_rank)]:
        with open(os.path.join(sys.argv[1], name + ".tflite"), "wb") as f:
            f.write(make())


main()
