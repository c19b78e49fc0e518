/* Translated programs: how the func backend runs an accelerator program fast.
 *
 * Interpreting costs a weight-tile conversion and a 16-column sgemm per MATMUL. So after a program
 * has run once through the interpreter (which also checks every field), it is translated, like a
 * binary translator's basic blocks:
 *   - the MATMULs of one accumulation group (one output fold: all taps and input folds) become a
 *     column block of a GEMM; consecutive groups that gather the same activations (the output folds
 *     of a layer band) share one GEMM, T pixels x (tiles x ROWS) x (groups x COLS);
 *   - the weights those MATMULs would read are packed once, as floats, straight from the LOAD
 *     sources in external memory; weight LOADs and LOADWs become no-ops;
 *   - activation and parameter LOADs and STOREs still execute as instructions, in program order,
 *     STOREs reading their group's block of the GEMM result instead of ACC.
 * A translation depends on the program bytes and the weight bytes it read; any write to those
 * drops it. The state a translated run skips (WSPAD, the LOADW shadow, ACC) is rebuilt before the
 * interpreter runs again, so mixing both is exact.
 */
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "func_plan_internal.h"

void mica_fp_prog_free(fp_prog_t *P) {
    for (uint32_t i = 0; i < P->ngemms; i++) {
        fp_gemm_t *g = &P->gemms[i];
        free(g->gathers); free(g->wrows); free(g->acc_addr); free(g->w); free(g->wt); free(g->a16); free(g->img); free(g->a); free(g->p); free(g->out);
    }
    free(P->steps); free(P->gemms); free(P->wloads); free(P->shadow); free(P->deps);
    memset(P, 0, sizeof *P);
}

struct mica_fp_cache *mica_fp_new(void) { return calloc(1, sizeof(struct mica_fp_cache)); }

void mica_fp_free(struct mica_fp_cache *c) {
    if (!c) return;
    for (uint32_t i = 0; i < c->n; i++) mica_fp_prog_free(&c->progs[i]);
    free(c->progs);
    free(c);
}

fp_prog_t *mica_fp_find(struct mica_fp_cache *c, uint32_t addr, uint32_t len) {
    for (uint32_t i = 0; i < c->n; i++)
        if (c->progs[i].prog_addr == addr && c->progs[i].prog_len == len && c->progs[i].deps) return &c->progs[i];
    return NULL;
}

/* ---- running a translation ---- */

/* One pixel (FULLY_CONNECTED): a matrix-vector product is bound by the bytes of weights it reads,
 * so it runs on int8 weights in integer C (exact: uint32 sums wrap like the ACC) rather than on
 * 4x larger floats through sgemv. Built for AVX2 as well where the CPU has it. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
static void gemv_int8(const int16_t *a, const int8_t *wt, uint32_t K, uint32_t N, int32_t *out) {
    for (uint32_t n = 0; n < N; n++, wt += K) {
        uint32_t s = 0;
        for (uint32_t k = 0; k < K; k++) s += (uint32_t)(a[k] * wt[k]);
        out[n] = (int32_t)s;
    }
}

/* Implicit im2col from the converted image: each tap reads the same pixels, so they are converted
 * to float once and copied per tap (mica_fm_gather_rows converts per tap). */
static void gather_converted(const fp_gemm_t *g, const mica_fm_matmul_t *d, uint32_t R, float *a, size_t lda) {
    size_t row_bytes = sizeof(float) * R;
    for (uint32_t oy = 0, t = 0; oy < d->out_h; oy++)
        for (uint32_t ox = 0; ox < d->out_w; ox++, t++) {
            int64_t iy = (int64_t)oy * d->sy + d->off_y, ix = (int64_t)ox * d->sx + d->off_x;
            float *row = a + (size_t)t * lda;
            if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w) memset(row, 0, row_bytes);
            else memcpy(row, g->img + ((size_t)d->aspad + (size_t)iy * d->in_w + (size_t)ix - g->img_lo) * R, row_bytes);
        }
}

static void gather(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->cfg.rows, K = g->tiles * R;
    if (!g->img) {
        for (uint32_t j = 0; j < g->tiles; j++) mica_fm_gather_rows(m, &g->gathers[j], g->a + (size_t)j * R, K);
        return;
    }
    const int8_t *src = m->aspad + (size_t)g->img_lo * R;
    float z = (float)g->gathers[0].z_in;
    for (size_t i = 0, n = (size_t)(g->img_hi - g->img_lo) * R; i < n; i++) g->img[i] = (float)src[i] - z;
    for (uint32_t j = 0; j < g->tiles; j++) gather_converted(g, &g->gathers[j], R, g->a + (size_t)j * R, K);
}

static void gemm_run(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->cfg.rows, K = g->tiles * R, N = g->groups * m->cfg.cols, T = g->t;
    gather(m, g);
    if (T == 1) {
        for (uint32_t k = 0; k < K; k++) g->a16[k] = (int16_t)g->a[k];
        gemv_int8(g->a16, g->wt, K, N, g->out);
        return;
    }
    /* Exact in float while every partial sum stays below 2^24 (see flush_batch in func_model.c):
     * at most batch_max_tiles tiles per sgemm, the chunks added in int32 like the array's ACC. */
    size_t n = (size_t)T * N;
    for (uint32_t j0 = 0; j0 < g->tiles; j0 += m->batch_max_tiles) {
        uint32_t kc = (g->tiles - j0 < m->batch_max_tiles ? g->tiles - j0 : m->batch_max_tiles) * R;
        const float *a = g->a + (size_t)j0 * R, *w = g->w + (size_t)j0 * R * N;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)T, (int)N, (int)kc, 1.0f, a, (int)K,
                    w, (int)N, 0.0f, g->p, (int)N);
        if (j0 == 0)
            for (size_t i = 0; i < n; i++) g->out[i] = (int32_t)g->p[i];
        else
            for (size_t i = 0; i < n; i++) g->out[i] = (int32_t)((uint32_t)g->out[i] + (uint32_t)(int32_t)g->p[i]);
    }
}

int mica_fp_run(mica_fm_t *m) {
    fp_prog_t *P = mica_fp_find(m->plans, m->prog_addr, m->prog_len);
    if (!P || !P->ok) return 0;
    m->done = m->error = 0;
    m->error_code = 0;
    for (uint32_t i = 0; i < P->nsteps; i++) {
        const fp_step_t *s = &P->steps[i];
        fp_gemm_t *g = &P->gemms[s->gemm];
        if (s->kind == FP_INSTR) mica_fm_load(m, &s->in);   /* checked by the interpreted run */
        else if (s->kind == FP_GEMM) gemm_run(m, g);
        else mica_fm_store_rows(m, &s->in, g->out + (size_t)s->row0 * g->groups * m->cfg.cols + (size_t)s->group * m->cfg.cols,
                                (size_t)g->groups * m->cfg.cols);
    }
    memcpy(m->counters, P->counters, sizeof m->counters);
    P->last_run = ++m->plans->run_seq;
    m->pc = P->end_pc;
    m->done = 1;
    return 1;
}

/* ---- keeping the interpreter's view exact ---- */

static int by_last_run(const void *a, const void *b) {
    const fp_prog_t *x = *(fp_prog_t *const *)a, *y = *(fp_prog_t *const *)b;
    return x->last_run < y->last_run ? -1 : x->last_run > y->last_run;
}

/* Replays, in the order of their last runs, what the translated runs since the last interpreted
 * one skipped: each one's weight LOADs, its last LOADW, its accumulator groups. A program's weight
 * bytes have not changed since (a write to them materializes first). */
void mica_fp_materialize(mica_fm_t *m) {
    struct mica_fp_cache *c = m->plans;
    if (!c || c->materialized_seq == c->run_seq) return;
    fp_prog_t **order = malloc(sizeof *order * (c->n ? c->n : 1));
    uint32_t k = 0, R = m->cfg.rows, C = m->cfg.cols;
    uint64_t saved[MICA_NUM_COUNTERS];
    memcpy(saved, m->counters, sizeof saved);
    if (order) {
        for (uint32_t i = 0; i < c->n; i++)
            if (c->progs[i].ok && c->progs[i].last_run > c->materialized_seq) order[k++] = &c->progs[i];
        qsort(order, k, sizeof *order, by_last_run);
    }
    for (uint32_t i = 0; i < k; i++) {
        fp_prog_t *P = order[i];
        for (uint32_t j = 0; j < P->nwloads; j++) mica_fm_load(m, &P->wloads[j]);
        if (P->shadow)
            for (uint32_t r = 0; r < R; r++) {
                memset(m->w_shadow + (size_t)r * C, 0, C);
                memcpy(m->w_shadow + (size_t)r * C, m->mem + P->shadow[r].ext, P->shadow[r].len);
            }
        for (uint32_t gi = 0; gi < P->ngemms; gi++) {
            const fp_gemm_t *g = &P->gemms[gi];
            for (uint32_t grp = 0; grp < g->groups; grp++)
                for (uint32_t t = 0; t < g->t; t++)
                    memcpy(m->acc + ((size_t)g->acc_addr[grp] + t) * C, g->out + ((size_t)t * g->groups + grp) * C,
                           sizeof(int32_t) * C);
        }
    }
    memcpy(m->counters, saved, sizeof saved);
    free(order);
    c->materialized_seq = c->run_seq;
}

void mica_fp_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes) {
    struct mica_fp_cache *c = m->plans;
    uint64_t hi = addr + bytes;
    if (!c || !bytes || !mica_fp_overlaps(&c->box, addr, hi)) return;
    int hit = 0;
    for (uint32_t i = 0; i < c->n && !hit; i++)
        for (uint32_t d = 0; d < c->progs[i].ndeps && !hit; d++) hit = mica_fp_overlaps(&c->progs[i].deps[d], addr, hi);
    if (!hit) return;
    mica_fp_materialize(m);   /* while the weight bytes are still the ones the runs used */
    for (uint32_t i = 0; i < c->n; i++) {
        fp_prog_t *P = &c->progs[i];
        for (uint32_t d = 0; d < P->ndeps; d++)
            if (mica_fp_overlaps(&P->deps[d], addr, hi)) { mica_fp_prog_free(P); break; }
    }
}

uint64_t mica_fp_translated_runs(const mica_fm_t *m) { return m->plans ? m->plans->run_seq : 0; }
