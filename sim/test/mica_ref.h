/* Straightforward C model of the documented pseudo-code (hw/mica.json, ARCHITECTURE.md s. 7)
 * for the test and nothing else: one MATMUL into an int32 ACC image and the STORE requant. */
#ifndef MICA_REF_H
#define MICA_REF_H

#include <stdint.h>

static int32_t ref_srdhm(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    int64_t ab = (int64_t)a * b;
    int64_t nudge = ab >= 0 ? (1ll << 30) : 1 - (1ll << 30);
    return (int32_t)((ab + nudge) / (1ll << 31)); /* C division truncates toward zero */
}

static int32_t ref_rdbpot(int32_t x, int e) {
    int32_t mask = (int32_t)((1ll << e) - 1);
    int32_t rem = x & mask, thr = (mask >> 1) + (x < 0);
    return (x >> e) + (rem > thr);
}

/* STORE's per-element requantization; round 0 = double rounding, 1 = single rounding. */
static int8_t ref_requant(int32_t acc, int32_t bias, int32_t mult, int32_t shift, int round,
                          int z_out, int act_min, int act_max) {
    int32_t x = (int32_t)((uint32_t)acc + (uint32_t)bias);
    int32_t y;
    if (round == 0) {
        int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
        int32_t xs = (int32_t)((uint32_t)x << left); /* int32 wrap, as TFLite */
        y = ref_rdbpot(ref_srdhm(xs, mult), right);
    } else {
        int t = 31 - shift;
        y = (int32_t)(((int64_t)x * mult + (1ll << (t - 1))) >> t);
    }
    int64_t v = (int64_t)y + z_out;
    if (v < act_min) v = act_min;
    if (v > act_max) v = act_max;
    return (int8_t)v;
}

/* MATMUL on host arrays: act[pixel][ROWS] (pixel = y*in_w + x of the tile), w[ROWS][COLS],
 * acc[m][COLS]. */
typedef struct {
    int accumulate, z_in, in_h, in_w, out_h, out_w, stride_y, stride_x, off_y, off_x;
} ref_matmul_t;

static void ref_matmul(const ref_matmul_t *p, unsigned rows, unsigned cols, const int8_t *act,
                       const int8_t *w, int32_t *acc) {
    for (int oy = 0; oy < p->out_h; oy++)
        for (int ox = 0; ox < p->out_w; ox++) {
            int m = oy * p->out_w + ox;
            int iy = oy * p->stride_y + p->off_y, ix = ox * p->stride_x + p->off_x;
            int inside = iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w;
            for (unsigned c = 0; c < cols; c++) {
                uint32_t sum = p->accumulate ? (uint32_t)acc[m * cols + c] : 0;
                for (unsigned r = 0; r < rows && inside; r++) {
                    int a = act[(iy * p->in_w + ix) * rows + r] - p->z_in;
                    sum += (uint32_t)(a * w[r * cols + c]);
                }
                acc[m * cols + c] = (int32_t)sum;
            }
        }
}

#endif
