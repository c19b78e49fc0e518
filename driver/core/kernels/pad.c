/* PAD / PADV2 with a constant, int8 (PAD) or int16 (PAD16) elements: the output is filled with
 * pad_value (the output zero point for PAD, as TFLite does) and the input is copied into the
 * window at `before`. One walk for both widths: an element is `width` little-endian bytes. */
#include "mica_kernel_util.h"

static inline int pad_run(const mica_kernel_call_t *c, int32_t width) {
    const mica_pad_params_t *p = c->params;
    if (c->params_size != sizeof *p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    if (width == 1 ? !mica_zp_ok(p->pad_value) : p->pad_value < -32768 || p->pad_value > 32767)
        return -1;
    int64_t nin = mica_count(p->in_dims, p->rank), nout = mica_count(p->out_dims, p->rank);
    if (nin * width != (int64_t)c->in_bytes[0] || nout * width != (int64_t)c->out_bytes[0] ||
        nin < 1)
        return -1;
    int32_t out_strides[MICA_MAX_RANK];
    int64_t start = 0, stride = width;
    for (int32_t d = p->rank - 1; d >= 0; d--) {
        if (p->before[d] < 0 || (int64_t)p->before[d] + p->in_dims[d] > p->out_dims[d])
            return -1;
        out_strides[d] = (int32_t)stride; /* <= out_bytes < 2^32, and a dim's stride < 2^31 here */
        start += (int64_t)p->before[d] * stride;
        stride *= p->out_dims[d];
    }
    if (stride > 0x7FFFFFFF)
        return -1;
    for (uint32_t i = 0; i < c->out_bytes[0]; i++)
        c->out[0][i] = (int8_t)(uint8_t)((uint32_t)p->pad_value >> (8 * (i % (uint32_t)width)));
    int32_t idx[MICA_MAX_RANK] = {0};
    int64_t off = start;
    const int32_t *const strides[1] = {out_strides};
    for (int64_t i = 0; i < nin; i++) {
        mica_copy(c->out[0] + off, c->in[0] + i * width, (uint32_t)width);
        mica_nd_next(p->rank, p->in_dims, idx, 1, strides, &off);
    }
    return 0;
}

int mica_k_pad(const mica_kernel_call_t *c) {
    return pad_run(c, 1);
}

int mica_k_pad16(const mica_kernel_call_t *c) {
    return pad_run(c, 2);
}
