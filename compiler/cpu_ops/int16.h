/* The int16 paths of the CPU kernels (compiler/cpu_ops/int16.c). */
#ifndef MICA_CPU_INT16_H
#define MICA_CPU_INT16_H
#include "cpu_ops.h"

/* 1 when t is an int16 tensor with one finite scale > 0 and a zero point in the int16 range. */
int mica_is_int16_q(const tfl_tensor_t *t);
/* The kernel for an operator with a 16-bit path (a QUANTIZE/DEQUANTIZE with an int16 side, ...),
 * or -1 when op has none (the int8 kernel list decides); *prepare receives its function. */
int mica_cpu_int16_find(const tfl_model_t *m, const tfl_op_t *op, mica_cpu_prepare_fn *prepare);
/* 1 when op has an int16 activation operand but kernel is not one of the int16 kernels: the int8
 * kernels read one byte per element, so lowering must refuse it. */
int mica_cpu_int16_unsupported(const tfl_model_t *m, const tfl_op_t *op, int kernel);
/* 1 when an ADD/SUB/MUL runs the 16x8 path: inputs and output int16 with zero point 0 (what
 * TFLite's general-scale int16 path requires), a MAXIMUM/MINIMUM on int16 (raw compare), or a
 * PRELU with int16 input and output and a constant int8 alpha (TFLite Micro's int16 PRELU). */
int mica_binary16_ok(const tfl_op_t *op, const tfl_tensor_t *a, const tfl_tensor_t *b,
                     const tfl_tensor_t *out);
/* 1 when TFLite would run ADD/SUB's power-of-two int16 path (pot_scale_int16 and every scale a
 * power of two), which Mica does not implement. */
int mica_binary16_pot(const tfl_op_t *op, const tfl_tensor_t *a, const tfl_tensor_t *b,
                      const tfl_tensor_t *out);
/* Appends an int16 constant tensor's bytes (mica_append_const for 2-byte elements); an int8
 * constant is widened to int16 elements. */
int mica_append_const16(mica_buf_t *params, size_t block_start, const tfl_tensor_t *t,
                        uint32_t *off, uint32_t *len);

/* Row o of a constant int32 bias, or of an int64 (16x8) bias that must fit int32; -1 with a
 * reason naming op otherwise. */
int mica_bias_row32(const tfl_tensor_t *bias, int32_t o, const char *op, int32_t *v, char *err,
                    size_t errlen);

int mica_prepare_softmax16(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                           size_t errlen);

int mica_prepare_sigmoid16(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                           size_t errlen);

/* Element width of an int8 (1) or int16 (2) tensor with one scale, else 0 (int16_move.c);
 * mica_copy_width also 4 for an int32 tensor (the operators that only copy elements). */
int mica_elem_width(const tfl_tensor_t *t);
int mica_copy_width(const tfl_tensor_t *t);
/* RESHAPE / SQUEEZE with input and output of one type (mica_prepare_reshape compares counts). */
int mica_prepare_reshape_typed(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                               char *err, size_t errlen);
/* A strided gather over elements of `width` bytes as one over bytes: strides and offset in bytes,
 * one more innermost dimension of `width`. 0, or -1 with a reason naming name. */
int mica_gather_widen(mica_gather_params_t *p, int width, const char *name, char *err,
                      size_t errlen);
/* The kernel of a data-movement operator with int16 elements, or -1 (int16_move.c); the int8
 * kernel it shares for builtin (or -1); ", NAME" for each such operator appended to names. */
int mica_cpu_int16_move_find(const tfl_model_t *m, const tfl_op_t *op,
                             mica_cpu_prepare_fn *prepare);
int mica_cpu_int16_move_kernel(int builtin);
void mica_cpu_int16_move_names(char *names, size_t size);

/* Appends RELU/RELU6/LEAKY_RELU/ABS's int16 block for op (pwl16.c; mult 0: no rescale). */
int mica_emit_pwl16(const tfl_model_t *m, const tfl_op_t *op, int abs, const int32_t mult[2],
                    const int32_t shift[2], int32_t lo, int32_t hi, mica_buf_t *params, char *err,
                    size_t errlen);

/* Comma-separated names of the operators with an int16 path (mica ops, docs). */
const char *mica_cpu_int16_names(void);

#endif
