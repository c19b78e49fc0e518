/* TRANSPOSE_CONV int8 on the CPU (driver/core/kernels/transpose_conv.c): inputs output_shape
 * (constant), weights [out_c][k_h][k_w][in_c] (constant, symmetric, per-tensor or per-output-
 * channel scales), the int8 input and an optional int32 bias; or 16x8 (transpose_conv16.c): int16
 * input and output with zero point 0, an optional int64 bias (rows in the int32 range). Padding as TFLite's
 * transpose_conv.cc computes it: ComputePaddingHeightWidth with the output as the "input". */
#include "cpu_util.h"
#include "int16.h"

static int32_t tconv_pad(int same, int32_t out_size, int32_t k, int32_t stride) {
    int32_t grid = same ? (out_size + stride - 1) / stride : (out_size - k + stride) / stride;
    return mica_conv_pad(out_size, grid, k, stride, 1);
}

int mica_tconv_shape(const tfl_model_t *m, const tfl_op_t *op, mica_conv_params_t *p, char *err,
                     size_t errlen) {
    const tfl_tensor_t *shape = mica_op_tensor(m, op, 0), *w = mica_op_tensor(m, op, 1),
                       *in = mica_op_tensor(m, op, 2), *out = mica_op_output(m, op, 0);
    int32_t dims[4];
    if (!shape || !shape->data || mica_const_ints(shape, dims, 4) != 4)
        REJECT("TRANSPOSE_CONV: output_shape must be a constant int32 vector of 4");
    for (int d = 0; d < 4; d++)
        if (dims[d] != out->dims[d])
            REJECT("TRANSPOSE_CONV: output_shape[%d] is %d but the output tensor has %d", d,
                   dims[d], out->dims[d]);
    if (in->dims[0] != out->dims[0] || w->dims[3] != in->dims[3] || w->dims[0] != out->dims[3])
        REJECT("TRANSPOSE_CONV: weights [%d,%d,%d,%d] do not fit input depth %d, output depth %d"
               " (or the batch changes)",
               w->dims[0], w->dims[1], w->dims[2], w->dims[3], in->dims[3], out->dims[3]);
    *p = (mica_conv_params_t){.batches = in->dims[0],
                              .in_h = in->dims[1],
                              .in_w = in->dims[2],
                              .in_c = in->dims[3],
                              .out_h = out->dims[1],
                              .out_w = out->dims[2],
                              .out_c = out->dims[3],
                              .k_h = w->dims[1],
                              .k_w = w->dims[2],
                              .dil_h = 1,
                              .dil_w = 1,
                              .filter_c = in->dims[3]};
    int same = tfl_opt_int(op, TFL_TCONV_PADDING, 0) == TFL_PADDING_SAME;
    p->stride_w = (int32_t)tfl_opt_int(op, TFL_TCONV_STRIDE_W, 1);
    p->stride_h = (int32_t)tfl_opt_int(op, TFL_TCONV_STRIDE_H, 1);
    if (p->stride_w < 1 || p->stride_h < 1 || p->stride_w > 65535 || p->stride_h > 65535)
        REJECT("TRANSPOSE_CONV: strides %dx%d; 1..65535 supported", p->stride_h, p->stride_w);
    p->pad_top = tconv_pad(same, p->out_h, p->k_h, p->stride_h);
    p->pad_left = tconv_pad(same, p->out_w, p->k_w, p->stride_w);
    p->in_zp = (int32_t)in->zero_point[0];
    p->out_zp = (int32_t)out->zero_point[0];
    return mica_fused_range((int)tfl_opt_int(op, TFL_TCONV_ACTIVATION, 0), out, &p->act_min,
                            &p->act_max, err, errlen);
}

int mica_prepare_transpose_conv(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                char *err, size_t errlen) {
    const tfl_tensor_t *w = mica_op_tensor(m, op, 1), *in = mica_op_tensor(m, op, 2),
                       *bias = mica_op_tensor(m, op, 3), *out = mica_op_output(m, op, 0);
    int x16 = mica_is_int16_q(in) && mica_is_int16_q(out) && in->zero_point[0] == 0 &&
              out->zero_point[0] == 0; /* 16x8: mica_conv_emit takes its int64 bias */
    if (!(mica_is_int8_q(in) && mica_is_int8_q(out)) && !x16)
        REJECT("TRANSPOSE_CONV: input and output must be int8 with one scale, or int16 with zero "
               "point 0 (16x8)");
    if (in->rank != 4 || out->rank != 4)
        REJECT("TRANSPOSE_CONV: input and output must be NHWC (rank 4)");
    if (!w || !w->data || w->type != TFL_TYPE_INT8 || w->rank != 4 || w->is_sparse ||
        w->quant_details_type)
        REJECT("TRANSPOSE_CONV: weights must be a constant dense int8 tensor of rank 4");
    if (w->nquant != 1 && !(w->nquant == out->dims[3] && w->quant_dim == 0))
        REJECT("TRANSPOSE_CONV: weights need per-tensor or per-output-channel (dimension 0) "
               "scales, have %d on dimension %d",
               w->nquant, w->quant_dim);
    for (int i = 0; i < w->nquant; i++)
        if (w->zero_point[i] != 0)
            REJECT("TRANSPOSE_CONV: weights channel %d has zero point %lld (symmetric only)", i,
                   (long long)w->zero_point[i]);
    mica_conv_params_t p;
    if (mica_tconv_shape(m, op, &p, err, errlen))
        return -1;
    return mica_conv_emit(op, &p, in, w, bias, out, params, err, errlen);
}
