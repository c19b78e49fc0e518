/* Shape rules of the operators that only move bytes: SQUEEZE (the element count stays), DEPTH_TO_SPACE and SPACE_TO_DEPTH (NHWC, block size b: H x W x C <-> H*b x W*b x C/b^2). */
#include <stdio.h>
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
