/* Runs CPU fallback steps: moves tensors between the device memory and the host and calls the
 * freestanding kernels in kernels/. */
#ifndef MICA_CPU_STEPS_H
#define MICA_CPU_STEPS_H
#include "mica_backend.h"
#include "mica.h"
#include "mica_program.h"

mica_status_t mica_run_cpu_step(const mica_program_t *p, const mica_prog_step_t *st,
                                mica_backend_t *be, char *err, size_t errlen);

#endif
