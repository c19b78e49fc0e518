#!/usr/bin/env python3
"""Compare what tflite_dump decodes with LiteRT's own view of each model.

Usage: check_models.py TFLITE_DUMP MODEL.tflite...
For every tensor: name, shape, type, scales, zero points, quantized dimension
and (for constant tensors) the data bytes (FNV-1a hash); for every operator:
builtin name, inputs and outputs. Exit 1 on any mismatch.
"""
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402

try:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
except ImportError:  # same API in tensorflow
    from tensorflow.lite import Interpreter
    from tensorflow.lite.experimental import OpResolverType

DTYPES = {np.int8: "INT8", np.uint8: "UINT8", np.int16: "INT16", np.int32: "INT32",
          np.int64: "INT64", np.float32: "FLOAT32", np.bool_: "BOOL", np.float16: "FLOAT16"}


def fnv1a64(data):
    h = 0xcbf29ce484222325
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def check_tensor(interp, det, mine, errors):
    i = det["index"]
    want = {"name": det["name"], "shape": [int(x) for x in det["shape"]],
            "type": DTYPES.get(det["dtype"], str(det["dtype"]))}
    for key, val in want.items():
        if mine[key] != val:
            errors.append("tensor %d %s: reader %r, LiteRT %r" % (i, key, mine[key], val))
    qp = det["quantization_parameters"]
    if not np.array_equal(np.asarray(mine["scale"], np.float32), qp["scales"].astype(np.float32)):
        errors.append("tensor %d scales differ" % i)
    if list(mine["zero_point"]) != [int(z) for z in qp["zero_points"]]:
        errors.append("tensor %d zero points differ" % i)
    if len(mine["scale"]) > 1 and mine["quant_dim"] != qp["quantized_dimension"]:
        errors.append("tensor %d quantized_dimension differs" % i)
    if mine["data_size"]:
        try:
            data = interp.get_tensor(i).tobytes()
        except ValueError:
            return 0
        if fnv1a64(data) != mine["data_fnv"]:
            errors.append("tensor %d constant data differs" % i)
        return 1
    return 0


def check_model(dump, path):
    out = subprocess.run([dump, "--json", path], capture_output=True, text=True)
    if out.returncode != 0:
        return ["tflite_dump failed: " + out.stderr.strip()]
    mine = json.loads(out.stdout)
    # Reference kernels: no delegate rewriting the graph.
    interp = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    errors = []
    # LiteRT appends its own scratch tensors (e.g. for MEAN) after the model's.
    details = [d for d in interp.get_tensor_details() if d["index"] < len(mine["tensors"])]
    if len(details) != len(mine["tensors"]):
        errors.append("LiteRT lists %d model tensors, reader %d" % (len(details), len(mine["tensors"])))
    ndata = sum(check_tensor(interp, det, mine["tensors"][det["index"]], errors) for det in details)
    for op in interp._get_ops_details():
        m = mine["ops"][op["index"]]
        if m["builtin"] != op["op_name"] or m["inputs"] != list(op["inputs"]) or \
                m["outputs"] != list(op["outputs"]):
            errors.append("op %d differs: reader %s %s->%s, LiteRT %s %s->%s" % (
                op["index"], m["builtin"], m["inputs"], m["outputs"], op["op_name"],
                list(op["inputs"]), list(op["outputs"])))
    if [d["index"] for d in interp.get_input_details()] != mine["inputs"]:
        errors.append("graph inputs differ")
    if [d["index"] for d in interp.get_output_details()] != mine["outputs"]:
        errors.append("graph outputs differ")
    summary = "%d tensors (%d with constant data compared), %d ops" % (
        len(mine["tensors"]), ndata, len(mine["ops"]))
    return errors, summary


def main():
    dump, models = sys.argv[1], sys.argv[2:]
    failed = 0
    for path in models:
        result = check_model(dump, path)
        errors, summary = (result, "") if isinstance(result, list) else result
        if errors:
            failed += 1
            print("FAIL %s" % path)
            for e in errors[:20]:
                print("   ", e)
        else:
            print("ok   %s: %s" % (path, summary))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
