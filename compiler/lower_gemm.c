/* CONV_2D / FULLY_CONNECTED / DEPTHWISE_CONV_2D / pools -> LOAD / LOADW / MATMUL or DWCONV / STORE,
 * in three passes: plan (gemm_plan.c: the tiling), schedule (here: the loop nest below, which
 * load goes where, what overlaps what), emission (gemm_emit.c: constants and instructions).
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
#include "fuse.h"
#include "chain.h"
#include "gemm_sched.h"
#include "instr.h"
#include "trial.h"

static int failed(const mica_ticket_t t) {
    return t.seq == 0;
}

/* Loads issued while fold g computes, for the fold (the fold group, from the first fold of a
 * group) and band after it: queued right behind the fold's first LOADW (which waited for every
 * earlier LOAD, so the LOAD unit goes on at once) or, when the band's input folds stream in,
 * after the last of them has started. The next band's input goes last and only from a fold after
 * which this band loads nothing more, because the LOADW that waits for the next fold's weights
 * waits for every earlier LOAD. */
static int prefetch(mica_sched_t *S, int band, int n, int g) {
    const mica_gemm_plan_t *P = S->P;
    int next = g + 1, last_g = P->nbands * P->nf - 1;
    int next_group = g + (P->nf - n < P->wgroup ? P->nf - n : P->wgroup);
    if (g == 0 && P->params_resident && mica_gemm_load_params(S, 0))
        return -1; /* first needed by STORE 0 */
    int chunk_next = P->params_resident && P->param_chunk && next == S->p_sets &&
                     next < P->nsets; /* band 0: fold g + 1's set starts the next chunk */
    if (next <= last_g && !P->params_resident && P->param_bufs == 2) {
        if (mica_gemm_load_params(S, next))
            return -1;
        S->p_ready = 1;
    }
    if (mica_gemm_wgroup_start(P, g) && next_group <= last_g &&
        mica_gemm_weights_needed(P, next_group) && (P->weights_resident || P->wspad_bufs == 2)) {
        if (mica_gemm_load_weights(S, next_group))
            return -1;
        S->w_next = next_group;
    }
    if (chunk_next && mica_gemm_load_params(S, next))
        return -1; /* after the weights: the next LOADW waits for both, its STORE later */
    int input_fold = (P->weights_resident && band > 0) ? 0 : P->nf - 1;
    if (band + 1 < P->nbands && P->aspad_bufs == 2 && n == input_fold) {
        if (mica_gemm_load_input(S, band + 1, 0, P->cf))
            return -1;
        S->in_ready = 1;
    }
    return 0;
}

/* The vector LOADWs of a depthwise step at tap t (row: its WSPAD row): one, or for a DWCONV of
 * three (nine) taps the kernel row's three (the kernel's nine), so that a vector LOADW, which
 * shifts Vshadow's rows, leaves tap (k, t) in row 3(rows-1-k) + t (hw/mica.json DWCONV). A
 * pool's taps share one vector: loaded (three or nine times) before its first step. */
static int dw_loadws(mica_sched_t *S, int wb, uint32_t row, int t) {
    int n = S->P->dw_taps, cols = n > 1 ? MICA_DWCONV_TAPS_N : 1, rows = n / cols;
    if (S->L->pool && t > 0)
        return 0;
    for (int k = n - 1; k >= 0; k--) { /* the tap Vshadow row k holds */
        uint32_t tap = mica_dwconv_vshadow_row((uint32_t)rows, (uint32_t)cols, (uint32_t)k);
        if (mica_gemm_loadw(S, wb, row + (S->L->pool ? 0 : tap)))
            return -1;
    }
    return 0;
}

/* The previous fold's STORE held back by P->late_store, if any. */
static int emit_pending_store(mica_sched_t *S) {
    if (!S->store_pending)
        return 0;
    S->store_pending = 0;
    return mica_gemm_store(S, S->store_band, S->store_n, S->store_g, S->store_y0, S->store_rows);
}

/* All taps and input folds of output fold n (global fold g) of a band: LOADW + MATMUL pairs; a
 * depthwise fold reads only its own channels: LOADW vector + DWCONV per tap (or per kernel row:
 * P->dw_taps). */
static int emit_fold_matmuls(mica_sched_t *S, int band, int n, int g) {
    mica_builder_t *b = S->b;
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    int abuf = band % P->aspad_bufs, hbuf = g % P->acc_bufs, wb = mica_gemm_wbuf(P, g);
    uint32_t wrow = mica_gemm_wrow(P, g);
    uint32_t acc0 = (uint32_t)hbuf * P->acc_buf_rows, dw = (uint32_t)L->depthwise;
    int f_lo = dw ? n : 0, f_hi = dw ? n + 1 : P->cf;
    int step = dw ? P->dw_taps : 1;
    for (int f = f_lo; f < f_hi; f++)
        for (int t = 0; t < P->taps; t += step) {
            int first = f == f_lo && t == 0;
            uint32_t row =
                wrow + (dw ? (uint32_t)t : ((uint32_t)t * P->cf + (uint32_t)f) * b->hw.rows);
            if (dw ? dw_loadws(S, wb, row, t) : mica_gemm_loadw(S, wb, row))
                return -1;
            if (first && emit_pending_store(S)) /* behind the LOADWs, before the MATMUL */
                return -1;
            mica_ticket_t *in_slot = &S->in_load[abuf * P->cf + f];
            if (mica_gemm_flush_for(S, in_slot))
                return -1;
            /* a later part (P->tail_parts) loads nothing and writes rows no STORE reads yet */
            int later_part = S->part_y0 > 0;
            int streaming = P->stream_input && band == 0 && (dw || n == 0) && !later_part;
            if (first && !streaming && !later_part &&
                (prefetch(S, band, n, g) || mica_gemm_drip(S, 0)))
                return -1; /* next fold's loads right behind the LOADW that waited for this one's */
            mica_ticket_t deps[2] = {*in_slot, S->acc_read[hbuf]}; /* input fold; ACC half free */
            mica_ticket_t mm =
                mica_gemm_matmul(S, band, f, t, acc0, first, deps, first && !later_part ? 2 : 1);
            if (failed(mm))
                return -1;
            S->in_read[abuf] = S->acc_write[hbuf] = mm;
            uint32_t line = step > 1 ? (uint32_t)((L->out_w - 1) * L->stride_w + MICA_DWCONV_TAPS_N)
                                     : (uint32_t)L->out_w;             /* pixels a line streams */
            uint32_t rows = (uint32_t)mica_gemm_emitted_rows(S, band), /* lines it streams */
                lines = step == MICA_DWCONV_VSHADOW_ROWS
                            ? (rows - 1) * (uint32_t)L->stride_h + MICA_DWCONV_TAPS_N
                            : rows;
            uint32_t T = lines * line, lw = dw ? 2 : b->hw.rows + 1;
            if (mica_gemm_drip(S, T > lw ? T : lw))
                return -1; /* a MATMUL takes T cycles, or its LOADW's */
            if (t != 0)
                continue;
            if (streaming && f + 1 < P->cf && mica_gemm_load_input(S, 0, f + 1, f + 2))
                return -1;
            if (streaming && (!dw ? f == P->cf - 1 : f == f_lo) && prefetch(S, band, n, g))
                return -1;
        }
    return 0;
}

/* Loads a fold needs that no earlier fold prefetched, its MATMULs, its STORE. */
static int emit_fold(mica_sched_t *S, int band, int n) {
    const mica_gemm_plan_t *P = S->P;
    int g = band * P->nf + n;
    if (n == 0 && !S->in_ready) {
        int y0, y1;
        mica_gemm_band_input_rows(S->L, band * P->band_rows, mica_gemm_band_rows(S->L, P, band),
                                  &y0, &y1);
        if (y1 == y0) {
            snprintf(S->b->err, sizeof S->b->err,
                     "layer %s: output rows %d.. read only padding (unsupported padding)",
                     S->L->name, band * P->band_rows);
            return -1;
        }
        if (mica_gemm_load_input(S, band, 0, band == 0 && P->stream_input ? 1 : P->cf))
            return -1;
    }
    if (mica_gemm_weights_needed(P, g) && mica_gemm_wgroup_start(P, g) && S->w_next != g &&
        mica_gemm_load_weights(S, g))
        return -1;
    if (!P->params_resident && !S->p_ready && mica_gemm_load_params(S, g))
        return -1;
    if (n == 0)
        S->in_ready = 0;
    S->p_ready = 0;
    if (emit_fold_matmuls(S, band, n, g))
        return -1;
    if (!S->P->late_store)
        return mica_gemm_store(S, band, n, g, S->part_y0, S->part_rows);
    S->store_pending = 1, S->store_band = band, S->store_n = n, S->store_g = g;
    S->store_y0 = S->part_y0, S->store_rows = S->part_rows;
    return 0;
}

/* The layer's last fold in P->tail_parts parts of the band's rows (the first ones larger): each
 * part's MATMULs, then its STORE, held back behind the next part's first LOADWs (late_store) or
 * not, so the next part computes while it stores. Loads and prefetches are the first part's. */
static int emit_last_fold(mica_sched_t *S, int band, int n) {
    int rows = mica_gemm_band_rows(S->L, S->P, band), parts = S->P->tail_parts;
    for (int k = 0, y0 = 0; k < parts; k++) {
        int r = (rows - y0 + (parts - k) - 1) / (parts - k);
        S->part_y0 = y0, S->part_rows = r;
        if (emit_fold(S, band, n))
            return -1;
        /* the first part loaded the input, weights and parameters */
        S->in_ready = 1, S->p_ready = 1, S->w_next = band * S->P->nf + n;
        y0 += r;
    }
    S->part_y0 = S->part_rows = 0;
    return 0;
}

/* Packed kernel rows: the first pass writes the packed rows at the end of the output, where
 * only the last band stores, after its input LOAD has read them. */
static int rowpack_pass(mica_sched_t *S) {
    const mica_gemm_layer_t *L = S->L;
    const mica_gemm_plan_t *P = S->P;
    uint32_t band_bytes = (uint32_t)(P->band_rows * L->out_w * L->cout),
             out_bytes = (uint32_t)(L->out_h * L->out_w * L->cout);
    S->t_addr = L->out_addr + out_bytes - P->pack_t_bytes;
    if ((uint32_t)(P->nbands - 1) * band_bytes > out_bytes - P->pack_t_bytes) {
        snprintf(S->b->err, sizeof S->b->err,
                 "layer %s: packed kernel rows need the last band to cover %u output bytes",
                 L->name, P->pack_t_bytes);
        return -1;
    }
    return mica_gemm_rowpack_pass(S);
}

/* The layer's instructions, ending with END when `last`, else with a SYNC draining every unit. */
static int emit_layer(mica_builder_t *b, const mica_gemm_layer_t *L, const mica_gemm_plan_t *P,
                      int last) {
    if (L->in_aspad && (P->stream_input || P->pack_g || P->pack_kw || P->pair_c || P->sub_h)) {
        snprintf(b->err, sizeof b->err, "layer %s: an input in ASPAD is read as it is",
                 L->name); /* whole folds, pixel-major: no other input layout (lower_gemm_part) */
        return -1;
    }
    if (L->out_aspad && (P->pair_c || P->pack_px > 1)) {
        snprintf(b->err, sizeof b->err, "layer %s: an output in ASPAD is a pixel per row",
                 L->name); /* what the next layer reads (chain.c) */
        return -1;
    }
    uint32_t first = mica_code_count(b);
    mica_sched_t S;
    memset(&S, 0, sizeof S);
    S.b = b, S.L = L, S.P = P;
    S.w_next = -1;
    if (mica_gemm_constants(&S))
        return -1;
    S.w_load = calloc(2 * (size_t)P->wspad_bufs + 2 * (size_t)P->cf, sizeof *S.w_load);
    if (!S.w_load) {
        snprintf(b->err, sizeof b->err, "layer %s: out of memory", L->name);
        return -1;
    }
    S.w_read = S.w_load + P->wspad_bufs;
    S.in_load = S.w_read + P->wspad_bufs; /* one allocation */
    int rc = P->pack_g ? rowpack_pass(&S) : 0;
    for (int band = 0; band < P->nbands && !rc; band++)
        for (int n = 0; n < P->nf && !rc; n++)
            rc = P->tail_parts > 1 && band == P->nbands - 1 && n == P->nf - 1
                     ? emit_last_fold(&S, band, n)
                     : emit_fold(&S, band, n);
    if (!rc)
        rc = emit_pending_store(&S) || mica_gemm_flush_for(&S, NULL);
    free(S.w_load);
    free(S.pending);
    if (rc)
        return -1;
    mica_fuse_gemv(b, first);
    mica_instr_t end;
    if (last)
        return mica_instr_end(&end) || mica_emit_after(b, &S.w, &end, NULL, 0, NULL) ? -1 : 0;
    mica_sync_fields_t drain = {0};
    if (MICA_ENCODE(b, L->name, sync, &drain, &end))
        return -1;
    return mica_emit_drained(
        b, &S.w, &end, MICA_UNIT_LOAD | MICA_UNIT_WEIGHT | MICA_UNIT_ARRAY | MICA_UNIT_STORE, NULL);
}

typedef struct {
    mica_builder_t *b;
    const mica_gemm_layer_t *L;
    const mica_gemm_plan_t *P;
} gemm_trial_t;

static int emit_trial(void *ctx) {
    const gemm_trial_t *t = ctx;
    return emit_layer(t->b, t->L, t->P, 1);
}

/* Weight loads for the chosen bands: 1, 2, 4, .. folds per LOAD (each LOAD's memory latency
 * idles the bus once; larger ones leave more MATMULs to run after the last), the last one split
 * or not, the first one's first tile (a depthwise layer: fold) alone or not, either load-release
 * policy. A depthwise layer's few rows a fold in one LOAD free the LOAD unit for its PARAM
 * chunks (VWW 80,645 -> 80,029 RTL cycles; its layers' estimates within 0.7 %). */
static int choose_weight_loads(mica_builder_t *b, const mica_gemm_layer_t *L, mica_gemm_plan_t *P,
                               int64_t *cycles, int64_t best) {
    mica_gemm_plan_t best_plan = *P, trial;
    gemm_trial_t ctx = {b, L, &trial};
    for (int group = 1, last = 0; !last; group = 2 * group < P->nf ? 2 * group : P->nf) {
        last = group == P->nf;
        /* (group 1 as chosen: costed); the input folds streamed or not again, as a split weight
         * load lets the MATMULs start before the whole load, which streamed inputs queue behind */
        int streams = P->cf > 1 && !L->in_aspad ? 2 : 1;
        for (int v = group == 1; v < 6 * streams; v++) {
            trial = *P;
            if (!mica_gemm_set_wgroup(&b->hw, &trial, group))
                break;
            trial.split_tail = v % 3; /* none, MICA_SPLIT_HALVING, MICA_SPLIT_EVEN */
            trial.drip_all ^= (v / 3) % 2;
            trial.stream_input ^= v / 6;
            for (int k = 0; k < 4; k++) { /* the first load's first tile alone or not, */
                trial.split_head = k & 1; /* each fold's STORE early or late */
                trial.late_store = k >> 1;
                int64_t c = mica_trial_cycles(b, emit_trial, &ctx);
                if (c >= 0 && c < best)
                    best = c, best_plan = trial;
            }
        }
    }
    b->err[0] = 0; /* a failed trial leaves the plan's own choice, which emitted */
    *P = best_plan;
    *cycles = best;
    return 0;
}

/* Resident PARAM sets all in one LOAD before the first MATMUL, or in chunks of 1, 2, 4, .. sets,
 * each loaded during the fold before it: one long LOAD holds up the next fold's weight LOAD
 * (13_dw of VWW: 2 KB of sets, 256 beats, while its DWCONVs take 70 cycles a fold). */
static void choose_param_chunk(mica_builder_t *b, const mica_gemm_layer_t *L, mica_gemm_plan_t *P,
                               int64_t *cycles) {
    if (!P->params_resident || P->nsets < 2 || L->pixel_set)
        return;
    mica_gemm_plan_t trial = *P, best_plan = *P;
    gemm_trial_t ctx = {b, L, &trial};
    for (int chunk = 1; chunk < P->nsets; chunk *= 2) {
        trial.param_chunk = chunk;
        int64_t c = mica_trial_cycles(b, emit_trial, &ctx);
        if (c >= 0 && c < *cycles)
            *cycles = c, best_plan = trial;
    }
    b->err[0] = 0;
    *P = best_plan;
}

/* The last fold in 2 .. MAX_TAIL_PARTS parts of its rows (P->tail_parts) where that is
 * estimated at least 1/TAIL_PARTS_GAIN faster: each part's STORE then runs beside the next
 * part's MATMULs, and a part costs a drain of the array between. The bar: parts split the func
 * backend's GEMMs (a fold's MATMULs no longer match the others'), which costs it more than a
 * few cycles save. */
#define MAX_TAIL_PARTS 4
#define TAIL_PARTS_GAIN 100
static void choose_tail_parts(mica_builder_t *b, const mica_gemm_layer_t *L, mica_gemm_plan_t *P,
                              int64_t *cycles) {
    mica_gemm_plan_t trial = *P, best_plan = *P;
    gemm_trial_t ctx = {b, L, &trial};
    int rows = mica_gemm_band_rows(L, P, P->nbands - 1);
    int64_t bar = *cycles - *cycles / TAIL_PARTS_GAIN;
    for (int parts = 2; parts <= MAX_TAIL_PARTS && parts <= rows; parts++) {
        trial.tail_parts = parts;
        int64_t c = mica_trial_cycles(b, emit_trial, &ctx);
        if (c >= 0 && c < bar && c < *cycles)
            *cycles = c, best_plan = trial;
    }
    b->err[0] = 0;
    *P = best_plan;
}

/* The buffer split and band size: the plan's (double-buffered halves, the largest band that fits)
 * unless another is estimated faster. More bands let the next band's loads overlap this band's
 * MATMULs (with one band a layer loads all its input before its first MATMUL; a few-channel first
 * layer's many small LOADs cost more than the compute they would hide behind); undivided memories
 * take larger bands. Candidates per split: its largest band, up to MAX_BAND_TRIALS more
 * (balanced) band counts and SHORT_TAIL_TRIALS band sizes whose last band is at most a third of
 * the others (a short tail), each with the input folds streamed or not and either load-release
 * policy (P->drip_all). */
#define MAX_BAND_TRIALS 24
#define SHORT_TAIL_TRIALS 6
/* Costs `trial` under both load-release policies and, with several input folds loaded, both
 * input streaming choices; keeps the fastest in *best_plan. */
static void try_band(mica_builder_t *b, const mica_gemm_layer_t *L, mica_gemm_plan_t *trial,
                     gemm_trial_t *ctx, int64_t *best, mica_gemm_plan_t *best_plan) {
    for (int v = 0; v < 2 * (1 + (trial->cf > 1 && !L->in_aspad)); v++) {
        trial->drip_all = v & 1; /* both load-release policies */
        if (v == 2)              /* streaming the input folds the other way */
            trial->stream_input = !trial->stream_input;
        ctx->P = trial;
        int64_t c = mica_trial_cycles(b, emit_trial, ctx);
        if (c >= 0 && c < *best)
            *best = c, *best_plan = *trial;
    }
}

static int choose_bands(mica_builder_t *b, const mica_gemm_layer_t *L, mica_gemm_plan_t *P,
                        int64_t *cycles) {
    mica_gemm_plan_t best_plan = *P, trial = *P;
    gemm_trial_t ctx = {b, L, P};
    char first_err[sizeof b->err];
    int64_t best = mica_trial_cycles(b, emit_trial, &ctx);
    memcpy(first_err, b->err, sizeof first_err);
    if (best < 0) /* packed kernel rows: another band may fit their condition (gemm_rowpack.c) */
        best = INT64_MAX;
    for (int k = 0; k < MICA_GEMM_SPLITS; k++) {
        int largest = mica_gemm_set_split(&b->hw, L, &trial, k), last_rows = 0;
        int fewest = trial.nbands;
        for (int bands = fewest; largest && bands <= fewest + MAX_BAND_TRIALS && bands <= L->out_h;
             bands++) {
            int rows = (L->out_h + bands - 1) / bands; /* balanced: the last band is no sliver */
            if (rows == last_rows)
                continue;
            last_rows = rows;
            mica_gemm_set_band_rows(L, &trial, rows);
            try_band(b, L, &trial, &ctx, &best, &best_plan);
        }
        /* and a few with a short last band, whose STOREs nothing after them overlaps (it runs
         * every output fold again, so it pays where the tail outweighs that) */
        for (int rows = largest, n = 0; largest && rows > 1 && n < SHORT_TAIL_TRIALS; rows--) {
            int rest = L->out_h % rows, nb = (L->out_h + rows - 1) / rows;
            if (!rest || 3 * rest > rows || rows == (L->out_h + nb - 1) / nb) /* balanced */
                continue;
            n++;
            mica_gemm_set_band_rows(L, &trial, rows);
            try_band(b, L, &trial, &ctx, &best, &best_plan);
        }
    }
    if (best == INT64_MAX) {
        memcpy(b->err, first_err, sizeof first_err);
        return -1;
    }
    b->err[0] = 0; /* a failed trial leaves the plan's own choice, which emitted */
    *P = best_plan;
    if (choose_weight_loads(b, L, P, cycles, best))
        return -1;
    choose_param_chunk(b, L, P, cycles);
    choose_tail_parts(b, L, P, cycles);
    return 0;
}

static int lower_gemm_part(mica_builder_t *b, const mica_gemm_layer_t *L0, int last) {
    mica_gemm_plan_t P, Q;
    mica_gemm_layer_t packed, plain, one_tap;
    const mica_gemm_layer_t *L, *L2;
    int64_t cycles, plain_cycles;
    /* on chip (chain.c): the plain layout in, pixel pairs neither in nor out; three-tap
     * DWCONVs change no layout */
    int all =
        MICA_GEMM_TAPS | (L0->in_aspad    ? 0
                          : L0->out_aspad ? MICA_GEMM_ROWS
                                          : MICA_GEMM_PAIRS | MICA_GEMM_ROWS | MICA_GEMM_WIDE);
    if (mica_gemm_plan(&b->hw, L0, &packed, &L, &P, all, b->err, sizeof b->err) ||
        choose_bands(b, L, &P, &cycles)) {
        all &= ~MICA_GEMM_ROWS; /* packed kernel rows may not fit where the rest does */
        if (mica_gemm_plan(&b->hw, L0, &packed, &L, &P, all, b->err, sizeof b->err) ||
            choose_bands(b, L, &P, &cycles))
            return -1;
    }
    /* Pixel pairs halve the vector rows but load the input twice; packed kernel rows cut the
     * MATMULs by G but add a first pass; a wide window costs a longer row load and rules out
     * packed kernel rows: a layer may be faster without (each is costed). */
    int without = P.pair_c        ? all & ~MICA_GEMM_PAIRS
                  : P.pack_px > 1 ? all & ~MICA_GEMM_WIDE
                                  : all & ~MICA_GEMM_ROWS;
    if ((P.pair_c || P.pack_g || P.pack_px > 1) &&
        !mica_gemm_plan(&b->hw, L0, &plain, &L2, &Q, without, b->err, sizeof b->err) &&
        !choose_bands(b, L2, &Q, &plain_cycles) && plain_cycles < cycles)
        P = Q, L = L2, cycles = plain_cycles, all = without;
    /* Three- and nine-tap DWCONVs stream fewer pixels but load three (nine) weight vectors each: a
     * layer whose lines are short and whose loads keep the bus busy may be faster one tap at a
     * time. */
    if (P.dw_taps > 1 &&
        !mica_gemm_plan(&b->hw, L0, &one_tap, &L2, &Q, all & ~MICA_GEMM_TAPS, b->err,
                        sizeof b->err) &&
        !choose_bands(b, L2, &Q, &plain_cycles) && plain_cycles < cycles)
        P = Q, L = L2;
    b->err[0] = 0;
    mica_gemm_plan_text(&b->hw, L, &P, b->plan_note, sizeof b->plan_note);
    return emit_layer(b, L, &P, last);
}

/* A layer run while rows stay in ASPAD plans its own buffers below them (chain.c), so every pass
 * sees that depth while it is lowered. */
int mica_lower_gemm_part(mica_builder_t *b, const mica_gemm_layer_t *L0, int last) {
    uint32_t depth = b->hw.aspad_depth;
    b->hw.aspad_depth = mica_chain_depth(b);
    int rc = lower_gemm_part(b, L0, last);
    b->hw.aspad_depth = depth;
    return rc;
}

int mica_lower_gemm(mica_builder_t *b, const mica_gemm_layer_t *L, uint64_t *est_cycles) {
    *est_cycles = 0; /* filled from the instruction stream (cost.c) */
    return mica_lower_gemm_part(b, L, 1);
}
