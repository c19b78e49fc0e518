/* Translating a program that just ran correctly in the interpreter (see func_plan.c): one symbolic
 * pass that tracks where each WSPAD and PARAM row was loaded from, groups MATMULs by accumulator,
 * precomputes each STORE's output stage, then joins STOREs and packs each GEMM's weights. Anything outside the patterns it knows leaves the program interpreted. */
#include <stdlib.h>
#include <string.h>
#include "func_plan_internal.h"

/* An accumulation group: the MATMULs that sum into one ACC range (one output fold), from its
 * first (overwriting) MATMUL until a later one overwrites its rows. Several can be open at once
 * (double-buffered ACC). */
typedef struct {
    int stored;
    uint32_t acc, t, tiles;
    mica_fm_matmul_t *gathers;
    fp_row_t *rows;                  /* tiles x ROWS: the LOADW sources of its MATMULs */
    int gemm, group;                 /* where it went (-1: not placed yet) */
} tr_group_t;

typedef struct {
    mica_fm_t *m;
    fp_prog_t *P;
    fp_row_t *ws;                    /* per WSPAD row: where it was loaded from */
    fp_row_t *pr;                    /* per PARAM row: the same */
    fp_row_t *shadow;                /* per array row: the last LOADW's source */
    int have_shadow;
    tr_group_t *open;                /* groups whose sums ACC still holds */
    uint32_t nopen;
    int region;                      /* the GEMM later groups may join, -1 once ASPAD rows it read change */
} tr_t;

static int add_dep(fp_prog_t *P, uint64_t lo, uint64_t hi) {
    fp_range_t r = {lo, hi};
    return lo < hi ? PUSH(P->deps, P->ndeps, r) : 0;
}

static int emit(fp_prog_t *P, uint32_t kind, uint32_t gemm, uint32_t group, uint32_t row0, const mica_instr_t *in) {
    fp_step_t s = {kind, gemm, group, row0, *in, NULL};
    return PUSH(P->steps, P->nsteps, s);
}

/* A weight or PARAM LOAD: skipped by translated runs (replayed by mica_fp_materialize); what it
 * loads is read from its source when the translation is built, so the source is a dependency. */
static int on_const_load(tr_t *T, const mica_instr_t *in, fp_row_t *origin) {
    uint32_t addr = GET(in, MICA_F_LOAD_MEM_ADDR), rows = GET(in, MICA_F_LOAD_ROWS), len = GET(in, MICA_F_LOAD_LEN);
    uint64_t ext = GET(in, MICA_F_LOAD_EXT_ADDR), stride = GET(in, MICA_F_LOAD_EXT_STRIDE);
    if (!rows) return 0;
    if (GET(in, MICA_F_LOAD_COL) || GET(in, MICA_F_LOAD_FILL)) return -1;   /* rows are not plain copies */
    for (uint32_t i = 0; i < rows; i++) origin[addr + i] = (fp_row_t){ext + i * stride, len};
    if (PUSH(T->P->wloads, T->P->nwloads, *in)) return -1;
    return add_dep(T->P, ext, ext + (uint64_t)(rows - 1) * stride + len);
}

static int same_gathers(const mica_fm_matmul_t *a, const mica_fm_matmul_t *b, uint32_t n) {
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* A group's first STORE: it joins the current GEMM if that gathers the same activations, else
 * starts a new one (executed here, before any of its STOREs). */
static int place_group(tr_t *T, tr_group_t *G) {
    fp_prog_t *P = T->P;
    uint32_t R = T->m->cfg.rows;
    fp_gemm_t *g = T->region >= 0 ? &P->gemms[T->region] : NULL;
    if (!g || g->t != G->t || g->tiles != G->tiles || !same_gathers(g->gathers, G->gathers, G->tiles)) {
        fp_gemm_t fresh;
        memset(&fresh, 0, sizeof fresh);
        fresh.t = G->t;
        fresh.tiles = G->tiles;
        fresh.gathers = malloc(sizeof *fresh.gathers * G->tiles);
        if (!fresh.gathers) return -1;
        memcpy(fresh.gathers, G->gathers, sizeof *fresh.gathers * G->tiles);
        if (PUSH(P->gemms, P->ngemms, fresh)) { free(fresh.gathers); return -1; }
        T->region = (int)P->ngemms - 1;
        g = &P->gemms[T->region];
        if (emit(P, FP_GEMM, (uint32_t)T->region, 0, 0, &(mica_instr_t){{0, 0}})) return -1;
    }
    size_t block = (size_t)G->tiles * R;
    fp_row_t *rows = realloc(g->wrows, sizeof *rows * block * (g->groups + 1));
    uint32_t *acc = realloc(g->acc_addr, sizeof *acc * (g->groups + 1));
    if (rows) g->wrows = rows;
    if (acc) g->acc_addr = acc;
    if (!rows || !acc) return -1;
    memcpy(g->wrows + block * g->groups, G->rows, sizeof *rows * block);
    g->acc_addr[g->groups] = G->acc;
    G->gemm = T->region;
    G->group = (int)g->groups++;
    return 0;
}

static void drop_group(tr_t *T, uint32_t i) {
    free(T->open[i].gathers);
    free(T->open[i].rows);
    T->open[i] = T->open[--T->nopen];
}

/* An overwriting MATMUL into [acc, acc + t): the groups there end; one nobody read (no STORE)
 * would leave sums only ACC holds, so the program stays interpreted. */
static int open_group(tr_t *T, uint32_t acc, uint32_t t) {
    for (uint32_t i = 0; i < T->nopen;) {
        tr_group_t *G = &T->open[i];
        if (G->acc < acc + t && acc < G->acc + G->t) {
            if (!G->stored) return -1;
            drop_group(T, i);
        } else {
            i++;
        }
    }
    tr_group_t fresh = {0, acc, t, 0, NULL, NULL, -1, -1};
    return PUSH(T->open, T->nopen, fresh);
}

static int on_matmul(tr_t *T, const mica_instr_t *in) {
    mica_fm_matmul_t d;
    uint32_t R = T->m->cfg.rows;
    mica_fm_decode_matmul(in, &d);
    uint32_t t = d.out_h * d.out_w, acc = d.acc_addr;
    tr_group_t *G = NULL;
    if (!T->have_shadow) return -1;
    if (!d.accumulate) {
        if (open_group(T, acc, t)) return -1;
        G = &T->open[T->nopen - 1];
    } else {
        for (uint32_t i = 0; i < T->nopen && !G; i++)
            if (T->open[i].acc == acc && T->open[i].t == t) G = &T->open[i];
        if (!G || G->stored) return -1;   /* adding to rows a STORE already read: interpret */
    }
    d.acc_addr = 0;
    d.accumulate = 0;
    fp_row_t *rows = realloc(G->rows, sizeof *rows * (G->tiles + 1) * R);
    if (!rows) return -1;
    G->rows = rows;
    memcpy(G->rows + (size_t)G->tiles * R, T->shadow, sizeof *rows * R);
    return PUSH(G->gathers, G->tiles, d);
}

/* 1 if any of the N MATMULs gathers from ASPAD rows [lo, hi). */
static int gathers_from(const mica_fm_matmul_t *d, uint32_t n, uint32_t lo, uint32_t hi) {
    for (uint32_t j = 0; j < n; j++)
        if (d[j].aspad < hi && lo < d[j].aspad + d[j].in_h * d[j].in_w) return 1;
    return 0;
}

/* An activation LOAD: groups not placed yet gather when they are (at their first STORE), so
 * they must still find their rows; the current GEMM cannot take new groups once its rows change. */
static int on_activation_load(tr_t *T, const mica_instr_t *in) {
    uint32_t lo = GET(in, MICA_F_LOAD_MEM_ADDR), hi = lo + GET(in, MICA_F_LOAD_ROWS);
    for (uint32_t i = 0; i < T->nopen; i++)
        if (T->open[i].gemm < 0 && gathers_from(T->open[i].gathers, T->open[i].tiles, lo, hi)) return -1;
    if (T->region >= 0 && gathers_from(T->P->gemms[T->region].gathers, T->P->gemms[T->region].tiles, lo, hi))
        T->region = -1;
    return emit(T->P, FP_INSTR, 0, 0, 0, in);
}

/* The STORE's output stage from the PARAM set its LOADs in this program left (their sources are
 * dependencies, so the values hold while the translation lives). */
static mica_fm_requant_t *store_requant(tr_t *T, const mica_instr_t *in) {
    uint32_t C = T->m->cfg.cols, set = GET(in, MICA_F_STORE_PARAM_SET);
    int32_t rows[4 * C];
    for (uint32_t r = 0; r < 4; r++) {
        const fp_row_t *o = &T->pr[4 * set + r];
        if (o->ext == UNKNOWN) return NULL;   /* loaded by an earlier program: interpret */
        memset(rows + r * C, 0, sizeof(int32_t) * C);
        memcpy(rows + r * C, T->m->mem + o->ext, o->len);
    }
    return mica_fm_requant_new(in, rows, C);
}

static int on_store(tr_t *T, const mica_instr_t *in) {
    uint32_t acc = GET(in, MICA_F_STORE_ACC_ADDR), rows = GET(in, MICA_F_STORE_ROWS);
    tr_group_t *G = NULL;
    for (uint32_t i = 0; i < T->nopen && !G; i++)
        if (T->open[i].acc <= acc && acc + rows <= T->open[i].acc + T->open[i].t) G = &T->open[i];
    if (!G || (G->gemm < 0 && place_group(T, G))) return -1;
    G->stored = 1;
    mica_fm_requant_t *rq = store_requant(T, in);
    if (!rq || emit(T->P, FP_STORE, (uint32_t)G->gemm, (uint32_t)G->group, acc - G->acc, in)) { free(rq); return -1; }
    T->P->steps[T->P->nsteps - 1].rq = rq;
    return 0;
}

/* A STORE must not write what a translation reads (program, weights, parameters), in whatever
 * order they come: the run would drop its own translation. */
static int stores_clear(const fp_prog_t *P) {
    for (uint32_t i = 0; i < P->nsteps; i++) {
        const mica_instr_t *in = &P->steps[i].in;
        uint32_t rows = GET(in, MICA_F_STORE_ROWS);
        uint64_t ext = GET(in, MICA_F_STORE_EXT_ADDR), hi = ext + (uint64_t)(rows - 1) * GET(in, MICA_F_STORE_EXT_STRIDE) + GET(in, MICA_F_STORE_LEN);
        for (uint32_t d = 0; P->steps[i].kind == FP_STORE && rows && d < P->ndeps; d++)
            if (mica_fp_overlaps(&P->deps[d], ext, hi)) return 0;
    }
    return 1;
}

static int on_instr(tr_t *T, const mica_instr_t *in) {
    uint32_t R = T->m->cfg.rows;
    switch (GET(in, MICA_F_OPCODE)) {
    case MICA_OP_LOAD:
        if (GET(in, MICA_F_LOAD_TARGET) == 1) return on_const_load(T, in, T->ws);
        if (GET(in, MICA_F_LOAD_TARGET) == 2) return on_const_load(T, in, T->pr);
        return on_activation_load(T, in);
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

/* B continues A, which joined PARTS STOREs so far: the next output fold of the same GEMM rows,
 * written right after A's columns with the same output stage, rows not overlapping. */
static int can_join(const fp_step_t *a, const fp_step_t *b, uint32_t C, uint32_t parts) {
    const mica_instr_t *x = &a->in, *y = &b->in;
    uint64_t rows = GET(x, MICA_F_STORE_ROWS), stride = GET(x, MICA_F_STORE_EXT_STRIDE);
    return b->kind == FP_STORE && b->gemm == a->gemm && b->row0 == a->row0 && b->group == a->group + parts &&
           a->rq->len == parts * C && (uint64_t)GET(y, MICA_F_STORE_ROWS) == rows && (uint64_t)GET(y, MICA_F_STORE_EXT_STRIDE) == stride &&
           GET(y, MICA_F_STORE_EXT_ADDR) == GET(x, MICA_F_STORE_EXT_ADDR) + a->rq->len &&
           (rows <= 1 || stride >= a->rq->len + b->rq->len) && a->rq->mode == b->rq->mode &&
           a->rq->z == b->rq->z && a->rq->lo == b->rq->lo && a->rq->hi == b->rq->hi;
}

/* Back-to-back STOREs of a layer's output folds (nothing runs between them once MATMULs and
 * constant LOADs are gone) become one requantization pass over all their columns. */
static void join_stores(fp_prog_t *P, uint32_t C) {
    uint32_t out = 0;
    for (uint32_t i = 0; i < P->nsteps;) {
        fp_step_t s = P->steps[i++];
        for (uint32_t parts = 1; s.kind == FP_STORE && i < P->nsteps && can_join(&s, &P->steps[i], C, parts); parts++, i++) {
            mica_fm_requant_t *q = mica_fm_requant_join(s.rq, P->steps[i].rq);
            if (!q) break;   /* out of memory: left as separate STOREs */
            free(s.rq);
            free(P->steps[i].rq);
            P->steps[i].rq = NULL;
            s.rq = q;
        }
        P->steps[out++] = s;
    }
    P->nsteps = out;
}

/* Taps share pixels: the GEMM converts the image once (func_plan.c) when all use one zero point. */
static int alloc_image(uint32_t R, fp_gemm_t *g) {
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
    return same_z && !(g->img = malloc(sizeof(float) * (size_t)(hi - lo) * R)) ? -1 : 0;
}

static int weight_row_zero(const mica_fm_t *m, const fp_gemm_t *g, uint32_t k, uint32_t K) {
    for (uint32_t grp = 0; grp < g->groups; grp++) {
        const fp_row_t *row = &g->wrows[(size_t)grp * K + k];
        for (uint32_t c = 0; c < row->len; c++)
            if (m->mem[row->ext + c]) return 0;
    }
    return 1;
}

/* The GEMM's depth: the k whose weights are not all zero, when that drops at least a quarter
 * (then the gather picks lanes instead of copying rows). Zero weights add exactly 0. */
static int choose_depth(const mica_fm_t *m, fp_gemm_t *g) {
    uint32_t K = g->tiles * m->cfg.rows, kc = 0;
    g->kc = K;
    if (!(g->kidx = malloc(sizeof *g->kidx * K))) return -1;
    for (uint32_t k = 0; k < K; k++)
        if (!weight_row_zero(m, g, k, K)) g->kidx[kc++] = k;
    if (kc == 0) g->kidx[kc++] = 0;   /* keep one: sgemm with depth 0 is best avoided */
    if (kc > K - K / 4) {
        free(g->kidx);
        g->kidx = NULL;
    } else {
        g->kc = kc;
    }
    return 0;
}

/* The operand buffers of the GEMM's path (func_plan.c gemm_run): the one-pixel GEMV (int8 N x K,
 * with AVX-VNNI also u8 activations), the AVX-VNNI GEMM (T > 1, N a multiple of 8) or sgemm. */
static int alloc_operands(const mica_fm_t *m, fp_gemm_t *g, uint32_t K, uint32_t N) {
    int vnni = m->plans->vnni && mica_fp_has_vnni(), qgemm = vnni && g->t > 1 && N % 8 == 0;
    uint32_t rows = qgemm ? (g->t + 3) & ~3u : g->t;
    g->out = malloc(sizeof(int32_t) * (size_t)rows * N);
    if (g->t == 1) {
        g->wt = calloc((size_t)K * N, sizeof *g->wt);
        g->a16 = malloc(sizeof(int16_t) * K);
        g->a8 = vnni && K >= 32 ? malloc(K) : NULL;
        g->corr = g->a8 ? calloc(N, sizeof(int32_t)) : NULL;
        return !g->out || !g->wt || !g->a16 || (vnni && K >= 32 && (!g->a8 || !g->corr)) ? -1 : 0;
    }
    if (choose_depth(m, g)) return -1;
    g->kp = (g->kc + 3) & ~3u;
    if (qgemm) {
        g->wt = calloc((size_t)g->kp * N, 1);
        g->a8 = calloc((size_t)rows * g->kp, 1);
        g->corr = calloc(N, sizeof(int32_t));
        return !g->out || !g->wt || !g->a8 || !g->corr ? -1 : 0;
    }
    g->w = calloc((size_t)g->kc * N, sizeof(float));
    g->a = malloc(sizeof(float) * (size_t)g->t * g->kc);
    g->p = malloc(sizeof(float) * (size_t)g->t * N);
    return !g->out || !g->w || !g->a || !g->p || (!g->kidx && g->tiles > 1 && alloc_image(m->cfg.rows, g)) ? -1 : 0;
}

/* One weight row (depth index I, k = kidx[I] when compressed; LEN outputs from N0) into the
 * path's layout, with what it adds to the AVX-VNNI correction (the activations there are x + 128,
 * padding z + 128). */
static void put_row(fp_gemm_t *g, uint32_t i, uint32_t k, uint32_t n0, uint32_t K, uint32_t N, const int8_t *src, uint32_t len, int32_t z) {
    if (g->w)
        for (uint32_t c = 0; c < len; c++) g->w[(size_t)i * N + n0 + c] = (float)src[c];
    else if (g->t == 1)
        for (uint32_t c = 0; c < len; c++) g->wt[(size_t)(n0 + c) * K + k] = src[c];
    else
        for (uint32_t c = 0; c < len; c++) g->wt[((size_t)(i / 4) * N + n0 + c) * 4 + i % 4] = src[c];
    if (g->corr && (g->t > 1 || k < (K & ~31u)))   /* the GEMV's vector part covers multiples of 32 */
        for (uint32_t c = 0; c < len; c++)
            g->corr[n0 + c] = (int32_t)((uint32_t)g->corr[n0 + c] + (uint32_t)(128 + z) * (uint32_t)(int32_t)src[c]);
}

/* Weights as GEMM operands, K = tiles x ROWS by N = groups x COLS, straight from the LOAD sources. */
static int pack(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->cfg.rows, C = m->cfg.cols, K = g->tiles * R, N = g->groups * C;
    if (alloc_operands(m, g, K, N)) return -1;
    for (uint32_t grp = 0; grp < g->groups; grp++)
        for (uint32_t i = 0; i < (g->t == 1 ? K : g->kc); i++) {
            uint32_t k = g->kidx ? g->kidx[i] : i;
            const fp_row_t *row = &g->wrows[(size_t)grp * K + k];
            put_row(g, i, k, grp * C, K, N, (const int8_t *)m->mem + row->ext, row->len, g->gathers[k / R].z_in);
        }
    return 0;
}

static int translate(mica_fm_t *m, fp_prog_t *P) {
    tr_t T = {m, P, NULL, NULL, NULL, 0, NULL, 0, -1};
    int bad = 0;
    uint32_t nparam = 4 * m->cfg.param_sets;
    T.ws = malloc(sizeof *T.ws * m->cfg.wspad_depth);
    T.pr = malloc(sizeof *T.pr * nparam);
    T.shadow = malloc(sizeof *T.shadow * m->cfg.rows);
    if (!T.ws || !T.pr || !T.shadow) bad = 1;
    for (uint32_t i = 0; !bad && i < m->cfg.wspad_depth; i++) T.ws[i] = (fp_row_t){UNKNOWN, 0};
    for (uint32_t i = 0; !bad && i < nparam; i++) T.pr[i] = (fp_row_t){UNKNOWN, 0};
    uint32_t pc = 0;
    for (; !bad && pc < P->prog_len; pc++) {
        mica_instr_t in;
        memcpy(&in, m->mem + P->prog_addr + (uint64_t)pc * MICA_INSTR_BYTES, sizeof in);
        if (GET(&in, MICA_F_OPCODE) == MICA_OP_END) break;
        bad = on_instr(&T, &in) != 0;
    }
    for (uint32_t i = 0; i < T.nopen; i++) bad |= !T.open[i].stored;
    bad = bad || pc == P->prog_len || !stores_clear(P);
    if (!bad && T.have_shadow) {
        P->shadow = malloc(sizeof *P->shadow * m->cfg.rows);
        if (P->shadow) memcpy(P->shadow, T.shadow, sizeof *P->shadow * m->cfg.rows);
        else bad = 1;
    }
    if (!bad) join_stores(P, m->cfg.cols);
    for (uint32_t i = 0; !bad && i < P->ngemms; i++) bad = pack(m, &P->gemms[i]) != 0;
    while (T.nopen) drop_group(&T, 0);
    free(T.ws); free(T.pr); free(T.shadow); free(T.open);
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
