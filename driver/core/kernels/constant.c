/* CONSTANT: writes the parameter block (a constant tensor's bytes) to the output; what an
 * ASSIGN_VARIABLE of a constant (a resource variable's initial value) runs. Freestanding. */
#include "mica_kernels.h"

int mica_k_constant(const mica_kernel_call_t *c) {
    if (c->ninputs != 0 || c->noutputs != 1 || c->params_size != c->out_bytes[0])
        return -1;
    const int8_t *s = (const int8_t *)c->params;
    for (uint32_t i = 0; i < c->out_bytes[0]; i++)
        c->out[0][i] = s[i];
    return 0;
}
