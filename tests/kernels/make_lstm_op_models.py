#!/usr/bin/env python3
"""Generate UNIDIRECTIONAL_SEQUENCE_LSTM op models: Keras LSTM layers converted fully int8 (int8
input/output/weights, int16 cell state, the hidden scale in the op's intermediates) with a
representative dataset and TFLITE_BUILTINS_INT8. Only tf_keras (Keras 2) layers fuse into the
UNIDIRECTIONAL_SEQUENCE_LSTM op; Keras 3 LSTMs convert to a WHILE loop, so without tf_keras this
script says so and exits 2. Writes DIR/<name>.tflite (default DIR = build/lstm_op_models) and
DIR/manifest.json (model -> operators), like make_cpu_op_models.py, so tests/kernels/run.sh
verifies them the same way.
Usage: python3 tests/kernels/make_lstm_op_models.py [DIR]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
import numpy as np  # noqa: E402

import single_op_models as som  # noqa: E402 (sets TF logging quiet)

tf = som.tf
try:
    import tf_keras as K  # noqa: E402
except ImportError:
    print("make_lstm_op_models.py: needs the tf_keras package (Keras 2): pip install tf-keras")
    sys.exit(2)

# name -> (time steps, features, units, return_sequences, time_major, seed)
CASES = {
    "lstm_t5_f6_u8_seq": (5, 6, 8, True, False, 1),
    "lstm_t7_f10_u16_last": (7, 10, 16, False, False, 2),
    "lstm_t4_f12_u32_seq": (4, 12, 32, True, False, 3),
    "lstm_t6_f5_u12_time_major": (6, 5, 12, True, True, 4),
}


def build(steps, features, units, return_sequences, time_major, seed):
    K.utils.set_random_seed(seed)
    if time_major:  # a time-major LSTM fuses from a [time, batch, features] input
        inp = K.Input(shape=(1, features), batch_size=steps)
        lstm = K.layers.LSTM(units, return_sequences=True, time_major=True)
    else:
        inp = K.Input(shape=(steps, features), batch_size=1)
        lstm = K.layers.LSTM(units, return_sequences=return_sequences)
    return K.Model(inp, lstm(inp)), tuple(inp.shape)


def convert(model, shape, seed):
    rng = np.random.default_rng(seed)

    def representative():
        for _ in range(16):
            yield [rng.uniform(-1.0, 1.3, shape).astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = representative
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    with som.silenced_fds():
        return bytes(conv.convert())


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "lstm_op_models")
    os.makedirs(out_dir, exist_ok=True)
    manifest = {}
    for name, (steps, features, units, seq, time_major, seed) in CASES.items():
        model, shape = build(steps, features, units, seq, time_major, seed)
        data = convert(model, shape, seed)
        ops = som.op_names_of(data)
        if "UNIDIRECTIONAL_SEQUENCE_LSTM" not in ops:
            print("%s: the converter did not fuse the LSTM (%s)" % (name, ", ".join(ops)))
            return 1
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        manifest[name] = ops
        print("%s: %s" % (name, " ".join(ops)))
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
