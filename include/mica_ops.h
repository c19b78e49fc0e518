/* Operator names of program steps. An ACCEL step records the TFLite builtin code of the layer it
 * runs (the list below); a CPU step records its kernel id (mica_kernels.h, also TFLite builtin
 * codes). The compiler checks at build time that these codes equal its TFLite schema's. */
#ifndef MICA_OPS_H
#define MICA_OPS_H
#include "mica_program.h"

/* X(TFLite builtin code, name): the layers the accelerator runs. */
#define MICA_ACCEL_OP_LIST(X)                                                                      \
    X(0, ADD)                                                                                      \
    X(1, AVERAGE_POOL_2D)                                                                          \
    X(3, CONV_2D)                                                                                  \
    X(4, DEPTHWISE_CONV_2D)                                                                        \
    X(9, FULLY_CONNECTED)                                                                          \
    X(17, MAX_POOL_2D)                                                                             \
    X(67, TRANSPOSE_CONV)                                                                          \
    X(126, BATCH_MATMUL)

#define MICA_ACCEL_OP_ENUM(code, name) MICA_ACCEL_##name = code,
typedef enum { MICA_ACCEL_OP_LIST(MICA_ACCEL_OP_ENUM) } mica_accel_op_t;
#undef MICA_ACCEL_OP_ENUM

/* "CONV_2D", "SOFTMAX", ...: "ACCEL_OP" / "UNKNOWN" for a code neither list has. */
const char *mica_step_op_name(const mica_prog_step_t *st);

#endif
