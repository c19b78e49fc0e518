/* CPU fallback kernels: freestanding C99 (no malloc, no stdio, no libm), so the same files build
 * for Cortex-M firmware. One kernel per file. Each kernel validates its parameter block against
 * the operand sizes before touching memory (a corrupted program must not crash the runtime) and
 * returns 0, or -1 when they do not fit together. */
#ifndef MICA_KERNELS_H
#define MICA_KERNELS_H
#include <stdint.h>

#define MICA_KERNEL_MAX_IO 4

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
#define MICA_KERNEL_LIST(X) \
    X(1, RESHAPE, mica_k_reshape) \
    X(2, SOFTMAX, mica_k_softmax)

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

#endif
