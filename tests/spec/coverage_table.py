#!/usr/bin/env python3
"""The coverage table README.md shows: every builtin TFLite Micro registers
(tests/spec/tflm_builtin_ops.txt) against what `mica ops` says Mica runs.
  coverage_table.py MICA          prints the table (markdown)
  coverage_table.py MICA --check  exit 1 when README.md's copy differs"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BEGIN, END = "<!-- coverage:begin -->", "<!-- coverage:end -->"
# Paths Mica has beside the plain int8 kernel (the rest of the table is derived).
FOLDED = {"SHAPE": "folded when static",
          "BROADCAST_ARGS": "folded when static (TFLM: int32/int64 shapes)"}
NOTES = {"QUANTIZE": "float32 -> int8 at inputs", "DEQUANTIZE": "int8 -> float32 at outputs",
         "ARG_MAX": "int32/int64 outputs", "ARG_MIN": "int32/int64 outputs",
         "GATHER": "constant or run-time int32 indices", "BATCH_TO_SPACE_ND": "zero crops",
         "SPACE_TO_BATCH_ND": "zero paddings", "SPLIT": "up to 4 parts", "SPLIT_V": "up to 4 parts",
         "UNPACK": "up to 4 parts", "ADD": "accelerator: same shapes", "PACK": "also folded (int32)",
         "IF": "subgraphs (control step)", "WHILE": "subgraphs (control step), bounded",
         "CALL_ONCE": "once per state reset", "VAR_HANDLE": "resolved at compile time",
         "READ_VARIABLE": "state tensor", "ASSIGN_VARIABLE": "state tensor"}


# What TFLite Micro's kernel registers for the builtins without an int8 path (from each kernel's
# type switch in tensorflow/tflite-micro, tensorflow/lite/micro/kernels/<name>.cc): not counted
# among the int8 builtins below. exp.cc's prepare requires float32 and neg.cc's eval has only the
# float32 case (a TODO for int8); Mica runs both on int8 anyway, bit-exact with LiteRT (NOTES).
TFLM_NO_INT8 = {"CEIL": "float32 only", "FLOOR": "float32 only", "ROUND": "float32 only",
                "COS": "float32 only", "SIN": "float32 only", "SQUARE": "float32 only",
                "L2_POOL_2D": "float32 only", "FLOOR_DIV": "float32 only",
                "FLOOR_MOD": "float32 only", "EXP": "float32 only", "NEG": "float32 only",
                "BROADCAST_ARGS": "int32/int64 shapes", "DETECTION_POSTPROCESS": "float32 only"}
# Builtins with a TFLite Micro int8 path that Mica does not run yet, and why (none now).
TFLM_INT8_OPEN = {}
NOTES.update({"EMBEDDING_LOOKUP": "run-time int32 ids, constant int8 table (not the float32 hybrid)",
              "BATCH_MATMUL": "adj_x/adj_y, broadcast batch, one constant operand; "
                              "accelerator: constant rhs, adj_x only with one row",
              "TRANSPOSE_CONV": "per-channel weights, optional bias; accelerator: batch 1, strides "
                                "up to 16",
              "ELU": "LiteRT BUILTIN_REF has none (check_elu_int8.py)",
              "EXP": "TFLM: float32 only; Mica runs LiteRT's int8 (its table)",
              "NEG": "TFLM: float32 only; Mica runs LiteRT's int8",
              "FILL": "run-time int8 value, constant dims",
              "ZEROS_LIKE": "TFLM's int8 (raw 0, not the zero point), checked against its "
                            "interpreter (check_tflm_oracle.py): LiteRT has none "
                            "(check_zeros_like_no_oracle.py)",
              "CAST": "int8 <-> int32/float32 at model edges (raw values)",
              "ADD_N": "TFLM's int8 arithmetic; LiteRT has none (check_accumulate_int8.py)",
              "CUMSUM": "TFLM's int8 arithmetic, exclusive/reverse; LiteRT has none "
                        "(check_accumulate_int8.py)"})

NOTES16 = {"QUANTIZE": "float32 -> int8/int16 at inputs; int8 <-> int16",
           "DEQUANTIZE": "int8/int16 -> float32 at outputs", "SVDF": "int16 state (variable)",
           "LOGISTIC": "int16: TFLite's sigmoid table, measured", "TANH": "int16: TFLite's sigmoid table, measured",
           "SUM": "int16: TFLite Micro's arithmetic, checked against its interpreter "
                  "(check_tflm_oracle.py): LiteRT's BUILTIN_REF SUM runs its uint8 path on int16 "
                  "tensors (reads the bytes, writes one byte per output)",
           "GREATER": "int16: raw values compared, as LiteRT does (TFLite Micro rescales first)", "PRELU": "int16: int8 alpha, as TFLite Micro; models derived from int8 conversions (the converter has no 16x8 PRELU)",
           "CAST": "int8/int16 <-> int8/int16/int32/float32 at model edges (raw values)",
           "SQUARED_DIFFERENCE": "int16: TFLite Micro's arithmetic, checked against its "
                                 "interpreter (check_tflm_oracle.py): LiteRT has none (float32, int32, "
                                 "int8; int16 fails the invoke), though the converter emits it",
           "UNIDIRECTIONAL_SEQUENCE_LSTM": "int16: TFLite Micro's arithmetic, checked against its "
                                           "interpreter (check_tflm_oracle.py): the converter refuses a "
                                           "16x8 LSTM and LiteRT runs integer LSTM on int8 only"}

# The builtins TFLite Micro runs on int16 activations: the kernel file (tensorflow/tflite-micro,
# tensorflow/lite/micro/kernels/) whose type switch has the int16 case. Every builtin not listed has
# no int16 case there (read in the same files: gather.cc, gather_nd.cc, pack.cc, hard_swish.cc,
# elementwise.cc's RSQRT prepare, comparisons.cc's EQUAL/NOT_EQUAL/LESS/LESS_EQUAL/GREATER_EQUAL,
# reduce_common.cc's REDUCE_MAX, depth_to_space.cc, space_to_depth.cc, batch_to_space_nd.cc,
# space_to_batch_nd.cc, mirror_pad.cc, resize_bilinear.cc, arg_min_max.cc, fill.cc, neg.cc, exp.cc,
# log_softmax.cc, l2norm.cc, div.cc, cumsum.cc, elu.cc, add_n.cc, zeros_like.cc,
# embedding_lookup.cc), or is type-free (control flow, resource variables).
TFLM_INT16 = {
    "ABS": "elementwise.cc", "ADD": "add.cc", "AVERAGE_POOL_2D": "pooling.cc",
    "BATCH_MATMUL": "batch_matmul.cc", "BROADCAST_TO": "broadcast_to.cc (raw bytes)",
    "CAST": "cast.cc", "CONCATENATION": "concatenation.cc", "CONV_2D": "conv.cc",
    "DEPTHWISE_CONV_2D": "depthwise_conv.cc", "DEQUANTIZE": "dequantize.cc",
    "EXPAND_DIMS": "expand_dims.cc", "FULLY_CONNECTED": "fully_connected.cc",
    "GREATER": "comparisons.cc", "LEAKY_RELU": "leaky_relu.cc", "LOGISTIC": "logistic.cc",
    "MAX_POOL_2D": "pooling.cc", "MAXIMUM": "maximum_minimum.cc", "MEAN": "reduce_common.cc",
    "MINIMUM": "maximum_minimum.cc", "MUL": "mul.cc", "PAD": "pad.cc", "PADV2": "pad.cc",
    "PRELU": "prelu.cc", "QUANTIZE": "quantize.cc", "RELU": "activations.cc",
    "RELU6": "activations.cc", "RESHAPE": "reshape_common.cc (byte copy)",
    "RESIZE_NEAREST_NEIGHBOR": "resize_nearest_neighbor.cc", "SELECT_V2": "select.cc",
    "SLICE": "slice.cc", "SOFTMAX": "softmax.cc", "SPLIT": "split.cc", "SPLIT_V": "split_v.cc",
    "SQUARED_DIFFERENCE": "squared_difference.cc", "SQUEEZE": "squeeze.cc (byte copy)",
    "STRIDED_SLICE": "strided_slice.cc", "SUB": "sub.cc", "SUM": "reduce_common.cc",
    "SVDF": "svdf.cc", "TANH": "tanh.cc", "TRANSPOSE": "transpose.cc",
    "TRANSPOSE_CONV": "transpose_conv.cc",
    "UNIDIRECTIONAL_SEQUENCE_LSTM": "unidirectional_sequence_lstm.cc (16x8)", "UNPACK": "unpack.cc"}


def int16_cell(name, int16):
    """yes: Mica runs it on int16; no: TFLite Micro does and Mica not yet; -: TFLite Micro has no
    int16 case."""
    return "yes" if name in int16 else "no" if name in TFLM_INT16 else "-"


def table(mica):
    ops = subprocess.run([mica, "ops"], capture_output=True, text=True, check=True).stdout
    accel = {n.strip() for n in re.search(r"the accelerator runs ([A-Z0-9_, and]+)", ops).group(1)
             .replace(" and ", ", ").split(", ")}  # the last name ends before " |"
    cpu_row = [line for line in ops.splitlines() if line.startswith("| CPU |")][0]
    cpu = set(cpu_row.split("|")[2].strip().split(", "))
    int16_row = [line for line in ops.splitlines() if line.startswith("| CPU int16 |")]
    int16 = set(int16_row[0].split("|")[2].strip().split(", ")) if int16_row else set()
    control_row = [line for line in ops.splitlines() if line.startswith("| CPU control |")]
    control = set(control_row[0].split("|")[2].strip().split(", ")) if control_row else set()
    int32_row = [line for line in ops.splitlines() if line.startswith("| CPU int32 |")]
    int32 = set(int32_row[0].split("|")[2].strip().split(", ")) if int32_row else set()
    cpu |= control | int32  # int32 paths of operators with int8 data (EMBEDDING_LOOKUP's table)
    if "SVDF" in cpu:
        int16.add("SVDF")  # int8 in and out around an int16 state
    names = [line.strip() for line in open(os.path.join(ROOT, "tests/spec/tflm_builtin_ops.txt"))
             if line.strip() and not line.startswith("#")]
    rows = ["| operator | int8 | int16 | accelerator | CPU | note |", "|---|---|---|---|---|---|"]
    covered = covered16 = 0
    for n in names:
        a, c, f = n in accel, n in cpu, n in FOLDED
        covered += a or c or f
        covered16 = covered16 + 1 if n in int16 else covered16
        rows.append("| %s | %s | %s | %s | %s | %s |" % (
            n, "yes" if a or c or f else "no", int16_cell(n, int16), "yes" if a else "",
            "yes" if c else "", FOLDED.get(n) or NOTES16.get(n) or NOTES.get(n) or
            ("TFLM: " + TFLM_NO_INT8[n] if n in TFLM_NO_INT8 else TFLM_INT8_OPEN.get(n, ""))))
    rows.append("")
    int8_names = [n for n in names if n not in TFLM_NO_INT8]
    runs8 = sum(n in accel or n in cpu or n in FOLDED for n in int8_names)
    beyond = sum(n in accel or n in cpu for n in names if n in TFLM_NO_INT8)  # LiteRT's int8 only
    open16 = sorted(n for n in TFLM_INT16 if n in names and n not in int16)
    rows.append("%d of %d TFLite Micro builtins run (int8); %d have int16 paths (CPU). "
                "%d of the builtins have an int8 path in TFLite Micro; Mica runs %d of those "
                "(the other %d TFLite Micro runs only on float32/int32: note column; Mica runs "
                "%d of them on int8 as LiteRT does). "
                "TFLite Micro runs %d builtins on int16 (int16 column: - where it has no int16 "
                "case); Mica runs %d of those%s." % (
                    covered, len(names), covered16, len(int8_names), runs8,
                    len(names) - len(int8_names), beyond, len(TFLM_INT16),
                    len(TFLM_INT16) - len(open16),
                    ", not yet " + ", ".join(open16) if open16 else ""))
    return "\n".join(rows)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    want = table(sys.argv[1])
    if "--check" not in sys.argv:
        print(want)
        return
    text = open(os.path.join(ROOT, "README.md")).read()
    have = text.split(BEGIN, 1)[1].split(END, 1)[0].strip() if BEGIN in text else ""
    if have != want.strip():
        sys.exit("coverage_table: README.md's table differs from `mica ops` (regenerate: "
                 "python3 tests/spec/coverage_table.py build/mica)")
    print("coverage_table: PASS")


main()
