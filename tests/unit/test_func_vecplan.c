/* Translated programs with the vector unit (driver/backends/func/func_translate.c, func_plan.c) against a model
 * that only interprets: same output bytes and counters on every run, on arrays whose LANES =
 * min(ROWS, COLS) take the AVX2 MAC (16, also with COLS or ROWS beyond) or the portable lanes
 * (4, 20), and without AVX-VNNI:
 *   DW:  a depthwise layer as the compiler writes it: 3 channel folds (the last partial) x 9 taps
 *        (stride 2, padding), LOADW vector + DWCONV each, ACC halves, one weight LOAD with col and
 *        fill; folds 0 and 1 run in one pass, their STOREs become one; fold 2's input is loaded
 *        after that pass ran (its group cannot join it);
 *   MAX: a 2x2 stride-2 DWCONV mode 1 window (MAX_POOL_2D, z_in -128, padding on the right);
 *   AVG: DWCONV MAC by a row of ones (a LOAD of one byte and fill 1), z_in 0, STORE round 2;
 *   ADD: RESCALE of two tensors into the same ACC rows, STORE round 0;
 *   DEP: a DWCONV MAC without its own LOADW (stays interpreted): it reads the vector weights AVG
 *        left, which its translated runs never wrote, so they must be rebuilt first.
 * Run 3 rewrites DW's weights: its translation must go and come back. Then 5000 random programs of
 * LOADW vector, DWCONV, RESCALE, STORE and activation LOADs into two ACC halves, three runs each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "func_run.h"
#include "func_plan.h"

enum {
    CODE = 0x100,
    ACT = 0x1000,
    ACT2 = 0x1800,
    ONES = 0x1F00,
    WGT = 0x2000,
    PRM = 0x3000,
    OUT = 0x4000,
    MEM = 0x5000
};
enum { H = 6, W = 7, OH = 3, OW = 4, T = OH * OW, NPROG = 5 };

typedef struct {
    mica_fm_t *m;
    uint32_t pc, start[NPROG + 1];
    uint32_t R, C, L, CH;
} rig_t;

static void put(rig_t *g, const mica_instr_t *in) {
    mica_fm_note_write(g->m, CODE + 16u * g->pc, 16);
    memcpy(g->m->ref->mem + CODE + 16u * g->pc++, in, 16);
}

static void load(rig_t *g, int target, uint32_t mem, uint32_t rows, uint32_t len, uint32_t ext,
                 uint32_t stride, uint32_t col, int fill) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_LOAD);
    MICA_SET(&in, MICA_F_LOAD_TARGET, target);
    MICA_SET(&in, MICA_F_LOAD_MEM_ADDR, mem);
    MICA_SET(&in, MICA_F_LOAD_ROWS, rows);
    MICA_SET(&in, MICA_F_LOAD_LEN, len);
    MICA_SET(&in, MICA_F_LOAD_EXT_ADDR, ext);
    MICA_SET(&in, MICA_F_LOAD_EXT_STRIDE, stride);
    MICA_SET(&in, MICA_F_LOAD_COL, col);
    MICA_SET(&in, MICA_F_LOAD_FILL, fill);
    put(g, &in);
}

static void simple(rig_t *g, int opcode, uint32_t wspad_addr) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, opcode);
    if (opcode == MICA_OP_LOADW) {
        MICA_SET(&in, MICA_F_LOADW_VECTOR, 1);
        MICA_SET(&in, MICA_F_LOADW_WSPAD_ADDR, wspad_addr);
    }
    put(g, &in);
}

/* A DWCONV over the H x W tile at ASPAD row ASPAD into the OH x OW pixels at ACC row ACC. */
static void dwconv(rig_t *g, int mode, uint32_t aspad, uint32_t acc, int accumulate, int z,
                   int off_y, int off_x, int stride) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_DWCONV);
    MICA_SET(&in, MICA_F_DWCONV_MODE, mode);
    MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, accumulate);
    MICA_SET(&in, MICA_F_MATMUL_Z_IN, z);
    MICA_SET(&in, MICA_F_MATMUL_ASPAD_ADDR, aspad);
    MICA_SET(&in, MICA_F_MATMUL_ACC_ADDR, acc);
    MICA_SET(&in, MICA_F_MATMUL_IN_H, H);
    MICA_SET(&in, MICA_F_MATMUL_IN_W, W);
    MICA_SET(&in, MICA_F_MATMUL_OUT_H, OH);
    MICA_SET(&in, MICA_F_MATMUL_OUT_W, OW);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, stride);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, stride);
    MICA_SET(&in, MICA_F_MATMUL_OFF_Y, off_y);
    MICA_SET(&in, MICA_F_MATMUL_OFF_X, off_x);
    put(g, &in);
}

static void rescale(rig_t *g, uint32_t aspad, uint32_t acc, int accumulate, int z, uint32_t mult,
                    int ls, int rs) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_RESCALE);
    MICA_SET(&in, MICA_F_RESCALE_ACCUMULATE, accumulate);
    MICA_SET(&in, MICA_F_RESCALE_Z_IN, z);
    MICA_SET(&in, MICA_F_RESCALE_ASPAD_ADDR, aspad);
    MICA_SET(&in, MICA_F_RESCALE_ACC_ADDR, acc);
    MICA_SET(&in, MICA_F_RESCALE_ROWS, T);
    MICA_SET(&in, MICA_F_RESCALE_MULT, mult);
    MICA_SET(&in, MICA_F_RESCALE_LEFT_SHIFT, ls);
    MICA_SET(&in, MICA_F_RESCALE_RIGHT_SHIFT, rs);
    put(g, &in);
}

static void store_rows(rig_t *g, uint32_t acc, uint32_t rows, uint32_t len, uint32_t set, int round,
                       uint32_t ext, uint32_t stride) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_STORE);
    MICA_SET(&in, MICA_F_STORE_ROUND, round);
    MICA_SET(&in, MICA_F_STORE_ACC_ADDR, acc);
    MICA_SET(&in, MICA_F_STORE_ROWS, rows);
    MICA_SET(&in, MICA_F_STORE_LEN, len);
    MICA_SET(&in, MICA_F_STORE_PARAM_SET, set);
    MICA_SET(&in, MICA_F_STORE_EXT_ADDR, ext);
    MICA_SET(&in, MICA_F_STORE_EXT_STRIDE, stride);
    MICA_SET(&in, MICA_F_STORE_Z_OUT, -3);
    MICA_SET(&in, MICA_F_STORE_ACT_MIN, -128);
    MICA_SET(&in, MICA_F_STORE_ACT_MAX, 120);
    put(g, &in);
}

static void store(rig_t *g, uint32_t acc, uint32_t len, uint32_t set, int round, uint32_t ext,
                  uint32_t stride) {
    store_rows(g, acc, T, len, set, round, ext, stride);
}

static uint32_t fold_len(const rig_t *g, uint32_t f) {
    return g->CH - f * g->L < g->L ? g->CH - f * g->L : g->L;
}

/* DW: the input is NHWC with CH = 2 LANES + 3 channels; fold f's pixels at ASPAD rows f * H * W. */
static void write_dw(rig_t *g) {
    uint32_t HW = H * W, C = g->C;
    for (uint32_t f = 0; f < 2; f++)
        load(g, 0, f * HW, HW, fold_len(g, f), ACT + f * g->L, g->CH, 0, 0);
    for (uint32_t f = 0; f < 3; f++) /* fold 1's rows: its weights one byte in, the first lane 2 */
        load(g, 1, 9 * f, 9, fold_len(g, f) - (f == 1), WGT + 9 * f * C + (f == 1), C, f == 1,
             f == 1 ? 2 : 0);
    load(g, 2, 0, 12, 4 * C, PRM, 4 * C, 0, 0);
    for (uint32_t f = 0; f < 3; f++) {
        if (f ==
            2) { /* folds 0 and 1 stored (their group runs at the first STORE), then fold 2's input */
            store(g, 0, fold_len(g, 0), 0, 0, OUT, g->CH);
            store(g, 32, fold_len(g, 1), 1, 0, OUT + g->L, g->CH);
            load(g, 0, 2 * HW, HW, fold_len(g, 2), ACT + 2 * g->L, g->CH, 0, 0);
        }
        for (int t = 0; t < 9; t++) {
            simple(g, MICA_OP_LOADW, 9 * f + (uint32_t)t);
            dwconv(g, 0, f * HW, f % 2 * 32, t > 0, f == 1 ? 5 : -7, t / 3 - 1, t % 3 - 1, 2);
        }
    }
    store(g, 0, fold_len(g, 2), 2, 2, OUT + 2 * g->L, g->CH);
}

static void end(rig_t *g, int k) {
    simple(g, MICA_OP_END, 0);
    g->start[k + 1] = g->pc;
}

static void write_programs(rig_t *g) {
    uint32_t C = g->C, L = g->L, o2 = OUT + T * g->CH;
    g->start[0] = g->pc = 0;
    write_dw(g);
    end(g, 0);
    load(g, 2, 0, 4, 4 * C, PRM, 4 * C, 0, 0); /* MAX */
    for (int t = 0; t < 4; t++)
        dwconv(g, 1, 0, 0, t > 0, -128, t / 2, t % 2, 2);
    store(g, 0, L, 0, 0, o2, L);
    end(g, 1);
    load(g, 1, 40, 1, 1, ONES, 0, 0, 1); /* AVG */
    load(g, 2, 4, 4, 4 * C, PRM + 16 * C, 4 * C, 0, 0);
    simple(g, MICA_OP_LOADW, 40);
    for (int t = 0; t < 4; t++)
        dwconv(g, 0, H * W, 32, t > 0, 0, t / 2, t % 2, 2);
    store(g, 32, L, 1, 2, o2 + T * L, L);
    end(g, 2);
    load(g, 0, 200, T, L, ACT2, L, 0, 0); /* ADD */
    load(g, 2, 8, 4, 4 * C, PRM + 32 * C, 4 * C, 0, 0);
    rescale(g, 0, 40, 0, 3, 1518500250u, 20, 3);
    rescale(g, 200, 40, 1, -9, 1073741823u, 20, 2);
    store(g, 40, L, 2, 0, o2 + 2 * T * L, L);
    end(g, 3);
    load(g, 2, 0, 4, 4 * C, PRM, 4 * C, 0, 0); /* DEP */
    dwconv(g, 0, H * W, 0, 0, 1, 0, 0, 1);
    store(g, 0, L, 0, 0, o2 + 3 * T * L, L);
    end(g, 4);
}

static void host_write(mica_fm_t *m, uint32_t addr, const void *src, size_t n) {
    mica_fm_note_write(m, addr, n);
    memcpy(m->ref->mem + addr, src, n);
}

static void write_data(mica_fm_t *m, uint32_t C, unsigned seed, int weights) {
    uint8_t b[2048];
    int32_t p[12 * 64];
    srand(seed);
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = (uint8_t)rand();
    host_write(m, ACT, b, 0x800);
    host_write(m, ACT2, b + 0x400, 0x400);
    if (!weights)
        return;
    host_write(m, WGT, b + 0x300, 27 * C);
    if (weights == 2)
        return; /* DW's weights only */
    host_write(m, ONES, "\1", 1);
    for (uint32_t s = 0; s < 3; s++)
        for (uint32_t c = 0; c < C; c++) {
            p[(s * 4 + 0) * C + c] = rand() % 4001 - 2000; /* bias */
            p[(s * 4 + 1) * C + c] = s == 2 ? (int32_t)(0x80000000u | (uint32_t)rand())
                                            : 1073741824 + rand() % 900000000;
            p[(s * 4 + 2) * C + c] = s == 2 ? -(rand() % 4) - 2 : -(rand() % 10); /* shift */
            p[(s * 4 + 3) * C + c] = rand() & 0x1FFFFF;
        }
    host_write(m, PRM, p, sizeof(int32_t) * 12 * C);
}

static uint64_t rs = 88172645463325252ull;
static uint32_t rnd(uint32_t n) {
    rs ^= rs << 13;
    rs ^= rs >> 7;
    rs ^= rs << 17;
    return (uint32_t)(rs % n);
}

/* A random op into ACC half H (6 rows: DWCONV 2 x 3 pixels, RESCALE 6 rows); FRESH: the half
 * has nothing a later op may add to (translations take only that). */
static void random_op(rig_t *g, uint32_t h, int *fresh, int first) {
    uint32_t what = first ? 2 + rnd(6) : rnd(10);
    int accumulate =
        (!*fresh && rnd(4) != 0) || rnd(16) == 0; /* now and then onto stored rows: interpreted */
    mica_instr_t in = {{0, 0}};
    if (what < 2) {
        simple(g, MICA_OP_LOADW, rnd(16));
        return;
    }
    if (what == 9) {
        load(g, 0, rnd(40), 1 + rnd(8), 1 + rnd(g->R), ACT + rnd(512), g->R, 0, 0);
        return;
    }
    *fresh = what == 8;
    if (what == 8) {
        uint32_t r0 = rnd(3);
        store_rows(g, 16 * h + r0, 1 + rnd(6 - r0), 1 + rnd(g->C), rnd(2), (int)rnd(3),
                   OUT + 64 * rnd(32), g->C);
        return;
    }
    if (what < 6) {
        MICA_SET(&in, MICA_F_OPCODE, MICA_OP_DWCONV);
        MICA_SET(&in, MICA_F_DWCONV_MODE, rnd(2));
        MICA_SET(&in, MICA_F_DWCONV_TAPS,
                 rnd(6) ? MICA_DWCONV_TAPS_ONE : 1 + rnd(2)); /* NINE, THREE */
        MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, accumulate);
        MICA_SET(&in, MICA_F_MATMUL_Z_IN, (int)rnd(256) - 128);
        MICA_SET(&in, MICA_F_MATMUL_ASPAD_ADDR, rnd(30));
        MICA_SET(&in, MICA_F_MATMUL_ACC_ADDR, 16 * h);
        MICA_SET(&in, MICA_F_MATMUL_IN_H, 1 + rnd(5));
        MICA_SET(&in, MICA_F_MATMUL_IN_W, 1 + rnd(6));
        MICA_SET(&in, MICA_F_MATMUL_OUT_H, 2);
        MICA_SET(&in, MICA_F_MATMUL_OUT_W, 3);
        MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1 + rnd(2));
        MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1 + rnd(2));
        MICA_SET(&in, MICA_F_MATMUL_OFF_Y, (int)rnd(5) - 2);
        MICA_SET(&in, MICA_F_MATMUL_OFF_X, (int)rnd(5) - 2);
    } else {
        MICA_SET(&in, MICA_F_OPCODE, MICA_OP_RESCALE);
        MICA_SET(&in, MICA_F_RESCALE_ACCUMULATE, accumulate);
        MICA_SET(&in, MICA_F_RESCALE_Z_IN, (int)rnd(256) - 128);
        MICA_SET(&in, MICA_F_RESCALE_ASPAD_ADDR, rnd(40));
        MICA_SET(&in, MICA_F_RESCALE_ACC_ADDR, 16 * h);
        MICA_SET(&in, MICA_F_RESCALE_ROWS, 6);
        MICA_SET(&in, MICA_F_RESCALE_MULT, rnd(1u << 31));
        MICA_SET(&in, MICA_F_RESCALE_LEFT_SHIFT, rnd(21));
        MICA_SET(&in, MICA_F_RESCALE_RIGHT_SHIFT, rnd(32));
    }
    put(g, &in);
}

static void random_program(rig_t *g) {
    int fresh[2] = {1, 1};
    g->pc = 0;
    load(g, 0, 0, 64, g->R, ACT, g->R, 0, 0);
    load(g, 1, 0, 16, g->C - rnd(g->C), WGT, g->C, 0, 0);
    load(g, 2, 0, 8, 4 * g->C, PRM, 4 * g->C, 0, 0);
    simple(g, MICA_OP_LOADW, rnd(16));
    for (uint32_t i = 0, n = 4 + rnd(20); i < n; i++) {
        uint32_t h = i < 2 ? i : rnd(2);
        random_op(g, h, &fresh[h], i < 2);
    }
    for (uint32_t h = 0; h < 2; h++)
        store_rows(g, 16 * h, 6, g->C, h, 0, OUT + 0x800 + 0x100 * h, g->C);
    simple(g, MICA_OP_END, 0);
}

static int check_random(unsigned count) {
    const uint32_t shapes[][2] = {{16, 16}, {4, 6}, {6, 4}, {8, 8}};
    unsigned translated = 0, bad = 0;
    for (unsigned it = 0; it < count; it++) {
        uint32_t R = shapes[it % 4][0], C = shapes[it % 4][1];
        mica_hw_config_t cfg = {R, C, 128, 32, 64, 4, 8, 0, 0, 0};
        rig_t g = {mica_fm_new(&cfg, MEM, 0), 0, {0}, R, C, 0, 0};
        mica_fm_t *b = mica_fm_new(&cfg, MEM, 0);
        if (!g.m || !b || !(g.m->plans = mica_fp_new()))
            return 1;
        random_program(&g);
        memcpy(b->ref->mem + CODE, g.m->ref->mem + CODE, 16 * g.pc);
        for (unsigned run = 0; run < 3; run++)
            for (mica_fm_t *m = g.m; m; m = m == g.m ? b : NULL) {
                write_data(m, C, 900 + it + run, run == 0);
                m->ref->prog_addr = CODE;
                m->ref->prog_len = g.pc;
                uint32_t err = mica_fm_run(m);
                if (m == b)
                    bad +=
                        err != g.m->ref->error_code ||
                        memcmp(g.m->ref->mem + OUT, b->ref->mem + OUT, MEM - OUT) != 0 ||
                        memcmp(g.m->ref->counters, b->ref->counters, sizeof b->ref->counters) != 0;
            }
        translated += mica_fp_translated_runs(g.m) > 0;
        mica_fm_free(g.m);
        mica_fm_free(b);
    }
    printf("random programs: %u, %u of them translated, %u runs differ\n", count, translated, bad);
    return bad || translated < count / 10;
}

static int check(uint32_t R, uint32_t C, int vnni) {
    mica_hw_config_t cfg = {R, C, 256, 64, 64, 4, 8, 0, 0, 0};
    rig_t g[2] = {{mica_fm_new(&cfg, MEM, 0), 0, {0}, R, C, 0, 0},
                  {mica_fm_new(&cfg, MEM, 0), 0, {0}, R, C, 0, 0}};
    int bad = 0;
    if (!g[0].m || !g[1].m || !(g[0].m->plans = mica_fp_new()))
        return 1;
    mica_fp_set_vnni(g[0].m->plans, vnni);
    for (int k = 0; k < 2; k++) {
        g[k].L = R < C ? R : C;
        g[k].CH = 2 * g[k].L + 3;
        write_programs(&g[k]);
    }
    for (unsigned it = 0; it < 6; it++) {
        uint64_t counters[2][NPROG][MICA_NUM_COUNTERS];
        for (int k = 0; k < 2; k++) {
            write_data(g[k].m, C, 700 + it, it == 0 ? 1 : it == 3 ? 2 : 0);
            for (int p = 0; p < NPROG; p++) {
                g[k].m->ref->prog_addr = CODE + 16 * g[k].start[p];
                g[k].m->ref->prog_len = g[k].start[p + 1] - g[k].start[p];
                bad += mica_fm_run(g[k].m) != 0;
                memcpy(counters[k][p], g[k].m->ref->counters, sizeof counters[k][p]);
            }
        }
        bad += memcmp(g[0].m->ref->mem + OUT, g[1].m->ref->mem + OUT, MEM - OUT) != 0 ||
               memcmp(counters[0], counters[1], sizeof counters[0]) != 0;
    }
    uint64_t translated = mica_fp_translated_runs(g[0].m);
    printf("%ux%u array%s: %llu of 30 runs translated (19 expected), outputs and counters %s\n", R,
           C, vnni ? "" : " (vnni=0)", (unsigned long long)translated,
           bad ? "DIFFER" : "identical");
    mica_fm_free(g[0].m);
    mica_fm_free(g[1].m);
    return bad || translated != 19;
}

int main(void) {
    int bad =
        check(16, 16, 1) + check(16, 16, 0) + check(4, 6, 1) + check(6, 4, 1) + check(20, 20, 1);
    bad += check(32, 16, 1) + check(16, 32, 1);
    bad += check_random(5000);
    printf("test_func_vecplan: %s\n", bad ? "FAIL" : "PASS");
    return bad != 0;
}
