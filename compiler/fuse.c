/* GEMV fusion (fuse.h). */
#include "fuse.h"

#define G(in, F) ((uint64_t)MICA_GET(in, F))

/* A MATMUL over one row of pixels: the geometry a GEMV's operations have. */
static int row_matmul(const mica_instr_t *m) {
    return mica_instr_opcode(m) == MICA_OP_MATMUL && G(m, MICA_F_MATMUL_IN_H) == 1 &&
           G(m, MICA_F_MATMUL_OUT_H) == 1 &&
           G(m, MICA_F_MATMUL_IN_W) == G(m, MICA_F_MATMUL_OUT_W) &&
           G(m, MICA_F_MATMUL_STRIDE_Y) == 1 && G(m, MICA_F_MATMUL_STRIDE_X) == 1 &&
           MICA_GET(m, MICA_F_MATMUL_OFF_Y) == 0 && MICA_GET(m, MICA_F_MATMUL_OFF_X) == 0;
}

static int tile_loadw(const mica_instr_t *w) {
    return mica_instr_opcode(w) == MICA_OP_LOADW &&
           G(w, MICA_F_LOADW_VECTOR) == MICA_LOADW_VECTOR_TILE;
}

/* Pair k (code[2k], code[2k+1]) of a run that starts at code[0], on an array of `rows` rows:
 * the next fold's tile and input rows, adding to the same accumulators, no waits. */
static int continues(const mica_instr_t *code, uint32_t k, uint32_t rows) {
    const mica_instr_t *w0 = &code[0], *m0 = &code[1], *w = &code[2 * k], *m = &code[2 * k + 1];
    uint64_t pixels = G(m0, MICA_F_MATMUL_IN_W);
    return tile_loadw(w) && row_matmul(m) && mica_instr_wait(w) == 0 && mica_instr_wait(m) == 0 &&
           G(w, MICA_F_LOADW_WSPAD_ADDR) == G(w0, MICA_F_LOADW_WSPAD_ADDR) + (uint64_t)k * rows &&
           G(m, MICA_F_MATMUL_IN_W) == pixels && G(m, MICA_F_MATMUL_ACCUMULATE) == 1 &&
           MICA_GET(m, MICA_F_MATMUL_Z_IN) == MICA_GET(m0, MICA_F_MATMUL_Z_IN) &&
           G(m, MICA_F_MATMUL_ACC_ADDR) == G(m0, MICA_F_MATMUL_ACC_ADDR) &&
           G(m, MICA_F_MATMUL_ASPAD_ADDR) == G(m0, MICA_F_MATMUL_ASPAD_ADDR) + k * pixels;
}

/* The pairs of the run starting at code[0] (0: none). The first MATMUL may wait only for what
 * its LOADW waits for (or WEIGHT, implicit): the GEMV's first operation carries the mask, and
 * nothing issues between the two, so no unit in it can have become busy. */
static uint32_t run_length(const mica_instr_t *code, uint32_t n, uint32_t rows) {
    if (n < 2 || !tile_loadw(&code[0]) || !row_matmul(&code[1]) ||
        (mica_instr_wait(&code[1]) & ~(mica_instr_wait(&code[0]) | MICA_UNIT_WEIGHT)))
        return 0;
    uint32_t k = 1;
    while (k < MICA_GEMV_FOLDS_MAX && 2 * k + 1 < n && continues(code, k, rows))
        k++;
    return k;
}

void mica_fuse_gemv(mica_builder_t *b, uint32_t first) {
    if (mica_hw_absent(&b->hw) & MICA_FEATURE_GEMV)
        return;
    mica_instr_t *code = (mica_instr_t *)b->code.data;
    uint32_t n = mica_code_count(b), out = first;
    for (uint32_t i = first; i < n;) {
        uint32_t k = run_length(code + i, n - i, b->hw.rows);
        if (!k) {
            code[out++] = code[i++];
            continue;
        }
        const mica_instr_t *w0 = &code[i], *m0 = &code[i + 1];
        mica_gemv_fields_t f = {.wait = mica_instr_wait(w0) | mica_instr_wait(m0),
                                .accumulate = (uint32_t)G(m0, MICA_F_MATMUL_ACCUMULATE),
                                .z_in = (int32_t)MICA_GET(m0, MICA_F_MATMUL_Z_IN),
                                .aspad_addr = (uint32_t)G(m0, MICA_F_MATMUL_ASPAD_ADDR),
                                .acc_addr = (uint32_t)G(m0, MICA_F_MATMUL_ACC_ADDR),
                                .wspad_addr = (uint32_t)G(w0, MICA_F_LOADW_WSPAD_ADDR),
                                .folds = k,
                                .pixels = (uint32_t)G(m0, MICA_F_MATMUL_IN_W)};
        mica_instr_t g;
        if (mica_gemv_encode(&f, &g, NULL)) { /* every value came from fields that fit */
            code[out++] = code[i++];
            continue;
        }
        code[out++] = g;
        i += 2 * k;
    }
    b->code.len = (size_t)out * sizeof(mica_instr_t);
}
