/* Pass 1 of a convolution-shaped layer (lower_gemm.h): the plan. What the tiling decided, before
 * any instruction exists: bands of output rows that fit ACC and ASPAD, input- and output-channel
 * folds, packing of a few-channel first layer's taps, which memories are split into halves
 * (double buffering), whether weights and PARAM sets stay resident. Pure: no builder, testable
 * alone (tests/unit/test_compiler_tiling.c). */
#ifndef MICA_GEMM_PLAN_H
#define MICA_GEMM_PLAN_H
#include <stddef.h>
#include <stdint.h>
#include "mica_hw.h"
#include "lower_gemm.h"

enum { MICA_SPLIT_HALVING = 1, MICA_SPLIT_EVEN = 2 }; /* mica_gemm_plan_t.split_tail */

typedef struct {
    int in_fold, out_fold; /* channels per input / output fold: R and C, or the vector lanes */
    int cf, nf, taps;      /* input folds, output folds, kernel taps */
    int nsets;             /* PARAM sets: one per output fold, or L->nsets (per-pixel divisors) */
    int band_rows, nbands; /* output rows per band (the last may be shorter), bands */
    int weights_resident, params_resident;
    int aspad_bufs, acc_bufs, wspad_bufs,
        param_bufs; /* 2 = double-buffered halves (wspad: one per fold group when resident) */
    uint32_t aspad_buf_rows, acc_buf_rows,
        tile_rows;    /* rows per buffer; WSPAD rows per output fold */
    int wgroup;       /* output folds per weight LOAD and WSPAD buffer (wgroup x tile_rows rows):
                       * fewer LOADs, each ending with a memory latency the bus idles through; a
                       * schedule choice (lower_gemm.c searches it, mica_gemm_set_wgroup) */
    int stream_input; /* first band: input folds loaded one by one between MATMULs */
    int drip_all;     /* after a MATMUL, release every queued load its cycles should cover (else
                       * one); a schedule choice (lower_gemm.c searches it) */
    int split_tail;   /* the layer's last weight load in chunks halving towards the end, so the
                       * MATMULs after the bus falls idle cover one tile, not a fold; or
                       * (MICA_SPLIT_EVEN) in equal chunks (costed) */
    int split_head;   /* the layer's first weight load (when not also its last) as its first tile,
                       * then the rest: the first LOADW waits for one tile, not a fold (costed) */
    int late_store;   /* each fold's STORE after the next fold's first LOADW(s), which then run
                       * while the fold's last MATMUL drains, not after the STORE's ARRAY wait
                       * that holds up every later instruction (costed) */
    int tail_parts;   /* the last band's last output fold computed in this many parts of its
                       * rows, each part's STORE issued before the next part's MATMULs, which
                       * then run while it stores: the STORE nothing overlaps is one part's
                       * (0 or 1: whole; costed) */
    int param_chunk;  /* resident PARAM sets loaded this many at a time, each chunk during the
                       * fold before its first, so no one long LOAD holds up the next fold's
                       * weights (0: all before the first MATMUL; costed) */
    int pack_kw, pack_cin, pack_left, pack_step,
        pack_in_w; /* packed taps (pack_kw 0: none): taps per window (kw + (px-1)*stride), the
                    * original layer's cin and pad_left, window step, the original in_w */
    int pack_px, pack_cout; /* packed taps: output pixels per window (1, or 2 with
                             * MICA_GEMM_WIDE) and the original layer's cout */
    int pack_g, pack_kh, pack_rstep, pack_top, pack_dil, pack_img_h; /* packed kernel rows
                                 * (pack_g 0: none): G rows per ASPAD row, the original kh, the
                                 * run layer's row step in the packed grid, pad_top, dilation and
                                 * image height (the first pass, gemm_rowpack.c) */
    uint32_t pack_t_bytes;      /* the first pass's rows, at the end of the output */
    int sub_h, sub_w, sub_in_w; /* strided 1x1: only every sub-th input pixel loaded (0: none);
                                 * the original layer's strides and input width */
    int pair_c;  /* depthwise pixel pairs (0: none): the original channels C, 2C <= lanes; an
                 * ASPAD row holds pixels (2k, 2k+1) (layout A) or (2k-1, 2k) (layout B) */
    int dw_taps; /* kernel taps per DWCONV: MICA_DWCONV_TAPS_N (a 3-wide kernel row in one
                  * instruction, feature DWCONV_TAPS) or 1 */
} mica_gemm_plan_t;

/* Plans L for hw. A layer whose first kernel row's taps fit the array rows together is packed:
 * *packed gets the equivalent layer with kw * cin input channels and *run points to it; a strided
 * 1x1 convolution reads only the pixels its outputs use: *packed gets the stride-1 layer over
 * them (the loads pick them out); a depthwise layer of at most half the vector lanes' channels
 * runs on pixel pairs: *packed gets the layer of 2C channels over half as many pixels; else
 * *run = L. `options` (MICA_GEMM_*) allow the pixel pairs, the packed kernel rows and the
 * three-tap DWCONVs (the lowering costs
 * the layer with and without). 0, or -1 with one
 * line in err naming the layer and the value that does not fit. */
#define MICA_GEMM_PAIRS 1 /* options: depthwise pixel pairs */
#define MICA_GEMM_ROWS 2  /* options: several kernel rows per packed ASPAD row */
#define MICA_GEMM_TAPS 4  /* options: a 3-wide kernel row per DWCONV (DWCONV_TAPS) */
#define MICA_GEMM_WIDE 8  /* options: packed taps of two neighbouring outputs per ASPAD row */
int mica_gemm_plan(const mica_hw_config_t *hw, const mica_gemm_layer_t *L,
                   mica_gemm_layer_t *packed, const mica_gemm_layer_t **run, mica_gemm_plan_t *P,
                   int options, char *err, size_t errlen);

/* Whether L's packed taps take the windows of two neighbouring outputs when MICA_GEMM_WIDE
 * allows (an output that must then stay in memory, chain.c). */
int mica_gemm_packs_wide(const mica_hw_config_t *hw, const mica_gemm_layer_t *L);

/* Weight of output channel oc, run-layer tap t, run-layer input channel ch (L the run layer, its
 * weights the original [cout][kh][kw][cin]): with packed kernel rows, lane ch of group t is
 * kernel row t*G + ch / (kw*cin), zero past the last kernel row. */
static inline int8_t mica_gemm_weight(const mica_gemm_layer_t *L, const mica_gemm_plan_t *P, int oc,
                                      int t, int ch) {
    if (P->pack_px > 1) { /* column q*cout + o: output o of the window's q-th pixel */
        int s = P->pack_step / P->pack_px, kw = P->pack_kw - (P->pack_px - 1) * s;
        int q = oc / P->pack_cout, kx = ch / P->pack_cin - q * s;
        return kx < 0 || kx >= kw
                   ? 0
                   : L->weights[(((size_t)(oc % P->pack_cout) * L->kh + t) * kw + (size_t)kx) *
                                    P->pack_cin +
                                (size_t)(ch % P->pack_cin)];
    }
    if (!P->pack_g)
        return L->weights[((size_t)oc * L->kh * L->kw + t) * L->cin + ch];
    int kwc = L->cin / P->pack_g, kr = t * P->pack_g + ch / kwc;
    return kr < P->pack_kh ? L->weights[((size_t)oc * P->pack_kh + kr) * kwc + ch % kwc] : 0;
}

/* Buffer split `split` (0 .. MICA_GEMM_SPLITS-1: ACC and ASPAD in halves, ACC only, neither) with
 * its largest band: the band's rows, or 0 (P unchanged) if not one output row fits. */
#define MICA_GEMM_SPLITS 3
int mica_gemm_set_split(const mica_hw_config_t *hw, const mica_gemm_layer_t *L, mica_gemm_plan_t *P,
                        int split);

/* Bands of `rows` output rows (at most the band mica_gemm_plan chose, which is the largest that
 * fits): nbands and whether the first band's input folds stream in follow. */
void mica_gemm_set_band_rows(const mica_gemm_layer_t *L, mica_gemm_plan_t *P, int rows);

/* Packed kernel rows (P->pack_g): the first pass's view of window p (its pixels p*step - left ..
 * + kw, clipped to the image): views are ASPAD rows of R / cin image pixels from *x0 on, taken
 * greedily left to right so that each holds whole windows. The view's index. */
int mica_gemm_row_view(const mica_gemm_plan_t *P, int R, int p, int *x0);

/* The original layer's channel of run-layer channel c (pixel pairs: lane c and c + C are channel
 * c of two pixels; so are column c and c + cout of a wide packed window). */
static inline int mica_gemm_channel(const mica_gemm_plan_t *P, int c) {
    return P->pair_c ? c % P->pair_c : P->pack_px > 1 ? c % P->pack_cout : c;
}

/* Output folds are loaded in groups of P->wgroup within a band (the last may be shorter). WSPAD
 * buffer of output fold g (over all bands), fold g's first row in it, whether g starts its group
 * and whether fold g loads its weights. */
static inline int mica_gemm_wbuf(const mica_gemm_plan_t *P, int g) {
    int n = g % P->nf, groups = (P->nf + P->wgroup - 1) / P->wgroup;
    return P->weights_resident ? n / P->wgroup
                               : (g / P->nf * groups + n / P->wgroup) % P->wspad_bufs;
}
static inline uint32_t mica_gemm_wrow(const mica_gemm_plan_t *P, int g) {
    return (uint32_t)(g % P->nf % P->wgroup) * P->tile_rows;
}
static inline int mica_gemm_wgroup_start(const mica_gemm_plan_t *P, int g) {
    return g % P->nf % P->wgroup == 0;
}
static inline int mica_gemm_weights_needed(const mica_gemm_plan_t *P, int g) {
    return !P->weights_resident || g < P->nf;
}
/* Weight loads of `group` output folds (1: the plan's): 0 (P unchanged) when two such buffers
 * (one per group when resident) do not fit WSPAD. */
int mica_gemm_set_wgroup(const mica_hw_config_t *hw, mica_gemm_plan_t *P, int group);

/* Output rows of band `band`, and the input rows [y0, y1) it reads (clipped to the image). */
int mica_gemm_band_rows(const mica_gemm_layer_t *L, const mica_gemm_plan_t *P, int band);
void mica_gemm_band_input_rows(const mica_gemm_layer_t *L, int oy0, int rows, int *y0, int *y1);

/* The plan as text lines (each "  " indented, '\n' ended) for --dump=plan; appends to buf. */
void mica_gemm_plan_text(const mica_hw_config_t *hw, const mica_gemm_layer_t *L,
                         const mica_gemm_plan_t *P, char *buf, size_t len);

#endif
