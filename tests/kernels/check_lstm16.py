#!/usr/bin/env python3
"""UNIDIRECTIONAL_SEQUENCE_LSTM 16x8 (int16 activations, int8 weights) against TFLite Micro's own
interpreter (the tflite-micro package's tflite_micro.runtime, running TFLite Micro's reference
kernels). LiteRT cannot be the oracle: the converter refuses a 16x8 LSTM and LiteRT's kernel runs
the integer LSTM on int8 input only (check_int16_no_oracle.py measures both). The models are
make_lstm_op_models.py --int16's (derived from converted int8 LSTMs); each runs through
`mica run` on every backend given, one input per run (so the states start from zero, as in a
fresh TFLite Micro interpreter), and every output value is compared.
  check_lstm16.py MICA [DIR] [--backends func,cpu,...] [--count N]
DIR: the models (default build/lstm16_op_models). Exit 1 on any mismatch, 2 without
tflite_micro (pip install --no-deps tflite-micro)."""
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np

try:
    from tflite_micro.python.tflite_micro import runtime as tflm
except ImportError:
    print("check_lstm16.py: needs TFLite Micro's interpreter: pip install --no-deps tflite-micro")
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def tflm_output(path, x):
    it = tflm.Interpreter.from_file(path)
    it.set_input(x, 0)
    it.invoke()
    return it.get_output(0)


def inputs(shape, count, seed):
    """Random int16 inputs, the first at the extremes (saturating gates) and one all zero."""
    rng = np.random.default_rng(seed)
    xs = [np.where(rng.integers(0, 2, shape) == 1, 32767, -32768).astype(np.int16),
          np.zeros(shape, np.int16)]
    while len(xs) < count:
        xs.append(rng.integers(-32768, 32768, shape).astype(np.int16))
    return xs[:count]


def check_model(mica, path, backends, count, work):
    """{backend: (values compared, mismatching values)} for one model."""
    prog = os.path.join(work, "m.mica")
    subprocess.run([mica, "compile", path, "-o", prog], check=True, capture_output=True)
    shape = tuple(tflm.Interpreter.from_file(path).get_input_details(0)["shape"])
    result = {}
    for backend in backends:
        n = bad = 0
        for k, x in enumerate(inputs(shape, count, 16)):
            np.save(os.path.join(work, "x.npy"), x)
            run = subprocess.run([mica, "run", prog, "--backend", backend, "--input",
                                  os.path.join(work, "x.npy"), "--output-dir", work],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print("FAIL %s %s: mica run: %s" % (os.path.basename(path), backend,
                                                    (run.stderr or run.stdout).strip()[:200]))
                bad += 1
                continue
            got = np.load(os.path.join(work, "output0.npy")).reshape(-1)
            want = tflm_output(path, x).reshape(-1)
            n += want.size
            bad += int((got.astype(np.int64) != want.astype(np.int64)).sum())
        result[backend] = (n, bad)
    return result


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    opts = {"--backends": "func,cpu", "--count": "8"}
    for key in opts:
        if key in args:
            i = args.index(key)
            opts[key] = args[i + 1]
            del args[i:i + 2]
    mica = args[0]
    model_dir = args[1] if len(args) > 1 else os.path.join(REPO, "build", "lstm16_op_models")
    models = sorted(glob.glob(os.path.join(model_dir, "*.tflite")))
    if not models:
        print("check_lstm16.py: no models in %s (make_lstm_op_models.py --int16)" % model_dir)
        return 1
    backends, count, failed = opts["--backends"].split(","), int(opts["--count"]), 0
    print("%-32s %s" % ("model", "  ".join("%-22s" % b for b in backends)))
    with tempfile.TemporaryDirectory() as work:
        for path in models:
            res = check_model(mica, path, backends, count, work)
            failed += sum(bad != 0 or n == 0 for n, bad in res.values())
            print("%-32s %s" % (os.path.basename(path)[:-7], "  ".join(
                "%-22s" % ("%d values, %d bad" % res[b]) for b in backends)))
    print("check_lstm16.py: %s (%d models x %d inputs, vs TFLite Micro)" % (
        "FAIL" if failed else "PASS", len(models), count))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
