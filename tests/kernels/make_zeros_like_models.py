#!/usr/bin/env python3
"""Generate int8 ZEROS_LIKE models. The converter folds tf.zeros_like away (its output is a
constant), so each is derived from a converted int8 model: one operator (RELU, RELU6, LOGISTIC) made a
ZEROS_LIKE with the same input and output tensors - the output keeps the converter's scale and a
zero point that is not 0, so a kernel writing the zero point instead of TFLite Micro's raw 0
fails. In zeros_like_add the zeros feed an ADD, which reads them through that zero point.
LiteRT has no int8 ZEROS_LIKE (check_zeros_like_no_oracle.py): the oracle is TFLite Micro's
interpreter (check_tflm_oracle.py, run_tflm_oracle.sh). DIR/refused/ holds an int16 ZEROS_LIKE
(TFLite Micro's zeros_like.cc has no int16 case; Mica refuses it in one line).
Usage: python3 tests/kernels/make_zeros_like_models.py [DIR]   (default build/zeros_like_models)
"""
import copy
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_int16_op_models as i16  # noqa: E402 (convert16; sets TF logging quiet)
import make_int16b_op_models as i16b  # noqa: E402 (write_set)

tf, som = i16.tf, i16.som
K = tf.keras.layers
ZEROS_LIKE = 93  # BuiltinOperator ZEROS_LIKE


def as_zeros_like(data, op_name):
    """Converted model bytes with its (single) op_name operator made a ZEROS_LIKE."""
    m = som.fbu.convert_bytearray_to_object(bytearray(data))
    ops = [op for op in m.subgraphs[0].operators
           if som.fbu.opcode_to_name(m, op.opcodeIndex) == op_name]
    if len(ops) != 1:
        raise ValueError("expected one %s in %s" % (op_name, som.op_names_of(data)))
    code = copy.deepcopy(m.operatorCodes[ops[0].opcodeIndex])
    code.builtinCode = code.deprecatedBuiltinCode = ZEROS_LIKE
    code.version = 1
    m.operatorCodes.append(code)
    ops[0].opcodeIndex = len(m.operatorCodes) - 1
    ops[0].builtinOptionsType, ops[0].builtinOptions = 0, None  # ZerosLikeOptions is empty
    return bytes(som.fbu.convert_object_to_bytearray(m))


def cases():
    conv = som.convert
    return {
        "zeros_like_2x3": as_zeros_like(conv(lambda x: K.ReLU()(x[0]), [(2, 3)], 390), "RELU"),
        "zeros_like_nhwc": as_zeros_like(conv(lambda x: K.ReLU(6.0)(x[0]), [(1, 4, 5, 3)], 391,
                                              4.0), "RELU6"),
        "zeros_like_rank1": as_zeros_like(conv(lambda x: K.Activation("sigmoid")(x[0]), [(37,)],
                                               392), "LOGISTIC"),
        "zeros_like_add": as_zeros_like(conv(lambda x: K.Add()([K.ReLU()(x[0]), x[0]]),
                                             [(2, 4, 6)], 393), "RELU"),
    }


def refused_cases():
    return {"zeros_like16": as_zeros_like(i16.convert16(lambda x: tf.nn.relu(x), [(2, 5)], 394),
                                          "RELU")}


def main():
    return i16b.write_set("make_zeros_like_models", "zeros_like_models", (cases,), refused_cases)


if __name__ == "__main__":
    sys.exit(main())
