/* CONCATENATION int8 along any axis: TFLite requires every input to share the output's scale and
 * zero point, so it is a byte interleave: per outer block, each input's chunk in turn. */
#include "mica_kernel_util.h"

int mica_k_concat(const mica_kernel_call_t *c) {
    const mica_concat_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->noutputs != 1 || p->ninputs < 1 ||
        p->ninputs > MICA_CONCAT_MAX_IN || p->outer < 1)
        return -1;
    const int8_t *src[MICA_CONCAT_MAX_IN];
    int next = 0;
    int64_t row = 0;
    for (int32_t k = 0; k < p->ninputs; k++) {
        uint32_t len;
        if (p->chunk[k] < 1)
            return -1;
        if (p->const_len[k] > 0) {
            if (p->const_off[k] < sizeof *p ||
                (uint64_t)p->const_off[k] + p->const_len[k] > c->params_size)
                return -1;
            src[k] = (const int8_t *)c->params + p->const_off[k];
            len = p->const_len[k];
        } else {
            if (next >= c->ninputs)
                return -1;
            len = c->in_bytes[next];
            src[k] = c->in[next++];
        }
        if ((int64_t)p->outer * p->chunk[k] != (int64_t)len)
            return -1;
        row += p->chunk[k];
    }
    if (next != c->ninputs || row * p->outer != (int64_t)c->out_bytes[0])
        return -1;
    int8_t *out = c->out[0];
    for (int32_t o = 0; o < p->outer; o++)
        for (int32_t k = 0; k < p->ninputs; k++) {
            mica_copy(out, src[k] + (int64_t)o * p->chunk[k], (uint32_t)p->chunk[k]);
            out += p->chunk[k];
        }
    return 0;
}
