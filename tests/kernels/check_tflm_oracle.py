#!/usr/bin/env python3
"""The models whose only oracle is TFLite Micro's own interpreter (the tflite-micro package's
tflite_micro.runtime, running TFLite Micro's reference kernels), against it:
  UNIDIRECTIONAL_SEQUENCE_LSTM 16x8 (make_lstm_op_models.py --int16, derived from converted int8
    LSTMs): the converter refuses a 16x8 LSTM and LiteRT's kernel runs the integer LSTM on int8
    input only;
  SUM and SQUARED_DIFFERENCE int16 (make_int16d_op_models.py, converted): LiteRT's int16 SUM
    runs its uint8 path on the int16 bytes, and LiteRT has no int16 SQUARED_DIFFERENCE
    (check_int16_no_oracle.py measures each);
  ZEROS_LIKE int8 (make_zeros_like_models.py, derived from converted int8 models): LiteRT has no
    int8 ZEROS_LIKE (check_zeros_like_no_oracle.py).
Each model runs through `mica run` on every backend given, one set of inputs per run (so an LSTM's
states start from zero, as in a fresh TFLite Micro interpreter), and every output value is
compared. The inputs take each input's type (int8 or int16) from the model.
  check_tflm_oracle.py MICA [DIR] [--backends func,cpu,...] [--count N]
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
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema
except ImportError:
    print("check_tflm_oracle.py: needs TFLite Micro's interpreter: pip install --no-deps tflite-micro")
    sys.exit(2)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def tflm_output(path, xs):
    it = tflm.Interpreter.from_file(path)
    for k, x in enumerate(xs):
        it.set_input(x, k)
    it.invoke()
    return it.get_output(0)


def input_specs(path):
    """(shape, dtype) of each input."""
    with open(path, "rb") as f:  # the input count from the model (the interpreter has none)
        graph = schema.Model.GetRootAs(f.read(), 0).Subgraphs(0)
    it = tflm.Interpreter.from_file(path)
    details = [it.get_input_details(k) for k in range(graph.InputsLength())]
    return [(tuple(d["shape"]), np.dtype(d["dtype"])) for d in details]


def inputs(specs, count, seed):
    """Sets of random inputs of each input's type, the first at the type's extremes (saturating
    gates, the largest squared differences), one all zero."""
    rng = np.random.default_rng(seed)
    lim = [np.iinfo(dt) for _, dt in specs]
    sets = [[np.where(rng.integers(0, 2, sh) == 1, i.max, i.min).astype(dt)
             for (sh, dt), i in zip(specs, lim)], [np.zeros(sh, dt) for sh, dt in specs]]
    while len(sets) < count:
        sets.append([rng.integers(i.min, int(i.max) + 1, sh).astype(dt)
                     for (sh, dt), i in zip(specs, lim)])
    return sets[:count]


def check_model(mica, path, backends, count, work):
    """{backend: (values compared, mismatching values)} for one model."""
    prog = os.path.join(work, "m.mica")
    subprocess.run([mica, "compile", path, "-o", prog], check=True, capture_output=True)
    specs = input_specs(path)
    result = {}
    for backend in backends:
        n = bad = 0
        for xs in inputs(specs, count, 16):
            args = [mica, "run", prog, "--backend", backend, "--output-dir", work]
            for k, x in enumerate(xs):
                np.save(os.path.join(work, "x%d.npy" % k), x)
                args += ["--input", os.path.join(work, "x%d.npy" % k)]
            run = subprocess.run(args, capture_output=True, text=True)
            if run.returncode != 0:
                print("FAIL %s %s: mica run: %s" % (os.path.basename(path), backend,
                                                    (run.stderr or run.stdout).strip()[:200]))
                bad += 1
                continue
            got = np.load(os.path.join(work, "output0.npy")).reshape(-1)
            want = tflm_output(path, xs).reshape(-1)
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
        print("check_tflm_oracle.py: no models in %s (make_lstm_op_models.py --int16, "
              "make_int16d_op_models.py, make_zeros_like_models.py)" % model_dir)
        return 1
    backends, count, failed = opts["--backends"].split(","), int(opts["--count"]), 0
    print("%-32s %s" % ("model", "  ".join("%-22s" % b for b in backends)))
    with tempfile.TemporaryDirectory() as work:
        for path in models:
            res = check_model(mica, path, backends, count, work)
            failed += sum(bad != 0 or n == 0 for n, bad in res.values())
            print("%-32s %s" % (os.path.basename(path)[:-7], "  ".join(
                "%-22s" % ("%d values, %d bad" % res[b]) for b in backends)))
    print("check_tflm_oracle.py: %s (%d models x %d inputs, vs TFLite Micro)" % (
        "FAIL" if failed else "PASS", len(models), count))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
