#!/usr/bin/env python3
"""Generate UNIDIRECTIONAL_SEQUENCE_LSTM op models: Keras LSTM layers converted fully int8 (int8
input/output/weights, int16 cell state, the hidden scale in the op's intermediates) with a
representative dataset and TFLITE_BUILTINS_INT8. Only tf_keras (Keras 2) layers fuse into the
UNIDIRECTIONAL_SEQUENCE_LSTM op; Keras 3 LSTMs convert to a WHILE loop, so without tf_keras this
script says so and exits 2. Writes DIR/<name>.tflite (default DIR = build/lstm_op_models) and
DIR/manifest.json (model -> operators), like make_cpu_op_models.py, so tests/kernels/run.sh
verifies them the same way.
With --int16, writes the 16x8 variants instead (default DIR = build/lstm16_op_models): the converter
refuses a 16x8 LSTM ("not yet supported"), so each is derived from the converted int8 model -
every int8 activation tensor (input, output, hidden state) made int16 with zero point 0 and scale
s / 257 (the int8 range spread over the int16 one), the int32 biases made int64 times 257 (their
scale, input x weight, shrank by 257 too); weights and the cell state stay as converted. TFLite
Micro runs these (its int16 LSTM); LiteRT has no int16 LSTM (check_tflm_oracle.py is their oracle).
Usage: python3 tests/kernels/make_lstm_op_models.py [--int16] [DIR]
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

# name -> (time steps, features, units, return_sequences, time_major, seed, batch)
CASES = {
    "lstm_t5_f6_u8_seq": (5, 6, 8, True, False, 1, 1),
    "lstm_t7_f10_u16_last": (7, 10, 16, False, False, 2, 1),
    "lstm_t4_f12_u32_seq": (4, 12, 32, True, False, 3, 1),
    "lstm_t6_f5_u12_time_major": (6, 5, 12, True, True, 4, 1),
    "lstm_t4_f7_u9_b2_seq": (4, 7, 9, True, False, 5, 2),
    "lstm_t3_f4_u6_b3_time_major": (3, 4, 6, True, True, 6, 3),
}


def build(steps, features, units, return_sequences, time_major, seed, batch=1):
    K.utils.set_random_seed(seed)
    if time_major:  # a time-major LSTM fuses from a [time, batch, features] input
        inp = K.Input(shape=(batch, features), batch_size=steps)
        lstm = K.layers.LSTM(units, return_sequences=True, time_major=True)
    else:
        inp = K.Input(shape=(steps, features), batch_size=batch)
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


def derive16(data, cell_clip=0.0):
    """The 16x8 variant of a converted int8 LSTM model (module docstring); cell_clip > 0 sets the
    LSTM's cell clip (Keras sets none), so the clipping path runs too."""
    m = som.fbu.convert_bytearray_to_object(bytearray(data))
    sub = m.subgraphs[0]
    for t in sub.tensors:
        if t.type == 9 and m.buffers[t.buffer].data is None:  # an INT8 activation (no data)
            t.type = 7  # INT16
            t.quantization.scale = np.asarray(t.quantization.scale, np.float32) / np.float32(257)
            t.quantization.zeroPoint = np.zeros(len(t.quantization.scale), np.int64)
    widened = set()  # the converter shares one buffer among equal biases: widen it once
    for op in sub.operators:
        if m.operatorCodes[op.opcodeIndex].builtinCode != 44:  # UNIDIRECTIONAL_SEQUENCE_LSTM
            continue
        op.builtinOptions.cellClip = cell_clip
        for k in range(12, 16):
            t = sub.tensors[op.inputs[k]]
            if t.buffer not in widened:
                b = m.buffers[t.buffer]
                v = np.frombuffer(bytes(b.data), np.int32).astype(np.int64) * 257
                b.data = np.frombuffer(v.tobytes(), np.uint8)
                widened.add(t.buffer)
            t.type = 4  # INT64
    return bytes(som.fbu.convert_object_to_bytearray(m))


def refused16(data16):
    """Variants of a 16x8 LSTM model Mica must refuse with one line (exit 1): an input zero point,
    int32 biases (16x8 needs int64), an int8 hidden state beside int16 activations."""
    def edit(fn):
        m = som.fbu.convert_bytearray_to_object(bytearray(data16))
        sub = m.subgraphs[0]
        fn(m, sub, sub.operators[0])
        return bytes(som.fbu.convert_object_to_bytearray(m))

    def input_zp(m, sub, op):
        sub.tensors[op.inputs[0]].quantization.zeroPoint = np.asarray([3], np.int64)

    def int32_bias(m, sub, op):
        t = sub.tensors[op.inputs[13]]
        b = m.buffers[t.buffer]
        v = np.frombuffer(bytes(b.data), np.int64).astype(np.int32)
        b.data, t.type = np.frombuffer(v.tobytes(), np.uint8), 2  # INT32

    def hidden_int8(m, sub, op):
        sub.tensors[op.inputs[18]].type = 9
    return {"lstm16_input_zp": edit(input_zp), "lstm16_int32_bias": edit(int32_bias),
            "lstm16_hidden_int8": edit(hidden_int8)}


def main():
    wide = "--int16" in sys.argv[1:]
    args = [a for a in sys.argv[1:] if a != "--int16"]
    out_dir = args[0] if args else os.path.join(REPO, "build",
                                                "lstm16_op_models" if wide else "lstm_op_models")
    os.makedirs(out_dir, exist_ok=True)
    models = {}
    for name, (steps, features, units, seq, time_major, seed, batch) in CASES.items():
        model, shape = build(steps, features, units, seq, time_major, seed, batch)
        data = convert(model, shape, seed)
        if wide:
            models[name.replace("lstm_", "lstm16_")] = derive16(data)
            if seed == 1:  # the cell clipped at 0.25 (2^-11 cell scale: 512)
                models[name.replace("lstm_", "lstm16_") + "_clip"] = derive16(data, 0.25)
        else:
            models[name] = data
    manifest = {}
    for name, data in models.items():
        ops = som.op_names_of(data)
        if "UNIDIRECTIONAL_SEQUENCE_LSTM" not in ops:
            print("%s: the converter did not fuse the LSTM (%s)" % (name, ", ".join(ops)))
            return 1
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        manifest[name] = ops
        print("%s: %s" % (name, " ".join(ops)))
    if wide:  # the refusals, beside the models (run_tflm_oracle.sh)
        os.makedirs(os.path.join(out_dir, "refused"), exist_ok=True)
        for name, data in refused16(models["lstm16_t5_f6_u8_seq"]).items():
            with open(os.path.join(out_dir, "refused", name + ".tflite"), "wb") as f:
                f.write(data)
    with open(os.path.join(out_dir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
