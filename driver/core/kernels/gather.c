/* STRIDED_SLICE, SLICE and TRANSPOSE int8: a strided gather out[i] = in[offset + sum i_d * s_d];
 * the compiler resolves TFLite's begin/end/stride masks or the permutation into offset/strides. */
#include "mica_kernel_util.h"

int mica_k_gather(const mica_kernel_call_t *c) {
    const mica_gather_params_t *p = c->params;
    if (c->params_size != sizeof *p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    int64_t n = mica_count(p->dims, p->rank);
    if (n != (int64_t)c->out_bytes[0] || n < 1 ||
        !mica_strided_fits(p->offset, p->dims, p->strides, p->rank, c->in_bytes[0]))
        return -1;
    int32_t idx[MICA_MAX_RANK] = {0};
    int64_t off = p->offset;
    const int32_t *const strides[1] = {p->strides};
    for (int64_t i = 0; i < n; i++) {
        c->out[0][i] = c->in[0][off];
        mica_nd_next(p->rank, p->dims, idx, 1, strides, &off);
    }
    return 0;
}
