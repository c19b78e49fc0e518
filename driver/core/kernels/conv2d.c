/* CONV_2D int8, bit-exact with TFLite reference_integer_ops::ConvPerChannel: NHWC input, filter
 * [out_c][k_h][k_w][filter_c] (grouped when filter_c < in_c), acc = bias + sum w * (x - in_zp) over
 * in-image taps (out-of-image taps add 0), double-rounding requantization per channel. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

static int conv_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1 ||
        !mica_conv_geometry_ok(p))
        return 0;
    if (p->filter_c < 1 || p->in_c < p->filter_c || p->in_c % p->filter_c != 0 ||
        p->out_c % (p->in_c / p->filter_c) != 0)
        return 0;
    const int32_t w[] = {p->out_c, p->k_h, p->k_w, p->filter_c};
    return mica_conv_operands_ok(c, p, mica_mul_sizes(w, 4));
}

/* One output pixel, all output channels. */
static void conv_pixel(const mica_conv_params_t *p, const int8_t *in, const int8_t *w,
                       const mica_chan_quant_t *q, int32_t oy, int32_t ox, int8_t *out) {
    const int32_t groups = p->in_c / p->filter_c, per_group = p->out_c / groups;
    const int64_t y0 = (int64_t)oy * p->stride_h - p->pad_top,
                  x0 = (int64_t)ox * p->stride_w - p->pad_left;
    for (int32_t o = 0; o < p->out_c; o++) {
        const int32_t c0 = (o / per_group) * p->filter_c;
        const int8_t *wo = w + (int64_t)o * p->k_h * p->k_w * p->filter_c;
        int64_t acc = 0;
        for (int32_t ky = 0; ky < p->k_h; ky++) {
            int64_t iy = y0 + (int64_t)ky * p->dil_h;
            if (iy < 0 || iy >= p->in_h)
                continue;
            for (int32_t kx = 0; kx < p->k_w; kx++) {
                int64_t ix = x0 + (int64_t)kx * p->dil_w;
                if (ix < 0 || ix >= p->in_w)
                    continue;
                const int8_t *xi = in + (iy * p->in_w + ix) * p->in_c + c0;
                const int8_t *wi = wo + ((int64_t)ky * p->k_w + kx) * p->filter_c;
                for (int32_t ci = 0; ci < p->filter_c; ci++)
                    acc += (int32_t)wi[ci] * ((int32_t)xi[ci] - p->in_zp);
            }
        }
        /* the accelerator's output stage: bias (int32 wrap), double rounding, zero point, clamp */
        out[o] = mica_requantize((int32_t)(uint32_t)(uint64_t)acc, q[o].bias, q[o].mult, 0,
                                 q[o].shift, MICA_ROUND_DOUBLE, p->out_zp, p->act_min, p->act_max);
    }
}

int mica_k_conv2d(const mica_kernel_call_t *c) {
    const mica_conv_params_t *p = c->params;
    if (!conv_fits(c, p))
        return -1;
    mica_conv_run(c, p, conv_pixel);
    return 0;
}
