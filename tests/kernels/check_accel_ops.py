#!/usr/bin/env python3
"""TRANSPOSE_CONV and BATCH_MATMUL on the accelerator (issue 14). Generated single-op int8 models
(strides 1 to 16, SAME/VALID, kernels smaller than the stride, channel counts over 16 and not
multiples of 16, batch broadcast, adj_x/adj_y, constant and activation operands, a constant's zero
point folded over three taps), each compiled
for the 16x16, 8x8 and 4x4 arrays, must
  - be placed as expected: ACCEL, or CPU with the placement rule's text as the reason;
  - give LiteRT BUILTIN_REF's output bytes on the func and rtl backends (random int8 inputs);
  - have its accelerated layer's estimated cycles within 10% of the cycles the RTL measures.
  check_accel_ops.py MICA DIR [SAMPLES]   (models are written to DIR; exit 1 on any failure)"""
import json
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ARRAYS = ("16x16", "8x8", "4x4")
BMM_RHS_RULE = "the right operand must be a constant"
BMM_ADJX_RULE = "adj_x only with one row"


def cases(tf, const):
    """name -> (fn, input shapes, calibration ranges, expected placement or CPU rule text)."""
    L = tf.keras.layers
    init = dict(bias_initializer=tf.keras.initializers.RandomUniform(-0.3, 0.3))

    def tconv(shape, *args, **kw):
        lay = L.Conv2DTranspose(*args, **kw)
        lay.build(shape)
        return (lambda x: lay(x)), [shape], [(-1.0, 1.5)], "ACCEL"

    def mm(a_shape, b_shape, rng=(-1, 1), **kw):
        return (lambda a: tf.matmul(a, const(b_shape, 11), **kw)), [a_shape], [rng], "ACCEL"

    c = {}
    c["tconv_s1_same_c5"] = tconv((1, 6, 5, 3), 5, 3, padding="same", **init)
    c["tconv_s2_same_c20"] = tconv((1, 5, 4, 7), 20, 3, strides=2, padding="same", **init)
    c["tconv_s2_valid_k4_cin17"] = tconv((1, 4, 5, 17), 8, 4, strides=2, padding="valid", **init)
    c["tconv_s3_same_c33"] = tconv((1, 3, 4, 6), 33, 3, strides=3, padding="same", **init)
    c["tconv_s3_valid_k2_relu"] = tconv((1, 3, 3, 4), 6, 2, strides=3, activation="relu", **init)
    c["tconv_s21_k53_nobias"] = tconv((1, 4, 6, 5), 9, (5, 3), strides=(2, 1), padding="same", use_bias=False)
    c["tconv_s2_k1_valid"] = tconv((1, 4, 3, 8), 16, 1, strides=2, **init)
    c["tconv_s4x5_k3_same"] = tconv((1, 3, 2, 5), 7, 3, strides=(4, 5), padding="same", **init)
    c["tconv_s16_k2_valid"] = tconv((1, 2, 3, 3), 4, 2, strides=16, **init)
    c["bmm_const_shared"] = mm((2, 5, 20), (1, 20, 18))
    c["bmm_const_batched"] = mm((2, 4, 9), (2, 9, 17), (-2, 1))
    c["bmm_const_bcast_lhs"] = mm((1, 3, 6), (3, 6, 5))
    c["bmm_const_rank4"] = mm((2, 3, 4, 7), (3, 7, 33))
    c["bmm_adj_y"] = mm((2, 3, 12), (2, 7, 12), transpose_b=True)
    c["bmm_adj_x_one_row"] = mm((2, 12, 1), (2, 12, 7), transpose_a=True)
    c["bmm_adj_x_cpu"] = mm((2, 7, 4), (2, 7, 5), transpose_a=True)[:3] + (BMM_ADJX_RULE,)
    c["bmm_act_rhs_cpu"] = ((lambda a, b: tf.matmul(a, b)), [(2, 3, 4), (2, 4, 5)],
                            [(-1, 1), (-2, 1)], BMM_RHS_RULE)
    c["bmm_const_lhs_cpu"] = ((lambda b: tf.matmul(const((3, 2, 5), 8), b)), [(3, 5, 4)],
                              [(-2, 1)], BMM_RHS_RULE)
    return c


def zero_point_extremes(m, np):
    """The constant's zero point -128 with values 127 and -128: w - z spans -128..255, so the
    compiler splits it over three int8 taps."""
    r = m.tensor(("in", 1))
    m.set_quant(("in", 1), r.quantization.scale, [-128])
    w = np.frombuffer(bytes(m.model.buffers[r.buffer].data), np.int8).copy()
    w[:3] = [127, -128, 0]
    m.set_data(("in", 1), w.reshape(m.shape(("in", 1))))


PATCHED = {"bmm_zero_point_extremes": ("bmm_const_shared", zero_point_extremes)}


def generate(out_dir):
    import make_cpu_op_models as g
    import numpy as np
    expect = {}
    for i, (name, (fn, shapes, ranges, where)) in enumerate(cases(g.tf, g.const).items()):
        data = g.convert(fn, shapes, ranges, seed=900 + i)
        ops = g.op_names(data)
        if ops != ["TRANSPOSE_CONV"] and ops != ["BATCH_MATMUL"]:
            raise SystemExit("check_accel_ops: %s converted to %s" % (name, ops))
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        expect[name] = where
    for name, (src, patch) in PATCHED.items():
        m = g.som.SingleOpModel(open(os.path.join(out_dir, src + ".tflite"), "rb").read())
        patch(m, np)
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(m.to_bytes())
        expect[name] = expect[src]
    return expect, np


def reference(np, model, samples, seed):
    import tflite_tools
    it = tflite_tools.make_interpreter(model_path=model)
    rng = np.random.default_rng(seed)
    ins, outs = [], []
    for _ in range(samples):
        x = [rng.integers(-128, 128, d["shape"], dtype=np.int8) for d in it.get_input_details()]
        for d, v in zip(it.get_input_details(), x):
            it.set_tensor(d["index"], v)
        it.invoke()
        ins.append(x)
        outs.append(it.get_tensor(it.get_output_details()[0]["index"]).copy())
    return ins, outs


def placement(compile_log):
    """(place, reason) of the model's one layer from `mica compile`'s table."""
    for line in compile_log.splitlines():
        f = line.split(None, 5)
        if len(f) >= 5 and f[2] in ("ACCEL", "CPU") and f[1] in ("TRANSPOSE_CONV", "BATCH_MATMUL"):
            return f[2], f[5] if len(f) > 5 else ""
    return None, compile_log.strip()[-200:]


def run_one(mica, np, prog, backend, x, tmp):
    args = [mica, "run", prog, "--backend", backend, "--output-dir", tmp]
    for k, v in enumerate(x):
        path = os.path.join(tmp, "in%d.npy" % k)
        np.save(path, v)
        args += ["--input", path]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode:
        return None, r.stderr.strip()[-200:]
    return np.load(os.path.join(tmp, "output0.npy")), r.stdout


def estimate_error(stdout):
    """Largest |est - measured| / measured over the accelerated layers of an rtl run."""
    worst = 0.0
    for line in stdout.splitlines():
        f = line.split()
        if len(f) == 6 and f[2] == "ACCEL" and f[4].isdigit() and f[5].isdigit():
            worst = max(worst, abs(int(f[4]) - int(f[5])) / max(int(f[5]), 1))
    return worst


def check_model(mica, np, model, where, samples, tmp):
    """Failure lines for one model over every array and backend; also (worst estimate error)."""
    fails, worst = [], 0.0
    name = os.path.basename(model)[:-7]
    ins, refs = reference(np, model, samples, seed=len(name))
    for arr in ARRAYS:
        prog = os.path.join(tmp, "m.mica")
        r = subprocess.run([mica, "compile", model, "-o", prog, "--array", arr],
                           capture_output=True, text=True)
        place, reason = placement(r.stdout + r.stderr)
        if r.returncode or place != ("ACCEL" if where == "ACCEL" else "CPU") or \
                (where != "ACCEL" and where not in reason):
            fails.append("%s %s: placed %s (%s), expected %s" % (name, arr, place, reason, where))
            continue
        f, w = run_backends(mica, np, prog, ins, refs, tmp, "%s %s" % (name, arr), where == "ACCEL")
        fails += f
        worst = max(worst, w)
    return fails, worst


def run_backends(mica, np, prog, ins, refs, tmp, what, timed):
    """Failure lines of prog on func and rtl against refs; the worst estimate error on rtl (when
    timed)."""
    fails, worst = [], 0.0
    for backend in ("func", "rtl"):
        for x, ref in zip(ins, refs):
            got, out = run_one(mica, np, prog, backend, x, tmp)
            if got is None or got.shape != ref.shape or (got != ref).any():
                bad = "run failed: " + out if got is None else \
                    "%d of %d bytes differ" % (int((got != ref).sum()) if got.shape == ref.shape else -1, ref.size)
                fails.append("%s %s: %s" % (what, backend, bad))
                break
            if backend == "rtl" and timed:
                worst = max(worst, estimate_error(out))
    return fails, worst


def arguments(doc):
    """MICA DIR [SAMPLES] from the command line (DIR created), or exit with doc."""
    if len(sys.argv) < 3:
        sys.exit(doc)
    os.makedirs(sys.argv[2], exist_ok=True)
    return sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2


def main():
    mica, out_dir, samples = arguments(__doc__)
    expect, np = generate(out_dir)
    with open(os.path.join(out_dir, "expect.json"), "w") as f:
        json.dump(expect, f, indent=1, sort_keys=True)
    with tempfile.TemporaryDirectory() as tmp:
        return summary("check_accel_ops", expect, samples, 0.10,
                       lambda name, where: check_model(mica, np, os.path.join(out_dir, name + ".tflite"),
                                                       where, samples, tmp),
                       lambda where: where if where == "ACCEL" else "CPU")


def check_arrays(mica, np, model, samples, tmp, extra):
    """Failure lines for one generated model over every array and backend, and the worst
    estimate error: it compiles (--dump=plan), extra(arr, prog, plan text) gives the check's own
    failure lines, and func and rtl give LiteRT's bytes."""
    fails, worst = [], 0.0
    name = os.path.basename(model)[:-7]
    ins, refs = reference(np, model, samples, seed=len(name))
    for arr in ARRAYS:
        prog = os.path.join(tmp, "m.mica")
        r = subprocess.run([mica, "compile", model, "-o", prog, "--array", arr, "--dump=plan"],
                           capture_output=True, text=True)
        if r.returncode:
            fails.append("%s %s: compile failed: %s" % (name, arr, r.stderr.strip()[-200:]))
            continue
        fails += ["%s %s: %s" % (name, arr, line) for line in extra(arr, prog, r.stdout)]
        f, w = run_backends(mica, np, prog, ins, refs, tmp, "%s %s" % (name, arr), True)
        fails += f
        worst = max(worst, w)
    return fails, worst


def generated_main(doc, tag, generate_fn, extra, label):
    """MICA DIR [SAMPLES]: generate_fn(DIR) -> {name: expected}; every model checked by
    check_arrays with extra(expected, MICA, arr, prog, plan text); exit status as summary's."""
    mica, out_dir, samples = arguments(doc)
    import numpy as np
    expect = generate_fn(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        return summary(tag, expect, samples, 0.02,
                       lambda name, value: check_arrays(
                           mica, np, os.path.join(out_dir, name + ".tflite"), samples, tmp,
                           lambda arr, prog, plan: extra(value, mica, arr, prog, plan)), label)


def summary(tag, expect, samples, limit, check_one, label):
    """check_one(name, expected) -> (failure lines, worst estimate error) for every model: a line
    per model, the failures, the summary line; 1 on any failure or an estimate error over limit."""
    fails, worst = [], 0.0
    for name, value in expect.items():
        f, w = check_one(name, value)
        fails += f
        worst = max(worst, w)
        print("%-26s %-8s %s" % (name, label(value), "FAIL" if f else "PASS"))
    for line in fails:
        print("  " + line)
    if worst > limit:
        fails.append("estimate")
    print("%s: %d models x %s x func/rtl x %d inputs, largest estimate error %.1f%% -> %s"
          % (tag, len(expect), "/".join(ARRAYS), samples, 100 * worst, "FAIL" if fails else "PASS"))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
