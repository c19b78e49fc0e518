/* CPU fallback kernels: freestanding C99 (no malloc, no stdio, no libm), so the same files build
 * for Cortex-M firmware. One kernel per file. Each returns 0, or -1 on invalid parameters. */
#ifndef MICA_KERNELS_H
#define MICA_KERNELS_H
#include <stdint.h>
#include "../mica_program.h"

int mica_kernel_softmax_s8(const mica_softmax_params_t *p, const int8_t *in, int8_t *out);
int mica_kernel_copy(const void *in, void *out, uint32_t bytes);   /* RESHAPE */

#endif
