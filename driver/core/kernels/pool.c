/* AVERAGE_POOL_2D and MAX_POOL_2D int8, bit-exact with TFLite reference_integer_ops pooling:
 * only in-image taps count; average = sum rounded half away from zero / taps; output clamped to
 * the fused activation range (input and output share scale and zero point).
 * Speed: the window is clipped once per output pixel and each tap updates a chunk of channel
 * accumulators (channels are contiguous in NHWC). */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

#define POOL_CHUNK 64 /* channels accumulated together (256 bytes of stack) */
#define POOL_BLOCK 16 /* constant-length inner loop: gcc vectorizes it at -O2 */

static int pool_fits(const mica_kernel_call_t *c, const mica_pool_params_t *p) {
    if (c->params_size != sizeof *p || c->ninputs != 1 || c->noutputs != 1)
        return 0;
    const int32_t v[] = {p->f_h, p->f_w, p->stride_h, p->stride_w};
    for (int i = 0; i < 4; i++)
        if (v[i] < 1 || v[i] > 65535)
            return 0;
    if ((int64_t)p->f_h * p->f_w > (1 << 23) || (p->is_max != 0 && p->is_max != 1))
        return 0;
    if (p->pad_top < -65535 || p->pad_top > 65535 || p->pad_left < -65535 || p->pad_left > 65535 ||
        !mica_act_ok(p->act_min, p->act_max))
        return 0;
    const int32_t in[] = {p->batches, p->in_h, p->in_w, p->ch},
                  out[] = {p->batches, p->out_h, p->out_w, p->ch};
    return mica_mul_sizes(in, 4) == (int64_t)c->in_bytes[0] &&
           mica_mul_sizes(out, 4) == (int64_t)c->out_bytes[0];
}

/* acc[i] = max(acc[i], x[i]) or acc[i] += x[i] for i < POOL_BLOCK. */
static inline void pool_tap_block(int32_t *restrict acc, const int8_t *restrict x, int is_max) {
    if (is_max)
        for (int32_t i = 0; i < POOL_BLOCK; i++)
            acc[i] = x[i] > acc[i] ? x[i] : acc[i];
    else
        for (int32_t i = 0; i < POOL_BLOCK; i++)
            acc[i] += x[i];
}

/* In-image part of one pixel's window: rows x cols taps from `first`, `row` bytes apart. */
typedef struct {
    const int8_t *first;
    int64_t row;
    int32_t rows, cols;
} pool_window_t;

/* One channel's max (-128 for no tap) or sum over the window. */
static int32_t pool_channel(const mica_pool_params_t *p, const pool_window_t *win, int32_t ch) {
    int32_t best = -128, sum = 0;
    for (int32_t y = 0; y < win->rows; y++) {
        const int8_t *px = win->first + y * win->row + ch;
        for (int32_t x = 0; x < win->cols; x++, px += p->ch) {
            best = *px > best ? *px : best;
            sum += *px;
        }
    }
    return p->is_max ? best : sum;
}

/* acc[0, n) over the window for channels c0 + [0, n): whole blocks tap by tap, the remaining
 * channels one by one (their accumulator stays in a register). */
static void pool_accumulate(const mica_pool_params_t *p, const pool_window_t *win, int32_t c0,
                            int32_t n, int32_t *acc) {
    const int32_t blocks = n - n % POOL_BLOCK;
    for (int32_t i = 0; i < blocks; i++)
        acc[i] = p->is_max ? -128 : 0;
    for (int32_t y = 0; y < win->rows; y++)
        for (int32_t x = 0; x < win->cols; x++) {
            const int8_t *px = win->first + y * win->row + (int64_t)x * p->ch + c0;
            for (int32_t i = 0; i < blocks; i += POOL_BLOCK)
                pool_tap_block(acc + i, px + i, p->is_max);
        }
    for (int32_t i = blocks; i < n; i++)
        acc[i] = pool_channel(p, win, c0 + i);
}

/* The pooled value of a channel from its accumulator over `taps` in-image taps. */
static int32_t pool_result(const mica_pool_params_t *p, int32_t acc, int32_t taps) {
    if (p->is_max)
        return acc; /* -128 when no tap is in the image */
    if (taps == 0)
        return 0; /* (TFLite rejects such models) */
    return acc > 0 ? (acc + taps / 2) / taps
                   : (acc - taps / 2) / taps; /* |acc| < 2^30: taps <= 2^23 */
}

/* One output pixel, all channels; (y0, x0) is the window's top-left corner in the image. */
static void pool_pixel(const mica_pool_params_t *p, const int8_t *img, int64_t y0, int64_t x0,
                       int8_t *out) {
    int32_t ky_lo, ky_hi, kx_lo, kx_hi, acc[POOL_CHUNK];
    mica_tap_range(y0, p->f_h, 1, p->in_h, &ky_lo, &ky_hi);
    mica_tap_range(x0, p->f_w, 1, p->in_w, &kx_lo, &kx_hi);
    const int32_t taps = (ky_hi - ky_lo) * (kx_hi - kx_lo); /* <= 2^23 (pool_fits) */
    const pool_window_t win = {taps ? img + ((y0 + ky_lo) * p->in_w + x0 + kx_lo) * p->ch : img,
                               (int64_t)p->in_w * p->ch, ky_hi - ky_lo, kx_hi - kx_lo};
    for (int32_t c0 = 0; c0 < p->ch; c0 += POOL_CHUNK) {
        const int32_t n = p->ch - c0 < POOL_CHUNK ? p->ch - c0 : POOL_CHUNK;
        pool_accumulate(p, &win, c0, n, acc);
        for (int32_t i = 0; i < n; i++)
            out[c0 + i] =
                (int8_t)mica_clamp32(pool_result(p, acc[i], taps), p->act_min, p->act_max);
    }
}

int mica_k_pool(const mica_kernel_call_t *c) {
    const mica_pool_params_t *p = c->params;
    if (!pool_fits(c, p))
        return -1;
    const int64_t img_bytes = (int64_t)p->in_h * p->in_w * p->ch;
    int8_t *out = c->out[0];
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t oy = 0; oy < p->out_h; oy++)
            for (int32_t ox = 0; ox < p->out_w; ox++, out += p->ch)
                pool_pixel(p, c->in[0] + b * img_bytes, (int64_t)oy * p->stride_h - p->pad_top,
                           (int64_t)ox * p->stride_w - p->pad_left, out);
    return 0;
}
