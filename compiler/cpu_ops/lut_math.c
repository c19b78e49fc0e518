/* LOG, SQRT, RSQRT and ABS int8 as 256-entry tables on the table kernel (driver/core/kernels/
 * lut.c), each entry what LiteRT's elementwise.cc computes for that input:
 *   LOG   LUTPopulate of log(x), x <= 0 giving the output's lowest value;
 *   SQRT  (int)(sqrtf(s_in * (q - z_in)) / s_out) + z_out in float, truncated, clamped;
 *   RSQRT integer: GetInvSqrtQuantizedMultiplierExp(q - z_in), then two multipliers (q = z_in
 *         gives 127);
 *   ABS   |q - z_in|, rescaled by s_in / s_out when the scales differ, + z_out, clamped.
 * SQRT and RSQRT of inputs below the zero point are errors in LiteRT (the invoke fails); here they
 * give the value at the zero point. */
#include <math.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"
#include "mica_fixedpoint.h"

typedef struct {
    float in_scale, out_scale;
    int32_t in_zp, out_zp, mult, shift, rescale;
} math_ctx_t;

static int8_t clamp8(int32_t v) {
    return (int8_t)mica_clamp32(v, -128, 127);
}

static int math_io(const tfl_model_t *m, const tfl_op_t *op, const char *name, math_ctx_t *c,
                   char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("%s: input and output must be int8 with one scale", name);
    if (mica_tensor_elements(in) != mica_tensor_elements(out))
        REJECT("%s: input and output sizes differ", name);
    c->in_scale = in->scale[0];
    c->out_scale = out->scale[0];
    c->in_zp = (int32_t)in->zero_point[0];
    c->out_zp = (int32_t)out->zero_point[0];
    return 0;
}

static int emit(mica_buf_t *params, int8_t (*f)(int32_t, const void *), const math_ctx_t *c,
                char *err, size_t errlen) {
    if (mica_append_lut(params, f, c))
        REJECT("out of memory");
    return 0;
}

/* LogLUTPrepare: log of positive values, the output's lowest representable value otherwise. */
static float log_f(float x, const void *arg) {
    return x <= 0.0f ? *(const float *)arg : logf(x);
}

int mica_prepare_log(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    math_ctx_t c;
    if (math_io(m, op, "LOG", &c, err, errlen))
        return -1;
    float output_min = (float)(-128 - c.out_zp) * c.out_scale;
    return mica_float_lut(m, op, "LOG", log_f, &output_min, params, err, errlen);
}

static int8_t sqrt_f(int32_t x, const void *v) {
    const math_ctx_t *c = v;
    float dq = c->in_scale * (float)(x - c->in_zp);
    float y = dq >= 0.0f ? sqrtf(dq) / c->out_scale : 0.0f;
    return clamp8((int32_t)y + c->out_zp); /* y < 2^31: checked by the prepare function */
}

int mica_prepare_sqrt(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    math_ctx_t c;
    if (math_io(m, op, "SQRT", &c, err, errlen))
        return -1;
    float top = sqrtf(c.in_scale * (float)(127 - c.in_zp)) / c.out_scale;
    if (!(top < 2147483520.0f))
        REJECT("SQRT: input scale %g and output '%.32s' scale %g put sqrt(input) / scale outside "
               "int32 (TFLite's float-to-int conversion overflows)",
               (double)c.in_scale, mica_op_output(m, op, 0)->name, (double)c.out_scale);
    return emit(params, sqrt_f, &c, err, errlen);
}

#define RSQRT_SHIFT 20 /* elementwise.cc's kShift: keeps 1 / sqrt(value) an integer */

static int8_t rsqrt_f(int32_t x, const void *v) {
    const math_ctx_t *c = v;
    int32_t value = x - c->in_zp, inv_mult;
    if (value <= 0)
        return 127; /* 0: "any value close to 0 represents the max output" */
    int inv_shift;
    mica_inv_sqrt_multiplier_exp(value, -1, &inv_mult, &inv_shift);
    int32_t data = mica_mul_double_round(1, inv_mult, inv_shift + RSQRT_SHIFT);
    int32_t y = mica_mul_double_round(data, c->mult, c->shift - RSQRT_SHIFT);
    return clamp8((int32_t)((uint32_t)y + (uint32_t)c->out_zp));
}

int mica_prepare_rsqrt(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                       size_t errlen) {
    math_ctx_t c;
    if (math_io(m, op, "RSQRT", &c, err, errlen))
        return -1;
    double real = 1.0 / (double)(sqrtf(c.in_scale) * c.out_scale); /* SetRsqrtOutputMultiplier */
    int s;
    if (mica_quantize_multiplier(real, &c.mult, &s) || s - RSQRT_SHIFT < -31)
        REJECT("RSQRT: input scale %g and output '%.32s' scale %g give a multiplier %g that "
               "TFLite's int8 RSQRT cannot apply (shift %d; allowed -11..30)",
               (double)c.in_scale, mica_op_output(m, op, 0)->name, (double)c.out_scale, real, s);
    c.shift = s;
    return emit(params, rsqrt_f, &c, err, errlen);
}

static int8_t abs_f(int32_t x, const void *v) {
    const math_ctx_t *c = v;
    int32_t value = x - c->in_zp;
    value = value < 0 ? -value : value;
    if (c->rescale)
        value = mica_mul_double_round(value, c->mult, c->shift);
    return clamp8((int32_t)((uint32_t)value + (uint32_t)c->out_zp));
}

int mica_prepare_abs(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    math_ctx_t c;
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0);
    int wide = in && in->type == TFL_TYPE_INT16;
    if (wide && mica_is_int16_q(in) && mica_is_int16_q(mica_op_output(m, op, 0))) {
        const tfl_tensor_t *out = mica_op_output(m, op, 0); /* AbsEvalQuantized<int16_t> */
        c.in_scale = in->scale[0];
        c.out_scale = out->scale[0];
    } else if (math_io(m, op, "ABS", &c, err, errlen))
        return -1;
    c.rescale = c.in_scale != c.out_scale;
    int s = 0;
    if (c.rescale &&
        mica_checked_multiplier((double)(c.in_scale / c.out_scale), "ABS", mica_op_tensor(m, op, 0),
                                NULL, 0, mica_op_output(m, op, 0), &c.mult, &s, err, errlen))
        return -1;
    c.shift = s;
    if (wide) {
        const int32_t mult[2] = {c.rescale ? c.mult : 0, c.rescale ? c.mult : 0},
                      shift[2] = {c.shift, c.shift};
        return mica_emit_pwl16(m, op, 1, mult, shift, -32768, 32767, params, err, errlen);
    }
    return emit(params, abs_f, &c, err, errlen);
}

/* NEG: LiteRT's reference kernel (version 1, the one its resolver registers) negates the raw int8
 * values whatever the quantization, -(-128) wrapping to -128. TFLite Micro's NEG is float only. */
static int8_t neg_f(int32_t x, const void *v) {
    (void)v;
    return (int8_t)(uint8_t)(0u - (uint32_t)x);
}

int mica_prepare_neg(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || !out || in->type != TFL_TYPE_INT8 || out->type != TFL_TYPE_INT8)
        REJECT("NEG: input and output must be int8");
    if (mica_tensor_elements(in) != mica_tensor_elements(out))
        REJECT("NEG: input and output sizes differ");
    return emit(params, neg_f, NULL, err, errlen);
}
