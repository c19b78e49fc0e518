/* Translated programs: the types func_plan.c (running) and func_translate.c (building) share. */
#ifndef MICA_FUNC_PLAN_INTERNAL_H
#define MICA_FUNC_PLAN_INTERNAL_H
#include "func_plan.h"

#define GET MICA_GET
#define UNKNOWN UINT64_MAX

typedef struct { uint64_t ext; uint32_t len; } fp_row_t;   /* a WSPAD row: LOADed from ext, len bytes */
typedef struct { uint64_t lo, hi; } fp_range_t;

typedef struct {
    uint32_t t, tiles, groups;
    mica_fm_matmul_t *gathers;   /* per tile: how its activations are gathered */
    fp_row_t *wrows;             /* group g, tile j, row r at (g * tiles + j) * ROWS + r */
    uint32_t *acc_addr;          /* per group */
    float *w, *a, *p;            /* K x N weights, T x K activations, T x N products */
    int8_t *wt;                  /* one pixel (T = 1): the weights N x K, for the integer GEMV */
    int16_t *a16;
    float *img;                  /* ASPAD rows [img_lo, img_hi) as floats, zero point removed */
    uint32_t img_lo, img_hi;
    int32_t *out;                /* T x N accumulators */
} fp_gemm_t;

enum { FP_INSTR, FP_GEMM, FP_STORE };
typedef struct { uint32_t kind, gemm, group, row0; mica_instr_t in; } fp_step_t;

typedef struct {
    uint32_t prog_addr, prog_len, end_pc;
    int ok;                          /* 0: cannot be translated; remembered so it is not retried */
    fp_step_t *steps;
    uint32_t nsteps;
    fp_gemm_t *gemms;
    uint32_t ngemms;
    mica_instr_t *wloads;            /* the weight LOADs, replayed to rebuild WSPAD */
    uint32_t nwloads;
    fp_row_t *shadow;                /* source of the last LOADW's rows, or NULL */
    fp_range_t *deps;                /* program and weight bytes read */
    uint32_t ndeps;
    uint64_t counters[MICA_NUM_COUNTERS];
    uint64_t last_run;               /* sequence number of its last translated run */
} fp_prog_t;

struct mica_fp_cache {
    fp_prog_t *progs;
    uint32_t n, cap;
    uint64_t run_seq, materialized_seq;
    fp_range_t box;                  /* bounding box of every translation's deps */
};

/* Growable arrays: capacity is implicit, the next power of 2 >= 8 above the count. */
static inline int grow(void **p, uint32_t n, size_t elem) {
    if (n & (n - 1) || (n && n < 8)) return 0;
    void *q = realloc(*p, (n ? 2 * (size_t)n : 8) * elem);
    if (!q) return -1;
    *p = q;
    return 0;
}
#define PUSH(arr, n, val) (grow((void **)&(arr), (n), sizeof *(arr)) ? -1 : ((arr)[(n)++] = (val), 0))

static inline int mica_fp_overlaps(const fp_range_t *r, uint64_t lo, uint64_t hi) { return lo < r->hi && r->lo < hi; }

void mica_fp_prog_free(fp_prog_t *P);
fp_prog_t *mica_fp_find(struct mica_fp_cache *c, uint32_t addr, uint32_t len);

#endif
