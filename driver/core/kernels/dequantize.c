/* DEQUANTIZE int8 or int16 -> float32 (a model's float output): TFLite's reference Dequantize,
 *   y = (float)((double)scale * (double)(q - zero_point)).
 * That double product is exact (24 x 18 significant bits at most), so rounding it to float equals one
 * float multiply of scale and the (exactly representable) integer: no double arithmetic needed,
 * which an M4's single-precision FPU lacks. */
#include "mica_int16_util.h"

/* width 1: int8 input, 2: int16. */
static int dequantize(const mica_kernel_call_t *c, int32_t width) {
    mica_affine_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if (c->in_bytes[0] != p.count * (uint32_t)width || c->out_bytes[0] != p.count * 4u ||
        p.count > (1u << 28) || p.zero_point < -32768 || p.zero_point > 32767)
        return -1; /* the exactness argument needs |q - zero_point| < 2^17 */
    for (uint32_t i = 0; i < p.count; i++) {
        int32_t q = mica_load_q(c->in[0], width, i);
        mica_store_f32(c->out[0] + 4u * i, p.scale * (float)(q - p.zero_point));
    }
    return 0;
}

int mica_k_dequantize(const mica_kernel_call_t *c) {
    return dequantize(c, 1);
}

int mica_k_dequantize16(const mica_kernel_call_t *c) {
    return dequantize(c, 2);
}
