/* LOG_SOFTMAX int8 (driver/core/kernels/log_softmax.c): TFLite's LogSoftmaxPrepare with beta 1 —
 * PreprocessLogSoftmaxScalingExp (the softmax input multiplier, 5 integer bits, and the reverse
 * multiplier (2^(31 - left shift)) / multiplier, below 1) and the minimum difference. The output
 * must have scale 16/256 and zero point 127. */
#include <math.h>
#include "cpu_util.h"
#include "quant.h"

int mica_prepare_log_softmax(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                             char *err, size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (!mica_is_int8_q(in) || !mica_is_int8_q(out) || in->rank < 1)
        REJECT("LOG_SOFTMAX: int8 input and output with one scale, rank >= 1");
    if (out->zero_point[0] != 127 || out->scale[0] != 16.0f / 256)
        REJECT("LOG_SOFTMAX: output '%.32s' has scale %g, zero point %lld; TFLite's int8 kernel "
               "requires 16/256 and 127",
               out->name, (double)out->scale[0], (long long)out->zero_point[0]);
    if (mica_tensor_elements(in) != mica_tensor_elements(out))
        REJECT("LOG_SOFTMAX: input and output sizes differ");
    mica_log_softmax_params_t p;
    if (mica_softmax_prepare(1.0, (double)in->scale[0], &p.input_multiplier, &p.input_left_shift,
                             &p.diff_min) ||
        p.input_left_shift < 1)
        REJECT("LOG_SOFTMAX: input '%.32s' scale %g gives a multiplier TFLite's int8 kernel "
               "cannot use (scale x 2^26 must be in (1, 2^30))",
               in->name, (double)in->scale[0]);
    double reverse = (double)(1ll << (31 - p.input_left_shift)) / (double)p.input_multiplier;
    int shift;
    if (!(reverse > 0 && reverse < 1) ||
        mica_quantize_multiplier(reverse, &p.reverse_multiplier, &shift) || shift > 0)
        REJECT("LOG_SOFTMAX: input '%.32s' scale %g gives a reverse multiplier %g outside (0, 1)",
               in->name, (double)in->scale[0], reverse);
    p.reverse_shift = shift;
    p.depth = in->dims[in->rank - 1];
    if (p.depth < 1)
        REJECT("LOG_SOFTMAX: empty last dimension");
    p.rows = (int32_t)(mica_tensor_elements(in) / p.depth);
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
