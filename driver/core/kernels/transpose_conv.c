/* TRANSPOSE_CONV int8, bit-exact with TFLite reference_integer_ops::TransposeConv: NHWC input,
 * filter [out_c][k_h][k_w][in_c], input pixel (iy, ix) scattered to output (iy * stride_h -
 * pad_top + ky, ix * stride_w - pad_left + kx). Computed here as a gather per output pixel (the
 * same integer sum, int32 wrap as TFLite's scratch buffer), then bias and per-channel double
 * rounding. Parameter block: mica_conv_params_t (dil 1, filter_c = in_c), as CONV_2D's; the
 * gather is shared with the 16x8 kernel (tconv_impl.h). */
#include "mica_fixedpoint.h"
#include "tconv_impl.h"

static int transpose_conv_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1 ||
        !mica_conv_geometry_ok(p) || p->dil_h != 1 || p->dil_w != 1 || p->filter_c != p->in_c)
        return 0;
    const int32_t w[] = {p->out_c, p->k_h, p->k_w, p->in_c};
    return mica_conv_operands_ok(c, p, mica_mul_sizes(w, 4));
}

static void transpose_conv_pixel(const mica_conv_params_t *p, const int8_t *in, const int8_t *w,
                                 const mica_chan_quant_t *q, int32_t oy, int32_t ox, int8_t *out) {
    for (int32_t o = 0; o < p->out_c; o++) {
        /* TFLite sums into int32: the low 32 bits of the exact sum wrap the same way */
        int32_t acc = (int32_t)(uint32_t)(uint64_t)mica_tconv_sum(p, in, w, o, oy, ox, 1);
        out[o] = mica_requantize(acc, q[o].bias, q[o].mult, 0, q[o].shift, MICA_ROUND_DOUBLE,
                                 p->out_zp, p->act_min, p->act_max);
    }
}

int mica_k_transpose_conv(const mica_kernel_call_t *c) {
    const mica_conv_params_t *p = c->params;
    if (!transpose_conv_fits(c, p))
        return -1;
    mica_conv_run(c, p, transpose_conv_pixel);
    return 0;
}
