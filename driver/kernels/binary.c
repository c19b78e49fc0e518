/* Element-wise ADD, SUB, MUL, MAXIMUM, MINIMUM on int8 with broadcasting, bit-exact with TFLite's
 * reference kernels: ADD/SUB rescale both inputs with left_shift 20 and MultiplyByQuantized-
 * MultiplierSmallerThanOneExp, MUL multiplies the zero-point-free inputs and requantizes with
 * double rounding, MAXIMUM/MINIMUM compare the raw int8 values. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

#define ADD_LEFT_SHIFT 20

/* Input k's bytes: an operand, or a constant inside the parameter block. */
static const int8_t *binary_source(const mica_kernel_call_t *c, const mica_binary_params_t *p, int k,
                                   int *next_operand, uint32_t *len) {
    if (p->const_len[k] > 0) {
        if (p->const_off[k] < sizeof *p || (uint64_t)p->const_off[k] + p->const_len[k] > c->params_size) return 0;
        *len = p->const_len[k];
        return (const int8_t *)c->params + p->const_off[k];
    }
    if (*next_operand >= c->ninputs) return 0;
    *len = c->in_bytes[*next_operand];
    return c->in[(*next_operand)++];
}

static int binary_quant_ok(const mica_binary_params_t *p) {
    if (p->op < MICA_BIN_ADD || p->op > MICA_BIN_MIN || !mica_zp_ok(p->out_zp) || !mica_act_ok(p->act_min, p->act_max) ||
        !mica_shift_ok(p->out_shift))
        return 0;
    for (int k = 0; k < 2; k++)
        if (!mica_zp_ok(p->in_zp[k]) || !mica_shift_ok(p->in_shift[k])) return 0;
    return 1;
}

static int32_t binary_apply(const mica_binary_params_t *p, int32_t a, int32_t b) {
    if (p->op == MICA_BIN_MAX) return a > b ? a : b;
    if (p->op == MICA_BIN_MIN) return a < b ? a : b;
    int32_t da = a - p->in_zp[0], db = b - p->in_zp[1], raw;
    if (p->op == MICA_BIN_MUL) {
        raw = mica_mul_double_round(da * db, p->out_mult, p->out_shift);
    } else {
        int32_t sa = mica_mul_double_round(da * (1 << ADD_LEFT_SHIFT), p->in_mult[0], p->in_shift[0]);
        int32_t sb = mica_mul_double_round(db * (1 << ADD_LEFT_SHIFT), p->in_mult[1], p->in_shift[1]);
        uint32_t sum = p->op == MICA_BIN_ADD ? (uint32_t)sa + (uint32_t)sb : (uint32_t)sa - (uint32_t)sb;   /* int32 wrap */
        raw = mica_mul_double_round((int32_t)sum, p->out_mult, p->out_shift);
    }
    return mica_clamp32((int32_t)((uint32_t)raw + (uint32_t)p->out_zp), p->act_min, p->act_max);
}

int mica_k_binary(const mica_kernel_call_t *c) {
    const mica_binary_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 || !binary_quant_ok(p)) return -1;
    int64_t n = mica_count(p->dims, p->rank);
    if (n < 1 || n != (int64_t)c->out_bytes[0]) return -1;
    const int8_t *src[2];
    uint32_t len[2];
    int next = 0;
    for (int k = 0; k < 2; k++) {
        src[k] = binary_source(c, p, k, &next, &len[k]);
        if (!src[k] || !mica_strided_fits(0, p->dims, p->strides[k], p->rank, len[k])) return -1;
    }
    if (next != c->ninputs) return -1;
    int32_t idx[MICA_MAX_RANK] = {0};
    int64_t off[2] = {0, 0};
    const int32_t *const strides[2] = {p->strides[0], p->strides[1]};
    for (int64_t i = 0; i < n; i++) {
        c->out[0][i] = (int8_t)binary_apply(p, src[0][off[0]], src[1][off[1]]);
        mica_nd_next(p->rank, p->dims, idx, 2, strides, off);
    }
    return 0;
}
