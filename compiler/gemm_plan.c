/* The tiling of a convolution-shaped layer (gemm_plan.h): decisions only, no instructions. */
#include <stdio.h>
#include <string.h>
#include "gemm_plan.h"

static int ceil_div(int a, int b) {
    return (a + b - 1) / b;
}

void mica_gemm_band_input_rows(const mica_gemm_layer_t *L, int oy0, int rows, int *y0, int *y1) {
    int first = oy0 * L->stride_h - L->pad_top;
    int last = (oy0 + rows - 1) * L->stride_h - L->pad_top + (L->kh - 1) * L->dil_h;
    *y0 = first < 0 ? 0 : first;
    *y1 = last + 1 > L->in_h ? L->in_h : last + 1;
    if (*y1 < *y0)
        *y1 = *y0;
}

int mica_gemm_band_rows(const mica_gemm_layer_t *L, const mica_gemm_plan_t *P, int band) {
    int left = L->out_h - band * P->band_rows;
    return left < P->band_rows ? left : P->band_rows;
}

/* Few input channels (first layers: 1 or 3): pack a kernel row's taps into the array rows. The
 * weights need no repacking: [cout][kh][kw][cin] is [cout][kh][1][kw*cin]. With `wide`, a layer
 * of at most half the array columns' output channels whose window of two neighbouring outputs
 * (kw + stride taps) fits the array rows packs that window instead: one ASPAD row feeds two
 * output pixels (columns q*cout + oc, mica_gemm_weight), so the MATMULs stream half the rows and
 * the loads move 2 beats per two outputs' kernel row where they moved 2 per output. The run
 * layer's pixel is an output pair, 2*cout bytes: the dense NHWC layout of the original's output
 * (so not on chip, where a pixel is a row; lower_gemm.c). */
static int pack_taps(const mica_gemm_layer_t *L, uint32_t R, uint32_t C, int wide,
                     mica_gemm_layer_t *packed, mica_gemm_plan_t *P) {
    int right = (L->out_w - 1) * L->stride_w + L->kw - L->pad_left - L->in_w;
    if (L->depthwise || L->kw < 2 || L->dil_w != 1 || (uint32_t)(L->kw * L->cin) > R ||
        L->pad_left < 0 || L->pad_left >= L->kw || right >= L->kw ||
        (L->out_w - 1) * L->stride_w >= L->in_w)
        return 0;
    int px = wide && 2 * (uint32_t)L->cout <= C && L->out_w % 2 == 0 && !L->out_pixel_step &&
                     !L->out_row_step && (uint32_t)((L->kw + L->stride_w) * L->cin) <= R
                 ? 2
                 : 1;
    int taps = L->kw + (px - 1) * L->stride_w; /* the window's taps */
    *packed = *L;
    packed->kw = 1;
    packed->pad_left = 0;
    packed->stride_w = 1;
    packed->cin = taps * L->cin;
    packed->cout = px * L->cout;
    packed->out_w = L->out_w / px;
    /* packed grid: only what is read */
    packed->in_w = L->stride_w == 1 && px == 1 ? L->in_w : packed->out_w;
    P->pack_kw = taps, P->pack_cin = L->cin, P->pack_left = L->pad_left;
    P->pack_step = L->stride_w * px, P->pack_in_w = L->in_w;
    P->pack_px = px, P->pack_cout = L->cout;
    return 1;
}

int mica_gemm_packs_wide(const mica_hw_config_t *hw, const mica_gemm_layer_t *L) {
    mica_gemm_layer_t packed;
    mica_gemm_plan_t P;
    memset(&P, 0, sizeof P);
    return pack_taps(L, hw->rows, hw->cols, 1, &packed, &P) && P.pack_px > 1;
}

int mica_gemm_row_view(const mica_gemm_plan_t *P, int R, int p, int *x0) {
    int span = R / P->pack_cin, view = 0;
    for (int q = 0; q <= p; q++) {
        int lo = q * P->pack_step - P->pack_left, a = lo < 0 ? 0 : lo, e = lo + P->pack_kw;
        e = e > P->pack_in_w ? P->pack_in_w : e;
        if (q == 0)
            *x0 = a;
        else if (e > *x0 + span)
            *x0 = a, view++;
    }
    return view;
}

/* Packed taps leave most array rows idle when kw * cin is small (KWS: 4 of 16): pack G kernel
 * rows too. A LOAD writes a whole ASPAD row from one contiguous run of memory, and G image rows'
 * taps are never contiguous in the image, so a first pass (gemm_rowpack.c) lays the rows out in
 * memory with identity MATMULs and STOREs, at the end of the layer's own output, which the last
 * band overwrites only after loading it. Run layer row k is
 * packed grid row k*rstep - pad_top (rstep = stride when G kernel rows are whole strides: only the
 * rows the outputs read), kernel row group g its "kernel row" g: kh = ceil(kh / G), the image's
 * padding rows and the last group's missing rows read as the zero point (outside the image) and
 * meet zero weights (mica_gemm_weight). The first pass reads the image through views: ASPAD rows
 * of R / cin pixels from x0 on, each holding whole windows (mica_gemm_row_view). */
static int pack_rows(const mica_hw_config_t *hw, const mica_gemm_layer_t *L0, mica_gemm_layer_t *L,
                     mica_gemm_plan_t *P) {
    int kwc = L->cin, lanes = (int)(hw->rows < hw->cols ? hw->rows : hw->cols);
    int G = lanes / kwc < L0->kh ? lanes / kwc : L0->kh, s = L0->stride_h, dil = L0->dil_h;
    if (G < 2 || L0->out_pixel_step || L0->out_row_step)
        return 0;
    int groups = (L0->kh + G - 1) / G, rstep = (G * dil) % s == 0 ? s : 1;
    int rows = (L0->out_h - 1) * s / rstep + (groups - 1) * G * dil / rstep + 1;
    uint64_t t_bytes = (uint64_t)rows * L->in_w * G * kwc,
             out_bytes = (uint64_t)L0->out_h * L0->out_w * L0->cout;
    int x0, views = mica_gemm_row_view(P, (int)hw->rows, L->in_w - 1, &x0) + 1;
    uint32_t strip = 2 * hw->rows + (uint32_t)(L0->pad_left * L0->cin); /* at most */
    if (rstep > 15 || (uint64_t)rows * L->in_w > hw->acc_depth ||
        (uint64_t)views * L0->in_h > hw->aspad_depth || (uint64_t)G * strip > hw->wspad_depth ||
        t_bytes > out_bytes || L0->pad_top + (G - 1) * dil > 511)
        return 0;
    L->cin = G * kwc, L->kh = groups, L->in_h = rows, L->pad_top = 0;
    L->stride_h = s / rstep, L->dil_h = G * dil / rstep;
    P->pack_g = G, P->pack_kh = L0->kh, P->pack_rstep = rstep, P->pack_top = L0->pad_top;
    P->pack_dil = dil, P->pack_img_h = L0->in_h, P->pack_t_bytes = (uint32_t)t_bytes;
    return 1;
}

/* A 1x1 convolution with stride > 1 and no padding reads every stride-th input pixel only: run it
 * as the stride-1 convolution of those pixels (its input grid is the output grid), whose loads
 * pick them out of the image, instead of loading every pixel. */
static int subsample_1x1(const mica_gemm_layer_t *L, mica_gemm_layer_t *sub, mica_gemm_plan_t *P) {
    if (L->depthwise || L->pool || L->kh != 1 || L->kw != 1 || L->pad_top || L->pad_left ||
        (L->stride_h == 1 && L->stride_w == 1) || L->out_pixel_step || L->out_row_step)
        return 0;
    *sub = *L;
    sub->in_h = L->out_h, sub->in_w = L->out_w;
    sub->stride_h = sub->stride_w = 1;
    P->sub_h = L->stride_h, P->sub_w = L->stride_w, P->sub_in_w = L->in_w;
    return 1;
}

/* A stride-1 depthwise convolution with C <= lanes / 2 channels would leave half the vector lanes
 * idle: an ASPAD row holds two neighbouring pixels instead (2C lanes), so one DWCONV row computes
 * two output pixels. A tap whose input column offset d is even reads aligned pairs (2k, 2k+1)
 * (layout A: the image's own bytes, 2C per pair), an odd d the pairs (2k-1, 2k) (layout B, its
 * first and last pair half padding); a pair is wholly inside or outside the image, so the
 * feeder's padding stays exact. The run layer: 2C channels, half the width; weights and
 * parameters of lane c are channel c % C's (mica_gemm_channel). */
static int pair_pixels(const mica_gemm_layer_t *L, int lanes, mica_gemm_layer_t *run,
                       mica_gemm_plan_t *P) {
    if (!L->depthwise || L->pool || L->pixel_set || L->cin != L->cout || 2 * L->cin > lanes ||
        L->stride_w != 1 || L->in_w % 2 || L->out_w % 2 || L->out_pixel_step || L->out_row_step)
        return 0;
    *run = *L;
    run->cin = run->cout = 2 * L->cin;
    run->in_w = L->in_w / 2, run->out_w = L->out_w / 2;
    P->pair_c = L->cin;
    return 1;
}

/* A depthwise layer (or pool) with a 3-wide undilated kernel runs a kernel row per DWCONV of
 * three taps when the configuration has DWCONV_TAPS: the vector unit reads each input pixel of an
 * output line once for the three taps and the ACC once per output; a 3x3 undilated kernel runs
 * whole, one DWCONV of nine taps, when the window's line fits the line buffer (DWCONV_LINE): each
 * input pixel is then read once for all nine. Not on pixel pairs (a tap's pair layout depends on
 * its column's parity), and only while the window's line, (out_w-1)*stride + 3 pixels, and NINE's
 * lines, (out_h-1)*stride + 3, stay below the 4096 the hardware counts (hw/mica.json DWCONV). */
static int dw_row_taps(const mica_hw_config_t *hw, const mica_gemm_layer_t *L,
                       const mica_gemm_plan_t *P, int options) {
    int64_t line = (int64_t)(L->out_w - 1) * L->stride_w + MICA_DWCONV_TAPS_N,
            lines = (int64_t)(L->out_h - 1) * L->stride_h + MICA_DWCONV_TAPS_N;
    if (!(options & MICA_GEMM_TAPS) || !L->depthwise || P->pair_c || L->kw != MICA_DWCONV_TAPS_N ||
        L->dil_w != 1 || line > MICA_MATMUL_IN_W_MAX ||
        (mica_hw_absent(hw) & MICA_FEATURE_DWCONV_TAPS))
        return 1;
    if (L->kh == MICA_DWCONV_TAPS_N && L->dil_h == 1 && line <= MICA_DWCONV_LINE &&
        lines <= MICA_MATMUL_IN_H_MAX)
        return MICA_DWCONV_VSHADOW_ROWS;
    return MICA_DWCONV_TAPS_N;
}

/* ASPAD rows one input row takes: a row of pixels per input fold, or both pair layouts. */
static int64_t aspad_rows_per_input_row(const mica_gemm_layer_t *L, const mica_gemm_plan_t *P) {
    return P->pair_c ? 2 * (int64_t)L->in_w + 1 : (int64_t)P->cf * L->in_w;
}

/* Largest band of output rows whose accumulators fit acc_rows and whose input fits aspad_rows. */
static int largest_band(const mica_gemm_layer_t *L, const mica_gemm_plan_t *P, uint32_t acc_rows,
                        uint32_t aspad_rows) {
    int rows = (int)(acc_rows / (uint32_t)L->out_w);
    if (rows > L->out_h)
        rows = L->out_h;
    for (; rows > 0; rows--) {
        int need = (rows - 1) * L->stride_h + (L->kh - 1) * L->dil_h + 1;
        if (need > L->in_h)
            need = L->in_h;
        if (need * aspad_rows_per_input_row(L, P) <= (int64_t)aspad_rows)
            break;
    }
    return rows;
}

/* (ACC, ASPAD) buffers of each buffer split, best first: 2 = two halves, so that loads and stores
 * of one fold or band overlap the MATMULs of another (double buffering). */
static const int split_bufs[MICA_GEMM_SPLITS][2] = {{2, 2}, {2, 1}, {1, 1}};

int mica_gemm_set_split(const mica_hw_config_t *hw, const mica_gemm_layer_t *L, mica_gemm_plan_t *P,
                        int split) {
    int acc = split_bufs[split][0], aspad = split_bufs[split][1];
    int rows = largest_band(L, P, hw->acc_depth / (uint32_t)acc, hw->aspad_depth / (uint32_t)aspad);
    if (rows == 0)
        return 0;
    P->acc_bufs = acc, P->aspad_bufs = aspad;
    P->acc_buf_rows = hw->acc_depth / (uint32_t)acc;
    P->aspad_buf_rows = hw->aspad_depth / (uint32_t)aspad;
    mica_gemm_set_band_rows(L, P, rows);
    return rows;
}

/* The first buffer split whose band holds at least one output row. */
static int choose_buffers(const mica_hw_config_t *hw, const mica_gemm_layer_t *L,
                          mica_gemm_plan_t *P, char *err, size_t errlen) {
    for (int k = 0; k < MICA_GEMM_SPLITS; k++)
        if (mica_gemm_set_split(hw, L, P, k))
            return 0;
    snprintf(err, errlen,
             "layer %s: one output row (%d pixels x %d input channels) does not fit the "
             "scratchpads; width tiling is not supported yet",
             L->name, L->out_w, L->cin);
    return -1;
}

void mica_gemm_set_band_rows(const mica_gemm_layer_t *L, mica_gemm_plan_t *P, int rows) {
    P->band_rows = rows;
    P->nbands = ceil_div(L->out_h, rows);
    int y0, y1;
    mica_gemm_band_input_rows(L, 0, rows, &y0, &y1);
    P->stream_input = !L->in_aspad && P->cf > 1 && (y1 - y0) * L->in_w >= 32; /* no loads */
}

/* Weight rows per output fold against WSPAD; PARAM sets against PARAM. */
static int choose_residency(const mica_hw_config_t *hw, const mica_gemm_layer_t *L,
                            mica_gemm_plan_t *P, char *err, size_t errlen) {
    int64_t tiles_rows = L->depthwise ? P->taps : (int64_t)P->taps * P->cf * hw->rows;
    if (tiles_rows > hw->wspad_depth) {
        snprintf(err, errlen, "layer %s: one output fold needs %lld weight rows, WSPAD has %u",
                 L->name, (long long)tiles_rows, hw->wspad_depth);
        return -1;
    }
    P->tile_rows = (uint32_t)tiles_rows;
    P->wgroup = 1;
    P->weights_resident = tiles_rows * P->nf <= hw->wspad_depth;
    P->wspad_bufs = P->weights_resident ? P->nf : 2 * tiles_rows <= hw->wspad_depth ? 2 : 1;
    P->nsets = L->pixel_set ? L->nsets : P->nf;
    P->params_resident = P->nsets <= (int)hw->param_sets;
    if (L->pixel_set && !P->params_resident) {
        snprintf(err, errlen, "layer %s: %d divisors need more than %u PARAM sets", L->name,
                 L->nsets, hw->param_sets);
        return -1;
    }
    P->param_bufs = P->params_resident ? 1 : hw->param_sets >= 2 ? 2 : 1;
    return 0;
}

int mica_gemm_set_wgroup(const mica_hw_config_t *hw, mica_gemm_plan_t *P, int group) {
    if (group < 1 || group > P->nf)
        return 0;
    if (P->weights_resident) {
        P->wspad_bufs = (P->nf + group - 1) / group; /* same rows: fold n at n x tile_rows */
    } else if (group > 1 && 2 * (uint64_t)group * P->tile_rows > hw->wspad_depth) {
        return 0; /* the two buffers the next group loads into while this one computes */
    }
    P->wgroup = group;
    return 1;
}

int mica_gemm_plan(const mica_hw_config_t *hw, const mica_gemm_layer_t *L0,
                   mica_gemm_layer_t *packed, const mica_gemm_layer_t **run, mica_gemm_plan_t *P,
                   int options, char *err, size_t errlen) {
    memset(P, 0, sizeof *P);
    int lanes = (int)(hw->rows < hw->cols ? hw->rows : hw->cols);
    /* an input already in ASPAD (chain) has the plain layout: no packing, no subsampling */
    int taps =
        L0->in_aspad ? 0 : pack_taps(L0, hw->rows, hw->cols, options & MICA_GEMM_WIDE, packed, P);
    if (taps && P->pack_px == 1 && (options & MICA_GEMM_ROWS))
        pack_rows(hw, L0, packed, P);
    const mica_gemm_layer_t *L =
        taps || (!L0->in_aspad && subsample_1x1(L0, packed, P)) ||
                ((options & MICA_GEMM_PAIRS) && pair_pixels(L0, lanes, packed, P))
            ? packed
            : L0;
    *run = L;
    P->in_fold = L->depthwise ? lanes : (int)hw->rows;
    P->out_fold = L->depthwise ? lanes : (int)hw->cols;
    P->cf = ceil_div(L->cin, P->in_fold);
    P->nf = ceil_div(L->cout, P->out_fold);
    P->taps = L->kh * L->kw;
    P->dw_taps = dw_row_taps(hw, L, P, options);
    return choose_buffers(hw, L, P, err, errlen) || choose_residency(hw, L, P, err, errlen) ? -1
                                                                                            : 0;
}

#define TEXT(...)                                                                                  \
    (used = strlen(buf),                                                                           \
     used + 1 < len ? (void)snprintf(buf + used, len - used, __VA_ARGS__) : (void)0)

void mica_gemm_plan_text(const mica_hw_config_t *hw, const mica_gemm_layer_t *L,
                         const mica_gemm_plan_t *P, char *buf, size_t len) {
    size_t used;
    const char *unit = L->depthwise ? "vector unit (DWCONV)" : "array (MATMUL)";
    TEXT("  tiling: %s, %dx%d taps, %d input fold%s of %d, %d output fold%s of %d\n", unit, L->kh,
         L->kw, P->cf, P->cf == 1 ? "" : "s", P->in_fold, P->nf, P->nf == 1 ? "" : "s",
         P->out_fold);
    if (P->dw_taps == MICA_DWCONV_VSHADOW_ROWS)
        TEXT("  kernel: %d taps per DWCONV (a line buffer and a sliding window: each input pixel "
             "read once)\n",
             P->dw_taps);
    else if (P->dw_taps > 1)
        TEXT("  kernel rows: %d taps per DWCONV (a sliding window over each output line)\n",
             P->dw_taps);
    if (P->pair_c)
        TEXT("  pixel pairs: %d channels x 2 pixels per vector row (an aligned and a shifted "
             "layout in ASPAD)\n",
             P->pair_c);
    if (P->sub_h)
        TEXT("  input: the %dx%d-strided 1x1 reads one pixel in %d: only those are loaded\n",
             P->sub_h, P->sub_w, P->sub_h * P->sub_w);
    if (P->pack_g)
        TEXT("  packing: %d kernel rows x %d taps x %d channels in one ASPAD row (%d of %u array "
             "rows), %d MATMULs per output fold instead of %d; laid out by a first pass (%d "
             "MATMULs, %d STOREs of %u bytes at the end of the output)\n",
             P->pack_g, P->pack_kw, P->pack_cin, P->pack_g * P->pack_kw * P->pack_cin, hw->rows,
             L->kh, P->pack_kh, P->pack_g * L->in_w, L->in_w, P->pack_t_bytes);
    else if (P->pack_kw)
        TEXT("  packing: %d taps x %d channels of a kernel row in one ASPAD row (%d of %u array "
             "rows)%s\n",
             P->pack_kw, P->pack_cin, P->pack_kw * P->pack_cin, hw->rows,
             P->pack_px > 1 ? ", the windows of two neighbouring outputs: one row feeds both "
                              "(their channels side by side in the array columns)"
                            : "");
    TEXT("  bands: %d of %d output rows (%d pixels)%s\n", P->nbands, P->band_rows,
         P->band_rows * L->out_w,
         P->stream_input ? ", first band's input folds streamed between MATMULs" : "");
    if (P->tail_parts > 1)
        TEXT("  tail: the last fold in %d parts of its rows, each stored while the next "
             "computes\n",
             P->tail_parts);
    TEXT("  buffers: ACC %d x %u rows, ASPAD %d x %u rows, WSPAD %d x %u rows (%s, %d fold%s per "
         "load%s%s), PARAM %d set%s %s%s\n",
         P->acc_bufs, P->acc_buf_rows, P->aspad_bufs, P->aspad_buf_rows, P->wspad_bufs,
         P->tile_rows * (uint32_t)P->wgroup,
         P->weights_resident ? "weights resident" : "weights reloaded per fold", P->wgroup,
         P->wgroup == 1 ? "" : "s", P->split_head ? ", the first's first tile alone" : "",
         P->split_tail ? ", the last split" : "", P->nsets, P->nsets == 1 ? "" : "s",
         P->params_resident   ? "resident"
         : P->param_bufs == 2 ? "double-buffered"
                              : "reloaded per fold",
         P->param_chunk ? ", loaded in chunks a fold ahead" : "");
}
