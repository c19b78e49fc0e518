/* The pooling walk of pool.c for one element type, included once per type (C's template):
 * POOL_W the element's bytes, POOL_LOWEST its smallest value, POOL_AT(p, i) element i from byte
 * pointer p, POOL_FN(name) the names for that type. Offsets below count elements.
 * Kernel-private; no include guard on purpose. */
/* acc[i] = max(acc[i], x[i]) or acc[i] += x[i] for i < POOL_BLOCK. */
static inline void POOL_FN(pool_tap_block)(int32_t *restrict acc, const int8_t *restrict x,
                                           int is_max) {
    if (is_max)
        for (int32_t i = 0; i < POOL_BLOCK; i++)
            acc[i] = POOL_AT(x, i) > acc[i] ? POOL_AT(x, i) : acc[i];
    else
        for (int32_t i = 0; i < POOL_BLOCK; i++)
            acc[i] += POOL_AT(x, i);
}

/* In-image part of one pixel's window: rows x cols taps from `first`, `row` elements apart. */
typedef struct {
    const int8_t *first; /* the window's first tap (a byte pointer) */
    int64_t row;
    int32_t rows, cols;
} POOL_FN(pool_window_t);

/* One channel's max (POOL_LOWEST for no tap) or sum over the window. */
static int32_t POOL_FN(pool_channel)(const mica_pool_params_t *p,
                                     const POOL_FN(pool_window_t) * win, int32_t ch) {
    int32_t best = POOL_LOWEST, sum = 0;
    for (int32_t y = 0; y < win->rows; y++) {
        const int8_t *px = win->first + (y * win->row + ch) * POOL_W;
        for (int32_t x = 0; x < win->cols; x++, px += p->ch * POOL_W) {
            best = POOL_AT(px, 0) > best ? POOL_AT(px, 0) : best;
            sum += POOL_AT(px, 0);
        }
    }
    return p->is_max ? best : sum;
}

/* acc[0, n) over the window for channels c0 + [0, n): whole blocks tap by tap, the remaining
 * channels one by one (their accumulator stays in a register). */
static void POOL_FN(pool_accumulate)(const mica_pool_params_t *p,
                                     const POOL_FN(pool_window_t) * win, int32_t c0, int32_t n,
                                     int32_t *acc) {
    const int32_t blocks = n - n % POOL_BLOCK;
    for (int32_t i = 0; i < blocks; i++)
        acc[i] = p->is_max ? POOL_LOWEST : 0;
    for (int32_t y = 0; y < win->rows; y++)
        for (int32_t x = 0; x < win->cols; x++) {
            const int8_t *px = win->first + (y * win->row + (int64_t)x * p->ch + c0) * POOL_W;
            for (int32_t i = 0; i < blocks; i += POOL_BLOCK)
                POOL_FN(pool_tap_block)(acc + i, px + i * POOL_W, p->is_max);
        }
    for (int32_t i = blocks; i < n; i++)
        acc[i] = POOL_FN(pool_channel)(p, win, c0 + i);
}

/* The pooled value of a channel from its accumulator over `taps` in-image taps. */
static int32_t POOL_FN(pool_result)(const mica_pool_params_t *p, int32_t acc, int32_t taps) {
    if (p->is_max)
        return acc; /* POOL_LOWEST when no tap is in the image */
    if (taps == 0)
        return 0; /* (TFLite rejects such models) */
    return acc > 0 ? (acc + taps / 2) / taps
                   : (acc - taps / 2) / taps; /* |acc| < 2^31: taps <= 2^23 (int8), 65535 (int16) */
}

/* One output pixel, all channels; (y0, x0) is the window's top-left corner in the image. */
static void POOL_FN(pool_pixel)(const mica_pool_params_t *p, const int8_t *img, int64_t y0,
                                int64_t x0, int8_t *out) {
    int32_t ky_lo, ky_hi, kx_lo, kx_hi, acc[POOL_CHUNK];
    mica_tap_range(y0, p->f_h, 1, p->in_h, &ky_lo, &ky_hi);
    mica_tap_range(x0, p->f_w, 1, p->in_w, &kx_lo, &kx_hi);
    const int32_t taps = (ky_hi - ky_lo) * (kx_hi - kx_lo); /* <= 2^23 (pool_fits) */
    const POOL_FN(pool_window_t)
        win = {taps ? img + ((y0 + ky_lo) * p->in_w + x0 + kx_lo) * p->ch * POOL_W : img,
               (int64_t)p->in_w * p->ch, ky_hi - ky_lo, kx_hi - kx_lo};
    for (int32_t c0 = 0; c0 < p->ch; c0 += POOL_CHUNK) {
        const int32_t n = p->ch - c0 < POOL_CHUNK ? p->ch - c0 : POOL_CHUNK;
        POOL_FN(pool_accumulate)(p, &win, c0, n, acc);
        for (int32_t i = 0; i < n; i++)
            mica_store_q(
                out, POOL_W, (uint32_t)(c0 + i),
                mica_clamp32(POOL_FN(pool_result)(p, acc[i], taps), p->act_min, p->act_max));
    }
}

static int POOL_FN(pool_run)(const mica_kernel_call_t *c, const mica_pool_params_t *p) {
    const int64_t img = (int64_t)p->in_h * p->in_w * p->ch;
    int8_t *out = c->out[0];
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t oy = 0; oy < p->out_h; oy++)
            for (int32_t ox = 0; ox < p->out_w; ox++, out += p->ch * POOL_W)
                POOL_FN(pool_pixel)
    (p, c->in[0] + b * img * POOL_W, (int64_t)oy * p->stride_h - p->pad_top,
     (int64_t)ox * p->stride_w - p->pad_left, out);
    return 0;
}

#undef POOL_W
#undef POOL_AT
#undef POOL_LOWEST
#undef POOL_FN
