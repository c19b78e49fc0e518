/* PAD / PADV2 on the CPU: constant padding with the output zero point (PAD) or PADV2's value. */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

int mica_prepare_pad(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *pads = mica_op_tensor(m, op, 1),
                       *out = mica_op_output(m, op, 0);
    const tfl_tensor_t *value = op->ninputs > 2 ? mica_op_tensor(m, op, 2) : NULL;
    if (!mica_elem_width(in) || in->type != out->type || !mica_elem_width(out))
        REJECT("PAD: input and output must be int8 (or int16) with one scale");
    if (in->rank != out->rank || in->rank > MICA_MAX_RANK)
        REJECT("PAD: rank must be at most %d", MICA_MAX_RANK);
    int32_t v[2 * MICA_MAX_RANK];
    if (!pads || mica_const_ints(pads, v, 2 * MICA_MAX_RANK) != 2 * in->rank)
        REJECT("PAD: paddings must be a constant [rank, 2] tensor");
    mica_pad_params_t p;
    memset(&p, 0, sizeof p);
    p.rank = in->rank;
    for (int d = 0; d < in->rank; d++) {
        p.in_dims[d] = in->dims[d];
        p.before[d] = v[2 * d];
        p.out_dims[d] = out->dims[d];
        if (v[2 * d] < 0 || v[2 * d + 1] < 0 ||
            (int64_t)in->dims[d] + v[2 * d] + v[2 * d + 1] != out->dims[d])
            REJECT("PAD: negative or inconsistent paddings");
    }
    if (p.rank == 0) {
        p.rank = 1;
        p.in_dims[0] = p.out_dims[0] = 1;
    }
    p.pad_value = (int32_t)out->zero_point[0];
    if (value && out->type == TFL_TYPE_INT16) {
        int16_t v16;
        if (!value->data || value->type != TFL_TYPE_INT16 || value->data_size < 2)
            REJECT("PADV2: the pad value must be a constant int16 (the input's type)");
        memcpy(&v16, value->data, 2);
        p.pad_value = v16;
    } else if (value) {
        if (!value->data || value->type != TFL_TYPE_INT8 || value->data_size < 1)
            REJECT("PADV2: the pad value must be a constant int8");
        p.pad_value = (int8_t)value->data[0];
    }
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
