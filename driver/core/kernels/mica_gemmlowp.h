/* gemmlowp fixed-point functions TFLite's integer softmax-family kernels use, freestanding C99,
 * header-only. Qm = gemmlowp FixedPoint<int32, m> (m integer bits, 31 - m fractional); sums and
 * differences wrap as int32 (through uint32: no undefined overflow), products are
 * SaturatingRoundingDoublingHighMul. Used by SOFTMAX, LOG_SOFTMAX and the logic kernels. */
#ifndef MICA_GEMMLOWP_H
#define MICA_GEMMLOWP_H
#include "mica_fixedpoint.h"

static inline int32_t mica_gl_add(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a + (uint32_t)b);
}
static inline int32_t mica_gl_sub(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a - (uint32_t)b);
}
/* SaturatingRoundingMultiplyByPOT for any exponent (Rescale between formats). */
static inline int32_t mica_gl_pot(int32_t x, int e) {
    return e > 0 ? mica_sat_shl(x, e) : e < 0 ? mica_rdbpot(x, -e) : x;
}
static inline int32_t mica_gl_sat64(int64_t v) {
    return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}
static inline int mica_gl_clz(uint32_t x) {
    int n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

/* exp(a) for a in [-1/4, 0), Q0 in and out: Taylor series around -1/8. */
static inline int32_t mica_gl_exp_quarter(int32_t a) {
    const int32_t exp_minus_one_eighth = 1895147668, one_third = 715827883;
    int32_t x = mica_gl_add(a, 1 << 28);
    int32_t x2 = mica_srdhm(x, x), x3 = mica_srdhm(x2, x), x4 = mica_srdhm(x2, x2);
    int32_t x4_over_4 = mica_rdbpot(x4, 2);
    int32_t poly =
        mica_rdbpot(mica_gl_add(mica_srdhm(mica_gl_add(x4_over_4, x3), one_third), x2), 1);
    return mica_gl_add(exp_minus_one_eighth,
                       mica_srdhm(exp_minus_one_eighth, mica_gl_add(x, poly)));
}

/* exp(a) for a <= 0, a in Q5, result Q0 (gemmlowp exp_on_negative_values, 5 integer bits). */
static inline int32_t mica_gl_exp_on_negative_q5(int32_t a) {
    static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                           39332535,   720401,     242};
    const int frac_bits = 31 - 5;
    const int32_t one_quarter = 1 << (frac_bits - 2);
    int32_t a_mod_minus_quarter = mica_gl_sub(a & (one_quarter - 1), one_quarter);
    int32_t result = mica_gl_exp_quarter(mica_sat_shl(a_mod_minus_quarter, 5));
    int32_t remainder = mica_gl_sub(a_mod_minus_quarter, a);
    for (int e = -2; e <= 4; e++) /* exp(-2^e) factors selected by the bits of the remainder */
        if (remainder & (1 << (frac_bits + e)))
            result = mica_srdhm(result, multipliers[e + 2]);
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a in [0, 1), Q0 in and out (Newton-Raphson, gemmlowp). */
static inline int32_t mica_gl_one_over_one_plus(int32_t a) {
    int64_t sum = (int64_t)a + INT32_MAX;
    int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t c48_over_17 = 1515870810, cneg32_over_17 = -1010580540, one_q2 = 1 << 29;
    int32_t x = mica_gl_add(c48_over_17, mica_srdhm(half_denominator, cneg32_over_17));
    for (int i = 0; i < 3; i++) {
        int32_t one_minus = mica_gl_sub(one_q2, mica_srdhm(half_denominator, x));
        x = mica_gl_add(x, mica_sat_shl(mica_srdhm(x, one_minus), 2));
    }
    return mica_sat_shl(x, 1);
}

/* log(x) for x >= 1 given in Q12, result in Q5 (TFLite's log_x_for_x_greater_than_or_equal_to_1
 * <5, 12>: a rational approximation around a power-of-two split, accumulated in Q6). */
static inline int32_t mica_gl_log_q12_to_q5(int32_t x) {
    enum { IN_BITS = 12, ACC_BITS = 6 };
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769,
                  alpha_f = 638450708;
    const int32_t shifted_quarter = mica_gl_pot(536870912, -ACC_BITS);
    const int za_headroom_plus_1 = mica_gl_clz((uint32_t)x);
    const int32_t ra_tmp = mica_gl_pot(x, za_headroom_plus_1 - 1);
    const int32_t ra = mica_gl_pot(mica_srdhm(ra_tmp, sqrt_half), 1);
    const int32_t za_pow_2_adj = mica_gl_sat64(
        (int64_t)mica_gl_pot(IN_BITS - za_headroom_plus_1, 31 - ACC_BITS) + shifted_quarter);
    const int32_t zb = mica_srdhm(x, sqrt_half);
    const int zb_headroom = mica_gl_clz((uint32_t)zb) - 1;
    const int32_t rb = mica_gl_pot(x, zb_headroom);
    const int32_t zb_pow_2_adj =
        mica_gl_sat64((int64_t)mica_gl_pot(IN_BITS - zb_headroom, 31 - ACC_BITS) - shifted_quarter);
    const int32_t r = ra < rb ? ra : rb;
    const int32_t z_pow_2_adj = za_pow_2_adj > zb_pow_2_adj ? za_pow_2_adj : zb_pow_2_adj;
    const int64_t half_sum = (int64_t)r + sqrt_sqrt_half;
    const int32_t p = (int32_t)((half_sum + (half_sum >= 0 ? 1 : -1)) / 2); /* RoundingHalfSum */
    int32_t q = mica_gl_sub(r, sqrt_sqrt_half);
    q = mica_gl_add(q, q);
    const int32_t common_sq = mica_srdhm(q, q);
    const int32_t num =
        mica_gl_add(mica_srdhm(q, r), mica_srdhm(mica_srdhm(q, common_sq), alpha_n));
    const int32_t inner = mica_gl_add(mica_gl_add(alpha_i, q), mica_srdhm(alpha_d, common_sq));
    const int32_t denom_minus_one = mica_gl_add(mica_srdhm(p, inner), mica_srdhm(alpha_f, q));
    const int32_t recip_denom = mica_gl_one_over_one_plus(denom_minus_one);
    const int32_t num_scaled = mica_gl_pot(num, -ACC_BITS);
    const int32_t acc =
        mica_gl_add(mica_srdhm(z_pow_2_adj, log_2), mica_srdhm(num_scaled, recip_denom));
    return mica_gl_pot(acc, ACC_BITS - 5);
}

#endif
