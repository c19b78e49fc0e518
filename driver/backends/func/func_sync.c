/* The func backend's translated runs skip work the ISA interpreter would have done (weight
 * LOADs, the last LOADW, accumulator groups): replayed here, in run order, before anything reads
 * the interpreter's state or writes the bytes a translation depends on. */
#include <stdlib.h>
#include <string.h>
#include "func_plan_internal.h"

static int by_last_run(const void *a, const void *b) {
    const fp_prog_t *x = *(fp_prog_t *const *)a, *y = *(fp_prog_t *const *)b;
    return x->last_run < y->last_run ? -1 : x->last_run > y->last_run;
}

/* Replays, in the order of their last runs, what the translated runs since the last interpreted
 * one skipped: each one's weight LOADs, its last LOADW, its accumulator groups. A program's weight
 * bytes have not changed since (a write to them materializes first). */
void mica_fp_materialize(mica_fm_t *m) {
    struct mica_fp_cache *c = m->plans;
    if (!c || c->materialized_seq == c->run_seq)
        return;
    fp_prog_t **order = malloc(sizeof *order * (c->n ? c->n : 1));
    uint32_t k = 0, R = m->ref->cfg.rows, C = m->ref->cfg.cols;
    uint64_t saved[MICA_NUM_COUNTERS];
    memcpy(saved, m->ref->counters, sizeof saved);
    if (order) {
        for (uint32_t i = 0; i < c->n; i++)
            if (c->progs[i].ok && c->progs[i].last_run > c->materialized_seq)
                order[k++] = &c->progs[i];
        qsort(order, k, sizeof *order, by_last_run);
    }
    for (uint32_t i = 0; i < k; i++) {
        fp_prog_t *P = order[i];
        for (uint32_t j = 0; j < P->nwloads; j++)
            mica_isa_ref_load(m->ref, &P->wloads[j]);
        for (uint32_t r = 0; P->shadow && r < R; r++)
            fp_row_bytes(m, &P->shadow[r], m->ref->w_shadow + (size_t)r * C, C);
        if (P->vshadow) /* the program's vector LOADWs shifted the older rows down first */
            memmove(m->ref->v_shadow + (size_t)P->nvshadow * C, m->ref->v_shadow,
                    (size_t)(MICA_DWCONV_VSHADOW_ROWS - P->nvshadow) * C);
        for (uint32_t t = 0; P->vshadow && t < P->nvshadow; t++)
            fp_row_bytes(m, &P->vshadow[t], m->ref->v_shadow + (size_t)t * C, C);
        for (uint32_t gi = 0; gi < P->ngemms; gi++) {
            const fp_gemm_t *g = &P->gemms[gi];
            for (uint32_t grp = 0; grp < g->groups; grp++)
                for (uint32_t t = 0; t < g->t; t++)
                    memcpy(m->ref->acc + ((size_t)g->acc_addr[grp] + t) * C,
                           g->out + ((size_t)t * g->groups + grp) * C, sizeof(int32_t) * C);
        }
    }
    memcpy(m->ref->counters, saved, sizeof saved);
    free(order);
    c->materialized_seq = c->run_seq;
}

void mica_fp_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes) {
    struct mica_fp_cache *c = m->plans;
    uint64_t hi = addr + bytes;
    if (!c || !bytes || !mica_fp_overlaps(&c->box, addr, hi))
        return;
    int hit = 0;
    for (uint32_t i = 0; i < c->n && !hit; i++)
        for (uint32_t d = 0; d < c->progs[i].ndeps && !hit; d++)
            hit = mica_fp_overlaps(&c->progs[i].deps[d], addr, hi);
    if (!hit)
        return;
    mica_fp_materialize(m); /* while the weight bytes are still the ones the runs used */
    for (uint32_t i = 0; i < c->n; i++) {
        fp_prog_t *P = &c->progs[i];
        for (uint32_t d = 0; d < P->ndeps; d++)
            if (mica_fp_overlaps(&P->deps[d], addr, hi)) {
                mica_fp_prog_free(P);
                break;
            }
    }
}
