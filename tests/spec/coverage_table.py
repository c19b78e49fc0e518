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
# among the int8 builtins below.
TFLM_NO_INT8 = {"CEIL": "float32 only", "FLOOR": "float32 only", "ROUND": "float32 only",
                "COS": "float32 only", "SIN": "float32 only", "SQUARE": "float32 only",
                "L2_POOL_2D": "float32 only", "FLOOR_DIV": "float32 only",
                "FLOOR_MOD": "float32 only", "ZEROS_LIKE": "int32, int64, float32",
                "BROADCAST_ARGS": "int32/int64 shapes", "DETECTION_POSTPROCESS": "float32 only"}
# Builtins with a TFLite Micro int8 path that Mica does not run yet, and why.
TFLM_INT8_OPEN = {}
NOTES.update({"EMBEDDING_LOOKUP": "run-time int32 ids, constant int8 table (not the float32 hybrid)",
              "BATCH_MATMUL": "adj_x/adj_y, broadcast batch, one constant operand; "
                              "accelerator: constant rhs, adj_x only with one row",
              "TRANSPOSE_CONV": "per-channel weights, optional bias; accelerator: batch 1, strides "
                                "up to 16",
              "ELU": "LiteRT BUILTIN_REF has none (check_elu_int8.py)",
              "FILL": "run-time int8 value, constant dims",
              "CAST": "int8 <-> int32/float32 at model edges (raw values)",
              "ADD_N": "TFLM's int8 arithmetic; LiteRT has none (check_accumulate_int8.py)",
              "CUMSUM": "TFLM's int8 arithmetic, exclusive/reverse; LiteRT has none "
                        "(check_accumulate_int8.py)"})

NOTES16 = {"QUANTIZE": "float32 -> int8/int16 at inputs; int8 <-> int16",
           "DEQUANTIZE": "int8/int16 -> float32 at outputs", "SVDF": "int16 state (variable)",
           "LOGISTIC": "int16: TFLite's sigmoid table, measured", "TANH": "int16: TFLite's sigmoid table, measured"}


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
            n, "yes" if a or c or f else "no", "yes" if n in int16 else "no", "yes" if a else "",
            "yes" if c else "", FOLDED.get(n) or NOTES16.get(n) or NOTES.get(n) or
            ("TFLM: " + TFLM_NO_INT8[n] if n in TFLM_NO_INT8 else TFLM_INT8_OPEN.get(n, ""))))
    rows.append("")
    int8_names = [n for n in names if n not in TFLM_NO_INT8]
    runs8 = sum(n in accel or n in cpu or n in FOLDED for n in int8_names)
    rows.append("%d of %d TFLite Micro builtins run (int8); %d have int16 paths (CPU). "
                "%d of the builtins have an int8 path in TFLite Micro; Mica runs %d of those "
                "(the other %d TFLite Micro runs only on float32/int32: note column)." % (
                    covered, len(names), covered16, len(int8_names), runs8,
                    len(names) - len(int8_names)))
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
