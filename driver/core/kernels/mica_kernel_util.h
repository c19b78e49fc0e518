/* Helpers shared by the CPU kernels: parameter-block checks with overflow-safe 64-bit arithmetic,
 * an N-d index counter, a loop-friendly int8 output stage and window clipping. Freestanding C99,
 * header-only (static inline), kernel-private. */
#ifndef MICA_KERNEL_UTIL_H
#define MICA_KERNEL_UTIL_H
#include "mica_kernels.h"
#include "mica_fixedpoint.h"

#define MICA_DIM_MAX 0x7FFFFFFF

/* float32 from / to 4 little-endian bytes (operands are byte buffers; no memcpy from libc). */
static inline float mica_load_f32(const int8_t *p) {
    union {
        uint32_t u;
        float f;
    } v;
    v.u = (uint32_t)(uint8_t)p[0] | (uint32_t)(uint8_t)p[1] << 8 | (uint32_t)(uint8_t)p[2] << 16 |
          (uint32_t)(uint8_t)p[3] << 24;
    return v.f;
}

static inline void mica_store_f32(int8_t *p, float f) {
    union {
        uint32_t u;
        float f;
    } v;
    v.f = f;
    for (int i = 0; i < 4; i++)
        p[i] = (int8_t)(uint8_t)(v.u >> (8 * i));
}

/* A parameter block copied out byte by byte (it may be unaligned; no memcpy from libc). */
static inline void mica_copy_params(void *dst, const void *src, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        ((uint8_t *)dst)[i] = ((const uint8_t *)src)[i];
}

/* Product of rank dims, each >= 1; -1 if a dim is < 1, the rank is out of range or the product
 * passes 2^32 (no operand is that large). */
static inline int64_t mica_count(const int32_t *dims, int32_t rank) {
    if (rank < 0 || rank > MICA_MAX_RANK)
        return -1;
    int64_t n = 1;
    for (int32_t d = 0; d < rank; d++) {
        if (dims[d] < 1)
            return -1;
        n *= dims[d];
        if (n > 0xFFFFFFFFll)
            return -1;
    }
    return n;
}

/* Product of a few sizes, each >= 1, or -1 (same limit as mica_count). */
static inline int64_t mica_mul_sizes(const int32_t *v, int n) {
    int64_t p = 1;
    for (int i = 0; i < n; i++) {
        if (v[i] < 1)
            return -1;
        p *= v[i];
        if (p > 0xFFFFFFFFll)
            return -1;
    }
    return p;
}

/* 1 when every element offset + sum i_d * strides[d] (0 <= i_d < dims[d]) lies in [0, limit). */
static inline int mica_strided_fits(int64_t offset, const int32_t *dims, const int32_t *strides,
                                    int32_t rank, uint32_t limit) {
    int64_t lo = offset, hi = offset;
    if (rank < 0 || rank > MICA_MAX_RANK || offset < 0 || offset >= (int64_t)limit)
        return 0;
    for (int32_t d = 0; d < rank; d++) {
        if (dims[d] < 1)
            return 0;
        int64_t span = (int64_t)(dims[d] - 1) * strides[d];
        if (span > 0)
            hi += span;
        else
            lo += span;
        if (lo < 0 || hi >= (int64_t)limit)
            return 0; /* checked per step: no int64 overflow */
    }
    return 1;
}

/* Advances the N-d index idx (last dimension fastest) and the offsets that follow it through
 * nsets stride arrays. */
static inline void mica_nd_next(int32_t rank, const int32_t *dims, int32_t *idx, int nsets,
                                const int32_t *const *strides, int64_t *off) {
    for (int32_t d = rank - 1; d >= 0; d--) {
        if (++idx[d] < dims[d]) {
            for (int s = 0; s < nsets; s++)
                off[s] += strides[s][d];
            return;
        }
        idx[d] = 0;
        for (int s = 0; s < nsets; s++)
            off[s] -= (int64_t)(dims[d] - 1) * strides[s][d];
    }
}

/* An elementwise kernel's input k: a constant embedded in the parameter block (const_len > 0, at
 * const_off past the header of header_size bytes) or the next operand. NULL if out of bounds. */
static inline const int8_t *mica_operand_or_const(const mica_kernel_call_t *c, uint32_t header_size,
                                                  uint32_t const_off, uint32_t const_len,
                                                  int *next_operand, uint32_t *len) {
    if (const_len > 0) {
        if (const_off < header_size || (uint64_t)const_off + const_len > c->params_size)
            return 0;
        *len = const_len;
        return (const int8_t *)c->params + const_off;
    }
    if (*next_operand >= c->ninputs)
        return 0;
    *len = c->in_bytes[*next_operand];
    return c->in[(*next_operand)++];
}

static inline int mica_shift_ok(int32_t shift) {
    return shift >= -31 && shift <= 30;
}

static inline int mica_act_ok(int32_t lo, int32_t hi) {
    return lo >= -128 && lo <= hi && hi <= 127;
}

static inline int mica_zp_ok(int32_t zp) {
    return zp >= -128 && zp <= 127;
}

/* Bytes copy without libc (gcc must not turn it into memcpy: -ffreestanding keeps loops). */
static inline void mica_copy(int8_t *d, const int8_t *s, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        d[i] = s[i];
}

/* Window taps k < taps with 0 <= start + k * dil < size, as [*lo, *hi) (empty: lo == hi), so
 * loops skip out-of-image taps without testing each. Needs start >= -65535 (padding is at most
 * 65535) and dil >= 1; 32-bit unsigned division only (no libgcc helper on Cortex-M). */
static inline void mica_tap_range(int64_t start, int32_t taps, int32_t dil, int32_t size,
                                  int32_t *lo, int32_t *hi) {
    *lo = *hi = 0;
    if (start >= size)
        return;
    uint32_t span = (uint32_t)((int64_t)size - start), d = (uint32_t)dil; /* span < 2^31 + 2^16 */
    uint32_t end = span / d + (span % d != 0),
             first = start < 0 ? ((uint32_t)-start + d - 1) / d : 0;
    if (end > (uint32_t)taps)
        end = (uint32_t)taps;
    if (first < end) {
        *lo = (int32_t)first;
        *hi = (int32_t)end;
    }
}

/* ---- shared by CONV_2D and DEPTHWISE_CONV_2D (same parameter block, different filter layout) ---- */

/* Filter geometry, padding, zero points and clamp within sane ranges (no int64 overflow later);
 * width: bytes per activation (1 int8, 2 int16: zero points and clamp in the int16 range). */
static inline int mica_conv_geometry_ok_w(const mica_conv_params_t *p, int32_t width) {
    const int32_t v[] = {p->k_h, p->k_w, p->stride_h, p->stride_w, p->dil_h, p->dil_w};
    for (int i = 0; i < 6; i++)
        if (v[i] < 1 || v[i] > 65535)
            return 0;
    const int32_t lim = width == 1 ? 128 : 32768;
    return p->pad_top >= -65535 && p->pad_top <= 65535 && p->pad_left >= -65535 &&
           p->pad_left <= 65535 && p->in_zp >= -lim && p->in_zp < lim && p->out_zp >= -lim &&
           p->out_zp < lim && p->act_min >= -lim && p->act_min <= p->act_max && p->act_max < lim;
}

static inline int mica_conv_geometry_ok(const mica_conv_params_t *p) {
    return mica_conv_geometry_ok_w(p, 1);
}

/* Operands match the NHWC shapes (width bytes per activation); the block is the header, out_c
 * channel quantizations with legal shifts, then exactly filter_bytes of filter (filter_bytes < 0:
 * invalid filter shape). */
static inline int mica_conv_operands_ok_w(const mica_kernel_call_t *c, const mica_conv_params_t *p,
                                          int64_t filter_bytes, int32_t width) {
    const int32_t in[] = {p->batches, p->in_h, p->in_w, p->in_c, width};
    const int32_t out[] = {p->batches, p->out_h, p->out_w, p->out_c, width};
    if (filter_bytes < 0 || mica_mul_sizes(in, 5) != (int64_t)c->in_bytes[0] ||
        mica_mul_sizes(out, 5) != (int64_t)c->out_bytes[0])
        return 0;
    uint64_t need =
        sizeof *p + (uint64_t)p->out_c * sizeof(mica_chan_quant_t) + (uint64_t)filter_bytes;
    if (need != c->params_size)
        return 0;
    const mica_chan_quant_t *q = (const mica_chan_quant_t *)(p + 1);
    for (int32_t o = 0; o < p->out_c; o++)
        if (!mica_shift_ok(q[o].shift))
            return 0;
    return 1;
}

static inline int mica_conv_operands_ok(const mica_kernel_call_t *c, const mica_conv_params_t *p,
                                        int64_t filter_bytes) {
    return mica_conv_operands_ok_w(c, p, filter_bytes, 1);
}

/* Computes one output pixel (all channels) from one batch image. */
typedef void (*mica_conv_pixel_fn)(const mica_conv_params_t *p, const int8_t *in, const int8_t *w,
                                   const mica_chan_quant_t *q, int32_t oy, int32_t ox, int8_t *out);

/* Walks every output pixel of every batch, width bytes per activation (1 int8, 2 int16); the
 * operands were checked by the caller. */
static inline void mica_conv_run_w(const mica_kernel_call_t *c, const mica_conv_params_t *p,
                                   mica_conv_pixel_fn pixel, int32_t width) {
    const mica_chan_quant_t *q = (const mica_chan_quant_t *)(p + 1);
    const int8_t *w = (const int8_t *)(q + p->out_c);
    const int64_t in_image = (int64_t)width * p->in_h * p->in_w * p->in_c;
    int8_t *out = c->out[0];
    for (int32_t b = 0; b < p->batches; b++)
        for (int32_t oy = 0; oy < p->out_h; oy++)
            for (int32_t ox = 0; ox < p->out_w; ox++, out += (int64_t)width * p->out_c)
                pixel(p, c->in[0] + b * in_image, w, q, oy, ox, out);
}

static inline void mica_conv_run(const mica_kernel_call_t *c, const mica_conv_params_t *p,
                                 mica_conv_pixel_fn pixel) {
    mica_conv_run_w(c, p, pixel, 1);
}

#endif
