/* CPU placement: for each TFLite operator with a CPU kernel, the function that checks it and
 * writes the kernel's parameter block. One prepare function per operator, one file each. */
#ifndef MICA_CPU_OPS_H
#define MICA_CPU_OPS_H
#include <stddef.h>
#include "builder.h"
#include "mica_kernels.h"
#include "tflite/tflite_reader.h"

/* Appends the parameter block for op to params. The kernel's operands are the op's int8
 * activation inputs (constants are the prepare function's to embed) and its outputs.
 * Returns 0, or -1 with a one-line reason in err. */
typedef int (*mica_cpu_prepare_fn)(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                   char *err, size_t errlen);

/* X(TFLite builtin, kernel NAME from MICA_KERNEL_LIST, prepare function) */
#define MICA_CPU_OP_LIST(X)                                                                        \
    X(TFL_OP_RESHAPE, RESHAPE, mica_prepare_reshape)                                               \
    X(TFL_OP_SOFTMAX, SOFTMAX, mica_prepare_softmax)                                               \
    X(TFL_OP_CONV_2D, CONV_2D, mica_prepare_conv2d)                                                \
    X(TFL_OP_DEPTHWISE_CONV_2D, DEPTHWISE_CONV_2D, mica_prepare_depthwise_conv2d)                  \
    X(TFL_OP_FULLY_CONNECTED, FULLY_CONNECTED, mica_prepare_fully_connected)                       \
    X(TFL_OP_AVERAGE_POOL_2D, AVERAGE_POOL_2D, mica_prepare_average_pool)                          \
    X(TFL_OP_MAX_POOL_2D, MAX_POOL_2D, mica_prepare_max_pool)                                      \
    X(TFL_OP_ADD, ADD, mica_prepare_add)                                                           \
    X(TFL_OP_SUB, SUB, mica_prepare_sub)                                                           \
    X(TFL_OP_MUL, MUL, mica_prepare_mul)                                                           \
    X(TFL_OP_MAXIMUM, MAXIMUM, mica_prepare_maximum)                                               \
    X(TFL_OP_MINIMUM, MINIMUM, mica_prepare_minimum)                                               \
    X(TFL_OP_QUANTIZE, QUANTIZE, mica_prepare_quantize)                                            \
    X(TFL_OP_LOGISTIC, LOGISTIC, mica_prepare_logistic)                                            \
    X(TFL_OP_TANH, TANH, mica_prepare_tanh)                                                        \
    X(TFL_OP_HARD_SWISH, HARD_SWISH, mica_prepare_hard_swish)                                      \
    X(TFL_OP_LEAKY_RELU, LEAKY_RELU, mica_prepare_leaky_relu)                                      \
    X(TFL_OP_RELU, RELU, mica_prepare_relu)                                                        \
    X(TFL_OP_RELU6, RELU6, mica_prepare_relu6)                                                     \
    X(TFL_OP_RELU_N1_TO_1, RELU_N1_TO_1, mica_prepare_relu_n1_to_1)                                \
    X(TFL_OP_PAD, PAD, mica_prepare_pad)                                                           \
    X(TFL_OP_PADV2, PAD, mica_prepare_pad)                                                         \
    X(TFL_OP_CONCATENATION, CONCATENATION, mica_prepare_concat)                                    \
    X(TFL_OP_MEAN, MEAN, mica_prepare_mean)                                                        \
    X(TFL_OP_RESIZE_NEAREST_NEIGHBOR, RESIZE_NEAREST_NEIGHBOR, mica_prepare_resize_nearest)        \
    X(TFL_OP_STRIDED_SLICE, STRIDED_SLICE, mica_prepare_strided_slice)                             \
    X(TFL_OP_TRANSPOSE, TRANSPOSE, mica_prepare_transpose)                                         \
    X(TFL_OP_SLICE, SLICE, mica_prepare_slice)                                                     \
    X(TFL_OP_DEQUANTIZE, DEQUANTIZE, mica_prepare_dequantize)                                      \
    X(TFL_OP_SQUEEZE, RESHAPE, mica_prepare_reshape)                                               \
    X(TFL_OP_DEPTH_TO_SPACE, DEPTH_TO_SPACE, mica_prepare_depth_to_space)                          \
    X(TFL_OP_SPACE_TO_DEPTH, SPACE_TO_DEPTH, mica_prepare_space_to_depth)                          \
    X(TFL_OP_PACK, PACK, mica_prepare_pack)                                                        \
    X(TFL_OP_SPLIT, SPLIT, mica_prepare_split)                                                     \
    X(TFL_OP_SPLIT_V, SPLIT, mica_prepare_split)                                                   \
    X(TFL_OP_UNPACK, SPLIT, mica_prepare_split)                                                    \
    X(TFL_OP_GATHER, GATHER, mica_prepare_gather)                                                  \
    X(TFL_OP_EXP, EXP, mica_prepare_exp)                                                           \
    X(TFL_OP_GELU, GELU, mica_prepare_gelu)                                                        \
    X(TFL_OP_BROADCAST_TO, BROADCAST_TO, mica_prepare_broadcast_to)                                \
    X(TFL_OP_REDUCE_MAX, REDUCE_MAX, mica_prepare_reduce_max)                                      \
    X(TFL_OP_REDUCE_MIN, REDUCE_MIN, mica_prepare_reduce_min)                                      \
    X(TFL_OP_PRELU, PRELU, mica_prepare_prelu)                                                     \
    X(TFL_OP_SQUARED_DIFFERENCE, SQUARED_DIFFERENCE, mica_prepare_squared_difference)              \
    X(TFL_OP_ARG_MAX, ARG_MAX, mica_prepare_arg_max)                                               \
    X(TFL_OP_ARG_MIN, ARG_MIN, mica_prepare_arg_min)                                               \
    X(TFL_OP_BATCH_TO_SPACE_ND, BATCH_TO_SPACE_ND, mica_prepare_batch_to_space)                    \
    X(TFL_OP_SPACE_TO_BATCH_ND, SPACE_TO_BATCH_ND, mica_prepare_space_to_batch)                    \
    X(TFL_OP_MIRROR_PAD, MIRROR_PAD, mica_prepare_mirror_pad)                                      \
    X(TFL_OP_LOG, LOG, mica_prepare_log)                                                           \
    X(TFL_OP_SQRT, SQRT, mica_prepare_sqrt)                                                        \
    X(TFL_OP_RSQRT, RSQRT, mica_prepare_rsqrt)                                                     \
    X(TFL_OP_ABS, ABS, mica_prepare_abs)                                                           \
    X(TFL_OP_NEG, NEG, mica_prepare_neg)                                                           \
    X(TFL_OP_SUM, SUM, mica_prepare_sum)                                                           \
    X(TFL_OP_L2_NORMALIZATION, L2_NORMALIZATION, mica_prepare_l2_normalization)                    \
    X(TFL_OP_GATHER_ND, GATHER_ND, mica_prepare_gather_nd)                                         \
    X(TFL_OP_RESIZE_BILINEAR, RESIZE_BILINEAR, mica_prepare_resize_bilinear)                       \
    X(TFL_OP_EQUAL, EQUAL, mica_prepare_equal)                                                     \
    X(TFL_OP_NOT_EQUAL, NOT_EQUAL, mica_prepare_not_equal)                                         \
    X(TFL_OP_LESS, LESS, mica_prepare_less)                                                        \
    X(TFL_OP_LESS_EQUAL, LESS_EQUAL, mica_prepare_less_equal)                                      \
    X(TFL_OP_GREATER, GREATER, mica_prepare_greater)                                               \
    X(TFL_OP_GREATER_EQUAL, GREATER_EQUAL, mica_prepare_greater_equal)                             \
    X(TFL_OP_LOGICAL_AND, LOGICAL_AND, mica_prepare_logical_and)                                   \
    X(TFL_OP_LOGICAL_OR, LOGICAL_OR, mica_prepare_logical_or)                                      \
    X(TFL_OP_LOGICAL_NOT, LOGICAL_NOT, mica_prepare_logical_not)                                   \
    X(TFL_OP_SELECT, SELECT, mica_prepare_select)                                                  \
    X(TFL_OP_SELECT_V2, SELECT, mica_prepare_select_v2)                                            \
    X(TFL_OP_EXPAND_DIMS, RESHAPE, mica_prepare_expand_dims)                                       \
    X(TFL_OP_LOG_SOFTMAX, LOG_SOFTMAX, mica_prepare_log_softmax)                                   \
    X(TFL_OP_DIV, DIV, mica_prepare_div)                                                           \
    X(TFL_OP_TRANSPOSE_CONV, TRANSPOSE_CONV, mica_prepare_transpose_conv)                          \
    X(TFL_OP_BATCH_MATMUL, BATCH_MATMUL, mica_prepare_batch_matmul)                                \
    X(TFL_OP_ELU, ELU, mica_prepare_elu)                                                           \
    X(TFL_OP_ADD_N, ADD_N, mica_prepare_add_n)                                                     \
    X(TFL_OP_CUMSUM, CUMSUM, mica_prepare_cumsum)                                                  \
    X(TFL_OP_CAST, CAST, mica_prepare_cast)                                                        \
    X(TFL_OP_FILL, FILL, mica_prepare_fill)                                                        \
    X(TFL_OP_ZEROS_LIKE, ZEROS_LIKE, mica_prepare_zeros_like)                                      \
    X(TFL_OP_UNIDIRECTIONAL_SEQUENCE_LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, mica_prepare_lstm)        \
    X(TFL_OP_SVDF, SVDF, mica_prepare_svdf)

#define MICA_CPU_OP_DECL(builtin, name, fn)                                                        \
    int fn(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err, size_t errlen);
MICA_CPU_OP_LIST(MICA_CPU_OP_DECL)
#undef MICA_CPU_OP_DECL

/* Operators whose kernel depends on the input's type: X(builtin, input type, kernel, prepare). */
#define MICA_CPU_OP_VARIANTS(X)                                                                    \
    X(TFL_OP_QUANTIZE, TFL_TYPE_FLOAT32, QUANTIZE_FLOAT, mica_prepare_quantize_float)
int mica_prepare_quantize_float(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                char *err, size_t errlen);

/* The CPU kernel for op (by builtin, and by its first input's type where that matters), or -1
 * when there is none; *prepare receives its function. */
int mica_cpu_op_find(const tfl_model_t *m, const tfl_op_t *op, mica_cpu_prepare_fn *prepare);
/* Comma-separated names of the operators with a CPU kernel (for messages and docs). */
const char *mica_cpu_op_names(void);

/* Helpers for prepare functions. */
const tfl_tensor_t *mica_op_tensor(const tfl_model_t *m, const tfl_op_t *op, int input_index);
const tfl_tensor_t *mica_op_output(const tfl_model_t *m, const tfl_op_t *op, int output_index);
int64_t mica_tensor_elements(const tfl_tensor_t *t);

/* TRANSPOSE_CONV's and BATCH_MATMUL's shapes, padding, strides and quantization as their CPU
 * kernels use them; the accelerator's lowerings (lower_tconv.c, lower_bmm.c) share them. */
int mica_tconv_shape(const tfl_model_t *m, const tfl_op_t *op, mica_conv_params_t *p, char *err,
                     size_t errlen);
int mica_bmm_layout(const tfl_model_t *m, const tfl_op_t *op, mica_batch_matmul_params_t *p,
                    char *err, size_t errlen);

/* TFLite's int8 ADD constants (input rescales with left shift 20, output multiplier, clamp), as
 * the ADD kernel uses them; the accelerator's ADD lowering shares them. 0, or -1 with err. */
int mica_add_quant(const tfl_op_t *op, const tfl_tensor_t *a, const tfl_tensor_t *b,
                   const tfl_tensor_t *out, mica_binary_params_t *p, char *err, size_t errlen);

#endif
