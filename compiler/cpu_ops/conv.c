/* CONV_2D and DEPTHWISE_CONV_2D on the CPU: shapes, TF padding and TFLite's per-channel
 * multipliers (PopulateConvolutionQuantizationParams: double(s_in) * double(s_w) / double(s_out)).
 * int8, or 16x8: int16 activations with zero point 0, int64 bias (in the int32 range here), shift
 * at most 7 (TFLite's int64 MultiplyByQuantizedMultiplier). */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "quant.h"

static int is_16x8(const tfl_tensor_t *in, const tfl_tensor_t *out) {
    return mica_is_int16_q(in) && mica_is_int16_q(out) && in->zero_point[0] == 0 &&
           out->zero_point[0] == 0;
}

/* Common checks; fills everything of p except filter_c. */
static int conv_common(const tfl_model_t *m, const tfl_op_t *op, int dw, mica_conv_params_t *p,
                       const tfl_tensor_t **w_out, char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *w = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    const char *name = dw ? "DEPTHWISE_CONV_2D" : "CONV_2D";
    if (!(mica_is_int8_q(in) && mica_is_int8_q(out)) && !is_16x8(in, out))
        REJECT("%s: input and output must be int8 with one scale, or int16 with zero point 0",
               name);
    if (in->rank != 4 || out->rank != 4)
        REJECT("%s: input and output must be NHWC (rank 4)", name);
    if (!w || !w->data || w->type != TFL_TYPE_INT8 || w->rank != 4 || w->is_sparse ||
        w->quant_details_type)
        REJECT("%s: weights must be a constant dense int8 tensor of rank 4", name);
    int32_t out_c = out->dims[3];
    int qdim = dw ? 3 : 0;
    if (w->nquant != 1 && !(w->nquant == out_c && w->quant_dim == qdim))
        REJECT("%s: weights need per-tensor or per-output-channel scales", name);
    for (int i = 0; i < w->nquant; i++)
        if (w->zero_point[i] != 0 || !mica_weight_scale_ok(w->scale[i]))
            REJECT("weights '%.32s' channel %d have scale %g and zero point %lld (symmetric, "
                   "finite scales >= 0 are "
                   "supported)",
                   w->name, i, (double)w->scale[i], (long long)w->zero_point[i]);
    if ((dw ? w->dims[3] : w->dims[0]) != out_c)
        REJECT("%s: weights do not match %d output channels", name, out_c);
    memset(p, 0, sizeof *p);
    p->batches = in->dims[0];
    p->in_h = in->dims[1];
    p->in_w = in->dims[2];
    p->in_c = in->dims[3];
    p->out_h = out->dims[1];
    p->out_w = out->dims[2];
    p->out_c = out_c;
    p->k_h = w->dims[1];
    p->k_w = w->dims[2];
    p->stride_w = (int32_t)tfl_opt_int(op, dw ? TFL_DWCONV_STRIDE_W : TFL_CONV2D_STRIDE_W, 1);
    p->stride_h = (int32_t)tfl_opt_int(op, dw ? TFL_DWCONV_STRIDE_H : TFL_CONV2D_STRIDE_H, 1);
    p->dil_w = (int32_t)tfl_opt_int(op, dw ? TFL_DWCONV_DILATION_W : TFL_CONV2D_DILATION_W, 1);
    p->dil_h = (int32_t)tfl_opt_int(op, dw ? TFL_DWCONV_DILATION_H : TFL_CONV2D_DILATION_H, 1);
    if (p->stride_w < 1 || p->stride_h < 1 || p->dil_w < 1 || p->dil_h < 1 || p->stride_w > 65535 ||
        p->stride_h > 65535 || p->dil_w > 65535 || p->dil_h > 65535)
        REJECT("%s: strides and dilations must be 1..65535", name);
    if (out->dims[0] != p->batches)
        REJECT("%s: batch changes between input and output", name);
    p->pad_top = mica_conv_pad(p->in_h, p->out_h, p->k_h, p->stride_h, p->dil_h);
    p->pad_left = mica_conv_pad(p->in_w, p->out_w, p->k_w, p->stride_w, p->dil_w);
    p->in_zp = (int32_t)in->zero_point[0];
    p->out_zp = (int32_t)out->zero_point[0];
    int act = (int)tfl_opt_int(op, dw ? TFL_DWCONV_ACTIVATION : TFL_CONV2D_ACTIVATION, 0);
    if (mica_fused_range(act, out, &p->act_min, &p->act_max, err, errlen))
        return -1;
    *w_out = w;
    return 0;
}

/* Appends the header, per-channel bias/multiplier/shift and the weights. */
static int conv_emit(const tfl_model_t *m, const tfl_op_t *op, const mica_conv_params_t *p,
                     const tfl_tensor_t *w, mica_buf_t *params, char *err, size_t errlen) {
    const tfl_tensor_t *bias = op->ninputs > 2 ? mica_op_tensor(m, op, 2) : NULL;
    return mica_conv_emit(op, p, mica_op_tensor(m, op, 0), w, bias, mica_op_output(m, op, 0),
                          params, err, errlen);
}

int mica_conv_emit(const tfl_op_t *op, const mica_conv_params_t *p, const tfl_tensor_t *in,
                   const tfl_tensor_t *w, const tfl_tensor_t *bias, const tfl_tensor_t *out,
                   mica_buf_t *params, char *err, size_t errlen) {
    int wide = is_16x8(in, out);
    int bias_type = wide ? TFL_TYPE_INT64 : TFL_TYPE_INT32;
    size_t bias_size = wide ? 8 : 4;
    if (bias && (!bias->data || bias->type != bias_type || mica_tensor_elements(bias) != p->out_c ||
                 bias->data_size < bias_size * (size_t)p->out_c))
        REJECT("bias must be a constant %s vector of %d", tfl_type_name(bias_type), p->out_c);
    if (w->data_size < (size_t)mica_tensor_elements(w))
        REJECT("weights data is truncated");
    if (mica_buf_append(params, p, sizeof *p))
        REJECT("out of memory");
    for (int32_t o = 0; o < p->out_c; o++) {
        mica_chan_quant_t q = {0, 0, 0};
        if (bias && mica_bias_row32(bias, o, tfl_builtin_name(op->builtin), &q.bias, err, errlen))
            return -1;
        double real =
            (double)in->scale[0] * (double)w->scale[w->nquant == 1 ? 0 : o] / (double)out->scale[0];
        int shift;
        if (mica_checked_multiplier(real, tfl_builtin_name(op->builtin), in, w, o, out, &q.mult,
                                    &shift, err, errlen))
            return -1;
        q.shift = shift;
        if (wide && shift > 7)
            REJECT("%s: channel %d's multiplier %g is 2^%d or more; TFLite's 16x8 requantization "
                   "takes shifts up to 7",
                   tfl_builtin_name(op->builtin), o, real, shift);
        if (mica_buf_append(params, &q, sizeof q))
            REJECT("out of memory");
    }
    if (mica_buf_append(params, w->data, (size_t)mica_tensor_elements(w)))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_conv2d(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                        size_t errlen) {
    mica_conv_params_t p;
    const tfl_tensor_t *w;
    if (conv_common(m, op, 0, &p, &w, err, errlen))
        return -1;
    p.filter_c = w->dims[3];
    if (p.filter_c < 1 || p.in_c % p.filter_c || p.out_c % (p.in_c / p.filter_c))
        REJECT("CONV_2D: filter depth %d does not divide input depth %d into groups", p.filter_c,
               p.in_c);
    return conv_emit(m, op, &p, w, params, err, errlen);
}

int mica_prepare_depthwise_conv2d(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                  char *err, size_t errlen) {
    mica_conv_params_t p;
    const tfl_tensor_t *w;
    if (conv_common(m, op, 1, &p, &w, err, errlen))
        return -1;
    if (w->dims[0] != 1 || p.in_c < 1 || p.out_c % p.in_c)
        REJECT("DEPTHWISE_CONV_2D: output depth must be a multiple of the input depth");
    p.filter_c = p.out_c / p.in_c; /* the depth multiplier */
    return conv_emit(m, op, &p, w, params, err, errlen);
}
