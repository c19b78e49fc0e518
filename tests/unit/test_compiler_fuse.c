/* fuse.c: which LOADW + MATMUL runs become one GEMV, and that the reference interpreter leaves
 * the same state (ACC, counters but fetch) after the fused program as after the original. */
#include <stdlib.h>
#include "fuse.h"
#include "mica_isa_ref.h"
#include "test_compiler_util.h"

static mica_builder_t B;
enum { R = 4, C = 4 };

static void reset(uint32_t absent) {
    mica_buf_free(&B.code);
    memset(&B.hw, 0, sizeof B.hw);
    B.hw = (mica_hw_config_t){R, C, 256, 256, 64, 4, 8, 0, absent, 0};
}

static void put(mica_instr_t in) {
    mica_buf_append(&B.code, &in, sizeof in);
}

static void loadw(uint32_t wspad, unsigned wait) {
    mica_loadw_fields_t f = {.wait = wait, .wspad_addr = wspad};
    mica_instr_t in;
    mica_loadw_encode(&f, &in, NULL);
    put(in);
}

/* A MATMUL over `pixels` pixels of one row (in_h 2: two rows of pixels / 2, not fusable). */
static void matmul(uint32_t aspad, uint32_t acc, uint32_t pixels, int accumulate, unsigned wait,
                   int two_rows) {
    mica_matmul_fields_t f = {.wait = wait,
                              .accumulate = (uint32_t)accumulate,
                              .z_in = -3,
                              .aspad_addr = aspad,
                              .acc_addr = acc,
                              .in_h = two_rows ? 2 : 1,
                              .in_w = two_rows ? pixels / 2 : pixels,
                              .out_h = two_rows ? 2 : 1,
                              .out_w = two_rows ? pixels / 2 : pixels,
                              .stride_y = 1,
                              .stride_x = 1};
    mica_instr_t in;
    mica_matmul_encode(&f, &in, NULL);
    put(in);
}

static void load_aspad(void) {
    mica_load_fields_t f = {.rows = 8, .len = R, .ext_addr = 0x100, .ext_stride = R};
    mica_instr_t in;
    mica_load_encode(&f, &in, NULL);
    put(in);
}

static void end(void) {
    mica_end_fields_t f = {.wait = 15};
    mica_instr_t in;
    mica_end_encode(&f, &in, NULL);
    put(in);
}

static const mica_instr_t *code(void) {
    return (const mica_instr_t *)B.code.data;
}

/* Runs b's code on the interpreter over a fixed memory image: ACC and the counters. */
static void run(int32_t *acc, uint64_t *counters) {
    static uint8_t mem[0x4000];
    for (uint32_t i = 0; i < sizeof mem; i++)
        mem[i] = (uint8_t)(i * 37u + 11u);
    memcpy(mem, B.code.data, B.code.len);
    size_t n = mica_isa_ref_buffer_bytes(&B.hw);
    void *chip = calloc(1, n + 4);
    mica_isa_ref_t s;
    mica_isa_ref_init(&s, &B.hw, mem, sizeof mem, chip);
    /* every WSPAD row the programs read: the interpreter's on-chip memories start zeroed */
    for (uint32_t i = 0; i < B.hw.wspad_depth * C; i++)
        s.wspad[i] = (int8_t)(i * 13u + 5u);
    for (uint32_t i = 0; i < B.hw.aspad_depth * R; i++)
        s.aspad[i] = (int8_t)(i * 7u + 1u);
    s.prog_addr = 0;
    s.prog_len = mica_code_count(&B);
    CHECK(mica_isa_ref_run(&s) == MICA_ERR_NONE && s.done, "program runs to END");
    memcpy(acc, s.acc, sizeof(int32_t) * B.hw.acc_depth * C);
    memcpy(counters, s.counters, sizeof s.counters);
    free(chip);
}

/* The program now in B, fused from `first`, leaves the interpreter as it was. */
static void same_after_fusing(uint32_t expect_count) {
    static int32_t acc0[64 * C], acc1[64 * C];
    uint64_t c0[MICA_NUM_COUNTERS], c1[MICA_NUM_COUNTERS];
    run(acc0, c0);
    mica_fuse_gemv(&B, 0);
    CHECK(mica_code_count(&B) == expect_count, "%u instructions after fusing, want %u",
          mica_code_count(&B), expect_count);
    run(acc1, c1);
    CHECK(!memcmp(acc0, acc1, sizeof acc0), "ACC as before fusing");
    for (int k = 0; k < MICA_NUM_COUNTERS; k++)
        if (k != MICA_CNT_FETCH_BYTES)
            CHECK(c0[k] == c1[k], "counter %s %llu, before fusing %llu", mica_counter_names[k],
                  (unsigned long long)c1[k], (unsigned long long)c0[k]);
}

static void one_run(void) {
    reset(0);
    for (uint32_t t = 0; t < 3; t++) {
        loadw(t * R, t == 0 ? MICA_UNIT_LOAD : 0);
        matmul(10 + 2 * t, 5, 2, t > 0, 0, 0);
    }
    end();
    same_after_fusing(2);
    const mica_instr_t *g = code();
    CHECK(mica_instr_opcode(g) == MICA_OP_GEMV && MICA_GET(g, MICA_F_GEMV_FOLDS) == 3 &&
              MICA_GET(g, MICA_F_GEMV_PIXELS) == 2 && MICA_GET(g, MICA_F_GEMV_ASPAD_ADDR) == 10 &&
              MICA_GET(g, MICA_F_GEMV_ACC_ADDR) == 5 && MICA_GET(g, MICA_F_GEMV_ACCUMULATE) == 0 &&
              mica_instr_wait(g) == MICA_UNIT_LOAD,
          "the GEMV's fields");
}

/* A LOAD between pairs ends a run; a MATMUL waiting for more than its LOADW starts none; a
 * two-row MATMUL, a fold out of step or an ACC row change is no continuation. */
static void run_breakers(void) {
    reset(0);
    loadw(0, 0);
    matmul(0, 0, 1, 0, 0, 0);
    load_aspad(); /* ends the run: GEMV, LOAD */
    loadw(R, 0);
    matmul(1, 0, 1, 1, MICA_UNIT_ARRAY, 0); /* waits for more than its LOADW: stays */
    loadw(2 * R, 0);
    matmul(8, 0, 4, 1, 0, 1); /* two rows: stays */
    loadw(3 * R, 0);
    matmul(20, 8, 1, 1, 0, 0); /* a new run of one fold */
    loadw(5 * R, 0);           /* tile out of step: a new run */
    matmul(21, 8, 1, 1, 0, 0);
    end();
    /* GEMV, LOAD, LOADW, MATMUL, LOADW, MATMUL, GEMV, GEMV, END */
    same_after_fusing(9);
    const mica_instr_t *p = code();
    CHECK(mica_instr_opcode(&p[0]) == MICA_OP_GEMV && mica_instr_opcode(&p[1]) == MICA_OP_LOAD &&
              mica_instr_opcode(&p[2]) == MICA_OP_LOADW &&
              mica_instr_opcode(&p[5]) == MICA_OP_MATMUL &&
              mica_instr_opcode(&p[6]) == MICA_OP_GEMV && mica_instr_opcode(&p[7]) == MICA_OP_GEMV,
          "runs broken where they must be");
}

static void absent_feature(void) {
    reset(MICA_FEATURE_GEMV);
    loadw(0, 0);
    matmul(0, 0, 1, 0, 0, 0);
    end();
    mica_fuse_gemv(&B, 0);
    CHECK(mica_code_count(&B) == 3, "no GEMV where the configuration lacks it");
}

int main(void) {
    one_run();
    run_breakers();
    absent_feature();
    mica_buf_free(&B.code);
    return TEST_DONE("test_compiler_fuse");
}
