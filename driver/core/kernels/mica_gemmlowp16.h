/* gemmlowp's fixed-point logistic and tanh on int16 raw values (FixedPoint<int16_t, N>), as
 * TFLite's integer LSTM applies them (portable_tensor_utils ApplySigmoid / ApplyTanh). Values are
 * held in int32 and narrowed the way gemmlowp's int16 operations narrow: Add, Sub and Neg wrap,
 * SaturatingAdd and the saturating shifts clamp. Constants are gemmlowp's int32 raw values
 * rounded to 16 bits (GEMMLOWP_CHECKED_FIXEDPOINT_CONSTANT). Header-only, kernel-private. */
#ifndef MICA_GEMMLOWP16_H
#define MICA_GEMMLOWP16_H
#include <stdint.h>
#include "mica_fixedpoint.h"

static inline int32_t mica_g16_wrap(int32_t x) {
    return (int32_t)(int16_t)(uint16_t)(uint32_t)x;
}

static inline int32_t mica_g16_const(int32_t raw32) {
    return mica_rdbpot(raw32, 16);
}

/* SaturatingRoundingDoublingHighMul<int16_t>. */
static inline int32_t mica_g16_mul(int32_t a, int32_t b) {
    if (a == -32768 && b == -32768)
        return 32767;
    int32_t ab = a * b;
    int32_t nudge = ab >= 0 ? (1 << 14) : 1 - (1 << 14);
    return mica_g16_wrap((ab + nudge) / (1 << 15));
}

/* SaturatingRoundingMultiplyByPOT<e> (Rescale between formats). */
static inline int32_t mica_g16_pot(int32_t x, int e) {
    if (e < 0)
        return mica_rdbpot(x, -e);
    int32_t threshold = (1 << (15 - e)) - 1;
    return x > threshold ? 32767 : x < -threshold ? -32768 : x * (1 << e);
}

static inline int32_t mica_g16_sat_add(int32_t a, int32_t b) {
    return mica_clamp32(a + b, -32768, 32767);
}

/* exp(a) for a in [-1/4, 0), Q0.15 in and out: Taylor series around -1/8. */
static inline int32_t mica_g16_exp_quarter(int32_t a) {
    const int32_t constant_term = mica_g16_const(1895147668);
    const int32_t one_third = mica_g16_const(715827883);
    int32_t x = mica_g16_wrap(a + (1 << 12));
    int32_t x2 = mica_g16_mul(x, x), x3 = mica_g16_mul(x2, x), x4 = mica_g16_mul(x2, x2);
    int32_t x4_over_4 = mica_g16_pot(x4, -2);
    int32_t sum = mica_g16_wrap(mica_g16_mul(mica_g16_wrap(x4_over_4 + x3), one_third) + x2);
    int32_t poly = mica_g16_pot(sum, -1);
    return mica_g16_sat_add(constant_term, mica_g16_mul(constant_term, mica_g16_wrap(x + poly)));
}

/* exp(a) for a <= 0 with int_bits integer bits, result Q0.15 (exp_on_negative_values). */
static inline int32_t mica_g16_exp_negative(int32_t a, int int_bits) {
    static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                           39332535,   720401,     242};
    int frac = 15 - int_bits;
    int32_t quarter = 1 << (frac - 2);
    int32_t a_mod = mica_g16_wrap((a & (quarter - 1)) - quarter);
    int32_t result = mica_g16_exp_quarter(mica_g16_pot(a_mod, int_bits));
    int32_t remainder = mica_g16_wrap(a_mod - a);
    for (int k = 0; k < 7; k++) { /* exponents -2 .. 4 */
        int exponent = k - 2;
        if (int_bits > exponent && (remainder & (1 << (frac + exponent))))
            result = mica_g16_mul(result, mica_g16_const(multipliers[k]));
    }
    if (int_bits > 5 && a < mica_g16_const(-(1 << (36 - int_bits))))
        result = 0;
    return a == 0 ? 32767 : result;
}

/* Newton-Raphson for 1 / (1 + a), a in [0, 1) Q0.15: the Q2.13 reciprocal of the half
 * denominator (shared by one_over_one_plus_x and one_minus_x_over_one_plus_x). */
static inline int32_t mica_g16_half_reciprocal(int32_t a) {
    int32_t sum = a + 32767;
    int32_t half_denominator = mica_g16_wrap((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = mica_g16_wrap(mica_g16_const(1515870810) +
                              mica_g16_mul(half_denominator, mica_g16_const(-1010580540)));
    for (int i = 0; i < 3; i++) {
        int32_t one_minus = mica_g16_wrap((1 << 13) - mica_g16_mul(half_denominator, x));
        x = mica_g16_wrap(x + mica_g16_pot(mica_g16_mul(x, one_minus), 2));
    }
    return x;
}

/* gemmlowp::logistic of a Q(int_bits) value, Q0.15 result. */
static inline int32_t mica_g16_logistic(int32_t a, int int_bits) {
    if (a == 0)
        return 1 << 14;
    int32_t abs = a > 0 ? a : mica_g16_wrap(-a);
    int32_t e = mica_g16_exp_negative(mica_g16_wrap(-abs), int_bits);
    int32_t positive = mica_g16_pot(mica_g16_half_reciprocal(e), 1);
    return a > 0 ? positive : mica_g16_wrap(32767 - positive);
}

/* gemmlowp::tanh of a Q(int_bits) value, Q0.15 result. */
static inline int32_t mica_g16_tanh(int32_t a, int int_bits) {
    if (a == 0)
        return 0;
    int32_t n = a < 0 ? a : mica_g16_wrap(-a);
    int32_t e = mica_g16_exp_negative(n, int_bits + 1); /* ExactMulByPot<1>: 2n, one bit more */
    int32_t t = mica_g16_pot(mica_g16_wrap(mica_g16_half_reciprocal(e) - (1 << 13)), 2);
    return a < 0 ? mica_g16_wrap(-t) : t;
}

#endif
