/* REDUCE_MAX and REDUCE_MIN on the CPU (driver/core/kernels/reduce_extreme.c): int8 with the
 * output's quantization equal to the input's (TFLite's int8 kernels compare raw values). */
#include <string.h>
#include "cpu_util.h"

static int reduce_extreme(const tfl_model_t *m, const tfl_op_t *op, int want_min,
                          mica_buf_t *params, char *err, size_t errlen) {
    const char *name = want_min ? "REDUCE_MIN" : "REDUCE_MAX";
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("%s: input and output must be int8 with one scale", name);
    if (in->scale[0] != out->scale[0] || in->zero_point[0] != out->zero_point[0])
        REJECT("%s: output quantization differs from the input's (TFLite's int8 kernel requires "
               "equal)",
               name);
    mica_reduce_layout_t L;
    int64_t n;
    if (mica_reduce_layout(m, op, name, &L, &n, err, errlen))
        return -1;
    if (n < 1 || mica_tensor_elements(out) * n != mica_tensor_elements(in))
        REJECT("%s: output size does not match", name);
    mica_reduce_params_t p;
    memset(&p, 0, sizeof p);
    p.want_min = want_min;
    p.out_rank = L.out_rank;
    p.red_rank = L.red_rank;
    memcpy(p.out_dims, L.out_dims, sizeof p.out_dims);
    memcpy(p.out_strides, L.out_strides, sizeof p.out_strides);
    memcpy(p.red_dims, L.red_dims, sizeof p.red_dims);
    memcpy(p.red_strides, L.red_strides, sizeof p.red_strides);
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_reduce_max(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                            size_t errlen) {
    return reduce_extreme(m, op, 0, params, err, errlen);
}

int mica_prepare_reduce_min(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                            size_t errlen) {
    return reduce_extreme(m, op, 1, params, err, errlen);
}
