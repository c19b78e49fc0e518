/* Helpers shared by the CPU prepare functions (host side: float math allowed here). */
#ifndef MICA_CPU_UTIL_H
#define MICA_CPU_UTIL_H
#include <stdio.h>
#include "cpu_ops.h"

#define REJECT(...)                                                                                \
    do {                                                                                           \
        snprintf(err, errlen, __VA_ARGS__);                                                        \
        return -1;                                                                                 \
    } while (0)

/* 1 when t is an int8 tensor with one finite scale > 0 and a zero point in -128..127. */
int mica_is_int8_q(const tfl_tensor_t *t);
/* Constant int32/int64 tensor -> int32 values (at most max); count or -1. */
int mica_const_ints(const tfl_tensor_t *t, int32_t *v, int max);
/* TFLite ComputePadding: ((out - 1) * stride + (k - 1) * dil + 1 - in) / 2, at least 0. */
int32_t mica_conv_pad(int32_t in, int32_t out, int32_t k, int32_t stride, int32_t dil);
/* Fused activation -> [lo, hi] on the output's int8 scale; -1 with a reason in err when not
 * NONE/RELU/RELU_N1_TO_1/RELU6 or when a bound does not fit int32. */
int mica_fused_range(int act, const tfl_tensor_t *out, int32_t *lo, int32_t *hi, char *err,
                     size_t errlen);
/* mica_quantize_multiplier(real) for op's multiplier real = scale(a) [* scale(b)] / scale(out) (b:
 * optional, its scale b_channel when per-channel); -1 with a reason naming those tensors, their
 * scales and the multiplier when TFLite's int8 op cannot represent it. */
int mica_checked_multiplier(double real, const char *op, const tfl_tensor_t *a,
                            const tfl_tensor_t *b, int b_channel, const tfl_tensor_t *out,
                            int32_t *m, int *shift, char *err, size_t errlen);
/* Element strides of t broadcast to out's dims (right-aligned, 0 where t's dim is 1); -1 when t
 * does not broadcast to out (binary.c). */
int mica_broadcast_strides(const tfl_tensor_t *t, const tfl_tensor_t *out, int32_t *strides);
/* Appends an int8 constant tensor's bytes; *off = offset from block_start. */
int mica_append_const(mica_buf_t *params, size_t block_start, const tfl_tensor_t *t, uint32_t *off,
                      uint32_t *len);
/* Appends a CONCATENATION-shaped block p (CONCATENATION, PACK) with op's constant inputs embedded
 * after it (their places written into p). 0, or -1 with a reason naming name. */
int mica_concat_emit(const tfl_model_t *m, const tfl_op_t *op, const char *name,
                     mica_concat_params_t *p, mica_buf_t *params, char *err, size_t errlen);
/* Appends a 256-entry table built from f(x) for x in [-128, 127]. */
int mica_append_lut(mica_buf_t *params, int8_t (*f)(int32_t x, const void *ctx), const void *ctx);
/* LUTPopulate<int8_t> of f(dequantized input, arg) for op's int8 input and output as a table
 * (lut_float.c). 0, or -1 with a reason naming name. */
typedef float (*mica_float_transform_fn)(float x, const void *arg);
int mica_float_lut(const tfl_model_t *m, const tfl_op_t *op, const char *name,
                   mica_float_transform_fn f, const void *arg, mica_buf_t *params, char *err,
                   size_t errlen);
/* FULLY_CONNECTED output row `row` (n weights, bias) with real multiplier real: LiteRT's reference
 * kernel converts round(double(acc) * real) to int32, undefined past int32; -1 with a reason when
 * any accumulator these weights allow could get there. */
int mica_fc_real_fits(double real, int32_t bias, const int8_t *w_row, int32_t n, int row,
                      const tfl_tensor_t *out, char *err, size_t errlen);
/* A reduction over the constant axes in op's input 1: the kept and the reduced dimensions of
 * input 0 with their element strides, and *n, the elements reduced into each output. 0, or -1
 * with a reason (name names the operator). */
typedef struct {
    int32_t out_rank, red_rank;
    int32_t out_dims[MICA_MAX_RANK], out_strides[MICA_MAX_RANK];
    int32_t red_dims[MICA_MAX_RANK], red_strides[MICA_MAX_RANK];
} mica_reduce_layout_t;
int mica_reduce_layout(const tfl_model_t *m, const tfl_op_t *op, const char *name,
                       mica_reduce_layout_t *l, int64_t *n, char *err, size_t errlen);
/* CONV_2D's parameter block for p (conv.c): the header, per-output-channel bias (optional),
 * TFLite's multiplier of scale(in) * scale(w[channel]) / scale(out) and shift, then w's bytes
 * (TRANSPOSE_CONV shares it). 0, or -1 with a reason. */
int mica_conv_emit(const tfl_op_t *op, const mica_conv_params_t *p, const tfl_tensor_t *in,
                   const tfl_tensor_t *w, const tfl_tensor_t *bias, const tfl_tensor_t *out,
                   mica_buf_t *params, char *err, size_t errlen);
/* Element strides (row-major) of dims. */
void mica_row_strides(const int32_t *dims, int rank, int64_t *strides);
/* TFLite StridedSlice StartForAxis / StopForAxis for one dimension (no ellipsis or new axis):
 * the first index read and how many elements the stride visits (0 when none). */
void mica_slice_range(int32_t begin, int32_t end, int32_t stride, int32_t dim, int bmask, int emask,
                      int shrink, int32_t *start, int32_t *count);

#endif
