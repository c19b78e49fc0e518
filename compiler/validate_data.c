/* Shape rules of the data-movement operators (PAD, CONCATENATION, MEAN, RESIZE_NEAREST_NEIGHBOR,
 * STRIDED_SLICE, SLICE, TRANSPOSE, RESHAPE): their constant operands read and checked, the output
 * shape derived as TFLite's Prepare derives it and compared with the declared one. */
#include <stdio.h>
#include <string.h>
#include "validate_internal.h"
#include "cpu_ops/cpu_util.h"

#define MAX_VALUES 64

static char *ints(const int32_t *v, int n, char buf[MICA_VDIMS]) {
    int64_t w[MAX_VALUES];
    for (int i = 0; i < n && i < MAX_VALUES; i++)
        w[i] = v[i];
    return mica_v_dims(w, n < MAX_VALUES ? n : MAX_VALUES, buf);
}

/* Input k as a constant vector (rank 1) of integers. */
static int const_vector(const mica_vctx_t *c, int k, const char *what, int allow64, int32_t *v,
                        int max) {
    const tfl_tensor_t *t = mica_v_in(c, k);
    char name[MICA_VNAME], shape[MICA_VDIMS];
    if (t->rank != 1)
        return mica_v_fail(c, "%s '%s' is %s; a vector expected", what, mica_v_name(t, name),
                           mica_v_shape(t, shape));
    return mica_v_const_ints(c, k, what, allow64, v, max);
}

int mica_vrule_pad(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0), *pads = mica_v_in(c, 1), *value = mica_v_in(c, 2);
    int32_t v[2 * TFL_MAX_RANK];
    int64_t dims[TFL_MAX_RANK];
    char name[MICA_VNAME], shape[MICA_VDIMS], pshape[MICA_VDIMS], how[2 * MICA_VDIMS + 32];
    if (mica_v_const_ints(c, 1, "paddings", 1, v, 2 * TFL_MAX_RANK) < 0)
        return -1;
    if (pads->rank != 2 || pads->dims[0] != in->rank || pads->dims[1] != 2)
        return mica_v_fail(c, "paddings '%s' is %s; [%d,2] expected for input %s",
                           mica_v_name(pads, name), mica_v_shape(pads, pshape), in->rank,
                           mica_v_shape(in, shape));
    for (int d = 0; d < in->rank; d++) {
        if (v[2 * d] < 0 || v[2 * d + 1] < 0)
            return mica_v_fail(
                c, "paddings '%s' %s pad dimension %d by %d and %d; paddings must be >= 0",
                mica_v_name(pads, name), ints(v, 2 * in->rank, pshape), d, v[2 * d], v[2 * d + 1]);
        dims[d] = (int64_t)in->dims[d] + v[2 * d] + v[2 * d + 1];
    }
    if (value && tfl_tensor_elements(value) != 1)
        return mica_v_fail(c, "constant value '%s' is %s; one value expected",
                           mica_v_name(value, name), mica_v_shape(value, shape));
    snprintf(how, sizeof how, "padding %s by %s", mica_v_shape(in, shape),
             ints(v, 2 * in->rank, pshape));
    return mica_v_expect(c, dims, in->rank, how);
}

int mica_vrule_concat(const mica_vctx_t *c) {
    const tfl_tensor_t *first = mica_v_in(c, 0);
    int rank = first->rank;
    int64_t axis = tfl_opt_int(c->op, TFL_CONCAT_AXIS, 0), dims[TFL_MAX_RANK];
    char name[MICA_VNAME], name0[MICA_VNAME], shape[MICA_VDIMS], shape0[MICA_VDIMS], how[80];
    if (mica_v_activation(c, TFL_CONCAT_ACTIVATION))
        return -1;
    if (axis < -rank || axis >= rank)
        return mica_v_fail(c, "axis %lld is outside -%d..%d (inputs of rank %d)", (long long)axis,
                           rank, rank - 1, rank);
    int a = (int)(axis < 0 ? axis + rank : axis);
    mica_v_dims_of(first, dims);
    dims[a] = 0;
    for (int k = 0; k < c->op->ninputs; k++) {
        const tfl_tensor_t *t = mica_v_in(c, k);
        int same = t->rank == rank;
        for (int d = 0; same && d < rank; d++)
            same = d == a || t->dims[d] == first->dims[d];
        if (!same)
            return mica_v_fail(c,
                               "input %d '%s' %s and input 0 '%s' %s must agree except on axis %d",
                               k, mica_v_name(t, name), mica_v_shape(t, shape),
                               mica_v_name(first, name0), mica_v_shape(first, shape0), a);
        dims[a] += t->dims[a];
    }
    snprintf(how, sizeof how, "concatenating %d inputs on axis %d", c->op->ninputs, a);
    return mica_v_expect(c, dims, rank, how);
}

int mica_vrule_mean(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0);
    int32_t axes[MAX_VALUES];
    int reduced[TFL_MAX_RANK] = {0}, rank = 0,
        keep = tfl_opt_int(c->op, TFL_REDUCER_KEEP_DIMS, 0) != 0;
    int n = mica_v_const_ints(c, 1, "axis", 0, axes, MAX_VALUES);
    int64_t dims[TFL_MAX_RANK];
    char shape[MICA_VDIMS], list[MICA_VDIMS], how[2 * MICA_VDIMS + 40];
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (axes[i] < -in->rank || axes[i] >= in->rank)
            return mica_v_fail(c, "axis %d is outside -%d..%d (input %s)", axes[i], in->rank,
                               in->rank - 1, mica_v_shape(in, shape));
        reduced[axes[i] < 0 ? axes[i] + in->rank : axes[i]] = 1;
    }
    for (int d = 0; d < in->rank; d++)
        if (!reduced[d])
            dims[rank++] = in->dims[d];
        else if (keep)
            dims[rank++] = 1;
    snprintf(how, sizeof how, "MEAN over axes %s (keep_dims %s) of %s", ints(axes, n, list),
             keep ? "true" : "false", mica_v_shape(in, shape));
    return mica_v_expect(c, dims, rank, how);
}

int mica_vrule_resize(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0), *size = mica_v_in(c, 1);
    int32_t v[2];
    char name[MICA_VNAME], shape[MICA_VDIMS], how[MICA_VDIMS + 40];
    if (mica_v_rank(c, 0, "input", 4, 4))
        return -1;
    if (!size->data || size->type != TFL_TYPE_INT32 || size->rank != 1 || size->dims[0] != 2)
        return mica_v_fail(c, "size '%s' must be a constant int32 [2] tensor (is %s%s %s)",
                           mica_v_name(size, name), size->data ? "" : "non-constant ",
                           tfl_type_name(size->type), mica_v_shape(size, shape));
    if (mica_v_const_ints(c, 1, "size", 0, v, 2) < 0)
        return -1;
    if (v[0] < 1 || v[1] < 1)
        return mica_v_fail(c, "size '%s' is [%d,%d]; height and width must be >= 1",
                           mica_v_name(size, name), v[0], v[1]);
    int64_t dims[4] = {in->dims[0], v[0], v[1], in->dims[3]};
    snprintf(how, sizeof how, "resizing %s to size [%d,%d]", mica_v_shape(in, shape), v[0], v[1]);
    return mica_v_expect(c, dims, 4, how);
}

int mica_vrule_strided_slice(const mica_vctx_t *c) {
    const tfl_op_t *op = c->op;
    if (tfl_opt_int(op, TFL_SSLICE_ELLIPSIS_MASK, 0) ||
        tfl_opt_int(op, TFL_SSLICE_NEW_AXIS_MASK, 0) || tfl_opt_int(op, TFL_SSLICE_OFFSET, 0))
        return 0; /* not supported: the CPU kernel's prepare refuses these */
    if (mica_v_rank(c, 0, "input", 1, TFL_MAX_RANK))
        return -1;
    const tfl_tensor_t *in = mica_v_in(c, 0);
    int32_t b[TFL_MAX_RANK], e[TFL_MAX_RANK], s[TFL_MAX_RANK];
    int nb = const_vector(c, 1, "begin", 1, b, TFL_MAX_RANK), ne, ns;
    if (nb < 0 || (ne = const_vector(c, 2, "end", 1, e, TFL_MAX_RANK)) < 0 ||
        (ns = const_vector(c, 3, "strides", 1, s, TFL_MAX_RANK)) < 0)
        return -1;
    if (nb != ne || nb != ns || nb < 1 || nb > in->rank)
        return mica_v_fail(c,
                           "begin, end and strides have %d, %d and %d values; equal counts 1..%d "
                           "(the input's rank) expected",
                           nb, ne, ns, in->rank);
    int64_t bm = tfl_opt_int(op, TFL_SSLICE_BEGIN_MASK, 0),
            em = tfl_opt_int(op, TFL_SSLICE_END_MASK, 0);
    int64_t sm = tfl_opt_int(op, TFL_SSLICE_SHRINK_AXIS_MASK, 0), dims[TFL_MAX_RANK];
    int rank = 0;
    for (int d = 0; d < in->rank; d++) {
        int32_t start, count = in->dims[d];
        if (d < nb && s[d] == 0)
            return mica_v_fail(c, "strides[%d] is 0", d);
        if (d < nb)
            mica_slice_range(b[d], e[d], s[d], in->dims[d], bm >> d & 1, em >> d & 1, sm >> d & 1,
                             &start, &count);
        if (!(d < nb && (sm >> d & 1)))
            dims[rank++] = count; /* a shrunk axis leaves the shape */
    }
    char shape[MICA_VDIMS], bs[MICA_VDIMS], es[MICA_VDIMS], ss[MICA_VDIMS], how[4 * MICA_VDIMS];
    snprintf(how, sizeof how, "slicing %s from %s to %s by %s (masks %lld/%lld/%lld)",
             mica_v_shape(in, shape), ints(b, nb, bs), ints(e, nb, es), ints(s, nb, ss),
             (long long)bm, (long long)em, (long long)sm);
    return mica_v_expect(c, dims, rank, how);
}

int mica_vrule_slice(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0);
    int32_t b[TFL_MAX_RANK], s[TFL_MAX_RANK];
    int nb = const_vector(c, 1, "begin", 1, b, TFL_MAX_RANK), ns;
    if (nb < 0 || (ns = const_vector(c, 2, "size", 1, s, TFL_MAX_RANK)) < 0)
        return -1;
    if (nb != in->rank || ns != in->rank)
        return mica_v_fail(c,
                           "begin and size have %d and %d values; %d (the input's rank) expected",
                           nb, ns, in->rank);
    int64_t dims[TFL_MAX_RANK];
    char name[MICA_VNAME], shape[MICA_VDIMS], bs[MICA_VDIMS], ss[MICA_VDIMS], how[3 * MICA_VDIMS];
    for (int d = 0; d < in->rank; d++) {
        int64_t size = s[d] == -1 ? (int64_t)in->dims[d] - b[d] : s[d];
        if (b[d] < 0 || size < 0 || b[d] + size > in->dims[d])
            return mica_v_fail(c, "begin %d and size %d leave dimension %d of input '%s' %s", b[d],
                               s[d], d, mica_v_name(in, name), mica_v_shape(in, shape));
        dims[d] = size;
    }
    snprintf(how, sizeof how, "slicing %s at %s by %s", mica_v_shape(in, shape), ints(b, nb, bs),
             ints(s, ns, ss));
    return mica_v_expect(c, dims, in->rank, how);
}

int mica_vrule_transpose(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0);
    int32_t p[TFL_MAX_RANK];
    int n = const_vector(c, 1, "permutation", 1, p, TFL_MAX_RANK), seen[TFL_MAX_RANK] = {0};
    int64_t dims[TFL_MAX_RANK];
    char shape[MICA_VDIMS], ps[MICA_VDIMS], how[2 * MICA_VDIMS + 20];
    if (n < 0)
        return -1;
    for (int d = 0; d < n; d++) {
        if (n != in->rank || p[d] < 0 || p[d] >= n || seen[p[d]]++)
            return mica_v_fail(c, "permutation %s is not a permutation of the %d axes of input %s",
                               ints(p, n, ps), in->rank, mica_v_shape(in, shape));
        dims[d] = in->dims[p[d]];
    }
    if (n != in->rank) /* also an empty permutation of a non-scalar */
        return mica_v_fail(c, "permutation %s is not a permutation of the %d axes of input %s",
                           ints(p, n, ps), in->rank, mica_v_shape(in, shape));
    snprintf(how, sizeof how, "transposing %s by %s", mica_v_shape(in, shape), ints(p, n, ps));
    return mica_v_expect(c, dims, n, how);
}

/* TFLite's target shape: the shape input when it is an int32 vector, else ReshapeOptions.new_shape
 * ([0] meaning a scalar, as legacy converters wrote it). */
static int reshape_target(const mica_vctx_t *c, int32_t *v, const char **from) {
    const tfl_tensor_t *shape = mica_v_in(c, 1);
    char name[MICA_VNAME];
    if (shape && shape->rank == 1 && shape->type == TFL_TYPE_INT32) {
        *from = "the shape input";
        if (!shape->data)
            return mica_v_fail(c, "shape '%s' is not a constant; Mica needs static shapes",
                               mica_v_name(shape, name));
        return mica_v_const_ints(c, 1, "shape", 0, v, TFL_MAX_RANK);
    }
    int n;
    const int32_t *opt = tfl_opt_vec(c->op, TFL_RESHAPE_NEW_SHAPE, &n);
    *from = "new_shape";
    if (n > TFL_MAX_RANK)
        return mica_v_fail(c, "new_shape has %d dimensions; at most %d", n, TFL_MAX_RANK);
    if (n)
        memcpy(v, opt, (size_t)n * sizeof *v);
    return n == 1 && v[0] == 0 ? 0 : n;
}

int mica_vrule_reshape(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0);
    int32_t v[TFL_MAX_RANK];
    const char *from;
    int n = reshape_target(c, v, &from), stretch = -1;
    int64_t dims[TFL_MAX_RANK], known = 1, total = tfl_tensor_elements(in);
    char shape[MICA_VDIMS], target[MICA_VDIMS], how[2 * MICA_VDIMS + 40];
    if (n < 0)
        return -1;
    for (int d = 0; d < n; d++) {
        dims[d] = v[d];
        if (v[d] == -1 && stretch < 0) {
            stretch = d;
            continue;
        }
        if (v[d] < 0 || known > INT32_MAX)
            known = -1; /* cannot hold the input */
        else
            known *= v[d];
    }
    if (stretch >= 0 && known > 0 && total % known == 0)
        dims[stretch] = total / known;
    else if (stretch >= 0 || known != total)
        return mica_v_fail(c, "%s %s cannot hold the %lld elements of input %s", from,
                           ints(v, n, target), (long long)total, mica_v_shape(in, shape));
    snprintf(how, sizeof how, "reshaping %s to %s %s", mica_v_shape(in, shape), from,
             ints(v, n, target));
    return mica_v_expect(c, dims, n, how);
}
