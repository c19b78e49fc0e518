#!/usr/bin/env python3
"""LOGISTIC and TANH int16 against LiteRT BUILTIN_REF on every int16 input: a 65536-element model
per operator and input scale (measure_sigmoid16.py's CHECK_SCALES: power-of-two, general,
saturating), run through `mica run` on the func and cpu backends and compared value for value.
Also checks that an input scale whose rescale would overflow TFLite's int32 product is refused
with one line. Then re-measures the table (measure_sigmoid16.py --check) unless --no-measure.
  check_sigmoid16.py MICA [--no-measure]     exit 1 on any mismatch"""
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import measure_sigmoid16 as ms  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
TABLE_H = os.path.join(REPO, "driver", "core", "kernels", "mica_sigmoid16_table.h")


def model_bytes(op, scale):
    g = ms.Graph()
    x = g.tensor("x", (65536,), ms.T.INT16, scale, 0)
    y = g.tensor("y", (65536,), ms.T.INT16, 1.0 / 32768, 0)
    g.op(op, [x], [y])
    return g.finish([x], [y])


def mica_outputs(mica, path, work, backend):
    prog = os.path.join(work, "m.mica")
    subprocess.run([mica, "compile", path, "-o", prog], check=True, capture_output=True)
    np.save(os.path.join(work, "x.npy"), ms.ALL16.astype(np.int16))
    subprocess.run([mica, "run", prog, "--backend", backend, "--input", os.path.join(work, "x.npy"),
                    "--output-dir", work], check=True, capture_output=True)
    return np.load(os.path.join(work, "output0.npy")).reshape(-1).astype(np.int64)


def check_refusal(mica, work):
    path = os.path.join(work, "big.tflite")
    with open(path, "wb") as f:
        f.write(model_bytes(ms.OP.TANH, 9.0))
    r = subprocess.run([mica, "compile", path, "-o", os.path.join(work, "big.mica")],
                       capture_output=True, text=True)
    lines = (r.stdout + r.stderr).strip().splitlines()
    ok = r.returncode == 1 and len(lines) == 1 and "overflows int32" in lines[0]
    print("%s refusal of input scale 9: %s" % ("ok  " if ok else "FAIL", lines[-1] if lines else "(none)"))
    return ok


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mica, failed = sys.argv[1], 0
    with tempfile.TemporaryDirectory() as work:
        for op, name in ((ms.OP.LOGISTIC, "LOGISTIC"), (ms.OP.TANH, "TANH")):
            for scale in ms.CHECK_SCALES:
                path = os.path.join(work, "m.tflite")
                with open(path, "wb") as f:
                    f.write(model_bytes(op, scale))
                want = ms.litert_run(op, scale)
                for backend in ("func", "cpu"):
                    n = int((mica_outputs(mica, path, work, backend) != want).sum())
                    failed += n > 0
                    if n:
                        print("FAIL %s scale %g on %s: %d of 65536 differ" % (name, scale, backend, n))
        failed += not check_refusal(mica, work)
    if "--no-measure" not in sys.argv:
        failed += subprocess.run([sys.executable, os.path.join(HERE, "measure_sigmoid16.py"),
                                  "--check", TABLE_H]).returncode != 0
    print("check_sigmoid16: %s (LOGISTIC and TANH, %d input scales, all 65536 int16 inputs, func "
          "and cpu)" % ("FAIL" if failed else "PASS", len(ms.CHECK_SCALES)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
