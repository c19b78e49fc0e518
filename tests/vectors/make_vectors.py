#!/usr/bin/env python3
"""Write the committed LiteRT vectors that `make check` compares Mica's outputs with.

For every case of CASES: a few random int8 inputs (fixed seed per model) and the outputs of
LiteRT's reference kernels (BUILTIN_REF, tests/oracle/tflite_tools.py), as tests/vectors/NAME.vec
(format in tests/vectors/README.md), and the index tests/vectors/vectors.txt that
tests/check/check_vectors.sh reads (case name, model, vector file, `mica compile` options).
The single-op models are committed under tests/vectors/models/ so `make check` needs no
TensorFlow; --regen makes them again with tests/oracle/make_op_models.py and
tests/kernels/make_cpu_op_models.py (TensorFlow's converter; other TF versions may give other
bytes, hence not done by default) and copies the chosen ones there.
Run by hand or by `make vectors` (needs numpy and LiteRT):
  python3 tests/vectors/make_vectors.py [--regen] [--samples N]
"""
import argparse
import os
import shutil
import struct
import subprocess
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
import numpy as np  # noqa: E402

import tflite_tools  # noqa: E402

MAGIC = b"MICAVEC1"
DTYPE_CODE = {np.dtype(np.int8): 1, np.dtype(np.int32): 2}   # mica_tensor_info_t.dtype
MAX_RANK = 6

# (case, source, model file stem, mica compile options). source: "models" = models/STEM.tflite;
# "op" = tests/oracle/make_op_models.py (accelerator ops); "cpu" = make_cpu_op_models.py.
CASES = [
    ("digits", "models", "digits", ""),
    ("kws_dscnn", "models", "kws_dscnn", ""),
    ("vww_mobilenet", "models", "vww_mobilenet", ""),
    ("ic_resnet8", "models", "ic_resnet8", ""),
    ("ad_autoencoder", "models", "ad_autoencoder", ""),
    # every op of digits on its CPU kernel (tests/check/embed_core.c runs this one too)
    ("digits_cpu", "models", "digits", "--cpu CONV_2D,FULLY_CONNECTED"),
    # accelerator: CONV (stride, clamp, dilation, packed first layer), DW, FC, pools, ADD
    ("conv_s2_same", "op", "conv_k3x3_s2_same_d1_cin3_cout17_relu_in11x9", ""),
    ("conv_k5_clamp", "op", "conv_k5x5_s1_same_d1_cin1_cout32_relu_in11x9_clamp", ""),
    ("conv_dilated", "op", "conv_k3x3_s1_valid_d2_cin3_cout17_none_in12x10", ""),
    ("conv_k10x4_packed", "op", "conv_k10x4_s2_same_d1_cin1_cout17_relu_in49x10", ""),
    ("dw_m1_relu6", "op", "dw_k3x3_s1_same_c20_m1_relu6_in9x8", ""),
    ("dw_m2_s2", "op", "dw_k3x3_s2_same_c3_m2_none_in11x12", ""),
    ("fc_clamp", "op", "fc_in100_out33_relu6_clamp", ""),
    ("fc_batch4", "op", "fc_in20_out9_relu_b4", ""),
    ("fc_per_tensor", "op", "fc_in37_out19_relu_pt", ""),
    ("avgpool_same_s2", "op", "avgpool_k3x3_s2_same_c20_in9x8", ""),
    ("maxpool_same_s2", "op", "maxpool_k3x3_s2_same_c20_in9x7", ""),
    ("add_scaled", "op", "add_5x7x3_f0.37_z11", ""),
    ("add_relu", "op", "add_6x6x24_relu_f2.9_z-40", ""),
    # CPU kernels: forced (--cpu) or by themselves (groups, batch 2, broadcasting, other ops)
    ("cpu_conv_groups", "cpu", "conv_3x3_groups2", ""),
    ("cpu_dw_c70", "cpu", "dw_3x3_s2_same_c70_relu6", "--cpu DEPTHWISE_CONV_2D"),
    ("cpu_fc_batch3", "cpu", "fc_b3_20_7_relu", "--cpu FULLY_CONNECTED"),
    ("cpu_avgpool_batch2", "cpu", "avgpool_3x3_s2_same", ""),
    ("cpu_add_bcast", "cpu", "add_bcast", ""),
    ("cpu_sub_bcast_rank", "cpu", "sub_bcast_rank", ""),
    ("cpu_mul_bcast", "cpu", "mul_bcast", ""),
    ("cpu_logistic", "cpu", "logistic", ""),
    ("cpu_tanh_wide", "cpu", "tanh_wide", ""),
    ("cpu_hard_swish", "cpu", "hard_swish", ""),
    ("cpu_leaky_relu", "cpu", "leaky_relu", ""),
    ("cpu_concat_scales", "cpu", "concat_axis1_scales", ""),
    ("cpu_mean_hw", "cpu", "mean_hw", ""),
    ("cpu_resize_half_pixel", "cpu", "resize_nn_half_pixel", ""),
    ("cpu_strided_slice", "cpu", "strided_slice_shrink", ""),
    ("cpu_transpose", "cpu", "transpose", ""),
    ("cpu_padv2", "cpu", "padv2_value", ""),
    ("cpu_quantize", "cpu", "quantize_down", ""),
    ("cpu_mean_equal_quant", "cpu", "mean_last_equal_quant", ""),
]

GENERATORS = {"op": os.path.join("tests", "oracle", "make_op_models.py"),
              "cpu": os.path.join("tests", "kernels", "make_cpu_op_models.py")}


def model_path(source, stem):
    """Repository-relative path of a case's model (what vectors.txt names)."""
    if source == "models":
        return os.path.join("models", stem + ".tflite")
    return os.path.join("tests", "vectors", "models", stem + ".tflite")


def regenerate_models():
    """Runs both generators into build/vectors_gen and copies the chosen models."""
    for source, script in GENERATORS.items():
        out = os.path.join(REPO, "build", "vectors_gen", source)
        subprocess.run([sys.executable, os.path.join(REPO, script), out], check=True)
        for _, src, stem, _ in CASES:
            if src == source:
                shutil.copyfile(os.path.join(out, stem + ".tflite"),
                                os.path.join(REPO, model_path(src, stem)))


def tensor_header(detail):
    dtype = np.dtype(detail["dtype"])
    shape = [int(n) for n in detail["shape"]]
    if dtype not in DTYPE_CODE or len(shape) > MAX_RANK:
        raise RuntimeError("%s: %s%s is not an int8/int32 tensor of rank <= %d"
                           % (detail["name"], dtype.name, shape, MAX_RANK))
    return struct.pack("<8I", DTYPE_CODE[dtype], len(shape), *(shape + [0] * (MAX_RANK - len(shape))))


def make_vectors(path, samples):
    """Header + per sample: every input's bytes, then every output's (LiteRT BUILTIN_REF)."""
    interp = tflite_tools.make_interpreter(model_path=os.path.join(REPO, path))
    ins, outs = interp.get_input_details(), interp.get_output_details()
    rng = np.random.default_rng(zlib.crc32(os.path.basename(path).encode()))
    blob = [MAGIC, struct.pack("<3I", samples, len(ins), len(outs))]
    blob += [tensor_header(d) for d in ins + outs]
    for _ in range(samples):
        for d in ins:
            info = np.iinfo(d["dtype"])
            x = rng.integers(info.min, info.max, size=d["shape"], endpoint=True, dtype=d["dtype"])
            interp.set_tensor(d["index"], x)
            blob.append(x.tobytes())
        interp.invoke()
        blob += [np.ascontiguousarray(interp.get_tensor(d["index"])).tobytes() for d in outs]
    return b"".join(blob)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regen", action="store_true", help="generate the single-op models again")
    parser.add_argument("--samples", type=int, default=6, help="inputs per model (default 6)")
    args = parser.parse_args(argv)
    if not 1 <= args.samples <= 1000:
        parser.error("--samples must be 1..1000, got %d" % args.samples)
    os.makedirs(os.path.join(HERE, "models"), exist_ok=True)
    if args.regen:
        regenerate_models()
    index = ["# case model vectors [mica compile options]; written by make_vectors.py"]
    written = {}
    for case, source, stem, options in CASES:
        path = model_path(source, stem)
        vec = os.path.join("tests", "vectors", stem + ".vec")
        if vec not in written:
            data = make_vectors(path, args.samples)
            with open(os.path.join(REPO, vec), "wb") as f:
                f.write(data)
            written[vec] = len(data)
        index.append(" ".join(filter(None, [case, path, vec, options])))
    with open(os.path.join(HERE, "vectors.txt"), "w") as f:
        f.write("\n".join(index) + "\n")
    print("make_vectors: %d cases, %d vector files, %d bytes (%s, %d samples each)"
          % (len(CASES), len(written), sum(written.values()), tflite_tools.ORACLE_BACKEND,
             args.samples))


if __name__ == "__main__":
    main(sys.argv[1:])
