/* RESIZE_NEAREST_NEIGHBOR int8, NHWC: the compiler computes TFLite's source row and column for
 * each output row and column (float arithmetic, align_corners, half_pixel_centers); this copies. */
#include "mica_kernel_util.h"

int mica_k_resize_nearest(const mica_kernel_call_t *c) {
    const mica_resize_params_t *p = c->params;
    if (c->params_size < sizeof *p || c->ninputs != 1 || c->noutputs != 1)
        return -1;
    const int32_t in[] = {p->batches, p->in_h, p->in_w, p->ch},
                  out[] = {p->batches, p->out_h, p->out_w, p->ch};
    if (mica_mul_sizes(in, 4) != (int64_t)c->in_bytes[0] ||
        mica_mul_sizes(out, 4) != (int64_t)c->out_bytes[0] ||
        sizeof *p + 4 * ((uint64_t)p->out_h + (uint64_t)p->out_w) != c->params_size)
        return -1;
    const int32_t *rows = (const int32_t *)(p + 1), *cols = rows + p->out_h;
    for (int32_t y = 0; y < p->out_h; y++)
        if (rows[y] < 0 || rows[y] >= p->in_h)
            return -1;
    for (int32_t x = 0; x < p->out_w; x++)
        if (cols[x] < 0 || cols[x] >= p->in_w)
            return -1;
    int8_t *o = c->out[0];
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t y = 0; y < p->out_h; y++)
            for (int32_t x = 0; x < p->out_w; x++, o += p->ch)
                mica_copy(o,
                          c->in[0] + (((int64_t)b * p->in_h + rows[y]) * p->in_w + cols[x]) * p->ch,
                          (uint32_t)p->ch);
    return 0;
}
