/* The configuration family (issue 12): board descriptions (compiler/board_config.c), the placement
 * rule for absent units, the reference interpreter's ABSENT_FEATURE and CONFIG3, the program
 * header's family word and the cost model's time-multiplexed requantization lanes. */
#include <stdlib.h>
#include "board_config.h"
#include "mica_cost.h"
#include "mica_isa_ref.h"
#include "partition.h"
#include "test_compiler_util.h"

static fixture_t F;

static int parse(const char *json, mica_board_cfg_t *b, char *err) {
    return mica_board_config_parse(json, strlen(json), "t.json", b, err, 300);
}

#define BAD_BOARD(json, want)                                                                      \
    do {                                                                                           \
        mica_board_cfg_t b_;                                                                       \
        char e_[300] = "";                                                                         \
        CHECK(parse(json, &b_, e_) == -1, "accepted %s", json);                                    \
        CHECK_HAS(e_, want);                                                                       \
    } while (0)

static void board_files(void) {
    mica_board_cfg_t b;
    char err[600];
    CHECK(mica_board_config_load("hw/boards/icebreaker.json", &b, err, sizeof err) == 0, "%s", err);
    CHECK(!strcmp(b.name, "icebreaker") && b.hw.rows * b.hw.cols >= 4, "icebreaker %s %ux%u",
          b.name, b.hw.rows, b.hw.cols);
    CHECK(mica_hw_req_lanes(&b.hw) >= 1 && mica_hw_req_lanes(&b.hw) <= b.hw.cols, "lanes %u",
          b.hw.req_lanes);
    CHECK(mica_board_config_load("hw/boards/ulx3s.json", &b, err, sizeof err) == 0, "%s", err);
    CHECK(mica_board_config_load("hw/boards/none.json", &b, err, sizeof err) == -1, "missing");
    CHECK_HAS(err, "none.json: cannot open");
}

static void board_syntax(void) {
    mica_board_cfg_t b;
    char err[300];
    CHECK(parse("{\"name\": \"x\", \"_doc\": \"a \\\"quoted\\\" doc\", \"clock\": {\"hz\": [1, "
                "2.5e3, true, null]}, \"accelerator\": {\"rows\": 4, \"cols\": 8, \"req_lanes\": "
                "2, \"absent\": [\"rescale\", \"round_real\"], \"_why\": \"fits\"}}",
                &b, err) == 0,
          "%s", err);
    CHECK(b.hw.rows == 4 && b.hw.cols == 8 && b.hw.req_lanes == 2, "parsed %ux%u l%u", b.hw.rows,
          b.hw.cols, b.hw.req_lanes);
    CHECK(b.hw.absent == (MICA_FEATURE_RESCALE | MICA_FEATURE_ROUND_REAL), "absent 0x%x",
          b.hw.absent);
    CHECK(b.hw.acc_depth == MICA_ACC_DEPTH_DEFAULT, "default acc_depth %u", b.hw.acc_depth);
    BAD_BOARD("{\"accelerator\": {\"rows\": 4}}", "rows and cols are required");
    BAD_BOARD("{\"accelerator\": {\"rows\": 4, \"cols\": 4, \"rowz\": 1}}", "unknown key 'rowz'");
    BAD_BOARD("{\"accelerator\": {\"rows\": 0, \"cols\": 4}}", "accelerator.rows = 0");
    BAD_BOARD("{\"accelerator\": {\"rows\": 2.5, \"cols\": 4}}", "must be an integer 1..256");
    BAD_BOARD("{\"accelerator\": {\"rows\": 4, \"cols\": 4, \"bus_bytes\": 6}}", "power of two");
    BAD_BOARD("{\"accelerator\": {\"rows\": 4, \"cols\": 4, \"req_lanes\": 5}}", "0..cols (4)");
    BAD_BOARD("{\"accelerator\": {\"rows\": 4, \"cols\": 4, \"req_mul_cycles\": 2}}", "1 or 4");
    BAD_BOARD("{\"accelerator\": {\"rows\": 4, \"cols\": 4, \"absent\": [\"fpu\"]}}",
              "'fpu' is not a feature");
    BAD_BOARD("{\"accelerator\": {\"rows\": 4, \"cols\": 4,}}", "expected '\"'");
    BAD_BOARD("{\"accelerator\": {\"rows\": 4, \"cols\": 4}} x", "text after");
    BAD_BOARD("{\"name\": \"../x\", \"accelerator\": {\"rows\": 4, \"cols\": 4}}", "name '../x'");
    BAD_BOARD("{\"rows\": 4}", "no \"accelerator\" object");
    BAD_BOARD("{\"a\": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]}", "nested deeper than 16");
    BAD_BOARD("{\"a\": 01}", "bad number '01'");
    BAD_BOARD("{\"a\": \"x", "unterminated string");
    BAD_BOARD("", "expected '{'");
}

/* DEPTHWISE_CONV_2D, multiplier 1, on the vector unit. */
static void fx_dw(fixture_t *f) {
    int in[4] = {1, 8, 8, 4}, w[4] = {1, 3, 3, 4}, b[1] = {4}, out[4] = {1, 8, 8, 4};
    fx_tensor(f, 0, TFL_TYPE_INT8, 4, in, 0.5f, -3);
    fx_tensor(f, 1, TFL_TYPE_INT8, 4, w, 0.01f, 0);
    fx_const(f, 1, f->weights, 36);
    fx_tensor(f, 2, TFL_TYPE_INT32, 1, b, 0.005f, 0);
    fx_const(f, 2, f->bias, 16);
    fx_tensor(f, 3, TFL_TYPE_INT8, 4, out, 0.25f, 4);
    fx_op(f, TFL_OP_DEPTHWISE_CONV_2D, 3);
    fx_opt(f, TFL_DWCONV_PADDING, TFL_PADDING_SAME);
    fx_opt(f, TFL_DWCONV_STRIDE_W, 1);
    fx_opt(f, TFL_DWCONV_STRIDE_H, 1);
    fx_opt(f, TFL_DWCONV_DEPTH_MULTIPLIER, 1);
}

static void placement(void) {
    char d[256];
    mica_partition_opts_t o = {NULL, MICA_FEATURE_DWCONV_MAC, "icebreaker"};
    fx_dw(&F);
    CHECK(mica_op_features(&F.m, &F.op) == MICA_FEATURE_DWCONV_MAC, "dw features");
    CHECK_HAS(mica_accel_reason(&F.m, &F.op, &o, d, sizeof d),
              "DEPTHWISE_CONV_2D: this configuration (icebreaker) has no vector unit");
    o.absent = MICA_FEATURE_RESCALE | MICA_FEATURE_ROUND_REAL | MICA_FEATURE_DWCONV_MAX;
    CHECK(mica_accel_reason(&F.m, &F.op, &o, d, sizeof d) == NULL, "dw refused: %s", d);
    fx_conv(&F, 4, 8);
    o.absent = (1u << MICA_NUM_FEATURES) - 1;
    CHECK(mica_accel_reason(&F.m, &F.op, &o, d, sizeof d) == NULL, "conv refused: %s", d);
    F.op.builtin = TFL_OP_FULLY_CONNECTED;
    CHECK_HAS(mica_accel_reason(&F.m, &F.op, &o, d, sizeof d),
              "FULLY_CONNECTED: this configuration (icebreaker) has no round mode REAL");
}

static mica_instr_t store_instr(uint32_t round, uint32_t rows, uint32_t len) {
    mica_store_fields_t f = {0};
    mica_instr_t in;
    f.round = round;
    f.rows = rows;
    f.len = len;
    f.act_min = -128;
    f.act_max = 127;
    CHECK(mica_store_encode(&f, &in, NULL) == 0, "store encode");
    return in;
}

/* Each optional instruction raises ABSENT_FEATURE exactly when its feature is absent, before
 * the field checks (a zero-row RESCALE is BAD_LEN only when RESCALE exists). */
static void interpreter(void) {
    mica_hw_config_t hw = {4, 4, 64, 64, 64, 4, 8, 1, MICA_FEATURE_ROUND_REAL, 0};
    mica_dwconv_fields_t dw = {0};
    mica_rescale_fields_t re = {0};
    mica_instr_t d, r, s2 = store_instr(MICA_STORE_ROUND_REAL, 1, 4),
                       s0 = store_instr(MICA_STORE_ROUND_DOUBLE, 1, 4);
    dw.mode = MICA_DWCONV_MODE_MAXIMUM;
    dw.in_h = dw.in_w = dw.out_h = dw.out_w = dw.stride_y = dw.stride_x = 1;
    CHECK(mica_dwconv_encode(&dw, &d, NULL) == 0 && mica_rescale_encode(&re, &r, NULL) == 0,
          "encode");
    CHECK(mica_isa_ref_check(&hw, &s2) == MICA_ERR_ABSENT_FEATURE, "round REAL absent");
    CHECK(mica_isa_ref_check(&hw, &s0) == MICA_ERR_NONE, "round DOUBLE");
    CHECK(mica_isa_ref_check(&hw, &d) == MICA_ERR_NONE, "dwconv max present");
    CHECK(mica_isa_ref_check(&hw, &r) == MICA_ERR_BAD_LEN, "rescale rows 0");
    hw.absent = MICA_FEATURE_DWCONV_MAX | MICA_FEATURE_RESCALE;
    CHECK(mica_isa_ref_check(&hw, &d) == MICA_ERR_ABSENT_FEATURE, "dwconv max absent");
    CHECK(mica_isa_ref_check(&hw, &r) == MICA_ERR_ABSENT_FEATURE, "rescale absent");
    CHECK(mica_isa_ref_check(&hw, &s2) == MICA_ERR_NONE, "round REAL present");
    mica_isa_ref_t *s = mica_isa_ref_new(&hw, 4096);
    CHECK(s != NULL, "interpreter");
    uint32_t c3 = s ? mica_isa_ref_csr_read(s, MICA_CSR_CONFIG3) : 0;
    CHECK(mica_config3_req_lanes(c3) == 1 && mica_config3_absent(c3) == hw.absent, "CONFIG3 %08x",
          c3);
    mica_isa_ref_free(s);
    hw.req_lanes = 0;
    s = mica_isa_ref_new(&hw, 4096);
    c3 = s ? mica_isa_ref_csr_read(s, MICA_CSR_CONFIG3) : 0;
    CHECK(mica_config3_req_lanes(c3) == 4, "CONFIG3 lanes = cols when req_lanes is 0: %08x", c3);
    mica_isa_ref_free(s);
}

/* STORE of 64 rows of 16 bytes on a 16-byte bus: 64 beats with 16 lanes, 64 x 16 passes with 1. */
static void cost(void) {
    mica_hw_config_t hw = {16, 16, 64, 64, 1024, 4, 16, 0, 0, 0};
    mica_instr_t code[2];
    mica_end_fields_t e = {0};
    code[0] = store_instr(MICA_STORE_ROUND_DOUBLE, 64, 16);
    CHECK(mica_end_encode(&e, &code[1], NULL) == 0, "end");
    mica_cost_t full, one, four;
    mica_cost_instrs(&hw, MICA_MEM_LATENCY_DEFAULT, code, 2, &full);
    hw.req_lanes = 1;
    mica_cost_instrs(&hw, MICA_MEM_LATENCY_DEFAULT, code, 2, &one);
    hw.req_lanes = 4;
    mica_cost_instrs(&hw, MICA_MEM_LATENCY_DEFAULT, code, 2, &four);
    CHECK(one.cycles - full.cycles == 64 * 16 - 64, "1 lane: %llu vs %llu cycles",
          (unsigned long long)one.cycles, (unsigned long long)full.cycles);
    CHECK(four.cycles - full.cycles == 64 * 4 - 64, "4 lanes: %llu vs %llu cycles",
          (unsigned long long)four.cycles, (unsigned long long)full.cycles);
    hw.req_mul_cycles = 4;
    mica_cost_instrs(&hw, MICA_MEM_LATENCY_DEFAULT, code, 2, &four);
    CHECK(four.cycles - full.cycles == 64 * 16 - 64, "4 lanes x 4 cycles: %llu vs %llu cycles",
          (unsigned long long)four.cycles, (unsigned long long)full.cycles);
}

int main(void) {
    board_files();
    board_syntax();
    placement();
    interpreter();
    cost();
    return TEST_DONE("test_compiler_family");
}
