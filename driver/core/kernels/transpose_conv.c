/* TRANSPOSE_CONV int8, bit-exact with TFLite reference_integer_ops::TransposeConv: NHWC input,
 * filter [out_c][k_h][k_w][in_c], input pixel (iy, ix) scattered to output (iy * stride_h -
 * pad_top + ky, ix * stride_w - pad_left + kx). Computed here as a gather per output pixel (the
 * same integer sum, int32 wrap as TFLite's scratch buffer), then bias and per-channel double
 * rounding. Parameter block: mica_conv_params_t (dil 1, filter_c = in_c), as CONV_2D's. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

static int transpose_conv_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1 ||
        !mica_conv_geometry_ok(p) || p->dil_h != 1 || p->dil_w != 1 || p->filter_c != p->in_c)
        return 0;
    const int32_t w[] = {p->out_c, p->k_h, p->k_w, p->in_c};
    return mica_conv_operands_ok(c, p, mica_mul_sizes(w, 4));
}

/* Input index along one axis feeding output o through tap k, or -1 (not on the stride grid or
 * outside the input). */
static int64_t source_index(int64_t o, int32_t pad, int32_t k, int32_t stride, int32_t size) {
    int64_t y = o + pad - k; /* < 2^31 + 65535: 32-bit unsigned division (no libgcc helper) */
    if (y < 0)
        return -1;
    uint32_t u = (uint32_t)y, s = (uint32_t)stride;
    if (u % s != 0 || u / s >= (uint32_t)size)
        return -1;
    return (int64_t)(u / s);
}

static void transpose_conv_pixel(const mica_conv_params_t *p, const int8_t *in, const int8_t *w,
                                 const mica_chan_quant_t *q, int32_t oy, int32_t ox, int8_t *out) {
    for (int32_t o = 0; o < p->out_c; o++) {
        const int8_t *wo = w + (int64_t)o * p->k_h * p->k_w * p->in_c;
        uint32_t acc = 0; /* TFLite sums into int32: wraps the same way */
        for (int32_t ky = 0; ky < p->k_h; ky++) {
            int64_t iy = source_index(oy, p->pad_top, ky, p->stride_h, p->in_h);
            if (iy < 0)
                continue;
            for (int32_t kx = 0; kx < p->k_w; kx++) {
                int64_t ix = source_index(ox, p->pad_left, kx, p->stride_w, p->in_w);
                if (ix < 0)
                    continue;
                const int8_t *xi = in + (iy * p->in_w + ix) * p->in_c;
                const int8_t *wi = wo + ((int64_t)ky * p->k_w + kx) * p->in_c;
                for (int32_t ci = 0; ci < p->in_c; ci++)
                    acc += (uint32_t)((int32_t)wi[ci] * ((int32_t)xi[ci] - p->in_zp));
            }
        }
        out[o] = mica_requantize((int32_t)acc, q[o].bias, q[o].mult, 0, q[o].shift,
                                 MICA_ROUND_DOUBLE, p->out_zp, p->act_min, p->act_max);
    }
}

int mica_k_transpose_conv(const mica_kernel_call_t *c) {
    const mica_conv_params_t *p = c->params;
    if (!transpose_conv_fits(c, p))
        return -1;
    mica_conv_run(c, p, transpose_conv_pixel);
    return 0;
}
