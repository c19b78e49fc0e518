/* BATCH_MATMUL int8 on the CPU (driver/core/kernels/batch_matmul.c): lhs and rhs of rank 2..5,
 * either one may be a constant; batch dims broadcast; adj_x / adj_y become strides. Multiplier as
 * TFLite's batch_matmul.cc: QuantizeMultiplier(scale(lhs) * scale(rhs) / scale(out)), no fused
 * activation (the int8 range). The 16x8 path (driver/core/kernels/batch_matmul16.c): int16 lhs,
 * rhs and output with zero point 0, the same block, a constant operand in int16 elements. */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

/* Batch strides of operand t (rank r, its last two dims the matrix) against the output's batch
 * dims; -1 when its batch dims do not broadcast to them. */
static int batch_strides(const tfl_tensor_t *t, const mica_batch_matmul_params_t *p,
                         int32_t *strides) {
    int tb = t->rank - 2;
    int64_t s = (int64_t)t->dims[t->rank - 2] * t->dims[t->rank - 1];
    for (int d = p->batch_rank - 1; d >= 0; d--) {
        int td = d - (p->batch_rank - tb);
        int32_t dim = td >= 0 ? t->dims[td] : 1;
        if (dim != p->batch_dims[d] && dim != 1)
            return -1;
        strides[d] = dim == 1 ? 0 : (int32_t)s;
        s *= dim;
    }
    return 0;
}

static int bmm_layout(const tfl_op_t *op, const tfl_tensor_t *l, const tfl_tensor_t *r,
                      const tfl_tensor_t *out, mica_batch_matmul_params_t *p, char *err,
                      size_t errlen) {
    int adj_x = tfl_opt_int(op, TFL_BMM_ADJ_X, 0) != 0,
        adj_y = tfl_opt_int(op, TFL_BMM_ADJ_Y, 0) != 0;
    if (l->rank < 2 || r->rank < 2 || l->rank > 5 || r->rank > 5 || out->rank < 2 ||
        out->rank > MICA_MAX_RANK)
        REJECT("BATCH_MATMUL: ranks %d x %d -> %d; 2..5 supported", l->rank, r->rank, out->rank);
    int32_t lr = l->dims[l->rank - 2], lc = l->dims[l->rank - 1];
    int32_t rr = r->dims[r->rank - 2], rc = r->dims[r->rank - 1];
    p->rows = adj_x ? lc : lr;
    p->depth = adj_x ? lr : lc;
    p->cols = adj_y ? rr : rc;
    if ((adj_y ? rc : rr) != p->depth || out->dims[out->rank - 2] != p->rows ||
        out->dims[out->rank - 1] != p->cols)
        REJECT("BATCH_MATMUL: [%d x %d] x [%d x %d] (adj_x %d, adj_y %d) does not give the "
               "output's [%d x %d]",
               lr, lc, rr, rc, adj_x, adj_y, out->dims[out->rank - 2], out->dims[out->rank - 1]);
    p->lhs_row_stride = adj_x ? 1 : lc;
    p->lhs_depth_stride = adj_x ? lc : 1;
    p->rhs_depth_stride = adj_y ? 1 : rc;
    p->rhs_col_stride = adj_y ? rc : 1;
    p->batch_rank = out->rank - 2;
    for (int d = 0; d < p->batch_rank; d++)
        p->batch_dims[d] = out->dims[d];
    if (batch_strides(l, p, p->batch_strides[0]) || batch_strides(r, p, p->batch_strides[1]))
        REJECT("BATCH_MATMUL: the batch dimensions do not broadcast to the output's");
    return 0;
}

/* The multiplier scale(lhs) * scale(rhs) / scale(out), the zero points and the clamp (the int8
 * or, wide, the int16 range: TFLite fuses no activation here). */
static int bmm_quant(const tfl_tensor_t *l, const tfl_tensor_t *r, const tfl_tensor_t *out,
                     int wide, mica_batch_matmul_params_t *p, char *err, size_t errlen) {
    int shift;
    double real = (double)l->scale[0] * (double)r->scale[0] / (double)out->scale[0];
    if (mica_checked_multiplier(real, "BATCH_MATMUL", l, r, 0, out, &p->out_mult, &shift, err,
                                errlen))
        return -1;
    if (wide && shift > 7)
        REJECT("BATCH_MATMUL: multiplier %g is 2^%d or more; TFLite's int16 requantization takes "
               "shifts up to 7",
               real, shift);
    p->out_shift = shift;
    p->lhs_zp = (int32_t)l->zero_point[0];
    p->rhs_zp = (int32_t)r->zero_point[0];
    p->out_zp = (int32_t)out->zero_point[0];
    p->act_min = wide ? -32768 : -128;
    p->act_max = wide ? 32767 : 127;
    return 0;
}

int mica_bmm_layout(const tfl_model_t *m, const tfl_op_t *op, mica_batch_matmul_params_t *p,
                    char *err, size_t errlen) {
    const tfl_tensor_t *l = mica_op_tensor(m, op, 0), *r = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(l) || !mica_is_int8_q(r) || !mica_is_int8_q(out))
        REJECT("BATCH_MATMUL: lhs, rhs and output must be int8 with one scale each, or all int16 "
               "(hybrid float is not supported)");
    memset(p, 0, sizeof *p);
    if (bmm_layout(op, l, r, out, p, err, errlen))
        return -1;
    return bmm_quant(l, r, out, 0, p, err, errlen);
}

/* The 16x8 path (TFLite's int16 BATCH_MATMUL): lhs, rhs and output int16 with zero point 0. */
static int bmm16_layout(const tfl_model_t *m, const tfl_op_t *op, mica_batch_matmul_params_t *p,
                        char *err, size_t errlen) {
    const tfl_tensor_t *t[3] = {mica_op_tensor(m, op, 0), mica_op_tensor(m, op, 1),
                                mica_op_output(m, op, 0)};
    for (int k = 0; k < 3; k++)
        if (!mica_is_int16_q(t[k]) || t[k]->zero_point[0] != 0)
            REJECT("BATCH_MATMUL: int16 lhs, rhs and output need one scale and zero point 0 "
                   "(TFLite's int16 path)");
    memset(p, 0, sizeof *p);
    if (bmm_layout(op, t[0], t[1], t[2], p, err, errlen))
        return -1;
    return bmm_quant(t[0], t[1], t[2], 1, p, err, errlen);
}

int mica_prepare_batch_matmul(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                              char *err, size_t errlen) {
    const tfl_tensor_t *l = mica_op_tensor(m, op, 0), *r = mica_op_tensor(m, op, 1);
    if (l && r && l->data && r->data)
        REJECT("BATCH_MATMUL: both operands are constant");
    int wide = l && l->type == TFL_TYPE_INT16;
    mica_batch_matmul_params_t p;
    if (wide ? bmm16_layout(m, op, &p, err, errlen) : mica_bmm_layout(m, op, &p, err, errlen))
        return -1;
    size_t start = params->len;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    const tfl_tensor_t *in[2] = {l, r};
    for (int k = 0; k < 2; k++)
        if (in[k]->data &&
            (wide ? mica_append_const16(params, start, in[k], &p.const_off[k], &p.const_len[k])
                  : mica_append_const(params, start, in[k], &p.const_off[k], &p.const_len[k])))
            REJECT("BATCH_MATMUL: constant operand %d is empty or truncated", k);
    memcpy(params->data + start, &p, sizeof p); /* now with the constant's place */
    return 0;
}
