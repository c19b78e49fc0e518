#!/usr/bin/env python3
"""Build int8 .tflite models with the architectures of the four MLPerf Tiny benchmarks.

These are ARCHITECTURE references (shapes, op mix, MACs, parameter counts), not accuracy
references: weights are random (fixed seed), only the BatchNorm statistics are calibrated on
synthetic data so that every layer sees non-degenerate activation ranges.

Outputs (next to this script unless --out-dir is given):
  kws_dscnn.tflite       DS-CNN keyword spotting, 49x10x1
  vww_mobilenet.tflite   MobileNetV1 alpha 0.25 visual wake words, 96x96x3
  ic_resnet8.tflite      ResNet-8 CIFAR-10 image classification, 32x32x3
  ad_autoencoder.tflite  fully connected autoencoder for anomaly detection, 640
  manifest.json          per model: task, shapes, ops with counts, MACs, params, size, sha256
  MANIFEST.md            the same as a table

Synthetic data (used both for BatchNorm calibration and as the converter's representative set;
drawn from a numpy Generator with a fixed seed):
  kws: N(0, 1) per element (stands in for standardized MFCC features)
  vww, ic: U[0, 1) per pixel (images scaled by 1/255)
  ad: N(0, 1) per element (stands in for standardized log-mel frames)

Every model is checked on LiteRT's reference kernels (BUILTIN_REF) with a random int8 input.
MACs and parameter counts are computed from the converted .tflite, not from Keras.

Usage: python3 models/make_mlperf_tiny.py [--out-dir DIR] [--models kws,vww,ic,ad]
"""
import argparse
import collections
import hashlib
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN reorders float sums: not reproducible

import warnings

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
import tflite_tools  # noqa: E402  (repo-local helper)

SEED = 20240601
CALIBRATION_BATCH = 64      # samples used to set the BatchNorm statistics (one forward pass)
REPRESENTATIVE_SAMPLES = 64  # samples the converter sees to choose activation ranges
EXPECTED_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "AVERAGE_POOL_2D", "ADD",
                "RESHAPE", "SOFTMAX", "MEAN"}


# ---------------------------------------------------------------------------------------------
# Keras architectures. Every layer is named explicitly: Keras' automatic names depend on how many
# layers were built before, and the names end up in the .tflite (tensor names).
# ---------------------------------------------------------------------------------------------

def bias_init(keras):
    # Non-zero biases: an all-zero bias is dropped by the converter (no bias input at all), which
    # would leave the bias path of the un-normalized layers (logits, shortcuts, AD output) untested.
    return keras.initializers.RandomNormal(stddev=0.1)


def batch_norm(keras, name):
    # momentum 0: one forward pass in training mode copies the batch statistics into the moving
    # statistics, which the converter then folds into the preceding conv / FC weights and bias.
    return keras.layers.BatchNormalization(momentum=0.0, name=name)


def conv_bn_act(keras, h, filters, kernel, strides, name, act="relu"):
    h = keras.layers.Conv2D(filters, kernel, strides=strides, padding="same",
                            bias_initializer=bias_init(keras), name=name + "_conv")(h)
    h = batch_norm(keras, name + "_bn")(h)
    return keras.layers.Activation(act, name=name + "_" + act)(h) if act else h


def dw_bn_act(keras, h, strides, name, act="relu"):
    h = keras.layers.DepthwiseConv2D(3, strides=strides, padding="same",
                                     bias_initializer=bias_init(keras), name=name + "_dw")(h)
    h = batch_norm(keras, name + "_dwbn")(h)
    return keras.layers.Activation(act, name=name + "_dw" + act)(h)


def pool_classifier(keras, h, classes):
    """AVERAGE_POOL_2D over the full spatial size (GlobalAveragePooling2D would become MEAN),
    explicit Flatten (RESHAPE), FC, SOFTMAX."""
    h = keras.layers.AveragePooling2D(pool_size=tuple(h.shape[1:3]), name="avg_pool")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    h = keras.layers.Dense(classes, bias_initializer=bias_init(keras), name="logits")(h)
    return keras.layers.Softmax(name="probs")(h)


def build_kws(keras):
    inputs = keras.Input(shape=(49, 10, 1), batch_size=1, name="mfcc")
    h = conv_bn_act(keras, inputs, 64, (10, 4), 2, "conv0")
    for i in range(1, 5):
        h = dw_bn_act(keras, h, 1, "ds%d" % i)
        h = conv_bn_act(keras, h, 64, 1, 1, "ds%d_pw" % i)
    return keras.Model(inputs, pool_classifier(keras, h, 12), name="kws_dscnn")


MOBILENET_V1_BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + \
    [(512, 1)] * 5 + [(1024, 2), (1024, 1)]  # (pointwise filters at alpha 1, depthwise stride)


def build_vww(keras, alpha=0.25):
    inputs = keras.Input(shape=(96, 96, 3), batch_size=1, name="image")
    h = conv_bn_act(keras, inputs, int(32 * alpha), 3, 2, "conv0", act="relu6")
    for i, (filters, stride) in enumerate(MOBILENET_V1_BLOCKS, start=1):
        h = dw_bn_act(keras, h, stride, "b%d" % i, act="relu6")
        h = conv_bn_act(keras, h, int(filters * alpha), 1, 1, "b%d_pw" % i, act="relu6")
    return keras.Model(inputs, pool_classifier(keras, h, 2), name="vww_mobilenet")


def resnet_stack(keras, h, filters, strides, name):
    """Two 3x3 convs; 1x1 strided conv on the shortcut when the shape changes; ADD; ReLU."""
    y = conv_bn_act(keras, h, filters, 3, strides, name + "_a")
    y = conv_bn_act(keras, y, filters, 3, 1, name + "_b", act=None)
    if strides != 1:
        h = keras.layers.Conv2D(filters, 1, strides=strides, padding="same",
                                bias_initializer=bias_init(keras), name=name + "_sc")(h)
    y = keras.layers.Add(name=name + "_add")([h, y])
    return keras.layers.Activation("relu", name=name + "_out")(y)


def build_ic(keras):
    inputs = keras.Input(shape=(32, 32, 3), batch_size=1, name="image")
    h = conv_bn_act(keras, inputs, 16, 3, 1, "conv0")
    h = resnet_stack(keras, h, 16, 1, "s1")
    h = resnet_stack(keras, h, 32, 2, "s2")
    h = resnet_stack(keras, h, 64, 2, "s3")
    return keras.Model(inputs, pool_classifier(keras, h, 10), name="ic_resnet8")


def build_ad(keras):
    inputs = keras.Input(shape=(640,), batch_size=1, name="logmel")
    h = inputs
    for i, units in enumerate([128] * 4 + [8] + [128] * 4):
        h = keras.layers.Dense(units, bias_initializer=bias_init(keras), name="fc%d" % i)(h)
        h = batch_norm(keras, "fc%d_bn" % i)(h)
        h = keras.layers.Activation("relu", name="fc%d_relu" % i)(h)
    outputs = keras.layers.Dense(640, bias_initializer=bias_init(keras), name="fc9")(h)
    return keras.Model(inputs, outputs, name="ad_autoencoder")


# (file stem, task, builder, synthetic input distribution)
MODELS = collections.OrderedDict([
    ("kws", ("kws_dscnn", "keyword spotting (12 classes)", build_kws, "normal")),
    ("vww", ("vww_mobilenet", "visual wake words (2 classes)", build_vww, "uniform")),
    ("ic", ("ic_resnet8", "image classification, CIFAR-10 (10 classes)", build_ic, "uniform")),
    ("ad", ("ad_autoencoder", "anomaly detection, FC autoencoder", build_ad, "normal")),
])

PUBLISHED = {  # MLPerf Tiny reference figures (MACs, params), for comparison only
    "kws_dscnn": ("2.66 M", "22.6 K"), "vww_mobilenet": ("7.49 M", "211 K"),
    "ic_resnet8": ("12.5 M", "78 K"), "ad_autoencoder": ("0.26 M", "266 K"),
}

DISTRIBUTION_TEXT = {"normal": "N(0,1)", "uniform": "U[0,1)"}

ARCHITECTURE = {
    "kws_dscnn": "CONV 64@10x4 s2 + 4 x (DW 3x3 + CONV 64@1x1), BN folded, ReLU; "
                 "AVG_POOL 25x5; FC 12; SOFTMAX",
    "vww_mobilenet": "MobileNetV1 a=0.25: CONV 8@3x3 s2 + 13 x (DW 3x3 + CONV 1x1), BN folded, "
                     "ReLU6; AVG_POOL 3x3; FC 2; SOFTMAX",
    "ic_resnet8": "ResNet-8: CONV 16@3x3; stacks 16, 32 s2, 64 s2 of 2 x CONV 3x3 "
                  "(+1x1 shortcut CONV when strided), ADD, ReLU; AVG_POOL 8x8; FC 10; SOFTMAX",
    "ad_autoencoder": "FC 128 x4, FC 8, FC 128 x4 (BN folded, ReLU), FC 640",
}


def synthetic_inputs(distribution, shape, count, rng):
    full = (count,) + tuple(shape)
    if distribution == "normal":
        return rng.standard_normal(full).astype(np.float32)
    return rng.random(full, dtype=np.float32)


def calibrate_batchnorm(model, x):
    """One training-mode pass: each BN layer (momentum 0) stores its batch mean and variance."""
    model(x, training=True)


# ---------------------------------------------------------------------------------------------
# Analysis of the converted model (what the hardware will actually run)
# ---------------------------------------------------------------------------------------------

def op_macs(name, ins, outs):
    """Multiply-accumulates of one op; weights are input 1 (TFLite layouts noted)."""
    if name == "CONV_2D":       # weights [cout, kh, kw, cin], output [n, oh, ow, cout]
        _, kh, kw, cin = ins[1]["shape"]
        return int(np.prod(outs[0]["shape"])) * int(kh * kw * cin)
    if name == "DEPTHWISE_CONV_2D":  # weights [1, kh, kw, cout]
        _, kh, kw, _ = ins[1]["shape"]
        return int(np.prod(outs[0]["shape"])) * int(kh * kw)
    if name == "FULLY_CONNECTED":    # weights [out, in], output [rows, out]
        return int(np.prod(outs[0]["shape"])) * int(ins[1]["shape"][1])
    return 0


def op_params(name, ins):
    """Weights plus bias elements of the MAC ops (the constant tensors that are parameters)."""
    if name not in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
        return 0
    return sum(int(np.prod(d["shape"])) for d in ins[1:3])


def quant_of(detail):
    scale, zero_point = detail["quantization"]
    return {"dtype": detail["dtype"].__name__, "shape": [int(n) for n in detail["shape"]],
            "scale": float(scale), "zero_point": int(zero_point)}


ACTIVATION_NAMES = {0: "", 1: "+RELU", 2: "+RELU_N1_TO_1", 3: "+RELU6", 4: "+TANH"}


def op_variants(tflite_bytes):
    """Counts of op + stride + fused activation, read from the flatbuffer (the interpreter does
    not expose builtin options). Uses the schema module bundled with TensorFlow."""
    from tensorflow.lite.python import schema_py_generated as schema
    model = schema.Model.GetRootAs(tflite_bytes, 0)
    graph = model.Subgraphs(0)
    op_name = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    opt_name = {v: k for k, v in vars(schema.BuiltinOptions).items() if not k.startswith("_")}
    counts = collections.Counter()
    for i in range(graph.OperatorsLength()):
        op = graph.Operators(i)
        code = model.OperatorCodes(op.OpcodeIndex())
        label = op_name[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
        if op.BuiltinOptionsType():
            options = getattr(schema, opt_name[op.BuiltinOptionsType()])()
            options.Init(op.BuiltinOptions().Bytes, op.BuiltinOptions().Pos)
            if hasattr(options, "FilterHeight"):  # pools: window size (stride equals it here)
                label += " %dx%d" % (options.FilterHeight(), options.FilterWidth())
            elif hasattr(options, "StrideH") and options.StrideH() != 1:
                label += " s%d" % options.StrideH()
            if hasattr(options, "FusedActivationFunction"):
                label += ACTIVATION_NAMES.get(options.FusedActivationFunction(), "+?")
        counts[label] += 1
    return dict(sorted(counts.items()))


def analyse(interp):
    ops = tflite_tools.op_list(interp)
    counts = collections.Counter(name for name, _, _ in ops)
    return {
        "ops": dict(sorted(counts.items())),
        "op_sequence": [name for name, _, _ in ops],
        "macs": sum(op_macs(n, i, o) for n, i, o in ops),
        "params": sum(op_params(n, i) for n, i, _ in ops),
        "input": quant_of(interp.get_input_details()[0]),
        "output": quant_of(interp.get_output_details()[0]),
    }


def run_reference(interp, rng):
    """Invoke BUILTIN_REF once on a random int8 input; returns the output and a sanity note."""
    inp = interp.get_input_details()[0]
    x = rng.integers(-128, 128, size=inp["shape"], dtype=np.int8)
    interp.set_tensor(inp["index"], x)
    interp.invoke()
    y = interp.get_tensor(interp.get_output_details()[0]["index"])
    return y, "output %s int8, %d distinct values in [%d, %d]" % (
        list(y.shape), len(np.unique(y)), int(y.min()), int(y.max()))


# ---------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------

def make_one(tf, key, out_dir, rng):
    stem, task, builder, distribution = MODELS[key]
    start = time.time()
    tf.keras.backend.clear_session()
    model = builder(tf.keras)
    shape = model.inputs[0].shape[1:]
    calibrate_batchnorm(model, synthetic_inputs(distribution, shape, CALIBRATION_BATCH, rng))
    samples = synthetic_inputs(distribution, shape, REPRESENTATIVE_SAMPLES, rng)
    tflite_bytes = tflite_tools.convert_int8(tf, model, samples)
    path = os.path.join(out_dir, stem + ".tflite")
    with open(path, "wb") as f:
        f.write(tflite_bytes)

    interp = tflite_tools.make_interpreter(model_path=path)
    analysis = analyse(interp)
    _, check = run_reference(interp, rng)
    info = {
        "file": stem + ".tflite", "task": task, "architecture": ARCHITECTURE[stem],
        "published_macs": PUBLISHED[stem][0], "published_params": PUBLISHED[stem][1],
        **analysis,
        "op_variants": op_variants(tflite_bytes),
        "unexpected_ops": sorted(set(analysis["ops"]) - EXPECTED_OPS),
        "size_bytes": len(tflite_bytes), "sha256": hashlib.sha256(tflite_bytes).hexdigest(),
        "litert_check": "BUILTIN_REF " + check,
        "how_made": "Keras, random weights (seed %d); BN statistics from %d synthetic %s "
                    "inputs; TFLiteConverter full-int8, %d synthetic %s representative samples"
                    % (SEED, CALIBRATION_BATCH, DISTRIBUTION_TEXT[distribution],
                       REPRESENTATIVE_SAMPLES, DISTRIBUTION_TEXT[distribution]),
    }
    print("%-22s %9d bytes  %10d MACs  %7d params  %.1f s" % (
        info["file"], info["size_bytes"], info["macs"], info["params"], time.time() - start))
    print("    ops: " + ", ".join("%s x%d" % kv for kv in info["ops"].items()))
    print("    variants: " + ", ".join("%s x%d" % kv for kv in info["op_variants"].items()))
    print("    LiteRT " + info["litert_check"])
    if info["unexpected_ops"]:
        print("    NOTE: ops outside the expected set: %s" % info["unexpected_ops"])
    return info


def manifest_rows(infos):
    for info in infos:
        inp = info["input"]
        yield "| `%s` | %s | %s int8 (scale %.4g, zp %d) | %s | %s | %s | %s | %s | %s |" % (
            info["file"], info["task"], "x".join(str(n) for n in inp["shape"]), inp["scale"],
            inp["zero_point"], info["architecture"], format(info["macs"], ","),
            format(info["params"], ","), ", ".join("%s %d" % kv for kv in info["ops"].items()),
            format(info["size_bytes"], ","), info["how_made"])


def write_manifest_md(path, infos):
    lines = [
        "# MLPerf Tiny architecture references (int8)",
        "",
        "Made by `python3 models/make_mlperf_tiny.py` (about 15 s; deterministic: two runs give",
        "identical bytes). Weights are random, so these are architecture references, not",
        "accuracy references. MACs count CONV_2D (oh*ow*cout*kh*kw*cin), DEPTHWISE_CONV_2D",
        "(oh*ow*cout*kh*kw) and FULLY_CONNECTED (in*out); params are the weight and bias elements",
        "of those ops. Both are computed from the converted .tflite. Machine-readable copy:",
        "`manifest.json`.",
        "",
        "| file | task | input | architecture | MACs | params | ops (count) | bytes | how made |",
        "|---|---|---|---|---:|---:|---|---:|---|",
    ]
    lines += list(manifest_rows(infos))
    lines += ["", "Op variants (stride, pool window, fused activation) and published figures:", "",
              "| file | op variants (count) | published MACs / params | sha256 (first 16) |",
              "|---|---|---|---|"]
    for info in infos:
        lines.append("| `%s` | %s | %s / %s | `%s` |" % (
            info["file"], ", ".join("%s %d" % kv for kv in info["op_variants"].items()),
            info["published_macs"], info["published_params"], info["sha256"][:16]))
    lines += ["",
              "Notes:",
              "- Synthetic data: kws and ad draw N(0,1) per element (standardized MFCC / log-mel "
              "features); vww and ic draw U[0,1) per pixel (images scaled by 1/255).",
              "- All inputs and outputs are int8 (no QUANTIZE/DEQUANTIZE). Classifier outputs are "
              "SOFTMAX (scale 1/256, zero point -128); the autoencoder ends in FULLY_CONNECTED.",
              "- Pooling is AVERAGE_POOL_2D over the full spatial size (not MEAN). The converter "
              "drops Keras' Flatten: FULLY_CONNECTED reads the [1,1,1,C] pool output directly "
              "(keep_num_dims false), so there is no RESHAPE.",
              "- All convolutions use SAME padding (no PAD op); BatchNorm is folded into the "
              "weights and bias; ReLU/ReLU6 are fused into the producing op (ADD+RELU in "
              "ResNet-8).",
              "- Every MAC op has a bias tensor (random non-zero initial biases: the converter "
              "omits an all-zero bias).", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--models", default=",".join(MODELS),
                        help="comma-separated subset of %s" % ",".join(MODELS))
    args = parser.parse_args()
    keys = [k for k in args.models.split(",") if k]
    bad = [k for k in keys if k not in MODELS]
    if bad:
        sys.exit("error: unknown model %s (choose from %s)" % (bad, ",".join(MODELS)))

    warnings.filterwarnings("ignore", message="Statistics for quantized inputs")
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    os.makedirs(args.out_dir, exist_ok=True)
    start = time.time()
    infos = []
    for key in keys:
        # Reseed per model so each model is independent of which others are built.
        tf.keras.utils.set_random_seed(SEED)
        tf.config.experimental.enable_op_determinism()
        infos.append(make_one(tf, key, args.out_dir, np.random.default_rng(SEED)))
    if keys == list(MODELS):  # the manifest describes the full set only
        with open(os.path.join(args.out_dir, "manifest.json"), "w") as f:
            json.dump({"generator": "models/make_mlperf_tiny.py", "seed": SEED,
                       "models": infos}, f, indent=1)
            f.write("\n")
        write_manifest_md(os.path.join(args.out_dir, "MANIFEST.md"), infos)
    print("total %.1f s" % (time.time() - start))


if __name__ == "__main__":
    main()
