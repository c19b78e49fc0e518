/* Helpers for the kernels with 16-bit operands (int16 activations, SVDF state, int16x8 paths):
 * operands are byte buffers, so 16-bit values are read and written little-endian byte by byte
 * (no alignment or aliasing assumptions, and the same bytes on every host). */
#ifndef MICA_INT16_UTIL_H
#define MICA_INT16_UTIL_H
#include "mica_kernel_util.h"

static inline int32_t mica_load_i16(const int8_t *p) {
    return (int32_t)(int16_t)(uint16_t)((uint32_t)(uint8_t)p[0] | ((uint32_t)(uint8_t)p[1] << 8));
}

static inline void mica_store_i16(int8_t *p, int32_t v) {
    p[0] = (int8_t)(uint8_t)((uint32_t)v & 0xFFu);
    p[1] = (int8_t)(uint8_t)(((uint32_t)v >> 8) & 0xFFu);
}

/* Element i of an int8 (width 1) or int16 (width 2) buffer. */
static inline int32_t mica_load_q(const int8_t *p, int32_t width, uint32_t i) {
    return width == 2 ? mica_load_i16(p + 2u * i) : (int32_t)p[i];
}

/* Stores v clamped to the range of the width (int8 or int16). */
static inline void mica_store_q(int8_t *p, int32_t width, uint32_t i, int32_t v) {
    if (width == 2)
        mica_store_i16(p + 2u * i, v < -32768 ? -32768 : v > 32767 ? 32767 : v);
    else
        p[i] = (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

static inline int mica_width_ok(int32_t width) {
    return width == 1 || width == 2;
}

/* TFLite's MultiplyByQuantizedMultiplier(int64 x, m, shift), shift -31..7, of the 16x8 kernels
 * (CONV_2D16, BATCH_MATMUL16, TRANSPOSE_CONV16, the 16x8 LSTM's gates): the multiplier's top 16
 * bits, one rounding shift (measured against LiteRT: the int8 kernels' 32-bit double rounding
 * differs). Unsigned arithmetic: a damaged block wraps instead of overflowing. */
static inline int32_t mica_mul_q64(int64_t x, int32_t m, int32_t shift) {
    int64_t reduced = m < 0x7FFF0000 ? ((int64_t)m + (1 << 15)) >> 16 : 0x7FFF;
    int32_t total = 15 - shift;
    uint64_t r = (uint64_t)x * (uint64_t)reduced + ((uint64_t)1 << (total - 1));
    return (int32_t)((int64_t)r >> total);
}

/* n channel quantizations in mica_mul_q64's range (multiplier >= 0, shift <= 7). */
static inline int mica_q64_quant_ok(const mica_chan_quant_t *q, int32_t n) {
    for (int32_t o = 0; o < n; o++)
        if (q[o].shift > 7 || q[o].mult < 0)
            return 0;
    return 1;
}

/* TFLite's int16 LOGISTIC (tanh 0) or TANH (tanh 1) of the raw value x, first rescaled to the
 * sigmoid table's units as the reference kernels do: floor((x * mult + round) / 2^shift), round
 * half of 2^shift (sigmoid16.c). */
int32_t mica_sigmoid16_value(int32_t x, int32_t mult, int32_t shift, int tanh);

#endif
