/* L2_NORMALIZATION int8 on the CPU (driver/core/kernels/l2_norm.c) over the last dimension. LiteRT
 * requires the output scale 1/128 and zero point 0 and no fused activation for int8. */
#include "cpu_util.h"

#define L2_MAX_DEPTH 33025 /* 255^2 * depth stays below 2^31 (TFLite's int32 sum of squares) */

int mica_prepare_l2_normalization(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                  char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out))
        REJECT("L2_NORMALIZATION: input and output must be int8 with one scale");
    if ((double)out->scale[0] != 1.0 / 128 || out->zero_point[0] != 0)
        REJECT("L2_NORMALIZATION: output '%.32s' has scale %g, zero point %d; TFLite's int8 "
               "kernel requires 1/128 and 0",
               out->name, (double)out->scale[0], (int)out->zero_point[0]);
    if (tfl_opt_int(op, 0, 0) != 0)
        REJECT("L2_NORMALIZATION: fused activation %d; TFLite's int8 kernel takes none",
               (int)tfl_opt_int(op, 0, 0));
    if (in->rank < 1 || mica_tensor_elements(in) != mica_tensor_elements(out))
        REJECT("L2_NORMALIZATION: input and output sizes differ");
    int32_t depth = in->dims[in->rank - 1];
    if (depth < 1 || depth > L2_MAX_DEPTH)
        REJECT("L2_NORMALIZATION: last dimension %d is outside 1..%d", depth, L2_MAX_DEPTH);
    int64_t rows = mica_tensor_elements(in) / depth;
    mica_l2norm_params_t p = {(int32_t)rows, depth, (int32_t)in->zero_point[0]};
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
