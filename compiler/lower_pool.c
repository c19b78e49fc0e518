/* AVERAGE_POOL_2D and MAX_POOL_2D on the vector unit, as depthwise layers (lower_gemm.c):
 *   MAX: DWCONV mode MAXIMUM with z_in = -128, so a pixel inside the image gives x + 128 >= 0 and a
 *        padded tap gives 0 and never wins (TFLite skips padding); STORE undoes the offset with an
 *        exact identity requantization and z_out = -128.
 *   AVG: DWCONV mode MAC with weights 1 and z_in = 0 sums the raw int8 values (padding adds 0);
 *        STORE divides by the window size n with round mode REAL and a multiplier rounded up, which
 *        is TFLite's (sum +- n/2) / n exactly; each layer's multiplier is checked over every
 *        possible sum before it is used. Where SAME windows cross the border TFLite divides by
 *        the in-image taps: each distinct count gets its own PARAM set and the STOREs are split
 *        into runs of output pixels with the same count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "chain.h"
#include "lower_gemm.h"
#include "instr.h"
#include "waits.h"
#include "quant.h"
#include "mica_fixedpoint.h"
#include "cpu_ops/cpu_util.h"

/* TFLite's average: sum / n rounded half away from zero. */
static int32_t tflite_average(int32_t sum, int32_t n) {
    return sum > 0 ? (sum + n / 2) / n : (sum - n / 2) / n;
}

/* m53 * 2^(e-53) = 1/n rounded up; 0 when it does not reproduce tflite_average for every sum of
 * n int8 values. */
static int divide_multiplier(int32_t n, uint64_t *m53, int32_t *e) {
    if (n > MICA_POOL_FILTER_MAX * MICA_POOL_FILTER_MAX)
        return -1; /* partition rule pool_window */
    int k = 0;
    while ((1 << k) < n)
        k++; /* 2^(k-1) < n <= 2^k: 1/n = q * 2^(1-k), q in [1/2, 1) */
    *e = 1 - k;
    unsigned __int128 num = (unsigned __int128)1 << (53 - *e);
    *m53 = (uint64_t)((num + (unsigned __int128)n - 1) /
                      (unsigned __int128)n); /* q * 2^53, rounded up */
    for (int32_t sum = -128 * n; sum <= 127 * n; sum++)
        if (mica_mul_real(sum, *m53, *e) != tflite_average(sum, n))
            return -1;
    return 0;
}

static int pool_shape(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b,
                      mica_gemm_layer_t *L) {
    const tfl_tensor_t *in = mica_op_tensor(m, op, 0), *out = mica_op_output(m, op, 0);
    if (in->rank != 4 || out->rank != 4 || in->dims[0] != 1 || out->dims[0] != 1 ||
        in->dims[3] != out->dims[3])
        MICA_ERR("op %d: pooling supports NHWC tensors with batch 1 and equal channels", idx);
    L->in_h = in->dims[1];
    L->in_w = in->dims[2];
    L->cin = L->cout = in->dims[3];
    L->out_h = out->dims[1];
    L->out_w = out->dims[2];
    if (L->in_h < 1 || L->in_w < 1 || L->cout < 1 || L->out_h < 1 || L->out_w < 1)
        MICA_ERR("op %d: pooling over an empty tensor", idx);
    L->kh = (int)tfl_opt_int(op, TFL_POOL_FILTER_H, 1);
    L->kw = (int)tfl_opt_int(op, TFL_POOL_FILTER_W, 1);
    L->stride_h = (int)tfl_opt_int(op, TFL_POOL_STRIDE_H, 1);
    L->stride_w = (int)tfl_opt_int(op, TFL_POOL_STRIDE_W, 1);
    L->dil_h = L->dil_w = 1;
    if (L->out_h == 1)
        L->stride_h = 1; /* one output row or column: the stride is never used */
    if (L->out_w == 1)
        L->stride_w = 1;
    /* filter and stride within the partition rule pool_window's limits */
    int same = tfl_opt_int(op, TFL_POOL_PADDING, 0) == TFL_PADDING_SAME;
    L->pad_top = same ? mica_conv_pad(L->in_h, L->out_h, L->kh, L->stride_h, 1) : 0;
    L->pad_left = same ? mica_conv_pad(L->in_w, L->out_w, L->kw, L->stride_w, 1) : 0;
    L->depthwise = L->pool = 1;
    int act = (int)tfl_opt_int(op, TFL_POOL_ACTIVATION, 0);
    char why[200];
    if (mica_fused_range(act, out, &L->act_min, &L->act_max, why, sizeof why))
        MICA_ERR("op %d (%s): %s", idx, tfl_builtin_name(op->builtin), why);
    L->in_addr = mica_tensor_at(b, b->tensor_map[op->inputs[0]])->addr;
    L->out_addr = mica_tensor_at(b, b->tensor_map[op->outputs[0]])->addr;
    return 0;
}

/* In-image taps of output pixel (oy, ox): TFLite's divisor. */
static int32_t window_count(const mica_gemm_layer_t *L, int oy, int ox) {
    int y0 = oy * L->stride_h - L->pad_top, x0 = ox * L->stride_w - L->pad_left;
    int y1 = y0 + L->kh < L->in_h ? y0 + L->kh : L->in_h,
        x1 = x0 + L->kw < L->in_w ? x0 + L->kw : L->in_w;
    return (y1 - (y0 > 0 ? y0 : 0)) * (x1 - (x0 > 0 ? x0 : 0));
}

/* Divisor set of every output pixel (distinct window counts, at most one per PARAM set a STORE
 * can name): sets[k] = count. */
#define MAX_DIVISOR_SETS (MICA_STORE_PARAM_SET_MAX + 1)
static int count_sets(const mica_gemm_layer_t *L, uint8_t *pixel_set, int32_t *sets) {
    int nsets = 0;
    for (int oy = 0; oy < L->out_h; oy++)
        for (int ox = 0; ox < L->out_w; ox++) {
            int32_t n = window_count(L, oy, ox), k = 0;
            while (k < nsets && sets[k] != n)
                k++;
            if (k == nsets && ++nsets > MAX_DIVISOR_SETS)
                return -1;
            sets[k] = n;
            pixel_set[oy * L->out_w + ox] = (uint8_t)k;
        }
    return nsets;
}

/* Requantization: identity for MAX; for AVG 1/n per divisor set (one set: per channel, as usual). */
static int pool_params(mica_builder_t *b, int idx, int is_max, mica_gemm_layer_t *L,
                       uint8_t *pixel_set, int32_t *mult, int32_t *mult_lo, int32_t *shift) {
    int32_t counts[MAX_DIVISOR_SETS];
    int nsets = is_max ? 1 : count_sets(L, pixel_set, counts);
    if (nsets < 0)
        MICA_ERR("op %d: more than %d distinct window sizes (STORE param_set max %d)", idx,
                 MAX_DIVISOR_SETS, MICA_STORE_PARAM_SET_MAX);
    for (int k = 0; k < nsets; k++) {
        uint64_t m53 = 0;
        int32_t e = 0;
        if (!is_max && (counts[k] < 1 || divide_multiplier(counts[k], &m53, &e)))
            MICA_ERR("op %d: no exact STORE multiplier for an average over %d values", idx,
                     counts[k]);
        mult[k] =
            is_max ? 1 << 30 : (int32_t)(uint32_t)(m53 >> 21); /* MAX: x * 2^30 * 2 / 2^31 = x */
        mult_lo[k] = is_max ? 0 : (int32_t)(m53 & 0x1FFFFFu);
        shift[k] = is_max ? 1 : e;
    }
    for (int c = nsets == 1 ? 1 : L->cout; c < L->cout; c++) {
        mult[c] = mult[0];
        mult_lo[c] = mult_lo[0];
        shift[c] = shift[0];
    }
    if (nsets > 1) {
        L->pixel_set = pixel_set;
        L->nsets = nsets;
    }
    if (nsets > 1)
        mica_plan_note(b,
                       "  divisors: %d window sizes at the border, one PARAM set each, STOREs "
                       "split into runs\n",
                       nsets);
    L->mult = mult;
    L->mult_lo = mult_lo;
    L->shift = shift;
    L->round_mode = is_max ? MICA_STORE_ROUND_DOUBLE : MICA_STORE_ROUND_REAL;
    L->vec_max = is_max;
    L->z_in = L->z_out = is_max ? -128 : 0;
    return 0;
}

/* A global pool (one window = the whole input) as HW taps of nf "pixels": ASPAD holds fold f of
 * input pixel p at row f*HW + p, so tap p is one DWCONV over a 1-wide column of nf rows (in_w =
 * HW, off_x = p) and its T = nf rows keep the vector unit and the fetch busy, where the generic
 * schedule would issue HW one-pixel DWCONVs per fold. */
static int global_pool_fits(const mica_builder_t *b, const mica_gemm_layer_t *L, int lanes) {
    int hw = L->kh * L->kw, nf = (L->cout + lanes - 1) / lanes;
    uint32_t depth = mica_chain_depth(b);
    return L->out_h == 1 && L->out_w == 1 && L->kh == L->in_h && L->kw == L->in_w && !L->pad_top &&
           !L->pad_left && hw <= 512 && (uint32_t)(nf * hw) <= depth &&
           (uint32_t)nf <= b->hw.acc_depth && !L->pixel_set;
}

/* The global pool's schedule, one stage after the other: every LOAD (parameters, the vector of
 * ones, the input folds), the LOADW and the first DWCONV after LOAD drained, the STOREs after
 * ARRAY drained (waits.c). */
typedef struct {
    mica_builder_t *b;
    const mica_gemm_layer_t *L;
    mica_waits_t w;
    uint32_t in_row; /* the input's first ASPAD row: 0, or where the producer stored it (chain.c) */
    int on_chip;
} gpool_t;

static int gp_emit(gpool_t *G, mica_instr_t *in, int fail, unsigned drain) {
    return fail ? -1 : mica_emit_drained(G->b, &G->w, in, drain, NULL); /* b->err names the field */
}

static int const_load(gpool_t *G, uint32_t target, const void *data, uint32_t len) {
    mica_builder_t *b = G->b;
    uint32_t addr = mica_const_add(b, data, len),
             row = target == MICA_LOAD_TARGET_PARAM ? MICA_PARAM_ROWS * b->hw.cols : b->hw.cols;
    if (!addr)
        MICA_ERR("out of memory");
    mica_rows_t r = {0, len / row, row, addr, row};
    mica_instr_t in;
    return gp_emit(G, &in, mica_instr_load(b, G->L->name, target, &r, 0, 0, &in), 0);
}

/* Parameters (every lane: set 0 = the layer's divisor) and the weight vector of ones, then LOADW. */
static int global_pool_constants(gpool_t *G) {
    mica_builder_t *b = G->b;
    const mica_gemm_layer_t *L = G->L;
    uint32_t C = b->hw.cols;
    int32_t *par = calloc(MICA_PARAM_ROWS * (size_t)C, sizeof(int32_t));
    int8_t *ones = malloc(C);
    if (!par || !ones) {
        free(par);
        free(ones);
        MICA_ERR("out of memory");
    }
    memset(ones, 1, C);
    for (uint32_t c = 0; c < C; c++)
        mica_param_lane(par, C, c, 0, L->mult[0], L->shift[0], L->mult_lo[0]);
    int rc = const_load(G, MICA_LOAD_TARGET_PARAM, par, MICA_PARAM_ROWS * C * sizeof(int32_t)) ||
             const_load(G, MICA_LOAD_TARGET_WSPAD, ones, C);
    free(par);
    free(ones);
    mica_loadw_fields_t f = {.vector = MICA_LOADW_VECTOR_ROW};
    mica_instr_t lw;
    return rc || gp_emit(G, &lw, MICA_ENCODE(b, L->name, loadw, &f, &lw), MICA_UNIT_LOAD) ? -1 : 0;
}

static int global_pool_body(gpool_t *G, int lanes) {
    mica_builder_t *b = G->b;
    const mica_gemm_layer_t *L = G->L;
    int hw = L->kh * L->kw, nf = (L->cout + lanes - 1) / lanes;
    for (int f = 0; f < nf && !G->on_chip; f++) { /* fold f: rows f*HW .. of pixel-ordered lanes */
        int len = L->cout - f * lanes < lanes ? L->cout - f * lanes : lanes;
        mica_rows_t r = {(uint32_t)(f * hw), (uint32_t)hw, (uint32_t)len,
                         L->in_addr + (uint32_t)(f * lanes), (uint32_t)L->cout};
        mica_instr_t in;
        if (gp_emit(G, &in, mica_instr_load(b, L->name, MICA_LOAD_TARGET_ASPAD, &r, 0, 0, &in), 0))
            return -1;
    }
    for (int p = 0; p < hw; p++) {
        mica_dwconv_fields_t f = {.accumulate = p > 0,
                                  .z_in = L->z_in,
                                  .aspad_addr = G->in_row,
                                  .in_h = (uint32_t)nf,
                                  .in_w = (uint32_t)hw,
                                  .out_h = (uint32_t)nf,
                                  .out_w = 1,
                                  .stride_y = 1,
                                  .stride_x = 1,
                                  .off_x = p,
                                  .mode =
                                      L->vec_max ? MICA_DWCONV_MODE_MAXIMUM : MICA_DWCONV_MODE_MAC};
        mica_instr_t in;
        if (gp_emit(G, &in, MICA_ENCODE(b, L->name, dwconv, &f, &in), p == 0 ? MICA_UNIT_LOAD : 0))
            return -1; /* every fold loaded */
    }
    mica_requant_t q = {L->round_mode, L->z_out, L->act_min, L->act_max};
    for (int part = 0; part < 2; part++) { /* whole folds, then a partial one */
        int rows = part ? (L->cout % lanes ? 1 : 0) : L->cout / lanes,
            len = part ? L->cout % lanes : lanes;
        if (!rows)
            continue;
        mica_rows_t r = {(uint32_t)(part ? L->cout / lanes : 0), (uint32_t)rows, (uint32_t)len,
                         L->out_addr + (uint32_t)(part ? L->cout / lanes * lanes : 0),
                         (uint32_t)lanes};
        mica_instr_t in;
        if (gp_emit(G, &in, mica_instr_store(b, L->name, &q, &r, 0, &in), MICA_UNIT_ARRAY))
            return -1;
    }
    mica_instr_t end;
    return mica_instr_end(&end) || mica_emit_after(b, &G->w, &end, NULL, 0, NULL);
}

static int lower_global_pool(mica_builder_t *b, const tfl_op_t *op, const mica_gemm_layer_t *L,
                             int lanes, uint64_t macs) {
    uint32_t first = mica_code_count(b);
    gpool_t G;
    memset(&G, 0, sizeof G);
    G.b = b, G.L = L;
    G.on_chip = mica_chain_in(b, op->inputs[0], &G.in_row); /* the layout of its loads */
    int nf = (L->cout + lanes - 1) / lanes;
    mica_plan_note(b,
                   "  tiling: global pool on the vector unit: %d channel fold%s of %d lanes "
                   "stacked in ASPAD, one DWCONV per input pixel (%d)\n"
                   "  buffers: ASPAD %d rows, ACC %d rows, PARAM 1 set, WSPAD 1 row (ones); stages "
                   "drained in turn\n",
                   nf, nf == 1 ? "" : "s", lanes, L->kh * L->kw, nf * L->kh * L->kw, nf);
    if (global_pool_constants(&G) || global_pool_body(&G, lanes))
        return -1;
    return mica_accel_step(b, op, L->name, first, 1, macs);
}

int mica_lower_pool(const tfl_model_t *m, const tfl_op_t *op, int idx, mica_builder_t *b) {
    int is_max = op->builtin == TFL_OP_MAX_POOL_2D;
    mica_gemm_layer_t L;
    memset(&L, 0, sizeof L);
    char name[MICA_NAME_LEN];
    snprintf(name, sizeof name, "%d_%s", idx, is_max ? "maxpool" : "avgpool");
    L.name = name;
    if (pool_shape(m, op, idx, b, &L))
        return -1;
    size_t taps = (size_t)L.kh * L.kw, ch = (size_t)L.cout,
           sets = ch > MAX_DIVISOR_SETS ? ch : MAX_DIVISOR_SETS;
    int8_t *ones = malloc(taps * ch);
    uint8_t *pixel_set = malloc((size_t)L.out_h * L.out_w);
    int32_t *mult = malloc(sizeof(int32_t) * sets), *mult_lo = malloc(sizeof(int32_t) * sets),
            *shift = malloc(sizeof(int32_t) * sets);
    int rc = -1;
    if (!ones || !pixel_set || !mult || !mult_lo || !shift) {
        snprintf(b->err, sizeof b->err, "out of memory");
        goto done;
    }
    memset(ones, 1, taps * ch);
    L.weights = ones;
    if (pool_params(b, idx, is_max, &L, pixel_set, mult, mult_lo, shift))
        goto done;
    uint64_t macs = (uint64_t)L.out_h * L.out_w * ch * taps;
    int lanes = (int)(b->hw.rows < b->hw.cols ? b->hw.rows : b->hw.cols);
    rc = global_pool_fits(b, &L, lanes) ? lower_global_pool(b, op, &L, lanes, macs)
                                        : mica_emit_gemm_step(b, op, &L, macs);
done:
    free(ones);
    free(pixel_set);
    free(mult);
    free(mult_lo);
    free(shift);
    return rc;
}
