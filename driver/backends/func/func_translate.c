/* Translated programs: how the func backend runs an accelerator program fast (func_plan.c runs
 * them). After a program has run once through the interpreter (which also checks every field), one
 * symbolic pass over it tracks where each WSPAD and PARAM row was loaded from (LOAD col and fill
 * included) and translates it, like a binary translator's basic blocks:
 *   - the MATMULs of one accumulation group (one output fold: all taps and input folds) become a
 *     column block of a GEMM; groups that gather the same activations (the output folds of a layer
 *     band) share one GEMM, T pixels x (tiles x ROWS) x (groups x COLS); groups may overlap in time
 *     (double-buffered ACC) and activation LOADs may come between MATMULs as long as they do not
 *     overwrite rows a pending gather reads;
 *   - the same for the vector unit: a group of DWCONVs (either mode) and RESCALEs runs its taps in
 *     one pass with the weights captured; later groups (the other channel folds) join the pass when
 *     no ASPAD row they read was loaded since it ran;
 *   - the weights are packed once, straight from the LOAD sources in external memory (k rows whose
 *     weights are all zero dropped); weight and PARAM LOADs and LOADWs become no-ops;
 *   - each STORE's requantization constants are computed once from its PARAM LOADs' sources, and
 *     back-to-back STOREs of neighbouring output folds become one pass over all their columns;
 *   - activation LOADs and STOREs still execute in program order, STOREs reading their group's
 *     block of the result instead of ACC.
 * Anything outside these patterns leaves the program interpreted. A translation depends on the
 * program bytes and the weight and parameter bytes it read; any write to those drops it. The state
 * a translated run skips (WSPAD, PARAM, the LOADW shadows, ACC) is rebuilt before the interpreter
 * runs again, so mixing both is exact.
 */
#include <stdlib.h>
#include <string.h>
#include "mica_gemv.h"
#include "func_plan_internal.h"

/* An accumulation group: the MATMULs that sum into one ACC range (one output fold), from its
 * first (overwriting) MATMUL until a later one overwrites its rows. Several can be open at once
 * (double-buffered ACC). A vector group is the same for DWCONVs and RESCALEs (tiles = its ops). */
typedef struct {
    int stored, vec;
    uint32_t acc, t, tiles;
    mica_fm_matmul_t *gathers;
    fp_row_t *rows;  /* tiles x ROWS: the LOADW sources of its MATMULs */
    fp_vop_t *vops;  /* vector group: per op */
    int gemm, group; /* where it went (-1: not placed yet) */
} tr_group_t;

typedef struct {
    mica_fm_t *m;
    fp_prog_t *P;
    fp_row_t *ws;     /* per WSPAD row: where it was loaded from */
    fp_row_t *pr;     /* per PARAM row: the same */
    fp_row_t *shadow; /* per array row: the last LOADW's source */
    int have_shadow;
    fp_row_t vshadow[MICA_DWCONV_VSHADOW_ROWS]; /* the last LOADW vectors' sources, Vshadow row 0
                                             first (ext UNKNOWN: none) */
    uint32_t nvshadow; /* vector LOADWs so far, at most MICA_DWCONV_VSHADOW_ROWS */
    tr_group_t *open;  /* groups whose sums ACC still holds */
    uint32_t nopen;
    int region;        /* the GEMM later groups may join, -1 once ASPAD rows it read change */
    fp_range_t *dirty; /* ASPAD rows loaded since that GEMM was placed (vector groups) */
    uint32_t ndirty;
} tr_t;

/* The gather of a MATMUL or DWCONV (the same window fields) from its decoded fields. */
#define GATHER_OF(f)                                                                               \
    ((mica_fm_matmul_t){(f).in_h, (f).in_w, (f).out_h, (f).out_w, (f).acc_addr, (f).aspad_addr,    \
                        (f).stride_y, (f).stride_x, (f).off_y, (f).off_x, (f).z_in,                \
                        (int)(f).accumulate})

static int add_dep(fp_prog_t *P, uint64_t lo, uint64_t hi) {
    fp_range_t r = {lo, hi};
    return lo < hi ? PUSH(P->deps, P->ndeps, r) : 0;
}

/* A step of the run, its instruction decoded for it once here (func_plan.c's step loop). */
static int emit(tr_t *T, uint32_t kind, uint32_t gemm, uint32_t group, uint32_t row0,
                const mica_instr_t *in) {
    fp_step_t s = {kind, gemm, group, row0, *in, NULL, {{0}}};
    if (kind == FP_INSTR)
        mica_fp_load_prepare(T->m->ref, in, &s.u.ld);
    else if (kind == FP_STORE) {
        mica_store_fields_t f;
        mica_store_decode(in, &f);
        s.u.st.rows = f.rows;
        s.u.st.aspad = mica_store_writes_aspad(&T->m->ref->cfg, in);
        s.u.st.ext = f.ext_addr;
        s.u.st.stride = f.ext_stride;
    }
    return PUSH(T->P->steps, T->P->nsteps, s);
}

/* A weight or PARAM LOAD: skipped by translated runs (replayed by mica_fp_materialize); what it
 * loads is read from its source when the translation is built, so the source is a dependency. */
static int on_const_load(tr_t *T, const mica_instr_t *in, fp_row_t *origin) {
    mica_load_fields_t f;
    mica_load_decode(in, &f);
    uint64_t ext = f.ext_addr, stride = f.ext_stride;
    if (!f.rows)
        return 0;
    for (uint32_t i = 0; i < f.rows; i++)
        origin[f.mem_addr + i] = (fp_row_t){ext + i * stride, f.len, f.col, f.fill};
    if (PUSH(T->P->wloads, T->P->nwloads, *in))
        return -1;
    return add_dep(T->P, ext, ext + (uint64_t)(f.rows - 1) * stride + f.len);
}

static int same_gathers(const mica_fm_matmul_t *a, const mica_fm_matmul_t *b, uint32_t n) {
    return memcmp(a, b, n * sizeof *a) == 0;
}

/* 1 if any of the N gathers reads ASPAD rows [lo, hi). */
static int gathers_from(const mica_fm_matmul_t *d, uint32_t n, uint32_t lo, uint32_t hi) {
    for (uint32_t j = 0; j < n; j++)
        if (d[j].aspad < hi && lo < d[j].aspad + d[j].in_h * d[j].in_w)
            return 1;
    return 0;
}

/* G may join GEMM g: MATMUL groups when they gather the same activations; vector groups (each
 * reads its own channels) when none of the ASPAD rows they read was loaded since g runs. */
static int can_join_region(const tr_t *T, const fp_gemm_t *g, const tr_group_t *G) {
    if (!g || g->vec != G->vec || g->t != G->t)
        return 0;
    if (!G->vec)
        return g->tiles == G->tiles && same_gathers(g->gathers, G->gathers, G->tiles);
    for (uint32_t i = 0; i < T->ndirty; i++)
        if (gathers_from(G->gathers, G->tiles, (uint32_t)T->dirty[i].lo, (uint32_t)T->dirty[i].hi))
            return 0;
    return 1;
}

/* A new GEMM, executed here (before G's first STORE). */
static int new_region(tr_t *T, const tr_group_t *G) {
    fp_prog_t *P = T->P;
    fp_gemm_t fresh;
    memset(&fresh, 0, sizeof fresh);
    fresh.t = G->t;
    fresh.vec = G->vec;
    if (!G->vec) {
        fresh.tiles = G->tiles;
        if (!(fresh.gathers = malloc(sizeof *fresh.gathers * G->tiles)))
            return -1;
        memcpy(fresh.gathers, G->gathers, sizeof *fresh.gathers * G->tiles);
    }
    if (PUSH(P->gemms, P->ngemms, fresh)) {
        free(fresh.gathers);
        return -1;
    }
    T->region = (int)P->ngemms - 1;
    T->ndirty = 0;
    return emit(T, FP_GEMM, (uint32_t)T->region, 0, 0, &(mica_instr_t){{0, 0}});
}

static int add_wrows(fp_gemm_t *g, const tr_group_t *G, uint32_t R) {
    size_t block = (size_t)G->tiles * R;
    fp_row_t *rows = realloc(g->wrows, sizeof *rows * block * (g->groups + 1));
    if (!rows)
        return -1;
    g->wrows = rows;
    memcpy(g->wrows + block * g->groups, G->rows, sizeof *rows * block);
    return 0;
}

/* A vector group's ops (and their gathers) after the GEMM's. */
static int add_vops(fp_gemm_t *g, const tr_group_t *G) {
    mica_fm_matmul_t *d = realloc(g->gathers, sizeof *d * (g->tiles + G->tiles));
    if (d)
        g->gathers = d;
    fp_vop_t *v = realloc(g->vops, sizeof *v * (g->tiles + G->tiles));
    if (v)
        g->vops = v;
    uint32_t *start = realloc(g->vstart, sizeof *start * (g->groups + 2));
    if (start)
        g->vstart = start;
    if (!d || !v || !start)
        return -1;
    memcpy(g->gathers + g->tiles, G->gathers, sizeof *d * G->tiles);
    memcpy(g->vops + g->tiles, G->vops, sizeof *v * G->tiles);
    g->vstart[g->groups] = g->tiles;
    g->tiles += G->tiles;
    g->vstart[g->groups + 1] = g->tiles;
    return 0;
}

/* A group's first STORE: it joins the current GEMM if it can, else starts a new one. */
static int place_group(tr_t *T, tr_group_t *G) {
    fp_prog_t *P = T->P;
    if (!can_join_region(T, T->region >= 0 ? &P->gemms[T->region] : NULL, G) && new_region(T, G))
        return -1;
    fp_gemm_t *g = &P->gemms[T->region];
    uint32_t *acc = realloc(g->acc_addr, sizeof *acc * (g->groups + 1));
    if (!acc)
        return -1;
    g->acc_addr = acc;
    if (G->vec ? add_vops(g, G) : add_wrows(g, G, T->m->ref->cfg.rows))
        return -1;
    g->acc_addr[g->groups] = G->acc;
    G->gemm = T->region;
    G->group = (int)g->groups++;
    return 0;
}

static void drop_group(tr_t *T, uint32_t i) {
    free(T->open[i].gathers);
    free(T->open[i].rows);
    free(T->open[i].vops);
    T->open[i] = T->open[--T->nopen];
}

/* An overwriting MATMUL into [acc, acc + t): the groups there end; one nobody read (no STORE)
 * would leave sums only ACC holds, so the program stays interpreted. */
static int open_group(tr_t *T, uint32_t acc, uint32_t t, int vec) {
    for (uint32_t i = 0; i < T->nopen;) {
        tr_group_t *G = &T->open[i];
        if (G->acc < acc + t && acc < G->acc + G->t) {
            if (!G->stored)
                return -1;
            drop_group(T, i);
        } else {
            i++;
        }
    }
    tr_group_t fresh = {0, vec, acc, t, 0, NULL, NULL, NULL, -1, -1};
    return PUSH(T->open, T->nopen, fresh);
}

/* The group an instruction writing ACC rows [acc, acc + t) adds to: a new one if it overwrites. */
static tr_group_t *group_for(tr_t *T, uint32_t acc, uint32_t t, int accumulate, int vec) {
    if (!accumulate)
        return open_group(T, acc, t, vec) ? NULL : &T->open[T->nopen - 1];
    for (uint32_t i = 0; i < T->nopen; i++)
        if (T->open[i].acc == acc &&
            T->open[i].t == t) /* adding to rows a STORE already read: interpret */
            return T->open[i].stored || T->open[i].vec != vec ? NULL : &T->open[i];
    return NULL;
}

static int on_matmul(tr_t *T, const mica_instr_t *in) {
    mica_matmul_fields_t f;
    uint32_t R = T->m->ref->cfg.rows;
    mica_matmul_decode(in, &f);
    mica_fm_matmul_t d = GATHER_OF(f);
    if (!T->have_shadow)
        return -1;
    tr_group_t *G = group_for(T, d.acc_addr, d.out_h * d.out_w, d.accumulate, 0);
    if (!G)
        return -1;
    d.acc_addr = 0;
    d.accumulate = 0;
    fp_row_t *rows = realloc(G->rows, sizeof *rows * (G->tiles + 1) * R);
    if (!rows)
        return -1;
    G->rows = rows;
    memcpy(G->rows + (size_t)G->tiles * R, T->shadow, sizeof *rows * R);
    return PUSH(G->gathers, G->tiles, d);
}

/* Appends op (its gather d) to the vector group of ACC rows d.acc_addr.. (accumulating onto it
 * or starting it, as d says). */
static int push_vop(tr_t *T, const fp_vop_t *op, mica_fm_matmul_t d) {
    tr_group_t *G = group_for(T, d.acc_addr, d.out_h * d.out_w, d.accumulate, 1);
    if (!G)
        return -1;
    d.acc_addr = 0;
    d.accumulate = 0;
    fp_vop_t *v = realloc(G->vops, sizeof *v * (G->tiles + 1));
    if (!v)
        return -1;
    G->vops = v;
    G->vops[G->tiles] = *op;
    return PUSH(G->gathers, G->tiles, d);
}

/* DWCONV or RESCALE: an op of a vector group, its gather kept as for MATMUL (RESCALE: rows x 1
 * pixels, one ASPAD row each); a MAC's weights are the LOADW vector row's source. A DWCONV of
 * three taps is three one-tap ops (off_x + t, Vshadow row t), one of nine taps nine (off_y + k,
 * off_x + t, Vshadow row 3(2-k) + t), the later ones accumulating. */
static int on_vector(tr_t *T, const mica_instr_t *in) {
    fp_vop_t op = {FP_VRESCALE, T->vshadow[0], *in};
    mica_fm_matmul_t d;
    uint32_t taps = 1, cols = 1;
    if (mica_instr_opcode(in) == MICA_OP_DWCONV) {
        mica_dwconv_fields_t f;
        mica_dwconv_decode(in, &f);
        d = GATHER_OF(f);
        op.kind = f.mode == MICA_DWCONV_MODE_MAC ? FP_VMAC : FP_VMAX;
        taps = mica_dwconv_taps(&T->m->ref->cfg, in);
        cols = taps / mica_dwconv_tap_rows(&T->m->ref->cfg, in);
    } else {
        mica_rescale_fields_t f;
        mica_rescale_decode(in, &f);
        d = (mica_fm_matmul_t){f.rows, 1, f.rows, 1, f.acc_addr, f.aspad_addr,
                               1,      1, 0,      0, f.z_in,     (int)f.accumulate};
    }
    int32_t off_y = d.off_y, off_x = d.off_x;
    for (uint32_t t = 0; t < taps; t++) {
        op.w = T->vshadow[mica_dwconv_vshadow_row(taps / cols, cols, t)];
        if (op.kind == FP_VMAC && op.w.ext == UNKNOWN)
            return -1; /* weights from an earlier program */
        d.off_y = off_y + (int32_t)(t / cols);
        d.off_x = off_x + (int32_t)(t % cols);
        if (push_vop(T, &op, d))
            return -1;
        d.accumulate = 1;
    }
    return 0;
}

/* An activation LOAD: groups not placed yet gather when they are (at their first STORE), so
 * they must still find their rows; the current GEMM cannot take new groups once its rows change. */
static int aspad_written(tr_t *T, uint32_t lo, uint32_t hi) {
    for (uint32_t i = 0; i < T->nopen; i++)
        if (T->open[i].gemm < 0 && gathers_from(T->open[i].gathers, T->open[i].tiles, lo, hi))
            return -1;
    if (T->region >= 0 &&
        gathers_from(T->P->gemms[T->region].gathers, T->P->gemms[T->region].tiles, lo, hi))
        T->region = -1;
    fp_range_t r = {lo, hi};
    return PUSH(T->dirty, T->ndirty, r) ? -1 : 0;
}

static int on_activation_load(tr_t *T, const mica_instr_t *in) {
    mica_load_fields_t f;
    mica_load_decode(in, &f);
    if (aspad_written(T, f.mem_addr, f.mem_addr + f.rows))
        return -1;
    return emit(T, FP_INSTR, 0, 0, 0, in);
}

/* The STORE's output stage from the PARAM set its LOADs in this program left (their sources are
 * dependencies, so the values hold while the translation lives). */
static mica_fm_requant_t *store_requant(tr_t *T, const mica_instr_t *in) {
    mica_store_fields_t f;
    mica_store_decode(in, &f);
    uint32_t C = T->m->ref->cfg.cols;
    int32_t rows[MICA_PARAM_ROWS * C];
    for (uint32_t r = 0; r < MICA_PARAM_ROWS; r++) {
        const fp_row_t *o = &T->pr[MICA_PARAM_ROWS * f.param_set + r];
        if (r == MICA_PARAM_MULT_LO && f.round != MICA_STORE_ROUND_REAL) {
            memset(rows + r * C, 0, 4 * C); /* read by round REAL only (the compiler may skip it) */
            continue;
        }
        if (o->ext == UNKNOWN)
            return NULL; /* loaded by an earlier program: interpret */
        fp_row_bytes(T->m, o, rows + r * C, 4 * C);
    }
    return mica_fm_requant_new(in, rows, C);
}

static int on_store(tr_t *T, const mica_instr_t *in) {
    mica_store_fields_t f;
    mica_store_decode(in, &f);
    uint32_t acc = f.acc_addr, rows = f.rows;
    tr_group_t *G = NULL;
    for (uint32_t i = 0; i < T->nopen && !G; i++)
        if (T->open[i].acc <= acc && acc + rows <= T->open[i].acc + T->open[i].t)
            G = &T->open[i];
    if (!G || (G->gemm < 0 && place_group(T, G)))
        return -1;
    /* target ASPAD: rows the next layer gathers, like an activation LOAD's (after placing G,
     * whose gathers read the rows as they were) */
    if (mica_store_writes_aspad(&T->m->ref->cfg, in) &&
        aspad_written(T, f.ext_addr, f.ext_addr + f.rows))
        return -1;
    G->stored = 1;
    mica_fm_requant_t *rq = store_requant(T, in);
    if (!rq || emit(T, FP_STORE, (uint32_t)G->gemm, (uint32_t)G->group, acc - G->acc, in)) {
        free(rq);
        return -1;
    }
    T->P->steps[T->P->nsteps - 1].rq = rq;
    return 0;
}

/* A STORE must not write what a translation reads (program, weights, parameters), in whatever
 * order they come: the run would drop its own translation. */
static int stores_clear(const fp_prog_t *P) {
    for (uint32_t i = 0; i < P->nsteps; i++) {
        mica_store_fields_t f;
        mica_store_decode(&P->steps[i].in, &f);
        uint64_t ext = f.ext_addr, hi = ext + (uint64_t)(f.rows - 1) * f.ext_stride + f.len;
        int ext_store = P->steps[i].kind == FP_STORE && !P->steps[i].u.st.aspad;
        for (uint32_t d = 0; ext_store && f.rows && d < P->ndeps; d++)
            if (mica_fp_overlaps(&P->deps[d], ext, hi))
                return 0;
    }
    return 1;
}

static int on_instr(tr_t *T, const mica_instr_t *in) {
    uint32_t R = T->m->ref->cfg.rows;
    switch (mica_instr_opcode(in)) {
    case MICA_OP_LOAD: {
        mica_load_fields_t f;
        mica_load_decode(in, &f);
        if (f.target == MICA_LOAD_TARGET_WSPAD)
            return on_const_load(T, in, T->ws);
        if (f.target == MICA_LOAD_TARGET_PARAM)
            return on_const_load(T, in, T->pr);
        return on_activation_load(T, in);
    }
    case MICA_OP_LOADW: {
        mica_loadw_fields_t f;
        mica_loadw_decode(in, &f);
        uint32_t addr = f.wspad_addr;
        if (f.vector == MICA_LOADW_VECTOR_ROW) { /* shifts Vshadow's rows (hw/mica.json LOADW) */
            memmove(T->vshadow + 1, T->vshadow,
                    sizeof *T->vshadow * (MICA_DWCONV_VSHADOW_ROWS - 1));
            T->vshadow[0] = T->ws[addr];
            T->nvshadow += T->nvshadow < MICA_DWCONV_VSHADOW_ROWS;
            return T->vshadow[0].ext == UNKNOWN ? -1 : 0; /* loaded by an earlier program */
        }
        for (uint32_t r = 0; r < R; r++)
            if (T->ws[addr + r].ext == UNKNOWN)
                return -1; /* rows loaded by an earlier program */
        memcpy(T->shadow, T->ws + addr, sizeof *T->shadow * R);
        T->have_shadow = 1;
        return 0;
    }
    case MICA_OP_MATMUL:
        return on_matmul(T, in);
    case MICA_OP_DWCONV:
    case MICA_OP_RESCALE:
        return on_vector(T, in);
    case MICA_OP_STORE:
        return on_store(T, in);
    case MICA_OP_GEMV: { /* its LOADWs and MATMULs (an erring one: interpret) */
        if (mica_isa_ref_check(&T->m->ref->cfg, in) != MICA_ERR_NONE)
            return -1;
        mica_gemv_fields_t f;
        mica_gemv_decode(in, &f);
        for (uint32_t j = 0; j < 2 * f.folds; j++) {
            mica_instr_t op;
            mica_gemv_op(&f, j, R, &op);
            if (on_instr(T, &op))
                return -1;
        }
        return 0;
    }
    case MICA_OP_SYNC:
        return 0;
    default:
        return -1;
    }
}

/* B continues A, which joined PARTS STOREs so far: the next output fold of the same GEMM rows,
 * written right after A's columns with the same output stage, rows not overlapping. */
static int can_join(const fp_step_t *a, const fp_step_t *b, uint32_t C, uint32_t parts) {
    mica_store_fields_t x, y;
    mica_store_decode(&a->in, &x);
    mica_store_decode(&b->in, &y);
    uint64_t rows = x.rows, stride = x.ext_stride;
    return b->kind == FP_STORE && !a->u.st.aspad && !b->u.st.aspad && b->gemm == a->gemm &&
           b->row0 == a->row0 && b->group == a->group + parts && a->rq->len == parts * C &&
           y.rows == rows && y.ext_stride == stride &&
           (uint64_t)y.ext_addr == (uint64_t)x.ext_addr + a->rq->len &&
           (rows <= 1 || stride >= a->rq->len + b->rq->len) && a->rq->mode == b->rq->mode &&
           a->rq->z == b->rq->z && a->rq->lo == b->rq->lo && a->rq->hi == b->rq->hi;
}

/* Back-to-back STOREs of a layer's output folds (nothing runs between them once MATMULs and
 * constant LOADs are gone) become one requantization pass over all their columns. */
static void join_stores(fp_prog_t *P, uint32_t C) {
    uint32_t out = 0;
    for (uint32_t i = 0; i < P->nsteps;) {
        fp_step_t s = P->steps[i++];
        for (uint32_t parts = 1;
             s.kind == FP_STORE && i < P->nsteps && can_join(&s, &P->steps[i], C, parts);
             parts++, i++) {
            mica_fm_requant_t *q = mica_fm_requant_join(s.rq, P->steps[i].rq);
            if (!q)
                break; /* out of memory: left as separate STOREs */
            free(s.rq);
            free(P->steps[i].rq);
            P->steps[i].rq = NULL;
            s.rq = q;
        }
        P->steps[out++] = s;
    }
    P->nsteps = out;
}

static int translate(mica_fm_t *m, fp_prog_t *P) {
    const fp_row_t unknown = {UNKNOWN, 0, 0, 0};
    tr_t T = {m, P, NULL, NULL, NULL, 0, {unknown, unknown, unknown}, 0, NULL, 0, -1, NULL, 0};
    int bad = 0;
    uint32_t nparam = MICA_PARAM_ROWS * m->ref->cfg.param_sets;
    T.ws = malloc(sizeof *T.ws * m->ref->cfg.wspad_depth);
    T.pr = malloc(sizeof *T.pr * nparam);
    T.shadow = malloc(sizeof *T.shadow * m->ref->cfg.rows);
    if (!T.ws || !T.pr || !T.shadow)
        bad = 1;
    for (uint32_t i = 0; !bad && i < m->ref->cfg.wspad_depth; i++)
        T.ws[i] = unknown;
    for (uint32_t i = 0; !bad && i < nparam; i++)
        T.pr[i] = unknown;
    uint32_t pc = 0;
    for (; !bad && pc < P->prog_len; pc++) {
        mica_instr_t in;
        memcpy(&in, m->ref->mem + P->prog_addr + (uint64_t)pc * MICA_INSTR_BYTES, sizeof in);
        if (mica_instr_opcode(&in) == MICA_OP_END)
            break;
        bad = on_instr(&T, &in) != 0;
    }
    for (uint32_t i = 0; i < T.nopen; i++)
        bad |= !T.open[i].stored;
    bad = bad || pc == P->prog_len || !stores_clear(P);
    if (!bad && T.have_shadow) {
        P->shadow = malloc(sizeof *P->shadow * m->ref->cfg.rows);
        if (P->shadow)
            memcpy(P->shadow, T.shadow, sizeof *P->shadow * m->ref->cfg.rows);
        else
            bad = 1;
    }
    if (!bad && T.nvshadow) {
        P->vshadow = malloc(sizeof T.vshadow);
        P->nvshadow = T.nvshadow;
        if (P->vshadow)
            memcpy(P->vshadow, T.vshadow, sizeof T.vshadow);
        else
            bad = 1;
    }
    if (!bad)
        join_stores(P, m->ref->cfg.cols);
    for (uint32_t i = 0; !bad && i < P->ngemms; i++)
        bad = (P->gemms[i].vec ? mica_fp_pack_vector : mica_fp_pack)(m, &P->gemms[i]) != 0;
    while (T.nopen)
        drop_group(&T, 0);
    free(T.ws);
    free(T.pr);
    free(T.shadow);
    free(T.open);
    free(T.dirty);
    return bad ? -1 : 0;
}

struct mica_fp_cache *mica_fp_new(void) {
    struct mica_fp_cache *c = calloc(1, sizeof(struct mica_fp_cache));
    if (c)
        c->kernels = FP_KERNELS_VNNI;
    return c;
}

void mica_fp_set_kernels(struct mica_fp_cache *c, int level) {
    c->kernels = level;
}

void mica_fp_set_vnni(struct mica_fp_cache *c, int on) {
    c->kernels = on ? FP_KERNELS_VNNI : FP_KERNELS_PORTABLE;
}

fp_prog_t *mica_fp_find(struct mica_fp_cache *c, uint32_t addr, uint32_t len) {
    for (uint32_t i = 0; i < c->n; i++)
        if (c->progs[i].prog_addr == addr && c->progs[i].prog_len == len && c->progs[i].deps)
            return &c->progs[i];
    return NULL;
}

void mica_fp_translate(mica_fm_t *m) {
    struct mica_fp_cache *c = m->plans;
    if (mica_fp_find(c, m->ref->prog_addr, m->ref->prog_len))
        return;
    uint32_t slot = 0;
    while (slot < c->n && c->progs[slot].deps)
        slot++;
    if (slot == c->n) {
        if (c->n >= 4096)
            return; /* a program that keeps rewriting itself: stay interpreted */
        fp_prog_t empty;
        memset(&empty, 0, sizeof empty);
        if (PUSH(c->progs, c->n, empty))
            return;
    }
    fp_prog_t *P = &c->progs[slot];
    P->prog_addr = m->ref->prog_addr;
    P->prog_len = m->ref->prog_len;
    uint64_t code = (uint64_t)m->ref->prog_addr,
             code_end = code + (uint64_t)m->ref->prog_len * MICA_INSTR_BYTES;
    if (add_dep(P, code, code_end)) {
        mica_fp_prog_free(P);
        return;
    }
    P->ok = translate(m, P) == 0;
    if (!P->ok) { /* keep only the program range: remembered as untranslatable */
        fp_range_t prog = P->deps[0];
        mica_fp_prog_free(P);
        P->prog_addr = m->ref->prog_addr;
        P->prog_len = m->ref->prog_len;
        if (add_dep(P, prog.lo, prog.hi))
            return;
    }
    memcpy(P->counters, m->ref->counters, sizeof P->counters);
    P->end_pc = m->ref->pc;
    P->last_run = c->run_seq; /* the interpreted run left the interpreter's state current */
    for (uint32_t d = 0; d < P->ndeps; d++) {
        if (c->box.lo == c->box.hi || P->deps[d].lo < c->box.lo)
            c->box.lo = P->deps[d].lo;
        if (P->deps[d].hi > c->box.hi)
            c->box.hi = P->deps[d].hi;
    }
}

uint64_t mica_fp_translated_runs(const mica_fm_t *m) {
    return m->plans ? m->plans->run_seq : 0;
}
