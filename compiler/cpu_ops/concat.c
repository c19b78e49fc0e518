/* CONCATENATION on the CPU: TFLite's int8 kernel requires all inputs to share the output's scale
 * and zero point and copies bytes; constants are embedded after the parameter struct. int16 and
 * int32 (inside the graph) copy the same way, chunks in bytes. */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"
#include "int32.h"

int mica_concat_emit(const tfl_model_t *m, const tfl_op_t *op, const char *name,
                     mica_concat_params_t *p, mica_buf_t *params, char *err, size_t errlen) {
    size_t start = params->len;
    if (mica_buf_append(params, p, sizeof *p))
        REJECT("out of memory");
    for (int k = 0; k < op->ninputs; k++) {
        const tfl_tensor_t *t = mica_op_tensor(m, op, k);
        int width = mica_copy_width(t);
        if (t->data &&
            (width == 1 ? mica_append_const(params, start, t, &p->const_off[k], &p->const_len[k])
                        : mica_append_const_width(params, start, t, width, &p->const_off[k],
                                                  &p->const_len[k])))
            REJECT("%s: constant input %d is truncated", name, k);
    }
    memcpy(params->data + start, p, sizeof *p); /* now with the constants' places */
    return 0;
}

int mica_prepare_concat(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                        size_t errlen) {
    const tfl_tensor_t *out = mica_op_output(m, op, 0);
    int width = mica_copy_width(out);
    if (!width)
        REJECT("CONCATENATION: output must be int8 (or int16, int32) with one scale");
    if (op->ninputs < 1 || op->ninputs > MICA_CONCAT_MAX_IN)
        REJECT("CONCATENATION: 1..%d inputs supported", MICA_CONCAT_MAX_IN);
    if (tfl_opt_int(op, TFL_CONCAT_ACTIVATION, 0) != 0)
        REJECT("CONCATENATION: fused activation is not supported");
    int axis = (int)tfl_opt_int(op, TFL_CONCAT_AXIS, 0);
    if (axis < 0)
        axis += out->rank;
    if (axis < 0 || axis >= out->rank)
        REJECT("CONCATENATION: axis out of range");
    mica_concat_params_t p;
    memset(&p, 0, sizeof p);
    p.ninputs = op->ninputs;
    int64_t outer = 1, inner = 1, along = 0;
    for (int d = 0; d < axis; d++)
        outer *= out->dims[d];
    for (int d = axis + 1; d < out->rank; d++)
        inner *= out->dims[d];
    for (int k = 0; k < op->ninputs; k++) {
        const tfl_tensor_t *t = mica_op_tensor(m, op, k);
        if (!t || t->type != out->type || mica_copy_width(t) != width || t->rank != out->rank)
            REJECT("CONCATENATION: input %d must be of the output's type and rank", k);
        if (width != 4 && (t->zero_point[0] != out->zero_point[0] || t->scale[0] != out->scale[0]))
            REJECT("CONCATENATION: input %d's quantization differs from the output's (TFLite "
                   "requires equal)",
                   k);
        for (int d = 0; d < out->rank; d++)
            if (d != axis && t->dims[d] != out->dims[d])
                REJECT("CONCATENATION: input %d's shape does not match", k);
        if (t->dims[axis] < 1)
            REJECT("CONCATENATION: empty input %d", k);
        p.chunk[k] = (int32_t)(t->dims[axis] * inner * width);
        along += t->dims[axis];
    }
    if (along != out->dims[axis] || outer < 1 || outer > INT32_MAX)
        REJECT("CONCATENATION: output size does not match");
    p.outer = (int32_t)outer;
    return mica_concat_emit(m, op, "CONCATENATION", &p, params, err, errlen);
}
