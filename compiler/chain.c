/* On-chip activations (chain.h). The plan, before any op is lowered:
 *   candidates: an activation produced by an accelerated CONV_2D, DEPTHWISE_CONV_2D or ADD, not a
 *     model output, read only by later accelerated ops that read ASPAD rows as they are (input 0
 *     of a convolution or pool, either input of ADD), laid out as a one-band input: fold f's pixel m at
 *     row base + f * pixels + m (ADD walks those rows as they are, so its channels fill whole
 *     folds);
 *   live range: from the producer to the last reader every op must be one that lowers with the
 *     rows kept (convolutions, pools, FULLY_CONNECTED, ADD: they plan their own buffers below
 *     every row held while they run, mica_chain_depth);
 *   placement: in op order, rows freed after their last reader, each output at the highest free
 *     rows; an op that loads some input from memory keeps at least min_work rows below them; a
 *     convolution whose input and output are one fold each and that is its input's last reader
 *     may write its output over the input, at least inplace_gap rows below it (its bands run in
 *     order, each STORE after the band's MATMULs, so it overwrites only rows no later band reads);
 *   a few-channel convolution that packs two outputs' windows per ASPAD row (gemm_plan.c
 *     pack_taps) writes memory: its output pairs are the dense layout, not a pixel per row;
 *   a depthwise convolution or pool of few channels reads and writes memory (pixel pairs), unless
 *     the configuration has DWCONV_TAPS (a 3-wide kernel's three or nine taps a pass beat one
 *     on pairs; a kernel of another width then runs one tap a pass on plain rows, on chip).
 * A candidate breaking a rule is dropped and the plan redone (dropping only removes rows, so it
 * ends). Each op is its own accelerator program ending with END, so the RAW hazard between a
 * producer's STOREs and a reader is the step boundary. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "chain.h"
#include "gemm_plan.h"

static int is_output(const tfl_model_t *m, int32_t t) {
    for (int i = 0; i < m->noutputs; i++)
        if (m->outputs[i] == t)
            return 1;
    return 0;
}

static int is_conv(int builtin) {
    return builtin == TFL_OP_CONV_2D || builtin == TFL_OP_DEPTHWISE_CONV_2D;
}

static int is_pool(int builtin) {
    return builtin == TFL_OP_AVERAGE_POOL_2D || builtin == TFL_OP_MAX_POOL_2D;
}

/* Ops that lower with rows held in the upper half of ASPAD (mica_lower_gemm_part, lower_add.c,
 * lower_pool.c). */
static int keeps_rows(int builtin) {
    return is_conv(builtin) || is_pool(builtin) || builtin == TFL_OP_FULLY_CONNECTED ||
           builtin == TFL_OP_ADD;
}

/* Whether op input k is read from ASPAD rows when it is there. */
static int reads_rows(const tfl_op_t *o, int k) {
    return ((is_conv(o->builtin) || is_pool(o->builtin)) && k == 0) ||
           (o->builtin == TFL_OP_ADD && k < 2);
}

/* t as NHWC with batch 1: its pixels and channels, or 0. */
static int nhwc(const tfl_model_t *m, int32_t t, uint64_t *pixels, uint64_t *channels) {
    const tfl_tensor_t *x = &m->tensors[t];
    if (x->rank != 4 || x->dims[0] != 1 || x->dims[1] < 1 || x->dims[2] < 1 || x->dims[3] < 1)
        return 0;
    *pixels = (uint64_t)x->dims[1] * (uint64_t)x->dims[2];
    *channels = (uint64_t)x->dims[3];
    return 1;
}

typedef struct {
    const tfl_model_t *m;
    const mica_hw_config_t *hw;
    const uint8_t *accel; /* per op */
    mica_res_t *res;      /* per tensor; state PLANNED = still a candidate */
} plan_t;

/* The fewest ASPAD rows an op that loads an input keeps for its own buffers (below every row
 * held across it). */
static uint32_t min_work(const mica_hw_config_t *hw) {
    return hw->aspad_depth / 4;
}

/* Op o's readers of t: all later, accelerated and reading rows; the last one, or -1. A depthwise
 * convolution or pool reading few channels (pairs: 2 x channels fit an ASPAD row) is faster with
 * two pixels per row, a layout only a load from memory makes. */
static int last_reader(const plan_t *p, int32_t t, int prod, int needs_whole_folds, int pairs) {
    int last = -1;
    for (int o = 0; o < p->m->nops; o++) {
        const tfl_op_t *op = &p->m->ops[o];
        for (int k = 0; k < op->ninputs; k++) {
            if (op->inputs[k] != t)
                continue;
            if (o <= prod || !p->accel[o] || !reads_rows(op, k) ||
                (op->builtin == TFL_OP_ADD && needs_whole_folds) ||
                (pairs && (op->builtin == TFL_OP_DEPTHWISE_CONV_2D || is_pool(op->builtin))))
                return -1;
            last = o > last ? o : last;
        }
    }
    return last;
}

/* Op o's window (shapes, strides, padding) when it is a convolution with a rank-4 input and
 * filter: 1, else 0. */
static int conv_layer(const plan_t *p, const tfl_op_t *op, mica_gemm_layer_t *L) {
    if (!is_conv(op->builtin) || op->ninputs < 2 || op->noutputs != 1 || op->inputs[0] < 0 ||
        op->inputs[1] < 0 || p->m->tensors[op->inputs[0]].rank != 4 ||
        p->m->tensors[op->inputs[1]].rank != 4)
        return 0;
    memset(L, 0, sizeof *L);
    return !mica_conv_window(op, &p->m->tensors[op->inputs[0]], &p->m->tensors[op->inputs[1]],
                             &p->m->tensors[op->outputs[0]], L);
}

/* A few-channel convolution whose packed taps take two outputs' windows per ASPAD row (VWW's
 * first layer: 15 of 16 array rows, 16 columns, against 9 and 8) writes output pairs, the dense
 * layout in memory: its output stays there. Its MATMULs stream half the rows and its input loads
 * take 1.25 beats per output and kernel row instead of 2, more than the output's round trip. */
static int packs_wide(const plan_t *p, const tfl_op_t *op) {
    mica_gemm_layer_t L;
    return op->builtin == TFL_OP_CONV_2D && conv_layer(p, op, &L) &&
           mica_gemm_packs_wide(p->hw, &L);
}

/* Op i's output as a candidate: its rows and readers, or 0. */
static int candidate(const plan_t *p, int i, mica_res_t *r) {
    const tfl_op_t *op = &p->m->ops[i];
    uint64_t pix, ch;
    int32_t t = op->noutputs == 1 ? op->outputs[0] : -1;
    if (!p->accel[i] || (!is_conv(op->builtin) && op->builtin != TFL_OP_ADD) || t < 0 ||
        is_output(p->m, t) || !nhwc(p->m, t, &pix, &ch))
        return 0;
    int part_fold = ch % p->hw->rows != 0; /* ADD walks rows as they are: whole folds only */
    /* a depthwise producer or reader of few channels runs faster on pixel pairs, a memory
     * layout, than one tap per pass; not with DWCONV_TAPS (three or nine taps a pass) */
    int pairs = 2 * ch <= p->hw->rows && (mica_hw_absent(p->hw) & MICA_FEATURE_DWCONV_TAPS);
    if ((op->builtin == TFL_OP_ADD && part_fold) ||
        (op->builtin == TFL_OP_DEPTHWISE_CONV_2D && pairs) || packs_wide(p, op))
        return 0;
    int last = last_reader(p, t, i, part_fold, pairs);
    uint64_t rows = (ch + p->hw->rows - 1) / p->hw->rows * pix;
    if (last < 0 || rows > p->hw->aspad_depth - min_work(p->hw))
        return 0;
    memset(r, 0, sizeof *r);
    r->rows = (uint32_t)rows, r->prod = i, r->last = last, r->state = MICA_RES_PLANNED;
    return 1;
}

/* Whether op o loads an activation from memory (one not planned in ASPAD). */
static int loads(const plan_t *p, int o) {
    const tfl_op_t *op = &p->m->ops[o];
    for (int k = 0; k < op->ninputs; k++) {
        int32_t t = op->inputs[k];
        if (t >= 0 && !p->m->tensors[t].data && !(reads_rows(op, k) && p->res[t].state))
            return 1;
    }
    return 0;
}

static int live_at(const mica_res_t *r, int o) {
    return r->state && r->prod <= o && o <= r->last;
}

/* Drops the first candidate whose live range holds an op that cannot keep rows. 1 if one was. */
static int drop_range(plan_t *p) {
    for (int t = 0; t < p->m->ntensors; t++)
        for (int o = p->res[t].prod + 1; p->res[t].state && o <= p->res[t].last; o++)
            if (!p->accel[o] || !keeps_rows(p->m->ops[o].builtin)) {
                p->res[t].state = MICA_RES_NONE;
                return 1;
            }
    return 0;
}

/* How far below its input t op o's output rows must start to overlap it (-1: they may not). One
 * fold each way, so pixel m is row base + m on both sides; band by band, the rows below output
 * row y are written before input row stride*y - pad_top (the first a later band reads) is last
 * read, so base_in - base_out >= y*out_w - (stride*y - pad_top)*in_w for every band start y. */
static int64_t inplace_gap(const plan_t *p, int o, int32_t t) {
    const tfl_op_t *op = &p->m->ops[o];
    uint64_t pix, ch_in, ch_out;
    mica_gemm_layer_t L;
    if (op->ninputs < 1 || op->inputs[0] != t || p->res[t].last != o || !conv_layer(p, op, &L) ||
        !nhwc(p->m, t, &pix, &ch_in) || !nhwc(p->m, op->outputs[0], &pix, &ch_out) ||
        ch_in > p->hw->rows || ch_out > p->hw->rows)
        return -1;
    int64_t gap = 0;
    for (int64_t y = 1; y < L.out_h; y++) {
        int64_t first = (int64_t)L.stride_h * y - L.pad_top;
        int64_t need = y * L.out_w - (first > 0 ? first : 0) * L.in_w;
        gap = need > gap ? need : gap;
    }
    return gap;
}

/* The highest base for r's rows free of every other candidate live at r's producer (or over its
 * input by inplace_gap), or -1. */
static int64_t highest_free(const plan_t *p, int32_t self) {
    const mica_res_t *r = &p->res[self];
    int64_t base = (int64_t)p->hw->aspad_depth - r->rows;
    for (int moved = 1; moved && base >= 0;) {
        moved = 0;
        for (int t = 0; t < p->m->ntensors; t++) {
            const mica_res_t *q = &p->res[t];
            if (t == self || !live_at(q, r->prod) || q->prod > r->prod ||
                (q->prod == r->prod && t > self))
                continue;
            if (base >= (int64_t)q->base + q->rows || (int64_t)q->base >= base + r->rows)
                continue; /* apart */
            int64_t gap = inplace_gap(p, r->prod, t);
            if (gap >= 0 && base <= (int64_t)q->base - gap)
                continue; /* over its input, far enough below */
            base = (int64_t)q->base - (gap >= 0 ? gap : r->rows), moved = 1;
        }
    }
    return base;
}

/* Places every candidate in op order; drops one that does not fit or leaves an op that loads
 * fewer than min_work rows below it. 1 if one was dropped. */
static int place(plan_t *p) {
    for (int o = 0; o < p->m->nops; o++) {
        const tfl_op_t *op = &p->m->ops[o];
        for (int k = 0; k < op->noutputs; k++) {
            int32_t t = op->outputs[k];
            if (t < 0 || !p->res[t].state || p->res[t].prod != o)
                continue;
            int64_t base = highest_free(p, t);
            if (base < 0) {
                p->res[t].state = MICA_RES_NONE;
                return 1;
            }
            p->res[t].base = (uint32_t)base;
        }
    }
    for (int o = 0; o < p->m->nops; o++)
        for (int t = 0; t < p->m->ntensors && loads(p, o); t++)
            if (live_at(&p->res[t], o) && p->res[t].base < min_work(p->hw)) {
                p->res[t].state = MICA_RES_NONE;
                return 1;
            }
    return 0;
}

int mica_chain_plan(const tfl_model_t *m, mica_builder_t *b, const mica_partition_opts_t *po) {
    if ((mica_hw_absent(&b->hw) & MICA_FEATURE_STORE_ASPAD) || b->graph_role != MICA_GRAPH_SINGLE)
        return 0;
    uint8_t *accel = calloc((size_t)m->nops, 1);
    b->res = calloc((size_t)m->ntensors, sizeof *b->res);
    if (!accel || !b->res) {
        free(accel);
        snprintf(b->err, sizeof b->err, "out of memory");
        return -1;
    }
    char detail[MICA_REASON_LEN];
    for (int i = 0; i < m->nops; i++)
        accel[i] = mica_accel_reason(m, &m->ops[i], po, detail, sizeof detail) == NULL;
    b->res_n = m->ntensors;
    plan_t p = {m, &b->hw, accel, b->res};
    for (int i = 0; i < m->nops; i++) {
        mica_res_t r;
        if (candidate(&p, i, &r))
            b->res[m->ops[i].outputs[0]] = r;
    }
    while (drop_range(&p) || place(&p))
        ;
    free(accel);
    return 0;
}

int mica_chain_in(const mica_builder_t *b, int32_t t, uint32_t *base) {
    if (!b->res || t < 0 || b->res[t].state != MICA_RES_STORED)
        return 0;
    *base = b->res[t].base;
    return 1;
}

int mica_chain_out(const mica_builder_t *b, int32_t t, uint32_t *base) {
    if (!b->res || t < 0 || b->res[t].state != MICA_RES_PLANNED)
        return 0;
    *base = b->res[t].base;
    return 1;
}

void mica_chain_stored(mica_builder_t *b, int32_t t) {
    b->res[t].state = MICA_RES_STORED;
}

/* The rows below every row held while op idx runs, or the depth. */
static uint32_t work_rows(const mica_builder_t *b, int idx) {
    uint32_t work = b->hw.aspad_depth;
    for (int t = 0; t < b->res_n; t++)
        if (live_at(&b->res[t], idx) && b->res[t].base < work)
            work = b->res[t].base;
    return work;
}

/* An op that loads nothing into ASPAD plans with half of it, a budget it never writes. */
static void set_work(mica_builder_t *b) {
    b->res_work = b->res_loads ? work_rows(b, b->res_idx) : b->hw.aspad_depth / 2;
}

int mica_chain_begin(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    b->res_work = b->hw.aspad_depth;
    b->res_idx = idx;
    if (!b->res)
        return 0;
    int in_chip = 0;
    b->res_loads = 0;
    for (int k = 0; k < op->ninputs; k++) {
        int32_t t = op->inputs[k];
        int stored = t >= 0 && b->res[t].state == MICA_RES_STORED;
        in_chip |= stored;
        b->res_loads |= t >= 0 && !m->tensors[t].data && !stored;
    }
    set_work(b);
    return in_chip;
}

void mica_chain_drop_output(mica_builder_t *b, const tfl_op_t *op) {
    if (!b->res || op->noutputs < 1 || op->outputs[0] < 0 ||
        b->res[op->outputs[0]].state != MICA_RES_PLANNED)
        return;
    b->res[op->outputs[0]].state = MICA_RES_NONE; /* in memory: its readers load it */
    set_work(b);
}

void mica_chain_layer(const mica_builder_t *b, const tfl_op_t *op, mica_gemm_layer_t *L) {
    L->in_aspad = op->ninputs > 0 && mica_chain_in(b, op->inputs[0], &L->aspad_base);
    L->out_aspad =
        op->noutputs > 0 && !L->out_pixel_step && mica_chain_out(b, op->outputs[0], &L->out_base);
}

void mica_chain_end(mica_builder_t *b, const tfl_op_t *op, const mica_gemm_layer_t *L) {
    if (L->out_aspad)
        mica_chain_stored(b, op->outputs[0]);
}
