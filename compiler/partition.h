/* Placement of each operator on the accelerator or the CPU. Every accelerator rule is one small
 * function; the text it returns is the reason the user reads (and the supported-ops table). */
#ifndef MICA_PARTITION_H
#define MICA_PARTITION_H
#include <stddef.h>
#include <stdint.h>
#include "tflite/tflite_reader.h"

typedef struct {
    const char *cpu_ops; /* comma-separated operator names forced onto the CPU (--cpu), or NULL */
    uint32_t absent;     /* MICA_FEATURE_* the target configuration lacks (mica_compile sets it) */
    const char *config_name; /* the target's name for reasons (--board NAME), or NULL */
} mica_partition_opts_t;

/* The optional features (MICA_FEATURE_*) op's accelerator lowering uses. */
uint32_t mica_op_features(const tfl_model_t *m, const tfl_op_t *op);

/* Largest pool window side: the divisor check (lower_pool.c) walks every sum of 256 x 256 int8. */
#define MICA_POOL_FILTER_MAX 256
/* Largest TRANSPOSE_CONV stride: one stride-1 convolution per output phase, stride_h x stride_w
 * of them, each its own instruction run (lower_tconv.c). */
#define MICA_TCONV_STRIDE_MAX 16

/* NULL when op may run on the accelerator, else the rule it breaks (its text: the reason), with
 * `detail` naming the offending value as "stride_h 17 > 15 (MATMUL stride_y max)" (len >= 1). */
const char *mica_accel_reason(const tfl_model_t *m, const tfl_op_t *op,
                              const mica_partition_opts_t *o, char *detail, size_t len);

/* Writes the supported-operator table (markdown) generated from the rules to f; with a target
 * (NULL: the full configuration), also the operators its absent units send to the CPU. */
void mica_print_supported_ops(void *file, const mica_partition_opts_t *target);

#endif
