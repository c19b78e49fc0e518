/* SOFTMAX int8 -> int8, bit-exact with TFLite reference_ops::Softmax (gemmlowp fixed point).
 * Freestanding C99: integer only. Output scale 1/256, zero point -128 (the converter enforces). */
#include "mica_kernels.h"
#include "mica_fixedpoint.h"
#include "mica_gemmlowp.h"

/* Fixed-point formats used below: Qm = gemmlowp FixedPoint<int32, m> (m integer bits). */
#define SCALED_DIFF_BITS 5 /* the Q5 of mica_gl_exp_on_negative_q5 */
#define ACCUM_BITS 12

/* The fixed-point exp of a difference from the row's maximum (Q0 int) as Q0.31. */
static int32_t exp_of_diff(const mica_softmax_params_t *p, int32_t diff) {
    int32_t scaled =
        mica_srdhm((int32_t)((int64_t)diff * (1ll << p->input_left_shift)), p->input_multiplier);
    return mica_gl_exp_on_negative_q5(scaled);
}

#define SOFTMAX_KEPT 16 /* exps kept from the sum's pass: each costs ~100 integer operations */

static void softmax_row(const mica_softmax_params_t *p, const int8_t *in, int8_t *out) {
    int32_t max_in = -128;
    for (int c = 0; c < p->depth; c++)
        if (in[c] > max_in)
            max_in = in[c];
    int32_t sum = 0;            /* Q12 */
    int32_t kept[SOFTMAX_KEPT]; /* the first exps, for the second pass (a classifier's all) */
    for (int c = 0; c < p->depth; c++) {
        int32_t diff = (int32_t)in[c] - max_in;
        if (diff >= p->diff_min) {
            int32_t e = exp_of_diff(p, diff);
            if (c < SOFTMAX_KEPT)
                kept[c] = e;
            int32_t term = mica_rdbpot(e, ACCUM_BITS); /* 0 .. 2^19 */
            sum = term > INT32_MAX - sum ? INT32_MAX
                                         : sum + term; /* TFLite's sum overflows past 4095 */
        }
    }
    int headroom = mica_gl_clz((uint32_t)sum) & 31; /* sum >= 2^19: the maximum's own term */
    int bits_over_unit = ACCUM_BITS - headroom;
    /* Past 31 (a sum >= 2^28, i.e. >= 512 values near the maximum) TFLite's RoundingDivideByPOT is
     * undefined (LiteRT aborts); the exact quotient then rounds to 0. */
    const int out_shift = bits_over_unit + 31 - 8;
    int32_t shifted_minus_one = (int32_t)(((uint32_t)sum << headroom) - (1u << 31));
    int32_t recip = mica_gl_one_over_one_plus(shifted_minus_one);
    for (int c = 0; c < p->depth; c++) {
        int32_t diff = (int32_t)in[c] - max_in;
        int32_t v = -128;
        if (diff >= p->diff_min) {
            int32_t e = c < SOFTMAX_KEPT ? kept[c] : exp_of_diff(p, diff);
            v = (out_shift > 31 ? 0 : mica_rdbpot(mica_srdhm(recip, e), out_shift)) - 128;
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
