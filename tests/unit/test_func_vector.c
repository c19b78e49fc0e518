/* The vector unit in the func backend's interpreter (driver/core/isa_ref.c): DWCONV in both modes and RESCALE
 * against expectations computed here straight from hw/mica.json's text (not through the model's
 * helpers), on arrays where LANES = min(ROWS, COLS) leaves columns or row bytes outside the lanes:
 *   DWCONV MAC and MAX: strides, padding on every side (up to 30 times the tile), accumulate onto
 *   ACC values of both signs;
 *   DWCONV taps 3: ERR_BAD_LEN at the instruction (with DWCONV_TAPS);
 *   RESCALE: every input byte (a = -255..255) for multipliers up to 2^31 - 1, left shift 0 and 20,
 *   right shift 0..31, exact ties of both roundings (negative ones included), int32 wrap when
 *   accumulating, ERR_BAD_LEN / ERR_MEM_RANGE;
 *   the MACS counter: LANES per vector-unit row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "func_run.h"

enum { CODE = 0x100, MEM = 0x4000 };

static int failures;
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            if (failures < 20) {                                                                   \
                printf("FAIL: ");                                                                  \
                printf(__VA_ARGS__);                                                               \
                printf("\n");                                                                      \
            }                                                                                      \
        }                                                                                          \
    } while (0)

typedef struct {
    uint32_t in_h, in_w, out_h, out_w, sy, sx, aspad, acc;
    int off_y, off_x, z, accumulate, mode;
} dw_t;

static mica_instr_t dwconv(const dw_t *p) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_DWCONV);
    MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, p->accumulate);
    MICA_SET(&in, MICA_F_MATMUL_Z_IN, p->z);
    MICA_SET(&in, MICA_F_MATMUL_ASPAD_ADDR, p->aspad);
    MICA_SET(&in, MICA_F_MATMUL_ACC_ADDR, p->acc);
    MICA_SET(&in, MICA_F_MATMUL_IN_H, p->in_h);
    MICA_SET(&in, MICA_F_MATMUL_IN_W, p->in_w);
    MICA_SET(&in, MICA_F_MATMUL_OUT_H, p->out_h);
    MICA_SET(&in, MICA_F_MATMUL_OUT_W, p->out_w);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, p->sy);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, p->sx);
    MICA_SET(&in, MICA_F_MATMUL_OFF_Y, p->off_y);
    MICA_SET(&in, MICA_F_MATMUL_OFF_X, p->off_x);
    MICA_SET(&in, MICA_F_DWCONV_MODE, p->mode);
    return in;
}

typedef struct {
    uint32_t aspad, acc, rows, mult;
    int z, ls, rs, accumulate;
} rs_t;

static mica_instr_t rescale(const rs_t *p) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_RESCALE);
    MICA_SET(&in, MICA_F_RESCALE_ACCUMULATE, p->accumulate);
    MICA_SET(&in, MICA_F_RESCALE_Z_IN, p->z);
    MICA_SET(&in, MICA_F_RESCALE_ASPAD_ADDR, p->aspad);
    MICA_SET(&in, MICA_F_RESCALE_ACC_ADDR, p->acc);
    MICA_SET(&in, MICA_F_RESCALE_ROWS, p->rows);
    MICA_SET(&in, MICA_F_RESCALE_MULT, p->mult);
    MICA_SET(&in, MICA_F_RESCALE_LEFT_SHIFT, p->ls);
    MICA_SET(&in, MICA_F_RESCALE_RIGHT_SHIFT, p->rs);
    return in;
}

static mica_instr_t simple(int opcode, uint32_t wspad_addr) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, opcode);
    if (opcode == MICA_OP_LOADW) {
        MICA_SET(&in, MICA_F_LOADW_VECTOR, 1);
        MICA_SET(&in, MICA_F_LOADW_WSPAD_ADDR, wspad_addr);
    }
    return in;
}

/* Runs INSTRS then END in the interpreter; returns the error code. */
static uint32_t run(mica_fm_t *m, const mica_instr_t *instrs, uint32_t n) {
    mica_instr_t end = simple(MICA_OP_END, 0);
    for (uint32_t i = 0; i < n; i++)
        memcpy(m->ref->mem + CODE + 16 * i, &instrs[i], 16);
    memcpy(m->ref->mem + CODE + 16 * n, &end, 16);
    m->ref->prog_addr = CODE;
    m->ref->prog_len = n + 1;
    return mica_fm_run(m);
}

static uint64_t rng = 0x243F6A8885A308D3ull;
static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static void randomize(mica_fm_t *m) {
    for (size_t i = 0; i < (size_t)m->ref->cfg.aspad_depth * m->ref->cfg.rows; i++)
        m->ref->aspad[i] = (int8_t)next();
    for (size_t i = 0; i < (size_t)m->ref->cfg.wspad_depth * m->ref->cfg.cols; i++)
        m->ref->wspad[i] = (int8_t)next();
    for (size_t i = 0; i < (size_t)m->ref->cfg.acc_depth * m->ref->cfg.cols; i++)
        m->ref->acc[i] = (int32_t)next() >> (i % 3 * 8);
}

/* The DWCONV pseudo-code, one ACC row at a time, on a copy of ACC. */
static void dw_expect(const mica_fm_t *m, const dw_t *p, const int8_t *v, int32_t *acc) {
    uint32_t R = m->ref->cfg.rows, C = m->ref->cfg.cols, lanes = R < C ? R : C;
    for (uint32_t oy = 0; oy < p->out_h; oy++)
        for (uint32_t ox = 0; ox < p->out_w; ox++) {
            int iy = (int)(oy * p->sy) + p->off_y, ix = (int)(ox * p->sx) + p->off_x;
            int inside = iy >= 0 && iy < (int)p->in_h && ix >= 0 && ix < (int)p->in_w;
            int32_t *row = acc + (size_t)(p->acc + oy * p->out_w + ox) * C;
            for (uint32_t c = 0; c < C; c++) {
                int64_t a =
                    c < lanes && inside
                        ? m->ref->aspad[(size_t)(p->aspad + iy * p->in_w + ix) * R + c] - p->z
                        : 0;
                if (p->mode == 0)
                    row[c] = (int32_t)(uint32_t)((p->accumulate ? (int64_t)row[c] : 0) + a * v[c]);
                else
                    row[c] = p->accumulate && row[c] > a ? row[c] : (int32_t)a;
            }
        }
}

/* A tap sequence (3x3 kernel, stride 2, padding top/left/bottom/right) in each mode, then single
 * taps that accumulate onto random ACC: every row compared, every column (LANES..COLS too). */
static void check_dwconv(uint32_t R, uint32_t C) {
    mica_hw_config_t cfg = {R, C, 256, 16, 160, 4, 8, 0, 0, 0};
    mica_fm_t *m = mica_fm_new(&cfg, MEM, 0);
    uint32_t lanes = R < C ? R : C;
    for (int mode = 0; mode < 2; mode++)
        for (int tap = -1; tap < 10; tap++) {
            randomize(m);
            int z = mode ? -128 : (int)(next() % 256) - 128;
            if (tap == 8)
                z = 127; /* a = x - 127 reaches -255 */
            dw_t p = {5,
                      6,
                      3,
                      3,
                      2,
                      2,
                      7,
                      3,
                      tap < 0 ? -1 : tap / 3 - 1,
                      tap < 0 ? 0 : tap % 3 - 1,
                      z,
                      tap >= 0,
                      mode};
            if (tap < 0) {
                p.out_h = 4;
                p.out_w = 4;
                p.off_y = -1;
                p.off_x = -2;
            } /* more padding than input */
            if (tap == 9) {
                p.out_h = p.out_w = 12;
                p.sy = p.sx = 15;
                p.off_y = 0;
                p.off_x = 1;
            } /* far more */
            int8_t v[64];
            memcpy(v, m->ref->wspad + 5 * C, C);
            int32_t *want = malloc(sizeof(int32_t) * cfg.acc_depth * C);
            memcpy(want, m->ref->acc, sizeof(int32_t) * cfg.acc_depth * C);
            dw_expect(m, &p, v, want);
            mica_instr_t prog[2] = {simple(MICA_OP_LOADW, 5), dwconv(&p)};
            uint32_t err = run(m, prog, 2);
            CHECK(err == 0, "%ux%u DWCONV mode %d tap %d: error %u", R, C, mode, tap, err);
            CHECK(memcmp(want, m->ref->acc, sizeof(int32_t) * cfg.acc_depth * C) == 0,
                  "%ux%u DWCONV mode %d tap %d: ACC differs", R, C, mode, tap);
            CHECK(m->ref->counters[MICA_CNT_MACS] == (uint64_t)p.out_h * p.out_w * lanes,
                  "%ux%u DWCONV mode %d: MACS %llu", R, C, mode,
                  (unsigned long long)m->ref->counters[MICA_CNT_MACS]);
            free(want);
        }
    /* a mode 1 window over x = -128 with z = -128 gives a = 0: the maximum is 0, padding or not */
    memset(m->ref->aspad, -128, (size_t)cfg.aspad_depth * R);
    dw_t p = {2, 2, 2, 2, 1, 1, 0, 0, -1, -1, -128, 0, 1};
    mica_instr_t one = dwconv(&p);
    CHECK(run(m, &one, 1) == 0 && m->ref->acc[0] == 0 && m->ref->acc[3 * C + lanes - 1] == 0,
          "%ux%u MAX of zeros", R, C);
    for (uint32_t mode = 0; mode < 2; mode++) { /* taps 3 is illegal (ignored without TAPS) */
        mica_instr_t prog[3] = {simple(MICA_OP_SYNC, 0), dwconv(&p), simple(MICA_OP_SYNC, 0)};
        MICA_SET(&prog[1], MICA_F_DWCONV_MODE, mode);
        MICA_SET(&prog[1], MICA_F_DWCONV_TAPS, MICA_DWCONV_TAPS_MAX + 1);
        uint32_t err = run(m, prog, 3), taps = !(mica_hw_absent(&cfg) & MICA_FEATURE_DWCONV_TAPS);
        CHECK(taps ? err == MICA_ERR_BAD_LEN && m->ref->error_pc == 1 : err == 0,
              "DWCONV mode %u taps 3: error %u", mode, err);
    }
    mica_fm_free(m);
}

/* TFLite's SaturatingRoundingDoublingHighMul as hw/mica.json words it, with the truncating
 * division written as shifts of magnitudes. */
static int64_t ref_srdhm(int64_t s, int64_t mult) {
    int64_t ab = s * mult;
    if (ab >= 0)
        return (ab + (1ll << 30)) >> 31;
    return -((-ab - 1 + (1ll << 30)) >> 31); /* (ab + 1 - 2^30) / 2^31 toward zero */
}

/* Rounding divide by 2^e, halves away from zero, on the magnitude. */
static int64_t ref_round_pot(int64_t p, int e) {
    if (e == 0)
        return p;
    int64_t mag = p < 0 ? -p : p, q = (mag + (1ll << (e - 1))) >> e;
    return p < 0 ? -q : q;
}

/* All 256 bytes in one ASPAD row each (lanes hold bytes b, b+1, ...), through RESCALE, then a
 * second RESCALE accumulating onto the first (an ADD), compared with the formulas above. */
static void rescale_case(mica_fm_t *m, const rs_t *p1, const rs_t *p2, int32_t acc0) {
    uint32_t R = m->ref->cfg.rows, C = m->ref->cfg.cols, lanes = R < C ? R : C;
    for (uint32_t i = 0; i < 256; i++)
        for (uint32_t c = 0; c < R; c++)
            m->ref->aspad[(size_t)(p1->aspad + i) * R + c] = (int8_t)(i + c * 37);
    for (size_t i = 0; i < (size_t)m->ref->cfg.acc_depth * C; i++)
        m->ref->acc[i] = acc0 + (int32_t)(i % 5);
    mica_instr_t prog[2] = {rescale(p1), rescale(p2 ? p2 : p1)};
    uint32_t err = run(m, prog, p2 ? 2 : 1);
    CHECK(err == 0, "RESCALE mult %u ls %d rs %d: error %u", p1->mult, p1->ls, p1->rs, err);
    CHECK(m->ref->counters[MICA_CNT_MACS] == (uint64_t)lanes * (p1->rows + (p2 ? p2->rows : 0)),
          "RESCALE MACS");
    for (uint32_t i = 0; i < p1->rows; i++)
        for (uint32_t c = 0; c < C; c++) {
            int64_t want = p1->accumulate ? acc0 + (int64_t)(((p1->acc + i) * C + c) % 5) : 0;
            for (const rs_t *p = p1; p; p = p == p1 ? p2 : NULL) {
                int64_t a = c < lanes ? (int8_t)(i + c * 37) - p->z : 0;
                want += ref_round_pot(ref_srdhm(a * (1ll << p->ls), p->mult), p->rs);
            }
            int32_t got = m->ref->acc[(size_t)(p1->acc + i) * C + c];
            CHECK(got == (int32_t)(uint32_t)want,
                  "RESCALE mult %u ls %d rs %d z %d row %u col %u: %d, want %d", p1->mult, p1->ls,
                  p1->rs, p1->z, i, c, got, (int32_t)(uint32_t)want);
        }
}

static void check_rescale(uint32_t R, uint32_t C) {
    mica_hw_config_t cfg = {R, C, 512, 16, 600, 4, 8, 0, 0, 0};
    mica_fm_t *m = mica_fm_new(&cfg, MEM, 0);
    const uint32_t mults[] = {2147483647u, 2147483646u, 1u << 30,    1518500250u,
                              1,           0,           1073741823u, 1u << 29};
    for (unsigned k = 0; k < 8; k++)
        for (int rs = 0; rs < 32; rs += k % 2 ? 31 : 1) {
            int ls = k < 4 ? 20 : (int)k % 3 * 7; /* 20 (TFLite ADD), 0, 7, 14 */
            rs_t p1 = {0,  300, 256, mults[k], k % 2 ? 127 : -128,
                       ls, rs,  0}; /* a = -255..0 or 0..255 */
            rs_t p2 = {0, 300, 256, mults[(k + 3) % 8], (int)k * 9 - 40, 20, 31 - rs, 1};
            rescale_case(m, &p1, rs % 5 == 0 ? &p2 : NULL, 0);
        }
    /* exact ties: a * mult = odd multiples of 2^30 (SRDHM), then p = odd multiples of 2^(rs - 1) */
    for (int rs = 0; rs < 4; rs++) {
        rs_t p = {0, 0, 256, 1u << 30, 0, 0, rs, 0};
        rescale_case(m, &p, NULL, 0);
    }
    rs_t wrap = {0, 10, 256, 2147483647u, -128, 20, 0, 1}; /* accumulating past INT32_MAX wraps */
    rescale_case(m, &wrap, NULL, INT32_MAX - 100000000);
    rs_t bad[4] = {{0, 0, 0, 1, 0, 0, 0, 0},
                   {0, 599, 2, 1, 0, 0, 0, 0},
                   {511, 0, 2, 1, 0, 0, 0, 0},
                   {0, 0, 2, 1, 0, 23, 0, 0}}; /* left_shift above 22 */
    uint32_t want[4] = {MICA_ERR_BAD_LEN, MICA_ERR_MEM_RANGE, MICA_ERR_MEM_RANGE, MICA_ERR_BAD_LEN};
    for (int i = 0; i < 4; i++) {
        mica_instr_t in = rescale(&bad[i]);
        uint32_t err = run(m, &in, 1);
        CHECK(err == want[i], "RESCALE bad case %d: error %u, want %u", i, err, want[i]);
    }
    mica_fm_free(m);
}

int main(void) {
    const uint32_t shapes[][2] = {{16, 16}, {4, 6}, {6, 4}, {20, 20}, {8, 8}, {16, 32}};
    for (int i = 0; i < 6; i++) {
        check_dwconv(shapes[i][0], shapes[i][1]);
        check_rescale(shapes[i][0], shapes[i][1]);
    }
    printf("test_func_vector: %s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
    return failures != 0;
}
