/* BATCH_MATMUL int8, bit-exact with TFLite reference_ops::BatchMatMul (int8 in, int32 sums):
 * out[b][i][j] = clamp(out_zp + MultiplyByQuantizedMultiplier(sum_k (lhs[b][i][k] - lhs_zp) *
 * (rhs[b][k][j] - rhs_zp))), batch dims broadcast (stride 0), adj_x / adj_y as strides. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"

/* Operand k's elements reached by the batch, row/col and depth strides lie inside it. */
static int operand_fits(const mica_batch_matmul_params_t *p, int k, uint32_t len) {
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
    return mica_strided_fits(0, dims, strides, r + 2, len);
}

static int batch_matmul_fits(const mica_kernel_call_t *c, const mica_batch_matmul_params_t *p,
                             const int8_t **ops) {
    if (c->params_size < sizeof *p || c->noutputs != 1 || p->batch_rank < 0 ||
        p->batch_rank > MICA_MAX_RANK - 2 || !mica_zp_ok(p->lhs_zp) || !mica_zp_ok(p->rhs_zp) ||
        !mica_zp_ok(p->out_zp) || !mica_shift_ok(p->out_shift) ||
        !mica_act_ok(p->act_min, p->act_max))
        return 0;
    int next = 0;
    for (int k = 0; k < 2; k++) {
        uint32_t len = 0;
        ops[k] = mica_operand_or_const(c, sizeof *p, p->const_off[k], p->const_len[k], &next, &len);
        if (!ops[k] || !operand_fits(p, k, len))
            return 0;
    }
    const int32_t out[] = {p->rows, p->cols};
    int64_t batches = mica_count(p->batch_dims, p->batch_rank), mat = mica_mul_sizes(out, 2);
    return next == c->ninputs && batches > 0 && mat > 0 &&
           batches * mat == (int64_t)c->out_bytes[0];
}

int mica_k_batch_matmul(const mica_kernel_call_t *c) {
    const mica_batch_matmul_params_t *p = c->params;
    const int8_t *ops[2];
    if (!batch_matmul_fits(c, p, ops))
        return -1;
    int32_t idx[MICA_MAX_RANK] = {0};
    const int32_t *strides[2] = {p->batch_strides[0], p->batch_strides[1]};
    int64_t off[2] = {0, 0}, batches = mica_count(p->batch_dims, p->batch_rank);
    int8_t *out = c->out[0];
    for (int64_t b = 0; b < batches; b++) {
        for (int32_t i = 0; i < p->rows; i++)
            for (int32_t j = 0; j < p->cols; j++) {
                const int8_t *l = ops[0] + off[0] + (int64_t)i * p->lhs_row_stride,
                             *r = ops[1] + off[1] + (int64_t)j * p->rhs_col_stride;
                uint32_t acc = 0; /* int32 sums, wrapping as TFLite's would */
                for (int32_t k = 0; k < p->depth; k++)
                    acc += (uint32_t)(((int32_t)l[(int64_t)k * p->lhs_depth_stride] - p->lhs_zp) *
                                      ((int32_t)r[(int64_t)k * p->rhs_depth_stride] - p->rhs_zp));
                *out++ = mica_requantize((int32_t)acc, 0, p->out_mult, 0, p->out_shift,
                                         MICA_ROUND_DOUBLE, p->out_zp, p->act_min, p->act_max);
            }
        mica_nd_next(p->batch_rank, p->batch_dims, idx, 2, strides, off);
    }
    return 0;
}
