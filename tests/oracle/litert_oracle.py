#!/usr/bin/env python3
"""LiteRT reference-kernel oracle for `mica verify`.

  litert_oracle.py MODEL.tflite --in in0.npy [--in in1.npy ...] --out out0.npy [--out ...]
      Runs N samples through LiteRT with the reference kernels (OpResolverType.BUILTIN_REF).
      Each input .npy is (N, *input_shape) with the model input's dtype; as a convenience, when
      the model shape starts with a batch of 1, (N, *input_shape[1:]) is accepted too.
      Each output .npy is written as (N, *output_shape) (batch dimension of the model kept).
      --in / --out map, in order, to get_input_details() / get_output_details().
      Prints nothing on success.
  litert_oracle.py MODEL.tflite --info
      JSON on stdout: inputs and outputs with index, name, shape, dtype, scale, zero_point.
  litert_oracle.py MODEL.tflite --in in0.npy ... --tensors all.npz
      Runs sample 0 keeping every tensor; writes key "t<index>" per tensor plus "meta", a JSON
      string listing index, key, name, shape, dtype, scales, zero_points, quantized_dimension.
Errors: one line on stderr, exit status 1.
"""
import argparse
import json
import os
import sys

try:
    import numpy as np
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import tflite_tools  # noqa: E402
except ImportError as missing:
    sys.stderr.write("litert_oracle: %s lacks %s; run ./mica.sh demo once (it sets up a Python with "
                     "numpy and ai-edge-litert), or set PYTHON to a Python that has them\n"
                     % (sys.executable, missing.name or missing))
    sys.exit(1)


class OracleError(Exception):
    pass


class OneLineParser(argparse.ArgumentParser):
    def error(self, message):
        raise OracleError("usage: " + message)


def parse_args(argv):
    parser = OneLineParser(description="LiteRT BUILTIN_REF oracle", add_help=True)
    parser.add_argument("model")
    parser.add_argument("--in", dest="inputs", action="append", default=[], metavar="NPY")
    parser.add_argument("--out", dest="outputs", action="append", default=[], metavar="NPY")
    parser.add_argument("--info", action="store_true")
    parser.add_argument("--tensors", metavar="NPZ")
    args = parser.parse_args(argv)
    if not args.info and not args.inputs:
        raise OracleError("give --info, or --in for every model input")
    if not args.info and not args.outputs and not args.tensors:
        raise OracleError("give --out for every model output (or --tensors)")
    return args


def normalized_quant_dims(path):
    """The model's bytes with quantized_dimension 0 on every tensor that has one scale, and how
    many it changed. TFLite Micro ignores that field for per-tensor quantization; LiteRT's Python
    interpreter refuses it when it is out of the tensor's rank, so the oracle normalizes it."""
    import flatbuffers
    from tensorflow.lite.python import schema_py_generated as schema
    with open(path, "rb") as f:
        model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(f.read(), 0))
    changed = 0
    for graph in model.subgraphs or []:
        for t in graph.tensors or []:
            q = t.quantization
            if q is not None and q.scale is not None and len(q.scale) == 1 and q.quantizedDimension:
                q.quantizedDimension = 0
                changed += 1
    builder = flatbuffers.Builder(1 << 16)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output()), changed


def load_interpreter(path, preserve=False):
    if not os.path.isfile(path):
        raise OracleError("model not found: %s" % path)
    try:
        return tflite_tools.make_interpreter(model_path=path, preserve_all_tensors=preserve)
    except Exception as exc:  # LiteRT raises ValueError/RuntimeError with multi-line text
        if "quantized_dimension" not in str(exc):
            raise OracleError("cannot load model %s: %s" % (path, first_line(exc))) from exc
        content, changed = normalized_quant_dims(path)
        sys.stderr.write("note: LiteRT refuses a quantized_dimension beyond the tensor's rank on %d "
                         "tensor(s) with one scale (TFLite Micro ignores it); the oracle ran the "
                         "model with it set to 0\n" % changed)
        try:
            return tflite_tools.make_interpreter(model_content=content, preserve_all_tensors=preserve)
        except Exception as exc2:
            raise OracleError("cannot load model %s: %s" % (path, first_line(exc2))) from exc2


def first_line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def io_info(details):
    rows = []
    for d in details:
        scale, zp = d["quantization"]
        rows.append({"index": int(d["index"]), "name": d["name"],
                     "shape": [int(n) for n in d["shape"]], "dtype": np.dtype(d["dtype"]).name,
                     "scale": float(scale), "zero_point": int(zp)})
    return rows


def load_inputs(paths, details):
    """Arrays shaped (N, *model_shape), checked against the model; returns (arrays, N)."""
    if len(paths) != len(details):
        raise OracleError("model has %d inputs but %d --in given" % (len(details), len(paths)))
    arrays = []
    for path, d in zip(paths, details):
        try:
            arr = np.load(path, allow_pickle=False)
        except Exception as exc:
            raise OracleError("cannot read %s: %s" % (path, first_line(exc))) from exc
        shape = tuple(int(n) for n in d["shape"])
        if arr.ndim == len(shape) and shape and shape[0] == 1 and arr.shape[1:] == shape[1:]:
            arr = arr.reshape((arr.shape[0],) + shape)  # (N, *shape[1:]) convenience form
        if arr.ndim != len(shape) + 1 or tuple(arr.shape[1:]) != shape:
            raise OracleError("%s: shape %s, expected (N, %s)" % (
                path, list(arr.shape), ", ".join(str(n) for n in shape)))
        if arr.dtype != np.dtype(d["dtype"]):
            raise OracleError("%s: dtype %s, expected %s" % (
                path, arr.dtype.name, np.dtype(d["dtype"]).name))
        arrays.append(arr)
    counts = {a.shape[0] for a in arrays}
    if len(counts) != 1 or 0 in counts:
        raise OracleError("inputs disagree on (or have zero) sample count: %s" % sorted(counts))
    return arrays, counts.pop()


def run_samples(interp, arrays, count):
    in_details = interp.get_input_details()
    out_details = interp.get_output_details()
    results = [np.zeros((count,) + tuple(int(n) for n in d["shape"]), d["dtype"])
               for d in out_details]
    for n in range(count):
        for arr, d in zip(arrays, in_details):
            interp.set_tensor(d["index"], arr[n])
        interp.invoke()
        for res, d in zip(results, out_details):
            res[n] = interp.get_tensor(d["index"])
    return results


def write_outputs(paths, results):
    if len(paths) != len(results):
        raise OracleError("model has %d outputs but %d --out given" % (len(results), len(paths)))
    for path, res in zip(paths, results):
        try:
            with open(path, "wb") as f:
                np.save(f, res, allow_pickle=False)
        except OSError as exc:
            raise OracleError("cannot write %s: %s" % (path, exc.strerror)) from exc


def dump_tensors(interp, path):
    """Every tensor after invoke (sample 0 already run) into one .npz, keyed by index."""
    arrays, meta = {}, []
    for d in interp.get_tensor_details():
        try:
            value = interp.get_tensor(d["index"])
        except ValueError:  # tensors without data (e.g. freed scratch) are skipped
            continue
        key = "t%d" % d["index"]
        scales, zps, qdim = tflite_tools.tensor_quant(d)
        arrays[key] = value
        meta.append({"index": int(d["index"]), "key": key, "name": d["name"],
                     "shape": [int(n) for n in value.shape], "dtype": value.dtype.name,
                     "scales": scales, "zero_points": zps, "quantized_dimension": qdim})
    arrays["meta"] = np.array(json.dumps(meta))
    try:
        np.savez(path, **arrays)
    except OSError as exc:
        raise OracleError("cannot write %s: %s" % (path, exc.strerror)) from exc


def main(argv):
    args = parse_args(argv)
    interp = load_interpreter(args.model, preserve=bool(args.tensors))
    if args.info:
        print(json.dumps({"inputs": io_info(interp.get_input_details()),
                          "outputs": io_info(interp.get_output_details()),
                          "backend": tflite_tools.ORACLE_BACKEND}, indent=1))
        if not args.inputs:
            return
    arrays, count = load_inputs(args.inputs, interp.get_input_details())
    n_out = len(interp.get_output_details())
    if args.outputs and len(args.outputs) != n_out:
        raise OracleError("model has %d outputs but %d --out given" % (n_out, len(args.outputs)))
    if args.tensors:
        run_samples(interp, [a[:1] for a in arrays], 1)
        dump_tensors(interp, args.tensors)
        if not args.outputs:
            return
        interp = load_interpreter(args.model)  # fresh interpreter without preserved tensors
    results = run_samples(interp, arrays, count)
    write_outputs(args.outputs, results)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except OracleError as err:
        sys.stderr.write("litert_oracle: %s\n" % err)
        sys.exit(1)
    except Exception as err:  # pylint: disable=broad-except
        sys.stderr.write("litert_oracle: %s: %s\n" % (type(err).__name__, first_line(err)))
        sys.exit(1)
