/* The func backend's runs: a program runs from its translation (func_plan.h) when there is one,
 * else through the reference interpreter (include/mica_isa_ref.h), which is then translated for
 * the next runs. */
#ifndef MICA_FUNC_RUN_H
#define MICA_FUNC_RUN_H
#include "func_plan.h"

/* PLANS = 0: every run through the reference interpreter (func:plan=0). NULL: out of memory. */
mica_fm_t *mica_fm_new(const mica_hw_config_t *cfg, uint64_t mem_bytes, int plans);
void mica_fm_free(mica_fm_t *m);
/* Runs from PROG_ADDR to END or the first error; returns the error code (0 = none). */
uint32_t mica_fm_run(mica_fm_t *m);
/* A host write of [addr, addr + bytes) is about to happen (translations reading it are dropped). */
void mica_fm_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes);

#endif
