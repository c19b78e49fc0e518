/* DEPTHWISE_CONV_2D int8, bit-exact with TFLite reference_integer_ops::DepthwiseConvPerChannel:
 * output channel o = in channel * depth_multiplier + m, filter [k_h][k_w][out_c], out-of-image
 * taps add 0, double-rounding requantization per channel.
 * Speed: per output pixel the in-image tap window is clipped once, and each tap adds into a chunk
 * of channel accumulators (channels are contiguous in both the NHWC input and the filter). */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

#define DW_CHUNK 64   /* output channels accumulated together (256 bytes of stack) */
#define DW_BLOCK 16   /* constant-length MAC loop: gcc vectorizes it at -O2 */

static int dw_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1 || !mica_conv_geometry_ok(p)) return 0;
    if (p->filter_c < 1 || (int64_t)p->in_c * p->filter_c != p->out_c) return 0;
    const int32_t w[] = {p->k_h, p->k_w, p->out_c};
    return mica_conv_operands_ok(c, p, mica_mul_sizes(w, 3));
}

/* acc[i] += w[i] * (x[i] - zp) for depth multiplier 1. |w * (x - zp)| <= 128 * 255 fits int16
 * (narrow SIMD lanes); the uint32 sum wraps like the low 32 bits TFLite keeps. */
static inline void dw_mac(uint32_t *restrict acc, const int8_t *restrict x, const int8_t *restrict w,
                          int32_t zp, int32_t n) {
    for (int32_t i = 0; i < n; i++) acc[i] += (uint32_t)(int32_t)(int16_t)(w[i] * (int16_t)(x[i] - zp));
}

/* The same for depth multiplier dm > 1: output channel o0 + i reads input channel (o0 + i) / dm. */
static void dw_mac_multiplier(uint32_t *acc, const int8_t *x, const int8_t *w, int32_t zp, int32_t o0,
                              int32_t n, int32_t dm) {
    int32_t ic = o0 / dm, m = o0 % dm;
    for (int32_t i = 0; i < n; i++) {
        acc[i] += (uint32_t)(w[i] * (x[ic] - zp));
        if (++m == dm) { m = 0; ic++; }
    }
}

/* Adds one tap (input pixel x_pix, filter row w_tap = all out_c weights of the tap) into the
 * accumulators of channels [o0, o0 + n). */
static void dw_add_tap(const mica_conv_params_t *p, uint32_t *acc, const int8_t *x_pix, const int8_t *w_tap,
                       int32_t o0, int32_t n) {
    if (p->filter_c != 1) {
        dw_mac_multiplier(acc, x_pix, w_tap + o0, p->in_zp, o0, n, p->filter_c);
        return;
    }
    int32_t i = 0;
    for (; i + DW_BLOCK <= n; i += DW_BLOCK) dw_mac(acc + i, x_pix + o0 + i, w_tap + o0 + i, p->in_zp, DW_BLOCK);
    dw_mac(acc + i, x_pix + o0 + i, w_tap + o0 + i, p->in_zp, n - i);
}

/* In-image taps of one output pixel: rows [ky_lo, ky_hi), columns [kx_lo, kx_hi). */
typedef struct {
    int64_t y0, x0;
    int32_t ky_lo, ky_hi, kx_lo, kx_hi;
} dw_window_t;

/* One output pixel (all channels) of one batch image. */
static void dw_pixel(const mica_conv_params_t *p, const int8_t *img, const int8_t *w, const mica_chan_quant_t *q,
                     const dw_window_t *win, int8_t *out) {
    uint32_t acc[DW_CHUNK];
    for (int32_t o0 = 0; o0 < p->out_c; o0 += DW_CHUNK) {
        const int32_t n = p->out_c - o0 < DW_CHUNK ? p->out_c - o0 : DW_CHUNK;
        for (int32_t i = 0; i < n; i++) acc[i] = 0;
        for (int32_t ky = win->ky_lo; ky < win->ky_hi; ky++) {
            const int64_t row = (win->y0 + (int64_t)ky * p->dil_h) * p->in_w;
            for (int32_t kx = win->kx_lo; kx < win->kx_hi; kx++) {
                const int64_t ix = win->x0 + (int64_t)kx * p->dil_w;
                dw_add_tap(p, acc, img + (row + ix) * p->in_c, w + ((int64_t)ky * p->k_w + kx) * p->out_c, o0, n);
            }
        }
        /* the accelerator's output stage: bias (int32 wrap), double rounding, zero point, clamp */
        for (int32_t i = 0; i < n; i++) {
            const mica_chan_quant_t *qo = &q[o0 + i];
            out[o0 + i] = mica_requantize((int32_t)acc[i], qo->bias, qo->mult, 0, qo->shift, MICA_ROUND_DOUBLE,
                                          p->out_zp, p->act_min, p->act_max);
        }
    }
}

int mica_k_depthwise_conv2d(const mica_kernel_call_t *c) {
    const mica_conv_params_t *p = c->params;
    if (!dw_fits(c, p)) return -1;
    const mica_chan_quant_t *q = (const mica_chan_quant_t *)(p + 1);
    const int8_t *w = (const int8_t *)(q + p->out_c);
    const int64_t in_image = (int64_t)p->in_h * p->in_w * p->in_c;
    int8_t *out = c->out[0];
    dw_window_t win;
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t oy = 0; oy < p->out_h; oy++) {
            win.y0 = (int64_t)oy * p->stride_h - p->pad_top;
            mica_tap_range(win.y0, p->k_h, p->dil_h, p->in_h, &win.ky_lo, &win.ky_hi);
            for (int32_t ox = 0; ox < p->out_w; ox++, out += p->out_c) {
                win.x0 = (int64_t)ox * p->stride_w - p->pad_left;
                mica_tap_range(win.x0, p->k_w, p->dil_w, p->in_w, &win.kx_lo, &win.kx_hi);
                dw_pixel(p, c->in[0] + b * in_image, w, q, &win, out);
            }
        }
    return 0;
}
