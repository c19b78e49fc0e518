/* Host-side quantization math, computed exactly as TFLite does at prepare time, with every value
 * range-checked: where TFLite's own arithmetic would be undefined (a non-finite multiplier, a left
 * shift of 31 or more, a float-to-int conversion out of range) these return an error instead. */
#ifndef MICA_QUANT_H
#define MICA_QUANT_H
#include <stdint.h>

/* 1 for a usable tensor scale: finite and > 0 (denormals included). */
int mica_scale_ok(double scale);
/* 1 for a usable weight scale: finite and >= 0 (a channel of scale 0 outputs its zero point, as in
 * TFLite, whose multiplier is then 0). */
int mica_weight_scale_ok(double scale);
/* TFLite QuantizeMultiplier: real = M * 2^(shift - 31), |M| in [2^30, 2^31); |real| below 2^-32
 * flushes to M = 0, shift 0 as TFLite does; negative reals give negative M, as in TFLite.
 * Returns 0, or -1 (M = 0, shift = 0) when real is not finite or shift would be above 30: TFLite's
 * int8 kernels shift the int32 input left by shift, undefined from 31 on. */
int mica_quantize_multiplier(double real, int32_t *m, int *shift);
/* zp + round(x / scale) in float, as CalculateActivationRangeQuantized computes a bound; -1 when
 * it does not fit int32 (TFLite's float -> int conversion would be undefined). */
int mica_quantize_bound(float x, float scale, int32_t zp, int32_t *q);
/* CalculateActivationRangeQuantized for int8 (activation: TFLite ActivationFunctionType).
 * Returns 0, -1 for an unsupported activation, -2 when a bound does not fit int32. */
int mica_activation_range(int activation, float scale, int32_t zero_point, int32_t *lo,
                          int32_t *hi);
/* The same within [qmin, qmax] (the output type's range: int16 for 16-bit activations). */
int mica_activation_range_q(int activation, float scale, int32_t zp, int32_t qmin, int32_t qmax,
                            int32_t *lo, int32_t *hi);
/* PreprocessSoftmaxScaling + CalculateInputRadius (kScaledDiffIntegerBits = 5): the multiplier is
 * beta * input_scale * 2^26, capped at 2^31 - 1 (left shift up to 31). Returns 0, or -1 when it is
 * NaN or not above 1 (TFLite's QuantizeMultiplierGreaterThanOne aborts there). */
int mica_softmax_prepare(double beta, double input_scale, int32_t *mult, int32_t *left_shift,
                         int32_t *diff_min);

#endif
