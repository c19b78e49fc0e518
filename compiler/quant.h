/* Host-side quantization math, computed exactly as TFLite does at prepare time. */
#ifndef MICA_QUANT_H
#define MICA_QUANT_H
#include <stdint.h>

/* TFLite QuantizeMultiplier: real = M * 2^(shift - 31), M in [2^30, 2^31). */
void mica_quantize_multiplier(double real, int32_t *m, int *shift);
/* CalculateActivationRangeQuantized for int8 (activation: TFLite ActivationFunctionType). */
int mica_activation_range(int activation, float scale, int32_t zero_point, int32_t *lo, int32_t *hi);
/* PreprocessSoftmaxScaling + CalculateInputRadius (kScaledDiffIntegerBits = 5). */
void mica_softmax_prepare(double beta, double input_scale, int32_t *mult, int32_t *left_shift,
                          int32_t *diff_min);

#endif
