/* ZEROS_LIKE int8 on the CPU: TFLite Micro's zeros_like.cc writes raw 0 into an int8 output of the
 * input's shape (not the output's zero point: the quantization plays no part). LiteRT has no int8
 * ZEROS_LIKE (check_zeros_like_no_oracle.py), so TFLite Micro's interpreter is the oracle
 * (check_tflm_oracle.py). The input is still the step's operand: it orders the step after its
 * producer, as in the graph. */
#include "cpu_util.h"

int mica_prepare_zeros_like(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                            size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!in || !out || in->type != TFL_TYPE_INT8 || out->type != TFL_TYPE_INT8)
        REJECT("ZEROS_LIKE: input and output must be int8 (TFLite Micro's ZEROS_LIKE has no "
               "int16 path)");
    int same = in->rank == out->rank;
    for (int d = 0; same && d < in->rank; d++)
        same = in->dims[d] == out->dims[d];
    if (!same)
        REJECT("ZEROS_LIKE: the output's shape differs from the input's");
    int64_t n = mica_tensor_elements(out);
    if (n < 1)
        REJECT("ZEROS_LIKE: empty outputs are not supported");
    mica_zeros_params_t p = {(uint32_t)n};
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
