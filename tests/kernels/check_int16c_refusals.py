"""Refusals of the int16 BATCH_MATMUL, TRANSPOSE_CONV, CAST and PRELU paths: models of
make_int16c_op_models.py (in DIR) broken one way each, as LiteRT or TFLite Micro would not run
them or Mica's kernel does not take them, must fail `mica compile` with one line naming the
operator and the offending value, never crash.
  check_int16c_refusals.py MICA DIR     exit 1 when a broken model compiles or the message is off"""
import sys

import numpy as np
from tensorflow.lite.python import schema_py_generated as schema

from check_ops3_refusals import check_cases, first_op


def bmm_zero_point(m):
    """TFLite's int16 BATCH_MATMUL requires zero point 0 on every operand."""
    sub, op = first_op(m, "BATCH_MATMUL")
    sub.tensors[op.inputs[0]].quantization.zeroPoint = np.asarray([5], np.int64)


def tconv_wide_bias(m):
    """An int64 bias row beyond int32 (Mica's 16x8 kernels take int32-range biases)."""
    sub, op = first_op(m, "TRANSPOSE_CONV")
    buf = m.buffers[sub.tensors[op.inputs[3]].buffer]
    v = np.frombuffer(bytes(buf.data), np.int64).copy()
    v[1] = 1 << 40
    buf.data = np.frombuffer(v.tobytes(), np.uint8)


def prelu_int16_alpha(m):
    """An int16 alpha: LiteRT's int16 PRELU reads alpha as int8 bytes (no oracle), TFLite Micro
    takes int8 only."""
    sub, op = first_op(m, "PRELU")
    t = sub.tensors[op.inputs[1]]
    buf = m.buffers[t.buffer]
    v = np.frombuffer(bytes(buf.data), np.int8).astype(np.int16) * 256
    buf.data = np.frombuffer(v.tobytes(), np.uint8)
    t.type = schema.TensorType.INT16
    t.quantization.scale = np.asarray([t.quantization.scale[0] / 256], np.float32)


def cast_int32_float32(m):
    """Neither side int8 or int16: no CAST kernel for the pair."""
    sub, op = first_op(m, "CAST")
    sub.tensors[op.inputs[0]].type = schema.TensorType.INT32
    sub.tensors[op.outputs[0]].type = schema.TensorType.FLOAT32


CASES = (  # model, mutation, words the one-line message must hold
    ("bmm16", bmm_zero_point, ["BATCH_MATMUL", "zero point 0"]),
    ("tconv16_s2_same", tconv_wide_bias, ["TRANSPOSE_CONV", "row 1 is 1099511627776"]),
    ("prelu16", prelu_int16_alpha, ["PRELU", "int8 alpha"]),
    ("cast16_int16_int32", cast_int32_float32, ["CAST", "INT32 -> FLOAT32"]),
)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(check_cases(sys.argv[1], sys.argv[2], CASES, "check_int16c_refusals"))
