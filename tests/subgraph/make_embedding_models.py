#!/usr/bin/env python3
"""Generate the EMBEDDING_LOOKUP test models. The TensorFlow converter lowers
tf.nn.embedding_lookup to GATHER (it never emits EMBEDDING_LOOKUP, checked below), so each model is
converted int8 with GATHER and then patched: the opcode becomes EMBEDDING_LOOKUP, the inputs are
swapped to its order (lookup ids, value table) and GatherOptions dropped. LiteRT runs the patched
model with its own EMBEDDING_LOOKUP kernel, so `mica verify` compares against that kernel.
  embedding.tflite      ids = argmax of a dense layer (int32, [2]) and neighbour rows by int32
                        arithmetic, then EMBEDDING_LOOKUP into a constant [6, 8] int8 table
  embedding_oob.tflite  ids argmax + 3, which leave the table for some inputs: LiteRT fails the
                        invoke there, Mica must fail the step with one line
  embedding_ids.tflite  ids are the model's int32 input ([5]), EMBEDDING_LOOKUP into a constant
                        [6, 8] table, then a dense layer (a token model: `mica verify` draws ids
                        inside the table)
  gather_ids.tflite     int32 model input [3] as GATHER indices along axis 1 of a constant
                        [4, 7, 3] table (not patched: stays GATHER)
Writes DIR/<name>.tflite (default DIR = build/embedding_models).
Usage: python3 tests/subgraph/make_embedding_models.py [DIR]
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flatbuffers  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402

from make_int32_models import N, ROWS, convert, weights  # noqa: E402

OP = schema.BuiltinOperator


class EmbeddingModel(tf.Module):
    def __init__(self, shift=None):
        super().__init__()
        self.w = weights(32, (N, ROWS), 0.8)
        self.table = weights(33, (ROWS, N), 1.0)
        self.shift = shift

    @tf.function(input_signature=[tf.TensorSpec([2, N], tf.float32)])
    def __call__(self, x):
        k = tf.argmax(tf.matmul(x, self.w), axis=1, output_type=tf.int32)  # [2]
        if self.shift is not None:
            return tf.nn.embedding_lookup(self.table, k + self.shift) * 0.5
        near = tf.where(k >= ROWS // 2, k - 1, k + 1)
        return tf.nn.embedding_lookup(self.table, k) * 0.5 + \
            tf.nn.embedding_lookup(self.table, near) * 0.25


class IdsModel(tf.Module):
    """The ids come in as the model's int32 input; the table is a constant."""

    def __init__(self, table, count, axis, dense=None):
        super().__init__()
        self.table, self.axis, self.dense = table, axis, dense
        self.__call__ = tf.function(self.call,
                                    input_signature=[tf.TensorSpec([count], tf.int32)])

    def call(self, ids):
        rows = tf.gather(self.table, ids, axis=self.axis)
        if self.dense is not None:  # a FULLY_CONNECTED on the accelerator after the lookup
            return tf.nn.relu(tf.matmul(rows, self.dense))
        return rows * 0.5 + 0.125


def convert_ids(module, seed, count, bound):
    """int8 conversion calibrated on 200 id vectors inside [0, bound); the int32 input stays."""
    return convert(module, seed, (count,),
                   sample=lambda rng: rng.integers(0, bound, count).astype(np.int32))


def to_embedding_lookup(buf):
    """Every GATHER of a constant rank-2 table along axis 0 becomes EMBEDDING_LOOKUP."""
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(buf, 0))
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in m.operatorCodes]
    if OP.EMBEDDING_LOOKUP in codes:
        return buf  # the converter emitted it itself: nothing to patch
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = OP.EMBEDDING_LOOKUP
    code.version = 1
    m.operatorCodes.append(code)
    patched = 0
    sg = m.subgraphs[0]
    for op in sg.operators:
        if codes[op.opcodeIndex] != OP.GATHER:
            continue
        table = sg.tensors[op.inputs[0]]
        if m.buffers[table.buffer].data is None or len(table.shape) != 2 or \
                (op.builtinOptions is not None and op.builtinOptions.axis != 0):
            continue
        op.opcodeIndex = len(m.operatorCodes) - 1
        op.inputs = [op.inputs[1], op.inputs[0]]
        op.builtinOptionsType, op.builtinOptions = 0, None
        patched += 1
    if not patched:
        raise SystemExit("make_embedding_models: no GATHER of a constant table to patch")
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("build", "embedding_models")
    os.makedirs(out, exist_ok=True)
    oob = EmbeddingModel(shift=3)
    w0 = oob.w.numpy()[:, 0]
    for name, module, seed, near in (("embedding", EmbeddingModel(), 34, None),
                                     ("embedding_oob", oob, 35, w0 / np.abs(w0).max())):
        path = os.path.join(out, name + ".tflite")
        with open(path + ".tmp", "wb") as f:
            f.write(to_embedding_lookup(convert(module, seed, (2, N), near)))
        os.replace(path + ".tmp", path)
        print(path)
    table = weights(36, (ROWS, N), 1.0)
    cube = weights(37, (4, 7, 3), 1.0)
    for name, module, count, bound, patch in (
            ("embedding_ids", IdsModel(table, 5, 0, weights(39, (N, 12), 0.7)), 5, ROWS,
             to_embedding_lookup),
            ("gather_ids", IdsModel(cube, 3, 1), 3, 7, lambda b: b)):
        path = os.path.join(out, name + ".tflite")
        with open(path + ".tmp", "wb") as f:
            f.write(patch(convert_ids(module, 38, count, bound)))
        os.replace(path + ".tmp", path)
        print(path)


if __name__ == "__main__":
    main()
