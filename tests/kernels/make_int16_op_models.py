#!/usr/bin/env python3
"""Generate the int16-path op models: QUANTIZE / DEQUANTIZE with an int16 side, SVDF (int8 with
int16 weights_time and an int16 variable state, fed by an int16 model input through QUANTIZE like
a real keyword-spotting model) and the 16x8 operators (16-bit activations, 8-bit weights).

QUANTIZE/DEQUANTIZE and SVDF models are written directly as flatbuffers (the converter emits
neither from a plain graph); the 16x8 operators come from the TensorFlow converter in mode
EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8. Writes DIR/<name>.tflite (default
DIR = build/int16_op_models) and DIR/manifest.json (model -> operators), like
make_cpu_op_models.py, so tests/kernels/run.sh verifies them the same way.
Usage: python3 tests/kernels/make_int16_op_models.py [DIR]
"""
import glob
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
import numpy as np  # noqa: E402

import single_op_models as som  # noqa: E402 (sets TF logging quiet)
import absl.logging  # noqa: E402

absl.logging.set_verbosity(absl.logging.ERROR)  # converter deprecation chatter
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402

tf = som.tf
NP_TYPE = {schema.TensorType.INT8: np.int8, schema.TensorType.INT16: np.int16,
           schema.TensorType.INT32: np.int32, schema.TensorType.FLOAT32: np.float32}


class Graph:
    """A one-subgraph model built tensor by tensor through the flatbuffer object API."""

    def __init__(self):
        self.model = schema.ModelT()
        self.model.version = 3
        self.model.buffers = [schema.BufferT()]  # buffer 0: the empty one
        self.model.operatorCodes = []
        self.sub = schema.SubGraphT()
        self.sub.tensors, self.sub.operators = [], []

    def tensor(self, name, shape, ttype, scale=None, zp=0, data=None, variable=False):
        t = schema.TensorT()
        t.name, t.shape, t.type, t.isVariable = name, list(shape), ttype, variable
        if scale is not None:
            t.quantization = schema.QuantizationParametersT()
            t.quantization.scale = [float(scale)]
            t.quantization.zeroPoint = [int(zp)]
        t.buffer = 0
        if data is not None:
            buf = schema.BufferT()
            buf.data = np.frombuffer(np.asarray(data, NP_TYPE[ttype]).tobytes(), np.uint8)
            self.model.buffers.append(buf)
            t.buffer = len(self.model.buffers) - 1
        self.sub.tensors.append(t)
        return len(self.sub.tensors) - 1

    def op(self, builtin, inputs, outputs, options_type=0, options=None, version=1):
        codes = [(c.builtinCode, c.version) for c in self.model.operatorCodes]
        if (builtin, version) not in codes:
            code = schema.OperatorCodeT()
            code.builtinCode, code.version = builtin, version
            code.deprecatedBuiltinCode = min(builtin, 127)
            self.model.operatorCodes.append(code)
            codes.append((builtin, version))
        o = schema.OperatorT()
        o.opcodeIndex = codes.index((builtin, version))
        o.inputs, o.outputs = list(inputs), list(outputs)
        o.builtinOptionsType, o.builtinOptions = options_type, options
        self.sub.operators.append(o)

    def finish(self, inputs, outputs):
        self.sub.inputs, self.sub.outputs = list(inputs), list(outputs)
        self.model.subgraphs = [self.sub]
        import flatbuffers
        b = flatbuffers.Builder(1 << 16)
        b.Finish(self.model.Pack(b), file_identifier=b"TFL3")
        return bytes(b.Output())


T = schema.TensorType
OP = schema.BuiltinOperator


def quantize_model(in_type, in_scale, in_zp, out_type, out_scale, out_zp, shape=(1, 37)):
    """One QUANTIZE (or DEQUANTIZE, when the output is float32) between the given types."""
    g = Graph()
    q = lambda t, s: None if t == T.FLOAT32 else s  # noqa: E731 (float tensors carry no quant)
    x = g.tensor("x", shape, in_type, q(in_type, in_scale), in_zp)
    y = g.tensor("y", shape, out_type, q(out_type, out_scale), out_zp)
    g.op(OP.DEQUANTIZE if out_type == T.FLOAT32 else OP.QUANTIZE, [x], [y])
    return g.finish([x], [y])


def quantize_cases():
    return {
        "q16_to_8": quantize_model(T.INT16, 1.0 / 4096, 0, T.INT8, 0.05, -7),
        "q16_to_8_up": quantize_model(T.INT16, 0.01, 0, T.INT8, 0.003, 11),
        "q8_to_16": quantize_model(T.INT8, 0.02, 5, T.INT16, 1.0 / 8192, 0),
        "q16_to_16": quantize_model(T.INT16, 0.0007, 0, T.INT16, 0.0011, 0),
        "qf_to_16": quantize_model(T.FLOAT32, 0, 0, T.INT16, 0.00031, 0),
        "dq16_to_f": quantize_model(T.INT16, 0.00023, 0, T.FLOAT32, 0, 0),
    }


def svdf_model(seed, batch, n_input, n_filter, rank, memory, bias=True, float_input=False,
               s_out=0.25):
    """int16 (or float32) model input -> QUANTIZE -> int8 -> SVDF (int16 state) -> int8 output."""
    rng = np.random.default_rng(seed)
    n_unit = n_filter // rank
    g = Graph()
    s_in, s_wf, s_wt, s_state = 0.02, 0.006, 0.00004, 0.0009
    if float_input:
        x = g.tensor("audio", (batch, n_input), T.FLOAT32)
    else:
        x = g.tensor("audio", (batch, n_input), T.INT16, 1.0 / 16384, 0)
    xq = g.tensor("features", (batch, n_input), T.INT8, s_in, 3)
    g.op(OP.QUANTIZE, [x], [xq])
    wf = g.tensor("weights_feature", (n_filter, n_input), T.INT8, s_wf, 0,
                  rng.integers(-127, 128, (n_filter, n_input)))
    wt = g.tensor("weights_time", (n_filter, memory), T.INT16, s_wt, 0,
                  rng.integers(-32767, 32768, (n_filter, memory)))
    b = g.tensor("bias", (n_unit,), T.INT32, s_state * s_wt, 0,
                 rng.integers(-20000, 20000, n_unit)) if bias else -1
    st = g.tensor("activation_state", (batch, memory * n_filter), T.INT16, s_state, 0,
                  variable=True)
    y = g.tensor("out", (batch, n_unit), T.INT8, s_out, -4)
    opts = schema.SVDFOptionsT()
    opts.rank = rank
    opts.fusedActivationFunction = schema.ActivationFunctionType.RELU  # what LiteRT requires
    g.op(OP.SVDF, [xq, wf, wt, b, st], [y], schema.BuiltinOptions.SVDFOptions, opts, version=3)
    return g.finish([x], [y])


def svdf_layer(g, rng, x, n_input, n_filter, rank, memory, s_in, s_out, tag):
    """An SVDF (int16 state) reading int8 tensor x [1, n_input]; returns its int8 output."""
    s_wf, s_wt, s_state = 0.006, 0.00004, 0.0009
    wf = g.tensor(tag + "/weights_feature", (n_filter, n_input), T.INT8, s_wf, 0,
                  rng.integers(-127, 128, (n_filter, n_input)))
    wt = g.tensor(tag + "/weights_time", (n_filter, memory), T.INT16, s_wt, 0,
                  rng.integers(-32767, 32768, (n_filter, memory)))
    b = g.tensor(tag + "/bias", (n_filter // rank,), T.INT32, s_state * s_wt, 0,
                 rng.integers(-20000, 20000, n_filter // rank))
    st = g.tensor(tag + "/state", (1, memory * n_filter), T.INT16, s_state, 0, variable=True)
    y = g.tensor(tag + "/out", (1, n_filter // rank), T.INT8, s_out, -2)
    opts = schema.SVDFOptionsT()
    opts.rank, opts.fusedActivationFunction = rank, schema.ActivationFunctionType.RELU
    g.op(OP.SVDF, [x, wf, wt, b, st], [y], schema.BuiltinOptions.SVDFOptions, opts, version=3)
    return y


def svdf_stack_model(seed):
    """A keyword-spotting shape: int16 audio features -> QUANTIZE -> SVDF -> SVDF ->
    FULLY_CONNECTED (on the accelerator) -> SOFTMAX, int8 scores out."""
    rng = np.random.default_rng(seed)
    g = Graph()
    x = g.tensor("audio", (1, 40), T.INT16, 1.0 / 16384, 0)
    xq = g.tensor("features", (1, 40), T.INT8, 0.02, 3)
    g.op(OP.QUANTIZE, [x], [xq])
    h1 = svdf_layer(g, rng, xq, 40, 32, 1, 8, 0.02, 0.2, "svdf1")
    h2 = svdf_layer(g, rng, h1, 32, 24, 2, 6, 0.2, 0.3, "svdf2")
    w = g.tensor("fc/weights", (5, 12), T.INT8, 0.01, 0, rng.integers(-127, 128, (5, 12)))
    b = g.tensor("fc/bias", (5,), T.INT32, 0.3 * 0.01, 0, rng.integers(-300, 300, 5))
    logits = g.tensor("logits", (1, 5), T.INT8, 0.15, 1)
    g.op(OP.FULLY_CONNECTED, [h2, w, b], [logits], schema.BuiltinOptions.FullyConnectedOptions,
         schema.FullyConnectedOptionsT())
    y = g.tensor("scores", (1, 5), T.INT8, 1.0 / 256, -128)
    opts = schema.SoftmaxOptionsT()
    opts.beta = 1.0
    g.op(OP.SOFTMAX, [logits], [y], schema.BuiltinOptions.SoftmaxOptions, opts)
    return g.finish([x], [y])


def svdf_cases():
    return {
        "svdf_r1_m8": svdf_model(1, 1, 24, 16, 1, 8),
        "svdf_r2_m4_b2": svdf_model(2, 2, 10, 12, 2, 4),
        "svdf_r1_m1_nobias": svdf_model(3, 1, 7, 5, 1, 1, bias=False, s_out=0.02),
        "svdf_float_in": svdf_model(4, 1, 16, 8, 2, 5, float_input=True, s_out=0.1),
        # 8 KiB inputs: `mica verify --count 4500` runs three chunks (a new oracle each, state reset)
        "svdf_wide_chunks": svdf_model(5, 1, 4096, 4, 1, 3, s_out=2.0),
        "svdf_stack_kws": svdf_stack_model(6),
    }


def convert16(fn, shapes, seed, lo=-1.0, hi=1.5):
    """tf.function -> 16x8 .tflite (int16 in/out, int8 weights, int64 bias) by the converter."""
    tf.keras.utils.set_random_seed(seed)
    specs = [tf.TensorSpec(sh, tf.float32) for sh in shapes]
    concrete = tf.function(fn, input_signature=specs).get_concrete_function()
    rng = np.random.default_rng(seed)

    def representative():
        for _ in range(8):
            yield [rng.uniform(lo, hi, sh).astype(np.float32) for sh in shapes]

    conv = tf.lite.TFLiteConverter.from_concrete_functions([concrete])
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    conv.inference_input_type = tf.int16
    conv.inference_output_type = tf.int16
    with som.silenced_fds():
        return bytes(conv.convert())


def layer16(layer, shape, seed, lo=-1.0, hi=1.5):
    layer.build(shape)
    return convert16(lambda x: layer(x), [shape], seed, lo, hi)


def const(seed, shape, lo, hi):
    return tf.constant(np.random.default_rng(seed).uniform(lo, hi, shape).astype(np.float32))


def x16_cases():
    """16x8 operators from the converter, and patched variants where ties decide the rounding."""
    L = tf.keras.layers
    init = dict(bias_initializer=tf.keras.initializers.RandomUniform(-0.3, 0.3))
    c = {}
    c["fc16_40_9"] = layer16(L.Dense(9, **init), (2, 40), 201)
    c["fc16_b3_64_12_relu"] = layer16(L.Dense(12, activation="relu", **init), (3, 64), 202)
    c["conv16_3x3_same"] = layer16(L.Conv2D(5, 3, padding="same", **init), (1, 7, 6, 3), 210)
    c["conv16_3x3_s2_relu"] = layer16(L.Conv2D(4, 3, strides=2, activation="relu", **init),
                                      (2, 9, 8, 4), 211)
    c["conv16_d2_groups2"] = layer16(L.Conv2D(6, 3, dilation_rate=2, groups=2, padding="same",
                                              **init), (1, 8, 7, 4), 212)
    c["dw16_3x3_same"] = layer16(L.DepthwiseConv2D(3, padding="same", **init), (1, 8, 7, 6), 213)
    c["dw16_3x3_s2_m2_relu6"] = layer16(L.DepthwiseConv2D(3, strides=2, depth_multiplier=2,
                                                          activation="relu6", padding="same", **init),
                                        (1, 9, 9, 3), 214)
    c["softmax16"] = convert16(lambda x: tf.nn.softmax(x), [(2, 10)], 215)
    c["softmax16_mul_wide"] = convert16(lambda x: tf.nn.softmax(2.5 * x), [(1, 3, 40)], 216,
                                        -4.0, 4.0)  # MUL then SOFTMAX, both int16
    m = som.SingleOpModel(c["softmax16"])
    m.set_option("beta", 0.37)
    c["softmax16_beta"] = m.to_bytes()
    c["add16"] = convert16(lambda a, b: a + b, [(1, 4, 6), (1, 4, 6)], 203)
    c["add16_bcast_relu"] = convert16(lambda a, b: tf.nn.relu(a + b), [(2, 3, 5), (1, 1, 5)], 204,
                                      -2.0, 1.0)
    c["add16_const"] = convert16(lambda a: a + const(seed=1, shape=(1, 7), lo=-3, hi=2),
                                 [(3, 7)], 205)
    c["sub16"] = convert16(lambda a, b: a - b, [(1, 5, 6), (1, 5, 6)], 206, -0.5, 3.0)
    c["sub16_bcast"] = convert16(lambda a, b: a - b, [(2, 6), (1, 6)], 207)
    c["mul16"] = convert16(lambda a, b: a * b, [(1, 4, 6), (1, 4, 6)], 208, -2.0, 2.0)
    c["mul16_bcast_const"] = convert16(lambda a: a * const(seed=2, shape=(5,), lo=-1.5, hi=2.5),
                                       [(2, 3, 5)], 209)
    # equal weight scales and s_out = 8 s_in s_w: every eighth accumulator is a rounding tie
    m = som.SingleOpModel(c["fc16_40_9"])
    s_in = float(m.tensor(("in", 0)).quantization.scale[0])
    s_w = float(m.tensor(("in", 1)).quantization.scale[0])
    n = m.shape(("in", 1))[0]
    m.set_quant(("in", 1), [s_w] * n, [0] * n)
    m.set_quant(("in", 2), [float(np.float32(s_in) * np.float32(s_w))] * n, [0] * n)
    m.set_quant(("out", 0), [s_in * s_w * 8], [0])
    c["fc16_ties"] = m.to_bytes()
    c.update(sigmoid16_cases())
    return c


def sigmoid16_cases():
    """LOGISTIC / TANH int16 (the measured sigmoid table): converter scales, the power-of-two
    input scales (TFLite's 3 << left_shift path) and a wide general scale that saturates."""
    c = {"tanh16": convert16(lambda x: tf.tanh(x), [(1, 30)], 220, -4.0, 4.0),
         "logistic16": convert16(lambda x: tf.sigmoid(x), [(2, 10)], 221, -6.0, 6.0)}
    for name, src, scale in (("tanh16_pot12", "tanh16", 2.0 ** -12),
                             ("tanh16_pot11", "tanh16", 2.0 ** -11),
                             ("tanh16_wide", "tanh16", 0.0011),
                             ("logistic16_pot12", "logistic16", 2.0 ** -12),
                             ("logistic16_wide", "logistic16", 0.0009)):
        m = som.SingleOpModel(c[src])
        m.set_quant(("in", 0), [scale], [0])
        c[name] = m.to_bytes()
    return c


def refused_cases():
    """16-bit operators Mica refuses with a reason (no int16 kernel yet): DIR/refused/."""
    return {"gather16": convert16(lambda x: tf.gather(x, [2, 0, 1], axis=1), [(2, 4, 3)], 222)}


def op_names(model_bytes):
    return som.op_names_of(model_bytes)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "int16_op_models")
    os.makedirs(out_dir, exist_ok=True)
    t0, failed, models = time.time(), 0, {}
    for make in (quantize_cases, svdf_cases, x16_cases):
        try:
            models.update(make())
        except Exception as e:  # one bad family must not hide the others
            print("make_int16_op_models: %s failed: %s" % (make.__name__, str(e).splitlines()[0][:200]))
            failed += 1
    # models of an earlier run that this one no longer makes (an op that became supported) go
    for old in glob.glob(os.path.join(out_dir, "*.tflite")) + glob.glob(
            os.path.join(out_dir, "refused", "*.tflite")):
        os.remove(old)
    manifest = {}
    for name, data in models.items():
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        manifest[name] = op_names(data)
    os.makedirs(os.path.join(out_dir, "refused"), exist_ok=True)
    for name, data in refused_cases().items():
        with open(os.path.join(out_dir, "refused", name + ".tflite"), "wb") as f:
            f.write(data)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print("make_int16_op_models: %d models in %s (%.0f s)%s" % (
        len(manifest), out_dir, time.time() - t0, ", %d failed" % failed if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
