/* GATHER on the CPU (driver/core/kernels/take.c): int8 params, constant int32/int64 indices,
 * batch_dims 0; an index outside the axis is refused here (TFLite fails at run time). */
#include <string.h>
#include "cpu_util.h"

#define TAKE_MAX_INDICES 65536

int mica_prepare_gather(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                        size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *ix = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("GATHER: params and output must be int8 with one scale");
    if (!ix || !ix->data || (ix->type != TFL_TYPE_INT32 && ix->type != TFL_TYPE_INT64))
        REJECT("GATHER: indices must be a constant int32 or int64 tensor (run-time indices are "
               "not supported)");
    if (tfl_opt_int(op, 1, 0) != 0) /* GatherOptions.batch_dims */
        REJECT("GATHER: batch_dims must be 0");
    int axis = (int)tfl_opt_int(op, 0, 0);
    axis = axis < 0 ? axis + in->rank : axis;
    if (axis < 0 || axis >= in->rank)
        REJECT("GATHER: axis out of range");
    int64_t count = mica_tensor_elements(ix), size = ix->type == TFL_TYPE_INT32 ? 4 : 8;
    if (count < 1 || count > TAKE_MAX_INDICES || ix->data_size != (size_t)(count * size))
        REJECT("GATHER: 1..%d indices supported", TAKE_MAX_INDICES);
    mica_take_params_t p = {1, in->dims[axis], 1, (int32_t)count};
    for (int d = 0; d < axis; d++)
        p.outer *= in->dims[d];
    for (int d = axis + 1; d < in->rank; d++)
        p.inner *= in->dims[d];
    if ((int64_t)p.outer * count * p.inner != mica_tensor_elements(out))
        REJECT("GATHER: output size does not match");
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    for (int64_t i = 0; i < count; i++) {
        int64_t v = 0;
        if (size == 4) {
            int32_t v32;
            memcpy(&v32, ix->data + 4 * i, 4);
            v = v32;
        } else {
            memcpy(&v, ix->data + 8 * i, 8);
        }
        if (v < 0 || v >= p.axis_len)
            REJECT("GATHER: index %lld is outside 0..%d", (long long)v, p.axis_len - 1);
        int32_t k = (int32_t)v;
        if (mica_buf_append(params, &k, 4))
            REJECT("out of memory");
    }
    return 0;
}
