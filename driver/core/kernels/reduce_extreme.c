/* REDUCE_MAX / REDUCE_MIN int8: TFLite compares raw int8 values (its int8 max and min keep the
 * input's quantization), so the extreme over the reduced dims is the output byte. */
#include "mica_kernel_util.h"

int mica_k_reduce_extreme(const mica_kernel_call_t *c) {
    mica_reduce_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    int64_t nout = mica_count(p.out_dims, p.out_rank), nred = mica_count(p.red_dims, p.red_rank);
    /* mica_count keeps both below 2^32, so their unsigned product is exact (no division: the
     * kernels need no libgcc helper on an M4) */
    if (nout < 1 || nout != (int64_t)c->out_bytes[0] || nred < 1 ||
        (uint64_t)nout * (uint64_t)nred != (uint64_t)c->in_bytes[0])
        return -1;
    int64_t last = 0; /* the largest offset both walks together reach */
    for (int s = 0; s < 2; s++) {
        const int32_t *dims = s ? p.red_dims : p.out_dims, *st = s ? p.red_strides : p.out_strides;
        for (int32_t d = 0; d < (s ? p.red_rank : p.out_rank); d++) {
            if (st[d] < 0)
                return -1;
            last += (int64_t)(dims[d] - 1) * st[d];
        }
    }
    if (last >= (int64_t)c->in_bytes[0])
        return -1;
    int32_t oidx[MICA_MAX_RANK] = {0};
    int64_t base = 0;
    const int32_t *const ostr[1] = {p.out_strides}, *const rstr[1] = {p.red_strides};
    for (int64_t o = 0; o < nout; o++) {
        int32_t ridx[MICA_MAX_RANK] = {0};
        int64_t off = base;
        int8_t best = c->in[0][off];
        for (int64_t r = 0; r < nred; r++) {
            int8_t v = c->in[0][off];
            best = p.want_min ? (v < best ? v : best) : (v > best ? v : best);
            mica_nd_next(p.red_rank, p.red_dims, ridx, 1, rstr, &off);
        }
        c->out[0][o] = best;
        mica_nd_next(p.out_rank, p.out_dims, oidx, 1, ostr, &base);
    }
    return 0;
}
