/* TRANSPOSE_CONV 16x8 (int16 activations, int8 per-channel weights), bit-exact with TFLite's
 * reference_integer_ops::TransposeConv for int16: the scatter summed in an int64 scratch (the
 * gather of tconv_impl.h, shared with the int8 kernel), the bias added in 64 bits, then the int64
 * MultiplyByQuantizedMultiplier of the 16x8 kernels (mica_mul_q64), + out_zp, clamped.
 * Parameter block: mica_conv_params_t as TRANSPOSE_CONV's, biases in the int32 range. */
#include "mica_fixedpoint.h"
#include "tconv_impl.h"

static int transpose_conv16_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1 ||
        !mica_conv_geometry_ok_w(p, 2) || p->dil_h != 1 || p->dil_w != 1 || p->filter_c != p->in_c)
        return 0;
    const int32_t w[] = {p->out_c, p->k_h, p->k_w, p->in_c};
    return mica_conv_operands_ok_w(c, p, mica_mul_sizes(w, 4), 2) &&
           mica_q64_quant_ok((const mica_chan_quant_t *)(p + 1), p->out_c);
}

static void transpose_conv16_pixel(const mica_conv_params_t *p, const int8_t *in, const int8_t *w,
                                   const mica_chan_quant_t *q, int32_t oy, int32_t ox,
                                   int8_t *out) {
    for (int32_t o = 0; o < p->out_c; o++) {
        int64_t acc = mica_tconv_sum(p, in, w, o, oy, ox, 2) + q[o].bias;
        int32_t y = mica_mul_q64(acc, q[o].mult, q[o].shift);
        y = (int32_t)((uint32_t)y + (uint32_t)p->out_zp);
        mica_store_i16(out + 2 * o, mica_clamp32(y, p->act_min, p->act_max));
    }
}

int mica_k_transpose_conv16(const mica_kernel_call_t *c) {
    const mica_conv_params_t *p = c->params;
    if (!transpose_conv16_fits(c, p))
        return -1;
    mica_conv_run_w(c, p, transpose_conv16_pixel, 2);
    return 0;
}
