/* The reference interpreter of the ISA (driver/core/isa_ref*.c) against hand-computed expectations
 * from hw/mica.json's pseudo-code: every opcode on a 2x3 array (LANES = 2, so lanes past LANES and
 * padding show), every error code with its ERROR_PC and the check order of rtl/mica_decode.sv, the
 * CSRs. Given compiled programs (FILE.mica...), it also runs each through libmica on func:plan=0
 * (every run interpreted) and func (translated after the first run) and compares outputs and
 * counters over several inputs.
 * usage: test_isa_ref [FILE.mica...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica.h"
#include "mica_isa_ref.h"
#include "mica_fixedpoint.h"
#include "test_check.h"

enum { MEM = 4096, CODE = 0x800, SRC = 0x100, OUT = 0x400 };
static const mica_hw_config_t CFG = {2, 3, 8, 8,
                                     8, 2, 8}; /* R 2, C 3, depths 8, 2 PARAM sets, 8-byte bus */

static mica_instr_t op(unsigned opcode) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, opcode);
    return in;
}

static mica_instr_t load(unsigned target, unsigned mem_addr, unsigned rows, unsigned len,
                         unsigned col, uint32_t ext, uint32_t stride, int fill) {
    mica_instr_t in = op(MICA_OP_LOAD);
    MICA_SET(&in, MICA_F_LOAD_TARGET, target);
    MICA_SET(&in, MICA_F_LOAD_MEM_ADDR, mem_addr);
    MICA_SET(&in, MICA_F_LOAD_ROWS, rows);
    MICA_SET(&in, MICA_F_LOAD_LEN, len);
    MICA_SET(&in, MICA_F_LOAD_COL, col);
    MICA_SET(&in, MICA_F_LOAD_EXT_ADDR, ext);
    MICA_SET(&in, MICA_F_LOAD_EXT_STRIDE, stride);
    MICA_SET(&in, MICA_F_LOAD_FILL, fill);
    return in;
}

static mica_instr_t loadw(unsigned addr, int vector) {
    mica_instr_t in = op(MICA_OP_LOADW);
    MICA_SET(&in, MICA_F_LOADW_WSPAD_ADDR, addr);
    MICA_SET(&in, MICA_F_LOADW_VECTOR, vector);
    return in;
}

/* MATMUL or DWCONV over a 1 x IN_W tile at ASPAD row 0 into ACC row 0, 1 x 2 outputs. */
static mica_instr_t window(unsigned opcode, int accumulate, int z, int off_x, unsigned mode) {
    mica_instr_t in = op(opcode);
    MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, accumulate);
    MICA_SET(&in, MICA_F_MATMUL_Z_IN, z);
    MICA_SET(&in, MICA_F_MATMUL_IN_H, 1);
    MICA_SET(&in, MICA_F_MATMUL_IN_W, 2);
    MICA_SET(&in, MICA_F_MATMUL_OUT_H, 1);
    MICA_SET(&in, MICA_F_MATMUL_OUT_W, 2);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
    MICA_SET(&in, MICA_F_MATMUL_OFF_X, off_x);
    if (opcode == MICA_OP_DWCONV)
        MICA_SET(&in, MICA_F_DWCONV_MODE, mode);
    return in;
}

static mica_instr_t rescale(int accumulate, int z, uint32_t mult, unsigned left, unsigned right) {
    mica_instr_t in = op(MICA_OP_RESCALE);
    MICA_SET(&in, MICA_F_RESCALE_ACCUMULATE, accumulate);
    MICA_SET(&in, MICA_F_RESCALE_Z_IN, z);
    MICA_SET(&in, MICA_F_RESCALE_ASPAD_ADDR, 1);
    MICA_SET(&in, MICA_F_RESCALE_ROWS, 1);
    MICA_SET(&in, MICA_F_RESCALE_MULT, mult);
    MICA_SET(&in, MICA_F_RESCALE_LEFT_SHIFT, left);
    MICA_SET(&in, MICA_F_RESCALE_RIGHT_SHIFT, right);
    return in;
}

/* STORE of ACC row 0, 3 columns, PARAM set 1, to OUT. */
static mica_instr_t store(unsigned round, int z, int lo, int hi) {
    mica_instr_t in = op(MICA_OP_STORE);
    MICA_SET(&in, MICA_F_STORE_ROUND, round);
    MICA_SET(&in, MICA_F_STORE_ROWS, 1);
    MICA_SET(&in, MICA_F_STORE_LEN, 3);
    MICA_SET(&in, MICA_F_STORE_PARAM_SET, 1);
    MICA_SET(&in, MICA_F_STORE_EXT_ADDR, OUT);
    MICA_SET(&in, MICA_F_STORE_EXT_STRIDE, 3);
    MICA_SET(&in, MICA_F_STORE_Z_OUT, z);
    MICA_SET(&in, MICA_F_STORE_ACT_MIN, lo);
    MICA_SET(&in, MICA_F_STORE_ACT_MAX, hi);
    return in;
}

/* Runs the N instructions, then END (unless NO_END) from CODE; returns the error code. */
static uint32_t run(mica_isa_ref_t *s, const mica_instr_t *prog, unsigned n, int no_end) {
    mica_instr_t end = op(MICA_OP_END);
    memcpy(s->mem + CODE, prog, n * sizeof *prog);
    memcpy(s->mem + CODE + n * MICA_INSTR_BYTES, &end, sizeof end);
    s->prog_addr = CODE;
    s->prog_len = n + !no_end;
    return mica_isa_ref_run(s);
}

static int acc_is(const mica_isa_ref_t *s, unsigned row, int32_t a, int32_t b, int32_t c) {
    const int32_t *r = s->acc + row * CFG.cols;
    if (r[0] == a && r[1] == b && r[2] == c)
        return 1;
    printf("  ACC row %u = {%d, %d, %d}, want {%d, %d, %d}\n", row, r[0], r[1], r[2], a, b, c);
    return 0;
}

/* ASPAD rows 0 and 1: pixels {1, 2} and {3, -4}; WSPAD rows 0, 1: W = {1, 0, -1}, {2, 1, 0};
 * WSPAD row 2: the vector weights {3, -2, 7}. */
static const int8_t PIXELS[4] = {1, 2, 3, -4}, WEIGHTS[9] = {1, 0, -1, 2, 1, 0, 3, -2, 7};

static void test_load(mica_isa_ref_t *s) {
    const int8_t src[3] = {7, 0, 9};
    memcpy(s->mem + SRC, src, 3);
    /* two WSPAD rows, one byte each at col 1 (rows at SRC and SRC + 2), fill -5 around it */
    mica_instr_t in = load(MICA_LOAD_TARGET_WSPAD, 4, 2, 1, 1, SRC, 2, -5);
    CHECK(run(s, &in, 1, 0) == MICA_ERR_NONE, "LOAD col/fill: error %u", s->error_code);
    const int8_t want[6] = {-5, 7, -5, -5, 9, -5};
    CHECK(!memcmp(s->wspad + 4 * CFG.cols, want, 6), "LOAD col/fill rows %d %d %d / %d %d %d",
          s->wspad[12], s->wspad[13], s->wspad[14], s->wspad[15], s->wspad[16], s->wspad[17]);
    CHECK(s->counters[MICA_CNT_WSPAD_WRITES] == 2 && s->counters[MICA_CNT_ASPAD_WRITES] == 0,
          "LOAD WSPAD_WRITES %llu", (unsigned long long)s->counters[MICA_CNT_WSPAD_WRITES]);
    CHECK(s->counters[MICA_CNT_DMA_RD_BYTES] == 16,
          "LOAD DMA_RD_BYTES %llu: two 1-byte rows are one 8-byte beat each",
          (unsigned long long)s->counters[MICA_CNT_DMA_RD_BYTES]);
    s->counting = MICA_REF_COUNT_PAYLOAD;
    run(s, &in, 1, 0);
    CHECK(s->counters[MICA_CNT_DMA_RD_BYTES] == 2, "LOAD payload DMA_RD_BYTES %llu",
          (unsigned long long)s->counters[MICA_CNT_DMA_RD_BYTES]);
    s->counting = MICA_REF_COUNT_RTL;
    /* a PARAM row: COLS little-endian int32 */
    const int32_t words[3] = {-1, 70000, 1 << 30};
    memcpy(s->mem + SRC, words, sizeof words);
    in = load(MICA_LOAD_TARGET_PARAM, 5, 1, 12, 0, SRC, 0, 0);
    CHECK(run(s, &in, 1, 0) == MICA_ERR_NONE &&
              !memcmp(s->param + 5 * CFG.cols, words, sizeof words),
          "LOAD PARAM row");
}

/* Pixels and weights into ASPAD and WSPAD through LOADs, then LOADW. */
static void load_operands(mica_isa_ref_t *s, int vector) {
    memcpy(s->mem + SRC, PIXELS, sizeof PIXELS);
    memcpy(s->mem + SRC + 16, WEIGHTS, sizeof WEIGHTS);
    mica_instr_t prog[3] = {load(MICA_LOAD_TARGET_ASPAD, 0, 2, 2, 0, SRC, 2, 0),
                            load(MICA_LOAD_TARGET_WSPAD, 0, 3, 3, 0, SRC + 16, 3, 0),
                            loadw(vector ? 2 : 0, vector)};
    CHECK(run(s, prog, 3, 0) == MICA_ERR_NONE, "operand LOADs: error %u", s->error_code);
    CHECK(s->counters[MICA_CNT_WSPAD_READS] == (vector ? 1u : CFG.rows), "LOADW WSPAD_READS %llu",
          (unsigned long long)s->counters[MICA_CNT_WSPAD_READS]);
}

static void test_matmul(mica_isa_ref_t *s) {
    load_operands(s, 0);
    /* z_in 1: a = {0, 1}, {2, -5}. Pass 1 (off_x -1): out 0 is padding, out 1 reads pixel 0: a W =
     * {2, 1, 0}. Pass 2 (accumulate, off_x 0): + {2, 1, 0} and + {2 - 10, -5, -2}. */
    mica_instr_t prog[2] = {window(MICA_OP_MATMUL, 0, 1, -1, 0),
                            window(MICA_OP_MATMUL, 1, 1, 0, 0)};
    CHECK(run(s, prog, 2, 0) == MICA_ERR_NONE, "MATMUL: error %u", s->error_code);
    CHECK(acc_is(s, 0, 2, 1, 0) && acc_is(s, 1, -6, -4, -2), "MATMUL results");
    CHECK(s->counters[MICA_CNT_MACS] == 24 && s->counters[MICA_CNT_ACC_WRITES] == 4 &&
              s->counters[MICA_CNT_ACC_READS] == 2,
          "MATMUL MACS %llu ACC_WRITES %llu ACC_READS %llu",
          (unsigned long long)s->counters[MICA_CNT_MACS],
          (unsigned long long)s->counters[MICA_CNT_ACC_WRITES],
          (unsigned long long)s->counters[MICA_CNT_ACC_READS]);
    CHECK(s->counters[MICA_CNT_ASPAD_READS] == 3,
          "MATMUL ASPAD_READS %llu: the padded pixel is not read",
          (unsigned long long)s->counters[MICA_CNT_ASPAD_READS]);
    s->counting = MICA_REF_COUNT_PAYLOAD;
    run(s, prog, 2, 0);
    CHECK(s->counters[MICA_CNT_ASPAD_READS] == 4, "MATMUL payload ASPAD_READS %llu",
          (unsigned long long)s->counters[MICA_CNT_ASPAD_READS]);
    s->counting = MICA_REF_COUNT_RTL;
}

static void test_dwconv(mica_isa_ref_t *s) {
    load_operands(s, 1);
    /* MAC, z 1: a = {0, 1}, {2, -5} times V = {3, -2, 7}; column 2 is past LANES: 0. */
    mica_instr_t mac = window(MICA_OP_DWCONV, 0, 1, 0, MICA_DWCONV_MODE_MAC);
    CHECK(run(s, &mac, 1, 0) == MICA_ERR_NONE && acc_is(s, 0, 0, -2, 0) && acc_is(s, 1, 6, 10, 0),
          "DWCONV MAC");
    CHECK(s->counters[MICA_CNT_MACS] == 4, "DWCONV MACS %llu (LANES per pixel)",
          (unsigned long long)s->counters[MICA_CNT_MACS]);
    /* MAX, z 0: {1, 2}, {3, -4}; then accumulate with off_x -1: max with 0 (padding) and {1, 2}. */
    mica_instr_t max[2] = {window(MICA_OP_DWCONV, 0, 0, 0, MICA_DWCONV_MODE_MAXIMUM),
                           window(MICA_OP_DWCONV, 1, 0, -1, MICA_DWCONV_MODE_MAXIMUM)};
    CHECK(run(s, max, 1, 0) == MICA_ERR_NONE && acc_is(s, 0, 1, 2, 0) && acc_is(s, 1, 3, -4, 0),
          "DWCONV MAX");
    CHECK(run(s, max, 2, 0) == MICA_ERR_NONE && acc_is(s, 0, 1, 2, 0) && acc_is(s, 1, 3, 2, 0),
          "DWCONV MAX accumulate");
}

/* A 3x3 DWCONV of nine taps (either mode, strides 1 and 2, padding on every side) against the
 * same window as nine one-tap DWCONVs, tap (k, t) with its own Vshadow row 0, accumulating. */
static void test_dwconv_nine(mica_isa_ref_t *s) {
    uint32_t C = CFG.cols;
    for (int mode = 0; mode <= 1; mode++)
        for (unsigned stride = 1; stride <= 2; stride++) {
            int32_t want[8 * 3];
            for (unsigned i = 0; i < CFG.aspad_depth * CFG.rows; i++)
                s->aspad[i] = (int8_t)(i * 37 + 11 * stride + (unsigned)mode);
            for (unsigned i = 0; i < CFG.wspad_depth * C; i++)
                s->wspad[i] = (int8_t)(i * 53 + 5);
            mica_instr_t w = window(MICA_OP_DWCONV, 0, -3, -1, (unsigned)mode), one[18];
            MICA_SET(&w, MICA_F_MATMUL_IN_H, 3);
            MICA_SET(&w, MICA_F_MATMUL_IN_W, 2);
            MICA_SET(&w, MICA_F_MATMUL_OUT_H, 4 - stride);
            MICA_SET(&w, MICA_F_MATMUL_STRIDE_Y, stride);
            MICA_SET(&w, MICA_F_MATMUL_OFF_Y, -1);
            for (unsigned t = 0; t < 9; t++) { /* tap t's weights: WSPAD row t % 8 */
                one[2 * t] = loadw(t % 8, 1);
                one[2 * t + 1] = w;
                MICA_SET(&one[2 * t + 1], MICA_F_MATMUL_ACCUMULATE, t > 0);
                MICA_SET(&one[2 * t + 1], MICA_F_MATMUL_OFF_Y, -1 + (int)(t / 3));
                MICA_SET(&one[2 * t + 1], MICA_F_MATMUL_OFF_X, -1 + (int)(t % 3));
            }
            CHECK(run(s, one, 18, 0) == MICA_ERR_NONE, "nine one-tap DWCONVs");
            memcpy(want, s->acc, sizeof want);
            mica_instr_t nine[10];
            for (unsigned j = 0; j < 9; j++) { /* Vshadow row i = 8 - j: tap (2 - i / 3, i % 3) */
                unsigned i = 8 - j, tap = (2 - i / 3) * 3 + i % 3;
                nine[j] = loadw(tap % 8, 1);
            }
            nine[9] = w;
            MICA_SET(&nine[9], MICA_F_DWCONV_TAPS, MICA_DWCONV_TAPS_NINE);
            memset(s->acc, 0x5a, sizeof want);
            CHECK(run(s, nine, 10, 0) == MICA_ERR_NONE &&
                      !memcmp(want, s->acc, (size_t)(4 - stride) * 2 * C * sizeof *want),
                  "DWCONV NINE mode %d stride %u equals nine one-tap DWCONVs", mode, stride);
            /* it streams every pixel of the window's 3 + (out_h-1)*stride lines once */
            uint64_t lines = 3 + (3 - stride) * stride, line = 2 - 1 + 3;
            CHECK(s->counters[MICA_CNT_MACS] == lines * line * 2, "DWCONV NINE MACS %llu",
                  (unsigned long long)s->counters[MICA_CNT_MACS]);
        }
}

static void test_rescale(mica_isa_ref_t *s) {
    load_operands(s, 0);
    /* ASPAD row 1 = {3, -4}, z -7: a = {10, 3}. mult 2^30 (one half): SRDHM(10) = 11 * 2^30 / 2^31
     * = 5 (truncated), SRDHM(3) = 2. Then accumulate with left 1, right 1: SRDHM(20) = 10,
     * SRDHM(6) = 3, RoundingDivideByPOT by 2: 5, 2 (1.5 away from zero). */
    mica_instr_t prog[2] = {rescale(0, -7, 1u << 30, 0, 0), rescale(1, -7, 1u << 30, 1, 1)};
    CHECK(run(s, prog, 1, 0) == MICA_ERR_NONE && acc_is(s, 0, 5, 2, 0), "RESCALE");
    CHECK(run(s, prog, 2, 0) == MICA_ERR_NONE && acc_is(s, 0, 10, 4, 0), "RESCALE accumulate");
    /* z 7: a = {-4, -11}: SRDHM = (-5 * 2^30 + 1) / 2^31 -> -2, (-12 * 2^30 + 1) / 2^31 -> -5 */
    mica_instr_t neg = rescale(0, 7, 1u << 30, 0, 0);
    CHECK(run(s, &neg, 1, 0) == MICA_ERR_NONE && acc_is(s, 0, -2, -5, 0), "RESCALE negative");
    CHECK(s->counters[MICA_CNT_MACS] == 2 && s->counters[MICA_CNT_ASPAD_READS] == 1,
          "RESCALE MACS %llu", (unsigned long long)s->counters[MICA_CNT_MACS]);
}

/* ACC row 0 = {102, -102, 5}; PARAM set 1: bias 0, multipliers 2^30, 2^30, 2^31 (as int32), shifts -1, -1, 0. */
static void store_operands(mica_isa_ref_t *s) {
    const int32_t acc[3] = {102, -102, 5},
                  set[12] = {0, 0, 0, 1 << 30, 1 << 30, INT32_MIN, -1, -1, 0, 0, 0, 0};
    memcpy(s->acc, acc, sizeof acc);
    memcpy(s->param + MICA_PARAM_ROWS * CFG.cols, set, sizeof set);
}

static int out_is(const mica_isa_ref_t *s, int a, int b, int c) {
    const int8_t *o = (const int8_t *)s->mem + OUT;
    if (o[0] == a && o[1] == b && o[2] == c)
        return 1;
    printf("  out = {%d, %d, %d}, want {%d, %d, %d}\n", o[0], o[1], o[2], a, b, c);
    return 0;
}

static void test_store(mica_isa_ref_t *s) {
    /* round 0: SRDHM(102, 2^30) = 51, RDBPOT(51, 1) = 26; -102: -51, -26; SRDHM(5, -2^31) = -5.
     * round 1: (102 * 2^30 + 2^31) >> 32 = 26, (-102 * 2^30 + 2^31) >> 32 = -25, (5 * -2^31 + 2^30) >> 31 = -5.
     * round 2: 102 * 2^51 * 2^-54 = 12.75 -> 13, -13, 5 * 2^52 * 2^-53 = 2.5 -> 3. Then z_out 3. */
    static const struct {
        unsigned round;
        int z, lo, hi, want[3];
    } cases[] = {
        {MICA_STORE_ROUND_DOUBLE, 3, -128, 127, {29, -23, -2}},
        {MICA_STORE_ROUND_SINGLE, 3, -128, 127, {29, -22, -2}},
        {MICA_STORE_ROUND_REAL, 3, -128, 127, {16, -10, 6}},
        {MICA_STORE_ROUND_DOUBLE, 3, 0, 20, {20, 0, 0}},
        {MICA_STORE_ROUND_DOUBLE,
         3,
         10,
         5,
         {5, 5, 5}}, /* act_min > act_max: min(max(v, lo), hi) = hi */
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        store_operands(s);
        mica_instr_t in = store(cases[i].round, cases[i].z, cases[i].lo, cases[i].hi);
        CHECK(run(s, &in, 1, 0) == MICA_ERR_NONE &&
                  out_is(s, cases[i].want[0], cases[i].want[1], cases[i].want[2]),
              "STORE case %u (round %u)", i, cases[i].round);
    }
    CHECK(s->counters[MICA_CNT_DMA_WR_BYTES] == 3 && s->counters[MICA_CNT_ACC_READS] == 1,
          "STORE DMA_WR_BYTES %llu", (unsigned long long)s->counters[MICA_CNT_DMA_WR_BYTES]);
    mica_instr_t sync = op(MICA_OP_SYNC);
    CHECK(run(s, &sync, 1, 0) == MICA_ERR_NONE && s->done && s->counters[MICA_CNT_INSTRS] == 2 &&
              s->counters[MICA_CNT_FETCH_BYTES] == 32 && s->counters[MICA_CNT_CYCLES] == 0 &&
              s->pc == 1,
          "SYNC, END: done %d instrs %llu pc %u", s->done,
          (unsigned long long)s->counters[MICA_CNT_INSTRS], s->pc);
}

/* STORE target ASPAD on a 3 x 3 array (ROWS == COLS): ACC row 0 requantized (round 0, z_out 3) into
 * ASPAD row 5, len 2: lanes 0, 1 the bytes, lane 2 z_out; no bus bytes; the range check; with the
 * feature listed absent the bit is ignored (hw/mica.json features). */
static void test_store_aspad(mica_isa_ref_t *unused) {
    (void)unused;
    mica_hw_config_t sq = CFG;
    sq.rows = sq.cols = 3;
    mica_isa_ref_t *s = mica_isa_ref_new(&sq, MEM);
    if (!s)
        return;
    store_operands(s);
    mica_instr_t in = store(MICA_STORE_ROUND_DOUBLE, 3, -128, 127);
    MICA_SET(&in, MICA_F_STORE_TARGET, MICA_STORE_TARGET_ASPAD);
    MICA_SET(&in, MICA_F_STORE_EXT_ADDR, 5);
    MICA_SET(&in, MICA_F_STORE_LEN, 2);
    memset(s->mem + OUT, 0x55, 3);
    const int8_t *row = s->aspad + 5 * 3;
    CHECK(run(s, &in, 1, 0) == MICA_ERR_NONE && row[0] == 29 && row[1] == -23 && row[2] == 3 &&
              s->mem[OUT] == 0x55,
          "STORE target ASPAD: row {%d, %d, %d}", row[0], row[1], row[2]);
    CHECK(s->counters[MICA_CNT_ASPAD_WRITES] == 1 && s->counters[MICA_CNT_DMA_WR_BYTES] == 0 &&
              s->counters[MICA_CNT_ACC_READS] == 1,
          "STORE target ASPAD counters: ASPAD_WRITES %llu DMA_WR_BYTES %llu",
          (unsigned long long)s->counters[MICA_CNT_ASPAD_WRITES],
          (unsigned long long)s->counters[MICA_CNT_DMA_WR_BYTES]);
    MICA_SET(&in, MICA_F_STORE_EXT_ADDR, sq.aspad_depth);
    CHECK(run(s, &in, 1, 0) == MICA_ERR_MEM_RANGE, "STORE target ASPAD past ASPAD: error %u",
          s->error_code);
    mica_isa_ref_free(s);
    sq.absent = MICA_FEATURE_STORE_ASPAD;
    s = mica_isa_ref_new(&sq, MEM);
    if (!s)
        return;
    /* listed absent: no gate decodes the bit, the STORE writes memory (also ROWS != COLS) */
    MICA_SET(&in, MICA_F_STORE_EXT_ADDR, OUT);
    store_operands(s);
    memset(s->mem + OUT, 0x55, 3);
    CHECK(run(s, &in, 1, 0) == MICA_ERR_NONE && s->mem[OUT] == 29 && s->mem[OUT + 2] == 0x55 &&
              s->counters[MICA_CNT_ASPAD_WRITES] == 0,
          "STORE target ASPAD, feature absent: error %u, ext {%d, %d}", s->error_code,
          (int8_t)s->mem[OUT], (int8_t)s->mem[OUT + 1]);
    mica_isa_ref_free(s);
    s = mica_isa_ref_new(&CFG, MEM); /* 2 x 3: ROWS != COLS lacks it whatever ABSENT says */
    if (!s)
        return;
    store_operands(s);
    CHECK(run(s, &in, 1, 0) == MICA_ERR_NONE && out_is(s, 29, -23, (int8_t)s->mem[OUT + 2]) &&
              s->counters[MICA_CNT_ASPAD_WRITES] == 0,
          "STORE target ASPAD, ROWS != COLS: error %u", s->error_code);
    mica_isa_ref_free(s);
}

/* ---- errors: each code with its ERROR_PC, in rtl/mica_decode.sv's order ---- */

static mica_instr_t with(mica_instr_t in, unsigned lsb, unsigned width, int sgn, int64_t v) {
    mica_set_f(&in, lsb, width, sgn, v);
    return in;
}
#define WITH(in, FIELD, v) with((in), FIELD, (v))

static void expect_error(mica_isa_ref_t *s, const char *name, mica_instr_t bad, uint32_t want) {
    mica_instr_t prog[2] = {op(MICA_OP_SYNC), bad};
    uint32_t err = run(s, prog, 2, 0);
    CHECK(err == want && s->error && !s->done && s->error_code == want && s->error_pc == 1 &&
              mica_isa_ref_csr_read(s, MICA_CSR_ERROR_PC) == 1 &&
              (mica_isa_ref_csr_read(s, MICA_CSR_STATUS) & MICA_STATUS_ERROR),
          "%s: error %u at %u, want %u at 1", name, err, s->error_pc, want);
}

static void test_errors(mica_isa_ref_t *s) {
    mica_instr_t ld = load(MICA_LOAD_TARGET_ASPAD, 0, 1, 2, 0, SRC, 2, 0),
                 mm = window(MICA_OP_MATMUL, 0, 0, 0, 0);
    mica_instr_t dw = window(MICA_OP_DWCONV, 0, 0, 0, 0), rs = rescale(0, 0, 1, 0, 0),
                 st = store(0, 0, -128, 127);
    expect_error(s, "opcode 0", op(0), MICA_ERR_ILLEGAL_OPCODE);
    expect_error(s, "opcode 15", op(15), MICA_ERR_ILLEGAL_OPCODE);
    expect_error(s, "LOAD target 3", WITH(ld, MICA_F_LOAD_TARGET, 3), MICA_ERR_BAD_TARGET);
    expect_error(s, "LOAD target 3, rows 0",
                 WITH(WITH(ld, MICA_F_LOAD_TARGET, 3), MICA_F_LOAD_ROWS, 0), MICA_ERR_BAD_TARGET);
    expect_error(s, "LOAD rows 0", WITH(ld, MICA_F_LOAD_ROWS, 0), MICA_ERR_BAD_LEN);
    expect_error(s, "LOAD len 0", WITH(ld, MICA_F_LOAD_LEN, 0), MICA_ERR_BAD_LEN);
    expect_error(s, "LOAD col + len > ROWS", WITH(ld, MICA_F_LOAD_COL, 1), MICA_ERR_BAD_LEN);
    expect_error(s, "LOAD rows 0 out of range",
                 WITH(WITH(ld, MICA_F_LOAD_ROWS, 0), MICA_F_LOAD_MEM_ADDR, 100), MICA_ERR_BAD_LEN);
    expect_error(s, "LOAD past ASPAD", WITH(ld, MICA_F_LOAD_MEM_ADDR, CFG.aspad_depth),
                 MICA_ERR_MEM_RANGE);
    expect_error(
        s, "LOAD past PARAM",
        load(MICA_LOAD_TARGET_PARAM, MICA_PARAM_ROWS * CFG.param_sets - 1, 2, 4, 0, SRC, 4, 0),
        MICA_ERR_MEM_RANGE);
    expect_error(s, "LOADW tile past WSPAD", loadw(CFG.wspad_depth - CFG.rows + 1, 0),
                 MICA_ERR_MEM_RANGE);
    expect_error(s, "LOADW row past WSPAD", loadw(CFG.wspad_depth, 1), MICA_ERR_MEM_RANGE);
    static const struct {
        const char *name;
        unsigned lsb, width, sgn;
    } dims[] = {{"in_h", MICA_F_MATMUL_IN_H},         {"in_w", MICA_F_MATMUL_IN_W},
                {"out_h", MICA_F_MATMUL_OUT_H},       {"out_w", MICA_F_MATMUL_OUT_W},
                {"stride_y", MICA_F_MATMUL_STRIDE_Y}, {"stride_x", MICA_F_MATMUL_STRIDE_X}};
    for (unsigned i = 0; i < sizeof dims / sizeof dims[0]; i++) {
        expect_error(s, dims[i].name, with(mm, dims[i].lsb, dims[i].width, (int)dims[i].sgn, 0),
                     MICA_ERR_BAD_LEN);
        expect_error(s, dims[i].name, with(dw, dims[i].lsb, dims[i].width, (int)dims[i].sgn, 0),
                     MICA_ERR_BAD_LEN);
    }
    expect_error(s, "MATMUL past ACC", WITH(mm, MICA_F_MATMUL_ACC_ADDR, CFG.acc_depth - 1),
                 MICA_ERR_MEM_RANGE);
    expect_error(s, "MATMUL past ASPAD", WITH(mm, MICA_F_MATMUL_ASPAD_ADDR, CFG.aspad_depth - 1),
                 MICA_ERR_MEM_RANGE);
    expect_error(s, "MATMUL in_h 0 past ACC",
                 WITH(WITH(mm, MICA_F_MATMUL_IN_H, 0), MICA_F_MATMUL_ACC_ADDR, 100),
                 MICA_ERR_BAD_LEN);
    expect_error(s, "DWCONV taps 3", WITH(dw, MICA_F_DWCONV_TAPS, 3), MICA_ERR_BAD_LEN);
    expect_error(s, "DWCONV taps 3 past ACC",
                 WITH(WITH(dw, MICA_F_DWCONV_TAPS, 3), MICA_F_MATMUL_ACC_ADDR, 100),
                 MICA_ERR_BAD_LEN);
    expect_error(s, "DWCONV NINE line past the line buffer",
                 WITH(WITH(dw, MICA_F_DWCONV_TAPS, MICA_DWCONV_TAPS_NINE), MICA_F_MATMUL_OUT_W,
                      MICA_DWCONV_LINE - 1),
                 MICA_ERR_BAD_LEN);
    expect_error(
        s, "DWCONV NINE lines past in_h's maximum",
        WITH(WITH(WITH(dw, MICA_F_DWCONV_TAPS, MICA_DWCONV_TAPS_NINE), MICA_F_MATMUL_OUT_H, 1367),
             MICA_F_MATMUL_STRIDE_Y, 3),
        MICA_ERR_BAD_LEN);
    expect_error(s, "DWCONV past ASPAD", WITH(dw, MICA_F_MATMUL_ASPAD_ADDR, CFG.aspad_depth - 1),
                 MICA_ERR_MEM_RANGE);
    expect_error(s, "RESCALE rows 0", WITH(rs, MICA_F_RESCALE_ROWS, 0), MICA_ERR_BAD_LEN);
    expect_error(s, "RESCALE left_shift 23",
                 WITH(rs, MICA_F_RESCALE_LEFT_SHIFT, MICA_RESCALE_LEFT_SHIFT_MAX + 1),
                 MICA_ERR_BAD_LEN);
    expect_error(s, "RESCALE past ACC", WITH(rs, MICA_F_RESCALE_ACC_ADDR, CFG.acc_depth),
                 MICA_ERR_MEM_RANGE);
    expect_error(s, "RESCALE past ASPAD", WITH(rs, MICA_F_RESCALE_ASPAD_ADDR, CFG.aspad_depth),
                 MICA_ERR_MEM_RANGE);
    expect_error(s, "STORE rows 0", WITH(st, MICA_F_STORE_ROWS, 0), MICA_ERR_BAD_LEN);
    expect_error(s, "STORE len 0", WITH(st, MICA_F_STORE_LEN, 0), MICA_ERR_BAD_LEN);
    expect_error(s, "STORE len > COLS", WITH(st, MICA_F_STORE_LEN, CFG.cols + 1), MICA_ERR_BAD_LEN);
    expect_error(s, "STORE round 3", WITH(st, MICA_F_STORE_ROUND, MICA_STORE_ROUND_MAX + 1),
                 MICA_ERR_BAD_LEN);
    expect_error(s, "STORE past ACC", WITH(st, MICA_F_STORE_ACC_ADDR, CFG.acc_depth),
                 MICA_ERR_MEM_RANGE);
    expect_error(s, "STORE PARAM set", WITH(st, MICA_F_STORE_PARAM_SET, CFG.param_sets),
                 MICA_ERR_MEM_RANGE);
    /* Bus errors: the rows before the failing one are done. */
    memset(s->aspad, 0, (size_t)CFG.aspad_depth * CFG.rows);
    s->mem[MEM - 2] = 11;
    s->mem[MEM - 1] = 12;
    expect_error(s, "LOAD past memory", load(MICA_LOAD_TARGET_ASPAD, 0, 2, 2, 0, MEM - 2, 1, 0),
                 MICA_ERR_BUS);
    CHECK(s->aspad[0] == 11 && s->aspad[1] == 12 && s->aspad[2] == 0,
          "LOAD bus error: the row before it is written");
    memset(s->mem + MEM - 4, 0x55, 4);
    expect_error(s, "STORE past memory",
                 WITH(WITH(st, MICA_F_STORE_EXT_ADDR, MEM - 4), MICA_F_STORE_ROWS, 2),
                 MICA_ERR_BUS);
    CHECK(s->mem[MEM - 4] != 0x55 || s->mem[MEM - 3] != 0x55,
          "STORE bus error: the row before it is written");
    s->prog_addr = MEM - MICA_INSTR_BYTES / 2;
    s->prog_len = 1;
    CHECK(mica_isa_ref_run(s) == MICA_ERR_BUS && s->error_pc == 0, "fetch past memory: error %u",
          s->error_code);
    mica_instr_t sync = op(MICA_OP_SYNC);
    CHECK(run(s, &sync, 1, 1) == MICA_ERR_PROG_END && s->error_pc == 1, "no END: error %u at %u",
          s->error_code, s->error_pc);
}

static void test_csrs(mica_isa_ref_t *s) {
    CHECK(mica_isa_ref_csr_read(s, MICA_CSR_ID) == MICA_CSR_ID_VALUE, "ID");
    CHECK(mica_isa_ref_csr_read(s, MICA_CSR_VERSION) == MICA_SPEC_VERSION, "VERSION");
    CHECK(mica_isa_ref_csr_read(s, MICA_CSR_CONFIG0) == (2u | 3u << 16), "CONFIG0");
    CHECK(mica_isa_ref_csr_read(s, MICA_CSR_CONFIG1) == (8u | 8u << 16), "CONFIG1");
    CHECK(mica_isa_ref_csr_read(s, MICA_CSR_CONFIG2) == (8u | 2u << 16 | 8u << 24), "CONFIG2");
    mica_instr_t end = op(MICA_OP_END);
    memcpy(s->mem + CODE, &end, sizeof end);
    mica_isa_ref_csr_write(s, MICA_CSR_PROG_ADDR, CODE);
    mica_isa_ref_csr_write(s, MICA_CSR_PROG_LEN, 1);
    CHECK(mica_isa_ref_csr_read(s, MICA_CSR_PROG_ADDR) == CODE &&
              mica_isa_ref_csr_read(s, MICA_CSR_PROG_LEN) == 1,
          "PROG_*");
    s->counters[MICA_CNT_MACS] = 99;
    mica_isa_ref_csr_write(s, MICA_CSR_CTRL, MICA_CTRL_START);
    CHECK(mica_isa_ref_csr_read(s, MICA_CSR_STATUS) == MICA_STATUS_DONE &&
              s->counters[MICA_CNT_MACS] == 0 && mica_isa_ref_csr_read(s, MICA_CSR_PC) == 0,
          "START: STATUS %u", mica_isa_ref_csr_read(s, MICA_CSR_STATUS));
    mica_isa_ref_csr_write(s, MICA_CSR_CTRL, MICA_CTRL_CLEAR);
    CHECK(mica_isa_ref_csr_read(s, MICA_CSR_STATUS) == 0, "CLEAR");
    /* the low word latches the high word: a later change shows only at the next low read */
    uint32_t lo = MICA_CSR_COUNTER_BASE + 8 * MICA_CNT_MACS;
    s->counters[MICA_CNT_MACS] = 0x100000005ull;
    uint32_t low = mica_isa_ref_csr_read(s, lo);
    s->counters[MICA_CNT_MACS] = 0x700000000ull;
    CHECK(low == 5 && mica_isa_ref_csr_read(s, lo + 4) == 1, "counter snapshot: low %u", low);
    CHECK(mica_isa_ref_csr_read(s, lo) == 0 && mica_isa_ref_csr_read(s, lo + 4) == 7,
          "counter re-read");
}

/* ---- a compiled program through libmica: every run interpreted vs translated ---- */

static int run_model(const char *spec, const char *path, uint8_t *out, size_t out_cap,
                     size_t *out_bytes, uint64_t counters[][MICA_NUM_COUNTERS], int runs) {
    mica_ctx_t *ctx = NULL;
    mica_tensor_info_t ti;
    if (mica_open(spec, &ctx) != MICA_OK || mica_load_file(ctx, path) != MICA_OK ||
        mica_input_info(ctx, 0, &ti) != MICA_OK || mica_output_info(ctx, 0, &ti) != MICA_OK) {
        printf("  %s %s: %s\n", spec, path, ctx ? mica_last_error(ctx) : "open failed");
        mica_close(ctx);
        return -1;
    }
    *out_bytes = 0;
    for (int r = 0; r < runs; r++) {
        for (int i = 0; i < mica_num_inputs(ctx); i++) {
            mica_tensor_info_t in;
            mica_input_info(ctx, i, &in);
            int8_t *x = malloc(in.bytes);
            if (!x)
                return -1;
            for (size_t k = 0; k < in.bytes; k++)
                x[k] = (int8_t)((k * 2654435761u + (size_t)r * 97 + (size_t)i) >> 5);
            mica_set_input(ctx, i, x, in.bytes);
            free(x);
        }
        if (mica_invoke(ctx) != MICA_OK) {
            printf("  %s %s: %s\n", spec, path, mica_last_error(ctx));
            mica_close(ctx);
            return -1;
        }
        for (int o = 0; o < mica_num_outputs(ctx); o++) {
            mica_output_info(ctx, o, &ti);
            if (*out_bytes + ti.bytes > out_cap)
                break;
            mica_get_output(ctx, o, out + *out_bytes, ti.bytes);
            *out_bytes += ti.bytes;
        }
        mica_counters(ctx, counters[r], MICA_NUM_COUNTERS);
    }
    mica_close(ctx);
    return 0;
}

static void cross_check(const char *path) {
    enum { RUNS = 3, CAP = 1 << 16 };
    static uint8_t a[CAP], b[CAP];
    uint64_t ca[RUNS][MICA_NUM_COUNTERS], cb[RUNS][MICA_NUM_COUNTERS];
    size_t na = 0, nb = 0;
    int ok = run_model("func:plan=0", path, a, CAP, &na, ca, RUNS) == 0 &&
             run_model("func", path, b, CAP, &nb, cb, RUNS) == 0;
    CHECK(ok && na == nb && na > 0 && !memcmp(a, b, na),
          "%s: outputs of func:plan=0 and func differ", path);
    CHECK(ok && !memcmp(ca, cb, sizeof ca), "%s: counters of func:plan=0 and func differ", path);
    printf("%-4s %s: interpreted and translated runs: %zu output bytes, %llu instructions, "
           "counters %s\n",
           ok && na == nb && !memcmp(a, b, na) && !memcmp(ca, cb, sizeof ca) ? "ok" : "FAIL", path,
           na, (unsigned long long)ca[RUNS - 1][MICA_CNT_INSTRS],
           !memcmp(ca, cb, sizeof ca) ? "identical" : "differ");
}

int main(int argc, char **argv) {
    void (*tests[])(mica_isa_ref_t *) = {test_load,        test_matmul,  test_dwconv,
                                         test_dwconv_nine, test_rescale, test_store,
                                         test_store_aspad, test_errors,  test_csrs};
    for (unsigned i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        mica_isa_ref_t *s = mica_isa_ref_new(&CFG, MEM);
        if (!s)
            return 2;
        tests[i](s);
        mica_isa_ref_free(s);
    }
    for (int i = 1; i < argc; i++)
        cross_check(argv[i]);
    printf("test_isa_ref: %s (%d checks, %d failed)\n", failures ? "FAIL" : "PASS", checks,
           failures);
    return failures != 0;
}
