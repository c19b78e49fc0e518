/* BATCH_MATMUL 16x8 path (int16 lhs, rhs and output), bit-exact with TFLite's
 * reference_ops::BatchMatMul<int16_t, int64_t>: zero points 0 (TFLite's Prepare requires them),
 * a 64-bit sum of products, then the int64 MultiplyByQuantizedMultiplier (mica_mul_q64: the
 * multiplier rounded to 16 bits), clamped to int16. Walk and operand checks shared with the int8
 * kernel (batch_matmul_impl.h). */
#include "batch_matmul_impl.h"
#include "mica_int16_util.h"

static int8_t *bmm16_cell(const mica_batch_matmul_params_t *p, const int8_t *l, const int8_t *r,
                          int8_t *out) {
    int64_t acc = 0; /* |product| <= 2^30: no overflow for any depth an operand can hold */
    for (int32_t k = 0; k < p->depth; k++)
        acc += (int64_t)mica_load_i16(l + 2 * (int64_t)k * p->lhs_depth_stride) *
               mica_load_i16(r + 2 * (int64_t)k * p->rhs_depth_stride);
    int32_t y = mica_mul_q64(acc, p->out_mult, p->out_shift);
    mica_store_i16(out, mica_clamp32(y, p->act_min, p->act_max));
    return out + 2;
}

int mica_k_batch_matmul16(const mica_kernel_call_t *c) {
    const mica_batch_matmul_params_t *p = c->params;
    const int8_t *ops[2];
    if (!mica_bmm_fits(c, p, ops, 2) || p->lhs_zp != 0 || p->rhs_zp != 0 || p->out_zp != 0 ||
        p->out_mult < 0 || p->out_shift < -31 || p->out_shift > 7 || p->act_min < -32768 ||
        p->act_min > p->act_max || p->act_max > 32767)
        return -1;
    mica_bmm_run(c, p, ops, 2, bmm16_cell);
    return 0;
}
