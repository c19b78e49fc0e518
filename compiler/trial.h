/* Cost-driven choices: a lowering emits a layer once per candidate plan and keeps the fastest by
 * the cost model's estimate (include/mica_cost.h), as Vela searches its block configurations. */
#ifndef MICA_TRIAL_H
#define MICA_TRIAL_H
#include <stdint.h>
#include "compiler.h"

/* Estimated cycles of what emit(ctx) appends to b's instruction stream; b's constants and code
 * are left as they were. -1 if emit fails (b->err says why). */
int64_t mica_trial_cycles(mica_builder_t *b, int (*emit)(void *ctx), void *ctx);

#endif
