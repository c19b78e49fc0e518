/* The kernels with 16-bit operands (int16 activations, SVDF's int16 state, 16x8 operators) and
 * their parameter blocks; mica_kernels.h puts them in MICA_KERNEL_LIST. Their ids start at 100
 * so the int8 kernel list can grow without renumbering either. */
#ifndef MICA_KERNELS_INT16_H
#define MICA_KERNELS_INT16_H
#include <stdint.h>

#define MICA_KERNEL_LIST_INT16(X)                                                                  \
    X(100, REQUANTIZE, mica_k_requantize)                                                          \
    X(101, QUANTIZE_FLOAT16, mica_k_quantize_float16)                                              \
    X(102, DEQUANTIZE16, mica_k_dequantize16)

/* QUANTIZE between integer types: widths 1 (int8) or 2 (int16), count elements;
 * out = clamp(MultiplyByQuantizedMultiplier(in - in_zp, mult, shift) + out_zp). */
typedef struct {
    int32_t in_width, out_width, in_zp, out_zp, mult, shift;
    uint32_t count;
} mica_requantize_params_t;

#endif
