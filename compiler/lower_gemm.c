/* CONV_2D / FULLY_CONNECTED -> LOAD / LOADW / MATMUL / STORE.
 *
 * Loop nest (all weights and parameters resident when they fit, else reloaded per output fold):
 *   for band of output rows:                 (ACC holds band_rows x out_w pixels)
 *     LOAD the band's input rows, one ASPAD block per input-channel fold
 *     for output-channel fold n:
 *       for kernel tap (kh, kw), input fold f:  LOADW tile(n, tap, f); MATMUL (accumulate after first)
 *       STORE the fold's outputs (bias, requantize, activation clamp)
 * Each tap's MATMUL addresses the input with its own offset (implicit im2col), so no im2col buffer
 * exists anywhere; out-of-image taps read as the input zero point (exact TFLite padding).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lower_gemm.h"

#define SET(in, F, v) do { if (MICA_SET(in, F, (int64_t)(v))) return field_error(b, L, #F, (int64_t)(v)); } while (0)

typedef struct {
    int cf, nf, taps;                /* input folds, output folds, kernel taps */
    int band_rows, band_in_rows_max;
    uint32_t w_addr, p_addr;         /* constants: weight tiles, parameter sets */
    int weights_resident, params_resident;
} plan_t;

static int field_error(mica_builder_t *b, const mica_gemm_layer_t *L, const char *f, int64_t v) {
    snprintf(b->err, sizeof b->err, "layer %s: value %lld does not fit instruction field %s (layer too large for this array configuration)", L->name, (long long)v, f + 7);
    return -1;
}

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

/* Input rows [y0, y1) a band of output rows [oy0, oy0 + rows) reads, clipped to the image. */
static void band_input_rows(const mica_gemm_layer_t *L, int oy0, int rows, int *y0, int *y1) {
    int first = oy0 * L->stride_h - L->pad_top;
    int last = (oy0 + rows - 1) * L->stride_h - L->pad_top + (L->kh - 1) * L->dil_h;
    *y0 = first < 0 ? 0 : first;
    *y1 = last + 1 > L->in_h ? L->in_h : last + 1;
    if (*y1 < *y0) *y1 = *y0;
}

/* Weight tiles: tile (n, tap, f) is R rows x C bytes, row r = input channel f*R + r. */
static int pack_weights(mica_builder_t *b, const mica_gemm_layer_t *L, plan_t *P) {
    int R = (int)b->hw.rows, C = (int)b->hw.cols;
    size_t tile = (size_t)R * C, n_tiles = (size_t)P->nf * P->taps * P->cf;
    int8_t *w = calloc(n_tiles, tile);
    if (!w) return -1;
    for (int n = 0; n < P->nf; n++)
        for (int t = 0; t < P->taps; t++)
            for (int f = 0; f < P->cf; f++) {
                int8_t *dst = w + (((size_t)n * P->taps + t) * P->cf + f) * tile;
                for (int r = 0; r < R && f * R + r < L->cin; r++)
                    for (int c = 0; c < C && n * C + c < L->cout; c++)
                        dst[r * C + c] = L->weights[((size_t)(n * C + c) * P->taps + t) * L->cin + f * R + r];
            }
    P->w_addr = mica_const_add(b, w, n_tiles * tile);
    free(w);
    return P->w_addr ? 0 : -1;
}

/* Parameter set n: 4 rows of C int32 (bias, multiplier, shift, low multiplier bits). */
static int pack_params(mica_builder_t *b, const mica_gemm_layer_t *L, plan_t *P) {
    int C = (int)b->hw.cols;
    int32_t *p = calloc((size_t)P->nf * 4 * C, sizeof(int32_t));
    if (!p) return -1;
    for (int n = 0; n < P->nf; n++)
        for (int c = 0; c < C && n * C + c < L->cout; c++) {
            int oc = n * C + c;
            p[(n * 4 + 0) * C + c] = L->bias ? L->bias[oc] : 0;
            p[(n * 4 + 1) * C + c] = L->mult[oc];
            p[(n * 4 + 2) * C + c] = L->shift[oc];
            p[(n * 4 + 3) * C + c] = L->mult_lo ? L->mult_lo[oc] : 0;
        }
    P->p_addr = mica_const_add(b, p, (size_t)P->nf * 4 * C * sizeof(int32_t));
    free(p);
    return P->p_addr ? 0 : -1;
}

static int make_plan(mica_builder_t *b, const mica_gemm_layer_t *L, plan_t *P) {
    const mica_hw_config_t *hw = &b->hw;
    P->cf = ceil_div(L->cin, (int)hw->rows);
    P->nf = ceil_div(L->cout, (int)hw->cols);
    P->taps = L->kh * L->kw;
    int rows = (int)hw->acc_depth / L->out_w;
    if (rows > L->out_h) rows = L->out_h;
    for (; rows > 0; rows--) {   /* largest band whose input fits ASPAD */
        int y0, y1;
        band_input_rows(L, 0, rows, &y0, &y1);
        int need = (rows - 1) * L->stride_h + (L->kh - 1) * L->dil_h + 1;
        if (need > L->in_h) need = L->in_h;
        if ((int64_t)P->cf * need * L->in_w <= (int64_t)hw->aspad_depth) break;
    }
    if (rows == 0) {
        snprintf(b->err, sizeof b->err, "layer %s: one output row (%d pixels x %d input channels) does not fit the scratchpads; width tiling is not supported yet", L->name, L->out_w, L->cin);
        return -1;
    }
    P->band_rows = rows;
    int64_t tiles_rows = (int64_t)P->taps * P->cf * hw->rows;
    if (tiles_rows > hw->wspad_depth) {
        snprintf(b->err, sizeof b->err, "layer %s: one output fold needs %lld weight rows, WSPAD has %u", L->name, (long long)tiles_rows, hw->wspad_depth);
        return -1;
    }
    P->weights_resident = tiles_rows * P->nf <= hw->wspad_depth;
    P->params_resident = P->nf <= (int)hw->param_sets;
    if (pack_weights(b, L, P) || pack_params(b, L, P)) {
        snprintf(b->err, sizeof b->err, "layer %s: out of memory for constants", L->name);
        return -1;
    }
    return 0;
}

static int emit_load(mica_builder_t *b, const mica_gemm_layer_t *L, int target, uint32_t mem_addr,
                     uint32_t rows, uint32_t len, uint32_t ext, uint32_t stride, uint32_t wait) {
    mica_instr_t in = {{0, 0}};
    SET(&in, MICA_F_OPCODE, MICA_OP_LOAD);
    SET(&in, MICA_F_WAIT, wait);
    SET(&in, MICA_F_LOAD_TARGET, target);
    SET(&in, MICA_F_LOAD_MEM_ADDR, mem_addr);
    SET(&in, MICA_F_LOAD_ROWS, rows);
    SET(&in, MICA_F_LOAD_LEN, len);
    SET(&in, MICA_F_LOAD_EXT_ADDR, ext);
    SET(&in, MICA_F_LOAD_EXT_STRIDE, stride);
    return mica_emit(b, &in);
}

static int emit_weights(mica_builder_t *b, const mica_gemm_layer_t *L, const plan_t *P, int n) {
    uint32_t C = b->hw.cols, tile_rows = (uint32_t)P->taps * P->cf * b->hw.rows;
    if (P->weights_resident)
        return n == 0 ? emit_load(b, L, 1, 0, tile_rows * P->nf, C, P->w_addr, C, MICA_UNIT_WEIGHT) : 0;
    return emit_load(b, L, 1, 0, tile_rows, C, P->w_addr + (uint32_t)n * tile_rows * C, C, MICA_UNIT_WEIGHT);
}

static int emit_params(mica_builder_t *b, const mica_gemm_layer_t *L, const plan_t *P, int n) {
    uint32_t row = 16 * b->hw.cols;   /* one set: 4 rows of C int32 */
    if (P->params_resident)
        return n == 0 ? emit_load(b, L, 2, 0, 4 * (uint32_t)P->nf, 4 * b->hw.cols, P->p_addr, 4 * b->hw.cols, MICA_UNIT_STORE) : 0;
    return emit_load(b, L, 2, 0, 4, 4 * b->hw.cols, P->p_addr + (uint32_t)n * row, 4 * b->hw.cols, MICA_UNIT_STORE);
}

/* All taps and input folds of output fold n for one band: LOADW + MATMUL pairs. */
static int emit_fold_matmuls(mica_builder_t *b, const mica_gemm_layer_t *L, const plan_t *P, int n,
                             int oy0, int rows, int y0, int y1, uint32_t band_pixels) {
    uint32_t R = b->hw.rows, tile_rows = (uint32_t)P->taps * P->cf * R;
    uint32_t w_base = P->weights_resident ? (uint32_t)n * tile_rows : 0;
    int first = 1;
    for (int t = 0; t < P->taps; t++)
        for (int f = 0; f < P->cf; f++) {
            int kh = t / L->kw, kw = t % L->kw;
            mica_instr_t w = {{0, 0}}, m = {{0, 0}};
            SET(&w, MICA_F_OPCODE, MICA_OP_LOADW);
            SET(&w, MICA_F_WAIT, MICA_UNIT_LOAD);
            SET(&w, MICA_F_LOADW_WSPAD_ADDR, w_base + ((uint32_t)t * P->cf + (uint32_t)f) * R);
            SET(&m, MICA_F_OPCODE, MICA_OP_MATMUL);
            SET(&m, MICA_F_WAIT, MICA_UNIT_LOAD | (first ? MICA_UNIT_STORE : 0));
            SET(&m, MICA_F_MATMUL_ACCUMULATE, !first);
            SET(&m, MICA_F_MATMUL_Z_IN, L->z_in);
            SET(&m, MICA_F_MATMUL_ASPAD_ADDR, (uint32_t)f * band_pixels);
            SET(&m, MICA_F_MATMUL_ACC_ADDR, 0);
            SET(&m, MICA_F_MATMUL_IN_H, y1 - y0);
            SET(&m, MICA_F_MATMUL_IN_W, L->in_w);
            SET(&m, MICA_F_MATMUL_OUT_H, rows);
            SET(&m, MICA_F_MATMUL_OUT_W, L->out_w);
            SET(&m, MICA_F_MATMUL_STRIDE_Y, L->stride_h);
            SET(&m, MICA_F_MATMUL_STRIDE_X, L->stride_w);
            SET(&m, MICA_F_MATMUL_OFF_Y, oy0 * L->stride_h - L->pad_top + kh * L->dil_h - y0);
            SET(&m, MICA_F_MATMUL_OFF_X, -L->pad_left + kw * L->dil_w);
            if (mica_emit(b, &w) || mica_emit(b, &m)) return -1;
            first = 0;
        }
    return 0;
}

static int emit_store(mica_builder_t *b, const mica_gemm_layer_t *L, const plan_t *P, int n,
                      int oy0, int rows) {
    uint32_t C = b->hw.cols;
    int len = L->cout - n * (int)C < (int)C ? L->cout - n * (int)C : (int)C;
    mica_instr_t s = {{0, 0}};
    SET(&s, MICA_F_OPCODE, MICA_OP_STORE);
    SET(&s, MICA_F_WAIT, MICA_UNIT_ARRAY | MICA_UNIT_LOAD);
    SET(&s, MICA_F_STORE_ROUND, L->round_mode);
    SET(&s, MICA_F_STORE_ACC_ADDR, 0);
    SET(&s, MICA_F_STORE_ROWS, rows * L->out_w);
    SET(&s, MICA_F_STORE_LEN, len);
    SET(&s, MICA_F_STORE_PARAM_SET, P->params_resident ? n : 0);
    SET(&s, MICA_F_STORE_EXT_ADDR, L->out_addr + ((uint32_t)oy0 * L->out_w * L->cout + (uint32_t)n * C));
    SET(&s, MICA_F_STORE_EXT_STRIDE, L->cout);
    SET(&s, MICA_F_STORE_Z_OUT, L->z_out);
    SET(&s, MICA_F_STORE_ACT_MIN, L->act_min);
    SET(&s, MICA_F_STORE_ACT_MAX, L->act_max);
    return mica_emit(b, &s);
}

static int emit_band(mica_builder_t *b, const mica_gemm_layer_t *L, const plan_t *P, int oy0, int rows) {
    uint32_t R = b->hw.rows;
    int y0, y1;
    band_input_rows(L, oy0, rows, &y0, &y1);
    uint32_t band_pixels = (uint32_t)(y1 - y0) * (uint32_t)L->in_w;
    if (band_pixels == 0) {
        snprintf(b->err, sizeof b->err, "layer %s: output rows %d.. read only padding (unsupported padding)", L->name, oy0);
        return -1;
    }
    for (int f = 0; f < P->cf; f++) {
        uint32_t len = L->cin - f * (int)R < (int)R ? (uint32_t)(L->cin - f * (int)R) : R;
        uint32_t ext = L->in_addr + (uint32_t)y0 * L->in_w * L->cin + (uint32_t)f * R;
        if (emit_load(b, L, 0, (uint32_t)f * band_pixels, band_pixels, len, ext, L->cin, MICA_UNIT_ARRAY))
            return -1;
    }
    for (int n = 0; n < P->nf; n++) {
        if (emit_weights(b, L, P, n) || emit_params(b, L, P, n) ||
            emit_fold_matmuls(b, L, P, n, oy0, rows, y0, y1, band_pixels) ||
            emit_store(b, L, P, n, oy0, rows))
            return -1;
    }
    return 0;
}

int mica_lower_gemm(mica_builder_t *b, const mica_gemm_layer_t *L, uint64_t *est_cycles) {
    plan_t P;
    memset(&P, 0, sizeof P);
    if (make_plan(b, L, &P)) return -1;
    for (int oy0 = 0; oy0 < L->out_h; oy0 += P.band_rows) {
        int rows = L->out_h - oy0 < P.band_rows ? L->out_h - oy0 : P.band_rows;
        if (emit_band(b, L, &P, oy0, rows)) return -1;
    }
    mica_instr_t end = {{0, 0}};
    SET(&end, MICA_F_OPCODE, MICA_OP_END);
    *est_cycles = 0;   /* filled from the instruction stream (cost.c) */
    return mica_emit(b, &end);
}
