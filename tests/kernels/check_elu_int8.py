"""ELU int8 against LiteRT's builtin ELU (resolver BUILTIN_WITHOUT_DEFAULT_DELEGATES: its int8 table,
no XNNPACK): LiteRT's BUILTIN_REF resolver does not register ELU, so `mica verify` cannot check
it. Converts cpu_op_cases_ops3.py's ELU models, runs every int8 input value (all 256, tiled over
the input shape) through `mica run --backend func` and LiteRT, and compares byte for byte.
  check_elu_int8.py MICA [DIR]     (DIR: keep the models there) exit 1 on any mismatch"""
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
from ai_edge_litert import interpreter as litert


def litert_elu(path, x):
    it = litert.Interpreter(model_path=path, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return it.get_tensor(it.get_output_details()[0]["index"])


def check(mica, path, work):
    it = litert.Interpreter(model_path=path)
    shape = tuple(it.get_input_details()[0]["shape"])
    n = int(np.prod(shape))
    x = np.resize(np.arange(-128, 128, dtype=np.int8), n).reshape(shape)
    prog = os.path.join(work, "m.mica")
    subprocess.run([mica, "compile", path, "-o", prog], check=True, capture_output=True)
    np.save(os.path.join(work, "x.npy"), x)
    subprocess.run([mica, "run", prog, "--backend", "func", "--input", os.path.join(work, "x.npy"),
                    "--output-dir", work], check=True, capture_output=True)
    got = np.load(os.path.join(work, "output0.npy")).reshape(-1)
    return int((got != litert_elu(path, x).reshape(-1)).sum()), min(n, 256)


def write_models(out_dir):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    argv, sys.argv = sys.argv, sys.argv[:1]
    import make_cpu_op_models as g  # noqa: E402 (needs TensorFlow)
    import cpu_op_cases_ops3 as ops3  # noqa: E402
    sys.argv = argv
    src = {name: g.convert(fn, shapes, ranges, seed=700 + i)
           for i, (name, (fn, shapes, ranges)) in enumerate(ops3.elu_cases(g.tf).items())}
    for name, data in ops3.elu_models(src, g.som).items():
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    failed = 0
    with tempfile.TemporaryDirectory() as work:
        out_dir = sys.argv[2] if len(sys.argv) > 2 else work
        os.makedirs(out_dir, exist_ok=True)
        write_models(out_dir)
        paths = sorted(glob.glob(os.path.join(out_dir, "elu*.tflite")))
        if not paths:
            sys.exit("check_elu_int8: no ELU model was made")
        for p in paths:
            bad, values = check(sys.argv[1], p, work)
            failed += bad > 0
            print("%-24s values=%d mismatching_bytes=%d %s" % (os.path.basename(p), values, bad,
                                                               "PASS" if bad == 0 else "FAIL"))
    print("check_elu_int8: %s" % ("PASS" if failed == 0 else "FAIL (%d models)" % failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
