/* CPU placement: for each TFLite operator with a CPU kernel, the function that checks it and
 * writes the kernel's parameter block. One prepare function per operator, one file each. */
#ifndef MICA_CPU_OPS_H
#define MICA_CPU_OPS_H
#include <stddef.h>
#include "builder.h"
#include "kernels/mica_kernels.h"
#include "tflite/tflite_reader.h"

/* Appends the parameter block for op to params. The kernel's operands are the op's int8
 * activation inputs (constants are the prepare function's to embed) and its outputs.
 * Returns 0, or -1 with a one-line reason in err. */
typedef int (*mica_cpu_prepare_fn)(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params,
                                   char *err, size_t errlen);

/* X(TFLite builtin, kernel NAME from MICA_KERNEL_LIST, prepare function) */
#define MICA_CPU_OP_LIST(X) \
    X(TFL_OP_RESHAPE, RESHAPE, mica_prepare_reshape) \
    X(TFL_OP_SOFTMAX, SOFTMAX, mica_prepare_softmax)

#define MICA_CPU_OP_DECL(builtin, name, fn) \
    int fn(const tfl_model_t *m, const tfl_op_t *op, mica_buf_t *params, char *err, size_t errlen);
MICA_CPU_OP_LIST(MICA_CPU_OP_DECL)
#undef MICA_CPU_OP_DECL

/* The CPU kernel for a builtin, or -1 when there is none; *prepare receives its function. */
int mica_cpu_op_find(int builtin, mica_cpu_prepare_fn *prepare);
/* Comma-separated names of the operators with a CPU kernel (for messages and docs). */
const char *mica_cpu_op_names(void);

/* Helpers for prepare functions. */
const tfl_tensor_t *mica_op_tensor(const tfl_model_t *m, const tfl_op_t *op, int input_index);
const tfl_tensor_t *mica_op_output(const tfl_model_t *m, const tfl_op_t *op, int output_index);
int64_t mica_tensor_elements(const tfl_tensor_t *t);

#endif
