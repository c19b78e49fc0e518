/* A gather through per-dimension index tables (MIRROR_PAD): each output coordinate picks its
 * input coordinate from its dimension's table; every table entry is checked against the input's
 * size before the walk, so a corrupted program cannot read outside the operand. */
#include "mica_kernel_util.h"

int mica_k_remap(const mica_kernel_call_t *c) {
    mica_remap_params_t p;
    if (c->params_size < sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    int64_t n = mica_count(p.dims, p.rank), nin = mica_count(p.in_dims, p.rank), entries = 0;
    if (n < 1 || n != (int64_t)c->out_bytes[0] || nin != (int64_t)c->in_bytes[0])
        return -1;
    for (int32_t d = 0; d < p.rank; d++) {
        entries += p.dims[d];
        if (p.strides[d] != (d + 1 < p.rank ? mica_count(p.in_dims + d + 1, p.rank - d - 1) : 1))
            return -1; /* row-major strides of in_dims, so index < in_dims[d] keeps it inside */
    }
    if ((uint64_t)c->params_size != sizeof p + 4ull * (uint64_t)entries)
        return -1;
    const uint8_t *tables = (const uint8_t *)c->params + sizeof p;
    int32_t first[MICA_MAX_RANK];
    for (int32_t d = 0, at = 0; d < p.rank; at += p.dims[d++]) {
        first[d] = at;
        for (int32_t i = 0; i < p.dims[d]; i++) {
            int32_t v;
            mica_copy_params(&v, tables + 4 * (at + i), 4);
            if (v < 0 || v >= p.in_dims[d])
                return -1;
        }
    }
    int32_t idx[MICA_MAX_RANK] = {0};
    for (int64_t o = 0; o < n; o++) {
        int64_t off = 0;
        for (int32_t d = 0; d < p.rank; d++) {
            int32_t v;
            mica_copy_params(&v, tables + 4 * (first[d] + idx[d]), 4);
            off += (int64_t)v * p.strides[d];
        }
        c->out[0][o] = c->in[0][off];
        for (int32_t d = p.rank - 1; d >= 0 && ++idx[d] == p.dims[d]; d--)
            idx[d] = 0;
    }
    return 0;
}
