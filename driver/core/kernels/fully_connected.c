/* FULLY_CONNECTED int8, and 16x8 (int16 activations, int8 weights), bit-exact with LiteRT's
 * reference kernels, which requantize in double precision: y = round_half_away(double(acc) *
 * scale[o]) + out_zp (see models/ORACLE.md; measured the same for 16x8); mica_mul_real
 * reproduces that product exactly from the scale's 53-bit mantissa. For 16x8 the compiler proves
 * the 64-bit accumulator of the reference fits int32. */
#include "mica_kernel_util.h"
#include "mica_fixedpoint.h"
#include "mica_int16_util.h"

/* width 1: int8 activations, 2: int16 (zero points and clamp bounds in the int16 range). */
static int fc_fits(const mica_kernel_call_t *c, const mica_fc_params_t *p, int32_t width) {
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1)
        return 0;
    int32_t lim = width == 1 ? 128 : 32768;
    if (p->in_zp < -lim || p->in_zp >= lim || p->out_zp < -lim || p->out_zp >= lim ||
        p->act_min < -lim || p->act_min > p->act_max || p->act_max >= lim)
        return 0;
    const int32_t in[] = {p->batches, p->in_n, width}, out[] = {p->batches, p->out_n, width},
                  w[] = {p->out_n, p->in_n};
    int64_t wbytes = mica_mul_sizes(w, 2);
    if (mica_mul_sizes(in, 3) != (int64_t)c->in_bytes[0] ||
        mica_mul_sizes(out, 3) != (int64_t)c->out_bytes[0] || wbytes < 0)
        return 0;
    uint64_t need = sizeof *p + (uint64_t)p->out_n * sizeof(mica_fc_quant_t) + (uint64_t)wbytes;
    if (need != c->params_size)
        return 0;
    const mica_fc_quant_t *q = (const mica_fc_quant_t *)(p + 1);
    for (int32_t o = 0; o < p->out_n; o++) /* a normalized 53-bit mantissa, a double's exponent */
        if (q[o].m53_hi >> 21 != 0 || q[o].exp < -1100 || q[o].exp > 1100)
            return 0;
    return 1;
}

/* Inlined into each entry point, so the int8 loop compiles without the width tests. */
static inline __attribute__((always_inline)) int fully_connected(const mica_kernel_call_t *c,
                                                                 int32_t width) {
    const mica_fc_params_t *p = c->params;
    if (!fc_fits(c, p, width))
        return -1;
    const mica_fc_quant_t *q = (const mica_fc_quant_t *)(p + 1);
    const int8_t *w = (const int8_t *)(q + p->out_n);
    for (int32_t b = 0; b < p->batches; b++) {
        const int8_t *x = c->in[0] + (int64_t)b * p->in_n * width;
        int8_t *out = c->out[0] + (int64_t)b * p->out_n * width;
        for (int32_t o = 0; o < p->out_n; o++) {
            const int8_t *wo = w + (int64_t)o * p->in_n;
            int64_t acc = 0;
            for (int32_t i = 0; i < p->in_n; i++)
                acc += (int32_t)wo[i] * (mica_load_q(x, width, (uint32_t)i) - p->in_zp);
            int32_t a = (int32_t)(uint32_t)((uint64_t)acc + (uint32_t)q[o].bias);
            uint64_t m53 = (uint64_t)q[o].m53_hi << 32 | q[o].m53_lo;
            int32_t y = mica_mul_real(a, m53, q[o].exp);
            y = (int32_t)((uint32_t)y + (uint32_t)p->out_zp);
            mica_store_q(out, width, (uint32_t)o, mica_clamp32(y, p->act_min, p->act_max));
        }
    }
    return 0;
}

int mica_k_fully_connected(const mica_kernel_call_t *c) {
    return fully_connected(c, 1);
}

int mica_k_fully_connected16(const mica_kernel_call_t *c) {
    return fully_connected(c, 2);
}
