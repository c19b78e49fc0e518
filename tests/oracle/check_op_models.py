#!/usr/bin/env python3
"""Cross-check the numpy arithmetic model (tflite_arith.py) against LiteRT on every single-op
model in a directory (default build/op_models, made by make_op_models.py).

For each model: random int8 inputs, LiteRT BUILTIN_REF outputs, numpy prediction using the
measured rules (CONV_2D: double rounding with the 31-bit multiplier; FULLY_CONNECTED:
round-half-away of acc * double(s_in*s_w/s_out)), fused-activation clamp from the op options.
Prints one line per model and exits 1 on any mismatch.
Usage: python3 tests/oracle/check_op_models.py [DIR] [--samples N]
"""
import argparse
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import single_op_models as som  # noqa: E402
import tflite_arith as ta  # noqa: E402
import tflite_tools  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ACTIVATIONS = {0: "none", 1: "relu", 3: "relu6"}


def read_constant(model, role, dtype):
    tensor = model.tensor(role)
    data = np.asarray(model.model.buffers[tensor.buffer].data, np.uint8)
    return np.frombuffer(data.tobytes(), dtype).reshape(model.shape(role))


def quant_of(model, role):
    q = model.tensor(role).quantization
    return np.asarray(q.scale, np.float32), np.asarray(q.zeroPoint, np.int64)


def predict(model, x):
    opts = model.op.builtinOptions
    s_in, z_in = quant_of(model, ("in", 0))
    s_w, _ = quant_of(model, ("in", 1))
    s_out, z_out = quant_of(model, ("out", 0))
    weights = read_constant(model, ("in", 1), np.int8)
    bias = read_constant(model, ("in", 2), np.int32)
    if model.op_name == "FULLY_CONNECTED":
        acc = ta.fc_acc(x.reshape(-1, weights.shape[1]), int(z_in[0]), weights, bias)
    else:
        padding = {0: "SAME", 1: "VALID"}[opts.padding]
        if opts.strideH != opts.strideW or opts.dilationHFactor != opts.dilationWFactor:
            raise ValueError("non-square stride/dilation not modelled here")
        acc = ta.conv_acc(x, int(z_in[0]), weights, bias, opts.strideH, opts.dilationHFactor,
                          padding)
    reals = ta.effective_scales(s_in[0], s_w, s_out[0])["double"]
    real = np.array(reals) if len(reals) > 1 else reals[0]
    if model.op_name == "FULLY_CONNECTED":
        scaled = ta.requant_real_away(acc, real)
    else:
        m, shift = ta.multipliers(reals)
        scaled = ta.requant_double(acc, m, shift)
    lo, hi = ta.activation_range(ACTIVATIONS[opts.fusedActivationFunction], s_out[0],
                                 int(z_out[0]))
    return ta.finish(scaled, int(z_out[0]), lo, hi)


def check(path, samples, rng):
    with open(path, "rb") as f:
        model_bytes = f.read()
    model = som.SingleOpModel(model_bytes)
    interp = tflite_tools.make_interpreter(model_content=model_bytes)
    inp, out = interp.get_input_details()[0], interp.get_output_details()[0]
    mismatches = total = 0
    for _ in range(samples):
        x = rng.integers(-128, 128, inp["shape"]).astype(np.int8)
        interp.set_tensor(inp["index"], x)
        interp.invoke()
        got = interp.get_tensor(out["index"])
        pred = predict(model, x).reshape(got.shape)
        mismatches += int(np.count_nonzero(pred != got))
        total += got.size
    return model.op_name, mismatches, total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", default=os.path.join(REPO, "build", "op_models"))
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    paths = sorted(glob.glob(os.path.join(args.dir, "*.tflite")))
    if not paths:
        sys.exit("check_op_models: no .tflite files in %s" % args.dir)
    rng = np.random.default_rng(11)
    failed = 0
    for path in paths:
        op, bad, total = check(path, args.samples, rng)
        failed += bad > 0
        print("%-4s %-62s %-16s %6d outputs %d mismatches" % (
            "FAIL" if bad else "ok", os.path.basename(path), op, total, bad))
    print("%d models, %d failed" % (len(paths), failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
