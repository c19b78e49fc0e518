/* A model's float edges: QUANTIZE float32 -> int8 on the way in, DEQUANTIZE int8 -> float32 on
 * the way out (driver/core/kernels/quantize_float.c, dequantize.c), with the int8 side's one scale
 * and zero point. */
#include "cpu_util.h"
#include "quant.h"

static int affine(const tfl_tensor_t *flt, const tfl_tensor_t *q, const char *name,
                  mica_buf_t *params, char *err, size_t errlen) {
    if (!flt || flt->type != TFL_TYPE_FLOAT32)
        REJECT("%s: the float side must be float32", name);
    if (!mica_is_int8_q(q))
        REJECT("%s: the quantized side must be int8 with one scale and zero point", name);
    if (mica_tensor_elements(flt) != mica_tensor_elements(q) || mica_tensor_elements(q) > (1 << 28))
        REJECT("%s: input and output sizes differ", name);
    if (!mica_scale_ok(q->scale[0]))
        REJECT("%s: scale %g is not a finite positive number", name, (double)q->scale[0]);
    mica_affine_params_t p = {q->scale[0], (int32_t)q->zero_point[0],
                              (uint32_t)mica_tensor_elements(q)};
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}

int mica_prepare_quantize_float(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                char *err, size_t errlen) {
    return affine(mica_op_tensor(m, op, 0), mica_op_output(m, op, 0), "QUANTIZE", params, err,
                  errlen);
}

int mica_prepare_dequantize(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                            size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0);
    if (in && in->type != TFL_TYPE_INT8)
        REJECT("DEQUANTIZE: only int8 -> float32 is supported (input is %s)",
               tfl_type_name(in->type));
    return affine(mica_op_output(m, op, 0), in, "DEQUANTIZE", params, err, errlen);
}
