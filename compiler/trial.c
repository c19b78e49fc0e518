/* Cost-driven choices (trial.h). */
#include <string.h>
#include "trial.h"
#include "mica_cost.h"

int64_t mica_trial_cycles(mica_builder_t *b, int (*emit)(void *ctx), void *ctx) {
    size_t consts = b->consts.len, code = b->code.len;
    int64_t cycles = -1;
    if (!emit(ctx)) {
        mica_cost_t c;
        memset(&c, 0, sizeof c);
        mica_cost_instrs(&b->hw, b->mem_latency ? b->mem_latency : MICA_MEM_LATENCY_DEFAULT,
                         (const mica_instr_t *)(b->code.data + code),
                         (uint32_t)((b->code.len - code) / sizeof(mica_instr_t)), &c);
        cycles = (int64_t)c.cycles;
    }
    b->consts.len = consts, b->code.len = code;
    return cycles;
}
