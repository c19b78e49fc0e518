/* DEPTHWISE_CONV_2D int8, bit-exact with TFLite reference_integer_ops::DepthwiseConvPerChannel:
 * output channel o = in channel * depth_multiplier + m, filter [k_h][k_w][out_c], out-of-image
 * taps add 0, double-rounding requantization per channel.
 * Speed: channels are contiguous in both the NHWC input and the filter, so each in-image tap (the
 * window is clipped once per pixel) adds into a run of int32 accumulators ("lanes"); each channel
 * chunk's requantization constants are prepared once per image. Few channels (<= DW_LANES / 2,
 * stride 1, multiplier 1): `group` adjacent output pixels read one contiguous input run per tap,
 * so they share the lanes, with the chunk's weights and constants repeated per pixel. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

#define DW_LANES 64     /* accumulators per run (256 bytes of stack) */
#define DW_BLOCK 16     /* constant-length MAC loop: gcc vectorizes it at -O2 */
#define DW_GROUP_TAPS 9 /* largest filter (k_h * k_w) kept repeated for pixel groups (3x3) */

static int dw_fits(const mica_kernel_call_t *c, const mica_conv_params_t *p) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1 ||
        !mica_conv_geometry_ok(p))
        return 0;
    if (p->filter_c < 1 || (int64_t)p->in_c * p->filter_c != p->out_c)
        return 0;
    const int32_t w[] = {p->k_h, p->k_w, p->out_c};
    return mica_conv_operands_ok(c, p, mica_mul_sizes(w, 3));
}

/* Output channels [o0, o0 + n), lane i holding channel o0 + i % n of pixel i / n of a group. */
typedef struct {
    int32_t o0, n, group;    /* group: pixels sharing the lanes (1: one pixel, any chunk) */
    int16_t in_zp[DW_BLOCK]; /* a vector operand: a broadcast scalar made gcc stall on a spill */
    uint32_t bias[DW_LANES];
    mica_rescale_t rescale[DW_LANES];
    int8_t w_group[DW_GROUP_TAPS][DW_LANES]; /* group > 1: each tap's weights, repeated */
} dw_chunk_t;

/* Pixels per group: 1 unless the whole (single) chunk fits twice into the lanes and adjacent
 * output pixels read adjacent input pixels. */
static int32_t dw_group_size(const mica_conv_params_t *p) {
    if (p->filter_c != 1 || p->stride_w != 1 || p->out_c > DW_LANES / 2 ||
        (int64_t)p->k_h * p->k_w > DW_GROUP_TAPS)
        return 1;
    return DW_LANES / p->out_c;
}

static void dw_chunk_init(const mica_conv_params_t *p, const mica_chan_quant_t *q, const int8_t *w,
                          int32_t o0, dw_chunk_t *ch) {
    ch->o0 = o0;
    ch->n = p->out_c - o0 < DW_LANES ? p->out_c - o0 : DW_LANES;
    ch->group = dw_group_size(p);
    for (int32_t i = 0; i < DW_BLOCK; i++)
        ch->in_zp[i] = (int16_t)p->in_zp;
    for (int32_t i = 0; i < ch->n * ch->group; i++) {
        const mica_chan_quant_t *qc = &q[o0 + i % ch->n];
        ch->bias[i] = (uint32_t)qc->bias;
        ch->rescale[i] = mica_rescale_make(qc->mult, qc->shift);
    }
    for (int32_t t = 0; ch->group > 1 && t < p->k_h * p->k_w; t++)
        for (int32_t i = 0; i < ch->n * ch->group; i++)
            ch->w_group[t][i] = w[t * p->out_c + i % ch->n];
}

/* acc[i] += w[i] * (x[i] - zp[i]) for depth multiplier 1. |w * (x - zp)| <= 128 * 255 fits int16
 * (narrow SIMD lanes); the uint32 sum wraps like the low 32 bits TFLite keeps. */
static inline void dw_mac(uint32_t *restrict acc, const int8_t *restrict x,
                          const int8_t *restrict w, const int16_t *restrict zp, int32_t n) {
    for (int32_t i = 0; i < n; i++)
        acc[i] += (uint32_t)(int32_t)(int16_t)(w[i] * (int16_t)(x[i] - zp[i]));
}

/* The same for depth multiplier dm > 1: output channel o0 + i reads input channel (o0 + i) / dm. */
static void dw_mac_multiplier(uint32_t *acc, const int8_t *x, const int8_t *w, int32_t zp,
                              int32_t o0, int32_t n, int32_t dm) {
    int32_t ic = o0 / dm, m = o0 % dm;
    for (int32_t i = 0; i < n; i++) {
        acc[i] += (uint32_t)(w[i] * (x[ic] - zp));
        if (++m == dm) {
            m = 0;
            ic++;
        }
    }
}

/* Adds one tap into `lanes` accumulators: x_pix is the tap's input pixel (first pixel of a
 * group), w the weights of the lanes. */
static inline void dw_add_tap(const mica_conv_params_t *p, const dw_chunk_t *ch, uint32_t *acc,
                              int32_t lanes, const int8_t *x_pix, const int8_t *w) {
    if (p->filter_c != 1) {
        dw_mac_multiplier(acc, x_pix, w, p->in_zp, ch->o0, lanes, p->filter_c);
        return;
    }
    const int8_t *x = x_pix + ch->o0;
    int32_t i = 0;
    for (; i + DW_BLOCK <= lanes; i += DW_BLOCK)
        dw_mac(acc + i, x + i, w + i, ch->in_zp, DW_BLOCK);
    if (i + DW_BLOCK / 2 <= lanes) { /* e.g. 8 channels at stride 2 */
        dw_mac(acc + i, x + i, w + i, ch->in_zp, DW_BLOCK / 2);
        i += DW_BLOCK / 2;
    }
    dw_mac(acc + i, x + i, w + i, ch->in_zp, lanes - i);
}

/* In-image taps of an output pixel (or of each pixel of a group): rows [ky_lo, ky_hi), columns
 * [kx_lo, kx_hi); (y0, x0): the window's corner. */
typedef struct {
    int64_t y0, x0;
    int32_t ky_lo, ky_hi, kx_lo, kx_hi;
} dw_window_t;

/* `lanes` accumulators of one pixel or group over its window, requantized into out. Tap t's
 * weights for lane 0 are at w + t * w_stride. */
static void dw_run(const mica_conv_params_t *p, const int8_t *img, const int8_t *w,
                   int64_t w_stride, const dw_chunk_t *ch, int32_t lanes, const dw_window_t *win,
                   int8_t *out) {
    uint32_t acc[DW_LANES];
    for (int32_t i = 0; i < lanes; i++)
        acc[i] = ch->bias[i]; /* bias first: the sum wraps anyway */
    for (int32_t ky = win->ky_lo; ky < win->ky_hi; ky++) {
        const int64_t row = (win->y0 + (int64_t)ky * p->dil_h) * p->in_w;
        for (int32_t kx = win->kx_lo; kx < win->kx_hi; kx++) {
            const int64_t ix = win->x0 + (int64_t)kx * p->dil_w;
            dw_add_tap(p, ch, acc, lanes, img + (row + ix) * p->in_c,
                       w + ((int64_t)ky * p->k_w + kx) * w_stride);
        }
    }
    /* the accelerator's output stage: double rounding, zero point, clamp (locals: the int8 stores
     * may alias everything) */
    const int32_t zp = p->out_zp, lo = p->act_min, hi = p->act_max;
    for (int32_t i = 0; i < lanes; i++)
        out[i] = mica_output_int8((int32_t)acc[i], &ch->rescale[i], zp, lo, hi);
}

/* 1 when the pixels [ox, ox + group) form a group: all have their whole filter row in the image. */
static int dw_is_group(const mica_conv_params_t *p, const dw_chunk_t *ch, const dw_window_t *win,
                       int32_t ox) {
    int32_t lo, hi;
    if (ch->group < 2 || (int64_t)ox + ch->group > p->out_w || win->kx_lo != 0 ||
        win->kx_hi != p->k_w)
        return 0;
    mica_tap_range(win->x0 + ch->group - 1, p->k_w, p->dil_w, p->in_w, &lo, &hi); /* stride 1 */
    return lo == 0 && hi == p->k_w;
}

/* One channel chunk of every output pixel of one batch image. */
static void dw_chunk_image(const mica_conv_params_t *p, const int8_t *img, const int8_t *w,
                           const dw_chunk_t *ch, int8_t *out) {
    dw_window_t win;
    for (int32_t oy = 0; oy < p->out_h; oy++) {
        win.y0 = (int64_t)oy * p->stride_h - p->pad_top;
        mica_tap_range(win.y0, p->k_h, p->dil_h, p->in_h, &win.ky_lo, &win.ky_hi);
        for (int32_t ox = 0; ox < p->out_w;) {
            int8_t *o = out + ((int64_t)oy * p->out_w + ox) * p->out_c + ch->o0;
            win.x0 = (int64_t)ox * p->stride_w - p->pad_left;
            mica_tap_range(win.x0, p->k_w, p->dil_w, p->in_w, &win.kx_lo, &win.kx_hi);
            if (dw_is_group(p, ch, &win, ox)) {
                dw_run(p, img, ch->w_group[0], DW_LANES, ch, ch->n * ch->group, &win, o);
                ox += ch->group;
            } else {
                dw_run(p, img, w + ch->o0, p->out_c, ch, ch->n, &win, o);
                ox++;
            }
        }
    }
}

int mica_k_depthwise_conv2d(const mica_kernel_call_t *c) {
    const mica_conv_params_t *p = c->params;
    if (!dw_fits(c, p))
        return -1;
    const mica_chan_quant_t *q = (const mica_chan_quant_t *)(p + 1);
    const int8_t *w = (const int8_t *)(q + p->out_c);
    const int64_t in_image = (int64_t)p->in_h * p->in_w * p->in_c,
                  out_image = (int64_t)p->out_h * p->out_w * p->out_c;
    dw_chunk_t ch;
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t o0 = 0; o0 < p->out_c; o0 += DW_LANES) {
            dw_chunk_init(p, q, w, o0, &ch);
            dw_chunk_image(p, c->in[0] + b * in_image, w, &ch, c->out[0] + b * out_image);
        }
    return 0;
}
