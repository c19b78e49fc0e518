/* Functional model of the Mica ISA (hw/mica.json semantics), used by the "func" backend and
 * as the golden model in tests. */
#ifndef MICA_FUNC_MODEL_H
#define MICA_FUNC_MODEL_H
#include <stdint.h>
#include "backend.h"
#include "mica_isa.h"

typedef struct {
    mica_hw_config_t cfg;
    uint8_t *mem;            /* external memory */
    uint64_t mem_bytes;
    int8_t *aspad;           /* aspad_depth x rows */
    int8_t *wspad;           /* wspad_depth x cols */
    int32_t *acc;            /* acc_depth x cols */
    int32_t *param;          /* 4 * param_sets x cols */
    int8_t *w_shadow, *w_active;   /* rows x cols */
    float *a_float, *p_float, *w_float;   /* sgemm operands: activations, products, weights */
    uint32_t batch_tiles, batch_max_tiles, batch_acc, batch_t;   /* pending MATMULs (func_model.c) */
    int batch_accumulate;
    uint32_t prog_addr, prog_len, pc, error_code, error_pc;
    int done, error;         /* STATUS bits of the last run */
    uint64_t counters[MICA_NUM_COUNTERS];
    uint32_t counter_hi_snapshot;
} mica_fm_t;

mica_fm_t *mica_fm_new(const mica_hw_config_t *cfg, uint64_t mem_bytes);
void mica_fm_free(mica_fm_t *m);
uint32_t mica_fm_csr_read(mica_fm_t *m, uint32_t addr);
void mica_fm_csr_write(mica_fm_t *m, uint32_t addr, uint32_t value);
/* Runs from PROG_ADDR to END or the first error; returns the error code (0 = none). */
uint32_t mica_fm_run(mica_fm_t *m);

#endif
