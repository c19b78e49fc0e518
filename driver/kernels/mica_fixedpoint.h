/* TFLite/gemmlowp integer arithmetic, freestanding C99 (no libc, no libm).
 * Shared by the CPU fallback kernels and the functional model; the RTL requantization unit
 * implements exactly mica_requantize(). */
#ifndef MICA_FIXEDPOINT_H
#define MICA_FIXEDPOINT_H
#include <stdint.h>

/* Saturating rounding doubling high multiply: round(a * b / 2^31), nudged toward TFLite. */
static inline int32_t mica_srdhm(int32_t a, int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    int64_t ab = (int64_t)a * (int64_t)b;
    int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
    return (int32_t)((ab + nudge) / (1ll << 31));   /* C division truncates, as TFLite */
}

/* Rounding divide by 2^e, halves away from zero (gemmlowp RoundingDivideByPOT). */
static inline int32_t mica_rdbpot(int32_t x, int e) {
    int32_t mask = (int32_t)((1ll << e) - 1);
    int32_t rem = x & mask;
    int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> e) + (rem > thr ? 1 : 0);
}

/* x * 2^shift * M / 2^31 with TFLite's two roundings (MultiplyByQuantizedMultiplier). */
static inline int32_t mica_mul_double_round(int32_t x, int32_t m, int shift) {
    int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
    int32_t shifted = (int32_t)((uint32_t)x << left);   /* int32 wrap, as TFLite's x * (1 << left) */
    return mica_rdbpot(mica_srdhm(shifted, m), right);
}

/* The same with one rounding (TFLITE_SINGLE_ROUNDING). */
static inline int32_t mica_mul_single_round(int32_t x, int32_t m, int shift) {
    int t = 31 - shift;
    int64_t r = (int64_t)x * (int64_t)m + (1ll << (t - 1));
    return (int32_t)(r >> t);
}

static inline int32_t mica_clamp32(int32_t v, int32_t lo, int32_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

/* The accelerator's output stage (STORE): bias, requantize, zero point, clamp. */
static inline int8_t mica_requantize(int32_t acc, int32_t bias, int32_t m, int shift, int single,
                                     int32_t z_out, int32_t act_min, int32_t act_max) {
    int32_t x = (int32_t)((uint32_t)acc + (uint32_t)bias);
    int32_t y = single ? mica_mul_single_round(x, m, shift) : mica_mul_double_round(x, m, shift);
    y = (int32_t)((uint32_t)y + (uint32_t)z_out);
    return (int8_t)mica_clamp32(y, act_min, act_max);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT for a positive exponent. */
static inline int32_t mica_sat_shl(int32_t x, int e) {
    int32_t thr = (int32_t)((1ll << (31 - e)) - 1);
    if (x > thr) return INT32_MAX;
    if (x < -thr) return INT32_MIN;
    return (int32_t)((uint32_t)x << e);
}

#endif
