/* SPLIT, SPLIT_V and UNPACK int8 along any axis: TFLite copies bytes (no requantization), so per
 * outer block each output takes its chunk in turn (the inverse of concat.c). */
#include "mica_kernel_util.h"

int mica_k_split(const mica_kernel_call_t *c) {
    mica_split_params_t p;
    if (c->params_size != sizeof p || c->ninputs != 1)
        return -1;
    mica_copy_params(&p, c->params, sizeof p);
    if (p.noutputs < 1 || p.noutputs > MICA_KERNEL_MAX_IO || p.noutputs != c->noutputs ||
        p.outer < 1)
        return -1;
    int64_t total = 0; /* each output's bytes are checked, so the sum stays below 2^34 */
    for (int32_t k = 0; k < p.noutputs; k++) {
        if (p.chunk[k] < 1 || (int64_t)p.outer * p.chunk[k] != (int64_t)c->out_bytes[k])
            return -1;
        total += c->out_bytes[k];
    }
    if (total != (int64_t)c->in_bytes[0])
        return -1;
    const int8_t *in = c->in[0];
    for (int32_t o = 0; o < p.outer; o++)
        for (int32_t k = 0; k < p.noutputs; k++) {
            mica_copy(c->out[k] + (int64_t)o * p.chunk[k], in, (uint32_t)p.chunk[k]);
            in += p.chunk[k];
        }
    return 0;
}
