/* Packed kernel rows (gemm_plan.c pack_rows): the first pass that lays the packed ASPAD rows out
 * in memory. A LOAD writes a whole ASPAD row from one contiguous run of external bytes (the rest
 * is fill), so a row holding G image rows' taps cannot be assembled by LOADs from the image. The
 * array can: with the image's tap-packed rows in ASPAD (the width packing's own loads, padding
 * columns the zero point), MATMUL j multiplies packed grid row k*rstep - pad_top + j*dil by the
 * identity tile shifted to columns j*kw*cin.., accumulating, so ACC row (k, p) holds the G image
 * rows' taps minus the zero point; rows outside the image (the vertical padding and the rows past
 * the last kernel row) read as 0. One STORE with the identity requantization (x * 2^30 * 2 / 2^31
 * = x, plus the zero point) writes them at S->t_addr: the end of the layer's output, which only
 * the last band's STOREs overwrite, after its input LOAD has read them (the plan checks it fits;
 * lower_gemm.c checks the band). Every later load, weight tile and PARAM set waits for this pass
 * through the tickets it leaves. */
#include <stdio.h>
#include <stdlib.h>
#include "gemm_sched.h"
#include "instr.h"

static int failed(const mica_ticket_t t) {
    return t.seq == 0;
}

/* The G shifted identity tiles (R x C each) and one PARAM set of identity requantization. */
static int identity_constants(mica_sched_t *S, uint32_t *w_addr, uint32_t *p_addr) {
    mica_builder_t *b = S->b;
    const mica_gemm_plan_t *P = S->P;
    uint32_t R = b->hw.rows, C = b->hw.cols, kwc = (uint32_t)(P->pack_kw * P->pack_cin);
    int8_t *w = calloc((size_t)P->pack_g * R, C);
    int32_t *p = calloc((size_t)MICA_PARAM_ROWS * C, sizeof *p);
    if (w && p) {
        for (uint32_t j = 0; j < (uint32_t)P->pack_g; j++)
            for (uint32_t r = 0; r < kwc; r++)
                w[((size_t)j * R + r) * C + j * kwc + r] = 1;
        for (uint32_t c = 0; c < C; c++)
            mica_param_lane(p, C, c, 0, 1 << 30, 1, 0);
        *w_addr = mica_const_add(b, w, (size_t)P->pack_g * R * C);
        *p_addr = mica_const_add(b, p, (size_t)MICA_PARAM_ROWS * C * sizeof *p);
    }
    free(w);
    free(p);
    if (w && p && *w_addr && *p_addr)
        return 0;
    snprintf(b->err, sizeof b->err, "layer %s: out of memory for constants", S->L->name);
    return -1;
}

/* MATMUL j: packed grid rows k*rstep - pad_top + j*dil of the image's tap-packed rows into ACC
 * rows (k, p), through identity tile j. */
static mica_ticket_t shift_rows(mica_sched_t *S, int j) {
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    mica_matmul_fields_t f = {.accumulate = (uint32_t)(j > 0),
                              .z_in = L->z_in,
                              .in_h = (uint32_t)P->pack_img_h,
                              .in_w = (uint32_t)L->in_w,
                              .out_h = (uint32_t)L->in_h,
                              .out_w = (uint32_t)L->in_w,
                              .stride_y = (uint32_t)P->pack_rstep,
                              .stride_x = 1,
                              .off_y = -P->pack_top + j * P->pack_dil};
    mica_instr_t m;
    mica_ticket_t self = {0, 0};
    if (!MICA_ENCODE(S->b, L->name, matmul, &f, &m))
        mica_emit_after(S->b, &S->w, &m, &S->in_load[0], 1, &self);
    return self;
}

int mica_gemm_rowpack_pass(mica_sched_t *S) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L; /* the run layer: in_h packed rows of in_w x cin bytes */
    const mica_gemm_plan_t *P = S->P;
    uint32_t w_addr, p_addr, R = b->hw.rows, C = b->hw.cols, len = (uint32_t)L->cin,
                             rows = (uint32_t)(L->in_h * L->in_w);
    mica_ticket_t none = {0, 0}, mm = none, st = none;
    if (identity_constants(S, &w_addr, &p_addr) ||
        mica_gemm_queue_load(S, MICA_LOAD_TARGET_WSPAD, 0, (uint32_t)P->pack_g * R, C, 0, w_addr, C,
                             0, none, &S->w_load[0], 1) ||
        mica_gemm_queue_load(S, MICA_LOAD_TARGET_PARAM, 0, MICA_PARAM_ROWS, MICA_PARAM_ROWS * C, 0,
                             p_addr, MICA_PARAM_ROWS * C, 0, none, &S->p_load[0], 1) ||
        mica_gemm_load_taps(S, 0, 0, 0, P->pack_img_h, none))
        return -1;
    for (int j = 0; j < P->pack_g; j++) {
        if (mica_gemm_loadw(S, 0, (uint32_t)j * R) || mica_gemm_flush_for(S, &S->in_load[0]))
            return -1;
        mm = shift_rows(S, j);
        if (failed(mm))
            return -1;
    }
    mica_requant_t q = {MICA_STORE_ROUND_DOUBLE, L->z_in, -128, 127};
    mica_rows_t r = {0, rows, len, S->t_addr, len};
    mica_instr_t s;
    if (mica_instr_store(b, L->name, &q, &r, 0, &s) || mica_gemm_flush_for(S, NULL))
        return -1;
    mica_ticket_t deps[2] = {mm, S->p_load[0]};
    if (mica_emit_after(b, &S->w, &s, deps, 2, &st) || failed(st))
        return -1;
    /* What the layer's own loop nest reuses waits for this pass: ASPAD (its first input LOAD),
     * ACC and PARAM (this STORE), WSPAD (the last identity LOADW). */
    S->pre_store = S->acc_read[0] = S->acc_read[1] = S->p_read[0] = S->p_read[1] = st;
    for (int k = 1; k < P->wspad_bufs; k++)
        S->w_read[k] = S->w_read[0];
    return 0;
}
