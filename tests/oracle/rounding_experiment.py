#!/usr/bin/env python3
"""Which requantization does LiteRT BUILTIN_REF use per op? Measured, not assumed.

For each op, single-op int8 models are converted, then patched with chosen scales/weights/biases
(see single_op_models.py). Outputs of the reference kernels are compared with exact numpy
predictions for 2 rounding modes x 3 multiplier formulas:
  rounding:   double_round (SRDHM + RoundingDivideByPOT) | single_round (one 64-bit shift)
  multiplier: double        = double(s_in) * double(s_w) / double(s_out)
              float_product = double(float32(s_in * s_w)) / double(s_out)
              all_float     = float32(float32(s_in * s_w) / s_out)
Three input families per op:
  generic    random scales and data (realistic 3x3 SAME/strided shapes, nonzero zero points)
  ties       power-of-two-times-small-odd scales: many exact ties, exposes the rounding mode
  precision  1-tap models whose biases are solved so the accumulator lands where the multiplier
             formulas disagree: exposes float vs double
Also checks SAME padding with a nonzero input zero point (padding contributes 0 vs pad raw 0).

Usage: python3 tests/oracle/rounding_experiment.py [--seed S] [--quick]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy as np  # noqa: E402

import single_op_models as som  # noqa: E402
import tflite_arith as ta  # noqa: E402
import tflite_tools  # noqa: E402

MODES = ("double_round", "single_round", "single_away", "real_away")
FORMULAS = ("double", "float_product", "all_float")
COMBOS = [(m, f) for m in MODES for f in FORMULAS]


# ---------------------------------------------------------------- op descriptions

class OpSpec:
    """One weighted op configuration: how to build it and how to accumulate it in numpy."""

    def __init__(self, label, kind, in_shape, channels, kernel=1, stride=1, padding="SAME",
                 depth_multiplier=1, per_channel=True):
        self.label, self.kind, self.in_shape = label, kind, tuple(in_shape)
        self.channels, self.kernel, self.stride, self.padding = channels, kernel, stride, padding
        self.depth_multiplier, self.per_channel = depth_multiplier, per_channel

    def build(self, seed):
        layers = som.tf.keras.layers
        ones = "ones"  # nonzero bias so the converter keeps a bias tensor
        if self.kind == "fc":
            fn = lambda x: layers.Dense(self.channels, bias_initializer=ones)(x[0])  # noqa
        elif self.kind == "conv":
            fn = lambda x: layers.Conv2D(self.channels, self.kernel, strides=self.stride,  # noqa
                                         padding=self.padding.lower(),
                                         bias_initializer=ones)(x[0])
        else:
            fn = lambda x: layers.DepthwiseConv2D(self.kernel, strides=self.stride,  # noqa
                                                  padding=self.padding.lower(),
                                                  depth_multiplier=self.depth_multiplier,
                                                  bias_initializer=ones)(x[0])
        return som.SingleOpModel(som.convert(fn, [self.in_shape], seed=seed))

    def weight_qdim(self):
        return 3 if self.kind == "dw" else 0

    def accumulate(self, x, z_in, weights, bias, pad_value_raw=None):
        if self.kind == "fc":
            return ta.fc_acc(x.reshape(-1, x.shape[-1]), z_in, weights, bias)
        if self.kind == "conv":
            return ta.conv_acc(x, z_in, weights, bias, self.stride, 1, self.padding,
                               pad_value_raw)
        return ta.depthwise_acc(x, z_in, weights, bias, self.stride, 1, self.padding)


def out_channels(spec):
    return spec.channels if spec.kind != "dw" else spec.in_shape[-1] * spec.depth_multiplier


# ---------------------------------------------------------------- predictions and running

def predict_all(acc, q):
    """{(mode, formula): int8 outputs} for accumulators acc (..., C)."""
    reals = ta.effective_scales(q["in_scale"], q["w_scales"], q["out_scale"])
    preds = {}
    for mode, formula in COMBOS:
        preds[(mode, formula)] = ta.finish(requantize(mode, acc, reals[formula]), q["out_zp"])
    return preds


def requantize(mode, acc, reals):
    """Apply one candidate requantization with per-channel (or single) real multipliers."""
    if mode == "real_away":
        real = np.array(reals) if len(reals) > 1 else reals[0]
        return ta.requant_real_away(acc, real)
    m, shift = ta.multipliers(reals)
    if len(m) == 1:
        m, shift = m[0], shift[0]
    return ta.REQUANT[mode](acc, m, shift)


def run_reference(model_bytes, batches):
    interp = tflite_tools.make_interpreter(model_content=model_bytes)
    inp = interp.get_input_details()[0]["index"]
    out = interp.get_output_details()[0]["index"]
    results = []
    for batch in batches:
        interp.set_tensor(inp, batch)
        interp.invoke()
        results.append(interp.get_tensor(out).copy())
    return np.stack(results)


class Tally:
    """Per (op label, family): outputs tested and mismatches per combo."""

    def __init__(self):
        self.rows = {}

    def add(self, key, got, preds):
        row = self.rows.setdefault(key, {"n": 0, **{c: None for c in COMBOS}})
        row["n"] += got.size
        for combo, pred in preds.items():
            row[combo] = (row[combo] or 0) + int(np.count_nonzero(pred.reshape(got.shape) != got))

    def print(self):
        short = {"double_round": "dbl", "single_round": "sgl", "single_away": "sga",
                 "real_away": "real",
                 "double": "d", "float_product": "fp", "all_float": "ff"}
        heads = ["%s/%s" % (short[m], short[f]) for m, f in COMBOS]
        print("%-22s %-9s %7s" % ("op", "family", "outputs") + "".join("%8s" % h for h in heads))
        for (label, family), row in self.rows.items():
            print("%-22s %-9s %7d" % (label, family, row["n"])
                  + "".join("%8s" % ("-" if row[c] is None else row[c]) for c in COMBOS))


# ---------------------------------------------------------------- parameter families

def random_weights(rng, shape, limit=127):
    return rng.integers(-limit, limit + 1, shape).astype(np.int8)


def weight_scales(rng, spec, channels):
    n = channels if spec.per_channel else 1
    return rng.uniform(0.002, 0.02, n).astype(np.float32)


def output_scale_for(acc, q, target_std=40.0):
    real = acc * np.float32(q["in_scale"]) * np.asarray(q["w_scales"], np.float64)
    return np.float32(max(np.std(real), 1e-9) / target_std)


def generic_params(rng, spec, model):
    channels = out_channels(spec)
    q = {"in_scale": np.float32(rng.uniform(0.005, 0.05)), "in_zp": int(rng.integers(-100, 100)),
         "weights": random_weights(rng, model.shape(("in", 1))),
         "w_scales": weight_scales(rng, spec, channels), "w_qdim": spec.weight_qdim(),
         "bias": rng.integers(-3000, 3000, channels).astype(np.int32),
         "out_zp": int(rng.integers(-30, 30))}
    return q


def ties_params(rng, spec, model):
    """s_in = 2^-a, s_w = odd/16 * 2^-b, s_out = 2^-j: products exact, many exact ties."""
    q = generic_params(rng, spec, model)
    channels = out_channels(spec)
    n = channels if spec.per_channel else 1
    q["weights"] = random_weights(rng, model.shape(("in", 1)), int(rng.choice([3, 7, 31])))
    q["in_scale"] = np.float32(2.0 ** -int(rng.integers(5, 9)))
    q["w_scales"] = (rng.choice(np.arange(1, 16, 2), n) / 16.0
                     * 2.0 ** -int(rng.integers(5, 9))).astype(np.float32)
    return q


def fill_output_scale(rng, spec, q, batches, power_of_two):
    acc = spec.accumulate(batches[0], q["in_zp"], q["weights"], q["bias"])
    s_out = output_scale_for(acc, q)
    if power_of_two:
        s_out = np.float32(2.0 ** np.round(np.log2(s_out)))
    q["out_scale"] = s_out


def random_batches(rng, model, count):
    shape = model.shape(("in", 0))
    return [rng.integers(-128, 128, shape).astype(np.int8) for _ in range(count)]


def run_family(tally, spec, family, rng, trials, batches_per_trial):
    model = spec.build(seed=int(rng.integers(1 << 30)))
    for _ in range(trials):
        q = (ties_params if family == "ties" else generic_params)(rng, spec, model)
        batches = random_batches(rng, model, batches_per_trial)
        fill_output_scale(rng, spec, q, batches, power_of_two=(family == "ties"))
        model.set_weighted_op(q)
        got = run_reference(model.to_bytes(), batches)
        acc = np.stack([spec.accumulate(b, q["in_zp"], q["weights"], q["bias"])
                        for b in batches])
        tally.add((spec.label, family), got, predict_all(acc, q))
        if spec.kind == "conv" and spec.padding == "SAME" and family == "generic":
            check_padding(tally, spec, q, batches, got)


def check_padding(tally, spec, q, batches, got):
    """Best combo's prediction with 'pad contributes 0' vs 'pad holds raw value 0'."""
    acc_raw0 = np.stack([spec.accumulate(b, q["in_zp"], q["weights"], q["bias"], 0)
                         for b in batches])
    key = (spec.label, "pad=raw0")
    tally.add(key, got, predict_all(acc_raw0, q))


# ---------------------------------------------------------------- precision family

REAL_VS_FIXED_TARGETS = {}


def disagreement_points(reals_c):
    """Accumulators near rounding boundaries (outputs -120..120) for one channel's candidate
    multipliers: (candidates, indices where any combo disagrees, indices where the exact real
    product and the 31-bit fixed-point multiplier disagree)."""
    k = np.arange(-120, 120)
    centres = np.floor((k + 0.5) / reals_c["double"]).astype(np.int64)
    cand = (centres[:, None] + np.arange(-3, 4)[None, :]).ravel()
    preds = np.array([requantize(mode, cand, [reals_c[formula]]) for mode, formula in COMBOS])
    disagree = np.flatnonzero((preds != preds[0]).any(axis=0))
    real_vs_fixed = np.flatnonzero(preds[COMBOS.index(("real_away", "double"))]
                                   != preds[COMBOS.index(("single_away", "double"))])
    return cand, disagree, real_vs_fixed


def precision_targets(spec_label, q, reals, rng, x_values, w_col, z_in):
    """Per channel, an accumulator where the multiplier formulas disagree, and the bias that
    makes a randomly chosen input value produce it. Returns (bias, targeted input per channel)."""
    channels = len(reals["double"])
    bias = np.zeros(channels, np.int64)
    picked = np.zeros(channels, np.int64)
    for c in range(channels):
        cand, disagree, real_vs_fixed = disagreement_points({f: reals[f][c] for f in FORMULAS})
        if len(real_vs_fixed) and rng.random() < 0.5:
            disagree = real_vs_fixed
            REAL_VS_FIXED_TARGETS[spec_label] = REAL_VS_FIXED_TARGETS.get(spec_label, 0) + 1
        target = cand[rng.choice(disagree)] if len(disagree) else cand[0]
        x0 = int(rng.choice(x_values))
        picked[c] = x0
        bias[c] = target - (x0 - z_in) * int(w_col[c])
    if np.any(np.abs(bias) > ta.INT32_MAX):
        raise OverflowError("bias outside int32")
    return bias.astype(np.int32), picked


def run_precision(tally, spec, rng, trials):
    """1-tap models (FC K=1, 1x1 CONV Cin=1, 1x1 DEPTHWISE): every int8 input value appears
    once per channel; the bias steers one output per channel onto a disagreement point."""
    model = spec.build(seed=int(rng.integers(1 << 30)))
    in_shape = model.shape(("in", 0))
    values = np.arange(-128, 128)
    for _ in range(trials):
        channels = out_channels(spec)
        n = channels if spec.per_channel else 1
        q = {"in_scale": np.float32(rng.uniform(0.005, 0.05)),
             "in_zp": int(rng.integers(-100, 100)),
             "w_scales": rng.uniform(0.002, 0.02, n).astype(np.float32),
             "w_qdim": spec.weight_qdim(), "out_zp": 0}
        mean_w = float(np.mean(q["w_scales"]))
        for _ in range(40):  # per-tensor: prefer a scale with a real-vs-fixed point
            q["out_scale"] = np.float32(q["in_scale"] * mean_w * 2.0 ** rng.uniform(13, 16))
            reals = ta.effective_scales(q["in_scale"], q["w_scales"], q["out_scale"])
            if n > 1 or len(disagreement_points({f: reals[f][0] for f in FORMULAS})[2]):
                break
        if n == 1:
            reals = {k: v * channels for k, v in reals.items()}
        w_col = rng.integers(1, 128, channels) * rng.choice([-1, 1], channels)
        q["weights"] = w_col.reshape(model.shape(("in", 1))).astype(np.int8)
        q["bias"], _ = precision_targets(spec.label, q, reals, rng, values, w_col, q["in_zp"])
        batch = values.astype(np.int8).reshape(in_shape) if spec.kind == "fc" else \
            np.repeat(values, in_shape[-1]).astype(np.int8).reshape(in_shape)
        model.set_weighted_op(q)
        got = run_reference(model.to_bytes(), [batch])
        acc = spec.accumulate(batch, q["in_zp"], q["weights"], q["bias"])[None]
        tally.add((spec.label, "precision"), got, predict_all(acc, q))


# ---------------------------------------------------------------- main

def weighted_specs():
    return [
        OpSpec("FC per-channel 48->24", "fc", (32, 48), 24),
        OpSpec("FC per-tensor 48->24", "fc", (32, 48), 24, per_channel=False),
        OpSpec("CONV 3x3 SAME s1 pc", "conv", (1, 12, 10, 8), 16, kernel=3),
        OpSpec("CONV 3x3 SAME s2 pc", "conv", (1, 12, 10, 8), 16, kernel=3, stride=2),
        OpSpec("CONV 3x3 SAME s1 pt", "conv", (1, 12, 10, 8), 16, kernel=3, per_channel=False),
        OpSpec("DW 3x3 SAME s1 pc", "dw", (1, 12, 10, 8), 8, kernel=3),
        OpSpec("DW 3x3 SAME s2 m2 pc", "dw", (1, 12, 10, 8), 16, kernel=3, stride=2,
               depth_multiplier=2),
        OpSpec("DW 3x3 SAME s1 pt", "dw", (1, 12, 10, 8), 8, kernel=3, per_channel=False),
    ]


def precision_specs():
    return [
        OpSpec("FC per-channel K=1", "fc", (256, 1), 64),
        OpSpec("FC per-tensor K=1", "fc", (256, 1), 64, per_channel=False),
        OpSpec("CONV 1x1 Cin=1 pc", "conv", (1, 16, 16, 1), 64),
        OpSpec("CONV 1x1 Cin=1 pt", "conv", (1, 16, 16, 1), 64, per_channel=False),
        OpSpec("DW 1x1 pc", "dw", (1, 16, 16, 64), 64),
        OpSpec("DW 1x1 pt", "dw", (1, 16, 16, 64), 64, per_channel=False),
    ]


def main():
    parser = argparse.ArgumentParser(description="LiteRT BUILTIN_REF rounding experiment")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="fewer trials")
    parser.add_argument("--skip-eltwise", action="store_true", help="only weighted ops")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    trials = 3 if args.quick else 10
    tally = Tally()
    for spec in weighted_specs():
        for family in ("generic", "ties"):
            run_family(tally, spec, family, rng, trials, batches_per_trial=4)
    for spec in precision_specs():
        run_precision(tally, spec, rng, trials * 3)
    print("backend: %s; cells = mismatching outputs (0 = this combo is what the op does)"
          % tflite_tools.ORACLE_BACKEND)
    tally.print()
    print("precision targets where the exact real product and the 31-bit multiplier disagree:",
          ", ".join("%s %d" % kv for kv in REAL_VS_FIXED_TARGETS.items()))
    if not args.skip_eltwise:
        import eltwise_experiment  # ADD / MUL / AVERAGE_POOL_2D
        eltwise_experiment.run(rng, trials)


if __name__ == "__main__":
    main()
