/* PACK (CONCATENATION along a new axis: the concat kernel) and SPLIT / SPLIT_V / UNPACK (the split
 * kernel) on the CPU. TFLite's int8 kernels copy bytes: PACK requires the inputs to share the
 * output's quantization; the splits copy whatever they are given. */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

static int64_t product(const int32_t *dims, int from, int to) {
    int64_t n = 1;
    for (int d = from; d < to; d++)
        n *= dims[d];
    return n;
}

int mica_prepare_pack(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    const tfl_tensor_t *out = mica_op_output(m, op, 0), *in0 = mica_op_tensor(m, op, 0);
    if (!mica_is_int8_q(out) || !in0 || op->ninputs < 1 || op->ninputs > MICA_CONCAT_MAX_IN)
        REJECT("PACK: 1..%d int8 inputs with one scale", MICA_CONCAT_MAX_IN);
    int axis = (int)tfl_opt_int(op, 1, 0); /* PackOptions.axis */
    axis = axis < 0 ? axis + out->rank : axis;
    if (axis < 0 || axis >= out->rank || out->rank != in0->rank + 1)
        REJECT("PACK: axis out of range");
    mica_concat_params_t p;
    memset(&p, 0, sizeof p);
    p.ninputs = op->ninputs;
    p.outer = (int32_t)product(out->dims, 0, axis);
    for (int k = 0; k < op->ninputs; k++) {
        const tfl_tensor_t *t = mica_op_tensor(m, op, k);
        if (!mica_is_int8_q(t) || t->rank != in0->rank ||
            memcmp(t->dims, in0->dims, sizeof t->dims) || t->scale[0] != out->scale[0] ||
            t->zero_point[0] != out->zero_point[0])
            REJECT("PACK: input %d must be int8 of input 0's shape and the output's quantization",
                   k);
        p.chunk[k] = (int32_t)product(t->dims, axis, t->rank);
    }
    return mica_concat_emit(m, op, "PACK", &p, params, err, errlen);
}

/* The data input and the split axis of SPLIT (axis tensor, data), SPLIT_V (data, sizes, axis
 * tensor) or UNPACK (data; UnpackOptions.axis). */
static int split_axis(const tfl_model_t *m, const tfl_op_t *op, const tfl_tensor_t **in, int *axis,
                      char *err, size_t errlen) {
    int32_t a = 0;
    const tfl_tensor_t *axis_t = op->builtin == TFL_OP_SPLIT     ? mica_op_tensor(m, op, 0)
                                 : op->builtin == TFL_OP_SPLIT_V ? mica_op_tensor(m, op, 2)
                                                                 : NULL;
    *in = mica_op_tensor(m, op, op->builtin == TFL_OP_SPLIT ? 1 : 0);
    if (axis_t ? mica_const_ints(axis_t, &a, 1) != 1 : 0)
        REJECT("%s: the axis must be a constant", tfl_builtin_name(op->builtin));
    if (!axis_t)
        a = (int32_t)tfl_opt_int(op, 1, 0); /* UnpackOptions.axis */
    if (!mica_elem_width(*in))
        REJECT("%s: input must be int8 (or int16) with one scale", tfl_builtin_name(op->builtin));
    *axis = a < 0 ? a + (*in)->rank : a;
    if (*axis < 0 || *axis >= (*in)->rank)
        REJECT("%s: axis %d out of range", tfl_builtin_name(op->builtin), a);
    return 0;
}

int mica_prepare_split(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                       size_t errlen) {
    const tfl_tensor_t *in;
    int axis;
    if (split_axis(m, op, &in, &axis, err, errlen))
        return -1;
    if (op->noutputs < 1 || op->noutputs > MICA_KERNEL_MAX_IO)
        REJECT("%s: 1..%d outputs supported (has %d)", tfl_builtin_name(op->builtin),
               MICA_KERNEL_MAX_IO, op->noutputs);
    mica_split_params_t p;
    memset(&p, 0, sizeof p);
    p.noutputs = op->noutputs;
    p.outer = (int32_t)product(in->dims, 0, axis);
    int64_t along = 0, inner = product(in->dims, axis + 1, in->rank);
    for (int k = 0; k < op->noutputs; k++) {
        const tfl_tensor_t *o = mica_op_output(m, op, k);
        int64_t n = o ? mica_tensor_elements(o) : 0;
        if (!o || n < 1 || n % (p.outer * inner) || o->type != in->type)
            REJECT("%s: output %d does not fit the input", tfl_builtin_name(op->builtin), k);
        p.chunk[k] = (int32_t)(n / p.outer * mica_elem_width(in));
        along += n / (p.outer * inner);
    }
    if (along != in->dims[axis])
        REJECT("%s: the outputs do not add up to the input's axis", tfl_builtin_name(op->builtin));
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
