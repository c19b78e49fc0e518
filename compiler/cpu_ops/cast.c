/* CAST on the CPU (driver/core/kernels/cast.c): between int8 or int16 and int8, int16, int32 or
 * float32 (TFLite's static_cast of raw values; float32 saturates). An int32 / float32 side, and an
 * int8 / int16 side without quantization, is a model input or output (lower.c's edge rule). */
#include "cpu_util.h"

static int cast_type(int tfl_type) {
    return tfl_type == TFL_TYPE_INT8      ? MICA_CAST_INT8
           : tfl_type == TFL_TYPE_INT16   ? MICA_CAST_INT16
           : tfl_type == TFL_TYPE_INT32   ? MICA_CAST_INT32
           : tfl_type == TFL_TYPE_FLOAT32 ? MICA_CAST_FLOAT32
                                          : -1;
}

static int narrow(int cast_type) {
    return cast_type == MICA_CAST_INT8 || cast_type == MICA_CAST_INT16;
}

int mica_prepare_cast(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || !out || in->data)
        REJECT("CAST: needs a run-time input and an output");
    mica_cast_params_t p = {(uint32_t)mica_tensor_elements(in), cast_type(in->type),
                            cast_type(out->type)};
    if (p.in_type < 0 || p.out_type < 0 || (!narrow(p.in_type) && !narrow(p.out_type)))
        REJECT("CAST: %s -> %s; int8/int16 -> int8/int16/int32/float32 and int32/float32 -> "
               "int8/int16 supported",
               tfl_type_name(in->type), tfl_type_name(out->type));
    if (mica_tensor_elements(out) != (int64_t)p.count || p.count < 1)
        REJECT("CAST: input and output sizes differ");
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
