/* Translating a program that just ran correctly in the interpreter (see func_plan.c): one symbolic
 * pass that tracks where each WSPAD row was loaded from, groups MATMULs by accumulator, and packs
 * each GEMM's weights. Anything outside the patterns it knows leaves the program interpreted. */
#include <stdlib.h>
#include <string.h>
#include "func_plan_internal.h"

typedef struct {
    mica_fm_t *m;
    fp_prog_t *P;
    fp_row_t *ws;                    /* per WSPAD row: where it was loaded from */
    fp_row_t *shadow;                /* per array row: the last LOADW's source */
    int have_shadow;
    int open, stored;                /* the accumulation group being built */
    uint32_t acc, t, tiles;
    mica_fm_matmul_t *gathers;
    fp_row_t *rows;                  /* tiles x ROWS */
    int gemm, group;                 /* where the open group went (-1: not placed yet) */
    int region;                      /* the GEMM later groups may join, -1 after an activation LOAD */
} tr_t;

static int add_dep(fp_prog_t *P, uint64_t lo, uint64_t hi) {
    fp_range_t r = {lo, hi};
    return lo < hi ? PUSH(P->deps, P->ndeps, r) : 0;
}

static int emit(fp_prog_t *P, uint32_t kind, uint32_t gemm, uint32_t group, uint32_t row0, const mica_instr_t *in) {
    fp_step_t s = {kind, gemm, group, row0, *in};
    return PUSH(P->steps, P->nsteps, s);
}

static int on_weight_load(tr_t *T, const mica_instr_t *in) {
    uint32_t addr = GET(in, MICA_F_LOAD_MEM_ADDR), rows = GET(in, MICA_F_LOAD_ROWS), len = GET(in, MICA_F_LOAD_LEN);
    uint64_t ext = GET(in, MICA_F_LOAD_EXT_ADDR), stride = GET(in, MICA_F_LOAD_EXT_STRIDE);
    if (!rows) return 0;
    if (GET(in, MICA_F_LOAD_COL) || GET(in, MICA_F_LOAD_FILL)) return -1;   /* rows are not plain copies */
    for (uint32_t i = 0; i < rows; i++) T->ws[addr + i] = (fp_row_t){ext + i * stride, len};
    if (PUSH(T->P->wloads, T->P->nwloads, *in)) return -1;
    return add_dep(T->P, ext, ext + (uint64_t)(rows - 1) * stride + len);
}

static int same_gathers(const mica_fm_matmul_t *a, const mica_fm_matmul_t *b, uint32_t n) {
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* The open group's first STORE: it joins the current GEMM if that gathers the same activations,
 * else starts a new one (executed here, before any of its STOREs). */
static int place_group(tr_t *T) {
    fp_prog_t *P = T->P;
    uint32_t R = T->m->cfg.rows;
    fp_gemm_t *g = T->region >= 0 ? &P->gemms[T->region] : NULL;
    if (!g || g->t != T->t || g->tiles != T->tiles || !same_gathers(g->gathers, T->gathers, T->tiles)) {
        fp_gemm_t fresh;
        memset(&fresh, 0, sizeof fresh);
        fresh.t = T->t;
        fresh.tiles = T->tiles;
        fresh.gathers = malloc(sizeof *fresh.gathers * T->tiles);
        if (!fresh.gathers) return -1;
        memcpy(fresh.gathers, T->gathers, sizeof *fresh.gathers * T->tiles);
        if (PUSH(P->gemms, P->ngemms, fresh)) { free(fresh.gathers); return -1; }
        T->region = (int)P->ngemms - 1;
        g = &P->gemms[T->region];
        if (emit(P, FP_GEMM, (uint32_t)T->region, 0, 0, &(mica_instr_t){{0, 0}})) return -1;
    }
    size_t block = (size_t)T->tiles * R;
    fp_row_t *rows = realloc(g->wrows, sizeof *rows * block * (g->groups + 1));
    uint32_t *acc = realloc(g->acc_addr, sizeof *acc * (g->groups + 1));
    if (rows) g->wrows = rows;
    if (acc) g->acc_addr = acc;
    if (!rows || !acc) return -1;
    memcpy(g->wrows + block * g->groups, T->rows, sizeof *rows * block);
    g->acc_addr[g->groups] = T->acc;
    T->gemm = T->region;
    T->group = (int)g->groups++;
    return 0;
}

static int on_matmul(tr_t *T, const mica_instr_t *in) {
    mica_fm_matmul_t d;
    uint32_t R = T->m->cfg.rows;
    mica_fm_decode_matmul(in, &d);
    uint32_t t = d.out_h * d.out_w, acc = d.acc_addr;
    if (!T->have_shadow) return -1;
    if (!d.accumulate) {
        if (T->open && !T->stored) return -1;   /* a group nobody read: keep ACC exact, interpret */
        T->open = 1; T->stored = 0; T->acc = acc; T->t = t; T->tiles = 0; T->gemm = T->group = -1;
    } else if (!T->open || T->stored || acc != T->acc || t != T->t) {
        return -1;
    }
    d.acc_addr = 0;
    d.accumulate = 0;
    fp_row_t *rows = realloc(T->rows, sizeof *rows * (T->tiles + 1) * R);
    if (!rows) return -1;
    T->rows = rows;
    memcpy(T->rows + (size_t)T->tiles * R, T->shadow, sizeof *rows * R);
    return PUSH(T->gathers, T->tiles, d);
}

static int on_store(tr_t *T, const mica_instr_t *in) {
    uint32_t acc = GET(in, MICA_F_STORE_ACC_ADDR), rows = GET(in, MICA_F_STORE_ROWS);
    uint64_t ext = GET(in, MICA_F_STORE_EXT_ADDR), stride = GET(in, MICA_F_STORE_EXT_STRIDE);
    if (!T->open || acc < T->acc || acc + rows > T->acc + T->t) return -1;
    if (T->gemm < 0 && place_group(T)) return -1;
    T->stored = 1;
    for (uint32_t d = 0; rows && d < T->P->ndeps; d++)   /* writing what a translation reads */
        if (mica_fp_overlaps(&T->P->deps[d], ext, ext + (uint64_t)(rows - 1) * stride + GET(in, MICA_F_STORE_LEN)))
            return -1;
    return emit(T->P, FP_STORE, (uint32_t)T->gemm, (uint32_t)T->group, acc - T->acc, in);
}

static int on_instr(tr_t *T, const mica_instr_t *in) {
    uint32_t R = T->m->cfg.rows;
    switch (GET(in, MICA_F_OPCODE)) {
    case MICA_OP_LOAD:
        if (GET(in, MICA_F_LOAD_TARGET) == 1) return on_weight_load(T, in);
        if (GET(in, MICA_F_LOAD_TARGET) == 0) {
            if (T->open && !T->stored) return -1;   /* a group must gather from one ASPAD state */
            T->region = -1;
        }
        return emit(T->P, FP_INSTR, 0, 0, 0, in);
    case MICA_OP_LOADW: {
        uint32_t addr = GET(in, MICA_F_LOADW_WSPAD_ADDR);
        if (GET(in, MICA_F_LOADW_VECTOR)) return -1;   /* vector unit programs stay interpreted */
        for (uint32_t r = 0; r < R; r++)
            if (T->ws[addr + r].ext == UNKNOWN) return -1;   /* rows loaded by an earlier program */
        memcpy(T->shadow, T->ws + addr, sizeof *T->shadow * R);
        T->have_shadow = 1;
        return 0;
    }
    case MICA_OP_MATMUL: return on_matmul(T, in);
    case MICA_OP_STORE: return on_store(T, in);
    case MICA_OP_SYNC: return 0;
    default: return -1;
    }
}

/* Weights as float GEMM operands, K = tiles x ROWS by N = groups x COLS, row-major. */
static int pack(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->cfg.rows, C = m->cfg.cols, K = g->tiles * R, N = g->groups * C;
    if (g->t == 1) {   /* the integer GEMV's operands (func_plan.c) */
        g->wt = calloc((size_t)K * N, 1);
        g->a16 = malloc(sizeof(int16_t) * K);
        if (!g->wt || !g->a16) return -1;
    }
    if (g->tiles > 1 && g->t > 1) {   /* taps share pixels: convert the image once (func_plan.c) */
        uint32_t lo = UINT32_MAX, hi = 0;
        int same_z = 1;
        for (uint32_t j = 0; j < g->tiles; j++) {
            const mica_fm_matmul_t *d = &g->gathers[j];
            lo = d->aspad < lo ? d->aspad : lo;
            hi = d->aspad + d->in_h * d->in_w > hi ? d->aspad + d->in_h * d->in_w : hi;
            same_z &= d->z_in == g->gathers[0].z_in;
        }
        g->img_lo = lo;
        g->img_hi = hi;
        if (same_z && !(g->img = malloc(sizeof(float) * (size_t)(hi - lo) * R))) return -1;
    }
    g->w = calloc((size_t)K * N, sizeof(float));
    g->a = malloc(sizeof(float) * (size_t)g->t * K);
    g->p = malloc(sizeof(float) * (size_t)g->t * N);
    g->out = malloc(sizeof(int32_t) * (size_t)g->t * N);
    if (!g->w || !g->a || !g->p || !g->out) return -1;
    for (uint32_t grp = 0; grp < g->groups; grp++)
        for (uint32_t k = 0; k < K; k++) {
            const fp_row_t *row = &g->wrows[(size_t)grp * K + k];
            float *dst = g->w + (size_t)k * N + (size_t)grp * C;
            for (uint32_t c = 0; c < row->len; c++) dst[c] = (float)(int8_t)m->mem[row->ext + c];
            for (uint32_t c = 0; g->wt && c < row->len; c++)
                g->wt[((size_t)grp * C + c) * K + k] = (int8_t)m->mem[row->ext + c];
        }
    return 0;
}

static int translate(mica_fm_t *m, fp_prog_t *P) {
    tr_t T = {m, P, NULL, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, -1, -1, -1};
    int bad = 0;
    T.ws = malloc(sizeof *T.ws * m->cfg.wspad_depth);
    T.shadow = malloc(sizeof *T.shadow * m->cfg.rows);
    if (!T.ws || !T.shadow) bad = 1;
    for (uint32_t i = 0; !bad && i < m->cfg.wspad_depth; i++) T.ws[i] = (fp_row_t){UNKNOWN, 0};
    uint32_t pc = 0;
    for (; !bad && pc < P->prog_len; pc++) {
        mica_instr_t in;
        memcpy(&in, m->mem + P->prog_addr + (uint64_t)pc * MICA_INSTR_BYTES, sizeof in);
        if (GET(&in, MICA_F_OPCODE) == MICA_OP_END) break;
        bad = on_instr(&T, &in) != 0;
    }
    bad = bad || pc == P->prog_len || (T.open && !T.stored);
    if (!bad && T.have_shadow) {
        P->shadow = malloc(sizeof *P->shadow * m->cfg.rows);
        if (P->shadow) memcpy(P->shadow, T.shadow, sizeof *P->shadow * m->cfg.rows);
        else bad = 1;
    }
    for (uint32_t i = 0; !bad && i < P->ngemms; i++) bad = pack(m, &P->gemms[i]) != 0;
    free(T.ws); free(T.shadow); free(T.gathers); free(T.rows);
    return bad ? -1 : 0;
}

void mica_fp_translate(mica_fm_t *m) {
    struct mica_fp_cache *c = m->plans;
    if (mica_fp_find(c, m->prog_addr, m->prog_len)) return;
    uint32_t slot = 0;
    while (slot < c->n && c->progs[slot].deps) slot++;
    if (slot == c->n) {
        if (c->n >= 4096) return;   /* a program that keeps rewriting itself: stay interpreted */
        fp_prog_t empty;
        memset(&empty, 0, sizeof empty);
        if (PUSH(c->progs, c->n, empty)) return;
    }
    fp_prog_t *P = &c->progs[slot];
    P->prog_addr = m->prog_addr;
    P->prog_len = m->prog_len;
    uint64_t code = (uint64_t)m->prog_addr, code_end = code + (uint64_t)m->prog_len * MICA_INSTR_BYTES;
    if (add_dep(P, code, code_end)) { mica_fp_prog_free(P); return; }
    P->ok = translate(m, P) == 0;
    if (!P->ok) {   /* keep only the program range: remembered as untranslatable */
        fp_range_t prog = P->deps[0];
        mica_fp_prog_free(P);
        P->prog_addr = m->prog_addr;
        P->prog_len = m->prog_len;
        if (add_dep(P, prog.lo, prog.hi)) return;
    }
    memcpy(P->counters, m->counters, sizeof P->counters);
    P->end_pc = m->pc;
    P->last_run = c->run_seq;   /* the interpreted run left the interpreter's state current */
    for (uint32_t d = 0; d < P->ndeps; d++) {
        if (c->box.lo == c->box.hi || P->deps[d].lo < c->box.lo) c->box.lo = P->deps[d].lo;
        if (P->deps[d].hi > c->box.hi) c->box.hi = P->deps[d].hi;
    }
}
