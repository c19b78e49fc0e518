/* Shape rules of the operators that only move bytes: SQUEEZE (the element count stays), DEPTH_TO_SPACE and SPACE_TO_DEPTH (NHWC, block size b: H x W x C <-> H*b x W*b x C/b^2). */
#include <stdio.h>
#include <string.h>
#include "validate_internal.h"

int mica_vrule_same_count(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0), *out = mica_v_out(c);
    char a[MICA_VDIMS], b[MICA_VDIMS];
    if (tfl_tensor_elements(in) != tfl_tensor_elements(out))
        return mica_v_fail(c, "output %s does not hold the elements of input %s",
                           mica_v_shape(out, b), mica_v_shape(in, a));
    return 0;
}

int mica_vrule_space_depth(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0);
    if (mica_v_rank(c, 0, "input", 4, 4))
        return -1;
    int64_t b = tfl_opt_int(c->op, 0, 0), dims[4];
    if (b < 1 || b > 1024)
        return mica_v_fail(c, "block_size %lld is outside 1..1024", (long long)b);
    mica_v_dims_of(in, dims);
    int to_space = c->op->builtin == TFL_OP_DEPTH_TO_SPACE;
    if (to_space ? dims[3] % (b * b) : dims[1] % b || dims[2] % b)
        return mica_v_fail(c, "block_size %lld does not divide the input's %s", (long long)b,
                           to_space ? "depth by block_size^2" : "height and width");
    if (to_space)
        dims[1] *= b, dims[2] *= b, dims[3] /= b * b;
    else
        dims[1] /= b, dims[2] /= b, dims[3] *= b * b;
    char how[64];
    snprintf(how, sizeof how, "block_size %lld", (long long)b);
    return mica_v_expect(c, dims, 4, how);
}

/* PACK: N inputs of one shape; the output inserts N at axis (PackOptions: values_count, axis). */
int mica_vrule_pack(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0);
    int64_t n = tfl_opt_int(c->op, 0, 0), axis = tfl_opt_int(c->op, 1, 0), dims[TFL_MAX_RANK];
    if (n != c->op->ninputs)
        return mica_v_fail(c, "values_count %lld differs from the %d inputs", (long long)n,
                           c->op->ninputs);
    if (in->rank + 1 > TFL_MAX_RANK)
        return mica_v_fail(c, "input rank %d is too large to pack", in->rank);
    axis = axis < 0 ? axis + in->rank + 1 : axis;
    if (axis < 0 || axis > in->rank)
        return mica_v_fail(c, "axis %lld is outside the output's rank",
                           (long long)tfl_opt_int(c->op, 1, 0));
    for (int k = 1; k < c->op->ninputs; k++) {
        const tfl_tensor_t *t = mica_v_in(c, k);
        char a[MICA_VDIMS], b[MICA_VDIMS];
        if (t->rank != in->rank || memcmp(t->dims, in->dims, sizeof(int32_t) * (size_t)in->rank))
            return mica_v_fail(c, "input %d %s differs from input 0 %s", k, mica_v_shape(t, a),
                               mica_v_shape(in, b));
    }
    for (int d = 0, s = 0; d <= in->rank; d++)
        dims[d] = d == axis ? n : in->dims[s++];
    return mica_v_expect(c, dims, in->rank + 1, "packing the inputs");
}

/* SPLIT (axis, data), SPLIT_V (data, sizes, axis), UNPACK (data; axis option): every output is
 * the input with a part of the axis (UNPACK: the axis removed), the parts adding up to it. */
int mica_vrule_split(const mica_vctx_t *c) {
    int unpack = c->op->builtin == TFL_OP_UNPACK;
    const tfl_tensor_t *in = mica_v_in(c, c->op->builtin == TFL_OP_SPLIT ? 1 : 0);
    int32_t axis = 0;
    if (unpack)
        axis = (int32_t)tfl_opt_int(c->op, 1, 0);
    else if (mica_v_const_ints(c, c->op->builtin == TFL_OP_SPLIT ? 0 : 2, "axis", 0, &axis, 1) != 1)
        return -1;
    int a = axis < 0 ? axis + in->rank : axis;
    if (a < 0 || a >= in->rank)
        return mica_v_fail(c, "axis %d is outside the input's rank %d", axis, in->rank);
    int64_t along = 0;
    for (int k = 0; k < c->op->noutputs; k++) {
        const tfl_tensor_t *o = &c->m->tensors[c->op->outputs[k]];
        int ok = o->rank == in->rank - unpack;
        for (int d = 0, s = 0; ok && d < in->rank; d++) {
            if (d == a) {
                along += unpack ? 1 : o->dims[s];
                s += !unpack;
                continue;
            }
            ok = o->dims[s++] == in->dims[d];
        }
        char shape[MICA_VDIMS], ins[MICA_VDIMS];
        if (!ok)
            return mica_v_fail(c, "output %d %s is not a part of input %s along axis %d", k,
                               mica_v_shape(o, shape), mica_v_shape(in, ins), a);
    }
    if (along != in->dims[a])
        return mica_v_fail(c, "the outputs cover %lld of the %d elements along axis %d",
                           (long long)along, in->dims[a], a);
    return 0;
}
