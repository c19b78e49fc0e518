/* DEPTH_TO_SPACE and SPACE_TO_DEPTH as a strided gather (raw int8 bytes, as TFLite copies them):
 * the output walked as a 6-D view whose input offsets are affine.
 *   DEPTH_TO_SPACE out[n][h*b+i][w*b+j][c] = in[n][h][w][(i*b+j)*C'+c]:  view [N,H,b,W,b,C']
 *   SPACE_TO_DEPTH out[n][h][w][(i*b+j)*C+c] = in[n][h*b+i][w*b+j][c]:   view [N,H',W',b,b,C] */
#include <string.h>
#include "cpu_util.h"

static int rearrange(const tfl_model_t *m, const tfl_op_t *op, int to_space, mica_buf_t *params,
                     char *err, size_t errlen) {
    const char *name = to_space ? "DEPTH_TO_SPACE" : "SPACE_TO_DEPTH";
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out) || in->rank != 4)
        REJECT("%s: input and output must be int8 NHWC with one scale", name);
    int64_t b = tfl_opt_int(op, 0, 0), N = in->dims[0], H = in->dims[1], W = in->dims[2],
            C = in->dims[3];
    if (b < 1 || (to_space ? C % (b * b) : H % b || W % b))
        REJECT("%s: block_size %lld does not fit the input", name, (long long)b);
    int64_t sn = H * W * C, sh = W * C, sw = C; /* input strides in elements */
    mica_gather_params_t p;
    memset(&p, 0, sizeof p);
    p.rank = 6;
    if (to_space) {
        int64_t cc = C / (b * b), dims[6] = {N, H, b, W, b, cc},
                st[6] = {sn, sh, b * cc, sw, cc, 1};
        for (int d = 0; d < 6; d++)
            p.dims[d] = (int32_t)dims[d], p.strides[d] = (int32_t)st[d];
    } else {
        int64_t dims[6] = {N, H / b, W / b, b, b, C}, st[6] = {sn, b * sh, b * sw, sh, sw, 1};
        for (int d = 0; d < 6; d++)
            p.dims[d] = (int32_t)dims[d], p.strides[d] = (int32_t)st[d];
    }
    if (mica_tensor_elements(out) != N * H * W * C)
        REJECT("%s: output size does not match", name);
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_depth_to_space(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                char *err, size_t errlen) {
    return rearrange(m, op, 1, params, err, errlen);
}

int mica_prepare_space_to_depth(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                char *err, size_t errlen) {
    return rearrange(m, op, 0, params, err, errlen);
}

/* BATCH_TO_SPACE_ND / SPACE_TO_BATCH_ND on NHWC with a 2-D block and zero crops / paddings (the
 * pure rearrangements; TFLite copies bytes): 6-D strided views again.
 *   BATCH_TO_SPACE out[n][h*bh+i][w*bw+j][c] = in[(i*bw+j)*N+n][h][w][c]:  view [N,H,bh,W,bw,C]
 *   SPACE_TO_BATCH out[(i*bw+j)*N+n][h][w][c] = in[n][h*bh+i][w*bw+j][c]:  view [bh,bw,N,H',W',C] */
static int batch_space(const tfl_model_t *m, const tfl_op_t *op, int to_space, mica_buf_t *params,
                       char *err, size_t errlen) {
    const char *name = to_space ? "BATCH_TO_SPACE_ND" : "SPACE_TO_BATCH_ND";
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out) || in->rank != 4)
        REJECT("%s: input and output must be int8 NHWC with one scale", name);
    int32_t blk[2], edge[4] = {0, 0, 0, 0};
    if (mica_const_ints(mica_op_tensor(m, op, 1), blk, 2) != 2 || blk[0] < 1 || blk[1] < 1)
        REJECT("%s: the block shape must be a constant pair of sizes >= 1", name);
    if (mica_const_ints(mica_op_tensor(m, op, 2), edge, 4) != 4 || edge[0] || edge[1] || edge[2] ||
        edge[3])
        REJECT("%s: only zero %s are supported", name, to_space ? "crops" : "paddings");
    int64_t bh = blk[0], bw = blk[1], N = in->dims[0], H = in->dims[1], W = in->dims[2],
            C = in->dims[3], sn = H * W * C, sh = W * C, sw = C;
    mica_gather_params_t p;
    memset(&p, 0, sizeof p);
    p.rank = 6;
    int64_t dims[6], st[6];
    if (to_space) {
        if (N % (bh * bw))
            REJECT("%s: batch %lld is not a multiple of the block", name, (long long)N);
        int64_t n = N / (bh * bw), d[6] = {n, H, bh, W, bw, C},
                s[6] = {sn, sh, bw * n * sn, sw, n * sn, 1};
        memcpy(dims, d, sizeof d), memcpy(st, s, sizeof s);
    } else {
        if (H % bh || W % bw)
            REJECT("%s: the block does not divide height and width", name);
        int64_t d[6] = {bh, bw, N, H / bh, W / bw, C}, s[6] = {sh, sw, sn, bh * sh, bw * sw, 1};
        memcpy(dims, d, sizeof d), memcpy(st, s, sizeof s);
    }
    for (int k = 0; k < 6; k++)
        p.dims[k] = (int32_t)dims[k], p.strides[k] = (int32_t)st[k];
    if (mica_tensor_elements(out) != N * H * W * C)
        REJECT("%s: output size does not match", name);
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_batch_to_space(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                char *err, size_t errlen) {
    return batch_space(m, op, 1, params, err, errlen);
}

int mica_prepare_space_to_batch(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                char *err, size_t errlen) {
    return batch_space(m, op, 0, params, err, errlen);
}
