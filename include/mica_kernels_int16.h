/* The kernels with 16-bit operands (int16 activations, SVDF's int16 state, 16x8 operators) and
 * their parameter blocks; mica_kernels.h puts them in MICA_KERNEL_LIST. Their ids start at 100
 * so the int8 kernel list can grow without renumbering either. */
#ifndef MICA_KERNELS_INT16_H
#define MICA_KERNELS_INT16_H
#include <stdint.h>
#include "mica_kernels_int16b.h" /* MICA_KERNEL_LIST_INT16B */
#include "mica_kernels_int16c.h" /* MICA_KERNEL_LIST_INT16C */

#define MICA_KERNEL_LIST_INT16(X)                                                                  \
    X(100, REQUANTIZE, mica_k_requantize)                                                          \
    X(101, QUANTIZE_FLOAT16, mica_k_quantize_float16)                                              \
    X(102, DEQUANTIZE16, mica_k_dequantize16)                                                      \
    X(103, SVDF, mica_k_svdf)                                                                      \
    X(104, FULLY_CONNECTED16, mica_k_fully_connected16)                                            \
    X(105, ADD16, mica_k_binary16)                                                                 \
    X(106, SUB16, mica_k_binary16)                                                                 \
    X(107, MUL16, mica_k_binary16)                                                                 \
    X(108, CONV_2D16, mica_k_conv2d16)                                                             \
    X(109, DEPTHWISE_CONV_2D16, mica_k_depthwise_conv2d16)                                         \
    X(110, SOFTMAX16, mica_k_softmax16)                                                            \
    X(111, LOGISTIC16, mica_k_sigmoid16)                                                           \
    X(112, TANH16, mica_k_sigmoid16)                                                               \
    MICA_KERNEL_LIST_INT16B(X)                                                                     \
    MICA_KERNEL_LIST_INT16C(X)

/* QUANTIZE between integer types: widths 1 (int8) or 2 (int16), count elements;
 * out = clamp(MultiplyByQuantizedMultiplier(in - in_zp, mult, shift) + out_zp). */
typedef struct {
    int32_t in_width, out_width, in_zp, out_zp, mult, shift;
    uint32_t count;
} mica_requantize_params_t;

/* FULLY_CONNECTED16 takes FULLY_CONNECTED's parameter block (mica_kernels.h) with int16 operands;
 * ADD16/SUB16/MUL16 the binary block (ADD/SUB: left shift 15; constants in int16 elements);
 * CONV_2D16/DEPTHWISE_CONV_2D16 the convolution block (mica_conv_params_t, int32 biases). */

/* SVDF, TFLite's integer path (reference_ops::EvalIntegerSVDF): operands in[0] the int8 input
 * [batch][n_input], in[1] the int16 state [batch][n_filter][memory]; out[0] the int8 output
 * [batch][n_filter / rank], out[1] the updated state. Per filter f the feature
 *   clamp16(MultiplyByQuantizedMultiplier(sum_i wf[f][i] * (x[i] - in_zp), mult1, shift1))
 * enters the state's newest column; the time dot sum_m wt[f][m] * state[f][m] is summed over the
 * rank filters of a unit with its bias, rescaled by mult2/shift2, + out_zp, clamped to int8; then
 * the state shifts one column older (the newest becomes 0). The fused activation is not applied
 * (LiteRT's and TFLite Micro's integer SVDF apply none). Followed by n_filter / rank int32 biases,
 * the int8 weights_feature [n_filter][n_input], the int16 weights_time [n_filter][memory]. */
typedef struct {
    int32_t batch, n_input, n_filter, rank, memory;
    int32_t in_zp, out_zp, mult1, shift1, mult2, shift2;
} mica_svdf_params_t;

/* SOFTMAX16 over the last dimension (TFLite's SoftmaxInt16): the input difference to the row
 * maximum times input_multiplier/input_shift (double rounding) maps [-65535, 0] to the exp
 * table's [-10, 0]. Followed by two int16 tables of 513 entries: exp on [-10, 0] and
 * 1 / (1 + x) on [0, 1], both in Q0.15 over [-1, 1]. */
typedef struct {
    int32_t rows, depth, input_multiplier, input_shift;
} mica_softmax16_params_t;

/* LOGISTIC16 / TANH16 (TFLite's reference int16 Logistic / Tanh): v = (x * mult + round) >> shift
 * (round = half of 2^shift), then |v| indexes TFLite's 256-entry uint16 sigmoid table (the
 * kernel's measured copy) with linear interpolation, 9 fraction bits for LOGISTIC, 8 for TANH;
 * output Q0.15. The power-of-two input scale case arrives folded (mult = 3 << left_shift,
 * shift 0). count elements; tanh is 1 for TANH16, 0 for LOGISTIC16. */
typedef struct {
    int32_t tanh, mult, shift;
    uint32_t count;
} mica_sigmoid16_params_t;

#endif
