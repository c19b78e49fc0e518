/* RESIZE_BILINEAR int8, NHWC, TFLite's ResizeBilinearInteger: the four neighbours weighted by
 * 10-bit fractions, the 20-bit sum rounded half away from zero. The compiler gives each output
 * row and column its lower and upper source index and fraction (mica_bilinear_tap_t). */
#include "mica_kernel_util.h"

#define ONE_10 (1 << 10)

/* (v + sign(v) 2^19) / 2^20 truncated toward zero, without a 64-bit division. taps_ok keeps
 * |frac| <= 1024, so each axis' two weights add up to at most 3072 in magnitude and
 * |v| <= 128 * 3072^2 < 2^31. */
static int8_t round_20(int32_t v) {
    int32_t q = v >= 0 ? (v + (1 << 19)) >> 20 : -((-v + (1 << 19)) >> 20);
    return (int8_t)q;
}

static int taps_ok(const mica_bilinear_tap_t *t, int32_t n, int32_t in) {
    for (int32_t i = 0; i < n; i++)
        if (t[i].lo < 0 || t[i].lo >= in || t[i].hi < 0 || t[i].hi >= in || t[i].frac < -ONE_10 ||
            t[i].frac > ONE_10)
            return 0;
    return 1;
}

int mica_k_resize_bilinear(const mica_kernel_call_t *c) {
    mica_resize_params_t p;
    if (c->params_size < sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    const int32_t in[] = {p.batches, p.in_h, p.in_w, p.ch},
                  out[] = {p.batches, p.out_h, p.out_w, p.ch};
    if (mica_mul_sizes(in, 4) != (int64_t)c->in_bytes[0] ||
        mica_mul_sizes(out, 4) != (int64_t)c->out_bytes[0] ||
        sizeof p + sizeof(mica_bilinear_tap_t) * ((uint64_t)p.out_h + (uint64_t)p.out_w) !=
            c->params_size)
        return -1;
    const mica_bilinear_tap_t *rows = (const mica_bilinear_tap_t *)((const uint8_t *)c->params +
                                                                    sizeof p),
                              *cols = rows + p.out_h;
    if (!taps_ok(rows, p.out_h, p.in_h) || !taps_ok(cols, p.out_w, p.in_w))
        return -1;
    int8_t *o = c->out[0];
    const int64_t row_bytes = (int64_t)p.in_w * p.ch;
    for (int32_t b = 0; b < p.batches; b++) {
        const int8_t *image = c->in[0] + (int64_t)b * p.in_h * row_bytes;
        for (int32_t y = 0; y < p.out_h; y++) {
            const int32_t dy = rows[y].frac;
            const int8_t *r0 = image + rows[y].lo * row_bytes, *r1 = image + rows[y].hi * row_bytes;
            for (int32_t x = 0; x < p.out_w; x++) {
                const int32_t dx = cols[x].frac;
                const int64_t x0 = (int64_t)cols[x].lo * p.ch, x1 = (int64_t)cols[x].hi * p.ch;
                for (int32_t ch = 0; ch < p.ch; ch++, o++) {
                    int32_t v = r0[x0 + ch] * (ONE_10 - dy) * (ONE_10 - dx) +
                                r1[x0 + ch] * dy * (ONE_10 - dx) +
                                r0[x1 + ch] * (ONE_10 - dy) * dx + r1[x1 + ch] * dy * dx;
                    *o = round_20(v);
                }
            }
        }
    }
    return 0;
}
