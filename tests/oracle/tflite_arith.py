"""Exact numpy model of TFLite int8 arithmetic (accumulation and requantization).

Everything works on int64 numpy arrays so results are exact; the requantization helpers take
per-channel multiplier/shift arrays that broadcast along the last (channel) axis.
"""
import math

import numpy as np

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1


# ---------------------------------------------------------------- multipliers

def quantize_multiplier(real):
    """TFLite QuantizeMultiplier: real -> (int32 multiplier M, shift), real = M * 2^(shift-31)."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    m = math.floor(q * (1 << 31) + 0.5)  # q*2^31 is exact; positive, so half-up == half-away
    if m == (1 << 31):
        m //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return m, shift


def effective_scales(s_in, s_w, s_out):
    """The candidate formulas for M_real = s_in * s_w / s_out (inputs are float32 values).

    Returns {name: list of python floats (double)}, one entry per channel of s_w.
    """
    s_in32, s_out32 = np.float32(s_in), np.float32(s_out)
    s_w32 = np.asarray(s_w, np.float32).ravel()
    variants = {"double": [], "float_product": [], "all_float": []}
    for w in s_w32:
        variants["double"].append(float(s_in32) * float(w) / float(s_out32))
        variants["float_product"].append(float(np.float32(s_in32 * w)) / float(s_out32))
        variants["all_float"].append(float(np.float32(np.float32(s_in32 * w) / s_out32)))
    return variants


def multipliers(reals):
    """Per-channel (M, shift) int64 arrays for a list of real multipliers."""
    pairs = [quantize_multiplier(r) for r in reals]
    return (np.array([p[0] for p in pairs], np.int64), np.array([p[1] for p in pairs], np.int64))


# ---------------------------------------------------------------- requantization

def _c_div_pow2_31(v):
    """C integer division by 2^31 (truncation toward zero) of an int64 array."""
    return np.where(v >= 0, v >> 31, -((-v) >> 31))


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul on int32 values held in int64 arrays."""
    a, b = np.broadcast_arrays(np.asarray(a, np.int64), np.asarray(b, np.int64))
    ab = a * b
    nudge = np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    res = _c_div_pow2_31(ab + nudge)
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, res)


def rdbpot(x, exponent):
    """RoundingDivideByPOT: divide by 2^exponent, ties away from zero."""
    x = np.asarray(x, np.int64)
    exponent = np.asarray(exponent, np.int64)
    mask = (np.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def requant_double(acc, m, shift):
    """MultiplyByQuantizedMultiplier, double-rounding (gemmlowp) variant."""
    acc = np.asarray(acc, np.int64)
    left = np.maximum(shift, 0)
    right = np.maximum(-shift, 0)
    shifted = acc << left
    if np.any((shifted < INT32_MIN) | (shifted > INT32_MAX)):
        raise OverflowError("accumulator << left_shift leaves int32")
    return rdbpot(srdhm(shifted, m), right)


def requant_single(acc, m, shift):
    """MultiplyByQuantizedMultiplier, TFLITE_SINGLE_ROUNDING variant (one 64-bit round shift)."""
    acc = np.asarray(acc, np.int64)
    total = 31 - np.asarray(shift, np.int64)
    return (acc * m + (np.int64(1) << (total - 1))) >> total


def requant_single_away(acc, m, shift):
    """One 64-bit rounding shift on the magnitude, ties away from zero (sign-symmetric)."""
    acc = np.asarray(acc, np.int64)
    total = 31 - np.asarray(shift, np.int64)
    magnitude = (np.abs(acc) * m + (np.int64(1) << (total - 1))) >> total
    return np.where(acc < 0, -magnitude, magnitude)


def requant_real_away(acc, real):
    """No fixed-point multiplier at all: round(acc * real) in double, ties away from zero."""
    v = np.asarray(acc, np.float64) * np.asarray(real, np.float64)
    return np.where(v >= 0, np.floor(v + 0.5), -np.floor(-v + 0.5)).astype(np.int64)


REQUANT = {"double_round": requant_double, "single_round": requant_single,
           "single_away": requant_single_away}


def finish(scaled, z_out, act_min=-128, act_max=127):
    return np.clip(scaled + z_out, act_min, act_max).astype(np.int8)


def activation_range(kind, out_scale, out_zp):
    """CalculateActivationRangeQuantized for int8 ("none", "relu", "relu6")."""
    lo, hi = -128, 127
    if kind in ("relu", "relu6"):
        lo = max(lo, out_zp)
    if kind == "relu6":
        hi = min(hi, out_zp + int(round_half_away(float(np.float32(6.0) / np.float32(out_scale)))))
    return lo, hi


def round_half_away(v):
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


# ---------------------------------------------------------------- accumulators

def fc_acc(x, z_in, weights, bias):
    """x (N, K) int8, weights (C, K), bias (C,) -> (N, C) int64."""
    xs = x.astype(np.int64) - z_in
    return xs @ weights.astype(np.int64).T + bias.astype(np.int64)


def same_padding(in_size, kernel, stride, dilation):
    out = -(-in_size // stride)
    eff = (kernel - 1) * dilation + 1
    total = max((out - 1) * stride + eff - in_size, 0)
    return out, total // 2, total - total // 2


def valid_size(in_size, kernel, stride, dilation):
    return -(-(in_size - (kernel - 1) * dilation) // stride)


def _padded_taps(x, z_in, kh, kw, stride, dilation, padding, pad_value_raw=None):
    """Yield (i, j, patch) with patch (N, OH, OW, Cin) of (x - z_in); out-of-image taps give 0
    (TFLite semantics) unless pad_value_raw is set (then they give pad_value_raw - z_in)."""
    n, h, w, c = x.shape
    if padding == "SAME":
        oh, pt, pb = same_padding(h, kh, stride, dilation)
        ow, pl, pr = same_padding(w, kw, stride, dilation)
    else:
        oh, ow = valid_size(h, kh, stride, dilation), valid_size(w, kw, stride, dilation)
        pt = pb = pl = pr = 0
    fill = 0 if pad_value_raw is None else pad_value_raw - z_in
    xs = np.full((n, h + pt + pb, w + pl + pr, c), fill, np.int64)
    xs[:, pt:pt + h, pl:pl + w, :] = x.astype(np.int64) - z_in
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dilation, j * dilation
            yield i, j, xs[:, r0:r0 + (oh - 1) * stride + 1:stride,
                           c0:c0 + (ow - 1) * stride + 1:stride, :]


def conv_acc(x, z_in, weights, bias, stride=1, dilation=1, padding="SAME", pad_value_raw=None):
    """x (N,H,W,Cin), weights (Cout,KH,KW,Cin) -> (N,OH,OW,Cout) int64."""
    w64 = weights.astype(np.int64)
    acc = None
    for i, j, patch in _padded_taps(x, z_in, w64.shape[1], w64.shape[2], stride, dilation,
                                    padding, pad_value_raw):
        term = patch @ w64[:, i, j, :].T
        acc = term if acc is None else acc + term
    return acc + bias.astype(np.int64)


def depthwise_acc(x, z_in, weights, bias, stride=1, dilation=1, padding="SAME"):
    """x (N,H,W,Cin), weights (1,KH,KW,Cin*mult) -> (N,OH,OW,Cin*mult) int64."""
    w64 = weights.astype(np.int64)
    mult = w64.shape[3] // x.shape[3]
    acc = None
    for i, j, patch in _padded_taps(x, z_in, w64.shape[1], w64.shape[2], stride, dilation,
                                    padding):
        term = np.repeat(patch, mult, axis=3) * w64[0, i, j, :]
        acc = term if acc is None else acc + term
    return acc + bias.astype(np.int64)
