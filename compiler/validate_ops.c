/* One shape rule per operator family: the options checked for range, the output shape derived from
 * the inputs as TFLite's Prepare derives it, and compared with the declared output. */
#include <stdio.h>
#include <string.h>
#include "validate_internal.h"
#include "cpu_ops/cpu_util.h"

/* ---- windowed operators: CONV_2D, DEPTHWISE_CONV_2D, pools ---- */

/* Option field ids of a window (-1: the table has no such field, the value is 1). */
typedef struct {
    int padding, stride_w, stride_h, dil_w, dil_h, act;
} window_fields_t;
typedef struct {
    int64_t padding, stride_w, stride_h, dil_w, dil_h;
} window_t;

static const window_fields_t conv_fields = {TFL_CONV2D_PADDING,    TFL_CONV2D_STRIDE_W,
                                            TFL_CONV2D_STRIDE_H,   TFL_CONV2D_DILATION_W,
                                            TFL_CONV2D_DILATION_H, TFL_CONV2D_ACTIVATION};
static const window_fields_t dw_fields = {TFL_DWCONV_PADDING,    TFL_DWCONV_STRIDE_W,
                                          TFL_DWCONV_STRIDE_H,   TFL_DWCONV_DILATION_W,
                                          TFL_DWCONV_DILATION_H, TFL_DWCONV_ACTIVATION};
static const window_fields_t pool_fields = {
    TFL_POOL_PADDING, TFL_POOL_STRIDE_W, TFL_POOL_STRIDE_H, -1, -1, TFL_POOL_ACTIVATION};

static int read_window(const mica_vctx_t *c, const window_fields_t *f, window_t *w) {
    w->dil_w = w->dil_h = 1;
    return mica_v_padding(c, f->padding, &w->padding) || mica_v_activation(c, f->act) ||
                   mica_v_window_param(c, f->stride_w, "stride_w", &w->stride_w) ||
                   mica_v_window_param(c, f->stride_h, "stride_h", &w->stride_h) ||
                   (f->dil_w >= 0 &&
                    mica_v_window_param(c, f->dil_w, "dilation_w_factor", &w->dil_w)) ||
                   (f->dil_h >= 0 &&
                    mica_v_window_param(c, f->dil_h, "dilation_h_factor", &w->dil_h))
               ? -1
               : 0;
}

/* TFLite ComputeOutSize: SAME ceil(in / stride), VALID (in - dilated filter + stride) / stride. */
static int64_t window_out(int64_t padding, int64_t in, int64_t k, int64_t stride, int64_t dil) {
    int64_t effective = (k - 1) * dil + 1;
    return padding == TFL_PADDING_SAME ? (in + stride - 1) / stride
                                       : (in - effective + stride) / stride;
}

/* [N, out_h, out_w, channels] of a window over input 0, compared with the declared output. */
static int expect_window(const mica_vctx_t *c, const window_t *w, int64_t kh, int64_t kw,
                         int64_t channels) {
    const tfl_tensor_t *in = mica_v_in(c, 0);
    int64_t span_h = (kh - 1) * w->dil_h + 1, span_w = (kw - 1) * w->dil_w + 1;
    if (span_h > MICA_MAX_WINDOW || span_w > MICA_MAX_WINDOW)
        return mica_v_fail(
            c, "a %lldx%lld window with dilation %lldx%lld spans %lldx%lld pixels; at most %d",
            (long long)kh, (long long)kw, (long long)w->dil_h, (long long)w->dil_w,
            (long long)span_h, (long long)span_w, MICA_MAX_WINDOW);
    int64_t dims[4] = {in->dims[0], window_out(w->padding, in->dims[1], kh, w->stride_h, w->dil_h),
                       window_out(w->padding, in->dims[2], kw, w->stride_w, w->dil_w), channels};
    char how[200], stride[48], dil[48] = "", shape[MICA_VDIMS];
    if (w->stride_h == w->stride_w)
        snprintf(stride, sizeof stride, "%lld", (long long)w->stride_h);
    else
        snprintf(stride, sizeof stride, "%lldx%lld", (long long)w->stride_h,
                 (long long)w->stride_w);
    if (w->dil_h != 1 || w->dil_w != 1)
        snprintf(dil, sizeof dil, ", dilation %lldx%lld", (long long)w->dil_h, (long long)w->dil_w);
    snprintf(how, sizeof how, "a %lldx%lld window, stride %s%s, %s on %s", (long long)kh,
             (long long)kw, stride, dil, w->padding == TFL_PADDING_SAME ? "SAME" : "VALID",
             mica_v_shape(in, shape));
    return mica_v_expect(c, dims, 4, how);
}

/* Filter height and width at least 1, bias (when present) one value per output channel. */
static int check_filter_bias(const mica_vctx_t *c, const tfl_tensor_t *w, int64_t kh, int64_t kw,
                             int64_t out_c) {
    char name[MICA_VNAME], shape[MICA_VDIMS];
    if (kh < 1 || kw < 1)
        return mica_v_fail(c, "filter '%s' is %s: an empty window", mica_v_name(w, name),
                           mica_v_shape(w, shape));
    const tfl_tensor_t *bias = mica_v_in(c, 2);
    if (bias && tfl_tensor_elements(bias) != out_c)
        return mica_v_fail(c, "bias '%s' is %s; %lld values (one per output channel) expected",
                           mica_v_name(bias, name), mica_v_shape(bias, shape), (long long)out_c);
    return 0;
}

int mica_vrule_conv(const mica_vctx_t *c) {
    window_t win;
    if (read_window(c, &conv_fields, &win) || mica_v_rank(c, 0, "input", 4, 4) ||
        mica_v_rank(c, 1, "filter", 4, 4))
        return -1;
    const tfl_tensor_t *in = mica_v_in(c, 0), *w = mica_v_in(c, 1);
    int64_t in_c = in->dims[3], depth = w->dims[3], out_c = w->dims[0];
    char name[MICA_VNAME], wname[MICA_VNAME];
    if (depth < 1 || in_c < depth || in_c % depth) /* TFLite: groups = in_c / depth */
        return mica_v_fail(
            c, "input '%s' has %lld channels, not a multiple of filter '%s' depth %lld",
            mica_v_name(in, name), (long long)in_c, mica_v_name(w, wname), (long long)depth);
    if (out_c % (in_c / depth))
        return mica_v_fail(
            c, "filter '%s' has %lld output channels, not a multiple of its %lld groups",
            mica_v_name(w, wname), (long long)out_c, (long long)(in_c / depth));
    if (check_filter_bias(c, w, w->dims[1], w->dims[2], out_c))
        return -1;
    return expect_window(c, &win, w->dims[1], w->dims[2], out_c);
}

/* The depth multiplier is filter channels / input channels; LiteRT ignores the redundant
 * depth_multiplier option (measured: 0, 1 or 3 for a multiplier of 2 give the same output), so
 * Mica does too. */
int mica_vrule_depthwise(const mica_vctx_t *c) {
    window_t win;
    if (read_window(c, &dw_fields, &win) || mica_v_rank(c, 0, "input", 4, 4) ||
        mica_v_rank(c, 1, "filter", 4, 4))
        return -1;
    const tfl_tensor_t *in = mica_v_in(c, 0), *w = mica_v_in(c, 1);
    int64_t out_c = w->dims[3];
    char name[MICA_VNAME], wname[MICA_VNAME], shape[MICA_VDIMS];
    if (w->dims[0] != 1)
        return mica_v_fail(c, "filter '%s' is %s; [1, height, width, channels] expected",
                           mica_v_name(w, wname), mica_v_shape(w, shape));
    if (in->dims[3] < 1 || out_c % in->dims[3])
        return mica_v_fail(
            c, "filter '%s' has %lld channels, not a multiple of the %d channels of input '%s'",
            mica_v_name(w, wname), (long long)out_c, in->dims[3], mica_v_name(in, name));
    if (check_filter_bias(c, w, w->dims[1], w->dims[2], out_c))
        return -1;
    return expect_window(c, &win, w->dims[1], w->dims[2], out_c);
}

int mica_vrule_pool(const mica_vctx_t *c) {
    window_t win;
    int64_t fw, fh;
    if (read_window(c, &pool_fields, &win) ||
        mica_v_window_param(c, TFL_POOL_FILTER_W, "filter_width", &fw) ||
        mica_v_window_param(c, TFL_POOL_FILTER_H, "filter_height", &fh) ||
        mica_v_rank(c, 0, "input", 4, 4))
        return -1;
    return expect_window(c, &win, fh, fw, mica_v_in(c, 0)->dims[3]);
}

int mica_vrule_fully_connected(const mica_vctx_t *c) {
    int64_t format = tfl_opt_int(c->op, TFL_FC_WEIGHTS_FORMAT, 0),
            keep = tfl_opt_int(c->op, TFL_FC_KEEP_NUM_DIMS, 0);
    if (mica_v_activation(c, TFL_FC_ACTIVATION) || mica_v_rank(c, 1, "filter", 2, 2))
        return -1;
    if (format != 0 && format != 1)
        return mica_v_fail(c, "weights_format %lld is not DEFAULT (0) or SHUFFLED4x16INT8 (1)",
                           (long long)format);
    const tfl_tensor_t *in = mica_v_in(c, 0), *w = mica_v_in(c, 1);
    int64_t depth = w->dims[1], units = w->dims[0], n = tfl_tensor_elements(in), dims[TFL_MAX_RANK];
    char name[MICA_VNAME], wname[MICA_VNAME], shape[MICA_VDIMS], how[160];
    if (check_filter_bias(c, w, depth, 1, units))
        return -1;
    if (in->rank < 1)
        return mica_v_fail(c, "input '%s' is a scalar; rank >= 1 expected", mica_v_name(in, name));
    if (keep && in->dims[in->rank - 1] != depth)
        return mica_v_fail(c, "keep_num_dims: input '%s' %s ends in %d, filter '%s' takes %lld",
                           mica_v_name(in, name), mica_v_shape(in, shape), in->dims[in->rank - 1],
                           mica_v_name(w, wname), (long long)depth);
    if (n % depth)
        return mica_v_fail(
            c, "input '%s' %s has %lld elements, not a multiple of filter '%s' depth %lld",
            mica_v_name(in, name), mica_v_shape(in, shape), (long long)n, mica_v_name(w, wname),
            (long long)depth);
    mica_v_dims_of(in, dims);
    int rank = keep ? in->rank : 2;
    if (!keep)
        dims[0] = n / depth;
    dims[rank - 1] = units;
    snprintf(how, sizeof how, "a %lldx%lld filter (keep_num_dims %s) on %s", (long long)units,
             (long long)depth, keep ? "true" : "false", mica_v_shape(in, shape));
    return mica_v_expect(c, dims, rank, how);
}

/* ---- element-wise ---- */

/* ADD, SUB, MUL, MAXIMUM, MINIMUM: numpy broadcasting of the two inputs (right-aligned). */
int mica_vrule_broadcast(const mica_vctx_t *c) {
    int b = c->op->builtin;
    if ((b == TFL_OP_ADD || b == TFL_OP_SUB || b == TFL_OP_MUL) && mica_v_activation(c, 0))
        return -1; /* field 0 */
    const tfl_tensor_t *x = mica_v_in(c, 0), *y = mica_v_in(c, 1);
    int rank = x->rank > y->rank ? x->rank : y->rank;
    int64_t dims[TFL_MAX_RANK];
    char xn[MICA_VNAME], yn[MICA_VNAME], xs[MICA_VDIMS], ys[MICA_VDIMS], how[2 * MICA_VDIMS + 32];
    for (int d = rank - 1; d >= 0; d--) {
        int dx = d - (rank - x->rank), dy = d - (rank - y->rank);
        int64_t a = dx >= 0 ? x->dims[dx] : 1, e = dy >= 0 ? y->dims[dy] : 1;
        if (a != e && a != 1 && e != 1)
            return mica_v_fail(c, "inputs '%s' %s and '%s' %s do not broadcast (%lld vs %lld)",
                               mica_v_name(x, xn), mica_v_shape(x, xs), mica_v_name(y, yn),
                               mica_v_shape(y, ys), (long long)a, (long long)e);
        dims[d] = a == 1 ? e : a;
    }
    snprintf(how, sizeof how, "broadcasting %s with %s", mica_v_shape(x, xs), mica_v_shape(y, ys));
    return mica_v_expect(c, dims, rank, how);
}

/* Unary element-wise operators, QUANTIZE and SOFTMAX keep the input's shape. */
int mica_vrule_same_shape(const mica_vctx_t *c) {
    const tfl_tensor_t *in = mica_v_in(c, 0);
    if (c->op->builtin == TFL_OP_SOFTMAX && mica_v_rank(c, 0, "input", 1, TFL_MAX_RANK))
        return -1;
    int64_t dims[TFL_MAX_RANK];
    char how[MICA_VDIMS + 40], shape[MICA_VDIMS];
    mica_v_dims_of(in, dims);
    snprintf(how, sizeof how, "%s of %s", tfl_builtin_name(c->op->builtin),
             mica_v_shape(in, shape));
    return mica_v_expect(c, dims, in->rank, how);
}
