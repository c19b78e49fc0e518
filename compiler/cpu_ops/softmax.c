/* SOFTMAX int8: parameters as TFLite's SoftmaxPrepare computes them for the reference kernel. */
#include <math.h>
#include <stdio.h>
#include "cpu_ops.h"
#include "quant.h"

int mica_prepare_softmax(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || !out || in->rank < 1) { snprintf(err, errlen, "SOFTMAX needs an input of rank >= 1"); return -1; }
    if (out->zero_point[0] != -128 || fabsf(out->scale[0] - 1.0f / 256) > 0.001f / 256) {
        snprintf(err, errlen, "SOFTMAX output must have scale 1/256 and zero point -128");
        return -1;
    }
    mica_softmax_params_t p;
    mica_softmax_prepare((double)tfl_opt_float(op, TFL_SOFTMAX_BETA, 1.0f), (double)in->scale[0],
                         &p.input_multiplier, &p.input_left_shift, &p.diff_min);
    p.depth = in->dims[in->rank - 1];
    p.rows = p.depth > 0 ? (int32_t)(mica_tensor_elements(in) / p.depth) : 0;
    return mica_buf_append(params, &p, sizeof p);
}
