/* Pass 0: compile-time evaluation of static shape arithmetic (fold.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cpu_ops/cpu_ops.h"
#include "cpu_ops/cpu_util.h"
#include "fold.h"

#define FOLD_MAX_VALUES 64 /* shape vectors are short; anything longer is not shape arithmetic */

struct mica_folded {
    tfl_model_t model;
    tfl_tensor_t *tensors;
    tfl_op_t *ops;
    int32_t (*values)[FOLD_MAX_VALUES]; /* per tensor: the folded data */
};

typedef struct {
    int32_t v[FOLD_MAX_VALUES];
    int n;
} vec_t;

/* A constant int32 tensor of at most FOLD_MAX_VALUES values (scalar or 1-D). */
static int const_vec(const tfl_tensor_t *t, vec_t *out) {
    if (!t || !t->data || t->type != TFL_TYPE_INT32 || t->rank > 1)
        return 0;
    int64_t n = t->rank ? t->dims[0] : 1;
    if (n < 0 || n > FOLD_MAX_VALUES || t->data_size != (size_t)n * 4)
        return 0;
    memcpy(out->v, t->data, (size_t)n * 4);
    out->n = (int)n;
    return 1;
}

static int fold_shape(const tfl_model_t *m, const tfl_op_t *op, vec_t *out) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0);
    if (!in || op->ninputs != 1 || in->rank > FOLD_MAX_VALUES)
        return 0;
    for (int d = 0; d < in->rank; d++)
        if (in->dims[d] <= 0)
            return 0; /* dynamic: not known before run time */
    memcpy(out->v, in->dims, (size_t)in->rank * 4);
    out->n = in->rank;
    return 1;
}

/* TFLite's StridedSlice on one axis: begin/end clamped as the reference kernel does. */
static int fold_strided_slice(const tfl_model_t *m, const tfl_op_t *op, vec_t *out) {
    vec_t in, b, e, s;
    const tfl_tensor_t *t = mica_op_tensor(m, op, 0);
    if (!const_vec(t, &in) || t->rank != 1 || !const_vec(mica_op_tensor(m, op, 1), &b) ||
        !const_vec(mica_op_tensor(m, op, 2), &e) || !const_vec(mica_op_tensor(m, op, 3), &s) ||
        b.n != 1 || e.n != 1 || s.n != 1 || s.v[0] == 0 ||
        tfl_opt_int(op, TFL_SSLICE_ELLIPSIS_MASK, 0) ||
        tfl_opt_int(op, TFL_SSLICE_NEW_AXIS_MASK, 0) || tfl_opt_int(op, TFL_SSLICE_OFFSET, 0))
        return 0;
    int n = in.n, stride = s.v[0], shrink = tfl_opt_int(op, TFL_SSLICE_SHRINK_AXIS_MASK, 0) & 1;
    int begin = b.v[0], end = e.v[0];
    if (tfl_opt_int(op, TFL_SSLICE_BEGIN_MASK, 0) & 1)
        begin = stride > 0 ? 0 : n - 1;
    else
        begin = begin < 0 ? begin + n : begin;
    if (shrink)
        end = begin + 1, stride = 1;
    else if (tfl_opt_int(op, TFL_SSLICE_END_MASK, 0) & 1)
        end = stride > 0 ? n : -1;
    else
        end = end < 0 ? end + n : end;
    begin = stride > 0 ? (begin < 0   ? 0
                          : begin > n ? n
                                      : begin)
                       : (begin < -1      ? -1
                          : begin > n - 1 ? n - 1
                                          : begin);
    end = stride > 0 ? (end < 0   ? 0
                        : end > n ? n
                                  : end)
                     : (end < -1      ? -1
                        : end > n - 1 ? n - 1
                                      : end);
    out->n = 0;
    for (int i = begin; stride > 0 ? i < end : i > end; i += stride)
        out->v[out->n++] = in.v[i];
    return !shrink || out->n == 1;
}

/* PACK (axis 0) and CONCATENATION (axis 0) of scalars or 1-D vectors: their values in order. */
static int fold_join(const tfl_model_t *m, const tfl_op_t *op, vec_t *out) {
    int axis = (int)tfl_opt_int(op, op->builtin == TFL_OP_PACK ? 1 : TFL_CONCAT_AXIS, 0);
    if (axis != 0 ||
        (op->builtin == TFL_OP_CONCATENATION && tfl_opt_int(op, TFL_CONCAT_ACTIVATION, 0)))
        return 0;
    out->n = 0;
    for (int k = 0; k < op->ninputs; k++) {
        vec_t part;
        const tfl_tensor_t *t = mica_op_tensor(m, op, k);
        if (!const_vec(t, &part) || (op->builtin == TFL_OP_PACK && t->rank != 0) ||
            out->n + part.n > FOLD_MAX_VALUES)
            return 0;
        memcpy(out->v + out->n, part.v, (size_t)part.n * 4);
        out->n += part.n;
    }
    return 1;
}

/* BROADCAST_ARGS of two constant shapes: right-aligned, each dimension equal or 1 on one side. */
static int fold_broadcast_args(const tfl_model_t *m, const tfl_op_t *op, vec_t *out) {
    vec_t a, b;
    if (op->ninputs != 2 || !const_vec(mica_op_tensor(m, op, 0), &a) ||
        !const_vec(mica_op_tensor(m, op, 1), &b))
        return 0;
    out->n = a.n > b.n ? a.n : b.n;
    for (int i = 1; i <= out->n; i++) {
        int32_t x = i <= a.n ? a.v[a.n - i] : 1, y = i <= b.n ? b.v[b.n - i] : 1;
        if (x != y && x != 1 && y != 1)
            return 0; /* left to fail as TFLite would: the shapes do not broadcast */
        out->v[out->n - i] = x == 1 ? y : x;
    }
    return 1;
}

static int fold_op(const tfl_model_t *m, const tfl_op_t *op, vec_t *out) {
    const tfl_tensor_t *o = mica_op_output(m, op, 0);
    if (op->noutputs != 1 || !o || o->type != TFL_TYPE_INT32 || o->data || o->rank > 1)
        return 0;
    int ok = op->builtin == TFL_OP_SHAPE           ? fold_shape(m, op, out)
             : op->builtin == TFL_OP_STRIDED_SLICE ? fold_strided_slice(m, op, out)
             : op->builtin == TFL_OP_PACK || op->builtin == TFL_OP_CONCATENATION
                 ? fold_join(m, op, out)
             : op->builtin == TFL_OP_BROADCAST_ARGS ? fold_broadcast_args(m, op, out)
                                                    : 0;
    /* The output's declared shape must hold the values (a scalar holds one). */
    return ok && (o->rank == 0 ? out->n == 1 : o->dims[0] == out->n);
}

/* BROADCAST_TO whose output shape the model leaves open (no shape, or a shape_signature with -1:
 * the converter's placeholder dims) but whose target shape is constant, given or folded: the
 * output gets that shape, as LiteRT's prepare resizes it. 1 when the output was resolved. */
static int resolve_broadcast_to(mica_folded_t *f, const tfl_op_t *op) {
    int32_t shape[TFL_MAX_RANK];
    if (op->builtin != TFL_OP_BROADCAST_TO || op->noutputs != 1 || op->ninputs != 2 ||
        op->outputs[0] < 0 || op->outputs[0] >= f->model.ntensors)
        return 0;
    tfl_tensor_t *out = &f->tensors[op->outputs[0]];
    int n = mica_const_ints(mica_op_tensor(&f->model, op, 1), shape, TFL_MAX_RANK); /* int32/64 */
    if ((out->rank != 0 && !out->dynamic) || n < 1)
        return 0;
    for (int d = 0; d < n; d++)
        if (shape[d] < 1)
            return 0; /* left to the prepare function's refusal */
    memcpy(out->dims, shape, (size_t)n * 4);
    out->rank = n;
    out->dynamic = 0;
    return 1;
}

static int copy_model(const tfl_model_t *m, mica_folded_t *f) {
    f->tensors = malloc((size_t)(m->ntensors ? m->ntensors : 1) * sizeof *f->tensors);
    f->ops = malloc((size_t)(m->nops ? m->nops : 1) * sizeof *f->ops);
    f->values = calloc((size_t)(m->ntensors ? m->ntensors : 1), sizeof *f->values);
    if (!f->tensors || !f->ops || !f->values)
        return -1;
    memcpy(f->tensors, m->tensors, (size_t)m->ntensors * sizeof *f->tensors);
    f->model = *m;
    f->model.tensors = f->tensors;
    f->model.ops = f->ops;
    f->model.nops = 0;
    return 0;
}

int mica_fold(const tfl_model_t *m, const tfl_model_t **view, mica_folded_t **owned, char *err,
              size_t errlen) {
    *view = m;
    *owned = NULL;
    mica_folded_t *f = calloc(1, sizeof *f);
    if (!f || copy_model(m, f)) {
        mica_fold_free(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int resolved = 0;
    for (int i = 0; i < m->nops; i++) {
        const tfl_op_t *op = &m->ops[i];
        vec_t v;
        resolved += resolve_broadcast_to(f, op);
        if (fold_op(&f->model, op, &v)) {
            int32_t t = op->outputs[0];
            memcpy(f->values[t], v.v, (size_t)v.n * 4);
            f->tensors[t].data = (const uint8_t *)f->values[t];
            f->tensors[t].data_size = (size_t)v.n * 4;
        } else {
            f->ops[f->model.nops++] = *op;
        }
    }
    if (f->model.nops == m->nops && !resolved) { /* nothing folded: the model as it was */
        mica_fold_free(f);
        return 0;
    }
    *view = &f->model;
    *owned = f;
    return 0;
}

void mica_fold_free(mica_folded_t *f) {
    if (!f)
        return;
    free(f->tensors);
    free(f->ops);
    free(f->values);
    free(f);
}
