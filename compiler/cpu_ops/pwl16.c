/* The int16 paths of RELU, RELU6, LEAKY_RELU and ABS (lut.c, lut_math.c compute their constants as
 * for int8): the piecewise-linear block the int16 kernel evaluates (driver/core/kernels/pwl16.c). */
#include <string.h>
#include "cpu_util.h"
#include "int16.h"

int mica_emit_pwl16(const tfl_model_t *m, const tfl_op_t *op, int abs, const int32_t mult[2],
                    const int32_t shift[2], int32_t lo, int32_t hi, mica_buf_t *params, char *err,
                    size_t errlen) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    const char *name = tfl_builtin_name(op->builtin);
    if (!mica_is_int16_q(in) || !mica_is_int16_q(out))
        REJECT("%s: input and output must be int16 with one scale", name);
    int64_t n = mica_tensor_elements(in);
    if (n != mica_tensor_elements(out) || n < 1 || n > (1 << 28))
        REJECT("%s: input and output sizes differ", name);
    mica_pwl16_params_t p;
    memset(&p, 0, sizeof p);
    p.count = (uint32_t)n;
    p.in_zp = (int32_t)in->zero_point[0];
    p.out_zp = (int32_t)out->zero_point[0];
    p.abs = abs;
    for (int k = 0; k < 2; k++) {
        p.mult[k] = mult[k];
        p.shift[k] = shift[k];
    }
    p.lo = lo < -32768 ? -32768 : lo;
    p.hi = hi > 32767 ? 32767 : hi;
    if (p.lo > p.hi)
        p.lo = p.hi; /* min(max(v, lo), hi) gives hi, as TFLite's clamp */
    if (mica_buf_append(params, &p, sizeof p))
        REJECT("out of memory");
    return 0;
}
