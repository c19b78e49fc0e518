/* BATCH_MATMUL int8, bit-exact with TFLite reference_ops::BatchMatMul (int8 in, int32 sums):
 * out[b][i][j] = clamp(out_zp + MultiplyByQuantizedMultiplier(sum_k (lhs[b][i][k] - lhs_zp) *
 * (rhs[b][k][j] - rhs_zp))), batch dims broadcast (stride 0), adj_x / adj_y as strides (the
 * walk and the operand checks: batch_matmul_impl.h, shared with the 16x8 kernel). */
#include "batch_matmul_impl.h"
#include "mica_fixedpoint.h"

static int8_t *bmm8_cell(const mica_batch_matmul_params_t *p, const int8_t *l, const int8_t *r,
                         int8_t *out) {
    uint32_t acc = 0; /* int32 sums, wrapping as TFLite's would */
    for (int32_t k = 0; k < p->depth; k++)
        acc += (uint32_t)(((int32_t)l[(int64_t)k * p->lhs_depth_stride] - p->lhs_zp) *
                          ((int32_t)r[(int64_t)k * p->rhs_depth_stride] - p->rhs_zp));
    *out = mica_requantize((int32_t)acc, 0, p->out_mult, 0, p->out_shift, MICA_ROUND_DOUBLE,
                           p->out_zp, p->act_min, p->act_max);
    return out + 1;
}

int mica_k_batch_matmul(const mica_kernel_call_t *c) {
    const mica_batch_matmul_params_t *p = c->params;
    const int8_t *ops[2];
    if (!mica_bmm_fits(c, p, ops, 1) || !mica_zp_ok(p->lhs_zp) || !mica_zp_ok(p->rhs_zp) ||
        !mica_zp_ok(p->out_zp) || !mica_shift_ok(p->out_shift) ||
        !mica_act_ok(p->act_min, p->act_max))
        return -1;
    mica_bmm_run(c, p, ops, 1, bmm8_cell);
    return 0;
}
