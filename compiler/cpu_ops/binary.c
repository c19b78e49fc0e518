/* ADD, SUB, MUL, MAXIMUM, MINIMUM on the CPU: broadcast strides and TFLite's multipliers
 * (add.cc/sub.cc: left_shift 20, twice the larger input scale; mul.cc: s1 * s2 / s_out).
 * ADD, SUB and MUL also take 16x8 operands (int16, zero point 0): ADD/SUB's general-scale path
 * shifts left by 15 instead of 20; PRELU takes int16 input and output with an int8 alpha
 * (widened to int16 elements in the block). All of them also take int32 (width 4, int32.c): plain integer
 * arithmetic, ADD/SUB/MUL clamped to the fused activation's int32 range. */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "int32.h"
#include "quant.h"

/* Strides of input t broadcast to the output dims (right-aligned, 0 where t's dim is 1). */
int mica_broadcast_strides(const tfl_tensor_t *t, const tfl_tensor_t *out, int32_t *strides) {
    int64_t s = 1;
    if (t->rank > out->rank)
        return -1;
    for (int d = out->rank - 1; d >= 0; d--) {
        int td = d - (out->rank - t->rank);
        int32_t dim = td >= 0 ? t->dims[td] : 1;
        if (dim != out->dims[d] && dim != 1)
            return -1;
        strides[d] = dim == 1 ? 0 : (int32_t)s;
        s *= dim;
    }
    return 0;
}

/* QuantizeMultiplierSmallerThanOneExp: the real multiplier must be below 1. */
static int smaller_than_one(double real, int32_t *m, int32_t *shift) {
    int s;
    if (!(real > 0 && real < 1) || mica_quantize_multiplier(real, m, &s))
        return -1;
    *shift = s;
    return s > 0 ? -1 : 0;
}

/* squared_difference.cc, all in double: left shift 7 on int8 (255^2 2^14 fits int32), 0 on int16
 * (TFLite Micro's path: the rescaled inputs are already 16-bit). TFLite Micro takes an int16
 * output multiplier of 1 or more too, but then its left shift of the squared difference (up to
 * 2^30) overflows int32: refused as the int8 one is. */
static int sqdiff_quant(const tfl_tensor_t *a, const tfl_tensor_t *b, const tfl_tensor_t *out,
                        int wide, mica_binary_params_t *p, char *err, size_t errlen) {
    double twice = 2.0 * (double)(a->scale[0] > b->scale[0] ? a->scale[0] : b->scale[0]);
    double out_real = twice * twice / ((double)(wide ? 1 : 1 << 14) * (double)out->scale[0]);
    if (smaller_than_one((double)a->scale[0] / twice, &p->in_mult[0], &p->in_shift[0]) ||
        smaller_than_one((double)b->scale[0] / twice, &p->in_mult[1], &p->in_shift[1]) ||
        smaller_than_one(out_real, &p->out_mult, &p->out_shift) || p->out_shift < -31)
        REJECT("input scales %g, %g and output '%.32s' scale %g give an output multiplier %g; "
               "TFLite's %s SQUARED_DIFFERENCE needs every multiplier in (0, 1)",
               (double)a->scale[0], (double)b->scale[0], out->name, (double)out->scale[0], out_real,
               wide ? "int16" : "int8");
    return 0;
}

static int binary_quant(const tfl_op_t *op, int kind, const tfl_tensor_t *a, const tfl_tensor_t *b,
                        const tfl_tensor_t *out, mica_binary_params_t *p, char *err,
                        size_t errlen) {
    int wide = out->type == TFL_TYPE_INT16;
    p->act_min = wide ? -32768 : -128;
    p->act_max = wide ? 32767 : 127;
    if (kind == MICA_BIN_MAX || kind == MICA_BIN_MIN)
        return 0; /* raw comparison */
    p->in_zp[0] = (int32_t)a->zero_point[0];
    p->in_zp[1] = (int32_t)b->zero_point[0];
    p->out_zp = (int32_t)out->zero_point[0];
    int act = kind >= MICA_BIN_PRELU ? 0 : (int)tfl_opt_int(op, 0, 0); /* ADD, SUB, MUL: field 0 */
    if (mica_fused_range(act, out, &p->act_min, &p->act_max, err, errlen))
        return -1;
    if (kind == MICA_BIN_SQDIFF)
        return sqdiff_quant(a, b, out, wide, p, err, errlen);
    if (kind == MICA_BIN_PRELU) { /* float expressions, as prelu.cc computes them */
        float real1 = a->scale[0] / out->scale[0],
              real2 = a->scale[0] * b->scale[0] / out->scale[0];
        int s1, s2;
        p->act_min = wide ? -32768 : -128; /* PRELU has no fused activation */
        p->act_max = wide ? 32767 : 127;
        if (mica_checked_multiplier((double)real1, "PRELU", a, NULL, 0, out, &p->in_mult[0], &s1,
                                    err, errlen) ||
            mica_checked_multiplier((double)real2, "PRELU", a, b, 0, out, &p->out_mult, &s2, err,
                                    errlen))
            return -1;
        p->in_shift[0] = s1, p->out_shift = s2;
        return 0;
    }
    if (kind == MICA_BIN_MUL) {
        float real = a->scale[0] * b->scale[0] / out->scale[0]; /* float, as mul.cc computes it */
        int s;
        if (mica_checked_multiplier((double)real, "MUL", a, b, 0, out, &p->out_mult, &s, err,
                                    errlen))
            return -1;
        p->out_shift = s;
        return 0;
    }
    float twice_max = 2 * (a->scale[0] > b->scale[0] ? a->scale[0] : b->scale[0]);
    int left_shift = out->type == TFL_TYPE_INT16 ? 15 : 20;
    double out_real = (double)twice_max / ((double)(1 << left_shift) * out->scale[0]);
    if (smaller_than_one((double)a->scale[0] / twice_max, &p->in_mult[0], &p->in_shift[0]) ||
        smaller_than_one((double)b->scale[0] / twice_max, &p->in_mult[1], &p->in_shift[1]) ||
        smaller_than_one(out_real, &p->out_mult, &p->out_shift))
        REJECT("input scales %g, %g and output '%.32s' scale %g give an output multiplier %g; "
               "TFLite's int8 "
               "ADD/SUB needs every multiplier in (0, 1)",
               (double)a->scale[0], (double)b->scale[0], out->name, (double)out->scale[0],
               out_real);
    return 0;
}

int mica_add_quant(const tfl_op_t *op, const tfl_tensor_t *a, const tfl_tensor_t *b,
                   const tfl_tensor_t *out, mica_binary_params_t *p, char *err, size_t errlen) {
    memset(p, 0, sizeof *p);
    p->op = MICA_BIN_ADD;
    return binary_quant(op, MICA_BIN_ADD, a, b, out, p, err, errlen);
}

static int prepare_binary(const tfl_model_t *m, const tfl_op_t *op, int kind, mica_buf_t *params,
                          char *err, size_t errlen) {
    const tfl_tensor_t *a = mica_op_tensor(m, op, 0), *b = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    int width = mica_is_int32(a) && mica_is_int32(b) && mica_is_int32(out) ? 4
                : mica_binary16_ok(op, a, b, out)                          ? 2
                                                                           : 1;
    if (width == 1 && kind <= MICA_BIN_MIN && (mica_is_int32(a) || mica_is_int32(out)))
        REJECT("int32 %s needs both inputs and the output int32", tfl_builtin_name(op->builtin));
    if (width == 1 && (!mica_is_int8_q(a) || !mica_is_int8_q(b) || !mica_is_int8_q(out)))
        REJECT(
            "inputs and output must be int8 with one scale (ADD, SUB, MUL, SQUARED_DIFFERENCE: or "
            "int16 with zero point 0; PRELU: or int16 with a constant int8 alpha)");
    if (width == 2 && mica_binary16_pot(op, a, b, out))
        REJECT("int16 %s with pot_scale_int16 and power-of-two scales takes TFLite's shift-only "
               "path, which Mica does not run",
               tfl_builtin_name(op->builtin));
    if (out->rank > MICA_MAX_RANK)
        REJECT("rank %d is above %d", out->rank, MICA_MAX_RANK);
    mica_binary_params_t p;
    memset(&p, 0, sizeof p);
    p.op = kind;
    p.rank = out->rank;
    for (int d = 0; d < out->rank; d++)
        p.dims[d] = out->dims[d];
    if (mica_broadcast_strides(a, out, p.strides[0]) ||
        mica_broadcast_strides(b, out, p.strides[1]))
        REJECT("input shapes do not broadcast to the output shape");
    if (p.rank == 0) {
        p.rank = 1;
        p.dims[0] = 1;
    } /* scalars: one element */
    if (width == 4 ? kind <= MICA_BIN_MUL && mica_int32_range((int)tfl_opt_int(op, 0, 0),
                                                              &p.act_min, &p.act_max, err, errlen)
                   : binary_quant(op, kind, a, b, out, &p, err, errlen))
        return -1;
    size_t start = params->len;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    const tfl_tensor_t *in[2] = {a, b};
    for (int k = 0; k < 2; k++)
        if (in[k]->data &&
            (width == 4 ? mica_append_const_width(params, start, in[k], 4, &p.const_off[k],
                                                  &p.const_len[k])
             : width == 2
                 ? mica_append_const16(params, start, in[k], &p.const_off[k], &p.const_len[k])
                 : mica_append_const(params, start, in[k], &p.const_off[k], &p.const_len[k])))
            REJECT("constant input is empty or truncated");
    memcpy(params->data + start, &p, sizeof p); /* now with the constants' places */
    return 0;
}

int mica_prepare_add(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    return prepare_binary(m, op, MICA_BIN_ADD, params, err, errlen);
}
int mica_prepare_sub(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    return prepare_binary(m, op, MICA_BIN_SUB, params, err, errlen);
}
int mica_prepare_mul(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    return prepare_binary(m, op, MICA_BIN_MUL, params, err, errlen);
}
int mica_prepare_maximum(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                         size_t errlen) {
    return prepare_binary(m, op, MICA_BIN_MAX, params, err, errlen);
}
int mica_prepare_minimum(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                         size_t errlen) {
    return prepare_binary(m, op, MICA_BIN_MIN, params, err, errlen);
}

int mica_prepare_prelu(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                       size_t errlen) {
    return prepare_binary(m, op, MICA_BIN_PRELU, params, err, errlen);
}

int mica_prepare_squared_difference(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                    char *err, size_t errlen) {
    return prepare_binary(m, op, MICA_BIN_SQDIFF, params, err, errlen);
}
