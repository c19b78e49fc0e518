/* ARG_MAX / ARG_MIN int8: TFLite's ArgMinMax compares raw values with a strict > (or <), so the
 * first extreme along the axis wins; the index is written as int32 or int64, little-endian. */
#include "mica_kernel_util.h"

int mica_k_arg_extreme(const mica_kernel_call_t *c) {
    mica_arg_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    const int32_t in_sizes[3] = {p.outer, p.axis_len, p.inner},
                  out_sizes[3] = {p.outer, p.inner, p.out_size};
    if ((p.out_size != 4 && p.out_size != 8) ||
        mica_mul_sizes(in_sizes, 3) != (int64_t)c->in_bytes[0] ||
        mica_mul_sizes(out_sizes, 3) != (int64_t)c->out_bytes[0]) /* overflow-safe products */
        return -1;
    int8_t *out = c->out[0];
    for (int32_t o = 0; o < p.outer; o++)
        for (int32_t i = 0; i < p.inner; i++) {
            const int8_t *col = c->in[0] + (int64_t)o * p.axis_len * p.inner + i;
            int8_t best = col[0];
            int32_t at = 0;
            for (int32_t k = 1; k < p.axis_len; k++) {
                int8_t v = col[(int64_t)k * p.inner];
                if (p.want_min ? v < best : v > best)
                    best = v, at = k;
            }
            for (int32_t b = 0; b < p.out_size; b++) /* int64: the high word is 0 */
                *out++ = (int8_t)(b < 4 ? (uint8_t)((uint32_t)at >> (8 * b)) : 0);
        }
    return 0;
}
