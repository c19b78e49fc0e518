"""Build single-op int8 .tflite models with the TFLite converter, and patch their quantization.

The converter decides scales from calibration data, so to control the arithmetic exactly (chosen
scales, weights, biases, zero points) a converted model is patched afterwards through the
flatbuffer object API: same op and options as the converter emits, our numbers.
"""
import contextlib
import io
import os
import sys
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.lite.tools import flatbuffer_utils as fbu  # noqa: E402

tf.get_logger().setLevel("ERROR")
warnings.filterwarnings("ignore", module="tensorflow")


@contextlib.contextmanager
def silenced_fds():
    """Send C-level stdout/stderr (the converter's native logging) to /dev/null meanwhile."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in saved + [devnull]:
            os.close(fd)


def convert(build_outputs, input_shapes, seed=0, calib_range=1.0, per_tensor_dense=False):
    """Keras graph -> full-int8 tflite bytes (int8 in/out so no QUANTIZE/DEQUANTIZE ops).

    build_outputs(list of keras inputs) -> keras output tensor.
    input_shapes: list of full shapes including the batch dimension.
    """
    tf.keras.utils.set_random_seed(seed)
    inputs = [tf.keras.Input(shape=s[1:], batch_size=s[0]) for s in input_shapes]
    model = tf.keras.Model(inputs, build_outputs(inputs))
    rng = np.random.default_rng(seed)

    def representative():
        for _ in range(8):
            yield [rng.uniform(-calib_range, calib_range, s).astype(np.float32)
                   for s in input_shapes]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    if per_tensor_dense:
        converter._experimental_disable_per_channel_quantization_for_dense_layers = True  # noqa
    with silenced_fds():
        return bytes(converter.convert())


def op_names_of(model_bytes):
    model = fbu.convert_bytearray_to_object(bytearray(model_bytes))
    return [fbu.opcode_to_name(model, op.opcodeIndex) for op in model.subgraphs[0].operators]


class SingleOpModel:
    """A converted single-op model whose quantization and constants can be rewritten."""

    def __init__(self, model_bytes):
        self.model = fbu.convert_bytearray_to_object(bytearray(model_bytes))
        self.graph = self.model.subgraphs[0]
        ops = self.graph.operators
        if len(ops) != 1:
            names = [fbu.opcode_to_name(self.model, op.opcodeIndex) for op in ops]
            raise ValueError("expected one operator, converter made %s" % names)
        self.op = ops[0]
        self.op_name = fbu.opcode_to_name(self.model, self.op.opcodeIndex)

    def tensor(self, role):
        """role: ('in', i) or ('out', i) -> tensor object."""
        kind, i = role
        index = (self.op.inputs if kind == "in" else self.op.outputs)[i]
        if index < 0:
            raise ValueError("operator has no %s %d" % (kind, i))
        return self.graph.tensors[index]

    def set_quant(self, role, scales, zero_points, quantized_dimension=0):
        quant = self.tensor(role).quantization
        quant.scale = np.asarray(scales, np.float32).ravel()
        quant.zeroPoint = np.asarray(zero_points, np.int64).ravel()
        quant.quantizedDimension = quantized_dimension

    def set_data(self, role, values):
        tensor = self.tensor(role)
        dtype = {9: np.int8, 2: np.int32}[tensor.type]  # TensorType INT8 / INT32
        arr = np.asarray(values).astype(dtype)
        if list(arr.shape) != [int(n) for n in tensor.shape]:
            raise ValueError("shape %s != tensor shape %s" % (arr.shape, list(tensor.shape)))
        self.model.buffers[tensor.buffer].data = np.frombuffer(arr.tobytes(), np.uint8)

    def shape(self, role):
        return tuple(int(n) for n in self.tensor(role).shape)

    def set_option(self, name, value):
        setattr(self.op.builtinOptions, name, value)

    def to_bytes(self):
        return bytes(fbu.convert_object_to_bytearray(self.model))

    def set_weighted_op(self, q):
        """Patch a CONV/DEPTHWISE/FC op from dict q: in_scale, in_zp, weights, w_scales,
        w_qdim, bias, out_scale, out_zp. Bias scales are the float32 products, as required."""
        w_scales = np.asarray(q["w_scales"], np.float32).ravel()
        self.set_quant(("in", 0), [q["in_scale"]], [q["in_zp"]])
        self.set_quant(("in", 1), w_scales, np.zeros(len(w_scales)), q["w_qdim"])
        self.set_data(("in", 1), q["weights"])
        self.set_quant(("in", 2), np.float32(q["in_scale"]) * w_scales,
                       np.zeros(len(w_scales)))
        self.set_data(("in", 2), q["bias"])
        self.set_quant(("out", 0), [q["out_scale"]], [q["out_zp"]])
