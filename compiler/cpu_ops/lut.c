/* Element-wise int8 ops as 256-entry tables, each entry computed exactly as TFLite computes that
 * input: QUANTIZE (int8 -> int8 Requantize), LOGISTIC/TANH (LUTPopulate in float), HARD_SWISH
 * (reference_ops::HardSwish fixed point), LEAKY_RELU (QuantizeLeakyRelu), RELU/RELU6/RELU_N1_TO_1
 * (QuantizedReluX). */
#include <math.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"
#include "mica_fixedpoint.h"

typedef struct {
    int32_t in_zp, out_zp, lo, hi;
    int32_t m[2], shift[2]; /* two multipliers (LEAKY_RELU: identity, alpha) */
    float in_scale, out_scale;
    int16_t hs_out_m, hs_relu_m; /* HARD_SWISH int16 multipliers */
    int hs_out_e, hs_relu_e;
    int wide; /* int16 operands (RELU, RELU6, LEAKY_RELU): the int16 block, not a table */
} lut_ctx_t;

static int8_t sat8(int32_t v) {
    return (int8_t)mica_clamp32(v, -128, 127);
}

/* zp + x with int32 wrap-around, as TFLite's kernels compute it (no undefined overflow here). */
static int32_t plus_zp(int32_t x, int32_t zp) {
    return (int32_t)((uint32_t)x + (uint32_t)zp);
}

static int unary_io(const tfl_model_t *m, const tfl_op_t *op, lut_ctx_t *c, const char *name,
                    char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || in->type != TFL_TYPE_INT8)
        REJECT("%s: input must be int8 (float input is not supported)", name);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("%s: input and output must be int8 with one scale", name);
    if (mica_tensor_elements(in) != mica_tensor_elements(out))
        REJECT("%s: input and output sizes differ", name);
    c->in_zp = (int32_t)in->zero_point[0];
    c->out_zp = (int32_t)out->zero_point[0];
    c->in_scale = in->scale[0];
    c->out_scale = out->scale[0];
    return 0;
}

/* unary_io for the operators with an int16 path: int16 operands set c->wide. */
static int wide_io(const tfl_model_t *m, const tfl_op_t *op, lut_ctx_t *c, const char *name,
                   char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || in->type != TFL_TYPE_INT16)
        return unary_io(m, op, c, name, err, errlen);
    if (!mica_is_int16_q(in) || !mica_is_int16_q(out))
        REJECT("%s: input and output must be int16 with one scale", name);
    c->wide = 1;
    c->in_zp = (int32_t)in->zero_point[0];
    c->out_zp = (int32_t)out->zero_point[0];
    c->in_scale = in->scale[0];
    c->out_scale = out->scale[0];
    return 0;
}

static int emit(mica_buf_t *params, int8_t (*f)(int32_t, const void *), const lut_ctx_t *c,
                char *err, size_t errlen) {
    if (mica_append_lut(params, f, c))
        REJECT("out of memory");
    return 0;
}

/* QUANTIZE int8 -> int8: MultiplyByQuantizedMultiplier(x - z_in, s_in / s_out) + z_out. */
static int8_t requant_f(int32_t x, const void *v) {
    const lut_ctx_t *c = v;
    return sat8(plus_zp(mica_mul_double_round(x - c->in_zp, c->m[0], c->shift[0]), c->out_zp));
}

int mica_prepare_quantize(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                          size_t errlen) {
    lut_ctx_t c = {0};
    const tfl_tensor_t *out = mica_op_output(m, op, 0);
    if (out && out->type != TFL_TYPE_INT8)
        REJECT("QUANTIZE: only int8 -> int8 requantization is supported");
    if (unary_io(m, op, &c, "QUANTIZE", err, errlen))
        return -1;
    int s;
    if (mica_checked_multiplier((double)c.in_scale / (double)c.out_scale, "QUANTIZE",
                                mica_op_tensor(m, op, 0), NULL, 0, out, &c.m[0], &s, err, errlen))
        return -1;
    c.shift[0] = s;
    return emit(params, requant_f, &c, err, errlen);
}

/* LUTPopulate: dequantize in float, apply f, round(y / s_out) + z_out, clamp. */
static int8_t lut_float(const lut_ctx_t *c, int32_t x, int logistic) {
    float inverse_scale = 1.0f / c->out_scale;
    float dq = c->in_scale * (float)(x - c->in_zp);
    float y = logistic ? 1.0f / (1.0f + expf(-dq)) : tanhf(dq);
    float r = roundf(y * inverse_scale);
    return sat8((int32_t)(r + (float)c->out_zp));
}
static int8_t logistic_f(int32_t x, const void *v) {
    return lut_float(v, x, 1);
}
static int8_t tanh_f(int32_t x, const void *v) {
    return lut_float(v, x, 0);
}

int mica_prepare_logistic(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                          size_t errlen) {
    lut_ctx_t c = {0};
    if (unary_io(m, op, &c, "LOGISTIC", err, errlen))
        return -1;
    if (c.out_scale != 1.0f / 256)
        REJECT("output '%.32s' has scale %g; TFLite's int8 LOGISTIC requires 1/256",
               mica_op_output(m, op, 0)->name, (double)c.out_scale);
    return emit(params, logistic_f, &c, err, errlen);
}

int mica_prepare_tanh(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    lut_ctx_t c = {0};
    if (unary_io(m, op, &c, "TANH", err, errlen))
        return -1;
    if (!(1.0f / c.out_scale <
          2147483648.0f - 256)) /* |tanh| <= 1: LUTPopulate's int32 conversion fits */
        REJECT("output '%.32s' scale %g is too small: TFLite's int8 TANH table overflows int32",
               mica_op_output(m, op, 0)->name, (double)c.out_scale);
    return emit(params, tanh_f, &c, err, errlen);
}

/* QuantizeLeakyRelu: identity multiplier for x >= z_in, alpha multiplier below. */
static int8_t leaky_f(int32_t x, const void *v) {
    const lut_ctx_t *c = v;
    int k = x - c->in_zp >= 0 ? 0 : 1;
    return sat8(plus_zp(mica_mul_double_round(x - c->in_zp, c->m[k], c->shift[k]), c->out_zp));
}

int mica_prepare_leaky_relu(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                            size_t errlen) {
    lut_ctx_t c = {0};
    if (wide_io(m, op, &c, "LEAKY_RELU", err, errlen))
        return -1;
    float alpha = tfl_opt_float(op, TFL_LEAKY_RELU_ALPHA, 0.0f);
    float identity = c.in_scale / c.out_scale,
          alpha_mult = c.in_scale * alpha / c.out_scale; /* float, as TFLite */
    int s0, s1;
    const tfl_tensor_t *out = mica_op_output(m, op, 0);
    if (mica_checked_multiplier((double)identity, "LEAKY_RELU", mica_op_tensor(m, op, 0), NULL, 0,
                                out, &c.m[0], &s0, err, errlen))
        return -1;
    if (mica_quantize_multiplier((double)alpha_mult, &c.m[1],
                                 &s1)) /* a negative alpha is fine, as in TFLite */
        REJECT("alpha %g with output '%.32s' scale %g gives a multiplier %g that TFLite's int8 "
               "LEAKY_RELU cannot "
               "represent (finite, at most 2^30)",
               (double)alpha, out->name, (double)c.out_scale, (double)alpha_mult);
    c.shift[0] = s0;
    c.shift[1] = s1;
    if (c.wide)
        return mica_emit_pwl16(m, op, 0, c.m, c.shift, -32768, 32767, params, err, errlen);
    return emit(params, leaky_f, &c, err, errlen);
}

/* QuantizedReluX: requantize by s_in / s_out, then clamp to [lo, hi]. */
static int8_t relu_f(int32_t x, const void *v) {
    const lut_ctx_t *c = v;
    int32_t y = plus_zp(mica_mul_double_round(x - c->in_zp, c->m[0], c->shift[0]), c->out_zp);
    return (int8_t)mica_clamp32(y, c->lo, c->hi);
}

static int prepare_relu(const tfl_model_t *m, const tfl_op_t *op, float lo, float hi,
                        const char *name, mica_buf_t *params, char *err, size_t errlen) {
    lut_ctx_t c = {0};
    if ((op->builtin == TFL_OP_RELU_N1_TO_1 ? unary_io : wide_io)(m, op, &c, name, err, errlen))
        return -1;
    int s;
    const tfl_tensor_t *out = mica_op_output(m, op, 0);
    if (mica_checked_multiplier((double)(c.in_scale / c.out_scale), name, mica_op_tensor(m, op, 0),
                                NULL, 0, out, &c.m[0], &s, err, errlen))
        return -1;
    c.shift[0] = s;
    int32_t qmin = c.wide ? -32768 : -128, qmax = c.wide ? 32767 : 127, qlo, qhi = qmax;
    if (mica_quantize_bound(lo, c.out_scale, c.out_zp, &qlo) ||
        (!isinf(hi) && mica_quantize_bound(hi, c.out_scale, c.out_zp, &qhi)))
        REJECT("output '%.32s' scale %g puts the bounds of %s outside int32 (TFLite's float-to-int "
               "conversion "
               "overflows)",
               out->name, (double)c.out_scale, name);
    c.lo = qlo > qmin ? qlo : qmin;
    c.hi = qhi < qmax ? qhi : qmax;
    if (c.lo > c.hi)
        c.lo = c.hi;
    if (c.wide) {
        c.m[1] = c.m[0];
        c.shift[1] = c.shift[0];
        return mica_emit_pwl16(m, op, 0, c.m, c.shift, c.lo, c.hi, params, err, errlen);
    }
    return emit(params, relu_f, &c, err, errlen);
}

int mica_prepare_relu(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    return prepare_relu(m, op, 0.0f, INFINITY, "RELU", params, err, errlen);
}
int mica_prepare_relu6(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                       size_t errlen) {
    return prepare_relu(m, op, 0.0f, 6.0f, "RELU6", params, err, errlen);
}
int mica_prepare_relu_n1_to_1(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                              char *err, size_t errlen) {
    return prepare_relu(m, op, -1.0f, 1.0f, "RELU_N1_TO_1", params, err, errlen);
}
