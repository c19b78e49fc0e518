/* Element-wise int8 operators TFLite evaluates through LUTPopulate: the function applied in float
 * to each of the 256 dequantized inputs, then round(y / s_out) + z_out clamped. EXP and GELU
 * (exact and tanh-approximated) on the table kernel (driver/core/kernels/lut.c). ELU would be the
 * same, but LiteRT's reference resolver does not register it, so it has no oracle here. */
#include <math.h>
#include "cpu_util.h"

typedef struct {
    float in_scale, out_scale;
    int32_t in_zp, out_zp;
    mica_float_transform_fn f;
    const void *arg;
} float_lut_t;

/* LUTPopulate<int8_t>: dequantize, transform, TfLiteRound(y * (1 / s_out)), + z_out, clamp. */
static int8_t populate(int32_t x, const void *v) {
    const float_lut_t *c = v;
    float inverse_scale = 1.0f / c->out_scale;
    float y = c->f(c->in_scale * (float)(x - c->in_zp), c->arg);
    float r = roundf(y * inverse_scale);
    float q = r + (float)c->out_zp;
    int32_t n = q >= 2147483520.0f ? INT32_MAX : q <= -2147483648.0f ? INT32_MIN : (int32_t)q;
    return (int8_t)(n < -128 ? -128 : n > 127 ? 127 : n);
}

static float exp_f(float x, const void *arg) {
    (void)arg;
    return expf(x);
}
/* TFLite's GeluTransform and GeluTransformApproximate (gelu.cc). */
static float gelu_f(float x, const void *arg) {
    (void)arg;
    return 0.5f * x * (1.0f + erff(x * (float)M_SQRT1_2));
}
static float gelu_tanh_f(float x, const void *arg) {
    (void)arg;
    return 0.5f * x * (1.0f + tanhf(0.7978845608028654f * (x + 0.044715f * x * x * x)));
}

int mica_float_lut(const tfl_model_t *m, const tfl_op_t *op, const char *name,
                   mica_float_transform_fn f, const void *arg, mica_buf_t *params, char *err,
                   size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("%s: input and output must be int8 with one scale", name);
    if (mica_tensor_elements(in) != mica_tensor_elements(out))
        REJECT("%s: input and output sizes differ", name);
    float_lut_t c = {
        in->scale[0], out->scale[0], (int32_t)in->zero_point[0], (int32_t)out->zero_point[0], f,
        arg};
    if (mica_append_lut(params, populate, &c))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_exp(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    return mica_float_lut(m, op, "EXP", exp_f, NULL, params, err, errlen);
}

int mica_prepare_gelu(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    return mica_float_lut(m, op, "GELU", tfl_opt_int(op, 0, 0) ? gelu_tanh_f : gelu_f, NULL, params,
                          err, errlen);
}
