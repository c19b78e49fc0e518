/* SVDF on the CPU, TFLite's full-integer path (svdf.cc Prepare, reference EvalIntegerSVDF): int8
 * input and output, int8 weights_feature, int16 weights_time, int32 bias (optional), and the int16
 * activation state, a variable tensor the step reads and writes back (lower.c makes it one). */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"

enum { SVDF_RANK, SVDF_ACTIVATION };

static int const_of(const tfl_tensor_t *t, int type, int rank, int32_t d0, int32_t d1) {
    if (!t || !t->data || t->type != type || t->rank != rank || t->dims[0] != d0 ||
        (rank == 2 && t->dims[1] != d1) || t->is_sparse)
        return 0;
    size_t size = type == TFL_TYPE_INT8 ? 1 : type == TFL_TYPE_INT16 ? 2 : 4;
    return t->data_size >= size * (size_t)mica_tensor_elements(t);
}

static int symmetric(const tfl_tensor_t *t) {
    return t->nquant == 1 && t->zero_point[0] == 0 && mica_scale_ok(t->scale[0]);
}

/* The tensors' types, shapes and quantization, as TFLite's Prepare checks them (and the
 * symmetric weights and state the integer kernel assumes). */
static int check(const tfl_model_t *m, const tfl_op_t *op, mica_svdf_params_t *p, char *err,
                 size_t errlen) {
    const tfl_tensor_t *x = mica_op_tensor(m, op, 0), *wf = mica_op_tensor(m, op, 1);
    const tfl_tensor_t *wt = mica_op_tensor(m, op, 2), *bias = mica_op_tensor(m, op, 3);
    const tfl_tensor_t *st = mica_op_tensor(m, op, 4), *y = mica_op_output(m, op, 0);
    if (op->ninputs != 5 || op->noutputs != 1 || !x || !wf || !wt || !st || !y)
        REJECT("SVDF: needs input, weights_feature, weights_time, bias (may be absent), state and "
               "one output");
    if (!mica_is_int8_q(x) || !mica_is_int8_q(y) || x->rank != 2)
        REJECT("SVDF: input and output must be int8 with one scale, input [batch, n_input] (the "
               "float and hybrid SVDF are not supported)");
    p->rank = (int32_t)tfl_opt_int(op, SVDF_RANK, 0);
    p->batch = x->dims[0];
    p->n_input = x->dims[1];
    p->n_filter = wf->rank == 2 ? wf->dims[0] : 0;
    p->memory = wt->rank == 2 ? wt->dims[1] : 0;
    if (p->rank < 1 || p->n_filter < 1 || p->n_filter % p->rank || p->memory < 1)
        REJECT("SVDF: rank %d must be >= 1 and divide the %d filters", p->rank, p->n_filter);
    int32_t units = p->n_filter / p->rank;
    if (!const_of(wf, TFL_TYPE_INT8, 2, p->n_filter, p->n_input) || !symmetric(wf))
        REJECT("SVDF: weights_feature must be a constant symmetric int8 [%d, %d] tensor",
               p->n_filter, p->n_input);
    if (!const_of(wt, TFL_TYPE_INT16, 2, p->n_filter, p->memory) || !symmetric(wt))
        REJECT("SVDF: weights_time must be a constant symmetric int16 [%d, memory] tensor",
               p->n_filter);
    if (bias && !const_of(bias, TFL_TYPE_INT32, 1, units, 0))
        REJECT("SVDF: bias must be absent or a constant int32 [%d] tensor", units);
    if (!st->is_variable || st->data || !mica_is_int16_q(st) || !symmetric(st) || st->rank != 2 ||
        st->dims[0] != p->batch || (int64_t)st->dims[1] != (int64_t)p->memory * p->n_filter)
        REJECT("SVDF: state must be a variable int16 [%d, %lld] tensor with zero point 0", p->batch,
               (long long)p->memory * p->n_filter);
    if (y->rank != 2 || y->dims[0] != p->batch || y->dims[1] != units)
        REJECT("SVDF: output must be [%d, %d]", p->batch, units);
    int64_t act = tfl_opt_int(op, SVDF_ACTIVATION, 0);
    if (act != TFL_ACT_NONE && act != TFL_ACT_RELU)
        REJECT("SVDF: fused activation %lld; the integer SVDF takes NONE or RELU (and, as "
               "TFLite's, applies neither)",
               (long long)act);
    return 0;
}

/* TFLite computes both effective scales in float, then QuantizeMultiplier in double. */
static int scales(const tfl_model_t *m, const tfl_op_t *op, mica_svdf_params_t *p, char *err,
                  size_t errlen) {
    const tfl_tensor_t *x = mica_op_tensor(m, op, 0), *wf = mica_op_tensor(m, op, 1);
    const tfl_tensor_t *wt = mica_op_tensor(m, op, 2), *st = mica_op_tensor(m, op, 4);
    const tfl_tensor_t *y = mica_op_output(m, op, 0);
    float s1 = x->scale[0] * wf->scale[0];
    s1 = s1 / st->scale[0];
    float s2 = st->scale[0] * wt->scale[0];
    s2 = s2 / y->scale[0];
    int sh1, sh2;
    if (mica_checked_multiplier((double)s1, "SVDF", x, wf, 0, st, &p->mult1, &sh1, err, errlen) ||
        mica_checked_multiplier((double)s2, "SVDF", st, wt, 0, y, &p->mult2, &sh2, err, errlen))
        return -1;
    p->shift1 = sh1;
    p->shift2 = sh2;
    p->in_zp = (int32_t)x->zero_point[0];
    p->out_zp = (int32_t)y->zero_point[0];
    return 0;
}

int mica_prepare_svdf(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    mica_svdf_params_t p;
    memset(&p, 0, sizeof p);
    if (check(m, op, &p, err, errlen) || scales(m, op, &p, err, errlen))
        return -1;
    const tfl_tensor_t *wf = mica_op_tensor(m, op, 1), *wt = mica_op_tensor(m, op, 2);
    const tfl_tensor_t *bias = mica_op_tensor(m, op, 3);
    size_t units = (size_t)(p.n_filter / p.rank);
    int rc = mica_buf_append(params, &p, sizeof p);
    for (size_t u = 0; u < units && !rc; u++) {
        int32_t zero = 0;
        rc = mica_buf_append(params, bias ? bias->data + 4 * u : (const uint8_t *)&zero, 4);
    }
    rc = rc || mica_buf_append(params, wf->data, (size_t)mica_tensor_elements(wf)) ||
         mica_buf_append(params, wt->data, 2 * (size_t)mica_tensor_elements(wt));
    if (rc)
        REJECT("out of memory");
    return 0;
}
