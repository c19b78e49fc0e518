/* ZEROS_LIKE: every output byte 0. TFLite Micro's zeros_like.cc clears the int8 output's memory
 * whatever its zero point (raw 0, not the quantized 0.0), which is what this does. The parameter
 * block is the byte count, so a corrupted program cannot make it write past the output.
 * Freestanding. */
#include "mica_kernels.h"

int mica_k_zeros(const mica_kernel_call_t *c) {
    const mica_zeros_params_t *p = (const mica_zeros_params_t *)c->params;
    if (c->params_size != sizeof *p || c->noutputs != 1 || p->bytes != c->out_bytes[0])
        return -1;
    for (uint32_t i = 0; i < p->bytes; i++)
        c->out[0][i] = 0;
    return 0;
}
