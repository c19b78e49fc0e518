/* Element-wise int8 -> int8 functions as a 256-entry table (QUANTIZE int8->int8, LOGISTIC, TANH,
 * HARD_SWISH, LEAKY_RELU, RELU, RELU6, RELU_N1_TO_1). The compiler fills the table by running
 * TFLite's own arithmetic (LUTPopulate for LOGISTIC/TANH) on every input value. */
#include "mica_kernel_util.h"

int mica_k_lut(const mica_kernel_call_t *c) {
    const mica_lut_params_t *p = c->params;
    if (c->params_size != sizeof *p || c->ninputs != 1 || c->noutputs != 1 ||
        c->in_bytes[0] != c->out_bytes[0])
        return -1;
    for (uint32_t i = 0; i < c->in_bytes[0]; i++)
        c->out[0][i] = p->table[(uint8_t)c->in[0][i]];
    return 0;
}
