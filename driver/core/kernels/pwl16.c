/* RELU, RELU6, LEAKY_RELU and ABS on int16 elements (mica_pwl16_params_t): the piecewise-linear
 * function the int8 kernels tabulate, evaluated per element (a 65536-entry table would not fit a
 * microcontroller). */
#include "mica_int16_util.h"

int mica_k_pwl16(const mica_kernel_call_t *c) {
    mica_pwl16_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if ((uint64_t)p.count * 2 != c->in_bytes[0] || (uint64_t)p.count * 2 != c->out_bytes[0] ||
        p.lo < -32768 || p.lo > p.hi || p.hi > 32767 || (p.abs != 0 && p.abs != 1) ||
        p.in_zp < -32768 || p.in_zp > 32767 || p.out_zp < -32768 || p.out_zp > 32767)
        return -1;
    for (int k = 0; k < 2; k++)
        if (p.mult[k] != 0 && !mica_shift_ok(p.shift[k]))
            return -1;
    for (uint32_t i = 0; i < p.count; i++) {
        int32_t v = mica_load_i16(c->in[0] + 2 * i) - p.in_zp; /* |v| < 2^17: zp is int16 */
        v = p.abs && v < 0 ? -v : v;
        int k = v >= 0 ? 0 : 1;
        if (p.mult[k])
            v = mica_mul_double_round(v, p.mult[k], p.shift[k]);
        v = (int32_t)((uint32_t)v + (uint32_t)p.out_zp);
        mica_store_i16(c->out[0] + 2 * i, mica_clamp32(v, p.lo, p.hi));
    }
    return 0;
}
