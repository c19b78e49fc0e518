/* ELU int8 on the CPU: the LUT kernel with LiteRT's table (activations.cc EluPrepare:
 * LUTPopulate of x < 0 ? expm1(x) : x; TFLite Micro's elu.cc builds the same table). */
#include <math.h>
#include "cpu_util.h"

static float elu_f(float x, const void *arg) {
    (void)arg;
    return x < 0.0f ? expm1f(x) : x;
}

int mica_prepare_elu(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                     size_t errlen) {
    return mica_float_lut(m, op, "ELU", elu_f, NULL, params, err, errlen);
}
