/* The func backend runs a program translated after its first run (driver/func_plan.c). These
 * cases check that translated runs write the same bytes and counters as the interpreter, and that
 * the interpreter's view stays exact when the two mix:
 *   P1: LOAD activations, weights and parameters; LOADW; 3 accumulating MATMULs over 2 output
 *       folds (two groups sharing one GEMM); STOREs (round modes 0 and 2)  -> translatable
 *   P2: LOADW of rows P1 loaded, MATMUL, STORE                                -> interpreted; reads
 *       the WSPAD P1's translated runs skipped
 *   P3: MATMUL accumulating onto ACC left by P1, STORE                        -> interpreted; reads
 *       the ACC P1's translated runs never wrote
 * A rewrite of P1's weights must drop its translation. Also: the host-double STORE mode 2 equals
 * mica_mul_real (the bit-exact integer definition) on edge and random cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "func_model.h"
#include "func_plan.h"
#include "kernels/mica_fixedpoint.h"
#include "kernels/mica_kernel_util.h"

enum { R = 4, C = 4, ACT = 0x1000, WGT = 0x2000, PRM = 0x3000, OUT = 0x4000, CODE = 0x100 };

static uint32_t emit_at(mica_fm_t *m, uint32_t pc, const mica_instr_t *in) {
    mica_fm_note_write(m, CODE + 16u * pc, 16);
    memcpy(m->mem + CODE + 16u * pc, in, 16);
    return pc + 1;
}

static mica_instr_t load(int target, uint32_t mem, uint32_t rows, uint32_t len, uint32_t ext, uint32_t stride) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_LOAD); MICA_SET(&in, MICA_F_LOAD_TARGET, target);
    MICA_SET(&in, MICA_F_LOAD_MEM_ADDR, mem); MICA_SET(&in, MICA_F_LOAD_ROWS, rows);
    MICA_SET(&in, MICA_F_LOAD_LEN, len); MICA_SET(&in, MICA_F_LOAD_EXT_ADDR, ext);
    MICA_SET(&in, MICA_F_LOAD_EXT_STRIDE, stride);
    return in;
}

static mica_instr_t op(int opcode, uint32_t a, int accumulate, int off_x) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, opcode);
    if (opcode == MICA_OP_LOADW) MICA_SET(&in, MICA_F_LOADW_WSPAD_ADDR, a);
    if (opcode == MICA_OP_MATMUL) {   /* 1 x 6 input row, 1 x 4 output, tap offset off_x */
        MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, accumulate); MICA_SET(&in, MICA_F_MATMUL_Z_IN, -3);
        MICA_SET(&in, MICA_F_MATMUL_IN_H, 1); MICA_SET(&in, MICA_F_MATMUL_IN_W, 6);
        MICA_SET(&in, MICA_F_MATMUL_OUT_H, 1); MICA_SET(&in, MICA_F_MATMUL_OUT_W, 4);
        MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1); MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
        MICA_SET(&in, MICA_F_MATMUL_OFF_X, off_x); MICA_SET(&in, MICA_F_MATMUL_ACC_ADDR, a);
    }
    return in;
}

static mica_instr_t store(uint32_t acc, uint32_t set, int mode, uint32_t ext) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_STORE); MICA_SET(&in, MICA_F_STORE_ROUND, mode);
    MICA_SET(&in, MICA_F_STORE_ACC_ADDR, acc); MICA_SET(&in, MICA_F_STORE_ROWS, 4);
    MICA_SET(&in, MICA_F_STORE_LEN, C); MICA_SET(&in, MICA_F_STORE_PARAM_SET, set);
    MICA_SET(&in, MICA_F_STORE_EXT_ADDR, ext); MICA_SET(&in, MICA_F_STORE_EXT_STRIDE, C);
    MICA_SET(&in, MICA_F_STORE_Z_OUT, 5); MICA_SET(&in, MICA_F_STORE_ACT_MIN, -128);
    MICA_SET(&in, MICA_F_STORE_ACT_MAX, 127);
    return in;
}

/* Writes P1, P2, P3; returns their (start, length) pairs in se[6]. */
static void write_programs(mica_fm_t *m, uint32_t se[6]) {
    uint32_t pc = 0;
    mica_instr_t p1[] = {load(0, 0, 6, R, ACT, R), load(1, 0, 4 * R, C, WGT, C), load(2, 0, 8, 4 * C, PRM, 4 * C),
                         op(MICA_OP_LOADW, 0, 0, 0), op(MICA_OP_MATMUL, 0, 0, 0),
                         op(MICA_OP_LOADW, R, 0, 0), op(MICA_OP_MATMUL, 0, 1, 1),
                         store(0, 0, MICA_ROUND_DOUBLE, OUT),
                         op(MICA_OP_LOADW, 2 * R, 0, 0), op(MICA_OP_MATMUL, 4, 0, 0),
                         op(MICA_OP_LOADW, 3 * R, 0, 0), op(MICA_OP_MATMUL, 4, 1, 1),
                         store(4, 1, MICA_ROUND_REAL, OUT + 16), op(MICA_OP_END, 0, 0, 0)};
    mica_instr_t p2[] = {op(MICA_OP_LOADW, R, 0, 0), op(MICA_OP_MATMUL, 8, 0, 2),
                         store(8, 0, MICA_ROUND_DOUBLE, OUT + 32), op(MICA_OP_END, 0, 0, 0)};
    mica_instr_t p3[] = {op(MICA_OP_LOADW, 0, 0, 0), op(MICA_OP_MATMUL, 4, 1, 2),
                         store(4, 1, MICA_ROUND_REAL, OUT + 48), op(MICA_OP_END, 0, 0, 0)};
    se[0] = pc;
    for (size_t i = 0; i < sizeof p1 / 16; i++) pc = emit_at(m, pc, &p1[i]);
    se[1] = pc - se[0]; se[2] = pc;
    for (size_t i = 0; i < sizeof p2 / 16; i++) pc = emit_at(m, pc, &p2[i]);
    se[3] = pc - se[2]; se[4] = pc;
    for (size_t i = 0; i < sizeof p3 / 16; i++) pc = emit_at(m, pc, &p3[i]);
    se[5] = pc - se[4];
}

static void host_write(mica_fm_t *m, uint32_t addr, const void *src, size_t n) {
    mica_fm_note_write(m, addr, n);
    memcpy(m->mem + addr, src, n);
}

static void write_data(mica_fm_t *m, unsigned seed, int weights) {
    int8_t b[6 * R + 4 * R * C];
    int32_t p[8 * C];
    srand(seed);
    for (size_t i = 0; i < sizeof b; i++) b[i] = (int8_t)(rand() % 256 - 128);
    host_write(m, ACT, b, 6 * R);
    if (!weights) return;
    host_write(m, WGT, b + 6 * R, 4 * R * C);
    for (int s = 0; s < 2; s++)
        for (int c = 0; c < C; c++) {
            p[(s * 4 + 0) * C + c] = rand() % 2001 - 1000;              /* bias */
            p[(s * 4 + 1) * C + c] = s == 0 ? 1073741824 + rand() % 100000000   /* multiplier */
                                            : (int32_t)(0x80000000u | (uint32_t)rand() | (uint32_t)(c == 3) << 20);   /* mode 2: normalized but one */
            if (s == 1 && c == 3) p[(s * 4 + 1) * C + c] = 123456;
            p[(s * 4 + 2) * C + c] = -(rand() % 12);                     /* shift */
            p[(s * 4 + 3) * C + c] = rand() & 0x1FFFFF;                  /* low multiplier bits */
        }
    host_write(m, PRM, p, sizeof p);
}

static int run_all(mica_fm_t *m, const uint32_t se[6], uint64_t counters[3][MICA_NUM_COUNTERS]) {
    for (int k = 0; k < 3; k++) {
        m->prog_addr = CODE + 16 * se[2 * k];
        m->prog_len = se[2 * k + 1];
        if (mica_fm_run(m)) return -1;
        memcpy(counters[k], m->counters, sizeof counters[k]);
    }
    return 0;
}

static int check_mixing(void) {
    mica_hw_config_t cfg = {R, C, 64, 64, 64, 4, 8};
    mica_fm_t *a = mica_fm_new(&cfg, 0x5000), *b = mica_fm_new(&cfg, 0x5000);   /* a translates, b never */
    uint32_t se[6];
    int bad = 0;
    if (!a || !b || !(a->plans = mica_fp_new())) return 1;
    write_programs(a, se);
    write_programs(b, se);
    for (unsigned it = 0; it < 12; it++) {
        int weights = it == 0 || it == 7;   /* run 7 rewrites P1's weights: its translation must go */
        write_data(a, 100 + it, weights);
        write_data(b, 100 + it, weights);
        uint64_t ca[3][MICA_NUM_COUNTERS], cb[3][MICA_NUM_COUNTERS];
        bad += run_all(a, se, ca) != 0 || run_all(b, se, cb) != 0;
        bad += memcmp(a->mem + OUT, b->mem + OUT, 64) != 0 || memcmp(ca, cb, sizeof ca) != 0;
    }
    uint64_t translated = mica_fp_translated_runs(a);
    printf("mixed translated/interpreted runs: %llu of 12 ran P1 translated, outputs and counters %s\n",
           (unsigned long long)translated, bad ? "DIFFER" : "identical");
    mica_fm_free(a);
    mica_fm_free(b);
    return bad || translated != 10;   /* all but the first run and the run after the rewrite */
}

static int check_real_mode(void) {
    long bad = 0, n = 0;
    uint64_t s = 88172645463325252ull;
    const int32_t xs[] = {0, 1, -1, INT32_MAX, INT32_MIN, 3, -3, 1 << 30, -(1 << 30)};
    for (unsigned i = 0; i < 2000000; i++, n++) {
        s ^= s << 13; s ^= s >> 7; s ^= s << 17;
        int32_t x = i < 9 * 64 ? xs[i % 9] : (int32_t)(s >> (s & 1 ? 32 : 45)) * (s & 2 ? 1 : -1);
        uint64_t m53 = (i % 7 ? 1ull << 52 : 0) | (s >> 12 & ((1ull << 52) - 1));   /* and unnormalized */
        int e = (int)(s >> 3 & 63) - 40 + (i % 97 == 0 ? 60 : 0);
        if (i % 5 == 0) m53 &= ~0xFFFFFull;
        if (i % 3 == 0) { m53 = (1ull << 52) + ((s >> 20 & 7) << 49); e = -(int)(s >> 24 & 3); }   /* exact halves */
        bad += mica_fm_mul_real_host(x, m53, e) != mica_mul_real(x, m53, e);
    }
    printf("STORE round mode 2 on host doubles vs mica_mul_real: %ld cases, %ld differ\n", n, bad);
    return bad != 0;
}

static int check_double_mode(void) {
    long bad = 0, n = 0;
    uint64_t s = 2463534242ull;
    const int32_t edge[] = {0, 1, -1, INT32_MAX, INT32_MIN, 1 << 30, -(1 << 30), 12345, -12345};
    for (unsigned i = 0; i < 200000; i++) {
        int32_t x[16], mult[16], want[16];
        int shift[16];
        for (int c = 0; c < 16; c++, n++) {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            x[c] = i % 4 == 0 ? edge[(s >> 8) % 9] : (int32_t)(s >> 32) >> (s & 31);
            mult[c] = i % 8 == 1 ? edge[(s >> 12) % 9] : (int32_t)(s >> 16);
            shift[c] = (int)((s >> 40) % 62) - 31;   /* -31..30, the clamped range */
            want[c] = mica_mul_double_round(x[c], mult[c], shift[c]);
        }
        for (int c = 0; c < 16; c++) {
            mica_rescale_t r = mica_rescale_make(mult[c], shift[c]);
            bad += mica_rescale(x[c], &r) != want[c];
        }
    }
    printf("STORE round mode 0 (mica_rescale) vs mica_mul_double_round: %ld cases, %ld differ\n", n, bad);
    return bad != 0;
}

int main(void) {
    int bad = check_mixing() + check_real_mode() + check_double_mode();
    printf("test_func_plan: %s\n", bad ? "FAIL" : "PASS");
    return bad != 0;
}
