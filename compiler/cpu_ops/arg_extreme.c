/* ARG_MAX and ARG_MIN on the CPU (driver/core/kernels/arg_extreme.c): int8 input, a constant
 * axis, an int32 or int64 index output (a model output: Mica keeps other types at the edges). */
#include "cpu_util.h"

static int arg_extreme(const tfl_model_t *m, const tfl_op_t *op, int want_min, mica_buf_t *params,
                       char *err, size_t errlen) {
    const char *name = want_min ? "ARG_MIN" : "ARG_MAX";
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in))
        REJECT("%s: input must be int8 with one scale", name);
    if (!out || (out->type != TFL_TYPE_INT32 && out->type != TFL_TYPE_INT64))
        REJECT("%s: output must be int32 or int64", name);
    int32_t axis;
    if (mica_const_ints(mica_op_tensor(m, op, 1), &axis, 1) != 1)
        REJECT("%s: the axis must be one constant", name);
    int a = axis < 0 ? axis + in->rank : axis;
    if (a < 0 || a >= in->rank)
        REJECT("%s: axis %d out of range", name, axis);
    mica_arg_params_t p = {1, in->dims[a], 1, want_min, out->type == TFL_TYPE_INT64 ? 8 : 4};
    for (int d = 0; d < a; d++)
        p.outer *= in->dims[d];
    for (int d = a + 1; d < in->rank; d++)
        p.inner *= in->dims[d];
    if ((int64_t)p.outer * p.inner != mica_tensor_elements(out))
        REJECT("%s: output size does not match", name);
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_arg_max(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                         size_t errlen) {
    return arg_extreme(m, op, 0, params, err, errlen);
}

int mica_prepare_arg_min(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                         size_t errlen) {
    return arg_extreme(m, op, 1, params, err, errlen);
}
