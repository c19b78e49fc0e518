/* The convolution plan (compiler/gemm_plan.c) for synthetic layers, no model file: every band's
 * accumulators fit its ACC buffer and its input rows (all input folds) its ASPAD buffer, bands
 * cover the output rows, folds cover every channel, weight buffers fit WSPAD; few-channel first
 * layers are packed, several kernel rows per ASPAD row where they fit; a row too wide is refused with the layer's name. Plus: an instruction field
 * that does not fit names the layer, field and value. */
#include <stdlib.h>
#include "gemm_plan.h"
#include "instr.h"
#include "test_compiler_util.h"

static mica_hw_config_t hw_of(uint32_t r, uint32_t c, uint32_t aspad, uint32_t wspad, uint32_t acc,
                              uint32_t sets) {
    mica_hw_config_t hw = {r, c, aspad, wspad, acc, sets, MICA_BUS_BYTES_DEFAULT, 0, 0, 0};
    return hw;
}

static mica_gemm_layer_t conv(int in_hw, int cin, int cout, int k, int stride, int same) {
    mica_gemm_layer_t L;
    memset(&L, 0, sizeof L);
    L.name = "t_conv";
    L.in_h = L.in_w = in_hw;
    L.cin = cin, L.cout = cout, L.kh = L.kw = k;
    L.stride_h = L.stride_w = stride, L.dil_h = L.dil_w = 1;
    int out = same ? (in_hw + stride - 1) / stride : (in_hw - k) / stride + 1;
    L.out_h = L.out_w = out;
    int pad = same ? ((out - 1) * stride + k - in_hw) / 2 : 0;
    L.pad_top = L.pad_left = pad > 0 ? pad : 0;
    return L;
}

static void check_plan(const mica_hw_config_t *hw, const mica_gemm_layer_t *L0, const char *what) {
    mica_gemm_plan_t P;
    mica_gemm_layer_t packed;
    const mica_gemm_layer_t *L;
    char err[256];
    int rc = mica_gemm_plan(hw, L0, &packed, &L, &P, 1, err, sizeof err);
    CHECK(rc == 0, "%s: refused: %s", what, err);
    if (rc)
        return;
    CHECK(P.cf * P.in_fold >= L->cin && (P.cf - 1) * P.in_fold < L->cin,
          "%s: input folds %d x %d for %d", what, P.cf, P.in_fold, L->cin);
    CHECK(P.nf * P.out_fold >= L->cout && (P.nf - 1) * P.out_fold < L->cout,
          "%s: output folds %d x %d for %d", what, P.nf, P.out_fold, L->cout);
    CHECK(P.nbands * P.band_rows >= L->out_h && (P.nbands - 1) * P.band_rows < L->out_h,
          "%s: bands", what);
    CHECK((uint32_t)(P.band_rows * L->out_w) <= P.acc_buf_rows &&
              P.acc_bufs * P.acc_buf_rows <= hw->acc_depth,
          "%s: ACC", what);
    CHECK(P.aspad_bufs * P.aspad_buf_rows <= hw->aspad_depth, "%s: ASPAD halves", what);
    for (int band = 0; band < P.nbands; band++) {
        int y0, y1;
        mica_gemm_band_input_rows(L, band * P.band_rows, mica_gemm_band_rows(L, &P, band), &y0,
                                  &y1);
        CHECK(y0 >= 0 && y1 <= L->in_h && y0 < y1, "%s: band %d reads rows %d..%d", what, band, y0,
              y1);
        CHECK((uint32_t)(P.cf * (y1 - y0) * L->in_w) <= P.aspad_buf_rows,
              "%s: band %d input does not fit ASPAD", what, band);
    }
    CHECK((uint64_t)P.wspad_bufs * P.tile_rows <= hw->wspad_depth, "%s: WSPAD %d x %u", what,
          P.wspad_bufs, P.tile_rows);
    CHECK(P.params_resident ? P.nsets <= (int)hw->param_sets : P.param_bufs <= 2, "%s: PARAM",
          what);
}

static void plans(void) {
    mica_hw_config_t big = hw_of(16, 16, 4096, 4096, 1024, 64),
                     small = hw_of(4, 4, 1024, 512, 64, 4);
    mica_gemm_layer_t L = conv(32, 32, 64, 3, 1, 1);
    check_plan(&big, &L, "32x32x32 -> 64, 3x3 on 16x16");
    check_plan(&small, &L, "32x32x32 -> 64, 3x3 on 4x4");
    L = conv(15, 20, 33, 3, 2, 1);
    check_plan(&big, &L, "stride 2, odd channels");
    check_plan(&small, &L, "stride 2, odd channels, 4x4");
    L = conv(7, 8, 8, 7, 1, 0);
    check_plan(&big, &L, "7x7 VALID, one output pixel");
    L = conv(12, 16, 16, 3, 1, 1);
    L.depthwise = 1;
    check_plan(&small, &L, "depthwise on 4x4");
    L = conv(1, 300, 10, 1, 1, 0);
    L.in_w = L.out_w = 1;
    check_plan(&small, &L, "fully connected 300 -> 10");
}

static void packing(void) {
    mica_hw_config_t hw = hw_of(16, 16, 4096, 4096, 1024, 64);
    mica_gemm_layer_t L = conv(28, 3, 8, 3, 1, 1), packed;
    const mica_gemm_layer_t *run;
    mica_gemm_plan_t P;
    char err[256];
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, 1, err, sizeof err) == 0, "first layer: %s",
          err);
    CHECK(run == &packed && P.pack_kw == 3 && run->cin == 9 && run->kw == 1 && P.cf == 1,
          "3 taps x 3 channels in one fold");
    check_plan(&hw, &L, "packed first layer");
    L = conv(28, 8, 8, 3, 1, 1); /* 3 x 8 channels > 16 rows: not packed */
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, 1, err, sizeof err) == 0 && run == &L &&
              P.pack_kw == 0,
          "8 channels: not packed");
    /* an input already in ASPAD (on-chip chain) keeps the plain layout the previous layer stored:
     * neither packed taps nor a subsampled strided 1x1 */
    L = conv(28, 3, 8, 3, 1, 1);
    L.in_aspad = 1;
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, 3, err, sizeof err) == 0 && run == &L &&
              P.pack_kw == 0 && P.pack_g == 0,
          "chained input: not packed");
    L = conv(28, 16, 16, 1, 2, 0);
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, 0, err, sizeof err) == 0 && run == &packed &&
              P.sub_h == 2,
          "strided 1x1: subsampled");
    L.in_aspad = 1;
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, 0, err, sizeof err) == 0 && run == &L &&
              P.sub_h == 0,
          "chained strided 1x1: not subsampled");
}

/* KWS's first layer: 49x10x1, 10x4 kernel, stride 2, SAME (pad 4 rows on top, 1 column left). */
static mica_gemm_layer_t kws_conv(const int8_t *w) {
    mica_gemm_layer_t L = conv(49, 1, 64, 10, 2, 1);
    L.in_w = 10, L.out_h = 25, L.out_w = 5, L.kw = 4, L.pad_top = 4, L.pad_left = 1;
    L.weights = w;
    return L;
}

/* Packed kernel rows: G = lanes / (kw * cin) kernel rows per ASPAD row, ceil(kh / G) groups as the
 * run layer's kernel rows, the packed rows the outputs read (row step = stride when G rows are
 * whole strides), the missing rows of the last group zero weights, the first pass's views. */
static void rowpacking(void) {
    static int8_t w[64 * 10 * 4];
    for (int i = 0; i < 64 * 10 * 4; i++)
        w[i] = (int8_t)(i % 251 - 125) | 1; /* no zero weight */
    mica_hw_config_t hw = hw_of(16, 16, 4096, 4096, 1024, 64),
                     hw8 = hw_of(8, 8, 4096, 4096, 1024, 64);
    mica_gemm_layer_t L = kws_conv(w), packed;
    const mica_gemm_layer_t *run;
    mica_gemm_plan_t P;
    char err[256];
    int all = MICA_GEMM_PAIRS | MICA_GEMM_ROWS, x0 = -1;
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, all, err, sizeof err) == 0, "kws: %s", err);
    CHECK(P.pack_g == 4 && run->kh == 3 && run->kw == 1 && run->cin == 16 && P.taps == 3 &&
              P.pack_rstep == 2 && run->stride_h == 1 && run->dil_h == 2 && run->pad_top == 0,
          "kws 16x16: G %d, %d groups of %d lanes, row step %d", P.pack_g, run->kh, run->cin,
          P.pack_rstep);
    /* packed rows k = image rows 2k - 4 ..: outputs 0..24 of groups 0..2 read 29 rows */
    CHECK(run->in_h == 29 && P.pack_t_bytes == 29 * 5 * 16, "kws: %d packed rows", run->in_h);
    int y0, y1;
    mica_gemm_band_input_rows(run, 0, 25, &y0, &y1);
    CHECK(y0 == 0 && y1 == 29, "kws band reads packed rows %d..%d", y0, y1);
    /* group 2 = kernel rows 8, 9 and two missing rows; lane 4j + x is row 4t + j, tap x */
    CHECK(mica_gemm_weight(run, &P, 5, 2, 1) == w[(5 * 10 + 8) * 4 + 1] &&
              mica_gemm_weight(run, &P, 5, 1, 7) == w[(5 * 10 + 5) * 4 + 3] &&
              mica_gemm_weight(run, &P, 5, 2, 8) == 0 && mica_gemm_weight(run, &P, 63, 2, 15) == 0,
          "kws: repacked weights");
    check_plan(&hw, &L, "kws packed rows");
    CHECK(mica_gemm_row_view(&P, 16, 4, &x0) == 0 && x0 == 0, "kws 16x16: one view");
    CHECK(mica_gemm_plan(&hw8, &L, &packed, &run, &P, all, err, sizeof err) == 0 && P.pack_g == 2 &&
              run->kh == 5 && run->in_h == 29 && run->dil_h == 1,
          "kws 8x8: G %d, %d groups", P.pack_g, run->kh);
    /* windows -1..2, 1..4, 3..6 in pixels 0..7; 5..8 and 7..10 (clipped to 9) in 5..12 */
    CHECK(mica_gemm_row_view(&P, 8, 2, &x0) == 0 && x0 == 0 &&
              mica_gemm_row_view(&P, 8, 4, &x0) == 1 && x0 == 5,
          "kws 8x8: views");
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, MICA_GEMM_PAIRS, err, sizeof err) == 0 &&
              P.pack_g == 0 && P.pack_kw == 4 && run->kh == 10,
          "rows not asked for: taps only");
    L = conv(20, 1, 64, 5, 2, 1); /* 5 taps: G = 3 rows, not whole strides: every packed row */
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, all, err, sizeof err) == 0 && P.pack_g == 3 &&
              run->kh == 2 && P.pack_rstep == 1 && run->stride_h == 2 && run->dil_h == 3 &&
              run->in_h == (10 - 1) * 2 + 3 + 1,
          "G 3 at stride 2: row step %d, stride %d, %d rows", P.pack_rstep, run->stride_h,
          run->in_h);
    L = conv(14, 1, 2, 4, 1, 0); /* 11 x 11 x 2 output bytes < 14 packed rows x 11 x 16 */
    CHECK(mica_gemm_plan(&hw, &L, &packed, &run, &P, all, err, sizeof err) == 0 && P.pack_g == 0 &&
              P.pack_kw == 4,
          "output too small for the packed rows: taps only");
}

static void refusals(void) {
    mica_hw_config_t tiny = hw_of(4, 4, 64, 512, 32, 4);
    mica_gemm_layer_t L = conv(40, 4, 4, 1, 1, 0), packed; /* one row of 40 pixels > 32 ACC rows */
    const mica_gemm_layer_t *run;
    mica_gemm_plan_t P;
    char err[256] = "";
    CHECK(mica_gemm_plan(&tiny, &L, &packed, &run, &P, 1, err, sizeof err) == -1,
          "too wide accepted");
    CHECK_HAS(err, "layer t_conv: one output row (40 pixels x 4 input channels) does not fit");
    mica_hw_config_t narrow_w = hw_of(4, 4, 4096, 16, 1024, 4);
    L = conv(8, 8, 4, 3, 1, 1); /* 9 taps x 2 folds x 4 rows = 72 weight rows > 16 */
    CHECK(mica_gemm_plan(&narrow_w, &L, &packed, &run, &P, 1, err, sizeof err) == -1,
          "WSPAD overflow accepted");
    CHECK_HAS(err, "needs 72 weight rows, WSPAD has 16");
}

static void field_errors(void) {
    mica_builder_t b;
    memset(&b, 0, sizeof b);
    mica_instr_t in;
    mica_rows_t r = {0, 70000, 16, 0, 16}; /* rows is 16 bits */
    CHECK(mica_instr_load(&b, "7_conv", MICA_LOAD_TARGET_ASPAD, &r, 0, 0, &in) == -1,
          "rows 70000 encoded");
    CHECK_HAS(b.err, "layer 7_conv: value 70000 does not fit instruction field LOAD_ROWS");
    mica_requant_t q = {MICA_STORE_ROUND_DOUBLE, 0, -128, 127};
    mica_rows_t s = {0, 1, 16, 0, 70000};
    CHECK(mica_instr_store(&b, "ADD", &q, &s, 0, &in) == -1, "ext_stride 70000 encoded");
    CHECK_HAS(b.err, "value 70000 does not fit instruction field STORE_EXT_STRIDE");
    mica_matmul_fields_t f = {.off_y = -40000,
                              .in_h = 1,
                              .in_w = 1,
                              .out_h = 1,
                              .out_w = 1,
                              .stride_y = 1,
                              .stride_x = 1};
    CHECK(MICA_ENCODE(&b, "3_dw", matmul, &f, &in) == -1, "off_y -40000 encoded");
    CHECK_HAS(b.err, "value -40000 does not fit instruction field MATMUL_OFF_Y");
}

int main(void) {
    plans();
    packing();
    rowpacking();
    refusals();
    field_errors();
    return TEST_DONE("test_compiler_tiling");
}
