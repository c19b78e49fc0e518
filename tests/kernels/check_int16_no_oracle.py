#!/usr/bin/env python3
"""The int16 paths TFLite Micro has and LiteRT gives nothing to be bit-exact with, which Mica
therefore checks against TFLite Micro's own interpreter (check_tflm_oracle.py; coverage_table.py
NOTES16). Each claim is measured here on the installed TensorFlow converter and LiteRT, so this
fails the day one of them changes and LiteRT becomes the oracle again:
  UNIDIRECTIONAL_SEQUENCE_LSTM 16x8: the converter stops with "not yet supported", and LiteRT's
    kernel fails to prepare the int16 LSTM derived from a converted int8 one
    (make_lstm_op_models.py derive16): it treats only int8 input as the integer LSTM.
  SUM int16: LiteRT BUILTIN_REF runs its uint8 path on the int16 tensor - it sums the input's
    bytes and writes one byte per output - so the outputs are not the sum.
  SQUARED_DIFFERENCE int16: the converter emits it; LiteRT's invoke fails (float32, int32, int8).
  check_int16_no_oracle.py      exit 1 when a claim no longer holds"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_int16_op_models as i16  # noqa: E402 (sets TF logging quiet)
import make_lstm_op_models as lstm  # noqa: E402

tf, som = i16.tf, i16.som
from ai_edge_litert import interpreter as litert  # noqa: E402

REF = litert.OpResolverType.BUILTIN_REF


def litert_run(data, inputs):
    """Outputs of LiteRT BUILTIN_REF, or the error text when prepare or invoke fails."""
    try:
        it = litert.Interpreter(model_content=data, experimental_op_resolver_type=REF)
        it.allocate_tensors()
        for d, x in zip(it.get_input_details(), inputs):
            it.set_tensor(d["index"], x)
        it.invoke()
        return it.get_tensor(it.get_output_details()[0]["index"])
    except (RuntimeError, ValueError) as e:
        return str(e)


def check_lstm():
    model, shape = lstm.build(5, 6, 8, True, False, 1)
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = lambda: ([np.full(shape, 0.5, np.float32)] for _ in range(4))
    conv.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    conv.inference_input_type = conv.inference_output_type = tf.int16
    try:
        with som.silenced_fds():
            conv.convert()
        return "the converter now makes a 16x8 UNIDIRECTIONAL_SEQUENCE_LSTM"
    except Exception as e:  # the converter raises a RuntimeError subclass or ConverterError
        if "16x8-bit not yet supported" not in str(e):
            return "converter: unexpected error %s" % str(e).splitlines()[-1][:200]
    out = litert_run(lstm.derive16(lstm.convert(model, shape, 1)), [np.zeros(shape, np.int16)])
    if not isinstance(out, str):
        return "LiteRT now runs the int16 LSTM"
    if "failed to prepare" not in out:
        return "LiteRT: unexpected error %s" % out[:200]
    return None


def sum_as_uint8_bytes(x, axes, n_out):
    """What LiteRT's uint8 SUM path computes on the int16 buffer: the first x.size bytes read as
    uint8 in x's shape, summed (same scale, zero point 0), saturated to 255."""
    raw = np.frombuffer(x.tobytes(), np.uint8)[:x.size].reshape(x.shape).astype(np.int64)
    return np.minimum(raw.sum(axis=axes).reshape(-1), 255)[:n_out]


def check_sum():
    data = i16.convert16(lambda x: tf.reduce_sum(x, axis=[0, 2]), [(3, 4, 5)], 350)
    rng = np.random.default_rng(3)
    for x in (np.full((3, 4, 5), 7, np.int16), rng.integers(-20, 20, (3, 4, 5)).astype(np.int16)):
        out = litert_run(data, [x])
        if isinstance(out, str):
            return "LiteRT int16 SUM fails: %s" % out[:200]
        if np.array_equal(out.astype(np.int64), x.astype(np.int64).sum(axis=(0, 2))):
            return "LiteRT's int16 SUM now gives the sum (scales are equal)"
        got = np.frombuffer(out.tobytes(), np.uint8)[:out.size]  # one byte per output
        if not np.array_equal(got, sum_as_uint8_bytes(x, (0, 2), out.size)):
            return "LiteRT's int16 SUM is neither the sum nor the uint8 path on the bytes"
    return None


def check_squared_difference():
    data = i16.convert16(lambda a, b: tf.math.squared_difference(a, b), [(2, 5), (2, 5)], 360)
    if i16.op_names(data) != ["SQUARED_DIFFERENCE"]:
        return "the converter no longer emits an int16 SQUARED_DIFFERENCE"
    out = litert_run(data, [np.full((2, 5), 1000, np.int16), np.full((2, 5), -1000, np.int16)])
    if not isinstance(out, str):
        return "LiteRT now runs int16 SQUARED_DIFFERENCE"
    if "only supports FLOAT32 and INT32" not in out:
        return "LiteRT: unexpected error %s" % out[:200]
    return None


def main():
    failed = 0
    for name, check in (("UNIDIRECTIONAL_SEQUENCE_LSTM 16x8", check_lstm), ("SUM int16", check_sum),
                        ("SQUARED_DIFFERENCE int16", check_squared_difference)):
        why = check()
        print("%s: %s" % (name, "no LiteRT oracle (TFLite Micro's is used), as "
                          "coverage_table.py says" if why is None else "FAIL: " + why))
        failed += why is not None
    print("check_int16_no_oracle.py: %s" % ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
