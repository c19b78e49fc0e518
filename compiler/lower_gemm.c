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
#include "instr.h"
#include "waits.h"

typedef struct {
    int cf, nf, taps;                /* input folds, output folds, kernel taps */
    int nsets;                       /* PARAM sets: one per output fold, or L->nsets */
    int band_rows, nbands;
    uint32_t w_addr, p_addr;         /* constants: weight tiles, parameter sets */
    int weights_resident, params_resident;
    int aspad_bufs, acc_bufs, wspad_bufs, param_bufs;   /* 2 = double-buffered halves */
    uint32_t aspad_buf_rows, acc_buf_rows, tile_rows;   /* rows per buffer; weight rows per fold */
    int stream_input;                /* first band: load input folds one by one between MATMULs */
    int pack_kw, pack_cin, pack_left, pack_step, pack_in_w;   /* packed taps: original layer's */
    int in_fold, out_fold;           /* channels per input / output fold: R and C, or the vector lanes */
} plan_t;

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
/* Depthwise: WSPAD row (n, tap) holds the tap's weight of channels n*lanes .. (DWCONV lanes). */
static int pack_dw_weights(mica_builder_t *b, const mica_gemm_layer_t *L, plan_t *P) {
    int C = (int)b->hw.cols, lanes = P->out_fold;
    size_t rows = (size_t)P->nf * P->taps;
    int8_t *w = calloc(rows, (size_t)C);
    if (!w) return -1;
    for (int n = 0; n < P->nf; n++)
        for (int t = 0; t < P->taps; t++)
            for (int c = 0; c < lanes && n * lanes + c < L->cout; c++)
                w[((size_t)n * P->taps + t) * C + c] = L->weights[(size_t)t * L->cout + n * lanes + c];
    P->w_addr = mica_const_add(b, w, rows * C);
    free(w);
    return P->w_addr ? 0 : -1;
}

/* Per-pixel sets (L->pixel_set): set n is L->mult[n] etc. for every channel. */
static int pack_params(mica_builder_t *b, const mica_gemm_layer_t *L, plan_t *P) {
    int C = (int)b->hw.cols;
    int32_t *p = calloc((size_t)P->nsets * 4 * C, sizeof(int32_t));
    if (!p) return -1;
    for (int n = 0; n < P->nsets; n++)
        for (int c = 0; c < P->out_fold && (L->pixel_set || n * P->out_fold + c < L->cout); c++) {
            int oc = L->pixel_set ? n : n * P->out_fold + c;
            p[(n * 4 + 0) * C + c] = L->bias ? L->bias[oc] : 0;
            p[(n * 4 + 1) * C + c] = L->mult[oc];
            p[(n * 4 + 2) * C + c] = L->shift[oc];
            p[(n * 4 + 3) * C + c] = L->mult_lo ? L->mult_lo[oc] : 0;
        }
    P->p_addr = mica_const_add(b, p, (size_t)P->nsets * 4 * C * sizeof(int32_t));
    free(p);
    return P->p_addr ? 0 : -1;
}

/* Largest band of output rows whose accumulators fit acc_rows and whose input fits aspad_rows. */
static int largest_band(const mica_gemm_layer_t *L, const plan_t *P, uint32_t acc_rows, uint32_t aspad_rows) {
    int rows = (int)(acc_rows / (uint32_t)L->out_w);
    if (rows > L->out_h) rows = L->out_h;
    for (; rows > 0; rows--) {
        int need = (rows - 1) * L->stride_h + (L->kh - 1) * L->dil_h + 1;
        if (need > L->in_h) need = L->in_h;
        if ((int64_t)P->cf * need * L->in_w <= (int64_t)aspad_rows) break;
    }
    return rows;
}

/* Bands, and which memories are split into two halves so that loads and stores of one fold or
 * band overlap the MATMULs of another (double buffering). */
static int choose_buffers(mica_builder_t *b, const mica_gemm_layer_t *L, plan_t *P) {
    const mica_hw_config_t *hw = &b->hw;
    static const int split[3][2] = {{2, 2}, {2, 1}, {1, 1}};   /* (ACC, ASPAD) buffers, best first */
    int rows = 0, k;
    for (k = 0; k < 3 && rows == 0; k++)
        rows = largest_band(L, P, hw->acc_depth / (uint32_t)split[k][0], hw->aspad_depth / (uint32_t)split[k][1]);
    if (rows == 0) {
        snprintf(b->err, sizeof b->err, "layer %s: one output row (%d pixels x %d input channels) does not fit the scratchpads; width tiling is not supported yet", L->name, L->out_w, L->cin);
        return -1;
    }
    P->acc_bufs = split[k - 1][0];
    P->aspad_bufs = split[k - 1][1];
    P->band_rows = rows;
    P->nbands = ceil_div(L->out_h, rows);
    P->acc_buf_rows = hw->acc_depth / (uint32_t)P->acc_bufs;
    P->aspad_buf_rows = hw->aspad_depth / (uint32_t)P->aspad_bufs;
    int y0, y1;
    band_input_rows(L, 0, rows, &y0, &y1);
    P->stream_input = P->cf > 1 && (y1 - y0) * L->in_w >= 32;
    return 0;
}

static int make_plan(mica_builder_t *b, const mica_gemm_layer_t *L, plan_t *P) {
    const mica_hw_config_t *hw = &b->hw;
    int lanes = (int)(hw->rows < hw->cols ? hw->rows : hw->cols);
    P->in_fold = L->depthwise ? lanes : (int)hw->rows;
    P->out_fold = L->depthwise ? lanes : (int)hw->cols;
    P->cf = ceil_div(L->cin, P->in_fold);
    P->nf = ceil_div(L->cout, P->out_fold);
    P->taps = L->kh * L->kw;
    if (choose_buffers(b, L, P)) return -1;
    int64_t tiles_rows = L->depthwise ? P->taps : (int64_t)P->taps * P->cf * hw->rows;
    if (tiles_rows > hw->wspad_depth) {
        snprintf(b->err, sizeof b->err, "layer %s: one output fold needs %lld weight rows, WSPAD has %u", L->name, (long long)tiles_rows, hw->wspad_depth);
        return -1;
    }
    P->tile_rows = (uint32_t)tiles_rows;
    P->weights_resident = tiles_rows * P->nf <= hw->wspad_depth;
    P->wspad_bufs = P->weights_resident ? P->nf : 2 * tiles_rows <= hw->wspad_depth ? 2 : 1;
    P->nsets = L->pixel_set ? L->nsets : P->nf;
    P->params_resident = P->nsets <= (int)hw->param_sets;
    if (L->pixel_set && !P->params_resident) {
        snprintf(b->err, sizeof b->err, "layer %s: %d divisors need more than %u PARAM sets", L->name, L->nsets, hw->param_sets);
        return -1;
    }
    P->param_bufs = P->params_resident ? 1 : hw->param_sets >= 2 ? 2 : 1;
    if ((L->depthwise ? pack_dw_weights(b, L, P) : pack_weights(b, L, P)) || pack_params(b, L, P)) {
        snprintf(b->err, sizeof b->err, "layer %s: out of memory for constants", L->name);
        return -1;
    }
    return 0;
}

/* A queued LOAD: it fills slots [slot, slot + nslots) with its ticket when emitted. */
typedef struct { mica_instr_t in; mica_ticket_t dep, *slot; int nslots; int64_t cycles; } pending_load_t;

/* Schedule state: for every buffer, the last instruction writing it and the last reading it, so
 * each instruction can name what it must wait for (waits.h). Fold g counts output folds over all
 * bands; fold g uses ACC half g % acc_bufs. */
typedef struct {
    mica_builder_t *b;
    const mica_gemm_layer_t *L;
    const plan_t *P;
    mica_waits_t w;
    mica_ticket_t *in_load, in_read[2];        /* ASPAD buffers: per input fold [buf * cf + f]; last reader */
    mica_ticket_t acc_write[2], acc_read[2];   /* ACC halves */
    mica_ticket_t p_load[2], p_read[2];        /* PARAM buffers */
    mica_ticket_t *w_load, *w_read;            /* WSPAD buffers (one per fold when resident) */
    int in_ready, w_ready, p_ready;            /* next band's input / next fold's weights, params loaded */
    pending_load_t *pending;                   /* queued LOADs (queue_load) */
    uint32_t npending, cap;
    int64_t load_busy;                         /* estimated cycles the last released LOAD still runs */
} sched_t;

static int failed(const mica_ticket_t t) { return t.seq == 0; }

/* LOAD rows x len bytes to row byte col (the rest of each row = fill), after `dep`. */
/* LOAD rows x len bytes to row byte col (the rest of each row = fill), after `dep`. It is queued:
 * the issue is in order and a LOAD waits there until the LOAD unit is free, holding back every
 * instruction behind it, so queued loads are released one at a time as the MATMULs before them
 * are expected to have covered the previous one (drip), or at once when an instruction reads
 * their buffer (flush_for). *slot receives its ticket when it is emitted. */
static int queue_load(sched_t *S, int target, uint32_t mem_addr, uint32_t rows, uint32_t len,
                      uint32_t col, uint32_t ext, uint32_t stride, int fill, mica_ticket_t dep, mica_ticket_t *slot,
                      int nslots) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    pending_load_t q = {{{0, 0}}, dep, slot, nslots, 0};
    mica_rows_t r = {mem_addr, rows, len, ext, stride};
    if (mica_instr_load(b, L->name, (uint32_t)target, &r, col, fill, &q.in)) return -1;
    uint32_t bus = b->hw.bus_bytes;
    q.cycles = (int64_t)rows * ((len + 2 * bus - 2) / bus) + 16;   /* rough: beats, latency */
    if (S->npending == S->cap) {
        uint32_t cap = S->cap ? 2 * S->cap : 16;
        pending_load_t *n = realloc(S->pending, cap * sizeof *n);
        if (!n) { snprintf(b->err, sizeof b->err, "out of memory"); return -1; }
        S->pending = n, S->cap = cap;
    }
    S->pending[S->npending++] = q;
    return 0;
}

/* Emits the oldest queued load. */
static int release_load(sched_t *S) {
    pending_load_t q = S->pending[0];
    memmove(S->pending, S->pending + 1, (S->npending - 1) * sizeof *S->pending);
    S->npending--;
    S->load_busy = q.cycles;
    if (mica_emit_after(S->b, &S->w, &q.in, &q.dep, 1, q.slot)) return -1;
    for (int i = 1; i < q.nslots; i++) q.slot[i] = q.slot[0];
    return 0;
}

/* Emits queued loads up to the last one that writes *slot (its reader comes next). */
static int flush_for(sched_t *S, const mica_ticket_t *slot) {
    int last = -1;
    for (uint32_t i = 0; i < S->npending; i++)
        if (!slot || (slot >= S->pending[i].slot && slot < S->pending[i].slot + S->pending[i].nslots)) last = (int)i;
    for (int i = 0; i <= last; i++)
        if (release_load(S)) return -1;
    /* A reader that will wait for a LOAD waits for all of them: the LOAD unit is free after it. */
    if (!slot || slot->seq > S->w.finished[__builtin_ctz(MICA_UNIT_LOAD)]) S->load_busy = 0;
    return 0;
}

/* After a MATMUL/DWCONV of T pixels: the next queued load once the last one should be done. */
static int drip(sched_t *S, uint32_t T) {
    S->load_busy -= T;
    return S->npending && S->load_busy <= 0 ? release_load(S) : 0;
}

static int band_rows_of(const mica_gemm_layer_t *L, const plan_t *P, int band) {
    int left = L->out_h - band * P->band_rows;
    return left < P->band_rows ? left : P->band_rows;
}

static int wbuf_of(const plan_t *P, int g) { return P->weights_resident ? g % P->nf : g % P->wspad_bufs; }
static int weights_needed(const plan_t *P, int g) { return !P->weights_resident || g < P->nf; }

/* Weight tiles of fold g into their WSPAD buffer. */
static int load_weights(sched_t *S, int g) {
    const plan_t *P = S->P;
    uint32_t C = S->b->hw.cols, n = (uint32_t)(g % P->nf);
    int buf = wbuf_of(P, g);
    return queue_load(S, MICA_LOAD_TARGET_WSPAD, (uint32_t)buf * P->tile_rows, P->tile_rows, C, 0,
                      P->w_addr + n * P->tile_rows * C, C, 0, S->w_read[buf], &S->w_load[buf], 1);
}

/* Parameter sets: all at once when resident, else fold g's set into PARAM buffer g % 2. */
static int load_params(sched_t *S, int g) {
    const plan_t *P = S->P;
    uint32_t row = 4 * S->b->hw.cols, sets = P->params_resident ? (uint32_t)P->nsets : 1;
    uint32_t n = P->params_resident ? 0 : (uint32_t)(g % P->nf);
    int buf = g % P->param_bufs;
    return queue_load(S, MICA_LOAD_TARGET_PARAM, 4 * (uint32_t)buf, 4 * sets, row, 0, P->p_addr + n * 4 * row, row, 0, S->p_read[buf],
                      &S->p_load[buf], 1);
}

/* Packed taps: ASPAD row of packed pixel (y, p) holds the input pixels x = p*step - pad_left + j,
 * j < kw, all channels (lane j*cin + c), so one MATMUL covers a whole kernel row. With stride 1
 * the packed grid is the input grid and rows overlap in memory (ext_stride = cin), so one LOAD
 * writes the band; with a larger stride only the pixels the output reads are packed (one LOAD per
 * input row). Each window crossing the image's left or right edge is then rewritten with its part
 * inside and the input zero point around it (LOAD col/fill): exactly TFLite's padding. */
static int load_input_packed(sched_t *S, int band, uint32_t base, int y0, int y1, mica_ticket_t prev) {
    const mica_gemm_layer_t *L = S->L;   /* the packed layer: in_w = packed grid width */
    const plan_t *P = S->P;
    int kw = P->pack_kw, cin = P->pack_cin, left = P->pack_left, step = P->pack_step, W = P->pack_in_w;
    int PW = L->in_w, buf = band % P->aspad_bufs;
    uint32_t row0 = L->in_addr + (uint32_t)(y0 * W * cin);
    int p_lo = (left + step - 1) / step, p_hi = (W - kw + left) / step;   /* windows inside a row */
    if (p_hi >= PW) p_hi = PW - 1;
    for (int y = 0; y < y1 - y0 && p_hi >= p_lo; y++) {
        int p0 = y * PW + p_lo, n = p_hi - p_lo + 1;
        if (step == 1 && y == 0) n = (y1 - y0 - 1) * PW + n;   /* rows continue in memory */
        if (queue_load(S, MICA_LOAD_TARGET_ASPAD, base + (uint32_t)p0, (uint32_t)n, (uint32_t)(kw * cin), 0,
                       row0 + (uint32_t)((y * W + p_lo * step - left) * cin), (uint32_t)(step * cin), L->z_in, prev,
                       &S->in_load[buf * P->cf], 1))
            return -1;
        if (step == 1) break;
    }
    for (int y = 0; y < y1 - y0; y++)
        for (int p = 0; p < L->out_w; p++) {
            int lo = p * step - left, hi = lo + kw, a = lo < 0 ? 0 : lo, e = hi > W ? W : hi;
            if (lo >= 0 && hi <= W) continue;
            if (queue_load(S, MICA_LOAD_TARGET_ASPAD, base + (uint32_t)(y * PW + p), 1, (uint32_t)((e - a) * cin),
                           (uint32_t)((a - lo) * cin), row0 + (uint32_t)((y * W + a) * cin), 0, L->z_in, prev,
                           &S->in_load[buf * P->cf], 1))
                return -1;
        }
    return 0;
}

/* Input folds [f0, f1) of band `band` (output rows from oy0) into ASPAD buffer band % aspad_bufs. */
static int load_input(sched_t *S, int band, int f0, int f1) {
    const mica_gemm_layer_t *L = S->L;
    const plan_t *P = S->P;
    uint32_t R = (uint32_t)P->in_fold;
    int buf = band % P->aspad_bufs, y0, y1;
    band_input_rows(L, band * P->band_rows, band_rows_of(L, P, band), &y0, &y1);
    uint32_t pixels = (uint32_t)(y1 - y0) * (uint32_t)L->in_w;
    mica_ticket_t prev = band == 0 ? (mica_ticket_t){0, 0} : S->in_read[buf];   /* reader of the last band here */
    uint32_t base = (uint32_t)buf * P->aspad_buf_rows, ext0 = L->in_addr + (uint32_t)y0 * L->in_w * L->cin;
    if (P->pack_kw) return load_input_packed(S, band, base, y0, y1, prev);
    for (int f = f0; f < f1;) {
        uint32_t len = L->cin - f * (int)R < (int)R ? (uint32_t)(L->cin - f * (int)R) : R;   /* R: fold width */
        /* One pixel (FULLY_CONNECTED): its full folds are consecutive rows of one LOAD. */
        int nrows = 1;
        if (pixels == 1 && len == R)
            while (f + nrows < f1 && (f + nrows + 1) * (int)R <= L->cin) nrows++;
        mica_ticket_t *slot = &S->in_load[buf * P->cf + f];
        int rc = pixels == 1
            ? queue_load(S, MICA_LOAD_TARGET_ASPAD, base + (uint32_t)f, (uint32_t)nrows, len, 0, ext0 + (uint32_t)f * R, R, 0, prev, slot, nrows)
            : queue_load(S, MICA_LOAD_TARGET_ASPAD, base + (uint32_t)f * pixels, pixels, len, 0, ext0 + (uint32_t)f * R, L->cin, 0, prev, slot, 1);
        if (rc) return -1;
        f += nrows;
    }
    return 0;
}

/* Loads issued while fold g computes, for the fold and band after it: they are placed after the
 * fold's last input fold has started, so no MATMUL of this fold waits for them. The next band's
 * input goes last and only from a fold after which this band loads nothing more, because the
 * LOADW that waits for the next fold's weights waits for every earlier LOAD. */
static int prefetch(sched_t *S, int band, int n, int g) {
    const plan_t *P = S->P;
    int next = g + 1, last_g = P->nbands * P->nf - 1;
    if (g == 0 && P->params_resident && load_params(S, 0)) return -1;   /* first needed by STORE 0 */
    if (next <= last_g && !P->params_resident && P->param_bufs == 2) {
        if (load_params(S, next)) return -1;
        S->p_ready = 1;
    }
    if (next <= last_g && weights_needed(P, next) && (P->weights_resident || P->wspad_bufs == 2)) {
        if (load_weights(S, next)) return -1;
        S->w_ready = 1;
    }
    int input_fold = (P->weights_resident && band > 0) ? 0 : P->nf - 1;
    if (band + 1 < P->nbands && P->aspad_bufs == 2 && n == input_fold) {
        if (load_input(S, band + 1, 0, P->cf)) return -1;
        S->in_ready = 1;
    }
    return 0;
}

static mica_ticket_t emit_matmul(sched_t *S, int band, int f_in, int t, uint32_t acc_addr, int first,
                                 const mica_ticket_t *deps, int ndeps) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const plan_t *P = S->P;
    mica_ticket_t bad = {0, 0};
    int rows = band_rows_of(L, P, band), oy0 = band * P->band_rows, y0, y1, kh = t / L->kw, kw = t % L->kw;
    band_input_rows(L, oy0, rows, &y0, &y1);
    uint32_t pixels = (uint32_t)(y1 - y0) * (uint32_t)L->in_w;
    mica_matmul_fields_t f = {
        .accumulate = (uint32_t)!first, .z_in = L->z_in,
        .aspad_addr = (uint32_t)(band % P->aspad_bufs) * P->aspad_buf_rows + (uint32_t)f_in * pixels,
        .acc_addr = acc_addr, .in_h = (uint32_t)(y1 - y0), .in_w = (uint32_t)L->in_w,
        .out_h = (uint32_t)rows, .out_w = (uint32_t)L->out_w,
        .stride_y = (uint32_t)L->stride_h, .stride_x = (uint32_t)L->stride_w,
        .off_y = oy0 * L->stride_h - L->pad_top + kh * L->dil_h - y0, .off_x = -L->pad_left + kw * L->dil_w};
    mica_instr_t m;
    int fail;
    if (L->depthwise) {   /* DWCONV: MATMUL's fields and the mode */
        mica_dwconv_fields_t d = {f.wait, f.accumulate, f.z_in, f.aspad_addr, f.acc_addr, f.in_h, f.in_w, f.out_h,
                                  f.out_w, f.stride_y, f.stride_x, f.off_y, f.off_x,
                                  L->vec_max ? MICA_DWCONV_MODE_MAXIMUM : MICA_DWCONV_MODE_MAC};
        fail = MICA_ENCODE(b, L->name, dwconv, &d, &m);
    } else {
        fail = MICA_ENCODE(b, L->name, matmul, &f, &m);
    }
    mica_ticket_t self = bad;
    if (!fail) mica_emit_after(b, &S->w, &m, deps, ndeps, &self);
    return self;
}

/* All taps and input folds of output fold n (global fold g) of a band: LOADW + MATMUL pairs; a
 * depthwise fold reads only its own channels: LOADW vector + DWCONV per tap. */
static int emit_fold_matmuls(sched_t *S, int band, int n, int g) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const plan_t *P = S->P;
    mica_ticket_t bad = {0, 0};
    int abuf = band % P->aspad_bufs, hbuf = g % P->acc_bufs, wb = wbuf_of(P, g);
    uint32_t acc0 = (uint32_t)hbuf * P->acc_buf_rows, dw = (uint32_t)L->depthwise;
    int f_lo = dw ? n : 0, f_hi = dw ? n + 1 : P->cf;
    for (int f = f_lo; f < f_hi; f++)
        for (int t = 0; t < P->taps; t++) {
            int first = f == f_lo && t == 0;
            uint32_t row = dw ? (uint32_t)t : ((uint32_t)t * P->cf + (uint32_t)f) * b->hw.rows;
            if (!(L->pool && t > 0)) {   /* a pool's taps all use the same vector weights */
                mica_loadw_fields_t lf = {.vector = dw ? MICA_LOADW_VECTOR_ROW : MICA_LOADW_VECTOR_TILE,
                                          .wspad_addr = (uint32_t)wb * P->tile_rows + row};
                mica_instr_t w;
                int fail = MICA_ENCODE(b, L->name, loadw, &lf, &w);
                if (flush_for(S, &S->w_load[wb])) return -1;
                S->w_read[wb] = bad;
                if (!fail) mica_emit_after(b, &S->w, &w, &S->w_load[wb], 1, &S->w_read[wb]);
                if (failed(S->w_read[wb])) return -1;
            }
            mica_ticket_t *in_slot = &S->in_load[abuf * P->cf + f];
            if (flush_for(S, in_slot)) return -1;
            mica_ticket_t deps[2] = {*in_slot, S->acc_read[hbuf]};   /* input fold; ACC half free */
            mica_ticket_t mm = emit_matmul(S, band, f, t, acc0, first, deps, first ? 2 : 1);
            if (failed(mm)) return -1;
            S->in_read[abuf] = S->acc_write[hbuf] = mm;
            uint32_t T = (uint32_t)band_rows_of(L, P, band) * (uint32_t)L->out_w, lw = dw ? 2 : b->hw.rows + 1;
            if (drip(S, T > lw ? T : lw)) return -1;   /* a MATMUL takes T cycles, or its LOADW's */
            if (t != 0) continue;
            int streaming = P->stream_input && band == 0 && (dw || n == 0);
            if (streaming && f + 1 < P->cf && load_input(S, 0, f + 1, f + 2)) return -1;
            if ((streaming && !dw ? f == P->cf - 1 : f == f_lo) && prefetch(S, band, n, g)) return -1;
        }
    return 0;
}

/* STORE of band pixels [m0, m0 + count) of fold n with PARAM set pset. */
static int store_run(sched_t *S, int band, int n, int g, int m0, int count, int pset) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const plan_t *P = S->P;
    uint32_t C = (uint32_t)P->out_fold;
    int len = L->cout - n * (int)C < (int)C ? L->cout - n * (int)C : (int)C;
    int hbuf = g % P->acc_bufs, pbuf = g % P->param_bufs;
    uint32_t pixel0 = (uint32_t)(band * P->band_rows * L->out_w + m0);
    mica_ticket_t bad = {0, 0};
    mica_requant_t q = {L->round_mode, L->z_out, L->act_min, L->act_max};
    mica_rows_t r = {(uint32_t)hbuf * P->acc_buf_rows + (uint32_t)m0, (uint32_t)count, (uint32_t)len,
                     L->out_addr + (pixel0 * (uint32_t)L->cout + (uint32_t)n * C), (uint32_t)L->cout};
    mica_instr_t s;
    int fail = mica_instr_store(b, L->name, &q, &r, (uint32_t)pset, &s);
    if (flush_for(S, &S->p_load[pbuf])) return -1;
    mica_ticket_t deps[2] = {S->acc_write[hbuf], S->p_load[pbuf]};
    mica_ticket_t st = bad;
    if (!fail) mica_emit_after(b, &S->w, &s, deps, 2, &st);
    S->acc_read[hbuf] = S->p_read[pbuf] = st;
    return failed(st) ? -1 : 0;
}

/* The fold's outputs: one STORE, or with per-pixel PARAM sets one per run of equal sets in a row. */
static int emit_store(sched_t *S, int band, int n, int g) {
    const mica_gemm_layer_t *L = S->L;
    const plan_t *P = S->P;
    int rows = band_rows_of(L, P, band);
    if (!L->pixel_set) return store_run(S, band, n, g, 0, rows * L->out_w, P->params_resident ? n : g % P->param_bufs);
    const uint8_t *set = L->pixel_set + (size_t)band * P->band_rows * L->out_w;
    for (int m = 0, m0 = 0; m < rows * L->out_w; m++)
        if ((m + 1) % L->out_w == 0 || set[m + 1] != set[m]) {
            if (store_run(S, band, n, g, m0, m + 1 - m0, set[m])) return -1;
            m0 = m + 1;
        }
    return 0;
}

/* Loads a fold needs that no earlier fold prefetched, its MATMULs, its STORE. */
static int emit_fold(sched_t *S, int band, int n) {
    const plan_t *P = S->P;
    int g = band * P->nf + n;
    if (n == 0 && !S->in_ready) {
        int y0, y1;
        band_input_rows(S->L, band * P->band_rows, band_rows_of(S->L, P, band), &y0, &y1);
        if (y1 == y0) {
            snprintf(S->b->err, sizeof S->b->err, "layer %s: output rows %d.. read only padding (unsupported padding)", S->L->name, band * P->band_rows);
            return -1;
        }
        if (load_input(S, band, 0, band == 0 && P->stream_input ? 1 : P->cf)) return -1;
    }
    if (weights_needed(P, g) && !S->w_ready && load_weights(S, g)) return -1;
    if (!P->params_resident && !S->p_ready && load_params(S, g)) return -1;
    if (n == 0) S->in_ready = 0;
    S->w_ready = S->p_ready = 0;
    return emit_fold_matmuls(S, band, n, g) || emit_store(S, band, n, g) ? -1 : 0;
}

/* Few input channels (first layers: 1 or 3): pack a kernel row's taps into the array rows. The
 * weights need no repacking: [cout][kh][kw][cin] is [cout][kh][1][kw*cin]. */
static int pack_taps(const mica_gemm_layer_t *L, uint32_t R, mica_gemm_layer_t *packed, plan_t *P) {
    int right = (L->out_w - 1) * L->stride_w + L->kw - L->pad_left - L->in_w;
    if (L->depthwise || L->kw < 2 || L->dil_w != 1 || (uint32_t)(L->kw * L->cin) > R || L->pad_left >= L->kw || right >= L->kw ||
        (L->out_w - 1) * L->stride_w >= L->in_w)
        return 0;
    *packed = *L;
    packed->cin = L->kw * L->cin;
    packed->kw = 1;
    packed->pad_left = 0;
    packed->in_w = L->stride_w == 1 ? L->in_w : L->out_w;   /* packed grid: only what is read */
    packed->stride_w = 1;
    P->pack_kw = L->kw, P->pack_cin = L->cin, P->pack_left = L->pad_left;
    P->pack_step = L->stride_w, P->pack_in_w = L->in_w;
    return 1;
}

int mica_lower_gemm(mica_builder_t *b, const mica_gemm_layer_t *L0, uint64_t *est_cycles) {
    plan_t P;
    memset(&P, 0, sizeof P);
    mica_gemm_layer_t packed;
    const mica_gemm_layer_t *L = pack_taps(L0, b->hw.rows, &packed, &P) ? &packed : L0;
    if (make_plan(b, L, &P)) return -1;
    sched_t S;
    memset(&S, 0, sizeof S);
    S.b = b, S.L = L, S.P = &P;
    S.w_load = calloc(2 * (size_t)P.wspad_bufs + 2 * (size_t)P.cf, sizeof *S.w_load);
    if (!S.w_load) {
        snprintf(b->err, sizeof b->err, "layer %s: out of memory", L->name);
        return -1;
    }
    S.w_read = S.w_load + P.wspad_bufs;
    S.in_load = S.w_read + P.wspad_bufs;   /* one allocation */
    int rc = 0;
    for (int band = 0; band < P.nbands && !rc; band++)
        for (int n = 0; n < P.nf && !rc; n++)
            rc = emit_fold(&S, band, n);
    if (!rc) rc = flush_for(&S, NULL);
    free(S.w_load);
    free(S.pending);
    if (rc) return -1;
    mica_instr_t end;
    if (mica_instr_end(&end) || mica_emit_after(b, &S.w, &end, NULL, 0, NULL))
        return -1;
    *est_cycles = 0;   /* filled from the instruction stream (cost.c) */
    return 0;
}
