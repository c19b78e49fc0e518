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

/* Prepare functions of the int16 kernels (one file each). */
int mica_prepare_svdf(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err,
                      size_t errlen);

#endif
