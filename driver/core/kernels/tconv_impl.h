/* What TRANSPOSE_CONV's int8 and 16x8 kernels (transpose_conv.c, transpose_conv16.c) share: the
 * gather that computes TFLite's scatter (input pixel (iy, ix) adds to output (iy * stride_h -
 * pad_top + ky, ix * stride_w - pad_left + kx)) as one sum per output pixel and channel.
 * Header-only, kernel-private. */
#ifndef MICA_TCONV_IMPL_H
#define MICA_TCONV_IMPL_H
#include "mica_int16_util.h"

/* The input index along one axis feeding output o through tap k, or -1 (not on the stride grid
 * or outside the input). */
static inline int64_t mica_tconv_source(int64_t o, int32_t pad, int32_t k, int32_t stride,
                                        int32_t size) {
    int64_t y = o + pad - k; /* < 2^31 + 65535: 32-bit unsigned division (no libgcc helper) */
    if (y < 0)
        return -1;
    uint32_t u = (uint32_t)y, s = (uint32_t)stride;
    if (u % s != 0 || u / s >= (uint32_t)size)
        return -1;
    return (int64_t)(u / s);
}

/* sum over taps and input channels of w * (x - in_zp) for output channel o of pixel (oy, ox):
 * filter [out_c][k_h][k_w][in_c], input of `width` bytes per element (1 int8, 2 int16). 64 bits;
 * the int8 kernel keeps the low 32 (TFLite's int32 scratch wraps the same way). */
static inline int64_t mica_tconv_sum(const mica_conv_params_t *p, const int8_t *in, const int8_t *w,
                                     int32_t o, int32_t oy, int32_t ox, int32_t width) {
    const int8_t *wo = w + (int64_t)o * p->k_h * p->k_w * p->in_c;
    int64_t acc = 0;
    for (int32_t ky = 0; ky < p->k_h; ky++) {
        int64_t iy = mica_tconv_source(oy, p->pad_top, ky, p->stride_h, p->in_h);
        for (int32_t kx = 0; kx < p->k_w && iy >= 0; kx++) {
            int64_t ix = mica_tconv_source(ox, p->pad_left, kx, p->stride_w, p->in_w);
            if (ix < 0)
                continue;
            const int8_t *xi = in + (iy * p->in_w + ix) * p->in_c * width;
            const int8_t *wi = wo + ((int64_t)ky * p->k_w + kx) * p->in_c;
            for (int32_t ci = 0; ci < p->in_c; ci++) {
                int32_t x = width == 2 ? mica_load_i16(xi + 2 * ci) : xi[ci];
                acc += (int32_t)wi[ci] * (x - p->in_zp);
            }
        }
    }
    return acc;
}

#endif
