/* QUANTIZE between integer types (int16 -> int8, int8 -> int16, int16 -> int16): TFLite's
 * reference Requantize,
 *   q_out = clamp(MultiplyByQuantizedMultiplier(q_in - z_in, M, shift) + z_out),
 * with the clamp to the output type's range. */
#include "mica_fixedpoint.h"
#include "mica_int16_util.h"

int mica_k_requantize(const mica_kernel_call_t *c) {
    mica_requantize_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if (!mica_width_ok(p.in_width) || !mica_width_ok(p.out_width) || p.count > (1u << 28) ||
        c->in_bytes[0] != p.count * (uint32_t)p.in_width ||
        c->out_bytes[0] != p.count * (uint32_t)p.out_width || !mica_shift_ok(p.shift) ||
        p.in_zp < -32768 || p.in_zp > 32767 || p.out_zp < -32768 || p.out_zp > 32767)
        return -1;
    for (uint32_t i = 0; i < p.count; i++) {
        int32_t x = mica_load_q(c->in[0], p.in_width, i) - p.in_zp;
        mica_store_q(c->out[0], p.out_width, i,
                     mica_mul_double_round(x, p.mult, p.shift) + p.out_zp);
    }
    return 0;
}
