/* Pass 3 of a convolution-shaped layer: emission. The constants (weight tiles, PARAM sets) and
 * every instruction the schedule (lower_gemm.c) asks for, built through the typed encoders
 * (instr.c) with the tickets that name what each reads and overwrites (waits.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gemm_sched.h"
#include "instr.h"

static int failed(const mica_ticket_t t) {
    return t.seq == 0;
}

/* Weight tiles: tile (n, tap, f) is R rows x C bytes, row r = input channel f*R + r. */
static int pack_weights(mica_sched_t *S) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    int R = (int)b->hw.rows, C = (int)b->hw.cols;
    size_t tile = (size_t)R * C, n_tiles = (size_t)P->nf * P->taps * P->cf;
    int8_t *w = calloc(n_tiles, tile);
    if (!w)
        return -1;
    for (int n = 0; n < P->nf; n++)
        for (int t = 0; t < P->taps; t++)
            for (int f = 0; f < P->cf; f++) {
                int8_t *dst = w + (((size_t)n * P->taps + t) * P->cf + f) * tile;
                for (int r = 0; r < R && f * R + r < L->cin; r++)
                    for (int c = 0; c < C && n * C + c < L->cout; c++)
                        dst[r * C + c] = mica_gemm_weight(L, P, n * C + c, t, f * R + r);
            }
    S->w_addr = mica_const_add(b, w, n_tiles * tile);
    free(w);
    return S->w_addr ? 0 : -1;
}

/* Depthwise: WSPAD row (n, tap) holds the tap's weight of channels n*lanes .. (DWCONV lanes). */
static int pack_dw_weights(mica_sched_t *S) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    int C = (int)b->hw.cols, lanes = P->out_fold;
    size_t rows = (size_t)P->nf * P->taps;
    int8_t *w = calloc(rows, (size_t)C);
    if (!w)
        return -1;
    for (int n = 0; n < P->nf; n++)
        for (int t = 0; t < P->taps; t++)
            for (int c = 0; c < lanes && n * lanes + c < L->cout; c++)
                w[((size_t)n * P->taps + t) * C + c] =
                    L->weights[(size_t)t * (P->pair_c ? P->pair_c : L->cout) +
                               mica_gemm_channel(P, n * lanes + c)];
    S->w_addr = mica_const_add(b, w, rows * C);
    free(w);
    return S->w_addr ? 0 : -1;
}

/* Parameter set n: 4 rows of C int32 (bias, multiplier, shift, low multiplier bits); with per-pixel
 * sets (L->pixel_set) set n is L->mult[n] etc. for every channel. */
static int pack_params(mica_sched_t *S) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    int C = (int)b->hw.cols;
    int32_t *p = calloc((size_t)P->nsets * MICA_PARAM_ROWS * C, sizeof(int32_t));
    if (!p)
        return -1;
    for (int n = 0; n < P->nsets; n++)
        for (int c = 0; c < P->out_fold && (L->pixel_set || n * P->out_fold + c < L->cout); c++) {
            int oc = L->pixel_set ? n : mica_gemm_channel(P, n * P->out_fold + c);
            mica_param_lane(p + (size_t)n * MICA_PARAM_ROWS * C, (uint32_t)C, (uint32_t)c,
                            L->bias ? L->bias[oc] : 0, L->mult[oc], L->shift[oc],
                            L->mult_lo ? L->mult_lo[oc] : 0);
        }
    S->p_addr = mica_const_add(b, p, (size_t)P->nsets * MICA_PARAM_ROWS * C * sizeof(int32_t));
    free(p);
    return S->p_addr ? 0 : -1;
}

int mica_gemm_constants(mica_sched_t *S) {
    if ((S->L->depthwise ? pack_dw_weights(S) : pack_weights(S)) || pack_params(S)) {
        snprintf(S->b->err, sizeof S->b->err, "layer %s: out of memory for constants", S->L->name);
        return -1;
    }
    return 0;
}

/* LOAD rows x len bytes to row byte col (the rest of each row = fill), after `dep`. It is queued:
 * the issue is in order and a LOAD waits there until the LOAD unit is free, holding back every
 * instruction behind it, so queued loads are released one at a time as the MATMULs before them
 * are expected to have covered the previous one (drip), or at once when an instruction reads
 * their buffer (flush_for). *slot receives its ticket when it is emitted. */
int mica_gemm_queue_load(mica_sched_t *S, int target, uint32_t mem_addr, uint32_t rows,
                         uint32_t len, uint32_t col, uint32_t ext, uint32_t stride, int fill,
                         mica_ticket_t dep, mica_ticket_t *slot, int nslots) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    pending_load_t q = {{{0, 0}}, dep, slot, nslots, 0};
    mica_rows_t r = {mem_addr, rows, len, ext, stride};
    if (mica_instr_load(b, L->name, (uint32_t)target, &r, col, fill, &q.in))
        return -1;
    uint32_t bus = b->hw.bus_bytes;
    q.cycles = (int64_t)rows * ((len + 2 * bus - 2) / bus) + 16; /* rough: beats, latency */
    if (S->npending == S->cap) {
        uint32_t cap = S->cap ? 2 * S->cap : 16;
        pending_load_t *n = realloc(S->pending, cap * sizeof *n);
        if (!n) {
            snprintf(b->err, sizeof b->err, "out of memory");
            return -1;
        }
        S->pending = n, S->cap = cap;
    }
    S->pending[S->npending++] = q;
    return 0;
}

/* Emits the oldest queued load. */
static int release_load(mica_sched_t *S) {
    pending_load_t q = S->pending[0];
    memmove(S->pending, S->pending + 1, (S->npending - 1) * sizeof *S->pending);
    S->npending--;
    S->load_busy = q.cycles;
    if (mica_emit_after(S->b, &S->w, &q.in, &q.dep, 1, q.slot))
        return -1;
    for (int i = 1; i < q.nslots; i++)
        q.slot[i] = q.slot[0];
    return 0;
}

/* Emits queued loads up to the last one that writes *slot (its reader comes next). */
int mica_gemm_flush_for(mica_sched_t *S, const mica_ticket_t *slot) {
    int last = -1;
    for (uint32_t i = 0; i < S->npending; i++)
        if (!slot ||
            (slot >= S->pending[i].slot && slot < S->pending[i].slot + S->pending[i].nslots))
            last = (int)i;
    for (int i = 0; i <= last; i++)
        if (release_load(S))
            return -1;
    /* A reader that will wait for a LOAD waits for all of them: the LOAD unit is free after it. */
    if (!slot || slot->seq > S->w.finished[__builtin_ctz(MICA_UNIT_LOAD)])
        S->load_busy = 0;
    return 0;
}

/* After a MATMUL/DWCONV of T pixels: the next queued load once the last one should be done, or
 * (P->drip_all) every queued load the T cycles should reach, each after the one before. */
int mica_gemm_drip(mica_sched_t *S, uint32_t T) {
    S->load_busy -= T;
    if (!S->P->drip_all)
        return S->npending && S->load_busy <= 0 ? release_load(S) : 0;
    while (S->npending && S->load_busy <= 0) { /* each once the one before should be done */
        int64_t left = S->load_busy;           /* cycles of T after the last released load */
        if (release_load(S))
            return -1;
        S->load_busy += left;
    }
    return 0;
}

/* Chunks of the split last weight load, in tiles from the end: 1, 2, 4, .. (the MATMULs of one
 * chunk take about half the bus time of the next, so the bus stays busy while the chunk the
 * LOADWs wait for shrinks to one tile); what is left goes first, or into the largest chunk when
 * it is less than half of that. MICA_SPLIT_EVEN: equal chunks of the fewest tiles, so the first
 * LOADW need not wait for most of the load either. */
static void split_tail(mica_sched_t *S, int buf, uint32_t rows) {
    uint32_t R = S->b->hw.rows, tiles = rows / R, size[MICA_GEMM_TAIL_MAX];
    int n = 0;
    if (S->P->split_tail == MICA_SPLIT_EVEN) { /* a lone fold: its head is as exposed as its tail */
        uint32_t per = (tiles + MICA_GEMM_TAIL_MAX - 1) / MICA_GEMM_TAIL_MAX;
        for (uint32_t left = tiles; left; left -= size[n++])
            size[n] = per < left ? per : left;
    }
    for (uint32_t left = n ? 0 : tiles, s = 1; left; s *= 2) {
        size[n] = s < left ? s : left;
        left -= size[n++];
        if (left && (left < s || n == MICA_GEMM_TAIL_MAX - 1)) {
            if (left < size[n - 1] / 2)
                size[n - 1] += left;
            else
                size[n++] = left;
            break;
        }
    }
    S->ntail = n, S->tail_wb = buf, S->tail_row[0] = 0;
    for (int k = 0; k < n; k++) /* size[] runs from the end */
        S->tail_row[k + 1] = S->tail_row[k] + size[n - 1 - k] * R;
}

/* Weight tiles of the fold group starting at fold g into their WSPAD buffer: one LOAD, or the
 * layer's last as chunks. */
int mica_gemm_load_weights(mica_sched_t *S, int g) {
    const mica_gemm_plan_t *P = S->P;
    int n = g % P->nf, folds = P->nf - n < P->wgroup ? P->nf - n : P->wgroup;
    int buf = mica_gemm_wbuf(P, g);
    uint32_t C = S->b->hw.cols, rows = (uint32_t)folds * P->tile_rows;
    uint32_t dst = (uint32_t)buf * P->tile_rows * (uint32_t)P->wgroup,
             src = S->w_addr + (uint32_t)n * P->tile_rows * C;
    int last = n + folds == P->nf && (P->weights_resident || g / P->nf == P->nbands - 1);
    /* one R x C weight tile; a depthwise fold's taps */
    uint32_t tile = S->L->depthwise ? P->tile_rows : S->b->hw.rows;
    if (P->split_head && g == 0 && !last && rows > tile) {
        S->nhead = 2, S->head_wb = buf, S->head_rows = tile;
        return mica_gemm_queue_load(S, MICA_LOAD_TARGET_WSPAD, dst, tile, C, 0, src, C, 0,
                                    S->w_read[buf], &S->head_load[0], 1) ||
               mica_gemm_queue_load(S, MICA_LOAD_TARGET_WSPAD, dst + tile, rows - tile, C, 0,
                                    src + tile * C, C, 0, S->w_read[buf], &S->head_load[1], 1);
    }
    if (buf == S->head_wb)
        S->nhead = 0; /* the buffer's next contents: one load */
    if (!P->split_tail || S->L->depthwise || !last)
        return mica_gemm_queue_load(S, MICA_LOAD_TARGET_WSPAD, dst, rows, C, 0, src, C, 0,
                                    S->w_read[buf], &S->w_load[buf], 1);
    split_tail(S, buf, rows);
    for (int k = 0; k < S->ntail; k++) {
        uint32_t r0 = S->tail_row[k];
        if (mica_gemm_queue_load(S, MICA_LOAD_TARGET_WSPAD, dst + r0, S->tail_row[k + 1] - r0, C, 0,
                                 src + r0 * C, C, 0, S->w_read[buf], &S->tail_load[k], 1))
            return -1;
    }
    return 0;
}

/* The ticket slot of the load that writes row `row` of WSPAD buffer wb. */
static mica_ticket_t *weight_slot(mica_sched_t *S, int wb, uint32_t row) {
    for (int k = 0; S->ntail && wb == S->tail_wb && k < S->ntail; k++)
        if (row < S->tail_row[k + 1])
            return &S->tail_load[k];
    if (S->nhead && wb == S->head_wb)
        return &S->head_load[row >= S->head_rows];
    return &S->w_load[wb];
}

/* The ticket slot of the load of PARAM set `set` (resident chunks alternate between the two). */
int mica_gemm_param_slot(const mica_gemm_plan_t *P, int set, int g) {
    if (P->params_resident)
        return P->param_chunk ? (set / P->param_chunk) % 2 : 0;
    return g % P->param_bufs;
}

/* PARAM rows a LOAD of `sets` consecutive sets writes: all but the last set's low multiplier
 * bits (row 3) when the layer's STOREs do not round REAL, the one mode that reads that row (the
 * other sets' rows 3 lie between and come along): a bus beat less per 8 bytes of lanes. */
static uint32_t param_load_rows(const mica_gemm_layer_t *L, uint32_t sets) {
    return MICA_PARAM_ROWS * sets - (L->round_mode == MICA_STORE_ROUND_REAL ? 0u : 1u);
}

/* Parameter sets: when resident all at once, or (P->param_chunk) the chunk starting at set g,
 * each into its own rows; else fold g's set into PARAM buffer g % 2. */
int mica_gemm_load_params(mica_sched_t *S, int g) {
    const mica_gemm_plan_t *P = S->P;
    uint32_t row = MICA_PARAM_ROWS * S->b->hw.cols;
    if (P->params_resident) {
        uint32_t first = P->param_chunk ? (uint32_t)g : 0, left = (uint32_t)P->nsets - first;
        uint32_t sets =
            P->param_chunk && (uint32_t)P->param_chunk < left ? (uint32_t)P->param_chunk : left;
        S->p_sets = (int)(first + sets);
        /* resident rows: only a first pass (gemm_rowpack.c, set 0) read them before, not the
         * layer's own STOREs, which read other sets (no false wait on the slot's last reader) */
        return mica_gemm_queue_load(S, MICA_LOAD_TARGET_PARAM, MICA_PARAM_ROWS * first,
                                    param_load_rows(S->L, sets), row, 0,
                                    S->p_addr + first * MICA_PARAM_ROWS * row, row, 0, S->pre_store,
                                    &S->p_load[mica_gemm_param_slot(P, g, g)], 1);
    }
    uint32_t n = (uint32_t)(g % P->nf);
    int buf = g % P->param_bufs;
    return mica_gemm_queue_load(
        S, MICA_LOAD_TARGET_PARAM, MICA_PARAM_ROWS * (uint32_t)buf, param_load_rows(S->L, 1), row,
        0, S->p_addr + n * MICA_PARAM_ROWS * row, row, 0, S->p_read[buf], &S->p_load[buf], 1);
}

/* Packed taps: ASPAD row of packed pixel (y, p) holds the input pixels x = p*step - pad_left + j,
 * j < kw, all channels (lane j*cin + c), so one MATMUL covers a whole kernel row. With stride 1
 * the packed grid is the input grid and rows overlap in memory (ext_stride = cin); with a larger
 * stride only the pixels the output reads are packed. When the packed grid spans the image row
 * (width = packed width x stride) packed rows continue from one input row to the next, so one LOAD
 * writes the band (else one LOAD per input row). Each window crossing the image's left or right
 * edge is then rewritten with its part inside and the input zero point around it (LOAD col/fill):
 * exactly TFLite's padding. */
static int load_input_packed(mica_sched_t *S, int band, uint32_t base, int y0, int y1,
                             mica_ticket_t prev) {
    const mica_gemm_layer_t *L = S->L; /* the packed layer: in_w = packed grid width */
    const mica_gemm_plan_t *P = S->P;
    int kw = P->pack_kw, cin = P->pack_cin, left = P->pack_left, step = P->pack_step,
        W = P->pack_in_w;
    int PW = L->in_w, buf = band % P->aspad_bufs;
    uint32_t row0 = L->in_addr + (uint32_t)(y0 * W * cin);
    int p_lo = (left + step - 1) / step, p_hi = (W - kw + left) / step; /* windows inside a row */
    if (p_hi >= PW)
        p_hi = PW - 1;
    for (int y = 0; y < y1 - y0 && p_hi >= p_lo; y++) {
        int p0 = y * PW + p_lo, n = p_hi - p_lo + 1;
        int continuous = W == PW * step; /* packed row y*PW + p at (y*PW + p)*step - left */
        if (continuous && y == 0)
            n = (y1 - y0 - 1) * PW + n; /* rows continue in memory */
        if (mica_gemm_queue_load(
                S, MICA_LOAD_TARGET_ASPAD, base + (uint32_t)p0, (uint32_t)n, (uint32_t)(kw * cin),
                0, row0 + (uint32_t)((y * W + p_lo * step - left) * cin), (uint32_t)(step * cin),
                L->z_in, prev, &S->in_load[buf * P->cf], 1))
            return -1;
        if (continuous)
            break;
    }
    for (int y = 0; y < y1 - y0; y++)
        for (int p = 0; p < L->out_w; p++) {
            int lo = p * step - left, hi = lo + kw, a = lo < 0 ? 0 : lo, e = hi > W ? W : hi;
            if (lo >= 0 && hi <= W)
                continue;
            if (mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD, base + (uint32_t)(y * PW + p), 1,
                                     (uint32_t)((e - a) * cin), (uint32_t)((a - lo) * cin),
                                     row0 + (uint32_t)((y * W + a) * cin), 0, L->z_in, prev,
                                     &S->in_load[buf * P->cf], 1))
                return -1;
        }
    return 0;
}

/* Pixel pairs (gemm_plan.h), layout B: per input row W/2 + 1 pairs (2k-1, 2k), the first and the
 * last half padding (the input zero point); three LOADs per row, as the pairs do not continue
 * from one input row to the next. */
static int load_input_shifted(mica_sched_t *S, uint32_t base, int y0, int y1, mica_ticket_t prev) {
    const mica_gemm_layer_t *L = S->L; /* the run layer: in_w = W/2 pairs, cin = 2C */
    const mica_gemm_plan_t *P = S->P;
    uint32_t C = (uint32_t)P->pair_c, half = (uint32_t)L->in_w, buf = base / P->aspad_buf_rows;
    mica_ticket_t *slot = &S->in_load[buf * (uint32_t)P->cf];
    for (int y = y0; y < y1; y++) {
        uint32_t row = base + (uint32_t)(y - y0) * (half + 1),
                 ext = L->in_addr + (uint32_t)y * half * 2 * C; /* pixel (y, 0) */
        if (mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD, row, 1, C, C, ext, 0, L->z_in, prev,
                                 slot, 1) ||
            (half > 1 && mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD, row + 1, half - 1, 2 * C,
                                              0, ext + C, 2 * C, L->z_in, prev, slot, 1)) ||
            mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD, row + half, 1, C, 0,
                                 ext + (2 * half - 1) * C, 0, L->z_in, prev, slot, 1))
            return -1;
    }
    return 0;
}

/* A strided 1x1 layer run at stride 1 over the pixels it reads (gemm_plan.h): input row y of the
 * run layer is image row y * sub_h, its pixel x image pixel x * sub_w; one LOAD per row and fold. */
static int load_input_subsampled(mica_sched_t *S, uint32_t base, int y0, int y1, int f0, int f1,
                                 mica_ticket_t prev) {
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    uint32_t R = (uint32_t)P->in_fold, W = (uint32_t)L->in_w, cin = (uint32_t)L->cin;
    uint32_t pixels = (uint32_t)(y1 - y0) * W;
    int buf = (int)(base / P->aspad_buf_rows);
    for (int f = f0; f < f1; f++) {
        uint32_t len = cin - (uint32_t)f * R < R ? cin - (uint32_t)f * R : R;
        for (int y = y0; y < y1; y++) {
            uint32_t ext =
                L->in_addr + (uint32_t)(y * P->sub_h * P->sub_in_w) * cin + (uint32_t)f * R;
            if (mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD,
                                     base + (uint32_t)f * pixels + (uint32_t)(y - y0) * W, W, len,
                                     0, ext, (uint32_t)P->sub_w * cin, 0, prev,
                                     &S->in_load[buf * P->cf + f], 1))
                return -1;
        }
    }
    return 0;
}

/* Input folds [f0, f1) of band `band` (output rows from oy0) into ASPAD buffer band % aspad_bufs. */
int mica_gemm_load_input(mica_sched_t *S, int band, int f0, int f1) {
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    uint32_t R = (uint32_t)P->in_fold;
    int buf = band % P->aspad_bufs, y0, y1;
    mica_gemm_band_input_rows(L, band * P->band_rows, mica_gemm_band_rows(L, P, band), &y0, &y1);
    uint32_t pixels = (uint32_t)(y1 - y0) * (uint32_t)L->in_w;
    if (L->in_aspad)
        return 0; /* the previous layer's STOREs left it all there (mica_gemm_matmul) */
    /* the reader of the last band here; band 0 after the first pass's STORE, if any */
    mica_ticket_t prev = band == 0 ? S->pre_store : S->in_read[buf];
    uint32_t base = (uint32_t)buf * P->aspad_buf_rows,
             ext0 = L->in_addr + (uint32_t)y0 * L->in_w * L->cin;
    if (P->pack_g) /* the first pass's rows: one block */
        return mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD, base, pixels, (uint32_t)L->cin, 0,
                                    S->t_addr + (uint32_t)y0 * L->in_w * L->cin, (uint32_t)L->cin,
                                    0, prev, &S->in_load[buf * P->cf], 1);
    if (P->pack_kw)
        return load_input_packed(S, band, base, y0, y1, prev);
    if (P->sub_h)
        return load_input_subsampled(S, base, y0, y1, f0, f1, prev);
    if (P->pair_c && load_input_shifted(S, base + pixels, y0, y1, prev))
        return -1; /* layout B after layout A, which the loop below loads */
    for (int f = f0; f < f1;) {
        uint32_t len =
            L->cin - f * (int)R < (int)R ? (uint32_t)(L->cin - f * (int)R) : R; /* R: fold width */
        /* One pixel (FULLY_CONNECTED): its full folds are consecutive rows of one LOAD. */
        int nrows = 1;
        if (pixels == 1 && len == R)
            while (f + nrows < f1 && (f + nrows + 1) * (int)R <= L->cin)
                nrows++;
        mica_ticket_t *slot = &S->in_load[buf * P->cf + f];
        int rc = pixels == 1
                     ? mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD, base + (uint32_t)f,
                                            (uint32_t)nrows, len, 0, ext0 + (uint32_t)f * R, R, 0,
                                            prev, slot, nrows)
                     : mica_gemm_queue_load(S, MICA_LOAD_TARGET_ASPAD, base + (uint32_t)f * pixels,
                                            pixels, len, 0, ext0 + (uint32_t)f * R, L->cin, 0, prev,
                                            slot, 1);
        if (rc)
            return -1;
        f += nrows;
    }
    return 0;
}

/* The first ASPAD row of input fold f's band rows y0.. (pixels of them): in its band buffer, or
 * (in_aspad) in the whole input the previous layer stored, fold f at aspad_base + f * in_h * in_w. */
static uint32_t input_rows(const mica_gemm_layer_t *L, const mica_gemm_plan_t *P, int band, int f,
                           int y0, uint32_t pixels) {
    if (L->in_aspad)
        return L->aspad_base + (uint32_t)f * (uint32_t)(L->in_h * L->in_w) +
               (uint32_t)(y0 * L->in_w);
    return (uint32_t)(band % P->aspad_bufs) * P->aspad_buf_rows + (uint32_t)f * pixels;
}

mica_ticket_t mica_gemm_matmul(mica_sched_t *S, int band, int f_in, int t, uint32_t acc_addr,
                               int first, const mica_ticket_t *deps, int ndeps) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    mica_ticket_t bad = {0, 0};
    int rows = mica_gemm_band_rows(L, P, band), oy0 = band * P->band_rows, y0, y1, kh = t / L->kw,
        kw = t % L->kw;
    mica_gemm_band_input_rows(L, oy0, rows, &y0, &y1); /* the band's input tile */
    uint32_t pixels = (uint32_t)(y1 - y0) * (uint32_t)L->in_w;
    /* a part of the band's rows (P->tail_parts): its output rows over the same tile */
    oy0 += S->part_y0, rows = mica_gemm_emitted_rows(S, band);
    acc_addr += (uint32_t)(S->part_y0 * L->out_w);
    mica_matmul_fields_t f = {.accumulate = (uint32_t)!first,
                              .z_in = L->z_in,
                              .aspad_addr = input_rows(L, P, band, f_in, y0, pixels),
                              .acc_addr = acc_addr,
                              .in_h = (uint32_t)(y1 - y0),
                              .in_w = (uint32_t)L->in_w,
                              .out_h = (uint32_t)rows,
                              .out_w = (uint32_t)L->out_w,
                              .stride_y = (uint32_t)L->stride_h,
                              .stride_x = (uint32_t)L->stride_w,
                              .off_y = oy0 * L->stride_h - L->pad_top + kh * L->dil_h - y0,
                              .off_x = -L->pad_left + kw * L->dil_w};
    /* A 1x1 stride-1 unpadded convolution reads pixel m for output m: the band is one row of
     * pixels, the geometry GEMV fuses (fuse.c), so its LOADW + MATMUL pairs fetch as one
     * instruction per output fold instead of two per input fold. */
    if (!L->depthwise && L->kh == 1 && L->kw == 1 && L->stride_h == 1 && L->stride_w == 1 &&
        !L->pad_top && !L->pad_left && L->in_w == L->out_w && !P->pair_c &&
        f.out_h * f.out_w <= MICA_MATMUL_IN_W_MAX) {
        f.aspad_addr += (uint32_t)f.off_y * f.in_w; /* off_y >= 0 without padding */
        f.in_w = f.out_w = f.out_h * f.out_w;
        f.in_h = f.out_h = 1;
        f.off_y = 0;
    }
    if (P->pair_c && (f.off_x & 1)) { /* odd pixel offset: layout B, pairs (2k-1, 2k) */
        f.aspad_addr += pixels;
        f.in_w += 1;
        f.off_x = (f.off_x + 1) / 2;
    } else if (P->pair_c) {
        f.off_x /= 2; /* even: layout A, pairs (2k, 2k+1) */
    }
    mica_instr_t m;
    int fail;
    if (L->depthwise) { /* DWCONV: MATMUL's fields and the mode */
        mica_dwconv_fields_t d = {f.wait,
                                  f.accumulate,
                                  f.z_in,
                                  f.aspad_addr,
                                  f.acc_addr,
                                  f.in_h,
                                  f.in_w,
                                  f.out_h,
                                  f.out_w,
                                  f.stride_y,
                                  f.stride_x,
                                  f.off_y,
                                  f.off_x,
                                  L->vec_max ? MICA_DWCONV_MODE_MAXIMUM : MICA_DWCONV_MODE_MAC,
                                  P->dw_taps == MICA_DWCONV_VSHADOW_ROWS ? MICA_DWCONV_TAPS_NINE
                                  : P->dw_taps > 1                       ? MICA_DWCONV_TAPS_THREE
                                                                         : MICA_DWCONV_TAPS_ONE};
        fail = MICA_ENCODE(b, L->name, dwconv, &d, &m);
    } else {
        fail = MICA_ENCODE(b, L->name, matmul, &f, &m);
    }
    mica_ticket_t self = bad;
    if (!fail)
        mica_emit_after(b, &S->w, &m, deps, ndeps, &self);
    return self;
}

int mica_gemm_loadw(mica_sched_t *S, int wb, uint32_t row) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    mica_loadw_fields_t f = {
        .vector = L->depthwise ? MICA_LOADW_VECTOR_ROW : MICA_LOADW_VECTOR_TILE,
        .wspad_addr = (uint32_t)wb * S->P->tile_rows * (uint32_t)S->P->wgroup + row};
    mica_instr_t w;
    int fail = MICA_ENCODE(b, L->name, loadw, &f, &w);
    mica_ticket_t *slot = weight_slot(S, wb, row);
    if (mica_gemm_flush_for(S, slot))
        return -1;
    S->w_read[wb] = (mica_ticket_t){0, 0};
    if (!fail)
        mica_emit_after(b, &S->w, &w, slot, 1, &S->w_read[wb]);
    if (failed(S->w_read[wb]))
        return -1;
    /* A LOADW that waited for a LOAD issues as the LOAD unit goes idle: the next queued load
     * right behind it keeps the bus busy (queued before it, the LOADW would wait for it too). */
    if (S->npending && (mica_instr_wait(&w) & MICA_UNIT_LOAD))
        return release_load(S);
    return 0;
}

/* One STORE of ACC rows [acc_row, acc_row + count) of fold g to ext + i * stride. */
static int emit_store(mica_sched_t *S, int g, uint32_t acc_row, int count, int len, uint32_t ext,
                      uint32_t stride, int pset) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    int hbuf = g % P->acc_bufs, pbuf = mica_gemm_param_slot(P, pset, g);
    mica_ticket_t bad = {0, 0};
    while (P->params_resident && P->param_chunk && pset >= S->p_sets)
        if (mica_gemm_load_params(S, S->p_sets)) /* in order: chunks stay aligned to their slot */
            return -1;
    mica_requant_t q = {L->round_mode, L->z_out, L->act_min, L->act_max};
    mica_rows_t r = {acc_row, (uint32_t)count, (uint32_t)len, ext, stride};
    mica_instr_t s;
    int fail =
        mica_instr_store_to(b, L->name, &q, &r, (uint32_t)pset,
                            L->out_aspad ? MICA_STORE_TARGET_ASPAD : MICA_STORE_TARGET_EXT, &s);
    if (mica_gemm_flush_for(S, &S->p_load[pbuf]))
        return -1;
    mica_ticket_t deps[2] = {S->acc_write[hbuf], S->p_load[pbuf]};
    mica_ticket_t st = bad;
    if (!fail)
        mica_emit_after(b, &S->w, &s, deps, 2, &st);
    S->acc_read[hbuf] = S->p_read[pbuf] = st;
    return failed(st) ? -1 : 0;
}

/* STORE of band pixels [m0, m0 + count) of fold n with PARAM set pset: one STORE when the output
 * is dense, else one per output row (L->out_pixel_step apart within a row). */
static int store_run(mica_sched_t *S, int band, int n, int g, int m0, int count, int pset) {
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    uint32_t C = (uint32_t)P->out_fold;
    int len = L->cout - n * (int)C < (int)C ? L->cout - n * (int)C : (int)C;
    uint32_t acc0 = (uint32_t)(g % P->acc_bufs) * P->acc_buf_rows;
    uint32_t pixel0 = (uint32_t)(band * P->band_rows * L->out_w + m0);
    if (L->out_aspad) /* the next layer's input fold n, pixel-major (mica_gemm_layer_t) */
        return emit_store(S, g, acc0 + (uint32_t)m0, count, len,
                          L->out_base + (uint32_t)n * (uint32_t)(L->out_h * L->out_w) + pixel0, 0,
                          pset);
    if (!L->out_pixel_step)
        return emit_store(S, g, acc0 + (uint32_t)m0, count, len,
                          L->out_addr + (pixel0 * (uint32_t)L->cout + (uint32_t)n * C),
                          (uint32_t)L->cout, pset);
    for (int k = 0; k < count;) {
        uint32_t y = (pixel0 + (uint32_t)k) / (uint32_t)L->out_w,
                 x = (pixel0 + (uint32_t)k) % (uint32_t)L->out_w;
        int run = L->out_w - (int)x < count - k ? L->out_w - (int)x : count - k;
        uint32_t ext = L->out_addr + y * L->out_row_step + x * L->out_pixel_step + n * C;
        if (emit_store(S, g, acc0 + (uint32_t)(m0 + k), run, len, ext, L->out_pixel_step, pset))
            return -1;
        k += run;
    }
    return 0;
}

/* The fold's outputs: one STORE, or with per-pixel PARAM sets one per run of equal sets in a row. */
int mica_gemm_store(mica_sched_t *S, int band, int n, int g, int y0, int rows) {
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    if (!rows) /* the whole band */
        rows = mica_gemm_band_rows(L, P, band);
    if (!L->pixel_set)
        return store_run(S, band, n, g, y0 * L->out_w, rows * L->out_w,
                         P->params_resident ? n : g % P->param_bufs);
    const uint8_t *set = L->pixel_set + (size_t)band * P->band_rows * L->out_w;
    for (int m = y0 * L->out_w, m0 = m; m < (y0 + rows) * L->out_w; m++)
        if ((m + 1) % L->out_w == 0 || set[m + 1] != set[m]) {
            if (store_run(S, band, n, g, m0, m + 1 - m0, set[m]))
                return -1;
            m0 = m + 1;
        }
    return 0;
}
