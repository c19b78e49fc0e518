#!/usr/bin/env python3
"""Generate small single-op int8 .tflite models for the compiler/hardware tests.

Writes DIR/<name>.tflite (default DIR = build/op_models) and DIR/manifest.json describing each
model (op, shapes, kernel, stride, padding, dilation, activation). Every model holds exactly one
operator (FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D or ADD) with int8 input and output, so no QUANTIZE/DEQUANTIZE.
Deterministic (fixed seeds per model). Usage: python3 tests/oracle/make_op_models.py [DIR]
"""
import json
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import single_op_models as som  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (in features, out features, activation, batch[, "pt" = per-tensor weights])
FC_CASES = [
    (16, 10, "none", 1), (13, 7, "relu", 1), (100, 33, "relu6", 1), (64, 64, "none", 1),
    (250, 5, "relu", 1), (3, 40, "relu6", 1), (1, 17, "none", 1), (640, 128, "relu", 1),
    (20, 9, "relu", 4), (64, 64, "none", 1, "pt"), (37, 19, "relu", 1, "pt"),
]

# The converter always gives ReLU/ReLU6 outputs zero point -128 and ReLU6 scale 6/255, so the
# fused clamp never bites. These variants patch the output quantization so it does.
CLAMP_VARIANTS = {"fc_in13_out7_relu": ("relu", -40),
                  "fc_in100_out33_relu6": ("relu6", -40),
                  "conv_k3x3_s1_same_d1_cin1_cout17_relu6_in11x9": ("relu6", -30),
                  "conv_k5x5_s1_same_d1_cin1_cout32_relu_in11x9": ("relu", -60)}

KERNELS, STRIDES, PADDINGS = (1, 3, 5), (1, 2), ("SAME", "VALID")
CIN_CYCLE, COUT_CYCLE = (1, 3, 8, 20), (4, 17, 32)
ACT_CYCLE = ("none", "relu", "relu6")
SIZE_CYCLE = ((11, 9), (12, 10), (7, 13), (10, 10))


def conv_cases():
    """Every kernel x stride x padding, then dilation 2 (stride 1 only: TF forbids both > 1);
    channel counts, activations and input sizes cycle so every value appears several times."""
    combos = [(k, s, p, 1) for k in KERNELS for s in STRIDES for p in PADDINGS]
    combos += [(k, 1, p, 2) for k in (3, 5) for p in PADDINGS]
    combos += [(3, 2, "SAME", 1), (1, 1, "VALID", 1)]  # extra channel/activation mixes
    cases = []
    for i, (k, s, p, d) in enumerate(combos):
        h, w = SIZE_CYCLE[i % len(SIZE_CYCLE)]
        cases.append({"kernel": k, "stride": s, "padding": p, "dilation": d,
                      "cin": CIN_CYCLE[i % len(CIN_CYCLE)],
                      "cout": COUT_CYCLE[i % len(COUT_CYCLE)],
                      "act": ACT_CYCLE[(i // 2) % len(ACT_CYCLE)], "h": h, "w": w})
    # Few input channels: the compiler packs a kernel row's taps into the array rows (first layers
    # of kws, vww, resnet8); windows crossing the left/right edges, strides 1 and 2, odd widths.
    for kh, kw, s, p, cin, (h, w) in [(10, 4, 2, "SAME", 1, (49, 10)), (3, 3, 2, "SAME", 3, (12, 10)),
                                      (3, 3, 2, "SAME", 3, (11, 9)), (5, 5, 2, "VALID", 3, (12, 11)),
                                      (1, 4, 1, "SAME", 2, (7, 13)), (3, 2, 1, "SAME", 7, (8, 9))]:
        cases.append({"kernel": (kh, kw), "stride": s, "padding": p, "dilation": 1, "cin": cin,
                      "cout": 17, "act": "relu", "h": h, "w": w})
    return cases


def keras_activation(act):
    return {"none": None, "relu": "relu", "relu6": som.tf.nn.relu6}[act]


def bias_init(seed):
    return som.tf.keras.initializers.RandomUniform(-0.3, 0.3, seed=seed)


def kernel_init(seed):
    # Explicitly seeded: the global Keras seed alone gave a different first model per process.
    return som.tf.keras.initializers.GlorotUniform(seed=seed + 7)


def make_fc(k_in, k_out, act, batch, quant="pc", seed=0):
    layer = som.tf.keras.layers.Dense(k_out, activation=keras_activation(act),
                                      kernel_initializer=kernel_init(seed),
                                      bias_initializer=bias_init(seed))
    name = "fc_in%d_out%d_%s%s%s" % (k_in, k_out, act, "" if batch == 1 else "_b%d" % batch,
                                     "_pt" if quant == "pt" else "")
    meta = {"op": "FULLY_CONNECTED", "input_shape": [batch, k_in],
            "output_shape": [batch, k_out], "activation": act, "weights": quant}
    model = som.convert(lambda x: layer(x[0]), [(batch, k_in)], seed=seed,
                        per_tensor_dense=(quant == "pt"))
    return name, model, meta


def clamp_variant(model_bytes, act, zero_point):
    """Same model, quantization patched so the fused activation clamp bites:
    ReLU -> output zero point > -128 (act_min = zero point); ReLU6 -> input (and bias) scale
    x8 so real outputs exceed 6, output scale 0.1 so act_max = zero point + 60 < 127."""
    model = som.SingleOpModel(model_bytes)
    scale = float(model.tensor(("out", 0)).quantization.scale[0])
    if act == "relu6":
        for role in (("in", 0), ("in", 2)):
            quant = model.tensor(role).quantization
            quant.scale = np.asarray(quant.scale, np.float32) * np.float32(8)
        scale = 0.1
    else:
        scale *= 1.5
    model.set_quant(("out", 0), [scale], [zero_point])
    return model.to_bytes()


def make_conv(c, seed):
    layer = som.tf.keras.layers.Conv2D(
        c["cout"], c["kernel"], strides=c["stride"], padding=c["padding"].lower(),
        dilation_rate=c["dilation"], activation=keras_activation(c["act"]),
        kernel_initializer=kernel_init(seed), bias_initializer=bias_init(seed))
    kh, kw = c["kernel"] if isinstance(c["kernel"], tuple) else (c["kernel"], c["kernel"])
    name = "conv_k%dx%d_s%d_%s_d%d_cin%d_cout%d_%s_in%dx%d" % (
        kh, kw, c["stride"], c["padding"].lower(), c["dilation"], c["cin"],
        c["cout"], c["act"], c["h"], c["w"])
    in_shape = (1, c["h"], c["w"], c["cin"])
    meta = dict(c, op="CONV_2D", input_shape=list(in_shape), activation=c["act"])
    return name, som.convert(lambda x: layer(x[0]), [in_shape], seed=seed), meta


# (op, pool h x w, stride, padding, input h, w, channels)
POOL_CASES = [
    ("avg", (2, 2), 2, "VALID", 8, 10, 3), ("avg", (3, 3), 1, "VALID", 7, 9, 20),
    ("avg", (5, 5), 5, "VALID", 5, 5, 40), ("avg", (4, 3), 2, "VALID", 9, 11, 17),
    ("avg", (3, 3), 1, "SAME", 6, 7, 5), ("avg", (3, 3), 2, "SAME", 9, 8, 20),   # border windows:
    ("avg", (5, 4), 1, "SAME", 7, 9, 17),                                       # per-pixel divisors
    ("max", (2, 2), 2, "VALID", 8, 10, 3), ("max", (3, 3), 2, "SAME", 9, 7, 20),
    ("max", (3, 3), 1, "SAME", 7, 6, 33), ("max", (2, 3), 1, "VALID", 6, 8, 16),
    ("max", (6, 5), 1, "VALID", 6, 5, 20),                                      # global pool
]

# (kernel, stride, padding, channels, depth multiplier, input h, w, activation)
DW_CASES = [(3, 1, "SAME", 20, 1, 9, 8, "relu6"), (3, 2, "SAME", 3, 2, 11, 12, "none"),
            (5, 1, "VALID", 20, 3, 9, 9, "relu"), (3, 2, "VALID", 1, 8, 10, 9, "none"),
            # <= 8 channels at stride 1, even widths: pixel pairs on 16 lanes (gemm_plan.c)
            (3, 1, "SAME", 8, 1, 12, 24, "relu6"), (5, 1, "VALID", 4, 1, 9, 14, "none")]

# (shape, second input's patched (scale factor, zero point), fused relu)
ADD_CASES = [((1, 8, 10, 16), (1.0, 0), False), ((1, 5, 7, 3), (0.37, 11), False),
             ((1, 6, 6, 24), (2.9, -40), True), ((1, 40, 40, 16), (0.8, 5), False)]


def make_pool(c, seed):
    kind, (ph, pw), stride, padding, h, w, ch = c
    layer = (som.tf.keras.layers.AveragePooling2D if kind == "avg" else som.tf.keras.layers.MaxPooling2D)(
        (ph, pw), strides=stride, padding=padding.lower())
    name = "%spool_k%dx%d_s%d_%s_c%d_in%dx%d" % (kind, ph, pw, stride, padding.lower(), ch, h, w)
    meta = {"op": "AVERAGE_POOL_2D" if kind == "avg" else "MAX_POOL_2D", "input_shape": [1, h, w, ch],
            "kernel": [ph, pw], "stride": stride, "padding": padding}
    return name, som.convert(lambda x: layer(x[0]), [(1, h, w, ch)], seed=seed, calib_range=2.0), meta


def make_dw(c, seed):
    k, stride, padding, ch, mult, h, w, act = c
    layer = som.tf.keras.layers.DepthwiseConv2D(
        k, strides=stride, padding=padding.lower(), depth_multiplier=mult, activation=keras_activation(act),
        depthwise_initializer=kernel_init(seed), bias_initializer=bias_init(seed))
    name = "dw_k%dx%d_s%d_%s_c%d_m%d_%s_in%dx%d" % (k, k, stride, padding.lower(), ch, mult, act, h, w)
    meta = {"op": "DEPTHWISE_CONV_2D", "input_shape": [1, h, w, ch], "kernel": k, "stride": stride,
            "padding": padding, "depth_multiplier": mult, "activation": act}
    return name, som.convert(lambda x: layer(x[0]), [(1, h, w, ch)], seed=seed), meta


def make_add(c, seed):
    shape, (factor, zero_point), relu = c
    layers = som.tf.keras.layers
    act = layers.ReLU() if relu else (lambda v: v)
    model = som.SingleOpModel(som.convert(lambda x: act(layers.Add()([x[0], x[1]])), [shape, shape], seed=seed))
    scale = float(model.tensor(("in", 1)).quantization.scale[0]) * factor
    model.set_quant(("in", 1), [scale], [zero_point])
    name = "add_%s%s_f%g_z%d" % ("x".join(str(d) for d in shape[1:]), "_relu" if relu else "", factor, zero_point)
    meta = {"op": "ADD", "input_shape": list(shape), "input1_scale_factor": factor,
            "input1_zero_point": zero_point, "activation": "relu" if relu else "none"}
    return name, model.to_bytes(), meta


def check_single_op(name, model_bytes, expected_op):
    ops = som.op_names_of(model_bytes)
    if ops != [expected_op]:
        raise RuntimeError("%s: expected [%s], converter made %s" % (name, expected_op, ops))


def write_model(out_dir, manifest, name, model_bytes, meta):
    with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
        f.write(model_bytes)
    manifest[name] = dict(meta, crc32="%08x" % zlib.crc32(model_bytes))


def main(argv):
    out_dir = argv[0] if argv else os.path.join(REPO, "build", "op_models")
    os.makedirs(out_dir, exist_ok=True)
    start = time.time()
    builders = [lambda s, a=a: make_fc(*a, seed=s) for a in FC_CASES]
    builders += [lambda s, c=c: make_conv(c, seed=s) for c in conv_cases()]
    builders += [lambda s, c=c: make_dw(c, seed=s) for c in DW_CASES]
    builders += [lambda s, c=c: make_pool(c, seed=s) for c in POOL_CASES]
    builders += [lambda s, c=c: make_add(c, seed=s) for c in ADD_CASES]
    manifest = {}
    for index, build in enumerate(builders):
        name, model_bytes, meta = build(1000 + index)
        check_single_op(name, model_bytes, meta["op"])
        write_model(out_dir, manifest, name, model_bytes, meta)
        if name in CLAMP_VARIANTS:
            act, zero_point = CLAMP_VARIANTS[name]
            write_model(out_dir, manifest, name + "_clamp",
                        clamp_variant(model_bytes, act, zero_point),
                        dict(meta, patched_output_zero_point=zero_point))
    missing = set(CLAMP_VARIANTS) - set(manifest)
    if missing:
        raise RuntimeError("clamp variants refer to unknown models %s" % sorted(missing))
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print("wrote %d models to %s in %.1f s" % (len(manifest), out_dir, time.time() - start))


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except Exception as err:  # pylint: disable=broad-except
        sys.stderr.write("make_op_models: %s\n" % str(err).strip().splitlines()[0])
        sys.exit(1)
