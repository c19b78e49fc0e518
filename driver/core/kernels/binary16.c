/* ADD, SUB, MUL, MAXIMUM, MINIMUM on int16 (16x8 models) with broadcasting, bit-exact with TFLite's reference
 * kernels for 16-bit activations: ADD/SUB's general-scale path rescales both inputs with
 * left_shift 15 (65535 << 15 still fits int32) and MultiplyByQuantizedMultiplierSmallerThanOneExp,
 * MUL multiplies the zero-point-free inputs and requantizes with double rounding, MAXIMUM and
 * MINIMUM compare raw values (zero points 0 in their block), PRELU (int8 alpha widened to int16
 * by the compiler) takes the int8 kernel's two multipliers, SQUARED_DIFFERENCE (TFLite Micro's
 * int16 path) rescales as ADD with left shift 0 and squares the difference. Same parameter
 * block as the int8 kernel (binary.c), element offsets and constants in int16 elements. */
#include "mica_fixedpoint.h"
#include "mica_int16_util.h"

#define ADD16_LEFT_SHIFT 15

/* Input k's bytes: an operand, or a constant inside the parameter block. */
static const int8_t *source(const mica_kernel_call_t *c, const mica_binary_params_t *p, int k,
                            int *next, uint32_t *len) {
    if (p->const_len[k] > 0) {
        if (p->const_off[k] < sizeof *p ||
            (uint64_t)p->const_off[k] + p->const_len[k] > c->params_size)
            return 0;
        *len = p->const_len[k];
        return (const int8_t *)c->params + p->const_off[k];
    }
    if (*next >= c->ninputs)
        return 0;
    *len = c->in_bytes[*next];
    return c->in[(*next)++];
}

static int quant_ok(const mica_binary_params_t *p) {
    if (p->op < MICA_BIN_ADD || p->op > MICA_BIN_SQDIFF || p->out_zp < -32768 ||
        p->out_zp > 32767 || p->act_min < -32768 || p->act_min > p->act_max || p->act_max > 32767 ||
        !mica_shift_ok(p->out_shift))
        return 0;
    for (int k = 0; k < 2; k++)
        if (p->in_zp[k] < -32768 || p->in_zp[k] > 32767 || !mica_shift_ok(p->in_shift[k]))
            return 0;
    return 1;
}

static int32_t element(const mica_binary_params_t *p, int32_t a, int32_t b) {
    a -= p->in_zp[0];
    b -= p->in_zp[1];
    if (p->op == MICA_BIN_MAX || p->op == MICA_BIN_MIN)
        return (p->op == MICA_BIN_MAX) == (a > b) ? a : b;
    if (p->op == MICA_BIN_PRELU) /* |a b| < 2^25 from a real block; a damaged one wraps */
        return a >= 0 ? mica_mul_double_round(a, p->in_mult[0], p->in_shift[0])
                      : mica_mul_double_round((int32_t)((uint32_t)a * (uint32_t)b), p->out_mult,
                                              p->out_shift);
    if (p->op == MICA_BIN_MUL)
        return mica_mul_double_round((int32_t)((uint32_t)a * (uint32_t)b), p->out_mult,
                                     p->out_shift); /* zero points 0: |a b| <= 2^30 */
    const int left = p->op == MICA_BIN_SQDIFF ? 0 : ADD16_LEFT_SHIFT; /* SQDIFF: 16-bit already */
    int32_t sa = mica_mul_double_round(a * (1 << left), p->in_mult[0], p->in_shift[0]);
    int32_t sb = mica_mul_double_round(b * (1 << left), p->in_mult[1], p->in_shift[1]);
    uint32_t sum =
        p->op == MICA_BIN_ADD ? (uint32_t)sa + (uint32_t)sb : (uint32_t)sa - (uint32_t)sb;
    if (p->op == MICA_BIN_SQDIFF) /* |sa - sb| <= 2^15 from a real block; a damaged one wraps */
        sum *= sum;
    return mica_mul_double_round((int32_t)sum, p->out_mult, p->out_shift);
}

int mica_k_binary16(const mica_kernel_call_t *c) {
    const mica_binary_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 || !quant_ok(p))
        return -1;
    int64_t n = mica_count(p->dims, p->rank);
    if (n < 1 || 2 * n != (int64_t)c->out_bytes[0])
        return -1;
    const int8_t *src[2];
    uint32_t len[2];
    int next = 0;
    for (int k = 0; k < 2; k++) {
        src[k] = source(c, p, k, &next, &len[k]);
        if (!src[k] || !mica_strided_fits(0, p->dims, p->strides[k], p->rank, len[k] / 2))
            return -1;
    }
    if (next != c->ninputs)
        return -1;
    const int32_t *const strides[2] = {p->strides[0], p->strides[1]};
    int32_t idx[MICA_MAX_RANK] = {0};
    int64_t off[2] = {0, 0};
    for (int64_t i = 0; i < n; i++) {
        int32_t y =
            element(p, mica_load_i16(src[0] + 2 * off[0]), mica_load_i16(src[1] + 2 * off[1]));
        y = (int32_t)((uint32_t)y + (uint32_t)p->out_zp);
        mica_store_i16(c->out[0] + 2 * i, mica_clamp32(y, p->act_min, p->act_max));
        mica_nd_next(p->rank, p->dims, idx, 2, strides, off);
    }
    return 0;
}
