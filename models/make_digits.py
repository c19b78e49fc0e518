#!/usr/bin/env python3
"""Train a tiny int8 CNN on scikit-learn's 8x8 digits and export it as a full-int8 .tflite.

Outputs (next to this script unless --out-dir is given):
  digits.tflite      CONV_2D, CONV_2D (stride 2), RESHAPE, FULLY_CONNECTED, SOFTMAX; int8 in/out
  digits_test.npz    held-back test set: x_int8 (N,8,8,1) in the model's input quantization,
                     x_float (N,8,8,1) in [0,1], labels (N,)
Prints float (Keras) accuracy and int8 accuracy (LiteRT reference kernels) on the held-back set.

Usage: python3 models/make_digits.py [--out-dir DIR] [--epochs N]
"""
import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN reorders float sums: not reproducible

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
import tflite_tools  # noqa: E402  (repo-local helper)

SEED = 1234
ALLOWED_OPS = {"CONV_2D", "FULLY_CONNECTED", "RESHAPE", "SOFTMAX"}


def load_split():
    """Digits scaled to [0,1] as (N,8,8,1) float32, split 75/25 with a fixed seed, stratified."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.25, random_state=SEED, stratify=y)


def build_model(tf):
    keras = tf.keras
    inputs = keras.Input(shape=(8, 8, 1), batch_size=1, name="image")
    h = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="conv1")(inputs)
    h = keras.layers.Conv2D(16, 3, strides=2, padding="same", activation="relu", name="conv2")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    h = keras.layers.Dense(10, name="logits")(h)
    outputs = keras.layers.Softmax(name="probs")(h)
    return keras.Model(inputs, outputs)


def train(tf, x_train, y_train, epochs):
    model = build_model(tf)
    model.compile(optimizer=tf.keras.optimizers.Adam(3e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, shuffle=True, verbose=0)
    return model


def quantize_input(x_float, scale, zero_point):
    q = np.round(x_float / scale) + zero_point
    return np.clip(q, -128, 127).astype(np.int8)


def int8_accuracy(interp, x_int8, labels):
    inp = interp.get_input_details()[0]["index"]
    out = interp.get_output_details()[0]["index"]
    correct = 0
    for x, label in zip(x_int8, labels):
        interp.set_tensor(inp, x[None])
        interp.invoke()
        correct += int(np.argmax(interp.get_tensor(out)[0]) == label)
    return correct / len(labels)


def report(out_dir):
    """Float accuracy (recorded at training) and int8 LiteRT accuracy (measured now)."""
    data = np.load(os.path.join(out_dir, "digits_test.npz"))
    interp = tflite_tools.make_interpreter(model_path=os.path.join(out_dir, "digits.tflite"))
    int8_acc = int8_accuracy(interp, data["x_int8"], data["labels"])
    float_acc = float(data["float_accuracy"]) if "float_accuracy" in data.files else float("nan")
    print("accuracy on %d held-back images: float %.4f  int8 (LiteRT BUILTIN_REF) %.4f"
          % (len(data["labels"]), float_acc, int8_acc))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--report-only", action="store_true",
                        help="do not train: print the accuracies of the committed model")
    args = parser.parse_args()
    if args.report_only:
        report(args.out_dir)
        return

    import tensorflow as tf
    tf.keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    tf.get_logger().setLevel("ERROR")

    x_train, x_test, y_train, y_test = load_split()
    model = train(tf, x_train, y_train, args.epochs)
    float_acc = float(np.mean(np.argmax(model.predict(x_test, batch_size=1, verbose=0), 1)
                              == y_test))

    tflite_bytes = tflite_tools.convert_int8(tf, model, x_train[::4])  # ~340 calibration samples
    os.makedirs(args.out_dir, exist_ok=True)
    model_path = os.path.join(args.out_dir, "digits.tflite")
    with open(model_path, "wb") as f:
        f.write(tflite_bytes)

    interp = tflite_tools.make_interpreter(model_path=model_path)
    names = tflite_tools.op_names(interp)
    bad = sorted(set(names) - ALLOWED_OPS)
    if bad:
        sys.exit("error: converter emitted unexpected ops %s" % bad)
    in_scale, in_zp = interp.get_input_details()[0]["quantization"]
    x_test_int8 = quantize_input(x_test, in_scale, in_zp)
    np.savez(os.path.join(args.out_dir, "digits_test.npz"), x_int8=x_test_int8,
             x_float=x_test, labels=y_test.astype(np.int32),
             float_accuracy=np.float64(float_acc))
    int8_acc = int8_accuracy(interp, x_test_int8, y_test)

    print("wrote %s (%d bytes), digits_test.npz (%d test images)"
          % (model_path, len(tflite_bytes), len(y_test)))
    print("ops:")
    tflite_tools.print_ops(interp, out=lambda s: print("  " + s))
    print("input quantization: scale %.8g zero_point %d" % (in_scale, in_zp))
    print("accuracy on %d held-back images: float %.4f  int8 (LiteRT BUILTIN_REF) %.4f"
          % (len(y_test), float_acc, int8_acc))


if __name__ == "__main__":
    main()
