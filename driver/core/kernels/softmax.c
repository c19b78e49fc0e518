/* SOFTMAX int8 -> int8, bit-exact with TFLite reference_ops::Softmax (gemmlowp fixed point).
 * Freestanding C99: integer only. Output scale 1/256, zero point -128 (the converter enforces). */
#include "mica_kernels.h"
#include "mica_fixedpoint.h"

/* Fixed-point formats used below: Qm = gemmlowp FixedPoint<int32, m> (m integer bits). */
#define SCALED_DIFF_BITS 5
#define ACCUM_BITS 12

static int32_t fp_mul(int32_t a, int32_t b) {
    return mica_srdhm(a, b);
}

/* exp(a) for a in [-1/4, 0), Q0 in and out: Taylor series around -1/8. */
static int32_t exp_quarter_interval(int32_t a) {
    const int32_t exp_minus_one_eighth = 1895147668, one_third = 715827883;
    int32_t x = a + (1 << 28);
    int32_t x2 = fp_mul(x, x), x3 = fp_mul(x2, x), x4 = fp_mul(x2, x2);
    int32_t x4_over_4 = mica_rdbpot(x4, 2);
    int32_t poly = mica_rdbpot(fp_mul(x4_over_4 + x3, one_third) + x2, 1);
    return exp_minus_one_eighth + fp_mul(exp_minus_one_eighth, x + poly);
}

/* exp(a) for a <= 0; a in Q5, result in Q0 (gemmlowp exp_on_negative_values). */
static int32_t exp_on_negative(int32_t a) {
    static const int32_t multipliers[7] = {1672461947, 1302514674, 790015084, 290630308,
                                           39332535,   720401,     242};
    const int frac_bits = 31 - SCALED_DIFF_BITS;
    const int32_t one_quarter = 1 << (frac_bits - 2);
    int32_t a_mod_minus_quarter = (a & (one_quarter - 1)) - one_quarter;
    int32_t result = exp_quarter_interval(mica_sat_shl(a_mod_minus_quarter, SCALED_DIFF_BITS));
    int32_t remainder = a_mod_minus_quarter - a;
    for (int e = -2; e <= 4; e++) /* exp(-2^e) factors selected by the bits of the remainder */
        if (remainder & (1 << (frac_bits + e)))
            result = fp_mul(result, multipliers[e + 2]);
    return a == 0 ? INT32_MAX : result;
}

/* 1 / (1 + a) for a in [0, 1), Q0 in and out (Newton-Raphson, gemmlowp). */
static int32_t one_over_one_plus(int32_t a) {
    int64_t sum = (int64_t)a + INT32_MAX;
    int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    const int32_t c48_over_17 = 1515870810, cneg32_over_17 = -1010580540, one_q2 = 1 << 29;
    int32_t x = c48_over_17 + fp_mul(half_denominator, cneg32_over_17);
    for (int i = 0; i < 3; i++) {
        int32_t one_minus = one_q2 - fp_mul(half_denominator, x);
        x = x + mica_sat_shl(fp_mul(x, one_minus), 2);
    }
    return mica_sat_shl(x, 1);
}

static int count_leading_zeros(uint32_t x) {
    int n = 0;
    if (x == 0)
        return 32;
    while (!(x & 0x80000000u)) {
        x <<= 1;
        n++;
    }
    return n;
}

static void softmax_row(const mica_softmax_params_t *p, const int8_t *in, int8_t *out) {
    int32_t max_in = -128;
    for (int c = 0; c < p->depth; c++)
        if (in[c] > max_in)
            max_in = in[c];
    int32_t sum = 0; /* Q12 */
    for (int c = 0; c < p->depth; c++) {
        int32_t diff = (int32_t)in[c] - max_in;
        if (diff >= p->diff_min) {
            int32_t scaled = mica_srdhm((int32_t)((int64_t)diff * (1ll << p->input_left_shift)),
                                        p->input_multiplier);
            int32_t term = mica_rdbpot(exp_on_negative(scaled), ACCUM_BITS); /* 0 .. 2^19 */
            sum = term > INT32_MAX - sum ? INT32_MAX
                                         : sum + term; /* TFLite's sum overflows past 4095 */
        }
    }
    int headroom =
        count_leading_zeros((uint32_t)sum) & 31; /* sum >= 2^19: the maximum's own term */
    int bits_over_unit = ACCUM_BITS - headroom;
    /* Past 31 (a sum >= 2^28, i.e. >= 512 values near the maximum) TFLite's RoundingDivideByPOT is
     * undefined (LiteRT aborts); the exact quotient then rounds to 0. */
    const int out_shift = bits_over_unit + 31 - 8;
    int32_t shifted_minus_one = (int32_t)(((uint32_t)sum << headroom) - (1u << 31));
    int32_t recip = one_over_one_plus(shifted_minus_one);
    for (int c = 0; c < p->depth; c++) {
        int32_t diff = (int32_t)in[c] - max_in;
        int32_t v = -128;
        if (diff >= p->diff_min) {
            int32_t scaled = mica_srdhm((int32_t)((int64_t)diff * (1ll << p->input_left_shift)),
                                        p->input_multiplier);
            int32_t e = exp_on_negative(scaled);
            v = (out_shift > 31 ? 0 : mica_rdbpot(fp_mul(recip, e), out_shift)) - 128;
        }
        out[c] = (int8_t)mica_clamp32(v, -128, 127);
    }
}

int mica_k_softmax(const mica_kernel_call_t *c) {
    const mica_softmax_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    if (p->depth <= 0 || p->rows <= 0 || p->input_left_shift < 0 || p->input_left_shift > 31 ||
        p->diff_min > 0 || (uint64_t)p->rows * (uint64_t)p->depth != c->in_bytes[0] ||
        c->in_bytes[0] != c->out_bytes[0])
        return -1;
    for (int r = 0; r < p->rows; r++)
        softmax_row(p, c->in[0] + (long)r * p->depth, c->out[0] + (long)r * p->depth);
    return 0;
}
