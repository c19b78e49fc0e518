/* What BATCH_MATMUL's int8 and 16x8 kernels (batch_matmul.c, batch_matmul16.c) share: the check
 * of the parameter block against the operands for a given element width, and the walk over the
 * broadcast batch and the output matrix; each kernel supplies the dot product and output stage.
 * Header-only, kernel-private. */
#ifndef MICA_BATCH_MATMUL_IMPL_H
#define MICA_BATCH_MATMUL_IMPL_H
#include "mica_kernel_util.h"

/* Operand k's elements (of `width` bytes, len bytes in all) reached by the batch, row/col and
 * depth strides lie inside it. */
static inline int mica_bmm_operand_fits(const mica_batch_matmul_params_t *p, int k, uint32_t len,
                                        int32_t width) {
    int32_t dims[MICA_MAX_RANK], strides[MICA_MAX_RANK];
    int32_t r = p->batch_rank;
    for (int32_t d = 0; d < r; d++) {
        dims[d] = p->batch_dims[d];
        strides[d] = p->batch_strides[k][d];
    }
    dims[r] = k == 0 ? p->rows : p->cols;
    strides[r] = k == 0 ? p->lhs_row_stride : p->rhs_col_stride;
    dims[r + 1] = p->depth;
    strides[r + 1] = k == 0 ? p->lhs_depth_stride : p->rhs_depth_stride;
    return len % (uint32_t)width == 0 && mica_strided_fits(0, dims, strides, r + 2, len / width);
}

/* The block's shapes fit the operands (ops[0], ops[1]: lhs and rhs, from the operands or the
 * block's constants) and the output, `width` bytes per element; zero points, shift and clamp
 * are the kernel's to check. */
static inline int mica_bmm_fits(const mica_kernel_call_t *c, const mica_batch_matmul_params_t *p,
                                const int8_t **ops, int32_t width) {
    if (c->params_size < sizeof *p || c->noutputs != 1 || p->batch_rank < 0 ||
        p->batch_rank > MICA_MAX_RANK - 2)
        return 0;
    int next = 0;
    for (int k = 0; k < 2; k++) {
        uint32_t len = 0;
        ops[k] = mica_operand_or_const(c, sizeof *p, p->const_off[k], p->const_len[k], &next, &len);
        if (!ops[k] || !mica_bmm_operand_fits(p, k, len, width))
            return 0;
    }
    const int32_t out[] = {p->rows, p->cols};
    int64_t batches = mica_count(p->batch_dims, p->batch_rank), mat = mica_mul_sizes(out, 2);
    if (next != c->ninputs || batches < 1 || mat < 1 || mat * width > (int64_t)c->out_bytes[0])
        return 0;
    uint32_t row = (uint32_t)(mat * width); /* 32-bit division: no libgcc helper on Cortex-M */
    return c->out_bytes[0] % row == 0 && c->out_bytes[0] / row == (uint64_t)batches;
}

/* Output element (i, j) of one batch from lhs row l and rhs column r (element pointers of the
 * batch, strides in elements); writes it at out and returns the output's next element. */
typedef int8_t *(*mica_bmm_cell_fn)(const mica_batch_matmul_params_t *p, const int8_t *l,
                                    const int8_t *r, int8_t *out);

/* Every output element, batch by batch, row by row; ops checked by mica_bmm_fits. */
static inline void mica_bmm_run(const mica_kernel_call_t *c, const mica_batch_matmul_params_t *p,
                                const int8_t **ops, int32_t width, mica_bmm_cell_fn cell) {
    int32_t idx[MICA_MAX_RANK] = {0};
    const int32_t *strides[2] = {p->batch_strides[0], p->batch_strides[1]};
    int64_t off[2] = {0, 0}, batches = mica_count(p->batch_dims, p->batch_rank);
    int8_t *out = c->out[0];
    for (int64_t b = 0; b < batches; b++) {
        for (int32_t i = 0; i < p->rows; i++)
            for (int32_t j = 0; j < p->cols; j++)
                out = cell(p, ops[0] + width * (off[0] + (int64_t)i * p->lhs_row_stride),
                           ops[1] + width * (off[1] + (int64_t)j * p->rhs_col_stride), out);
        mica_nd_next(p->batch_rank, p->batch_dims, idx, 2, strides, off);
    }
}

#endif
