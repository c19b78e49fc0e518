/* The func backend runs a program translated after its first run (driver/backends/func/func_plan.c). These
 * cases check that translated runs write the same bytes and counters as the interpreter, and that
 * the interpreter's view stays exact when the two mix:
 *   P1: LOAD activations, weights and parameters; LOADW; 3 accumulating MATMULs over 2 output
 *       folds (two groups sharing one GEMM); STOREs (round modes 0 and 2)  -> translatable
 *   P2: LOADW of rows P1 loaded, MATMUL, STORE                                -> interpreted; reads
 *       the WSPAD P1's translated runs skipped
 *   P3: MATMUL accumulating onto ACC left by P1, STORE                        -> interpreted; reads
 *       the ACC P1's translated runs never wrote
 *   P4: the compiler's pipelined order: two ACC halves whose groups overlap in time, activation
 *       LOADs into the other ASPAD half between MATMULs, parameters loaded per fold  -> translatable
 * A rewrite of P1's weights must drop its translation. Also: the host-double STORE mode 2 equals
 * mica_mul_real (the bit-exact integer definition) on edge and random cases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "func_run.h"
#include "func_plan.h"
#include "mica_fixedpoint.h"
#include "kernels/mica_kernel_util.h"

static int use_vnni = 1; /* main runs the translation checks with and without the AVX-VNNI paths */

static struct mica_fp_cache *new_plans(void) {
    struct mica_fp_cache *c = mica_fp_new();
    if (c)
        mica_fp_set_vnni(c, use_vnni);
    return c;
}

enum {
    R = 4,
    C = 4,
    ACT = 0x1000,
    WGT = 0x2000,
    PRM = 0x4000,
    OUT = 0x6000,
    CODE = 0x100,
    MEM = 0x7000
};

static uint32_t emit_at(mica_fm_t *m, uint32_t pc, const mica_instr_t *in) {
    mica_fm_note_write(m, CODE + 16u * pc, 16);
    memcpy(m->ref->mem + CODE + 16u * pc, in, 16);
    return pc + 1;
}

static mica_instr_t load(int target, uint32_t mem, uint32_t rows, uint32_t len, uint32_t ext,
                         uint32_t stride) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_LOAD);
    MICA_SET(&in, MICA_F_LOAD_TARGET, target);
    MICA_SET(&in, MICA_F_LOAD_MEM_ADDR, mem);
    MICA_SET(&in, MICA_F_LOAD_ROWS, rows);
    MICA_SET(&in, MICA_F_LOAD_LEN, len);
    MICA_SET(&in, MICA_F_LOAD_EXT_ADDR, ext);
    MICA_SET(&in, MICA_F_LOAD_EXT_STRIDE, stride);
    return in;
}

static mica_instr_t op(int opcode, uint32_t a, int accumulate, int off_x) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, opcode);
    if (opcode == MICA_OP_LOADW)
        MICA_SET(&in, MICA_F_LOADW_WSPAD_ADDR, a);
    if (opcode == MICA_OP_MATMUL) { /* 1 x 6 input row, 1 x 4 output, tap offset off_x */
        MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, accumulate);
        MICA_SET(&in, MICA_F_MATMUL_Z_IN, -3);
        MICA_SET(&in, MICA_F_MATMUL_IN_H, 1);
        MICA_SET(&in, MICA_F_MATMUL_IN_W, 6);
        MICA_SET(&in, MICA_F_MATMUL_OUT_H, 1);
        MICA_SET(&in, MICA_F_MATMUL_OUT_W, 4);
        MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1);
        MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
        MICA_SET(&in, MICA_F_MATMUL_OFF_X, off_x);
        MICA_SET(&in, MICA_F_MATMUL_ACC_ADDR, a);
    }
    return in;
}

static mica_instr_t store(uint32_t acc, uint32_t set, int mode, uint32_t ext) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_STORE);
    MICA_SET(&in, MICA_F_STORE_ROUND, mode);
    MICA_SET(&in, MICA_F_STORE_ACC_ADDR, acc);
    MICA_SET(&in, MICA_F_STORE_ROWS, 4);
    MICA_SET(&in, MICA_F_STORE_LEN, C);
    MICA_SET(&in, MICA_F_STORE_PARAM_SET, set);
    MICA_SET(&in, MICA_F_STORE_EXT_ADDR, ext);
    MICA_SET(&in, MICA_F_STORE_EXT_STRIDE, C);
    MICA_SET(&in, MICA_F_STORE_Z_OUT, 5);
    MICA_SET(&in, MICA_F_STORE_ACT_MIN, -128);
    MICA_SET(&in, MICA_F_STORE_ACT_MAX, 127);
    return in;
}

/* Writes P1, P2, P3; returns their (start, length) pairs in se[6]. */
static void write_programs(mica_fm_t *m, uint32_t se[6]) {
    uint32_t pc = 0;
    mica_instr_t p1[] = {load(0, 0, 6, R, ACT, R),
                         load(1, 0, 4 * R, C, WGT, C),
                         load(2, 0, 8, 4 * C, PRM, 4 * C),
                         op(MICA_OP_LOADW, 0, 0, 0),
                         op(MICA_OP_MATMUL, 0, 0, 0),
                         op(MICA_OP_LOADW, R, 0, 0),
                         op(MICA_OP_MATMUL, 0, 1, 1),
                         store(0, 0, MICA_ROUND_DOUBLE, OUT),
                         op(MICA_OP_LOADW, 2 * R, 0, 0),
                         op(MICA_OP_MATMUL, 4, 0, 0),
                         op(MICA_OP_LOADW, 3 * R, 0, 0),
                         op(MICA_OP_MATMUL, 4, 1, 1),
                         store(4, 1, MICA_ROUND_REAL, OUT + 16),
                         op(MICA_OP_END, 0, 0, 0)};
    mica_instr_t p2[] = {op(MICA_OP_LOADW, R, 0, 0), op(MICA_OP_MATMUL, 8, 0, 2),
                         store(8, 0, MICA_ROUND_DOUBLE, OUT + 32), op(MICA_OP_END, 0, 0, 0)};
    mica_instr_t p3[] = {op(MICA_OP_LOADW, 0, 0, 0), op(MICA_OP_MATMUL, 4, 1, 2),
                         store(4, 1, MICA_ROUND_REAL, OUT + 48), op(MICA_OP_END, 0, 0, 0)};
    se[0] = pc;
    for (size_t i = 0; i < sizeof p1 / 16; i++)
        pc = emit_at(m, pc, &p1[i]);
    se[1] = pc - se[0];
    se[2] = pc;
    for (size_t i = 0; i < sizeof p2 / 16; i++)
        pc = emit_at(m, pc, &p2[i]);
    se[3] = pc - se[2];
    se[4] = pc;
    for (size_t i = 0; i < sizeof p3 / 16; i++)
        pc = emit_at(m, pc, &p3[i]);
    se[5] = pc - se[4];
}

static void host_write(mica_fm_t *m, uint32_t addr, const void *src, size_t n) {
    mica_fm_note_write(m, addr, n);
    memcpy(m->ref->mem + addr, src, n);
}

static void write_data(mica_fm_t *m, unsigned seed, int weights) {
    int8_t b[6 * R + 4 * R * C];
    int32_t p[8 * C];
    srand(seed);
    for (size_t i = 0; i < sizeof b; i++)
        b[i] = (int8_t)(rand() % 256 - 128);
    host_write(m, ACT, b, 6 * R);
    if (!weights)
        return;
    host_write(m, WGT, b + 6 * R, 4 * R * C);
    for (int s = 0; s < 2; s++)
        for (int c = 0; c < C; c++) {
            p[(s * 4 + 0) * C + c] = rand() % 2001 - 1000; /* bias */
            p[(s * 4 + 1) * C + c] =
                s == 0 ? 1073741824 + rand() % 100000000 /* multiplier */
                       : (int32_t)(0x80000000u | (uint32_t)rand() |
                                   (uint32_t)(c == 3) << 20); /* mode 2: normalized but one */
            if (s == 1 && c == 3)
                p[(s * 4 + 1) * C + c] = 123456;
            p[(s * 4 + 2) * C + c] = -(rand() % 12);    /* shift */
            p[(s * 4 + 3) * C + c] = rand() & 0x1FFFFF; /* low multiplier bits */
        }
    host_write(m, PRM, p, sizeof p);
}

static int run_all(mica_fm_t *m, const uint32_t se[6], uint64_t counters[3][MICA_NUM_COUNTERS]) {
    for (int k = 0; k < 3; k++) {
        m->ref->prog_addr = CODE + 16 * se[2 * k];
        m->ref->prog_len = se[2 * k + 1];
        if (mica_fm_run(m))
            return -1;
        memcpy(counters[k], m->ref->counters, sizeof counters[k]);
    }
    return 0;
}

static int check_mixing(void) {
    mica_hw_config_t cfg = {R, C, 64, 64, 64, 4, 8, 0, 0, 0};
    mica_fm_t *a = mica_fm_new(&cfg, MEM, 0),
              *b = mica_fm_new(&cfg, MEM, 0); /* a translates, b never */
    uint32_t se[6];
    int bad = 0;
    if (!a || !b || !(a->plans = new_plans()))
        return 1;
    write_programs(a, se);
    write_programs(b, se);
    for (unsigned it = 0; it < 12; it++) {
        int weights = it == 0 || it == 7; /* run 7 rewrites P1's weights: its translation must go */
        write_data(a, 100 + it, weights);
        write_data(b, 100 + it, weights);
        uint64_t ca[3][MICA_NUM_COUNTERS], cb[3][MICA_NUM_COUNTERS];
        bad += run_all(a, se, ca) != 0 || run_all(b, se, cb) != 0;
        bad +=
            memcmp(a->ref->mem + OUT, b->ref->mem + OUT, 64) != 0 || memcmp(ca, cb, sizeof ca) != 0;
    }
    uint64_t translated = mica_fp_translated_runs(a);
    printf("mixed translated/interpreted runs: %llu of 12 ran P1 translated, outputs and counters "
           "%s\n",
           (unsigned long long)translated, bad ? "DIFFER" : "identical");
    mica_fm_free(a);
    mica_fm_free(b);
    return bad || translated != 10; /* all but the first run and the run after the rewrite */
}

static mica_instr_t mm(uint32_t acc, int accumulate, int off_x, uint32_t aspad) {
    mica_instr_t in = op(MICA_OP_MATMUL, acc, accumulate, off_x);
    MICA_SET(&in, MICA_F_MATMUL_ASPAD_ADDR, aspad);
    return in;
}

/* P4 (two bands of one layer; ASPAD halves at 0 and 8, ACC halves at 0 and 4) against a model that
 * only interprets: same bytes on every run, translated from the second run on. */
static int check_pipelined(void) {
    mica_hw_config_t cfg = {R, C, 64, 64, 64, 4, 8, 0, 0, 0};
    mica_fm_t *a = mica_fm_new(&cfg, MEM, 0), *b = mica_fm_new(&cfg, MEM, 0);
    mica_instr_t p4[] = {
        load(0, 0, 6, R, ACT, R),
        load(1, 0, 2 * R, C, WGT, C),
        load(2, 0, 4, 4 * C, PRM, 4 * C),
        op(MICA_OP_LOADW, 0, 0, 0),
        mm(0, 0, 0, 0),
        load(0, 8, 6, R, ACT + 6 * R, R), /* band 2's input, other half */
        op(MICA_OP_LOADW, R, 0, 0),
        mm(0, 1, 1, 0),
        load(1, 2 * R, 2 * R, C, WGT + 2 * R * C, C), /* fold 2's weights, other half */
        load(2, 4, 4, 4 * C, PRM + 16 * C, 4 * C),
        op(MICA_OP_LOADW, 2 * R, 0, 0),
        mm(4, 0, 0, 0),
        op(MICA_OP_LOADW, 3 * R, 0, 0),
        mm(4, 1, 1, 0),
        store(0, 0, MICA_ROUND_DOUBLE, OUT),
        op(MICA_OP_LOADW, 0, 0, 0),
        mm(0, 0, 0, 8),                         /* band 2 into ACC half 0 ... */
        store(4, 1, MICA_ROUND_REAL, OUT + 16), /* ... before band 1 fold 2 is stored */
        op(MICA_OP_LOADW, R, 0, 0),
        mm(0, 1, 1, 8),
        store(0, 0, MICA_ROUND_DOUBLE, OUT + 32),
        op(MICA_OP_END, 0, 0, 0)};
    int bad = 0;
    if (!a || !b || !(a->plans = new_plans()))
        return 1;
    for (size_t i = 0; i < sizeof p4 / 16; i++) {
        emit_at(a, (uint32_t)i, &p4[i]);
        emit_at(b, (uint32_t)i, &p4[i]);
    }
    for (unsigned it = 0; it < 6; it++) {
        write_data(a, 300 + it, it == 0);
        write_data(b, 300 + it, it == 0);
        int8_t band2[6 * R];
        for (int i = 0; i < 6 * R; i++)
            band2[i] = (int8_t)(it * 37 + i * 11);
        host_write(a, ACT + 6 * R, band2, sizeof band2);
        host_write(b, ACT + 6 * R, band2, sizeof band2);
        for (mica_fm_t *m = a; m; m = m == a ? b : NULL) {
            m->ref->prog_addr = CODE;
            m->ref->prog_len = sizeof p4 / 16;
            bad += mica_fm_run(m) != 0;
        }
        bad += memcmp(a->ref->mem + OUT, b->ref->mem + OUT, 48) != 0 ||
               memcmp(a->ref->counters, b->ref->counters, sizeof a->ref->counters) != 0;
    }
    uint64_t translated = mica_fp_translated_runs(a);
    printf("pipelined program (ACC/ASPAD halves, interleaved LOADs): %llu of 6 runs translated, "
           "outputs %s\n",
           (unsigned long long)translated, bad ? "DIFFER" : "identical");
    mica_fm_free(a);
    mica_fm_free(b);
    return bad || translated != 5;
}

/* One pixel (the integer GEMV) on a 12 x GC array: K = 36 and N = 9 leave tails after the vector
 * widths (16 activations, 4 outputs); GC = 8 and 64 take the AVX-VNNI paths where there are some
 * (N = 24: a tail after 64 outputs a pass; N = 192: 128 with AVX-512, then 64). Three folds of three taps each, the last one in the
 * padding; compared with the interpreter. */
static int check_gemv(int GC) {
    enum { GR = 12 };
    mica_hw_config_t cfg = {GR, GC, 64, 128, 64, 4, 8, 0, 0, 0};
    mica_fm_t *m[2] = {mica_fm_new(&cfg, MEM, 0), mica_fm_new(&cfg, MEM, 0)};
    int bad = 0;
    if (!m[0] || !m[1] || !(m[0]->plans = new_plans()))
        return 1;
    for (int k = 0; k < 2; k++) {
        uint32_t pc = 0;
        mica_instr_t in = load(0, 0, 2, GR, ACT, GR);
        pc = emit_at(m[k], pc, &in);
        in = load(1, 0, 9 * GR, GC, WGT, GC);
        pc = emit_at(m[k], pc, &in);
        in = load(2, 0, 12, 4 * GC, PRM, 4 * GC);
        pc = emit_at(m[k], pc, &in);
        for (uint32_t f = 0; f < 3; f++) {
            for (uint32_t t = 0; t < 3; t++) {
                mica_instr_t w = op(MICA_OP_LOADW, (3 * f + t) * GR, 0, 0),
                             mt = mm(f, t != 0, t == 2, t % 2);
                MICA_SET(&mt, MICA_F_MATMUL_IN_W, 1);
                MICA_SET(&mt, MICA_F_MATMUL_OUT_W, 1);
                pc = emit_at(m[k], pc, &w);
                pc = emit_at(m[k], pc, &mt);
            }
            in = store(f, f, f == 1 ? MICA_ROUND_REAL : MICA_ROUND_DOUBLE, OUT + GC * f);
            MICA_SET(&in, MICA_F_STORE_ROWS, 1);
            MICA_SET(&in, MICA_F_STORE_LEN, GC);
            pc = emit_at(m[k], pc, &in);
        }
        in = op(MICA_OP_END, 0, 0, 0);
        emit_at(m[k], pc, &in);
        m[k]->ref->prog_addr = CODE;
        m[k]->ref->prog_len = pc + 1;
    }
    for (unsigned it = 0; it < 5; it++) {
        int8_t b[9 * GR * 64 + 2 * GR];
        int32_t p[12 * 64];
        srand(500 + it);
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (int8_t)(rand() % 256 - 128);
        for (int i = 0; i < 12 * GC; i++)
            p[i] = i % (4 * GC) < GC       ? rand() % 20001 - 10000
                   : i % (4 * GC) < 2 * GC ? (int32_t)(0x80000000u | (uint32_t)rand())
                   : i % (4 * GC) < 3 * GC ? -(rand() % 8) - 8
                                           : rand();
        for (int k = 0; k < 2; k++) {
            host_write(m[k], ACT, b, 2 * GR);
            if (it == 0)
                host_write(m[k], WGT, b + 2 * GR, 9 * GR * GC);
            if (it == 0)
                host_write(m[k], PRM, p, sizeof(int32_t) * 12 * GC);
            bad += mica_fm_run(m[k]) != 0;
        }
        bad += memcmp(m[0]->ref->mem + OUT, m[1]->ref->mem + OUT, 3 * GC) != 0;
    }
    uint64_t translated = mica_fp_translated_runs(m[0]);
    printf(
        "one-pixel GEMV with vector tails (%dx%d array): %llu of 5 runs translated, outputs %s\n",
        GR, GC, (unsigned long long)translated, bad ? "DIFFER" : "identical");
    mica_fm_free(m[0]);
    mica_fm_free(m[1]);
    return bad || translated != 4;
}

static int check_real_mode(void) {
    long bad = 0, n = 0;
    uint64_t s = 88172645463325252ull;
    const int32_t xs[] = {0, 1, -1, INT32_MAX, INT32_MIN, 3, -3, 1 << 30, -(1 << 30)};
    for (unsigned i = 0; i < 2000000; i++, n++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        int32_t x = i < 9 * 64 ? xs[i % 9] : (int32_t)(s >> (s & 1 ? 32 : 45)) * (s & 2 ? 1 : -1);
        uint64_t m53 =
            (i % 7 ? 1ull << 52 : 0) | (s >> 12 & ((1ull << 52) - 1)); /* and unnormalized */
        int e = (int)(s >> 3 & 63) - 40 + (i % 97 == 0 ? 60 : 0);
        if (i % 5 == 0)
            m53 &= ~0xFFFFFull;
        if (i % 3 == 0) {
            m53 = (1ull << 52) + ((s >> 20 & 7) << 49);
            e = -(int)(s >> 24 & 3);
        } /* exact halves */
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
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            x[c] = i % 4 == 0 ? edge[(s >> 8) % 9] : (int32_t)(s >> 32) >> (s & 31);
            mult[c] = i % 8 == 1 ? edge[(s >> 12) % 9] : (int32_t)(s >> 16);
            shift[c] = (int)((s >> 40) % 62) - 31; /* -31..30, the clamped range */
            want[c] = mica_mul_double_round(x[c], mult[c], shift[c]);
        }
        for (int c = 0; c < 16; c++) {
            mica_rescale_t r = mica_rescale_make(mult[c], shift[c]);
            bad += mica_rescale(x[c], &r) != want[c];
        }
    }
    printf("STORE round mode 0 (mica_rescale) vs mica_mul_double_round: %ld cases, %ld differ\n", n,
           bad);
    return bad != 0;
}

int main(void) {
    int bad = check_real_mode() + check_double_mode();
    for (use_vnni = 1; use_vnni >= 0; use_vnni--) {
        printf("translations %s:\n", use_vnni ? "with the AVX-VNNI paths (where the CPU has them)"
                                              : "without the AVX-VNNI paths");
        bad += check_mixing() + check_pipelined() + check_gemv(3) + check_gemv(8) + check_gemv(64);
    }
    printf("test_func_plan: %s\n", bad ? "FAIL" : "PASS");
    return bad != 0;
}
