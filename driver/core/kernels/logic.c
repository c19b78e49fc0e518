/* Comparisons (EQUAL ... GREATER_EQUAL) on int8, LOGICAL_AND / OR / NOT on bool bytes, SELECT /
 * SELECT_V2 and DIV on int8, element-wise with broadcasting (mica_logic_params_t). Comparisons look each input's
 * TFLite-rescaled value up in a 256-entry table the compiler computed, then compare; bools are
 * written as 0 / 1 bytes; SELECT copies the chosen raw byte. The int32 kernel (comparisons and
 * SELECT of int32 elements, mica_kernels_int32.h) and SELECT16 (int16 values) share the walk. */
#include "mica_kernel_util.h"
#include "mica_gemmlowp.h"
#include "mica_int16_util.h"

static int8_t logic_value(const mica_logic_params_t *p, int8_t a, int8_t b, int8_t s) {
    const int32_t x = p->scaled[0][(uint8_t)a], y = p->scaled[1][(uint8_t)b];
    switch (p->op) {
    case MICA_LOGIC_EQ:
        return x == y;
    case MICA_LOGIC_NE:
        return x != y;
    case MICA_LOGIC_LT:
        return x < y;
    case MICA_LOGIC_LE:
        return x <= y;
    case MICA_LOGIC_GT:
        return x > y;
    case MICA_LOGIC_GE:
        return x >= y;
    case MICA_LOGIC_AND:
        return a != 0 && b != 0;
    case MICA_LOGIC_OR:
        return a != 0 || b != 0;
    case MICA_LOGIC_NOT:
        return a == 0;
    default: /* SELECT: condition a, then b or s */
        return a != 0 ? b : s;
    }
}

/* CountLeadingSignBits of int32 (GCC's __builtin_clrsb, 31 for 0). */
static int leading_sign_bits(int32_t x) {
    return mica_gl_clz((uint32_t)(x < 0 ? ~x : x)) - 1;
}

/* TFLite's DivElementwise for one pair. A divisor at its zero point (LiteRT fails the invoke
 * there) gives the saturated quotient: the activation bound on the dividend's side, the zero point
 * for 0 / 0. With out_shift
 * in 7..23 (the compiler's bound) the final right shift headroom + recip_shift - out_shift stays
 * in 0..31 (headroom <= 31, recip_shift <= 7 for int8). */
static int8_t div_value(const mica_logic_params_t *p, int8_t a, int8_t b) {
    int32_t x = a - p->in_zp[0], y = b - p->in_zp[1];
    if (y == 0)
        return (int8_t)(x > 0   ? p->act_max
                        : x < 0 ? p->act_min
                                : mica_clamp32(p->out_zp, p->act_min, p->act_max));
    if (y < 0)
        x = -x, y = -y;
    const int y_headroom_plus_one = mica_gl_clz((uint32_t)y);
    const int recip_shift = 31 - y_headroom_plus_one;
    const int32_t inv =
        mica_gl_one_over_one_plus((int32_t)(((uint32_t)y << y_headroom_plus_one) - 0x80000000u));
    const int headroom = leading_sign_bits(x);
    const int32_t unscaled = mica_srdhm((int32_t)((uint32_t)x << headroom), inv);
    const int right = headroom + recip_shift - p->out_shift;
    const int32_t q = mica_rdbpot(mica_srdhm(unscaled, p->out_mult), right);
    return (int8_t)mica_clamp32(mica_gl_add(q, p->out_zp), p->act_min, p->act_max);
}

static int div_params_ok(const mica_logic_params_t *p) {
    return mica_zp_ok(p->in_zp[0]) && mica_zp_ok(p->in_zp[1]) && mica_zp_ok(p->out_zp) &&
           p->out_shift >= 7 && p->out_shift <= 23 && mica_act_ok(p->act_min, p->act_max);
}

/* Input k's element width: int8 / bool bytes, or (width 4, 2) the int32 comparison inputs and
 * SELECT values, the int16 SELECT values (a condition is a bool byte). */
static int32_t in_width(const mica_logic_params_t *p, int32_t width, int k) {
    return width > 1 && !(p->op == MICA_LOGIC_SELECT && k == 0) ? width : 1;
}

static int32_t load32(const int8_t *at) {
    int32_t v;
    mica_copy_params(&v, at, 4);
    return v;
}

/* An int32 or int16 element as the wide comparisons compare it: the raw value. */
static int32_t wide_value(int32_t width, const int8_t *at) {
    return width == 4 ? load32(at) : mica_load_i16(at);
}

/* Comparison of int32 or int16 elements, or SELECT of width-byte values, at a, b (s: SELECT's
 * second value) into out. */
static void logic_wide(const mica_logic_params_t *p, int32_t width, const int8_t *a,
                       const int8_t *b, const int8_t *s, int8_t *out) {
    if (p->op == MICA_LOGIC_SELECT) {
        mica_copy_params(out, *a ? b : s, (uint32_t)width);
        return;
    }
    const int32_t x = wide_value(width, a), y = wide_value(width, b);
    *out = (int8_t)(p->op == MICA_LOGIC_EQ   ? x == y
                    : p->op == MICA_LOGIC_NE ? x != y
                    : p->op == MICA_LOGIC_LT ? x < y
                    : p->op == MICA_LOGIC_LE ? x <= y
                    : p->op == MICA_LOGIC_GT ? x > y
                                             : x >= y);
}

/* The element walk of the kernels; width 1 (int8), 4 (mica_k_logic_i32), 2 (mica_k_select16). */
static int logic_walk(const mica_kernel_call_t *c, int32_t width) {
    const mica_logic_params_t *p = c->params;
    const int32_t out_width = width > 1 && p->op == MICA_LOGIC_SELECT ? width : 1;
    int64_t n = mica_count(p->dims, p->rank);
    if (n < 1 || n * out_width != (int64_t)c->out_bytes[0])
        return -1;
    const int8_t *src[3];
    uint32_t len;
    int next = 0;
    for (int k = 0; k < p->ninputs; k++) {
        src[k] = mica_operand_or_const(c, sizeof *p, p->const_off[k], p->const_len[k], &next, &len);
        if (!src[k] ||
            !mica_strided_fits(0, p->dims, p->strides[k], p->rank, len / in_width(p, width, k)))
            return -1;
    }
    if (next != c->ninputs)
        return -1;
    for (int k = p->ninputs; k < 3; k++)
        src[k] = src[0]; /* unused operands read input 0's first byte */
    const int32_t *const strides[3] = {p->strides[0], p->strides[1], p->strides[2]};
    const int32_t w[3] = {in_width(p, width, 0), in_width(p, width, 1), in_width(p, width, 2)};
    int32_t idx[MICA_MAX_RANK] = {0};
    int64_t off[3] = {0, 0, 0};
    for (int64_t i = 0; i < n; i++) {
        if (width > 1)
            logic_wide(p, width, src[0] + off[0] * w[0], src[1] + off[1] * w[1],
                       src[2] + off[2] * w[2], c->out[0] + i * out_width);
        else
            c->out[0][i] = p->op == MICA_LOGIC_DIV
                               ? div_value(p, src[0][off[0]], src[1][off[1]])
                               : logic_value(p, src[0][off[0]], src[1][off[1]], src[2][off[2]]);
        mica_nd_next(p->rank, p->dims, idx, p->ninputs, strides, off);
    }
    return 0;
}

int mica_k_logic(const mica_kernel_call_t *c) {
    const mica_logic_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 || p->op < MICA_LOGIC_EQ ||
        p->op > MICA_LOGIC_DIV || (p->op == MICA_LOGIC_DIV && !div_params_ok(p)) ||
        p->ninputs != (p->op == MICA_LOGIC_NOT      ? 1
                       : p->op == MICA_LOGIC_SELECT ? 3
                                                    : 2))
        return -1;
    return logic_walk(c, 0);
}

/* EQUAL_I32 ... GREATER_EQUAL_I32, SELECT_I32 (mica_kernels_int32.h). */
int mica_k_logic_i32(const mica_kernel_call_t *c) {
    const mica_logic_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 ||
        !(p->op <= MICA_LOGIC_GE || p->op == MICA_LOGIC_SELECT) || p->op < MICA_LOGIC_EQ ||
        p->ninputs != (p->op == MICA_LOGIC_SELECT ? 3 : 2))
        return -1;
    return logic_walk(c, 4);
}

/* GREATER16 (mica_kernels_int16b.h): raw int16 inputs compared. */
int mica_k_compare16(const mica_kernel_call_t *c) {
    const mica_logic_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 || p->op < MICA_LOGIC_EQ ||
        p->op > MICA_LOGIC_GE || p->ninputs != 2)
        return -1;
    return logic_walk(c, 2);
}

/* SELECT16: SELECT / SELECT_V2 of int16 values (mica_kernels_int16b.h). */
int mica_k_select16(const mica_kernel_call_t *c) {
    const mica_logic_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 || p->op != MICA_LOGIC_SELECT ||
        p->ninputs != 3)
        return -1;
    return logic_walk(c, 2);
}
