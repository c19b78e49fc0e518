"""Refusals of the ops3 CPU kernels' prepare functions: generated models (cpu_op_cases_ops3.py,
in DIR) broken one way each must fail `mica compile` with one line naming the operator and the
offending value, never crash.
  check_ops3_refusals.py MICA DIR     exit 1 when a broken model compiles or the message is off"""
import copy
import os
import subprocess
import sys
import tempfile

import numpy as np
from tensorflow.lite.tools import flatbuffer_utils as fbu
from tensorflow.lite.python import schema_py_generated as schema


def first_op(m, name):
    sub = m.subgraphs[0]
    for op in sub.operators:
        if fbu.opcode_to_name(m, op.opcodeIndex) == name:
            return sub, op
    raise SystemExit("check_ops3_refusals: no %s operator" % name)


def cast_int32_to_float32(m):
    """Neither side int8 or int16 (both model edges): no CAST kernel for the pair."""
    sub, op = first_op(m, "CAST")
    sub.tensors[op.inputs[0]].type = schema.TensorType.INT32
    sub.tensors[op.outputs[0]].type = schema.TensorType.FLOAT32
    for k in (op.inputs[0], op.outputs[0]):
        sub.tensors[k].quantization = None


def tconv_bad_shape(m):
    sub, op = first_op(m, "TRANSPOSE_CONV")
    buf = m.buffers[sub.tensors[op.inputs[0]].buffer]
    v = np.frombuffer(bytes(buf.data), np.int32).copy()
    v[1] += 1
    buf.data = np.frombuffer(v.tobytes(), np.uint8)


def bmm_per_channel(m):
    sub, op = first_op(m, "BATCH_MATMUL")
    q = sub.tensors[op.inputs[1]].quantization
    q.scale = np.asarray([q.scale[0], q.scale[0]], np.float32)
    q.zeroPoint = np.asarray([0, 0], np.int64)


def fill_bad_dims(m):
    sub, op = first_op(m, "FILL")
    buf = m.buffers[sub.tensors[op.inputs[0]].buffer]
    v = np.frombuffer(bytes(buf.data), np.int32).copy()
    v[0] = 7
    buf.data = np.frombuffer(v.tobytes(), np.uint8)


def broadcast_shape_at_run_time(m):
    """BROADCAST_TO with an open output shape (converted: -1 in its shape_signature) whose target
    shape an ARG_MAX of the input computes, known only at run time (LiteRT resizes the output
    when invoked): Mica must know it when compiling."""
    sub, op = first_op(m, "BROADCAST_TO")
    buf = schema.BufferT()
    buf.data = np.frombuffer(np.asarray([0], np.int32).tobytes(), np.uint8)
    m.buffers.append(buf)
    axis = schema.TensorT()
    axis.name, axis.shape, axis.type = "axis", [1], schema.TensorType.INT32
    axis.buffer = len(m.buffers) - 1
    sub.tensors.append(axis)
    shape = schema.TensorT()
    shape.name, shape.type, shape.buffer = "runtime_shape", schema.TensorType.INT32, 0
    shape.shape = np.asarray(sub.tensors[op.inputs[0]].shape[1:], np.int32)
    sub.tensors.append(shape)
    op.inputs[1] = len(sub.tensors) - 1
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.ARG_MAX
    code.version = 1
    m.operatorCodes.append(code)
    arg = schema.OperatorT()
    arg.opcodeIndex = len(m.operatorCodes) - 1
    arg.inputs, arg.outputs = [op.inputs[0], len(sub.tensors) - 2], [op.inputs[1]]
    arg.builtinOptionsType = schema.BuiltinOptions.ArgMaxOptions
    arg.builtinOptions = schema.ArgMaxOptionsT()
    arg.builtinOptions.outputType = schema.TensorType.INT32
    sub.operators.insert(0, arg)


CASES = (  # model, mutation, words the one-line message must hold
    ("cast_int8_int32", cast_int32_to_float32, ["CAST", "INT32 -> FLOAT32"]),
    ("transpose_conv_s2_same", tconv_bad_shape, ["TRANSPOSE_CONV", "output_shape[1]"]),
    ("batch_matmul_const_rhs", bmm_per_channel, ["BATCH_MATMUL", "one scale"]),
    ("fill_slice", fill_bad_dims, ["FILL", "dims[0] is 7"]),
    ("broadcast_args_open_out", broadcast_shape_at_run_time, ["BROADCAST_TO", "run time"]),
)


def check_cases(mica, src, cases, prog):
    """Each (model in src, mutation, words) compiled by mica: one line holding the words, exit 1
    (no crash). Prints a line per case and a verdict; 1 on any failure."""
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        for name, mutate, words in cases:
            m = fbu.convert_bytearray_to_object(bytearray(open(os.path.join(src, name + ".tflite"), "rb").read()))
            mutate(m)
            path = os.path.join(work, name + "_bad.tflite")
            open(path, "wb").write(bytes(fbu.convert_object_to_bytearray(copy.deepcopy(m))))
            r = subprocess.run([mica, "compile", path, "-o", os.path.join(work, "x.mica")],
                               capture_output=True, text=True)
            lines = r.stderr.strip().splitlines()
            ok = (r.returncode not in (0,) and r.returncode < 128 and len(lines) == 1 and
                  all(w in lines[0] for w in words))
            failed += not ok
            print("%-26s %s: %s" % (name, "PASS" if ok else "FAIL", lines[-1] if lines else "(compiled)"))
    print("%s: %s" % (prog, "PASS" if not failed else "FAIL (%d)" % failed))
    return 1 if failed else 0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    return check_cases(sys.argv[1], sys.argv[2], CASES, "check_ops3_refusals")


if __name__ == "__main__":
    sys.exit(main())
