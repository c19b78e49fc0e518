/* L2_NORMALIZATION int8 over the last dimension, TFLite's reference_integer_ops::L2Normalization:
 * per row the int32 sum of squares of (x - z_in), its inverse square root as a multiplier
 * (GetInvSqrtQuantizedMultiplierExp), each value rescaled into the 1/128 output scale, clamped. */
#include "mica_kernel_util.h"

#define L2_MAX_DEPTH 33025 /* 255^2 * depth < 2^31 */
#define L2_OUTPUT_SHIFT 7  /* output scale 1/128 */

int mica_k_l2_norm(const mica_kernel_call_t *c) {
    mica_l2norm_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if (p.rows < 1 || p.depth < 1 || p.depth > L2_MAX_DEPTH || !mica_zp_ok(p.in_zp) ||
        (uint64_t)(uint32_t)p.rows * (uint32_t)p.depth != c->in_bytes[0] ||
        c->in_bytes[0] != c->out_bytes[0])
        return -1;
    const int8_t *in = c->in[0];
    int8_t *out = c->out[0];
    for (int32_t r = 0; r < p.rows; r++, in += p.depth, out += p.depth) {
        int32_t acc = 0;
        for (int32_t i = 0; i < p.depth; i++)
            acc += (in[i] - p.in_zp) * (in[i] - p.in_zp);
        int32_t mult;
        int shift;
        mica_inv_sqrt_multiplier_exp(acc, -1, &mult, &shift);
        for (int32_t i = 0; i < p.depth; i++) {
            int32_t v = mica_mul_double_round(in[i] - p.in_zp, mult, shift + L2_OUTPUT_SHIFT);
            out[i] = (int8_t)mica_clamp32(v, -128, 127);
        }
    }
    return 0;
}
