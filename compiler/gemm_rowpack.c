/* Packed kernel rows (gemm_plan.c pack_rows): the first pass that lays the packed ASPAD rows out
 * in memory. A LOAD writes a whole ASPAD row from one contiguous run of external bytes (the rest
 * is fill), so a row holding G image rows' taps cannot be assembled by LOADs from the image. The
 * array can: ASPAD row y of a view holds image row y from pixel x0 on (one LOAD per view, the
 * bytes past the image the zero point), and MATMUL (j, p) multiplies rows k*rstep - pad_top +
 * j*dil of the view holding window p's pixels by an identity tile that moves the window's lanes to
 * columns j*kw*cin.., accumulating into ACC rows (p, k); window pixels left of the image have no
 * lane, rows outside the image read as 0 (the vertical padding, the rows past the last kernel
 * row). A STORE per window with the identity requantization (x * 2^30 * 2 / 2^31 = x, plus the
 * zero point) writes the rows at S->t_addr, row k pixel p: the end of the layer's own output,
 * which only the last band's STOREs overwrite, after its input LOAD read them (the plan checks
 * the size, lower_gemm.c the band). Every later load, weight tile and PARAM set waits for this
 * pass through the tickets it leaves, but for the weight buffers when the strips are above them. */
#include <stdio.h>
#include <stdlib.h>
#include "gemm_sched.h"
#include "instr.h"

static int failed(const mica_ticket_t t) {
    return t.seq == 0;
}

/* Lane offset of window p in its view: the window's first pixel minus the view's (negative when
 * the window starts left of the image). */
static int window_offset(const mica_gemm_plan_t *P, int R, int p, int *view) {
    int x0 = 0;
    *view = mica_gemm_row_view(P, R, p, &x0);
    return p * P->pack_step - P->pack_left - x0;
}

/* Identity strip j: its kw*cin rows of ones sit at omax*cin, so rows [(omax - o)*cin, + R) are
 * the tile of lane offset o, for o in [omin, omax]: one strip instead of a tile per window. */
typedef struct {
    int omin, omax, rows; /* rows per strip */
} strips_t;

static strips_t strip_shape(const mica_gemm_plan_t *P, int R, int PW) {
    strips_t s = {0, 0, 0};
    for (int p = 0, v; p < PW; p++) {
        int o = window_offset(P, R, p, &v);
        s.omin = p == 0 || o < s.omin ? o : s.omin;
        s.omax = p == 0 || o > s.omax ? o : s.omax;
    }
    s.rows = (s.omax - s.omin) * P->pack_cin + R;
    return s;
}

/* The G identity strips (R x C tiles overlap in them) and one PARAM set of identity requant. */
static int identity_constants(mica_sched_t *S, const strips_t *st, uint32_t *w_addr,
                              uint32_t *p_addr) {
    mica_builder_t *b = S->b;
    const mica_gemm_plan_t *P = S->P;
    uint32_t C = b->hw.cols, kwc = (uint32_t)(P->pack_kw * P->pack_cin);
    uint32_t lo = (uint32_t)(st->omax * P->pack_cin), rows = (uint32_t)P->pack_g * st->rows;
    int8_t *w = calloc(rows, C);
    int32_t *p = calloc((size_t)MICA_PARAM_ROWS * C, sizeof *p);
    if (w && p) {
        for (uint32_t j = 0; j < (uint32_t)P->pack_g; j++)
            for (uint32_t r = 0; r < kwc; r++)
                w[((size_t)j * st->rows + lo + r) * C + j * kwc + r] = 1;
        for (uint32_t c = 0; c < C; c++)
            mica_param_lane(p, C, c, 0, 1 << 30, 1, 0);
        *w_addr = mica_const_add(b, w, (size_t)rows * C);
        *p_addr = mica_const_add(b, p, (size_t)MICA_PARAM_ROWS * C * sizeof *p);
    }
    free(w);
    free(p);
    if (w && p && *w_addr && *p_addr)
        return 0;
    snprintf(b->err, sizeof b->err, "layer %s: out of memory for constants", S->L->name);
    return -1;
}

/* The image rows of every view: ASPAD row v * img_h + y = image row y from pixel x0(v) on. */
static int load_views(mica_sched_t *S, int R) {
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    int cin = P->pack_cin, W = P->pack_in_w, last = -1, x0;
    for (int p = 0; p < L->in_w; p++) {
        int v = mica_gemm_row_view(P, R, p, &x0);
        if (v == last)
            continue;
        last = v;
        int span = R / cin, len = (W - x0 < span ? W - x0 : span) * cin;
        if (mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD, (uint32_t)(v * P->pack_img_h),
                                 (uint32_t)P->pack_img_h, (uint32_t)len, 0,
                                 L->in_addr + (uint32_t)(x0 * cin), (uint32_t)(W * cin), L->z_in,
                                 (mica_ticket_t){0, 0}, &S->in_load[0], 1))
            return -1;
    }
    return 0;
}

/* MATMUL (j, p): view rows k*rstep - pad_top + j*dil into ACC rows p*in_h + k. */
static mica_ticket_t shift_rows(mica_sched_t *S, int j, int p, int view) {
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    mica_matmul_fields_t f = {.accumulate = (uint32_t)(j > 0),
                              .z_in = L->z_in,
                              .aspad_addr = (uint32_t)(view * P->pack_img_h),
                              .acc_addr = (uint32_t)(p * L->in_h),
                              .in_h = (uint32_t)P->pack_img_h,
                              .in_w = 1,
                              .out_h = (uint32_t)L->in_h,
                              .out_w = 1,
                              .stride_y = (uint32_t)P->pack_rstep,
                              .stride_x = 1,
                              .off_y = -P->pack_top + j * P->pack_dil};
    mica_instr_t m;
    mica_ticket_t self = {0, 0};
    if (!MICA_ENCODE(S->b, L->name, matmul, &f, &m))
        mica_emit_after(S->b, &S->w, &m, &S->in_load[0], 1, &self);
    return self;
}

/* LOADW of identity tile `row` after the strips' load (its own ticket: fold 0's weight load may
 * be queued in the meantime). */
static int identity_loadw(mica_sched_t *S, uint32_t row, mica_ticket_t *strips,
                          mica_ticket_t *self) {
    mica_loadw_fields_t f = {.vector = MICA_LOADW_VECTOR_TILE, .wspad_addr = row};
    mica_instr_t w;
    if (MICA_ENCODE(S->b, S->L->name, loadw, &f, &w) || mica_gemm_flush_for(S, strips))
        return -1;
    return mica_emit_after(S->b, &S->w, &w, strips, 1, self) || failed(*self) ? -1 : 0;
}

/* Window p's packed rows (ACC rows p*in_h + k) to S->t_addr row k pixel p. */
static int store_window(mica_sched_t *S, int p, mica_ticket_t mm, mica_ticket_t *st) {
    const mica_gemm_layer_t *L = S->L; /* the run layer: in_h packed rows of in_w x cin bytes */
    uint32_t len = (uint32_t)L->cin;
    mica_requant_t q = {MICA_STORE_ROUND_DOUBLE, L->z_in, -128, 127};
    mica_rows_t r = {(uint32_t)(p * L->in_h), (uint32_t)L->in_h, len, S->t_addr + (uint32_t)p * len,
                     (uint32_t)L->in_w * len};
    mica_instr_t s;
    if (mica_instr_store(S->b, L->name, &q, &r, 0, &s) || mica_gemm_flush_for(S, &S->p_load[0]))
        return -1;
    mica_ticket_t deps[2] = {mm, S->p_load[0]};
    return mica_emit_after(S->b, &S->w, &s, deps, 2, st) || failed(*st) ? -1 : 0;
}

int mica_gemm_rowpack_pass(mica_sched_t *S) {
    mica_builder_t *b = S->b;
    const mica_gemm_plan_t *P = S->P;
    int R = (int)b->hw.rows, C = (int)b->hw.cols, PW = S->L->in_w;
    strips_t sh = strip_shape(P, R, PW);
    uint32_t w_addr, p_addr, strips = (uint32_t)(P->pack_g * sh.rows);
    /* The strips above the layer's weight buffers when they fit there: then the first weight
     * load runs during this pass, else it waits for the last identity LOADW. */
    uint32_t used = (uint32_t)P->wspad_bufs * P->tile_rows * (uint32_t)P->wgroup,
             base = used + strips <= b->hw.wspad_depth ? b->hw.wspad_depth - strips : 0;
    mica_ticket_t none = {0, 0}, st = none, strips_load = none, lw = none;
    if (identity_constants(S, &sh, &w_addr, &p_addr) ||
        mica_gemm_queue_load(S, MICA_LOAD_TARGET_WSPAD, base, strips, (uint32_t)C, 0, w_addr,
                             (uint32_t)C, 0, none, &strips_load, 1) ||
        load_views(S, R) ||
        mica_gemm_queue_load(S, MICA_LOAD_TARGET_PARAM, 0, MICA_PARAM_ROWS,
                             MICA_PARAM_ROWS * (uint32_t)C, 0, p_addr,
                             MICA_PARAM_ROWS * (uint32_t)C, 0, none, &S->p_load[0], 1))
        return -1;
    for (int p = 0; p < PW; p++) {
        mica_ticket_t mm = none;
        for (int j = 0; j < P->pack_g; j++) {
            int view, o = window_offset(P, R, p, &view);
            uint32_t row = base + (uint32_t)(j * sh.rows + (sh.omax - o) * P->pack_cin);
            if (identity_loadw(S, row, &strips_load, &lw) || mica_gemm_flush_for(S, &S->in_load[0]))
                return -1;
            mm = shift_rows(S, j, p, view);
            if (failed(mm))
                return -1;
            if (base && p == 0 && j == 0) { /* the identity strips' load is out: fold 0's next */
                if (mica_gemm_load_weights(S, 0) || mica_gemm_flush_for(S, NULL))
                    return -1;
                S->w_next = 0;
            }
        }
        if (store_window(S, p, mm, &st))
            return -1;
    }
    /* What the layer's own loop nest reuses waits for this pass: ASPAD (its first input LOAD),
     * ACC and PARAM (the last STORE), WSPAD (the last identity LOADW). */
    S->pre_store = S->acc_read[0] = S->acc_read[1] = S->p_read[0] = S->p_read[1] = st;
    for (int k = 0; k < P->wspad_bufs; k++)
        S->w_read[k] = base ? none : lw;
    return 0;
}
