"""Rounding experiment part 2: ADD, MUL, AVERAGE_POOL_2D (LiteRT BUILTIN_REF).

Called from rounding_experiment.py. Same idea: converted single-op models with patched scales,
numpy predictions for each candidate rounding mode / multiplier formula, mismatches counted.
"""
import numpy as np

import single_op_models as som
import tflite_arith as ta
from rounding_experiment import COMBOS, Tally, run_reference

SHAPE = (1, 8, 8, 16)


def two_input_model(kind, seed):
    layers = som.tf.keras.layers
    layer = layers.Add() if kind == "add" else layers.Multiply()
    return som.SingleOpModel(som.convert(lambda x: layer(x), [SHAPE, SHAPE], seed=seed))


def run_two_inputs(model, batches):
    interp = som_interp(model)
    ins = interp.get_input_details()
    out = interp.get_output_details()[0]["index"]
    # The graph inputs may be listed in any order: map them to the op's input tensors by name.
    names = [model.tensor(("in", i)).name.decode() for i in range(2)]
    order = [names.index(d["name"]) for d in ins]
    results = []
    for pair in batches:
        for d, which in zip(ins, order):
            interp.set_tensor(d["index"], pair[which])
        interp.invoke()
        results.append(interp.get_tensor(out).copy())
    return np.stack(results)


def som_interp(model):
    import tflite_tools
    return tflite_tools.make_interpreter(model_content=model.to_bytes())


def requant_by(mode, x, real):
    if mode == "real_away":
        return ta.requant_real_away(x, real)
    m, shift = ta.quantize_multiplier(real)
    return ta.REQUANT[mode](x, m, shift)


def predict_add(x1, x2, q):
    """TFLite int8 ADD: inputs aligned to 2*max(s1,s2) with a 2^20 left shift."""
    s1, s2, so = (float(np.float32(q[k])) for k in ("s1", "s2", "so"))
    twice_max = 2.0 * max(s1, s2)
    preds = {}
    for mode, formula in COMBOS:
        if formula != "double" or mode == "real_away":
            continue
        a = requant_by(mode, (x1.astype(np.int64) - q["z1"]) << 20, s1 / twice_max)
        b = requant_by(mode, (x2.astype(np.int64) - q["z2"]) << 20, s2 / twice_max)
        preds[(mode, formula)] = ta.finish(
            requant_by(mode, a + b, twice_max / ((1 << 20) * so)), q["zo"])
    return preds


def predict_mul(x1, x2, q):
    prod = (x1.astype(np.int64) - q["z1"]) * (x2.astype(np.int64) - q["z2"])
    reals = ta.effective_scales(q["s1"], [q["s2"]], q["so"])
    preds = {}
    for mode, formula in COMBOS:
        preds[(mode, formula)] = ta.finish(requant_by(mode, prod, reals[formula][0]), q["zo"])
    return preds


def run_binary(tally, kind, rng, trials):
    model = two_input_model(kind, int(rng.integers(1 << 30)))
    label = {"add": "ADD", "mul": "MUL"}[kind]
    for _ in range(trials):
        q = {"s1": np.float32(rng.uniform(0.002, 0.05)), "s2": np.float32(rng.uniform(0.002, 0.05)),
             "z1": int(rng.integers(-60, 60)), "z2": int(rng.integers(-60, 60)),
             "zo": int(rng.integers(-20, 20))}
        if kind == "add":
            q["so"] = np.float32((q["s1"] + q["s2"]) * rng.uniform(1.0, 3.0))
        else:
            q["so"] = np.float32(q["s1"] * q["s2"] * rng.uniform(80, 300))
        model.set_quant(("in", 0), [q["s1"]], [q["z1"]])
        model.set_quant(("in", 1), [q["s2"]], [q["z2"]])
        model.set_quant(("out", 0), [q["so"]], [q["zo"]])
        batches = [(rng.integers(-128, 128, SHAPE).astype(np.int8),
                    rng.integers(-128, 128, SHAPE).astype(np.int8)) for _ in range(4)]
        got = run_two_inputs(model, batches)
        x1 = np.stack([b[0] for b in batches])
        x2 = np.stack([b[1] for b in batches])
        preds = (predict_add if kind == "add" else predict_mul)(x1, x2, q)
        tally.add((label, "generic"), got, preds)


def avg_pool_reference(x, k, stride, padding, rounding):
    """int8 AVERAGE_POOL_2D on raw values; n = number of in-image taps."""
    n_, h, w, c = x.shape
    if padding == "SAME":
        oh, pt, _ = ta.same_padding(h, k, stride, 1)
        ow, pl, _ = ta.same_padding(w, k, stride, 1)
    else:
        oh, ow, pt, pl = ta.valid_size(h, k, stride, 1), ta.valid_size(w, k, stride, 1), 0, 0
    out = np.zeros((n_, oh, ow, c), np.int64)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - pt, j * stride - pl
            r_lo, r_hi, c_lo, c_hi = max(r0, 0), min(r0 + k, h), max(c0, 0), min(c0 + k, w)
            acc = x[:, r_lo:r_hi, c_lo:c_hi, :].astype(np.int64).sum(axis=(1, 2))
            count = (r_hi - r_lo) * (c_hi - c_lo)
            if rounding == "away":
                res = np.where(acc > 0, (acc + count // 2) // count,
                               -((-acc + count // 2) // count))
            else:  # half up
                res = (2 * acc + count) // (2 * count)
            out[:, i, j, :] = res
    return np.clip(out, -128, 127).astype(np.int8)


def run_avg_pool(tally, rng, trials):
    for k, stride, padding in ((2, 2, "VALID"), (3, 1, "SAME"), (3, 2, "SAME")):
        layer = som.tf.keras.layers.AveragePooling2D(k, stride, padding.lower())
        model = som.SingleOpModel(som.convert(lambda x: layer(x[0]), [(1, 9, 10, 8)],
                                              seed=int(rng.integers(1 << 30))))
        for _ in range(trials):
            scale, zp = np.float32(rng.uniform(0.01, 0.1)), int(rng.integers(-50, 50))
            model.set_quant(("in", 0), [scale], [zp])
            model.set_quant(("out", 0), [scale], [zp])
            batches = [rng.integers(-128, 128, (1, 9, 10, 8)).astype(np.int8) for _ in range(4)]
            got = run_reference(model.to_bytes(), batches)
            x = np.concatenate(batches)
            preds = {("double_round", "double"): avg_pool_reference(x, k, stride, padding,
                                                                    "away"),
                     ("single_round", "double"): avg_pool_reference(x, k, stride, padding,
                                                                    "up")}
            label = "AVG_POOL %dx%d s%d %s" % (k, k, stride, padding)
            tally.add((label, "generic"), got, preds)


def run(rng, trials):
    tally = Tally()
    run_binary(tally, "add", rng, trials)
    run_binary(tally, "mul", rng, trials)
    run_avg_pool(tally, rng, trials)
    print()
    print("ADD: one mode for all three multiplies; only the double formula is modelled (- = n/a)")
    print("AVG_POOL: column dbl/d = ties away from zero, sgl/d = ties up (no multiplier)")
    tally.print()
