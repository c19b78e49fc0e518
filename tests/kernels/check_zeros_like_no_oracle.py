#!/usr/bin/env python3
"""Why Mica checks int8 ZEROS_LIKE against TFLite Micro's interpreter (check_tflm_oracle.py) and on
models derived by make_zeros_like_models.py, measured on the installed converter and LiteRT, so
this fails the day either changes (coverage_table.py's note then needs revisiting):
  the converter folds tf.zeros_like of an int8 activation away (its output is a constant), so no
    converted model has an int8 ZEROS_LIKE;
  LiteRT BUILTIN_REF fails the invoke of an int8 ZEROS_LIKE (int64, int32, float32 only).
  check_zeros_like_no_oracle.py      exit 1 when a claim no longer holds"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from check_int16_no_oracle import litert_run  # noqa: E402 (sets TF logging quiet)
import make_zeros_like_models as zl  # noqa: E402

tf, som = zl.tf, zl.som


def check_converter():
    data = som.convert(lambda x: zl.K.Add()([tf.keras.ops.zeros_like(zl.K.ReLU()(x[0])), x[0]]), [(2, 3)],
                       395)
    if "ZEROS_LIKE" in som.op_names_of(data):
        return "the converter now emits an int8 ZEROS_LIKE (convert models instead of deriving)"
    return None


def check_litert():
    data = zl.as_zeros_like(som.convert(lambda x: zl.K.ReLU()(x[0]), [(2, 3)], 390), "RELU")
    out = litert_run(data, [np.full((2, 3), 5, np.int8)])
    if not isinstance(out, str):
        return "LiteRT now runs int8 ZEROS_LIKE (output %s): make it the oracle" % out.ravel()
    if "ZerosLike only currently supports" not in out:
        return "LiteRT: unexpected error %s" % out[:200]
    return None


def main():
    failed = 0
    for name, check in (("converter", check_converter), ("LiteRT", check_litert)):
        why = check()
        print("ZEROS_LIKE int8, %s: %s" % (name, "as coverage_table.py says (TFLite Micro's "
                                           "interpreter is the oracle)" if why is None
                                           else "FAIL: " + why))
        failed += why is not None
    print("check_zeros_like_no_oracle.py: %s" % ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
