#!/usr/bin/env python3
"""Extreme quantization parameters: valid single-op int8 models with one scale, zero point or
option set to an extreme value (0, NaN, inf, a denormal, 1e-30 .. 1e30, out-of-range zero
points, LEAKY_RELU alpha and SOFTMAX beta extremes, a per-channel weight scale of 0).

Each case runs `MICA verify CASE --backend func --count 20` (MICA: the ASan+UBSan build). A case
passes when Mica refuses it with exactly one stderr line and a non-zero exit, or compiles it and is
bit-exact with LiteRT BUILTIN_REF; it fails on a sanitizer report, a crash, a hang, a mismatch, or
a multi-line refusal. When Mica compiles a case LiteRT refuses, `mica run` on func must still
succeed without a sanitizer report (recorded as "litert refuses").

Usage: bad_quant.py build/mica-asan [NAME_FILTER]     (PYTHON: the interpreter with ai_edge_litert)
"""
import math
import re
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
sys.path.insert(0, os.path.join(REPO, "tests", "kernels"))
import make_cpu_op_models as mk  # noqa: E402 (quiet TensorFlow, the converter wrapper)

som, tf, np = mk.som, mk.tf, mk.np
ENV = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=0", UBSAN_OPTIONS="halt_on_error=1",
           PYTHON=os.environ.get("PYTHON", sys.executable), TF_CPP_MIN_LOG_LEVEL="3")
KEEP = os.path.join(REPO, "build", "bad_quant_failures")
SCALES = [0.0, math.nan, math.inf, 1e-45, 1e-30, 1e-20, 1e-12, 1e-5, 1e30]
ZERO_POINTS = [-129, 128, 100000]


def base_models():
    """name -> (model bytes, [activation tensor roles], extra --cpu list or None)."""
    tf.keras.utils.set_random_seed(1)   # layers draw their weights when built, below
    init = dict(bias_initializer=tf.keras.initializers.RandomUniform(-0.3, 0.3))
    L = tf.keras.layers
    s4, two = (1, 4, 5, 6), [(1, 4, 5, 6)] * 2
    specs = {
        "conv": (mk.layer_case(L.Conv2D(4, 3, padding="same", **init), (1, 6, 6, 3)), None),
        "conv_cpu": (mk.layer_case(L.Conv2D(4, 3, padding="same", **init), (1, 6, 6, 3)), "CONV_2D"),
        "dw": (mk.layer_case(L.DepthwiseConv2D(3, padding="same", **init), (1, 6, 6, 4)), None),
        "dw_cpu": (mk.layer_case(L.DepthwiseConv2D(3, padding="same", **init), (1, 6, 6, 4)), "DEPTHWISE_CONV_2D"),
        "fc": (mk.layer_case(L.Dense(6, **init), (1, 16)), None),
        "fc_cpu": (mk.layer_case(L.Dense(6, **init), (1, 16)), "FULLY_CONNECTED"),
        "conv_relu6": (mk.layer_case(L.Conv2D(4, 1, activation=tf.nn.relu6, **init), (1, 4, 4, 3)), None),
        "avgpool": (mk.layer_case(L.AveragePooling2D(2), (1, 6, 6, 3)), None),
        "add": (((lambda a, b: a + b), two, [(-1, 2), (-3, 0.5)]), None),
        "add_cpu": (((lambda a, b: a + b), two, [(-1, 2), (-3, 0.5)]), "ADD"),
        "sub": (((lambda a, b: a - b), two, [(-1, 2), (-3, 0.5)]), None),
        "mul": (((lambda a, b: a * b), two, [(-1, 2), (-3, 0.5)]), None),
        "leaky_relu": (((lambda a: tf.nn.leaky_relu(a, 0.2)), [s4], [(-2, 3)]), None),
        "relu6": (((lambda a: tf.nn.relu6(a)), [s4], [(-2, 7)]), None),
        "logistic": (((lambda a: tf.sigmoid(a)), [s4], [(-6, 4)]), None),
        "tanh": (((lambda a: tf.tanh(a)), [s4], [(-3, 3)]), None),
        "hard_swish": (((lambda a: a * tf.nn.relu6(a + 3.0) / 6.0), [s4], [(-5, 4)]), None),
        "mean": (((lambda a: tf.reduce_mean(a, axis=[1, 2])), [s4], [(-1, 2)]), None),
        "softmax": (((lambda a: tf.nn.softmax(a)), [(2, 10)], [(-4, 4)]), None),
        # >= 512 classes: a tiny input scale makes every exp ~1, where TFLite's fixed-point sum and
        # final shift overflow (LiteRT aborts; Mica must stay defined)
        "softmax_wide": (((lambda a: tf.nn.softmax(a)), [(2, 600)], [(-4, 4)]), None),
    }
    out = {}
    for i, (name, ((fn, shapes, ranges), cpu)) in enumerate(specs.items()):
        out[name] = (mk.convert(fn, shapes, ranges, seed=300 + i), cpu)
    # QUANTIZE int8 -> int8 as make_cpu_op_models makes it: a RELU6 model's operator code rewritten
    m = som.SingleOpModel(out["relu6"][0])
    code = m.model.operatorCodes[m.op.opcodeIndex]
    code.builtinCode = code.deprecatedBuiltinCode = 114  # BuiltinOperator QUANTIZE
    m.op.builtinOptionsType, m.op.builtinOptions = 0, None
    out["quantize"] = (m.to_bytes(), None)
    return out


def roles_of(m):
    """Activation roles (no constant buffer) of the single op, plus the weights role if any."""
    acts, weights = [], None
    for kind, idx in [("in", i) for i in range(len(m.op.inputs))] + [("out", 0)]:
        if kind == "in" and m.op.inputs[idx] < 0:
            continue
        t = m.tensor((kind, idx))
        buf = m.model.buffers[t.buffer].data if t.buffer < len(m.model.buffers) else None
        if buf is None or len(buf) == 0:
            acts.append((kind, idx))
        elif kind == "in" and idx == 1 and t.type == 9:
            weights = (kind, idx)
    return acts, weights


def variants(name, data):
    """(case name, value, model bytes) for every extreme value applied to one place of the model."""
    m0 = som.SingleOpModel(data)
    acts, weights = roles_of(m0)
    for role in acts:
        q = m0.tensor(role).quantization
        scale, zp = float(q.scale[0]), int(q.zeroPoint[0])
        for s in SCALES:
            m = som.SingleOpModel(data)
            m.set_quant(role, [s], [zp])
            yield "%s.%s%d.scale=%g" % (name, role[0], role[1], s), s, m.to_bytes()
        for z in ZERO_POINTS:
            m = som.SingleOpModel(data)
            m.set_quant(role, [scale], [z])
            yield "%s.%s%d.zp=%d" % (name, role[0], role[1], z), z, m.to_bytes()
    if weights:
        q = m0.tensor(weights).quantization
        for s in [0.0, math.nan, math.inf, 1e-30, 1e30]:
            m = som.SingleOpModel(data)
            ws = [float(v) for v in q.scale]
            ws[0] = s
            m.set_quant(weights, ws, [0] * len(ws), int(q.quantizedDimension))
            yield "%s.weights.scale0=%g" % (name, s), s, m.to_bytes()
    options = {"leaky_relu": ("alpha", [1e30, -1e30, math.nan, math.inf, -0.5, 0.0, 1e-30]),
               "softmax": ("beta", [0.0, -1.0, 1e-12, 1e30, math.nan, math.inf, 1e-3])}
    if name in options:
        field, values = options[name]
        for v in values:
            m = som.SingleOpModel(data)
            m.set_option(field, v)
            yield "%s.%s=%g" % (name, field, v), v, m.to_bytes()


def names_value(line, value):
    """1 when a refusal line shows the case's value (as float32, printed %g or %.3g)."""
    if isinstance(value, int):
        return str(value) in line
    v = float(np.float32(value))
    return any(f % v in line for f in ("%g", "%.3g"))


def run_case(mica, path, value, cpu, tmp):
    """-> (verdict, detail): pass verdicts 'refused', 'exact', 'litert refuses'; else a failure."""
    args = [mica, "verify", path, "--backend", "func", "--count", "20"] + (["--cpu", cpu] if cpu else [])
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=300, env=ENV)
    except subprocess.TimeoutExpired:
        return "FAIL hang", ""
    err = p.stderr.strip()
    if p.returncode < 0 or "Sanitizer" in err or "runtime error" in err:
        return "FAIL sanitizer/crash (rc %d)" % p.returncode, err[-400:]
    if p.returncode == 0:
        return "exact", p.stdout.strip().splitlines()[-1] if p.stdout.strip() else ""
    if re.search(r"LiteRT oracle.* failed", err):   # Mica compiled it; it must still run cleanly
        prog = os.path.join(tmp, "case.mica")
        c = subprocess.run([mica, "compile", path, "-o", prog] + (["--cpu", cpu] if cpu else []),
                           capture_output=True, text=True, timeout=120, env=ENV)
        r = subprocess.run([mica, "run", prog, "--backend", "func", "--output-dir", tmp],
                           capture_output=True, text=True, timeout=120, env=ENV) if c.returncode == 0 else c
        bad = r.returncode != 0 or "runtime error" in r.stderr or "Sanitizer" in r.stderr
        return ("FAIL run after LiteRT refused" if bad else "litert refuses"), r.stderr.strip()[-300:]
    lines = err.splitlines()
    if re.search(r"mismatching_bytes=[1-9]", p.stdout) or (p.stdout.strip() and not lines):
        return "FAIL mismatch", (p.stdout.strip().splitlines() or [""])[-1]
    if len(lines) != 1:
        return "FAIL %d-line refusal" % len(lines), " | ".join(lines[:3])
    if not names_value(lines[0], value):
        return "FAIL refusal without the value", lines[0]
    return "refused", lines[0]


def main():
    mica = sys.argv[1]
    only = sys.argv[2] if len(sys.argv) > 2 else ""
    tally, failures = {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for name, (data, cpu) in base_models().items():
            for case, value, model in variants(name, data):
                if only and only not in case:
                    continue
                path = os.path.join(tmp, "case.tflite")
                with open(path, "wb") as f:
                    f.write(model)
                verdict, detail = run_case(mica, path, value, cpu, tmp)
                tally[verdict] = tally.get(verdict, 0) + 1
                print("%-40s %-16s %s" % (case, verdict, detail), flush=True)
                if verdict.startswith("FAIL"):
                    failures.append(case)
                    os.makedirs(KEEP, exist_ok=True)   # the failing model, for a closer look
                    with open(os.path.join(KEEP, case + ".tflite"), "wb") as f:
                        f.write(model)
    summary = ", ".join("%d %s" % (n, v) for v, n in sorted(tally.items()))
    print("bad_quant: %d cases under ASan+UBSan: %s -> %s" % (sum(tally.values()), summary,
                                                              "FAIL" if failures else "PASS"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
