/* The int16 kernels of the data-movement, pooling and element-wise operators TFLite Micro runs on
 * int16 activations: each is its int8 kernel parameterized by the element width (2 bytes here),
 * with the int8 kernel's parameter block. mica_kernels_int16.h puts them in the int16 list. */
#ifndef MICA_KERNELS_INT16B_H
#define MICA_KERNELS_INT16B_H

/* MAXIMUM16 / MINIMUM16: the binary block (mica_kernels_int16.h's ADD16), raw int16 compare.
 * SELECT16: the logic block (mica_kernels.h), int16 values copied by a bool condition.
 * GREATER16: the logic block on int16 inputs, raw values compared as LiteRT BUILTIN_REF compares
 * them (TFLite Micro rescales each input first, ComparisonWithScaling: a coarser result).
 * PAD16: mica_pad_params_t with an int16 pad_value. AVERAGE_POOL_2D16 / MAX_POOL_2D16:
 * mica_pool_params_t on int16 elements (act_min/act_max in the int16 range). */
#define MICA_KERNEL_LIST_INT16B(X)                                                                 \
    X(113, PAD16, mica_k_pad16)                                                                    \
    X(114, AVERAGE_POOL_2D16, mica_k_pool16)                                                       \
    X(115, MAX_POOL_2D16, mica_k_pool16)                                                           \
    X(130, RELU16, mica_k_pwl16)                                                                   \
    X(131, RELU6_16, mica_k_pwl16)                                                                 \
    X(132, LEAKY_RELU16, mica_k_pwl16)                                                             \
    X(133, ABS16, mica_k_pwl16)                                                                    \
    X(134, MAXIMUM16, mica_k_binary16)                                                             \
    X(135, MINIMUM16, mica_k_binary16)                                                             \
    X(136, SELECT16, mica_k_select16)                                                              \
    X(137, MEAN16, mica_k_mean16)                                                                  \
    X(138, GREATER16, mica_k_compare16)                                                            \
    X(139, SUM16, mica_k_mean16)

#include <stdint.h>

/* RELU16 / RELU6_16 / LEAKY_RELU16 / ABS16: the int8 kernels' tables as the piecewise-linear
 * function they tabulate (TFLite's QuantizedReluX, QuantizeLeakyRelu, AbsEvalQuantized): per element
 * v = x - in_zp, v = |v| when abs, then MultiplyByQuantizedMultiplier(v, mult[k], shift[k]) with
 * k = 0 for v >= 0, 1 below (mult 0: v unchanged), y = clamp(v + out_zp, lo, hi) (int32 wrap-around
 * in the add, as TFLite's int arithmetic), count int16 elements. */
typedef struct {
    uint32_t count;
    int32_t in_zp, out_zp, abs;
    int32_t mult[2], shift[2];
    int32_t lo, hi;
} mica_pwl16_params_t;

/* MEAN16 / SUM16 (TFLite Micro's QuantizedMeanOrSum on int16; LiteRT's too for MEAN): for each
 * output element (kept dims, input strides in elements as MEAN's block) the int32 sum s of the raw
 * inputs over the n reduced elements; out = clamp16(MultiplyByQuantizedMultiplier(s - in_zp n,
 * mult, shift) + out_zp), MEAN's multiplier already divided by n (mean.c in the compiler). SUM16
 * is checked against TFLite Micro's interpreter: LiteRT BUILTIN_REF's SUM runs its uint8 path on
 * the int16 bytes (tests/kernels/check_int16_no_oracle.py). */
typedef struct {
    int32_t out_rank, red_rank;
    int32_t out_dims[6], out_strides[6];
    int32_t red_dims[6], red_strides[6];
    int32_t n, in_zp, out_zp, mult, shift;
} mica_mean16_params_t;

#endif
