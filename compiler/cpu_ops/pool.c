/* AVERAGE_POOL_2D / MAX_POOL_2D on the CPU, int8 and int16 (TFLite pooling: input and output share
 * quantization; the int16 kernels sum in int32 as TFLite Micro does, so at most 65535 taps). */
#include <math.h>
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

static int prepare_pool(const tfl_model_t *m, const tfl_op_t *op, int is_max, mica_buf_t *params,
                        char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    const char *name = is_max ? "MAX_POOL_2D" : "AVERAGE_POOL_2D";
    int width = mica_elem_width(in);
    if (!width || in->type != out->type || !mica_elem_width(out))
        REJECT("%s: input and output must be int8 (or int16) with one scale", name);
    if (in->rank != 4 || out->rank != 4 || in->dims[0] != out->dims[0] ||
        in->dims[3] != out->dims[3])
        REJECT("%s: input and output must be NHWC with the same batch and channels", name);
    if (in->zero_point[0] != out->zero_point[0] || fabsf(in->scale[0] - out->scale[0]) > 1e-6f)
        REJECT("input '%.32s' (scale %g, zero point %lld) and output '%.32s' (scale %g, zero point "
               "%lld) differ; "
               "TFLite's %s requires them equal",
               in->name, (double)in->scale[0], (long long)in->zero_point[0], out->name,
               (double)out->scale[0], (long long)out->zero_point[0], name);
    mica_pool_params_t p;
    memset(&p, 0, sizeof p);
    p.is_max = is_max;
    p.batches = in->dims[0];
    p.in_h = in->dims[1];
    p.in_w = in->dims[2];
    p.ch = in->dims[3];
    p.out_h = out->dims[1];
    p.out_w = out->dims[2];
    p.stride_w = (int32_t)tfl_opt_int(op, TFL_POOL_STRIDE_W, 1);
    p.stride_h = (int32_t)tfl_opt_int(op, TFL_POOL_STRIDE_H, 1);
    p.f_w = (int32_t)tfl_opt_int(op, TFL_POOL_FILTER_W, 1);
    p.f_h = (int32_t)tfl_opt_int(op, TFL_POOL_FILTER_H, 1);
    if (p.stride_w < 1 || p.stride_h < 1 || p.f_w < 1 || p.f_h < 1 || p.stride_w > 65535 ||
        p.stride_h > 65535 || p.f_w > 65535 || p.f_h > 65535 || (int64_t)p.f_w * p.f_h > (1 << 23))
        REJECT("%s: filter or stride out of range", name);
    if (width == 2 && (int64_t)p.f_w * p.f_h > 65535)
        REJECT("%s: an int16 filter of %d x %d taps; up to 65535 taps (the int32 sum)", name, p.f_h,
               p.f_w);
    p.pad_top = mica_conv_pad(p.in_h, p.out_h, p.f_h, p.stride_h, 1);
    p.pad_left = mica_conv_pad(p.in_w, p.out_w, p.f_w, p.stride_w, 1);
    int act = (int)tfl_opt_int(op, TFL_POOL_ACTIVATION, 0);
    if (mica_fused_range(act, out, &p.act_min, &p.act_max, err, errlen))
        return -1;
    return mica_buf_append(params, &p, sizeof p) ? (snprintf(err, errlen, "out of memory"), -1) : 0;
}

int mica_prepare_average_pool(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                              char *err, size_t errlen) {
    return prepare_pool(m, op, 0, params, err, errlen);
}

int mica_prepare_max_pool(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                          size_t errlen) {
    return prepare_pool(m, op, 1, params, err, errlen);
}
