/* Simulation throughput: simulated clock cycles per wall-clock second for a long MATMUL-heavy
 * program (32x32-pixel tiles, a LOADW before every MATMUL), on every built array size.
 * usage: mica_sim_bench [seconds_per_size (default 2)] */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c99 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mica_isa.h"
#include "mica_sim.h"

enum { PROG = 0x0, ACT = 0x10000, WGT = 0x20000, PARAM = 0x30000, OUT = 0x40000, N_MATMUL = 64 };
enum { TILE = 32, PIXELS = TILE * TILE };

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int g_bad_field;
static mica_instr_t *emit(mica_instr_t *prog, unsigned *n, unsigned op, unsigned wait) {
    mica_instr_t *in = &prog[(*n)++];
    memset(in, 0, sizeof *in);
    g_bad_field |= MICA_SET(in, MICA_F_OPCODE, op) | MICA_SET(in, MICA_F_WAIT, wait);
    return in;
}

static void emit_load(mica_instr_t *prog, unsigned *n, unsigned target, unsigned rows, unsigned len,
                      uint32_t ext) {
    mica_instr_t *in = emit(prog, n, MICA_OP_LOAD, 0);
    g_bad_field |= MICA_SET(in, MICA_F_LOAD_TARGET, target) | MICA_SET(in, MICA_F_LOAD_ROWS, rows) |
                   MICA_SET(in, MICA_F_LOAD_LEN, len) | MICA_SET(in, MICA_F_LOAD_EXT_ADDR, ext) |
                   MICA_SET(in, MICA_F_LOAD_EXT_STRIDE, len);
}

/* Writes inputs and the program; returns the instruction count. */
static unsigned build_program(mica_sim_t *sim, unsigned R, unsigned C) {
    static mica_instr_t prog[2 * N_MATMUL + 8];
    static int8_t bytes[PIXELS * 64];
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof bytes; i++) bytes[i] = (int8_t)(i * 37u + 11u);
    mica_sim_mem_write(sim, ACT, bytes, (size_t)PIXELS * R);
    mica_sim_mem_write(sim, WGT, bytes, (size_t)2 * R * C);
    mica_sim_mem_write(sim, PARAM, bytes, 16u * C); /* any multiplier / shift: only speed counts */
    emit_load(prog, &n, 0, PIXELS, R, ACT);
    emit_load(prog, &n, 1, 2 * R, C, WGT);
    emit_load(prog, &n, 2, 4, 4 * C, PARAM);
    for (unsigned i = 0; i < N_MATMUL; i++) {
        mica_instr_t *lw = emit(prog, &n, MICA_OP_LOADW, i == 0 ? MICA_UNIT_LOAD : 0);
        g_bad_field |= MICA_SET(lw, MICA_F_LOADW_WSPAD_ADDR, (i % 2) * R);
        mica_instr_t *mm = emit(prog, &n, MICA_OP_MATMUL, i == 0 ? MICA_UNIT_LOAD : 0);
        g_bad_field |= MICA_SET(mm, MICA_F_MATMUL_ACCUMULATE, i > 0) | MICA_SET(mm, MICA_F_MATMUL_IN_H, TILE) |
                       MICA_SET(mm, MICA_F_MATMUL_IN_W, TILE) | MICA_SET(mm, MICA_F_MATMUL_OUT_H, TILE) |
                       MICA_SET(mm, MICA_F_MATMUL_OUT_W, TILE) | MICA_SET(mm, MICA_F_MATMUL_STRIDE_Y, 1) |
                       MICA_SET(mm, MICA_F_MATMUL_STRIDE_X, 1) | MICA_SET(mm, MICA_F_MATMUL_OFF_Y, (int)(i % 3) - 1) |
                       MICA_SET(mm, MICA_F_MATMUL_OFF_X, (int)(i / 3 % 3) - 1);
    }
    mica_instr_t *st = emit(prog, &n, MICA_OP_STORE, MICA_UNIT_ARRAY);
    g_bad_field |= MICA_SET(st, MICA_F_STORE_ROWS, PIXELS) | MICA_SET(st, MICA_F_STORE_LEN, C) |
                   MICA_SET(st, MICA_F_STORE_EXT_ADDR, OUT) | MICA_SET(st, MICA_F_STORE_EXT_STRIDE, C) |
                   MICA_SET(st, MICA_F_STORE_ACT_MIN, -128) | MICA_SET(st, MICA_F_STORE_ACT_MAX, 127);
    emit(prog, &n, MICA_OP_END, 0);
    for (unsigned i = 0; i < n; i++) {
        uint8_t b[16];
        for (unsigned k = 0; k < 16; k++) b[k] = (uint8_t)(prog[i].w[k / 8] >> (8 * (k % 8)));
        mica_sim_mem_write(sim, PROG + 16 * i, b, 16);
    }
    return n;
}

static int bench(unsigned R, unsigned C, double seconds) {
    mica_sim_config_t cfg = mica_sim_config_default();
    cfg.rows = R;
    cfg.cols = C;
    mica_sim_t *sim;
    char err[200];
    if (mica_sim_create(&cfg, &sim, err, sizeof err)) {
        fprintf(stderr, "mica_sim_bench: %s\n", err);
        return 1;
    }
    unsigned n = build_program(sim, R, C);
    if (g_bad_field) {
        fprintf(stderr, "mica_sim_bench: an instruction field does not fit\n");
        return 1;
    }
    uint64_t cycles = 0, runs = 0, macs = 0, busy = 0;
    double t0 = now_seconds(), spent = 0;
    while (spent < seconds) {
        mica_sim_start(sim, PROG, n);
        uint64_t ran = 0;
        double t = now_seconds();
        mica_sim_status_t st = mica_sim_run(sim, 100000000, &ran);
        spent += now_seconds() - t;
        if (st != MICA_SIM_DONE) {
            fprintf(stderr, "mica_sim_bench: %ux%u run ended with status %d (ERROR %u at PC %u)\n", R, C, st,
                    mica_sim_csr_read(sim, MICA_CSR_ERROR), mica_sim_csr_read(sim, MICA_CSR_ERROR_PC));
            mica_sim_destroy(sim);
            return 1;
        }
        cycles += ran;
        runs++;
        macs = mica_sim_counter(sim, MICA_CNT_MACS);
        busy = mica_sim_counter(sim, MICA_CNT_CYCLES);
        if (now_seconds() - t0 > 10 * seconds) break;
    }
    printf("%2ux%-2u  %8.3f Mcycles/s  (%llu runs x %llu cycles, %.2f s; %.1f MACs/cycle = %.0f%% of peak)\n", R, C,
           cycles / spent / 1e6, (unsigned long long)runs, (unsigned long long)(cycles / runs), spent,
           (double)macs / (double)busy, 100.0 * (double)macs / (double)busy / (R * C));
    char cfg_line[200]; /* names the model, so a THREADS=N build shows which one ran */
    printf("        %s\n", mica_sim_config_string(sim, cfg_line, sizeof cfg_line));
    mica_sim_destroy(sim);
    return 0;
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    if (seconds <= 0) {
        fprintf(stderr, "usage: mica_sim_bench [seconds_per_size > 0]\n");
        return 2;
    }
    int rc = 0;
    printf("program: %d x (LOADW + MATMUL over %dx%d pixels) + STORE, memory latency 10, 8 B/cycle\n", N_MATMUL,
           TILE, TILE);
    for (unsigned i = 0; i < mica_sim_num_builds(); i++) {
        unsigned R, C;
        mica_sim_build_size(i, &R, &C);
        rc |= bench(R, C, seconds);
    }
    return rc;
}
