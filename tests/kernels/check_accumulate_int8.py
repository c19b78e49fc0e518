"""ADD_N and CUMSUM int8 against TFLite Micro's integer arithmetic, in numpy (reference_ops::AddN /
CumSum with ArithmeticParams as add_n.cc / cumsum.cc prepare them: input multiplier of 1/2 after a
left shift of 20, output multiplier 2 s_in / (2^20 s_out), sums starting at the scaled input
offset). LiteRT cannot be the oracle: it has no int8 ADD_N or CUMSUM, and the converter emits both
in float. The models are converted int8 ADD / RELU models with the operator code rewritten (ADD_N:
inputs given one quantization, a third input added; CUMSUM: an axis constant and options added),
run through `mica run --backend func` and compared.
  check_accumulate_int8.py MICA [COUNT] [DIR]     (DIR: keep the models) exit 1 on any mismatch"""
import copy
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from check_sum_int8 import quantize_multiplier, rdbpot, srdhm  # noqa: E402


def mbqm_small(x, m, shift):  # MultiplyByQuantizedMultiplierSmallerThanOneExp
    return rdbpot(srdhm(x, m), -shift)


def tflm_params(si, zi, so):
    mi, shi = quantize_multiplier(0.5)
    mo, sho = quantize_multiplier(2.0 * si / ((1 << 20) * so))
    scaled = {q: mbqm_small((q - zi) * (1 << 20), mi, shi) for q in range(-128, 128)}
    return scaled, scaled_init(zi, mi, shi), mo, sho


def scaled_init(zi, mi, shi):
    return mbqm_small(-zi * (1 << 20), mi, shi)  # TFLite Micro's accumulator start


def out_value(acc, mo, sho, zo):
    return max(-128, min(127, mbqm_small(acc, mo, sho) + zo))


def expected_add_n(xs, si, zi, so, zo):
    scaled, init, mo, sho = tflm_params(si, zi, so)
    flat = [x.reshape(-1) for x in xs]
    out = [out_value(init + sum(scaled[int(f[i])] for f in flat), mo, sho, zo) for i in range(flat[0].size)]
    return np.asarray(out, np.int8)


def expected_cumsum(x, axis, exclusive, reverse, si, zi, so, zo):
    scaled, init, mo, sho = tflm_params(si, zi, so)
    y = np.zeros(x.shape, np.int8)
    moved, ymoved = np.moveaxis(x, axis, -1), np.moveaxis(y, axis, -1)
    for idx in np.ndindex(moved.shape[:-1]):
        acc, line = init, moved[idx]
        order = range(line.size - 1, -1, -1) if reverse else range(line.size)
        for d in order:
            v = scaled[int(line[d])]
            ymoved[idx + (d,)] = out_value(acc if exclusive else acc + v, mo, sho, zo)
            acc += v
    return y


def build_models(work):
    argv, sys.argv = sys.argv, sys.argv[:1]
    import make_cpu_op_models as g  # noqa: E402 (needs TensorFlow)
    from tensorflow.lite.python import schema_py_generated as schema  # noqa: E402
    sys.argv = argv
    tf, som, fbu = g.tf, g.som, g.som.fbu
    specs = {}

    def retype(data, builtin):
        m = fbu.convert_bytearray_to_object(bytearray(data))
        op = m.subgraphs[0].operators[0]
        code = m.operatorCodes[op.opcodeIndex]
        code.builtinCode = builtin
        code.deprecatedBuiltinCode = min(builtin, 127)  # 127: PLACEHOLDER_FOR_GREATER_OP_CODES
        code.version = 1
        op.builtinOptionsType, op.builtinOptions = 0, None
        return m, m.subgraphs[0], op

    def quant(t):
        return float(t.quantization.scale[0]), int(t.quantization.zeroPoint[0])

    for name, shape, n_in, rng in (("add_n_2", (1, 6, 7, 5), 2, (-1, 2)), ("add_n_3", (3, 40), 3, (-0.3, 1))):
        m, sub, op = retype(g.convert(lambda a, b: a + b, [shape, shape], [rng, rng], 11), 106)  # ADD_N
        t0 = sub.tensors[op.inputs[0]]
        sub.tensors[op.inputs[1]].quantization = copy.deepcopy(t0.quantization)
        for _ in range(n_in - 2):  # one more input like input 0
            t = copy.deepcopy(t0)
            t.name = (t0.name or b"in") + b"_extra"
            sub.tensors.append(t)
            op.inputs = list(op.inputs) + [len(sub.tensors) - 1]
            sub.inputs = list(sub.inputs) + [len(sub.tensors) - 1]
        so, _ = quant(sub.tensors[op.outputs[0]])
        sub.tensors[op.outputs[0]].quantization.scale = np.asarray([so * n_in / 2], np.float32)
        specs[name] = ("ADD_N", bytes(fbu.convert_object_to_bytearray(m)), {})
    for name, shape, axis, exc, rev in (("cumsum_axis1", (2, 9, 4), 1, False, False),
                                        ("cumsum_last_exclusive", (3, 12), -1, True, False),
                                        ("cumsum_axis0_reverse", (7, 5), 0, False, True),
                                        ("cumsum_excl_rev", (2, 3, 10), 2, True, True)):
        m, sub, op = retype(g.convert(lambda a: tf.nn.relu(a), [shape], [(-1, 1.5)], 12), 128)  # CUMSUM
        buf = schema.BufferT()
        buf.data = np.frombuffer(np.int32(axis).tobytes(), np.uint8)
        m.buffers.append(buf)
        t = schema.TensorT()
        t.shape, t.type, t.buffer, t.name = np.zeros(0, np.int32), schema.TensorType.INT32, len(m.buffers) - 1, b"axis"
        sub.tensors.append(t)
        op.inputs = list(op.inputs) + [len(sub.tensors) - 1]
        op.builtinOptionsType = schema.BuiltinOptions.CumsumOptions
        op.builtinOptions = schema.CumsumOptionsT()
        op.builtinOptions.exclusive, op.builtinOptions.reverse = exc, rev
        si, _ = quant(sub.tensors[op.inputs[0]])
        depth = shape[axis]
        sub.tensors[op.outputs[0]].quantization.scale = np.asarray([si * depth / 3], np.float32)
        sub.tensors[op.outputs[0]].quantization.zeroPoint = np.asarray([-20], np.int64)
        specs[name] = ("CUMSUM", bytes(fbu.convert_object_to_bytearray(m)),
                       dict(axis=axis % len(shape), exclusive=exc, reverse=rev))
    paths = {}
    for name, (kind, data, opts) in specs.items():
        paths[name] = (kind, os.path.join(work, name + ".tflite"), opts)
        open(paths[name][1], "wb").write(data)
    return paths


def check(mica, kind, path, opts, count, work):
    from tensorflow.lite.tools import flatbuffer_utils as fbu
    m = fbu.convert_bytearray_to_object(bytearray(open(path, "rb").read()))
    sub = m.subgraphs[0]
    op = sub.operators[0]
    ins = [sub.tensors[i] for i in sub.inputs]
    tin, tout = sub.tensors[op.inputs[0]], sub.tensors[op.outputs[0]]
    si, zi = float(tin.quantization.scale[0]), int(tin.quantization.zeroPoint[0])
    so, zo = float(tout.quantization.scale[0]), int(tout.quantization.zeroPoint[0])
    prog = os.path.join(work, "m.mica")
    subprocess.run([mica, "compile", path, "-o", prog], check=True, capture_output=True)
    rng, bad = np.random.default_rng(5), 0
    for k in range(count):
        xs = [rng.integers(-128, 128, tuple(t.shape)).astype(np.int8) for t in ins]
        args = [mica, "run", prog, "--backend", "func", "--output-dir", work]
        for j, x in enumerate(xs):
            np.save(os.path.join(work, "x%d.npy" % j), x)
            args += ["--input", os.path.join(work, "x%d.npy" % j)]
        subprocess.run(args, check=True, capture_output=True)
        got = np.load(os.path.join(work, "output0.npy")).reshape(-1)
        want = (expected_add_n(xs, si, zi, so, zo) if kind == "ADD_N" else
                expected_cumsum(xs[0], opts["axis"], opts["exclusive"], opts["reverse"], si, zi, so, zo))
        bad += int((got != want.reshape(-1)).sum())
    return bad


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    mica, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        work = sys.argv[3] if len(sys.argv) > 3 else tmp
        os.makedirs(work, exist_ok=True)
        paths = build_models(work)
        for name in sorted(paths):
            kind, path, opts = paths[name]
            bad = check(mica, kind, path, opts, count, tmp)
            print("check_accumulate_int8: %-24s inputs=%d mismatching_bytes=%d" % (name, count, bad))
            failed += bad > 0
    print("check_accumulate_int8: %s (%d models)" % ("PASS" if not failed and paths else "FAIL", len(paths)))
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main())
