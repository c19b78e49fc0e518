/* DEPTHWISE_CONV_2D int8, bit-exact with TFLite reference_integer_ops::DepthwiseConvPerChannel:
 * output channel o = in channel * depth_multiplier + m, filter [k_h][k_w][out_c], out-of-image
 * taps add 0, double-rounding requantization per channel. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

static int dw_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1) return 0;
    const int32_t v[] = {p->k_h, p->k_w, p->stride_h, p->stride_w, p->dil_h, p->dil_w};
    for (int i = 0; i < 6; i++) if (v[i] < 1 || v[i] > 65535) return 0;
    if (p->pad_top < -65535 || p->pad_top > 65535 || p->pad_left < -65535 || p->pad_left > 65535 ||
        !mica_zp_ok(p->in_zp) || !mica_zp_ok(p->out_zp) || !mica_act_ok(p->act_min, p->act_max))
        return 0;
    const int32_t in[] = {p->batches, p->in_h, p->in_w, p->in_c};
    const int32_t out[] = {p->batches, p->out_h, p->out_w, p->out_c};
    const int32_t w[] = {p->k_h, p->k_w, p->out_c};
    int64_t wbytes = mica_mul_sizes(w, 3);
    if (mica_mul_sizes(in, 4) != (int64_t)c->in_bytes[0] || mica_mul_sizes(out, 4) != (int64_t)c->out_bytes[0] ||
        wbytes < 0 || p->filter_c < 1 || (int64_t)p->in_c * p->filter_c != p->out_c)
        return 0;
    uint64_t need = sizeof *p + (uint64_t)p->out_c * sizeof(mica_chan_quant_t) + (uint64_t)wbytes;
    if (need != c->params_size) return 0;
    const mica_chan_quant_t *q = (const mica_chan_quant_t *)(p + 1);
    for (int32_t o = 0; o < p->out_c; o++) if (!mica_shift_ok(q[o].shift)) return 0;
    return 1;
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
        int32_t a = (int32_t)(uint32_t)((uint64_t)acc + (uint32_t)q[o].bias);
        int32_t y = (int32_t)((uint32_t)mica_mul_double_round(a, q[o].mult, q[o].shift) + (uint32_t)p->out_zp);
        out[o] = (int8_t)mica_clamp32(y, p->act_min, p->act_max);
    }
}

int mica_k_depthwise_conv2d(const mica_kernel_call_t *c) {
    const mica_conv_params_t *p = c->params;
    if (!dw_fits(c, p)) return -1;
    const mica_chan_quant_t *q = (const mica_chan_quant_t *)(p + 1);
    const int8_t *w = (const int8_t *)(q + p->out_c);
    const int64_t in_image = (int64_t)p->in_h * p->in_w * p->in_c;
    int8_t *out = c->out[0];
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t oy = 0; oy < p->out_h; oy++)
            for (int32_t ox = 0; ox < p->out_w; ox++, out += p->out_c)
                dw_pixel(p, c->in[0] + b * in_image, w, q, oy, ox, out);
    return 0;
}
