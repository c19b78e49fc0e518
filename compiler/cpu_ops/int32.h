/* The int32 paths inside the graph (loop counters, index arithmetic, run-time GATHER indices):
 * which kernel runs an operator on int32 tensors (mica_kernels_int32.h). */
#ifndef MICA_CPU_INT32_H
#define MICA_CPU_INT32_H
#include "cpu_ops.h"

/* The int32 kernel for op, or -1 when op has no int32 path (then the int8 lists decide). */
int mica_cpu_int32_find(const tfl_model_t *m, const tfl_op_t *op, mica_cpu_prepare_fn *prepare);
/* Comma-separated names of the operators with an int32 path (for mica ops). */
const char *mica_cpu_int32_names(void);
/* An int32 tensor without quantization (TFLite's int32 arithmetic is plain integer). */
int mica_is_int32(const tfl_tensor_t *t);
/* TFLite's CalculateActivationRange for int32 outputs: act a TFLite fused activation. */
int mica_int32_range(int act, int32_t *lo, int32_t *hi, char *err, size_t errlen);
/* A constant of width-byte elements appended to params (offset from block_start). */
int mica_append_const_width(mica_buf_t *params, size_t block_start, const tfl_tensor_t *t,
                            int width, uint32_t *off, uint32_t *len);
/* 1 when op reads or writes an int32 tensor inside the graph and kernel is not an int32 one
 * (nor ARG_MAX / ARG_MIN / CAST, which write or convert int32). */
int mica_cpu_int32_unsupported(const tfl_model_t *m, const tfl_op_t *op, int kernel);
#endif
