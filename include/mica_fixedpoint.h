/* TFLite/gemmlowp integer arithmetic, freestanding C99 (no libc, no libm).
 * Shared by the CPU fallback kernels and the functional model; the RTL requantization unit
 * implements exactly mica_requantize(). */
#ifndef MICA_FIXEDPOINT_H
#define MICA_FIXEDPOINT_H
#include <stdint.h>

/* Saturating rounding doubling high multiply: round(a * b / 2^31), nudged toward TFLite. */
static inline int32_t mica_srdhm(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN)
        return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
    return (int32_t)((ab + nudge) / (1ll << 31)); /* C division truncates, as TFLite */
}

/* Rounding divide by 2^e, halves away from zero (gemmlowp RoundingDivideByPOT). */
static inline int32_t mica_rdbpot(int32_t x, int e) {
    int32_t mask = (int32_t)((1ll << e) - 1);
    int32_t rem = x & mask;
    int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> e) + (rem > thr ? 1 : 0);
}

/* x * 2^shift * M / 2^31 with TFLite's two roundings (MultiplyByQuantizedMultiplier). */
static inline int32_t mica_mul_double_round(int32_t x, int32_t m, int shift) {
    int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    int32_t shifted = (int32_t)((uint32_t)x << left); /* int32 wrap, as TFLite's x * (1 << left) */
    return mica_rdbpot(mica_srdhm(shifted, m), right);
}

/* The same with one rounding (TFLITE_SINGLE_ROUNDING). */
static inline int32_t mica_mul_single_round(int32_t x, int32_t m, int shift) {
    int t = 31 - shift;
    int64_t r = (int64_t)x * (int64_t)m + (1ll << (t - 1));
    return (int32_t)(r >> t);
}

/* min(max(v, lo), hi), as TFLite and the RTL's STORE apply it: lo > hi gives hi. */
static inline int32_t mica_clamp32(int32_t v, int32_t lo, int32_t hi) {
    int32_t t = v < lo ? lo : v;
    return t > hi ? hi : t;
}

/* 84-bit unsigned integers as two 64-bit halves (no __int128 on 32-bit MCUs). */
typedef struct {
    uint64_t hi, lo;
} mica_u128_t;

static inline mica_u128_t mica_u128_shr(mica_u128_t v, int n) {
    mica_u128_t r;
    if (n == 0)
        return v;
    if (n >= 128) {
        r.hi = r.lo = 0;
        return r;
    }
    if (n >= 64) {
        r.lo = v.hi >> (n - 64);
        r.hi = 0;
        return r;
    }
    r.lo = (v.lo >> n) | (v.hi << (64 - n));
    r.hi = v.hi >> n;
    return r;
}

static inline int mica_u128_bitlen(mica_u128_t v) {
    int n = 0;
    uint64_t w = v.hi ? v.hi : v.lo;
    while (w) {
        n++;
        w >>= 1;
    }
    return v.hi ? n + 64 : n;
}

/* Bits [0, n) of v, n <= 127, compared with 2^(n-1): -1 below, 0 equal, 1 above. */
static inline int mica_u128_cmp_half(mica_u128_t v, int n) {
    uint64_t hi = 0, lo = 0, hh = 0, hl = 0;
    if (n > 64) {
        hi = v.hi & ((1ull << (n - 64)) - 1);
        lo = v.lo;
    } else {
        lo = n == 64 ? v.lo : v.lo & ((1ull << n) - 1);
    }
    if (n - 1 >= 64)
        hh = 1ull << (n - 1 - 64);
    else
        hl = 1ull << (n - 1);
    if (hi != hh)
        return hi > hh ? 1 : -1;
    return lo == hl ? 0 : (lo > hl ? 1 : -1);
}

/* round_half_away(fl64(x * m53 * 2^(e-53))): what LiteRT's reference FULLY_CONNECTED computes
 * as std::round(double(acc) * double_scale). fl64 rounds the exact product to 53 significant
 * bits, ties to even, exactly as the double multiply does; the result saturates to int32. */
static inline int32_t mica_mul_real(int32_t x, uint64_t m53, int e) {
    if (x == 0 || m53 == 0)
        return 0;
    uint64_t ax = x < 0 ? (uint64_t)0 - (uint64_t)(int64_t)x : (uint64_t)x;
    uint64_t lo_part = ax * (m53 & 0xFFFFFFFFull), hi_part = ax * (m53 >> 32);
    mica_u128_t p;
    p.lo = lo_part + (hi_part << 32);
    p.hi = (hi_part >> 32) + (p.lo < lo_part ? 1 : 0);
    int d = mica_u128_bitlen(p) - 53;
    if (d > 0) { /* fl64: keep 53 significant bits, ties to even */
        int c = mica_u128_cmp_half(p, d);
        p = mica_u128_shr(p, d);
        if (c > 0 || (c == 0 && (p.lo & 1))) {
            p.lo++;
            if (p.lo == 0)
                p.hi++;
        }
    } else
        d = 0;
    int s = 53 - e - d; /* value = p / 2^s */
    uint64_t n;
    if (s <= 0)
        n = ~0ull; /* value >= 2^52 for a normalized m53: saturates (the RTL does the same) */
    else if (s > 127)
        n = 0;
    else { /* round half away from zero on the magnitude */
        int c = mica_u128_cmp_half(p, s);
        mica_u128_t q = mica_u128_shr(p, s);
        n = q.hi ? ~0ull : q.lo + (c >= 0 ? 1 : 0);
    }
    if (x > 0)
        return n > (uint64_t)INT32_MAX ? INT32_MAX : (int32_t)n;
    return n > (uint64_t)INT32_MAX + 1 ? INT32_MIN : (int32_t)(0 - n);
}

enum { MICA_ROUND_DOUBLE = 0, MICA_ROUND_SINGLE = 1, MICA_ROUND_REAL = 2 };

/* The accelerator's output stage (STORE): bias, requantize, zero point, clamp.
 * m_lo is PARAM row 3 (the low 21 bits of the 53-bit multiplier of MICA_ROUND_REAL). */
static inline int8_t mica_requantize(int32_t acc, int32_t bias, int32_t m, int32_t m_lo,
                                     int32_t shift_row, int mode, int32_t z_out, int32_t act_min,
                                     int32_t act_max) {
    int32_t x = (int32_t)((uint32_t)acc + (uint32_t)bias);
    int shift = (int8_t)(shift_row & 0xFF); /* the hardware keeps the row's low 8 bits */
    if (mode != MICA_ROUND_REAL)
        shift = shift > 30 ? 30 : (shift < -31 ? -31 : shift);
    int32_t y =
        mode == MICA_ROUND_SINGLE ? mica_mul_single_round(x, m, shift)
        : mode == MICA_ROUND_REAL
            ? mica_mul_real(x, (uint64_t)(uint32_t)m << 21 | ((uint32_t)m_lo & 0x1FFFFFu), shift)
            : mica_mul_double_round(x, m, shift);
    y = (int32_t)((uint32_t)y + (uint32_t)z_out);
    return (int8_t)mica_clamp32(y, act_min, act_max);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent. */
static inline int32_t mica_sat_shl(int32_t x, int e) {
    int32_t thr = (int32_t)((1ll << (31 - e)) - 1);
    if (x > thr)
        return INT32_MAX;
    if (x < -thr)
        return INT32_MIN;
    return (int32_t)((uint32_t)x << e);
}

/* mica_mul_double_round(x, mult, shift) for a legal shift (mica_shift_ok), its constants
 * precomputed for inner loops (16 bytes: kernels keep one per channel of a chunk). */
typedef struct {
    int32_t mult, half;        /* half: RoundingDivideByPOT's nudge (for results >= 0) */
    uint32_t below;            /* 2^31 when right > 0: the nudge is half - 1 below zero */
    uint8_t left, total_right; /* total_right = 31 + right */
} mica_rescale_t;

static inline mica_rescale_t mica_rescale_make(int32_t mult, int32_t shift) {
    mica_rescale_t r;
    const int right = shift > 0 ? 0 : -shift;
    r.mult = mult;
    r.half = right ? (int32_t)(1u << (right - 1)) : 0;
    r.below = right ? 0x80000000u : 0;
    r.left = (uint8_t)(shift > 0 ? shift : 0);
    r.total_right = (uint8_t)(31 + right);
    return r;
}

/* Both nudges of SaturatingRoundingDoublingHighMul reduce to q = floor(t / 2^31) for
 * t = a * mult + 2^30; RoundingDivideByPOT is floor((q + nudge) / 2^right), nudge = half, or
 * half - 1 when q < 0 (t < 0). As floor((floor(v) + k) / 2^r) = floor((v + k) / 2^r) for integer
 * k, one shift does both roundings exactly (|t + nudge| < 2^63). Branch-free: the sign is data, a
 * branch would mispredict. Only INT32_MIN * INT32_MIN with right 0 passes INT32_MAX: saturates,
 * as SRDHM does. */
static inline int32_t mica_rescale(int32_t x, const mica_rescale_t *r) {
    const int32_t a =
        (int32_t)((uint32_t)x << r->left); /* int32 wrap, as TFLite's x * (1 << left) */
    const int64_t t = (int64_t)a * r->mult + (1ll << 30);
    const int64_t nudge = (int64_t)r->half * (1ll << 31) - ((t >> 63) & (int64_t)r->below);
    const int64_t z = (t + nudge) >> r->total_right;
    return z > INT32_MAX ? INT32_MAX : (int32_t)z;
}

/* The int8 output stage of TFLite's integer kernels: x rescaled, plus the zero point (int32
 * wrap), clamped to [lo, hi]. */
static inline int8_t mica_output_int8(int32_t x, const mica_rescale_t *r, int32_t zp, int32_t lo,
                                      int32_t hi) {
    return (int8_t)mica_clamp32((int32_t)((uint32_t)mica_rescale(x, r) + (uint32_t)zp), lo, hi);
}

/* TFLite's GetInvSqrtQuantizedMultiplierExp: 1 / sqrt(input) as a multiplier and shift (gemmlowp
 * Newton-Raphson in Q3.28, five steps from 1). reverse_shift -1 gives the shift as a left shift
 * (RSQRT, L2_NORMALIZATION). Inputs 0 and 1 give INT32_MAX, shift 0, as TFLite does. */
static inline void mica_inv_sqrt_multiplier_exp(int32_t input, int reverse_shift, int32_t *mult,
                                                int *shift) {
    if (input <= 1) {
        *mult = INT32_MAX;
        *shift = 0;
        return;
    }
    int s = 11, clz = 0;
    while (input >= (1 << 29)) {
        input /= 4;
        s++;
    }
    while (!((uint32_t)input << clz & 0x80000000u))
        clz++;
    const int pairs = (clz - 1) / 2 - 1;
    s -= pairs;
    input = (int32_t)((uint32_t)input << (2 * pairs));
    const int32_t half_input = mica_rdbpot(input >> 1, 1), half_three = (1 << 28) + (1 << 27);
    int32_t x = 1 << 28; /* 1.0 with 3 integer bits */
    for (int i = 0; i < 5; i++) {
        const int32_t x3 = mica_sat_shl(mica_srdhm(mica_srdhm(x, x), x), 6);
        const uint32_t d =
            (uint32_t)mica_srdhm(half_three, x) - (uint32_t)mica_srdhm(half_input, x3);
        x = mica_sat_shl((int32_t)d, 3);
    }
    x = mica_srdhm(x, 1518500250); /* sqrt(2) / 2 */
    if (s < 0) {
        x = (int32_t)((uint32_t)x << -s);
        s = 0;
    }
    *mult = x;
    *shift = s * reverse_shift;
}

#endif
