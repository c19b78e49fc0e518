/* DEQUANTIZE int8 -> float32 (a model's float output): TFLite's reference Dequantize,
 *   y = (float)((double)scale * (double)(q - zero_point)).
 * That double product is exact (24 x 9 significant bits), so rounding it to float equals one
 * float multiply of scale and the (exactly representable) integer: no double arithmetic needed,
 * which an M4's single-precision FPU lacks. */
#include "mica_kernel_util.h"

int mica_k_dequantize(const mica_kernel_call_t *c) {
    mica_affine_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if (c->in_bytes[0] != p.count || c->out_bytes[0] != p.count * 4u || p.count > (1u << 28) ||
        p.zero_point < -128 || p.zero_point > 127) /* the exactness argument needs an int8 zp */
        return -1;
    for (uint32_t i = 0; i < p.count; i++) {
        mica_store_f32(c->out[0] + 4u * i, p.scale * (float)((int32_t)c->in[0][i] - p.zero_point));
    }
    return 0;
}
