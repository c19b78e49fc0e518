/* Zero counts in the func backend's interpreter (driver/core/isa_ref.c): hw/mica.json makes every count field
 * at least 1, so LOAD rows / len, STORE rows / len, RESCALE rows and every MATMUL / DWCONV
 * dimension and stride stop with ERR_BAD_LEN at the instruction when zero -- the codes the RTL
 * gives for the same bits (rtl/tb/top/tb_tests.h "load-rows0", "load-rows0-len0", "store-rows0",
 * ... check the RTL against its golden model). Each instruction first runs with its counts at 1,
 * which must pass, so the test cannot pass by refusing everything. */
#include <stdio.h>
#include <string.h>
#include "func_run.h"

enum { CODE = 0x100, MEM = 0x4000, MAX_FIELDS = 6 };

typedef struct {
    unsigned lsb, width;
    int sgn;
} field_t;
#define FIELD(f)                                                                                   \
    { f }

static int failures;

/* Runs one instruction then END; the error code, *pc the failing instruction. */
static uint32_t run1(mica_fm_t *m, const mica_instr_t *in, uint32_t *pc) {
    mica_instr_t end = {{0, 0}};
    MICA_SET(&end, MICA_F_OPCODE, MICA_OP_END);
    memcpy(m->ref->mem + CODE, in, 16);
    memcpy(m->ref->mem + CODE + 16, &end, 16);
    m->ref->prog_addr = CODE;
    m->ref->prog_len = 2;
    m->ref->done = m->ref->error = 0;
    uint32_t err = mica_fm_run(m);
    *pc = m->ref->error_pc;
    return err;
}

/* ONES (n of them) set to 1 must run; then zeroing ZERO (a mask over ONES) must give BAD_LEN. */
static void check(mica_fm_t *m, const char *name, int opcode, const field_t *ones, int n,
                  unsigned zero) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, opcode);
    for (int i = 0; i < n; i++)
        mica_set_f(&in, ones[i].lsb, ones[i].width, ones[i].sgn, 1);
    uint32_t pc, ok = run1(m, &in, &pc);
    for (int i = 0; i < n; i++)
        if (zero >> i & 1)
            mica_set_f(&in, ones[i].lsb, ones[i].width, ones[i].sgn, 0);
    uint32_t bad = run1(m, &in, &pc);
    int pass = ok == MICA_ERR_NONE && bad == MICA_ERR_BAD_LEN && pc == 0;
    printf("%s %-34s counts 1 -> error %u, zero -> error %u at instruction %u\n",
           pass ? "ok  " : "FAIL", name, ok, bad, pc);
    failures += !pass;
}

int main(void) {
    mica_hw_config_t cfg = {8, 8, 64, 16, 64, 4, 8, 0, 0, 0};
    mica_fm_t *m = mica_fm_new(&cfg, MEM, 0);
    if (!m)
        return 2;
    const field_t load[] = {FIELD(MICA_F_LOAD_ROWS), FIELD(MICA_F_LOAD_LEN)};
    const field_t store[] = {FIELD(MICA_F_STORE_ROWS), FIELD(MICA_F_STORE_LEN)};
    const field_t rescale[] = {FIELD(MICA_F_RESCALE_ROWS)};
    const field_t window[MAX_FIELDS] = {
        FIELD(MICA_F_MATMUL_IN_H),  FIELD(MICA_F_MATMUL_IN_W),     FIELD(MICA_F_MATMUL_OUT_H),
        FIELD(MICA_F_MATMUL_OUT_W), FIELD(MICA_F_MATMUL_STRIDE_Y), FIELD(MICA_F_MATMUL_STRIDE_X)};
    check(m, "LOAD rows = 0", MICA_OP_LOAD, load, 2, 1);
    check(m, "LOAD len = 0", MICA_OP_LOAD, load, 2, 2);
    check(m, "LOAD rows = len = 0", MICA_OP_LOAD, load, 2,
          3); /* func and RTL used to differ here */
    check(m, "STORE rows = 0", MICA_OP_STORE, store, 2, 1);
    check(m, "STORE len = 0", MICA_OP_STORE, store, 2, 2);
    check(m, "STORE rows = len = 0", MICA_OP_STORE, store, 2, 3);
    check(m, "RESCALE rows = 0", MICA_OP_RESCALE, rescale, 1, 1);
    static const char *const names[MAX_FIELDS] = {"in_h",  "in_w",     "out_h",
                                                  "out_w", "stride_y", "stride_x"};
    for (int f = 0; f < MAX_FIELDS; f++) {
        char name[48];
        snprintf(name, sizeof name, "MATMUL %s = 0", names[f]);
        check(m, name, MICA_OP_MATMUL, window, MAX_FIELDS, 1u << f);
        snprintf(name, sizeof name, "DWCONV %s = 0", names[f]);
        check(m, name, MICA_OP_DWCONV, window, MAX_FIELDS, 1u << f);
    }
    mica_fm_free(m);
    printf("test_func_counts: %s\n", failures ? "FAIL" : "PASS");
    return failures != 0;
}
