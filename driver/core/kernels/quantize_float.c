/* QUANTIZE float32 -> int8 or int16 (a model's float input): TFLite's reference AffineQuantize,
 *   q = min(max((int32)TfLiteRound(x / scale) + zero_point, -128), 127),
 * with the float division and round-half-away-from-zero done here without libm. A value whose
 * rounded quotient does not fit int32 (or NaN) becomes INT32_MIN before the zero point is added,
 * as the oracle's x86 conversion gives it, then wraps and clamps like the reference does there. */
#include "mica_int16_util.h"

static int32_t round_to_int32(float q) {
    if (!(q > -2147483648.0f && q < 2147483648.0f)) /* NaN, or out of int32 */
        return INT32_MIN;
    int32_t t = (int32_t)q;    /* truncates toward zero */
    float frac = q - (float)t; /* exact: |q| < 2^31 and t is q without its fraction */
    if (frac >= 0.5f)
        t = t == INT32_MAX ? INT32_MIN : t + 1; /* 2^31 - 0.5 rounds out of int32 */
    else if (frac <= -0.5f)
        t -= 1;
    return t;
}

/* width 1: int8 output, 2: int16 (the reference clamps to the output type's range). */
static int quantize(const mica_kernel_call_t *c, int32_t width) {
    mica_affine_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if (c->in_bytes[0] != p.count * 4u || c->out_bytes[0] != p.count * (uint32_t)width ||
        p.count > (1u << 28))
        return -1;
    for (uint32_t i = 0; i < p.count; i++) {
        float x = mica_load_f32(c->in[0] + 4u * i);
        uint32_t q = (uint32_t)round_to_int32(x / p.scale) + (uint32_t)p.zero_point; /* wraps */
        mica_store_q(c->out[0], width, i, (int32_t)q);
    }
    return 0;
}

int mica_k_quantize_float(const mica_kernel_call_t *c) {
    return quantize(c, 1);
}

int mica_k_quantize_float16(const mica_kernel_call_t *c) {
    return quantize(c, 2);
}
