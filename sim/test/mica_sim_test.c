/* Test of the Mica simulator through its public C API only (mica_sim.h + mica_isa.h).
 * For every built array size: identity CSRs, a hand-assembled LOAD/LOADW/MATMUL/STORE/END
 * program checked byte-exactly and its event counters against the reference interpreter of the ISA
 * (driver/core/isa_ref.c, include/mica_isa_ref.h), counters, timeout and
 * resume, illegal opcode and bus errors, an FST window, bandwidth throttling; then the API's
 * error paths. Prints one line per failed check and a summary; exit status 1 on any failure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mica_isa.h"
#include "mica_sim.h"
#include "mica_isa_ref.h"

static int g_checks, g_failures;
#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        g_checks++;                                                       \
        if (!(cond)) {                                                    \
            g_failures++;                                                 \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);        \
            printf(__VA_ARGS__);                                          \
            printf("\n");                                                 \
        }                                                                 \
    } while (0)

#define MICA_ID_MAGIC MICA_CSR_ID_VALUE
#define STATUS_DONE MICA_STATUS_DONE
#define STATUS_ERROR MICA_STATUS_ERROR

/* External memory layout of the test program. */
enum { PROG = 0x0, ACT = 0x1000, WGT = 0x3000, PARAM = 0x4000, OUT1 = 0x6000, OUT2 = 0x8000 };
enum { ASPAD_ROW0 = 3, WSPAD_ROW0 = 5, ACC_ROW0 = 2, PARAM_SET = 1, GUARD = 0xEE };
enum { IN_H = 3, IN_W = 7, T = IN_H * IN_W };

/* MATMUL operands of the test program. */
typedef struct {
    int accumulate, z_in, in_h, in_w, out_h, out_w, stride_y, stride_x, off_y, off_x;
} matmul_t;

/* ---- instruction assembly (fields only through the generated MICA_F_* descriptors) ---- */
typedef struct {
    mica_instr_t ins[32];
    unsigned n;
    int bad_field;
} program_t;

static mica_instr_t *emit(program_t *p, unsigned opcode, unsigned wait) {
    mica_instr_t *in = &p->ins[p->n++];
    memset(in, 0, sizeof *in);
    p->bad_field |= MICA_SET(in, MICA_F_OPCODE, opcode) | MICA_SET(in, MICA_F_WAIT, wait);
    return in;
}

static void emit_load(program_t *p, unsigned wait, unsigned target, unsigned mem_addr, unsigned rows,
                      unsigned len, uint32_t ext_addr, uint32_t ext_stride) {
    mica_instr_t *in = emit(p, MICA_OP_LOAD, wait);
    p->bad_field |= MICA_SET(in, MICA_F_LOAD_TARGET, target) | MICA_SET(in, MICA_F_LOAD_MEM_ADDR, mem_addr) |
                    MICA_SET(in, MICA_F_LOAD_ROWS, rows) | MICA_SET(in, MICA_F_LOAD_LEN, len) |
                    MICA_SET(in, MICA_F_LOAD_EXT_ADDR, ext_addr) |
                    MICA_SET(in, MICA_F_LOAD_EXT_STRIDE, ext_stride);
}

static void emit_matmul(program_t *p, unsigned wait, const matmul_t *m) {
    mica_instr_t *in = emit(p, MICA_OP_MATMUL, wait);
    p->bad_field |= MICA_SET(in, MICA_F_MATMUL_ACCUMULATE, m->accumulate) |
                    MICA_SET(in, MICA_F_MATMUL_Z_IN, m->z_in) | MICA_SET(in, MICA_F_MATMUL_ASPAD_ADDR, ASPAD_ROW0) |
                    MICA_SET(in, MICA_F_MATMUL_ACC_ADDR, ACC_ROW0) | MICA_SET(in, MICA_F_MATMUL_IN_H, m->in_h) |
                    MICA_SET(in, MICA_F_MATMUL_IN_W, m->in_w) | MICA_SET(in, MICA_F_MATMUL_OUT_H, m->out_h) |
                    MICA_SET(in, MICA_F_MATMUL_OUT_W, m->out_w) |
                    MICA_SET(in, MICA_F_MATMUL_STRIDE_Y, m->stride_y) |
                    MICA_SET(in, MICA_F_MATMUL_STRIDE_X, m->stride_x) |
                    MICA_SET(in, MICA_F_MATMUL_OFF_Y, m->off_y) | MICA_SET(in, MICA_F_MATMUL_OFF_X, m->off_x);
}

typedef struct {
    int round, len, z_out, act_min, act_max;
    uint32_t ext_addr, ext_stride;
} store_t;

static void emit_store(program_t *p, unsigned wait, const store_t *s) {
    mica_instr_t *in = emit(p, MICA_OP_STORE, wait);
    p->bad_field |= MICA_SET(in, MICA_F_STORE_ROUND, s->round) | MICA_SET(in, MICA_F_STORE_ACC_ADDR, ACC_ROW0) |
                    MICA_SET(in, MICA_F_STORE_ROWS, T) | MICA_SET(in, MICA_F_STORE_LEN, s->len) |
                    MICA_SET(in, MICA_F_STORE_PARAM_SET, PARAM_SET) |
                    MICA_SET(in, MICA_F_STORE_EXT_ADDR, s->ext_addr) |
                    MICA_SET(in, MICA_F_STORE_EXT_STRIDE, s->ext_stride) |
                    MICA_SET(in, MICA_F_STORE_Z_OUT, s->z_out) | MICA_SET(in, MICA_F_STORE_ACT_MIN, s->act_min) |
                    MICA_SET(in, MICA_F_STORE_ACT_MAX, s->act_max);
}

/* The golden model beside the simulator: the reference interpreter on a mirror of its memory. */
static mica_isa_ref_t *g_ref;

static void mem_write(mica_sim_t *sim, uint32_t addr, const void *src, size_t n) {
    mica_sim_mem_write(sim, addr, src, n);
    if (g_ref && addr + n <= g_ref->mem_bytes) memcpy(g_ref->mem + addr, src, n);
}

static void write_program(mica_sim_t *sim, const program_t *p, uint32_t addr) {
    for (unsigned i = 0; i < p->n; i++) {
        uint8_t b[MICA_INSTR_BYTES];
        for (unsigned k = 0; k < 16; k++) b[k] = (uint8_t)(p->ins[i].w[k / 8] >> (8 * (k % 8)));
        mem_write(sim, addr + i * MICA_INSTR_BYTES, b, sizeof b);
    }
}

/* ---- test data ---- */
static uint32_t g_rng = 12345;
static int rnd(int lo, int hi) {
    g_rng = g_rng * 1103515245u + 12345u;
    return lo + (int)((g_rng >> 8) % (uint32_t)(hi - lo + 1));
}

static void put_le32(uint8_t *dst, int32_t v) {
    for (int k = 0; k < 4; k++) dst[k] = (uint8_t)((uint32_t)v >> (8 * k));
}

typedef struct {
    unsigned rows, cols;
    int8_t act[T * 32], w[32 * 32];
    int32_t bias[32], mult[32], shift[32];
    matmul_t mm[2];
    store_t st[2];
} case_t;

/* Fills memory (the simulator's and the interpreter's) with inputs and builds the program. */
static void build_case(mica_sim_t *sim, case_t *k, program_t *p) {
    unsigned R = k->rows, C = k->cols;
    for (unsigned i = 0; i < T * R; i++) k->act[i] = (int8_t)rnd(-128, 127);
    for (unsigned i = 0; i < R * C; i++) k->w[i] = (int8_t)rnd(-127, 127);
    uint8_t prm[MICA_PARAM_ROWS][32 * 4];
    memset(prm, 0x5A, sizeof prm); /* MULT_LO is unused by rounds DOUBLE and SINGLE: any content */
    for (unsigned c = 0; c < C; c++) {
        k->bias[c] = rnd(-20000, 20000);
        k->mult[c] = (int32_t)(0x40000000u + (uint32_t)rnd(0, 0x3FFFFFFF));
        k->shift[c] = c == 1 ? 1 : rnd(-11, -4); /* one positive shift exercises the left shift */
        put_le32(&prm[MICA_PARAM_BIAS][4 * c], k->bias[c]);
        put_le32(&prm[MICA_PARAM_MULT][4 * c], k->mult[c]);
        put_le32(&prm[MICA_PARAM_SHIFT][4 * c], k->shift[c]);
    }
    mem_write(sim, ACT, k->act, T * R);
    mem_write(sim, WGT, k->w, R * C);
    for (int r = 0; r < MICA_PARAM_ROWS; r++) mem_write(sim, PARAM + r * 256, prm[r], 4 * C);

    matmul_t plain = {0, 3, IN_H, IN_W, IN_H, IN_W, 1, 1, 0, 0};
    matmul_t shifted = {1, 3, IN_H, IN_W, IN_H, IN_W, 1, 1, -1, 1}; /* taps outside = 0 */
    k->mm[0] = plain;
    k->mm[1] = shifted;
    store_t s1 = {MICA_STORE_ROUND_DOUBLE, (int)C, -5, -100, 110, OUT1, C + 3};
    store_t s2 = {MICA_STORE_ROUND_SINGLE, (int)C - 1, 7, -128, 127, OUT2 + 1, C + 1};
    k->st[0] = s1;
    k->st[1] = s2;

    memset(p, 0, sizeof *p);
    emit_load(p, 0, MICA_LOAD_TARGET_ASPAD, ASPAD_ROW0, T, R, ACT, R);
    emit_load(p, 0, MICA_LOAD_TARGET_WSPAD, WSPAD_ROW0, R, C, WGT, C);
    emit_load(p, 0, MICA_LOAD_TARGET_PARAM, MICA_PARAM_ROWS * PARAM_SET, MICA_PARAM_ROWS, 4 * C, PARAM, 256);
    emit(p, MICA_OP_SYNC, 0);
    p->bad_field |= MICA_SET(emit(p, MICA_OP_LOADW, MICA_UNIT_LOAD), MICA_F_LOADW_WSPAD_ADDR, WSPAD_ROW0);
    emit_matmul(p, MICA_UNIT_LOAD, &k->mm[0]);
    emit_matmul(p, 0, &k->mm[1]);
    emit_store(p, MICA_UNIT_LOAD | MICA_UNIT_ARRAY, &k->st[0]);
    emit_store(p, MICA_UNIT_ARRAY, &k->st[1]);
    emit(p, MICA_OP_END, 0);
    write_program(sim, p, PROG);
}

/* Compares one STORE's output region with the interpreter's, the guard bytes around it included. */
static int check_store(mica_sim_t *sim, const store_t *s) {
    uint32_t lo = s->ext_addr - 1, n = (T - 1) * s->ext_stride + (uint32_t)s->len + 2, mismatches = 0;
    static uint8_t got[0x2000];
    mica_sim_mem_read(sim, lo, got, n);
    for (uint32_t i = 0; i < n; i++)
        if (got[i] != g_ref->mem[lo + i] && mismatches++ < 4)
            printf("  store round=%d byte %u: got %d want %d\n", s->round, i, (int8_t)got[i], (int8_t)g_ref->mem[lo + i]);
    return (int)mismatches;
}

static void check_identity(mica_sim_t *sim, unsigned R, unsigned C) {
    CHECK(mica_sim_csr_read(sim, MICA_CSR_ID) == MICA_ID_MAGIC, "ID 0x%08x",
          mica_sim_csr_read(sim, MICA_CSR_ID));
    CHECK(mica_sim_csr_read(sim, MICA_CSR_VERSION) == MICA_SPEC_VERSION, "VERSION %u",
          mica_sim_csr_read(sim, MICA_CSR_VERSION));
    uint32_t c0 = mica_sim_csr_read(sim, MICA_CSR_CONFIG0), c1 = mica_sim_csr_read(sim, MICA_CSR_CONFIG1);
    uint32_t c2 = mica_sim_csr_read(sim, MICA_CSR_CONFIG2);
    CHECK(c0 == mica_config0_pack(R, C), "CONFIG0 0x%08x", c0);
    CHECK(c1 == mica_config1_pack(MICA_ASPAD_DEPTH_DEFAULT, MICA_WSPAD_DEPTH_DEFAULT), "CONFIG1 0x%08x", c1);
    CHECK(c2 == mica_config2_pack(MICA_ACC_DEPTH_DEFAULT, MICA_PARAM_SETS_DEFAULT, MICA_BUS_BYTES_DEFAULT),
          "CONFIG2 0x%08x", c2);
}

static void check_counters(mica_sim_t *sim, const case_t *k, const program_t *p, uint64_t cycles_run) {
    int before = g_failures;
    uint64_t cnt[MICA_NUM_COUNTERS];
    for (unsigned i = 0; i < MICA_NUM_COUNTERS; i++) cnt[i] = mica_sim_counter(sim, i);
    mica_sim_mem_stats_t ms;
    mica_sim_mem_stats(sim, &ms);
    uint64_t rc = (uint64_t)k->rows * k->cols, B = MICA_BUS_BYTES_DEFAULT;
    uint64_t loaded = (uint64_t)T * k->rows + (uint64_t)k->rows * k->cols + (uint64_t)MICA_PARAM_ROWS * 4 * k->cols;
    uint64_t stored = (uint64_t)T * k->st[0].len + (uint64_t)T * k->st[1].len;
    CHECK(cnt[MICA_CNT_CYCLES] > 0 && cnt[MICA_CNT_CYCLES] <= cycles_run + 8, "cycles %llu (ran %llu)",
          (unsigned long long)cnt[MICA_CNT_CYCLES], (unsigned long long)cycles_run);
    CHECK(cnt[MICA_CNT_INSTRS] == p->n || cnt[MICA_CNT_INSTRS] == p->n - 1, "instrs %llu of %u",
          (unsigned long long)cnt[MICA_CNT_INSTRS], p->n);
    CHECK(cnt[MICA_CNT_MACS] == 2 * T * rc, "macs %llu want %llu", (unsigned long long)cnt[MICA_CNT_MACS],
          (unsigned long long)(2 * T * rc));
    CHECK(cnt[MICA_CNT_ARRAY_BUSY] >= 2 * T, "array_busy %llu", (unsigned long long)cnt[MICA_CNT_ARRAY_BUSY]);
    CHECK(cnt[MICA_CNT_DMA_RD_BYTES] == ms.reads[1] * B && cnt[MICA_CNT_DMA_RD_BYTES] >= loaded,
          "dma_rd %llu, port LOAD beats %llu, payload %llu", (unsigned long long)cnt[MICA_CNT_DMA_RD_BYTES],
          (unsigned long long)ms.reads[1], (unsigned long long)loaded);
    CHECK(cnt[MICA_CNT_DMA_WR_BYTES] == stored && ms.write_bytes == stored,
          "dma_wr %llu, port wrote %llu, want %llu", (unsigned long long)cnt[MICA_CNT_DMA_WR_BYTES],
          (unsigned long long)ms.write_bytes, (unsigned long long)stored);
    CHECK(cnt[MICA_CNT_FETCH_BYTES] == ms.reads[0] * B && cnt[MICA_CNT_FETCH_BYTES] >= 16ull * p->n,
          "fetch %llu, port beats %llu", (unsigned long long)cnt[MICA_CNT_FETCH_BYTES],
          (unsigned long long)ms.reads[0]);
    CHECK(cnt[MICA_CNT_ASPAD_WRITES] == T && cnt[MICA_CNT_WSPAD_WRITES] == k->rows,
          "aspad_writes %llu wspad_writes %llu", (unsigned long long)cnt[MICA_CNT_ASPAD_WRITES],
          (unsigned long long)cnt[MICA_CNT_WSPAD_WRITES]);
    CHECK(cnt[MICA_CNT_WSPAD_READS] == k->rows, "wspad_reads %llu", (unsigned long long)cnt[MICA_CNT_WSPAD_READS]);
    CHECK(ms.errors == 0, "memory errors %llu", (unsigned long long)ms.errors);
    static const int exact[] = {MICA_CNT_INSTRS, MICA_CNT_MACS, MICA_CNT_ASPAD_READS, MICA_CNT_ASPAD_WRITES,
                                MICA_CNT_WSPAD_READS, MICA_CNT_WSPAD_WRITES, MICA_CNT_ACC_READS, MICA_CNT_ACC_WRITES,
                                MICA_CNT_DMA_RD_BYTES, MICA_CNT_DMA_WR_BYTES};
    for (unsigned i = 0; i < sizeof exact / sizeof exact[0]; i++)
        CHECK(cnt[exact[i]] == g_ref->counters[exact[i]], "%s %llu, reference interpreter %llu", mica_counter_names[exact[i]],
              (unsigned long long)cnt[exact[i]], (unsigned long long)g_ref->counters[exact[i]]);
    if (g_failures != before)
        for (unsigned i = 0; i < MICA_NUM_COUNTERS; i++)
            printf("  counter %-13s %llu\n", mica_counter_names[i], (unsigned long long)cnt[i]);
}

/* Runs a one-instruction-then-END program whose first word is `bad`, expects HW_ERROR. */
static void check_hw_error(mica_sim_t *sim, const program_t *p, unsigned want_err, unsigned want_pc) {
    write_program(sim, p, 0x9000);
    mica_sim_start(sim, 0x9000, p->n);
    uint64_t ran = 0;
    mica_sim_status_t st = mica_sim_run(sim, 100000, &ran);
    CHECK(st == MICA_SIM_HW_ERROR, "status %d after %llu cycles", st, (unsigned long long)ran);
    uint32_t err = mica_sim_csr_read(sim, MICA_CSR_ERROR), pc = mica_sim_csr_read(sim, MICA_CSR_ERROR_PC);
    CHECK(err == want_err, "ERROR %u (%s) want %u", err, err < MICA_NUM_ERRORS ? mica_hw_error_text[err] : "?",
          want_err);
    CHECK(pc == want_pc, "ERROR_PC %u want %u", pc, want_pc);
    CHECK(mica_sim_csr_read(sim, MICA_CSR_STATUS) & STATUS_ERROR, "STATUS.ERROR not set");
}

static void test_errors(mica_sim_t *sim, uint64_t mem_bytes, unsigned rows) {
    program_t p;
    memset(&p, 0, sizeof p);
    emit(&p, MICA_OP_SYNC, 0);
    emit(&p, 0xF, 0); /* undefined opcode */
    emit(&p, MICA_OP_END, 0);
    check_hw_error(sim, &p, MICA_ERR_ILLEGAL_OPCODE, 1);

    memset(&p, 0, sizeof p);
    emit_load(&p, 0, MICA_LOAD_TARGET_ASPAD, 0, 1, rows, (uint32_t)mem_bytes - 2, rows); /* crosses the end of memory */
    emit(&p, MICA_OP_END, 0);
    check_hw_error(sim, &p, MICA_ERR_BUS, 0);
}

/* Runs the main program; returns cycles to DONE (0 on failure). */
static uint64_t run_main(mica_sim_t *sim, const program_t *p, int with_timeout) {
    uint64_t ran = 0, more = 0;
    mica_sim_start(sim, PROG, p->n);
    if (with_timeout) {
        mica_sim_status_t st = mica_sim_run(sim, 5, &ran);
        CHECK(st == MICA_SIM_TIMEOUT && ran == 5, "tiny limit: status %d, %llu cycles", st,
              (unsigned long long)ran);
        CHECK(mica_sim_csr_read(sim, MICA_CSR_STATUS) & MICA_STATUS_BUSY, "not BUSY after a timeout");
        ran++; /* the STATUS read above was a cycle too */
    }
    mica_sim_status_t st = mica_sim_run(sim, 2000000, &more);
    CHECK(st == MICA_SIM_DONE, "main program status %d (ERROR %u at PC %u)", st,
          mica_sim_csr_read(sim, MICA_CSR_ERROR), mica_sim_csr_read(sim, MICA_CSR_ERROR_PC));
    return st == MICA_SIM_DONE ? ran + more : 0;
}

static long file_size(const char *path) {
    FILE *f = fopen(path, "rb");
    long size = -1;
    if (f) {
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fclose(f);
    }
    return size;
}

static void test_config(unsigned R, unsigned C) {
    int before = g_failures;
    mica_sim_config_t cfg = mica_sim_config_default();
    cfg.rows = R;
    cfg.cols = C;
    cfg.mem_bytes = 1u << 20;
    mica_sim_t *sim = NULL;
    char err[200];
    CHECK(mica_sim_create(&cfg, &sim, err, sizeof err) == 0 && sim, "create %ux%u: %s", R, C, err);
    if (!sim) return;
    check_identity(sim, R, C);

    static case_t k;
    program_t p;
    memset(&k, 0, sizeof k);
    k.rows = R;
    k.cols = C;
    uint8_t guard[0x2000];
    memset(guard, GUARD, sizeof guard);
    mica_hw_config_t hw = {R, C, MICA_ASPAD_DEPTH_DEFAULT, MICA_WSPAD_DEPTH_DEFAULT, MICA_ACC_DEPTH_DEFAULT,
                           MICA_PARAM_SETS_DEFAULT, MICA_BUS_BYTES_DEFAULT, 0, 0, 0};
    g_ref = mica_isa_ref_new(&hw, 0x10000);
    CHECK(g_ref != NULL, "reference interpreter: out of memory");
    if (!g_ref) return;
    mem_write(sim, OUT1 - 0x100, guard, sizeof guard);
    mem_write(sim, OUT2 - 0x100, guard, sizeof guard);
    build_case(sim, &k, &p);
    CHECK(!p.bad_field, "an instruction field did not fit");
    g_ref->prog_addr = PROG;
    g_ref->prog_len = p.n;
    CHECK(mica_isa_ref_run(g_ref) == MICA_ERR_NONE && g_ref->done, "reference interpreter: ERROR %u at PC %u",
          g_ref->error_code, g_ref->error_pc);

    char fst[64];
    snprintf(fst, sizeof fst, "mica_sim_test_%ux%u.fst", R, C);
    remove(fst);
    uint64_t now = mica_sim_cycle(sim);
    CHECK(mica_sim_trace(sim, fst, now + 10, now + 200) == 0, "trace arm failed");
    uint64_t cycles = run_main(sim, &p, 1);
    CHECK(check_store(sim, &k.st[0]) == 0, "STORE (double rounding) output differs");
    CHECK(check_store(sim, &k.st[1]) == 0, "STORE (single rounding) output differs");
    check_counters(sim, &k, &p, cycles);
    long fst_size = file_size(fst);
    CHECK(fst_size > 0, "FST file %s size %ld", fst, fst_size);

    /* A second window on the same simulator (re-opens the trace), around the error runs. */
    snprintf(fst, sizeof fst, "mica_sim_test_%ux%u_errors.fst", R, C);
    remove(fst);
    now = mica_sim_cycle(sim);
    CHECK(mica_sim_trace(sim, fst, now, now + 50) == 0, "second trace arm failed");
    test_errors(sim, cfg.mem_bytes, R);
    CHECK(file_size(fst) > 0, "second FST file %s size %ld", fst, file_size(fst));
    mica_sim_destroy(sim);
    mica_isa_ref_free(g_ref);
    g_ref = NULL;

    /* Same program with a quarter of the bandwidth must take longer. */
    cfg.mem_bytes_per_cycle = 2;
    CHECK(mica_sim_create(&cfg, &sim, err, sizeof err) == 0, "create slow: %s", err);
    build_case(sim, &k, &p);
    uint64_t slow = run_main(sim, &p, 0);
    CHECK(slow > cycles, "2 B/cycle took %llu cycles, 8 B/cycle %llu", (unsigned long long)slow,
          (unsigned long long)cycles);
    mica_sim_destroy(sim);
    printf("%-5s %ux%u: program %u instrs, %llu cycles (%llu at 2 B/cycle), FST %ld bytes\n",
           g_failures == before ? "ok" : "FAIL", R, C, p.n, (unsigned long long)cycles,
           (unsigned long long)slow, fst_size);
}

static void test_api_errors(void) {
    char err[200] = "";
    mica_sim_t *sim = (mica_sim_t *)&err; /* must be reset to NULL on failure */
    mica_sim_config_t cfg = mica_sim_config_default();
    cfg.rows = 12;
    cfg.cols = 12;
    CHECK(mica_sim_create(&cfg, &sim, err, sizeof err) == -1 && sim == NULL, "12x12 accepted");
    CHECK(strstr(err, "12x12") && strstr(err, "4x4"), "message: %s", err);
    printf("      bad config message: %s\n", err);
    cfg = mica_sim_config_default();
    cfg.mem_bytes = 0;
    CHECK(mica_sim_create(&cfg, &sim, err, sizeof err) == -1, "mem_bytes 0 accepted");
    cfg = mica_sim_config_default();
    cfg.mem_latency = 0;
    CHECK(mica_sim_create(&cfg, &sim, err, sizeof err) == -1, "latency 0 accepted");
    CHECK(mica_sim_create(NULL, NULL, err, sizeof err) == -1, "NULL out accepted");

    cfg = mica_sim_config_default();
    cfg.rows = cfg.cols = 4;
    cfg.mem_bytes = 4096;
    CHECK(mica_sim_create(&cfg, &sim, NULL, 0) == 0, "create 4x4 with 4 KiB");
    uint8_t buf[16] = {0};
    CHECK(mica_sim_mem_write(sim, 4096 - 16, buf, 16) == 0, "last 16 bytes");
    CHECK(mica_sim_mem_write(sim, 4096 - 15, buf, 16) == -1, "write past the end");
    CHECK(mica_sim_mem_read(sim, 4096, buf, 1) == -1, "read at the end");
    CHECK(mica_sim_mem_read(sim, UINT64_MAX - 2, buf, 8) == -1, "wrapping address");
    CHECK(mica_sim_mem_read(sim, 0, NULL, 4) == -1, "NULL buffer");
    CHECK(mica_sim_trace(sim, "x.fst", 10, 10) == -1, "empty window");
    CHECK(mica_sim_trace(sim, "/nonexistent-dir/x.fst", 0, 10) == -1, "unwritable path");
    CHECK(mica_sim_counter(sim, MICA_NUM_COUNTERS) == 0, "counter out of range");
    uint64_t c0 = mica_sim_cycle(sim);
    mica_sim_step(sim, 7);
    CHECK(mica_sim_cycle(sim) == c0 + 7, "step 7 moved %llu", (unsigned long long)(mica_sim_cycle(sim) - c0));
    mica_sim_reset(sim);
    CHECK(mica_sim_csr_read(sim, MICA_CSR_ID) == MICA_ID_MAGIC, "ID after reset");
    char line[160];
    printf("      %s\n", mica_sim_config_string(sim, line, sizeof line));
    mica_sim_destroy(sim);
    mica_sim_destroy(NULL);
    CHECK(mica_sim_run(NULL, 10, NULL) == MICA_SIM_TIMEOUT && mica_sim_cycle(NULL) == 0, "NULL sim");
}

int main(void) {
    unsigned n = mica_sim_num_builds();
    for (unsigned i = 0; i < n; i++) {
        unsigned R = 0, C = 0;
        mica_sim_build_size(i, &R, &C);
        test_config(R, C);
    }
    test_api_errors();
    printf("%s: %d checks, %d failed\n", g_failures ? "FAIL" : "PASS", g_checks, g_failures);
    return g_failures ? 1 : 0;
}
