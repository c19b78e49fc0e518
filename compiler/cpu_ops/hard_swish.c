/* HARD_SWISH int8 as a table: reference_ops::HardSwish's int16 fixed-point arithmetic with the
 * multipliers HardSwishPrepare derives (float scales, QuantizeMultiplier, int16 downscale). */
#include "cpu_util.h"
#include "quant.h"
#include "mica_fixedpoint.h"

typedef struct {
    int32_t in_zp, out_zp, out_e, relu_e;
    int16_t out_m, relu_m;
} hs_ctx_t;

static int16_t srdhm16(int16_t a, int16_t b) { /* gemmlowp SaturatingRoundingDoublingHighMul */
    if (a == INT16_MIN && b == INT16_MIN)
        return INT16_MAX;
    int32_t ab = (int32_t)a * b;
    int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (int16_t)((ab + nudge) / (1 << 15));
}

static int16_t sdhm16(int16_t a, int16_t b) { /* SaturatingDoublingHighMul: truncating */
    if (a == INT16_MIN && b == INT16_MIN)
        return INT16_MAX;
    return (int16_t)(((int32_t)a * b) / (1 << 15));
}

static int16_t sat_shl16(int16_t v, int n) {
    int64_t r = (int64_t)v * ((int64_t)1 << n);
    return (int16_t)(r > INT16_MAX ? INT16_MAX : (r < INT16_MIN ? INT16_MIN : r));
}

/* gemmlowp RoundingDivideByPOT on int16_t: its mask (2^e - 1) is an int16_t too, so from e = 16 on it
 * is -1 and the result is 1 for x >= 0, -1 below (what TFLite computes; e <= 31 here). */
static int16_t rdbpot16(int16_t x, int e) {
    const int16_t mask = (int16_t)((1ll << e) - 1);
    const int16_t rem = (int16_t)(x & mask), thr = (int16_t)((mask >> 1) + (x < 0 ? 1 : 0));
    return (int16_t)((x >> e) + (rem > thr ? 1 : 0));
}

static int16_t down_to_int16(int32_t m) { /* DownScaleInt32ToInt16Multiplier */
    if (m >= INT32_MAX - (1 << 15))
        return INT16_MAX;
    return (int16_t)((m + (1 << 15)) >> 16);
}

static int8_t hard_swish_f(int32_t x, const void *v) {
    const hs_ctx_t *c = v;
    int16_t in_hires = (int16_t)((x - c->in_zp) * (1 << 7));
    int16_t pre_out = srdhm16(in_hires, c->out_m);
    int16_t r = in_hires;
    if (c->relu_e > 0)
        r = sat_shl16(r, c->relu_e - 1);
    r = srdhm16(r, c->relu_m);
    if (c->relu_e > 0)
        r = sat_shl16(r, 1);
    if (c->relu_e < 0)
        r = rdbpot16(r, -c->relu_e);
    r = (int16_t)((r + (1 << 15)) >> 1);
    int16_t y = rdbpot16(sdhm16(r, pre_out), -c->out_e);
    return (int8_t)mica_clamp32((int16_t)(y + c->out_zp), -128, 127);
}

int mica_prepare_hard_swish(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                            size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("HARD_SWISH: input and output must be int8 with one scale");
    if (mica_tensor_elements(in) != mica_tensor_elements(out))
        REJECT("HARD_SWISH: input and output sizes differ");
    hs_ctx_t c;
    c.in_zp = (int32_t)in->zero_point[0];
    c.out_zp = (int32_t)out->zero_point[0];
    const float hires_in_scale = (1.0f / 128.0f) * in->scale[0];
    const float reluish_scale = 3.0f / 32768.0f;
    const float out_mult = hires_in_scale / out->scale[0],
                relu_mult = hires_in_scale / reluish_scale;
    int32_t m32;
    if (mica_quantize_multiplier((double)out_mult, &m32, &c.out_e) || c.out_e > 0)
        REJECT("input scale %.3g and output '%.32s' scale %.3g give an output multiplier %.3g "
               "above 1, which TFLite's "
               "int8 HARD_SWISH cannot represent",
               (double)in->scale[0], out->name, (double)out->scale[0], (double)out_mult);
    c.out_m = down_to_int16(m32);
    if (mica_quantize_multiplier((double)relu_mult, &m32, &c.relu_e) || c.relu_e > 15)
        REJECT("input '%.32s' scale %g gives a reluish multiplier %g above 2^15, which TFLite's "
               "int8 HARD_SWISH cannot "
               "represent",
               in->name, (double)in->scale[0], (double)relu_mult);
    c.relu_m = down_to_int16(m32);
    if (mica_append_lut(params, hard_swish_f, &c))
        REJECT("out of memory");
    return 0;
}
