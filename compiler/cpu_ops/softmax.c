/* SOFTMAX int8: parameters as TFLite's SoftmaxPrepare computes them for the reference kernel. */
#include <math.h>
#include <stdio.h>
#include "cpu_util.h"
#include "quant.h"

int mica_prepare_softmax(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                         size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out) || in->rank < 1)
        REJECT("SOFTMAX needs int8 input and output with one scale, rank >= 1");
    if (out->zero_point[0] != -128 || !(fabsf(out->scale[0] - 1.0f / 256) <= 0.001f / 256))
        REJECT("output '%.32s' has scale %g and zero point %lld; TFLite's int8 SOFTMAX requires "
               "1/256 and -128",
               out->name, (double)out->scale[0], (long long)out->zero_point[0]);
    mica_softmax_params_t p;
    float beta =
        tfl_opt_float(op, TFL_SOFTMAX_BETA, 0.0f); /* the schema default, as TFLite reads it */
    if (mica_softmax_prepare((double)beta, (double)in->scale[0], &p.input_multiplier,
                             &p.input_left_shift, &p.diff_min))
        REJECT("beta %g times input '%.32s' scale %g is not above 2^-26, as TFLite's int8 SOFTMAX "
               "requires",
               (double)beta, in->name, (double)in->scale[0]);
    p.depth = in->dims[in->rank - 1];
    p.rows = p.depth > 0 ? (int32_t)(mica_tensor_elements(in) / p.depth) : 0;
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
