/* DEPTHWISE_CONV_2D int8, bit-exact with TFLite reference_integer_ops::DepthwiseConvPerChannel:
 * output channel o = in channel * depth_multiplier + m, filter [k_h][k_w][out_c], out-of-image
 * taps add 0, double-rounding requantization per channel. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

static int dw_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1 || !mica_conv_geometry_ok(p)) return 0;
    if (p->filter_c < 1 || (int64_t)p->in_c * p->filter_c != p->out_c) return 0;
    const int32_t w[] = {p->k_h, p->k_w, p->out_c};
    return mica_conv_operands_ok(c, p, mica_mul_sizes(w, 3));
}

static void dw_pixel(const mica_conv_params_t *p, const int8_t *in, const int8_t *w,
                     const mica_chan_quant_t *q, int32_t oy, int32_t ox, int8_t *out) {
    const int64_t y0 = (int64_t)oy * p->stride_h - p->pad_top, x0 = (int64_t)ox * p->stride_w - p->pad_left;
    for (int32_t o = 0; o < p->out_c; o++) {
        const int32_t ic = o / p->filter_c;   /* filter_c holds the depth multiplier */
        int64_t acc = 0;
        for (int32_t ky = 0; ky < p->k_h; ky++) {
            int64_t iy = y0 + (int64_t)ky * p->dil_h;
            if (iy < 0 || iy >= p->in_h) continue;
            for (int32_t kx = 0; kx < p->k_w; kx++) {
                int64_t ix = x0 + (int64_t)kx * p->dil_w;
                if (ix < 0 || ix >= p->in_w) continue;
                int32_t x = in[(iy * p->in_w + ix) * p->in_c + ic];
                int32_t wv = w[((int64_t)ky * p->k_w + kx) * p->out_c + o];
                acc += wv * (x - p->in_zp);
            }
        }
        /* the accelerator's output stage: bias (int32 wrap), double rounding, zero point, clamp */
        out[o] = mica_requantize((int32_t)(uint32_t)(uint64_t)acc, q[o].bias, q[o].mult, 0, q[o].shift,
                                 MICA_ROUND_DOUBLE, p->out_zp, p->act_min, p->act_max);
    }
}

int mica_k_depthwise_conv2d(const mica_kernel_call_t *c) {
    const mica_conv_params_t *p = c->params;
    if (!dw_fits(c, p)) return -1;
    mica_conv_run(c, p, dw_pixel);
    return 0;
}
