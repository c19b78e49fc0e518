/* The runtime's context (driver/core/runtime.c), shared with its read-only queries
 * (runtime_query.c). Private to driver/core. */
#ifndef MICA_RUNTIME_CTX_H
#define MICA_RUNTIME_CTX_H
#include <stdint.h>
#include "mica.h"
#include "mica_backend.h"
#include "mica_program.h"

struct mica_ctx {
    char spec_name[32];
    char spec_options[256];
    int backend; /* index into backends[] */
    mica_backend_t be;
    int be_open;
    mica_program_t prog;
    int loaded;
    uint64_t counters[MICA_NUM_COUNTERS];
    uint64_t *step_cycles, *step_ns, *step_dev_ns; /* per step; one allocation with scratch */
    uint64_t *step_counters; /* MICA_NUM_COUNTERS per step: accelerator steps of the last invoke */
    uint8_t *scratch;        /* the CPU steps' operands (mica_cpu_step_scratch_bytes) */
    uint64_t max_cycles;
    mica_load_info_t load;
    char err[512];
};

/* Runs steps [first, end) in order (runtime.c); depth counts enclosing control steps. */
mica_status_t mica_run_steps(mica_ctx_t *c, uint32_t first, uint32_t end, int depth);
/* Runs control step s (control.c). */
mica_status_t mica_run_ctrl_step(mica_ctx_t *c, uint32_t s, int depth);

#endif
