/* CPU fallback kernels: freestanding C99 (no malloc, no stdio, no libm), so the same files build
 * for Cortex-M firmware. One kernel per file. Each kernel validates its parameter block against
 * the operand sizes before touching memory (a corrupted program must not crash the runtime) and
 * returns 0, or -1 when they do not fit together. */
#ifndef MICA_KERNELS_H
#define MICA_KERNELS_H
#include <stdint.h>

#define MICA_KERNEL_MAX_IO 4
#include "mica_kernels_int16.h" /* MICA_KERNEL_LIST_INT16 */
#include "mica_kernels_lstm.h"  /* MICA_KERNEL_LIST_LSTM */
#include "mica_kernels_int32.h" /* MICA_KERNEL_LIST_INT32 */

/* One kernel invocation: parameter block (written by the compiler) and operand buffers. */
typedef struct {
    const void *params;
    uint32_t params_size;
    int ninputs, noutputs;
    const int8_t *in[MICA_KERNEL_MAX_IO];
    uint32_t in_bytes[MICA_KERNEL_MAX_IO];
    int8_t *out[MICA_KERNEL_MAX_IO];
    uint32_t out_bytes[MICA_KERNEL_MAX_IO];
} mica_kernel_call_t;

typedef int (*mica_kernel_fn)(const mica_kernel_call_t *call);

/* The kernel list: X(id, NAME, function). ids are stable .mica file-format numbers. */
#define MICA_KERNEL_LIST(X)                                                                        \
    MICA_KERNEL_LIST_LSTM(X)                                                                       \
    X(1, RESHAPE, mica_k_reshape)                                                                  \
    X(2, SOFTMAX, mica_k_softmax)                                                                  \
    X(3, CONV_2D, mica_k_conv2d)                                                                   \
    X(4, DEPTHWISE_CONV_2D, mica_k_depthwise_conv2d)                                               \
    X(5, FULLY_CONNECTED, mica_k_fully_connected)                                                  \
    X(6, AVERAGE_POOL_2D, mica_k_pool)                                                             \
    X(7, MAX_POOL_2D, mica_k_pool)                                                                 \
    X(8, ADD, mica_k_binary)                                                                       \
    X(9, SUB, mica_k_binary)                                                                       \
    X(10, MUL, mica_k_binary)                                                                      \
    X(11, MAXIMUM, mica_k_binary)                                                                  \
    X(12, MINIMUM, mica_k_binary)                                                                  \
    X(13, QUANTIZE, mica_k_lut)                                                                    \
    X(14, LOGISTIC, mica_k_lut)                                                                    \
    X(15, TANH, mica_k_lut)                                                                        \
    X(16, HARD_SWISH, mica_k_lut)                                                                  \
    X(17, LEAKY_RELU, mica_k_lut)                                                                  \
    X(18, RELU, mica_k_lut)                                                                        \
    X(19, RELU6, mica_k_lut)                                                                       \
    X(20, RELU_N1_TO_1, mica_k_lut)                                                                \
    X(21, PAD, mica_k_pad)                                                                         \
    X(22, CONCATENATION, mica_k_concat)                                                            \
    X(23, MEAN, mica_k_mean)                                                                       \
    X(24, RESIZE_NEAREST_NEIGHBOR, mica_k_resize_nearest)                                          \
    X(25, STRIDED_SLICE, mica_k_gather)                                                            \
    X(26, TRANSPOSE, mica_k_gather)                                                                \
    X(27, SLICE, mica_k_gather)                                                                    \
    X(28, QUANTIZE_FLOAT, mica_k_quantize_float)                                                   \
    X(29, DEQUANTIZE, mica_k_dequantize)                                                           \
    X(30, DEPTH_TO_SPACE, mica_k_gather)                                                           \
    X(31, SPACE_TO_DEPTH, mica_k_gather)                                                           \
    X(32, PACK, mica_k_concat)                                                                     \
    X(33, SPLIT, mica_k_split)                                                                     \
    X(34, GATHER, mica_k_take)                                                                     \
    X(35, EXP, mica_k_lut)                                                                         \
    X(37, GELU, mica_k_lut)                                                                        \
    X(38, BROADCAST_TO, mica_k_gather)                                                             \
    X(39, REDUCE_MAX, mica_k_reduce_extreme)                                                       \
    X(40, REDUCE_MIN, mica_k_reduce_extreme)                                                       \
    X(41, PRELU, mica_k_binary)                                                                    \
    X(42, SQUARED_DIFFERENCE, mica_k_binary)                                                       \
    X(43, ARG_MAX, mica_k_arg_extreme)                                                             \
    X(44, ARG_MIN, mica_k_arg_extreme)                                                             \
    X(45, BATCH_TO_SPACE_ND, mica_k_gather)                                                        \
    X(46, SPACE_TO_BATCH_ND, mica_k_gather)                                                        \
    X(47, MIRROR_PAD, mica_k_remap)                                                                \
    X(64, LOG, mica_k_lut)                                                                         \
    X(65, SQRT, mica_k_lut)                                                                        \
    X(66, RSQRT, mica_k_lut)                                                                       \
    X(67, ABS, mica_k_lut)                                                                         \
    X(68, NEG, mica_k_lut)                                                                         \
    X(69, SUM, mica_k_mean)                                                                        \
    X(70, L2_NORMALIZATION, mica_k_l2_norm)                                                        \
    X(71, GATHER_ND, mica_k_take)                                                                  \
    X(72, RESIZE_BILINEAR, mica_k_resize_bilinear)                                                 \
    X(73, EQUAL, mica_k_logic)                                                                     \
    X(74, NOT_EQUAL, mica_k_logic)                                                                 \
    X(75, LESS, mica_k_logic)                                                                      \
    X(76, LESS_EQUAL, mica_k_logic)                                                                \
    X(77, GREATER, mica_k_logic)                                                                   \
    X(78, GREATER_EQUAL, mica_k_logic)                                                             \
    X(79, LOGICAL_AND, mica_k_logic)                                                               \
    X(80, LOGICAL_OR, mica_k_logic)                                                                \
    X(81, LOGICAL_NOT, mica_k_logic)                                                               \
    X(82, SELECT, mica_k_logic)                                                                    \
    X(83, LOG_SOFTMAX, mica_k_log_softmax)                                                         \
    X(84, DIV, mica_k_logic)                                                                       \
    X(200, CONSTANT, mica_k_constant)                                                              \
    X(120, TRANSPOSE_CONV, mica_k_transpose_conv)                                                  \
    X(121, BATCH_MATMUL, mica_k_batch_matmul)                                                      \
    X(122, ELU, mica_k_lut)                                                                        \
    X(123, ADD_N, mica_k_accumulate)                                                               \
    X(124, CUMSUM, mica_k_accumulate)                                                              \
    X(125, CAST, mica_k_cast)                                                                      \
    X(126, FILL, mica_k_gather)                                                                    \
    X(127, ZEROS_LIKE, mica_k_zeros)                                                               \
    MICA_KERNEL_LIST_INT16(X)                                                                      \
    MICA_KERNEL_LIST_INT32(X)

#define MICA_KERNEL_ENUM(id, name, fn) MICA_CPU_##name = id,
typedef enum { MICA_KERNEL_LIST(MICA_KERNEL_ENUM) MICA_CPU_END_ } mica_cpu_op_t;
#undef MICA_KERNEL_ENUM

#define MICA_KERNEL_DECL(id, name, fn) int fn(const mica_kernel_call_t *call);
MICA_KERNEL_LIST(MICA_KERNEL_DECL)
#undef MICA_KERNEL_DECL

/* Looks a kernel up by id; NULL if unknown. */
mica_kernel_fn mica_kernel_find(uint32_t id, const char **name);

/* ---- parameter blocks (the compiler fills them; little-endian, no pointers) ---- */

/* SOFTMAX over the last dimension; PreprocessSoftmaxScaling results (beta, input scale). */
typedef struct {
    int32_t input_multiplier, input_left_shift, diff_min;
    int32_t rows, depth;
} mica_softmax_params_t;

/* Several names may share one kernel function (e.g. ADD/SUB/MUL/... -> mica_k_binary): the
 * parameter block says which arithmetic to do; the name keeps step names readable. */
#define MICA_MAX_RANK 6

/* CONV_2D / DEPTHWISE_CONV_2D, NHWC. Followed by out_c mica_chan_quant_t, then the int8 filter:
 * CONV [out_c][k_h][k_w][filter_c] (groups = in_c / filter_c), DEPTHWISE [k_h][k_w][out_c]
 * (out channel = in channel * depth_multiplier + m). Requantization: double rounding. */
typedef struct {
    int32_t batches, in_h, in_w, in_c, out_h, out_w, out_c;
    int32_t k_h, k_w, stride_h, stride_w, dil_h, dil_w, pad_top, pad_left;
    int32_t filter_c; /* CONV: filter depth; DEPTHWISE: depth multiplier */
    int32_t in_zp, out_zp, act_min, act_max;
} mica_conv_params_t;

typedef struct {
    int32_t bias, mult, shift;
} mica_chan_quant_t;

/* FULLY_CONNECTED: followed by out_n mica_fc_quant_t, then int8 weights [out_n][in_n].
 * y = round_half_away(acc * m53 * 2^(exp - 53)) (what LiteRT's reference FC computes in double). */
typedef struct {
    int32_t batches, in_n, out_n, in_zp, out_zp, act_min, act_max;
} mica_fc_params_t;

typedef struct {
    int32_t bias;
    uint32_t m53_lo, m53_hi;
    int32_t exp;
} mica_fc_quant_t;

/* AVERAGE_POOL_2D / MAX_POOL_2D, NHWC. */
typedef struct {
    int32_t is_max, batches, in_h, in_w, ch, out_h, out_w;
    int32_t f_h, f_w, stride_h, stride_w, pad_top, pad_left, act_min, act_max;
} mica_pool_params_t;

/* Element-wise binary ops with broadcasting (rank <= MICA_MAX_RANK, strides in elements, 0 on a
 * broadcast dimension). An input with const_len > 0 is a constant stored const_off bytes from the
 * start of the parameter block; the others are the operands, in order. */
/* PRELU: input 0 is x, input 1 alpha; x >= z_in: MultiplyByQuantizedMultiplier(x - z_in,
 * in_mult[0], in_shift[0]), else MultiplyByQuantizedMultiplier((x - z_in) * (alpha - z_alpha),
 * out_mult, out_shift); then + out_zp, clamped (TFLite's BroadcastPrelu4DSlow). */
/* SQUARED_DIFFERENCE: both inputs rescaled as ADD's but with left shift 7, the difference squared,
 * then out_mult/out_shift (squared_difference.cc). */
enum {
    MICA_BIN_ADD = 0,
    MICA_BIN_SUB,
    MICA_BIN_MUL,
    MICA_BIN_MAX,
    MICA_BIN_MIN,
    MICA_BIN_PRELU,
    MICA_BIN_SQDIFF
};
typedef struct {
    int32_t op, rank;
    int32_t dims[MICA_MAX_RANK];
    int32_t strides[2][MICA_MAX_RANK];
    uint32_t const_off[2], const_len[2];
    int32_t in_zp[2], in_mult[2], in_shift[2]; /* ADD/SUB: per-input rescale (left_shift 20) */
    int32_t out_mult, out_shift, out_zp, act_min, act_max;
} mica_binary_params_t;

/* Element-wise int8 -> int8 function as a table indexed by (uint8_t)x (QUANTIZE, LOGISTIC, TANH,
 * HARD_SWISH, LEAKY_RELU, RELU*): the compiler evaluates TFLite's arithmetic on all 256 inputs. */
typedef struct {
    int8_t table[256];
} mica_lut_params_t;

/* PAD with a constant (the output zero point or PADV2's value). */
typedef struct {
    int32_t rank;
    int32_t in_dims[MICA_MAX_RANK], before[MICA_MAX_RANK], out_dims[MICA_MAX_RANK];
    int32_t pad_value;
} mica_pad_params_t;

/* CONCATENATION: out = for each of `outer` blocks, input 0's chunk, input 1's chunk, ...
 * (chunk = bytes per block). Constant inputs live in the parameter block (const_len > 0). */
#define MICA_CONCAT_MAX_IN 8
typedef struct {
    int32_t ninputs, outer;
    int32_t chunk[MICA_CONCAT_MAX_IN];
    uint32_t const_off[MICA_CONCAT_MAX_IN], const_len[MICA_CONCAT_MAX_IN];
} mica_concat_params_t;

/* MEAN (and SUM): for each output element (kept dims, input strides in elements) the sum s of the
 * raw int8 inputs over the reduced dims; out = -128 + #{k : s >= threshold[k]}. TFLite's mean
 * arithmetic (any of its three int8 paths) and its integer int8 sum are non-decreasing functions
 * of s, so 255 thresholds computed by the compiler reproduce them exactly. */
typedef struct {
    int32_t out_rank, red_rank;
    int32_t out_dims[MICA_MAX_RANK], out_strides[MICA_MAX_RANK];
    int32_t red_dims[MICA_MAX_RANK], red_strides[MICA_MAX_RANK];
    int32_t threshold[255];
} mica_mean_params_t;

/* REDUCE_MAX / REDUCE_MIN int8 (input and output share quantization, as TFLite requires): the
 * largest (want_min 0) or smallest raw value over the reduced dims, walked like MEAN's. */
typedef struct {
    int32_t want_min, out_rank, red_rank;
    int32_t out_dims[MICA_MAX_RANK], out_strides[MICA_MAX_RANK];
    int32_t red_dims[MICA_MAX_RANK], red_strides[MICA_MAX_RANK];
} mica_reduce_params_t;

/* RESIZE_NEAREST_NEIGHBOR, NHWC: followed by out_h source rows then out_w source columns (int32). */
typedef struct {
    int32_t batches, in_h, in_w, ch, out_h, out_w;
} mica_resize_params_t;

/* SPLIT / SPLIT_V / UNPACK: the inverse of CONCATENATION, bytes copied: per outer block, each
 * output in turn takes its chunk. */
typedef struct {
    int32_t noutputs, outer;
    int32_t chunk[MICA_KERNEL_MAX_IO];
} mica_split_params_t;

/* GATHER with constant indices: out[o][i][k] = in[o][index[i]][k] for o < outer, i < count,
 * k < inner (bytes copied). Followed by count int32 indices, each in 0..axis_len-1. */
typedef struct {
    int32_t outer, axis_len, inner, count;
} mica_take_params_t;

/* Comparisons, logical operators and SELECT / SELECT_V2, element-wise with broadcasting: up to
 * three inputs walked by element strides (0 on a broadcast dimension); an input with
 * const_len > 0 is a constant stored const_off bytes into the parameter block, as in
 * mica_binary_params_t. Bool tensors are bytes 0 / 1 (any non-zero byte reads as true).
 * Comparisons: out = F(scaled[0][(uint8_t)a], scaled[1][(uint8_t)b]) with scaled[k] TFLite's
 * ComparisonWithScaling value of input k's raw byte (left shift 8, the input scale as a
 * multiplier). SELECT: out = c ? x : y, raw bytes (TFLite does not requantize). DIV: TFLite's
 * DivElementwise on (a - in_zp[0]) / (b - in_zp[1]) (GetReciprocal, out_mult / out_shift, + out_zp,
 * clamped to [act_min, act_max]); a divisor at its zero point (LiteRT fails the invoke) gives
 * act_max, act_min or out_zp by the dividend's sign. */
enum {
    MICA_LOGIC_EQ = 0,
    MICA_LOGIC_NE,
    MICA_LOGIC_LT,
    MICA_LOGIC_LE,
    MICA_LOGIC_GT,
    MICA_LOGIC_GE,
    MICA_LOGIC_AND,
    MICA_LOGIC_OR,
    MICA_LOGIC_NOT,
    MICA_LOGIC_SELECT,
    MICA_LOGIC_DIV
};
typedef struct {
    int32_t op, ninputs, rank;
    int32_t dims[MICA_MAX_RANK];
    int32_t strides[3][MICA_MAX_RANK];
    uint32_t const_off[3], const_len[3];
    int32_t scaled[2][256];
    int32_t in_zp[2], out_zp, out_mult, out_shift, act_min, act_max; /* DIV */
} mica_logic_params_t;

/* RESIZE_BILINEAR, NHWC: mica_resize_params_t followed by out_h row taps then out_w column taps
 * (TFLite's ComputeInterpolationValuesInteger: source indices lo, hi and frac = scaled - 1024 lo,
 * |frac| <= 1024). */
typedef struct {
    int32_t lo, hi, frac;
} mica_bilinear_tap_t;

/* LOG_SOFTMAX int8 over the last dimension (rows x depth), TFLite's LogSoftmaxPrepare with beta 1:
 * input multiplier and left shift (5 integer bits), reverse multiplier and shift (<= 0, a right
 * shift), minimum difference. Output scale 16/256, zero point 127. */
typedef struct {
    int32_t input_multiplier, input_left_shift, reverse_multiplier, reverse_shift, diff_min;
    int32_t rows, depth;
} mica_log_softmax_params_t;

/* L2_NORMALIZATION int8 over the last dimension (rows x depth), output scale 1/128, zero point 0. */
typedef struct {
    int32_t rows, depth, in_zp;
} mica_l2norm_params_t;

/* ARG_MAX / ARG_MIN of int8 along one axis: for each (outer, inner) the first index whose raw value
 * is the largest (want_min 0) or smallest; written as little-endian int32 or int64 (out_size 4
 * or 8), as the model's output. */
typedef struct {
    int32_t outer, axis_len, inner, want_min, out_size;
} mica_arg_params_t;

/* A gather through per-dimension index tables: out[i0..] = in[sum_d table_d[i_d] * stride_d]
 * (MIRROR_PAD's reflections). Followed by the tables, dims[0] + ... + dims[rank-1] int32 input
 * indices, dimension 0's first. */
typedef struct {
    int32_t rank;
    int32_t dims[MICA_MAX_RANK], in_dims[MICA_MAX_RANK], strides[MICA_MAX_RANK];
} mica_remap_params_t;

/* QUANTIZE float32 -> int8 (or int16: QUANTIZE_FLOAT16) and DEQUANTIZE int8 (or int16:
 * DEQUANTIZE16) -> float32 at a model's edges, TFLite's reference arithmetic:
 * q = clamp((int32)round_half_away(x / scale) + zero_point), y = (float)((double)scale
 * * (q - zero_point)). count elements; the float side is 4 bytes each, little-endian IEEE. */
typedef struct {
    float scale;
    int32_t zero_point;
    uint32_t count;
} mica_affine_params_t;

/* STRIDED_SLICE / SLICE / TRANSPOSE / DEPTH_TO_SPACE / SPACE_TO_DEPTH: out[i0..] = in[offset + sum i_d * strides[d]] (element
 * strides, may be negative). */
typedef struct {
    int32_t rank, offset;
    int32_t dims[MICA_MAX_RANK], strides[MICA_MAX_RANK];
} mica_gather_params_t;

/* ZEROS_LIKE: the output's bytes, all written 0 (raw, as TFLite Micro does). */
typedef struct {
    uint32_t bytes;
} mica_zeros_params_t;

/* BATCH_MATMUL int8 (batch_matmul.c): batch_rank <= MICA_MAX_RANK - 2 broadcast batch dims with
 * each operand's element stride per dim (0 where it broadcasts); lhs element (i, k) at
 * i * lhs_row_stride + k * lhs_depth_stride, rhs element (k, j) at k * rhs_depth_stride +
 * j * rhs_col_stride (adj_x / adj_y swap them). A constant operand (const_len > 0) lives in the
 * parameter block, as in mica_binary_params_t. Output [batch...][rows][cols]. */
typedef struct {
    int32_t batch_rank;
    int32_t batch_dims[MICA_MAX_RANK - 2];
    int32_t batch_strides[2][MICA_MAX_RANK - 2];
    int32_t rows, cols, depth;
    int32_t lhs_row_stride, lhs_depth_stride, rhs_depth_stride, rhs_col_stride;
    uint32_t const_off[2], const_len[2];
    int32_t lhs_zp, rhs_zp, out_zp, out_mult, out_shift, act_min, act_max;
} mica_batch_matmul_params_t;

/* ADD_N / CUMSUM int8 (accumulate.c): outer x depth x inner elements, scanned along depth
 * (reverse: from the end; exclusive: each output before its own term); scaled[(uint8_t)q] is
 * input value q rescaled (left shift 20, input multiplier), sums start at init; out = out_zp +
 * MultiplyByQuantizedMultiplierSmallerThanOneExp(sum, out_mult, out_shift), clamped. ADD_N:
 * depth 1, its inputs (same quantization) summed element-wise. */
typedef struct {
    int32_t outer, depth, inner, exclusive, reverse, init;
    int32_t out_mult, out_shift, out_zp, act_min, act_max;
    int32_t scaled[256];
} mica_accumulate_params_t;

/* CAST (cast.c): count elements between int8 or int16 and int8, int16, int32 or float32 (one
 * side int8 or int16), raw values. */
enum { MICA_CAST_INT8 = 0, MICA_CAST_INT32 = 1, MICA_CAST_FLOAT32 = 2, MICA_CAST_INT16 = 3 };
typedef struct {
    uint32_t count;
    int32_t in_type, out_type;
} mica_cast_params_t;

#endif
