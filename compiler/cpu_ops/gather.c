/* TRANSPOSE, SLICE and STRIDED_SLICE on the CPU as a strided gather (raw int8 bytes: TFLite copies
 * without requantizing). STRIDED_SLICE follows TFLite's strided_slice_logic for begin/end/shrink
 * masks; ellipsis and new-axis masks and the offset option are rejected. */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

static int gather_io(const tfl_model_t *m, const tfl_op_t *op, const char *name,
                     mica_gather_params_t *p, int64_t *in_strides, char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_elem_width(in) || in->type != out->type || !mica_elem_width(out))
        REJECT("%s: input and output must be int8 (or int16) with one scale", name);
    if (in->rank < 1 || in->rank > MICA_MAX_RANK)
        REJECT("%s: rank must be 1..%d", name, MICA_MAX_RANK);
    memset(p, 0, sizeof *p);
    p->rank = in->rank;
    mica_row_strides(in->dims, in->rank, in_strides);
    return 0;
}

static int gather_emit(const tfl_model_t *m, const tfl_op_t *op, const char *name,
                       mica_gather_params_t *p, mica_buf_t *params, char *err, size_t errlen) {
    int64_t n = 1;
    for (int d = 0; d < p->rank; d++)
        n *= p->dims[d];
    if (n != mica_tensor_elements(mica_op_output(m, op, 0)) || n < 1)
        REJECT("%s: output size does not match (empty outputs unsupported)", name);
    if (mica_gather_widen(p, mica_elem_width(mica_op_output(m, op, 0)), name, err, errlen))
        return -1;
    if (mica_buf_append(params, p, sizeof *p))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_transpose(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                           size_t errlen) {
    mica_gather_params_t p;
    int64_t st[MICA_MAX_RANK];
    if (gather_io(m, op, "TRANSPOSE", &p, st, err, errlen))
        return -1;
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0);
    int32_t perm[MICA_MAX_RANK];
    if (mica_const_ints(mica_op_tensor(m, op, 1), perm, MICA_MAX_RANK) != in->rank)
        REJECT("TRANSPOSE: permutation must be a constant of the input's rank");
    for (int d = 0; d < in->rank; d++) {
        if (perm[d] < 0 || perm[d] >= in->rank)
            REJECT("TRANSPOSE: bad permutation");
        p.dims[d] = in->dims[perm[d]];
        p.strides[d] = (int32_t)st[perm[d]];
    }
    return gather_emit(m, op, "TRANSPOSE", &p, params, err, errlen);
}

int mica_prepare_slice(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                       size_t errlen) {
    mica_gather_params_t p;
    int64_t st[MICA_MAX_RANK], off = 0;
    if (gather_io(m, op, "SLICE", &p, st, err, errlen))
        return -1;
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0);
    int32_t begin[MICA_MAX_RANK], size[MICA_MAX_RANK];
    if (mica_const_ints(mica_op_tensor(m, op, 1), begin, MICA_MAX_RANK) != in->rank ||
        mica_const_ints(mica_op_tensor(m, op, 2), size, MICA_MAX_RANK) != in->rank)
        REJECT("SLICE: begin and size must be constants of the input's rank");
    for (int d = 0; d < in->rank; d++) {
        int32_t sz = size[d] == -1 ? in->dims[d] - begin[d] : size[d];
        if (begin[d] < 0 || sz < 1 || (int64_t)begin[d] + sz > in->dims[d])
            REJECT("SLICE: begin/size out of range");
        p.dims[d] = sz;
        p.strides[d] = (int32_t)st[d];
        off += begin[d] * st[d];
    }
    p.offset = (int32_t)off;
    return gather_emit(m, op, "SLICE", &p, params, err, errlen);
}

int mica_prepare_strided_slice(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                               char *err, size_t errlen) {
    mica_gather_params_t p;
    int64_t st[MICA_MAX_RANK], off = 0;
    if (gather_io(m, op, "STRIDED_SLICE", &p, st, err, errlen))
        return -1;
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0);
    if (tfl_opt_int(op, TFL_SSLICE_ELLIPSIS_MASK, 0) ||
        tfl_opt_int(op, TFL_SSLICE_NEW_AXIS_MASK, 0) || tfl_opt_int(op, TFL_SSLICE_OFFSET, 0))
        REJECT("STRIDED_SLICE: ellipsis/new-axis masks and offset are not supported");
    int bmask = (int)tfl_opt_int(op, TFL_SSLICE_BEGIN_MASK, 0),
        emask = (int)tfl_opt_int(op, TFL_SSLICE_END_MASK, 0);
    int smask = (int)tfl_opt_int(op, TFL_SSLICE_SHRINK_AXIS_MASK, 0);
    int32_t b[MICA_MAX_RANK], e[MICA_MAX_RANK], s[MICA_MAX_RANK];
    int nb = mica_const_ints(mica_op_tensor(m, op, 1), b, MICA_MAX_RANK);
    if (nb < 1 || nb > in->rank ||
        mica_const_ints(mica_op_tensor(m, op, 2), e, MICA_MAX_RANK) != nb ||
        mica_const_ints(mica_op_tensor(m, op, 3), s, MICA_MAX_RANK) != nb)
        REJECT("STRIDED_SLICE: begin, end and strides must be constants of equal length <= rank");
    for (int d = 0; d < in->rank; d++) {
        int32_t start, count, stride = d < nb ? s[d] : 1;
        if (stride == 0)
            REJECT("STRIDED_SLICE: stride 0");
        if (d < nb)
            mica_slice_range(b[d], e[d], stride, in->dims[d], bmask >> d & 1, emask >> d & 1,
                             smask >> d & 1, &start, &count);
        else {
            start = 0;
            count = in->dims[d];
        }
        if ((smask >> d & 1) && stride < 0)
            REJECT("STRIDED_SLICE: shrink axis with a negative stride");
        if (count < 1)
            REJECT("STRIDED_SLICE: empty output");
        p.dims[d] = count;
        p.strides[d] = (int32_t)(st[d] * stride);
        off += start * st[d];
    }
    p.offset = (int32_t)off;
    return gather_emit(m, op, "STRIDED_SLICE", &p, params, err, errlen);
}

/* BROADCAST_TO: the input's dims aligned to the right of the target shape; a broadcast
 * dimension (missing, or 1 in the input) is walked with stride 0. An output shape the model leaves
 * open has been set from a constant target shape by pass 0 (fold.c). */
int mica_prepare_broadcast_to(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                              char *err, size_t errlen) {
    mica_gather_params_t p;
    int64_t st[MICA_MAX_RANK];
    if (gather_io(m, op, "BROADCAST_TO", &p, st, err, errlen))
        return -1;
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    int32_t shape[MICA_MAX_RANK];
    int rank = mica_const_ints(mica_op_tensor(m, op, 1), shape, MICA_MAX_RANK);
    if (rank < in->rank || rank != out->rank)
        REJECT("BROADCAST_TO: the shape must be a constant of the output's rank, at least the "
               "input's");
    p.rank = rank;
    for (int d = 0; d < rank; d++) {
        int k = d - (rank - in->rank); /* the input dimension aligned with d, or < 0 */
        if (k >= 0 && in->dims[k] != 1 && in->dims[k] != shape[d])
            REJECT("BROADCAST_TO: input dimension %d (%d) cannot broadcast to %d", k, in->dims[k],
                   shape[d]);
        p.dims[d] = shape[d];
        p.strides[d] = k >= 0 && in->dims[k] != 1 ? (int32_t)st[k] : 0;
    }
    return gather_emit(m, op, "BROADCAST_TO", &p, params, err, errlen);
}
