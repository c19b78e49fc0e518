/* CONV_2D and DEPTHWISE_CONV_2D 16x8 (int16 activations, int8 weights), bit-exact with TFLite's
 * reference_integer_ops ConvPerChannel / DepthwiseConvPerChannel for int16: a 64-bit accumulator
 * (bias included) requantized by the int64 MultiplyByQuantizedMultiplier, whose multiplier is
 * rounded to 16 bits (measured against LiteRT: the int8 kernels' 32-bit double rounding differs).
 * Same parameter block and geometry as the int8 kernels (conv2d.c, depthwise_conv2d.c). */
#include "mica_fixedpoint.h"
#include "mica_int16_util.h"

static int conv16_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p, int dw) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1 ||
        !mica_conv_geometry_ok_w(p, 2) || p->filter_c < 1)
        return 0;
    int64_t filter;
    if (dw) {
        const int32_t w[] = {p->k_h, p->k_w, p->out_c};
        filter = (int64_t)p->in_c * p->filter_c == p->out_c ? mica_mul_sizes(w, 3) : -1;
    } else {
        const int32_t w[] = {p->out_c, p->k_h, p->k_w, p->filter_c};
        int ok = p->in_c >= p->filter_c && p->in_c % p->filter_c == 0 &&
                 p->out_c % (p->in_c / p->filter_c) == 0;
        filter = ok ? mica_mul_sizes(w, 4) : -1;
    }
    return mica_conv_operands_ok_w(c, p, filter, 2) &&
           mica_q64_quant_ok((const mica_chan_quant_t *)(p + 1), p->out_c);
}

/* Output channel o of the pixel whose window starts at (y0, x0). */
static int64_t conv16_acc(const mica_conv_params_t *p, const int8_t *in, const int8_t *w, int dw,
                          int32_t o, int64_t y0, int64_t x0) {
    int32_t taps_c = dw ? 1 : p->filter_c, c0, w_step;
    const int8_t *wo;
    if (dw) { /* filter [k_h][k_w][out_c]; input channel o / depth multiplier */
        c0 = o / p->filter_c, wo = w + o, w_step = p->out_c;
    } else { /* filter [out_c][k_h][k_w][filter_c]; groups of input channels */
        c0 = (o / (p->out_c / (p->in_c / p->filter_c))) * p->filter_c;
        wo = w + (int64_t)o * p->k_h * p->k_w * p->filter_c, w_step = p->filter_c;
    }
    int64_t acc = 0;
    for (int32_t ky = 0; ky < p->k_h; ky++) {
        int64_t iy = y0 + (int64_t)ky * p->dil_h;
        for (int32_t kx = 0; kx < p->k_w && iy >= 0 && iy < p->in_h; kx++) {
            int64_t ix = x0 + (int64_t)kx * p->dil_w;
            if (ix < 0 || ix >= p->in_w)
                continue;
            const int8_t *xi = in + 2 * ((iy * p->in_w + ix) * p->in_c + c0);
            const int8_t *wi = wo + ((int64_t)ky * p->k_w + kx) * w_step;
            for (int32_t ci = 0; ci < taps_c; ci++)
                acc += (int32_t)wi[ci] * (mica_load_i16(xi + 2 * ci) - p->in_zp);
        }
    }
    return acc;
}

static int conv16(const mica_kernel_call_t *c, int dw) {
    const mica_conv_params_t *p = c->params;
    if (!conv16_fits(c, p, dw))
        return -1;
    const mica_chan_quant_t *q = (const mica_chan_quant_t *)(p + 1);
    const int8_t *w = (const int8_t *)(q + p->out_c);
    const int64_t image = 2 * (int64_t)p->in_h * p->in_w * p->in_c;
    int8_t *out = c->out[0];
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t oy = 0; oy < p->out_h; oy++)
            for (int32_t ox = 0; ox < p->out_w; ox++)
                for (int32_t o = 0; o < p->out_c; o++, out += 2) {
                    int64_t acc = conv16_acc(p, c->in[0] + b * image, w, dw, o,
                                             (int64_t)oy * p->stride_h - p->pad_top,
                                             (int64_t)ox * p->stride_w - p->pad_left);
                    int32_t y = mica_mul_q64(acc + q[o].bias, q[o].mult, q[o].shift);
                    y = (int32_t)((uint32_t)y + (uint32_t)p->out_zp);
                    mica_store_i16(out, mica_clamp32(y, p->act_min, p->act_max));
                }
    return 0;
}

int mica_k_conv2d16(const mica_kernel_call_t *c) {
    return conv16(c, 0);
}

int mica_k_depthwise_conv2d16(const mica_kernel_call_t *c) {
    return conv16(c, 1);
}
