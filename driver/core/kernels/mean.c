/* MEAN int8: sum of the raw inputs over the reduced dimensions, then a monotone map to int8 given
 * as 255 thresholds (see mica_mean_params_t): exact for TFLite's three int8 mean paths. */
#include "mica_kernel_util.h"

/* 1 when both index sets together stay inside [0, limit). */
static int mean_fits(const mica_mean_params_t *p, uint32_t limit) {
    int64_t hi = 0;
    for (int s = 0; s < 2; s++) {
        const int32_t *dims = s ? p->red_dims : p->out_dims,
                      *strides = s ? p->red_strides : p->out_strides;
        int32_t rank = s ? p->red_rank : p->out_rank;
        for (int32_t d = 0; d < rank; d++) {
            if (strides[d] < 0)
                return 0;
            hi += (int64_t)(dims[d] - 1) * strides[d];
            if (hi >= (int64_t)limit)
                return 0;
        }
    }
    return 1;
}

static int8_t mean_map(const int32_t *threshold, int32_t sum) {
    int lo = 0, hi = 255; /* thresholds are non-decreasing: count those <= sum */
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (threshold[mid] <= sum)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (int8_t)(lo - 128);
}

int mica_k_mean(const mica_kernel_call_t *c) {
    const mica_mean_params_t *p = c->params;
    if (c->params_size != sizeof *p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    int64_t nout = mica_count(p->out_dims, p->out_rank),
            nred = mica_count(p->red_dims, p->red_rank);
    if (nout != (int64_t)c->out_bytes[0] || nred < 1 || nred > (1 << 23) ||
        nout * nred != (int64_t)c->in_bytes[0] || !mean_fits(p, c->in_bytes[0]))
        return -1;
    int32_t oidx[MICA_MAX_RANK] = {0};
    int64_t base = 0;
    const int32_t *const ostr[1] = {p->out_strides}, *const rstr[1] = {p->red_strides};
    for (int64_t o = 0; o < nout; o++) {
        int32_t ridx[MICA_MAX_RANK] = {0}, sum = 0;
        int64_t off = base;
        for (int64_t r = 0; r < nred; r++) {
            sum += c->in[0][off];
            mica_nd_next(p->red_rank, p->red_dims, ridx, 1, rstr, &off);
        }
        c->out[0][o] = mean_map(p->threshold, sum);
        mica_nd_next(p->out_rank, p->out_dims, oidx, 1, ostr, &base);
    }
    return 0;
}
