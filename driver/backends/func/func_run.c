/* The func backend's runs: translated (func_plan.c) or through the reference interpreter, and the
 * cycle estimate the cost model gives for an interpreted program (the interpreter has no cycles). */
#include <stdlib.h>
#include <string.h>
#include "func_run.h"
#include "mica_cost.h"

/* A STORE of the interpreter is about to write external memory. */
static void before_store(void *ctx, uint64_t addr, uint64_t bytes) {
    mica_fm_note_write(ctx, addr, bytes);
}

mica_fm_t *mica_fm_new(const mica_hw_config_t *cfg, uint64_t mem_bytes, int plans) {
    mica_fm_t *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->ref = mica_isa_ref_new(cfg, mem_bytes);
    m->plans = plans ? mica_fp_new() : NULL;
    if (!m->ref || (plans && !m->plans)) {
        mica_fm_free(m);
        return NULL;
    }
    m->ref->counting =
        MICA_REF_COUNT_PAYLOAD; /* the figures the func backend has always reported */
    m->ref->before_write = before_store;
    m->ref->hook_ctx = m;
    /* sgemm cap: batch_max_tiles * ROWS * 255 * 128 < 2^24 keeps float sums exact */
    m->batch_max_tiles = (uint32_t)((1u << 24) / (255u * 128u) / (cfg->rows ? cfg->rows : 1));
    if (m->batch_max_tiles > 64)
        m->batch_max_tiles = 64;
    if (m->batch_max_tiles < 1)
        m->batch_max_tiles = 1;
    return m;
}

void mica_fm_free(mica_fm_t *m) {
    if (!m)
        return;
    mica_isa_ref_free(m->ref);
    mica_fp_free(m->plans);
    free(m->scratch);
    free(m);
}

void mica_fm_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes) {
    if (m->plans)
        mica_fp_note_write(m, addr, bytes);
}

/* The cost model's cycle figures (estimates) for the range just run, remembered per code (FNV-1a
 * of the instructions): programs that stay interpreted run it once, not on every inference. */
static void predicted_cycles(mica_fm_t *m) {
    mica_isa_ref_t *s = m->ref;
    const uint8_t *code = s->mem + s->prog_addr;
    size_t n = (size_t)(s->pc + 1) * MICA_INSTR_BYTES;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ code[i]) * 1099511628211ull;
    fm_cost_memo_t *e = &m->cost_memo[h % FM_COST_MEMO];
    if (e->hash != h || e->bytes != n) {
        mica_cost_t cost;
        mica_cost_instrs(&s->cfg, MICA_MEM_LATENCY_DEFAULT, (const mica_instr_t *)code, s->pc + 1,
                         &cost);
        *e = (fm_cost_memo_t){h, n, cost.cycles, cost.array_cycles};
    }
    s->counters[MICA_CNT_CYCLES] = e->cycles;
    s->counters[MICA_CNT_ARRAY_BUSY] = e->array_cycles;
}

uint32_t mica_fm_run(mica_fm_t *m) {
    if (m->plans && mica_fp_run(m))
        return 0;
    if (m->plans)
        mica_fp_materialize(m); /* the state the translated runs skipped */
    uint32_t err = mica_isa_ref_run(m->ref);
    if (err)
        return err;
    predicted_cycles(m);
    if (m->plans)
        mica_fp_translate(m); /* keeps the counters just made, cycles included */
    return 0;
}
