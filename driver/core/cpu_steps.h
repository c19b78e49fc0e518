/* Runs CPU fallback steps: moves tensors between the device memory and the host and calls the
 * freestanding kernels in kernels/. */
#ifndef MICA_CPU_STEPS_H
#define MICA_CPU_STEPS_H
#include "mica_backend.h"
#include "mica.h"
#include "mica_program.h"

/* Bytes of host memory a CPU step's operands need (each input and output, 8-byte aligned); the
 * runtime reserves the largest over a program's steps once, when it loads. */
size_t mica_cpu_step_scratch_bytes(const mica_program_t *p, const mica_prog_step_t *st);

/* Reads the step's inputs from the device into scratch, runs its kernel, writes its outputs
 * back. scratch holds at least mica_cpu_step_scratch_bytes(p, st). */
mica_status_t mica_run_cpu_step(const mica_program_t *p, const mica_prog_step_t *st,
                                mica_backend_t *be, uint8_t *scratch, char *err, size_t errlen);

#endif
