/* MEAN / SUM: the sum of the raw inputs over the reduced dimensions per output element, then
 * int8: a monotone map to int8 given as 255 thresholds (see mica_mean_params_t), exact for
 * TFLite's three int8 mean paths; int16 (MEAN16, SUM16): QuantizedMeanOrSum's rescale of the sum
 * (mica_mean16_params_t). One walk for both: an element is `width` bytes. */
#include "mica_int16_util.h"

/* The kept and the reduced dimensions with their input strides (elements). */
typedef struct {
    int32_t rank[2], dims[2][MICA_MAX_RANK], strides[2][MICA_MAX_RANK];
} mean_walk_t;

/* The head both parameter blocks start with. */
typedef struct {
    int32_t out_rank, red_rank;
    int32_t out_dims[MICA_MAX_RANK], out_strides[MICA_MAX_RANK];
    int32_t red_dims[MICA_MAX_RANK], red_strides[MICA_MAX_RANK];
} mean_head_t;

static void walk_from(mean_walk_t *w, const void *block) {
    mean_head_t h;
    mica_copy_params(&h, block, sizeof h);
    w->rank[0] = h.out_rank;
    w->rank[1] = h.red_rank;
    for (int32_t d = 0; d < MICA_MAX_RANK; d++) {
        w->dims[0][d] = h.out_dims[d], w->strides[0][d] = h.out_strides[d];
        w->dims[1][d] = h.red_dims[d], w->strides[1][d] = h.red_strides[d];
    }
}

/* 1 when both index sets together stay inside [0, limit). */
static int mean_fits(const mean_walk_t *w, uint32_t limit) {
    int64_t hi = 0;
    for (int s = 0; s < 2; s++)
        for (int32_t d = 0; d < w->rank[s]; d++) {
            if (w->strides[s][d] < 0)
                return 0;
            hi += (int64_t)(w->dims[s][d] - 1) * w->strides[s][d];
            if (hi >= (int64_t)limit)
                return 0;
        }
    return 1;
}

static int32_t mean_map(const mica_mean_params_t *p, int32_t sum) {
    int lo = 0, hi = 255; /* thresholds are non-decreasing: count those <= sum */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (p->threshold[mid] <= sum)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo - 128;
}

static int32_t mean16_value(const mica_mean16_params_t *p, int32_t sum) {
    int32_t v = (int32_t)((uint32_t)sum - (uint32_t)p->in_zp * (uint32_t)p->n);
    v = (int32_t)((uint32_t)mica_mul_double_round(v, p->mult, p->shift) + (uint32_t)p->out_zp);
    return mica_clamp32(v, -32768, 32767);
}

/* Sums per output element (nred of them each: 1..max_red, or exactly `exact` when > 0), mapped by
 * the block p of width. */
static int mean_run(const mica_kernel_call_t *c, const void *p, int32_t width, int64_t max_red,
                    int64_t exact) {
    mean_walk_t w;
    walk_from(&w, p);
    int64_t nout = mica_count(w.dims[0], w.rank[0]), nred = mica_count(w.dims[1], w.rank[1]);
    if (c->ninputs != 1 || c->noutputs != 1 || nout * width != (int64_t)c->out_bytes[0] ||
        nred < 1 || nred > max_red || (exact > 0 && nred != exact) ||
        nout * nred * width != (int64_t)c->in_bytes[0] ||
        !mean_fits(&w, c->in_bytes[0] / (uint32_t)width))
        return -1;
    int32_t oidx[MICA_MAX_RANK] = {0};
    int64_t base = 0;
    const int32_t *const ostr[1] = {w.strides[0]}, *const rstr[1] = {w.strides[1]};
    for (int64_t o = 0; o < nout; o++) {
        int32_t ridx[MICA_MAX_RANK] = {0}, sum = 0; /* |sum| < 2^31: max_red */
        int64_t off = base;
        for (int64_t r = 0; r < nred; r++) {
            sum += mica_load_q(c->in[0], width, (uint32_t)off);
            mica_nd_next(w.rank[1], w.dims[1], ridx, 1, rstr, &off);
        }
        if (width == 1)
            c->out[0][o] = (int8_t)mean_map(p, sum);
        else
            mica_store_i16(c->out[0] + 2 * o, mean16_value(p, sum));
        mica_nd_next(w.rank[0], w.dims[0], oidx, 1, ostr, &base);
    }
    return 0;
}

int mica_k_mean(const mica_kernel_call_t *c) {
    const mica_mean_params_t *p = c->params;
    if (c->params_size != sizeof *p)
        return -1;
    return mean_run(c, p, 1, 1 << 23, 0);
}

int mica_k_mean16(const mica_kernel_call_t *c) {
    const mica_mean16_params_t *p = c->params;
    if (c->params_size != sizeof *p || p->n < 1 || p->n > 65535 || p->in_zp < -32768 ||
        p->in_zp > 32767 || p->out_zp < -32768 || p->out_zp > 32767 || !mica_shift_ok(p->shift))
        return -1;
    return mean_run(c, p, 2, 65535, p->n);
}
