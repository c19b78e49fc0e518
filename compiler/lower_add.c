/* ADD of two same-shape int8 activations on the vector unit, TFLite's arithmetic exactly:
 *   acc = RESCALE(x1 - z1, m1, s1) + RESCALE(x2 - z2, m2, s2)   (left shift 20, vector unit)
 *   y   = clamp(SRDHM/RDBPOT(acc, m_out, s_out) + z_out)      (STORE round DOUBLE, bias 0)
 * Element-wise with per-tensor scales, so both tensors are walked as flat rows of LANES bytes.
 * Bands of rows alternate between two ASPAD and ACC halves, so the next band's loads overlap this
 * band's rescales and store (the external port is what bounds an ADD: 3 bytes per element).
 * An operand kept on chip (chain.c) is in ASPAD as a convolution's input: fold f's pixel m at row
 * base + f * pixels + m, whole folds; then every operand is walked in that row order (one
 * memory LOAD or STORE per fold segment of a band), and on-chip ones are neither loaded nor
 * stored to memory: the rescales read their rows, the STORE writes the output's rows.
 * Passes: plan (plan_add: lanes and rows per band), schedule (emit_band: both loads, both
 * rescales, the store, each after what it reads), emission (move_rows, rescale: typed encoders). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "chain.h"
#include "lower_gemm.h"
#include "instr.h"
#include "waits.h"
#include "cpu_ops/cpu_ops.h"
#include "cpu_ops/cpu_util.h"

#define ADD_LEFT_SHIFT 20 /* TFLite's int8 ADD left shift */
_Static_assert(ADD_LEFT_SHIFT <= MICA_RESCALE_LEFT_SHIFT_MAX, "RESCALE.left_shift");

/* The plan: n elements as rows of `lanes` bytes, band_rows rows per band (both inputs in one
 * ASPAD half, the sums in one ACC half, one RESCALE and one STORE each). */
typedef struct {
    uint32_t lanes, n, band_rows, bands;
} add_plan_t;

static void plan_add(const mica_hw_config_t *hw, uint32_t n, add_plan_t *P) {
    P->lanes = hw->rows < hw->cols ? hw->rows : hw->cols;
    P->n = n;
    uint32_t total_rows = (n + P->lanes - 1) / P->lanes, cap = hw->acc_depth / 2;
    if (hw->aspad_depth / 4 < cap)
        cap = hw->aspad_depth / 4;
    if (cap > MICA_RESCALE_ROWS_MAX)
        cap = MICA_RESCALE_ROWS_MAX;
    if (cap > MICA_STORE_ROWS_MAX)
        cap = MICA_STORE_ROWS_MAX;
    P->band_rows = total_rows < cap ? total_rows : cap;
    P->bands = (n + P->band_rows * P->lanes - 1) / (P->band_rows * P->lanes);
}

typedef struct {
    mica_builder_t *b;
    const char *name;
    mica_waits_t w;
    uint32_t lanes, band_rows, n, a_addr[2], out_addr; /* the plan's; arena addresses */
    uint32_t pixels, chan; /* chan != 0: rows in fold order (on-chip operands) */
    int on_chip[3];        /* inputs 0, 1 and the output kept in ASPAD ... */
    uint32_t chip_row[3];  /* ... from these rows */
    int32_t z_in[2], m_in[2], s_in[2], z_out, act_min, act_max;
    uint32_t p_addr;
    mica_ticket_t p_load, aspad_read[2], acc_read[2];
} add_t;

static int move(add_t *A, int store, const mica_rows_t *r, const mica_ticket_t *deps, int ndeps,
                mica_ticket_t *last) {
    mica_requant_t q = {MICA_STORE_ROUND_DOUBLE, A->z_out, A->act_min, A->act_max};
    mica_instr_t in;
    int f = store ? mica_instr_store(A->b, A->name, &q, r, 0, &in)
                  : mica_instr_load(A->b, A->name, MICA_LOAD_TARGET_ASPAD, r, 0, 0, &in);
    return f || mica_emit_after(A->b, &A->w, &in, deps, ndeps, last) ? -1 : 0;
}

/* Rows [r0, r0 + rows) in fold order: one LOAD or STORE per fold they touch, a fold's pixels
 * chan bytes apart in memory. */
static int move_folds(add_t *A, int store, uint32_t ext, uint32_t row0, uint32_t r0, uint32_t rows,
                      const mica_ticket_t *deps, int ndeps, mica_ticket_t *last) {
    for (uint32_t r = r0; r < r0 + rows;) {
        uint32_t f = r / A->pixels, m = r % A->pixels;
        uint32_t seg = A->pixels - m < r0 + rows - r ? A->pixels - m : r0 + rows - r;
        mica_rows_t rr = {row0 + (r - r0), seg, A->lanes, ext + m * A->chan + f * A->lanes,
                          A->chan};
        if (move(A, store, &rr, deps, ndeps, last))
            return -1;
        r += seg;
    }
    return 0;
}

/* LOAD (into ASPAD) or STORE of elements [e0, e0+count) as rows of LANES bytes, plus one
 * shorter row for a remainder (or, chan != 0, of those rows in fold order). */
static int move_rows(add_t *A, int store, uint32_t ext, uint32_t row0, uint32_t e0, uint32_t count,
                     const mica_ticket_t *deps, int ndeps, mica_ticket_t *last) {
    if (A->chan)
        return move_folds(A, store, ext, row0, e0 / A->lanes, count / A->lanes, deps, ndeps, last);
    uint32_t full = count / A->lanes, rem = count % A->lanes;
    for (int part = 0; part < 2; part++) {
        uint32_t rows = part ? (rem ? 1 : 0) : full, len = part ? rem : A->lanes;
        if (!rows)
            continue;
        uint32_t first = row0 + (part ? full : 0), addr = ext + e0 + (part ? full * A->lanes : 0);
        mica_rows_t r = {first, rows, len, addr, A->lanes};
        if (move(A, store, &r, deps, ndeps, last))
            return -1;
    }
    return 0;
}

static int rescale(add_t *A, int k, uint32_t aspad, uint32_t acc, uint32_t rows,
                   const mica_ticket_t *deps, int ndeps, mica_ticket_t *self) {
    mica_builder_t *b = A->b;
    mica_rescale_fields_t f = {.accumulate = (uint32_t)k,
                               .z_in = A->z_in[k],
                               .aspad_addr = aspad,
                               .acc_addr = acc,
                               .rows = rows,
                               .mult = (uint32_t)A->m_in[k],
                               .left_shift = ADD_LEFT_SHIFT,
                               .right_shift = (uint32_t)-A->s_in[k]};
    mica_instr_t in;
    return MICA_ENCODE(b, A->name, rescale, &f, &in) ||
                   mica_emit_after(b, &A->w, &in, deps, ndeps, self)
               ? -1
               : 0;
}

/* One band: both inputs into ASPAD half h, both rescales into ACC half h, the STORE. */
static int emit_band(add_t *A, uint32_t band) {
    const mica_hw_config_t *hw = &A->b->hw;
    uint32_t h = band % 2, e0 = band * A->band_rows * A->lanes;
    uint32_t count = A->n - e0 < A->band_rows * A->lanes ? A->n - e0 : A->band_rows * A->lanes;
    uint32_t rows = (count + A->lanes - 1) / A->lanes, asp = h * (hw->aspad_depth / 2),
             acc = h * (hw->acc_depth / 2);
    mica_ticket_t loaded[2] = {{0, 0}, {0, 0}}, r[2] = {{0, 0}, {0, 0}}, st = {0, 0};
    uint32_t in_row[2];
    for (int k = 0; k < 2; k++) {
        in_row[k] =
            A->on_chip[k] ? A->chip_row[k] + e0 / A->lanes : asp + (uint32_t)k * A->band_rows;
        if (!A->on_chip[k] &&
            move_rows(A, 0, A->a_addr[k], in_row[k], e0, count, &A->aspad_read[h], 1, &loaded[k]))
            return -1;
    }
    for (int k = 0; k < 2; k++) {
        mica_ticket_t deps[2] = {loaded[k], A->acc_read[h]};
        if (rescale(A, k, in_row[k], acc, rows, deps, 2, &r[k]))
            return -1;
    }
    A->aspad_read[h] = r[1];
    mica_ticket_t deps[2] = {r[1], A->p_load};
    if (A->on_chip[2]) { /* the output's rows in ASPAD (its readers read them there) */
        mica_requant_t q = {MICA_STORE_ROUND_DOUBLE, A->z_out, A->act_min, A->act_max};
        mica_rows_t rr = {acc, rows, A->lanes, A->chip_row[2] + e0 / A->lanes, 0};
        mica_instr_t in;
        if (mica_instr_store_to(A->b, A->name, &q, &rr, 0, MICA_STORE_TARGET_ASPAD, &in) ||
            mica_emit_after(A->b, &A->w, &in, deps, 2, &st))
            return -1;
    } else if (move_rows(A, 1, A->out_addr, acc, e0, count, deps, 2, &st)) {
        return -1;
    }
    A->acc_read[h] = st;
    return 0;
}

/* The output multiplier as PARAM set 0 (bias 0), loaded once. */
static int load_params(add_t *A, int32_t out_mult, int32_t out_shift) {
    mica_builder_t *b = A->b;
    uint32_t C = b->hw.cols;
    int32_t *p = calloc(MICA_PARAM_ROWS * (size_t)C, sizeof(int32_t));
    if (!p)
        MICA_ERR("out of memory");
    for (uint32_t c = 0; c < C; c++)
        mica_param_lane(p, C, c, 0, out_mult, out_shift, 0);
    A->p_addr = mica_const_add(b, p, MICA_PARAM_ROWS * C * sizeof(int32_t));
    free(p);
    if (!A->p_addr)
        return -1;
    mica_rows_t r = {0, MICA_PARAM_ROWS, MICA_PARAM_ROWS * C, A->p_addr, MICA_PARAM_ROWS * C};
    mica_instr_t in;
    int f = mica_instr_load(b, A->name, MICA_LOAD_TARGET_PARAM, &r, 0, 0, &in);
    return f || mica_emit_after(b, &A->w, &in, NULL, 0, &A->p_load) ? -1 : 0;
}

static int add_setup(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                     add_plan_t *P, add_t *A, int32_t *out_mult, int32_t *out_shift) {
    const tfl_tensor_t *x[2] = {mica_op_tensor(m, op, 0), mica_op_tensor(m, op, 1)},
                       *out = mica_op_output(m, op, 0);
    mica_binary_params_t p;
    char why[200];
    if (mica_add_quant(op, x[0], x[1], out, &p, why, sizeof why))
        MICA_ERR("op %d: %s", idx, why);
    memset(A, 0, sizeof *A);
    A->b = b;
    uint32_t n = mica_tensor_at(b, b->tensor_map[op->outputs[0]])->bytes;
    if (n == 0)
        MICA_ERR("op %d: ADD of empty tensors", idx);
    plan_add(&b->hw, n, P);
    A->lanes = P->lanes, A->n = P->n, A->band_rows = P->band_rows;
    for (int k = 0; k < 2; k++) {
        A->a_addr[k] = mica_tensor_at(b, b->tensor_map[op->inputs[k]])->addr;
        A->z_in[k] = p.in_zp[k];
        A->m_in[k] = p.in_mult[k];
        A->s_in[k] = p.in_shift[k];
    }
    A->out_addr = mica_tensor_at(b, b->tensor_map[op->outputs[0]])->addr;
    int32_t t[3] = {op->inputs[0], op->inputs[1], op->outputs[0]};
    for (int k = 0; k < 3; k++)
        A->on_chip[k] = k < 2 ? mica_chain_in(b, t[k], &A->chip_row[k])
                              : mica_chain_out(b, t[k], &A->chip_row[k]);
    if (A->on_chip[0] || A->on_chip[1] || A->on_chip[2]) { /* fold order: whole folds (chain.c) */
        const tfl_tensor_t *y = out;
        A->chan = (uint32_t)y->dims[y->rank - 1];
        A->pixels = n / A->chan;
        if (y->rank != 4 || A->chan % P->lanes)
            MICA_ERR("op %d: an ADD operand in ASPAD needs NHWC with whole %u-channel folds", idx,
                     P->lanes);
    }
    A->z_out = p.out_zp;
    A->act_min = p.act_min;
    A->act_max = p.act_max;
    *out_mult = p.out_mult;
    *out_shift = p.out_shift;
    return 0;
}

static int lower_add(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    add_plan_t P;
    add_t A;
    int32_t out_mult, out_shift;
    char name[MICA_NAME_LEN];
    snprintf(name, sizeof name, "%d_add", idx);
    if (add_setup(m, op, idx, b, &P, &A, &out_mult, &out_shift))
        return -1;
    A.name = name;
    uint32_t first = mica_code_count(b);
    mica_plan_note(b,
                   "  tiling: vector unit, %u elements as rows of %u lanes: per band 2 LOADs, 2 "
                   "RESCALEs (left shift %d), 1 STORE\n"
                   "  bands: %u of %u rows\n  buffers: ASPAD 2 halves (both inputs), ACC 2 halves, "
                   "PARAM 1 set resident\n",
                   P.n, P.lanes, ADD_LEFT_SHIFT, P.bands, P.band_rows);
    if (load_params(&A, out_mult, out_shift))
        return -1;
    for (uint32_t k = 0; k < P.bands; k++)
        if (emit_band(&A, k))
            return -1;
    mica_instr_t end;
    if (mica_instr_end(&end) || mica_emit_after(b, &A.w, &end, NULL, 0, NULL))
        return -1;
    if (A.on_chip[2])
        mica_chain_stored(b, op->outputs[0]);
    return mica_accel_step(b, op, name, first, 2, 0); /* no MACs: 2 rescales per element */
}

/* While rows stay in ASPAD (chain.c) the ADD's own buffers are below them. */
int mica_lower_add(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    uint32_t depth = b->hw.aspad_depth;
    b->hw.aspad_depth = mica_chain_depth(b);
    int rc = lower_add(m, op, idx, b);
    b->hw.aspad_depth = depth;
    return rc;
}
