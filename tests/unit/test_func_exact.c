/* The func backend multiplies through OpenBLAS sgemm in float; that is exact only while every
 * partial sum stays below 2^24. This runs MATMULs at the bound (256-row array, activations -255,
 * weights -128, all rows active) and with random values, and compares with integer arithmetic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "func_model.h"

static int run_case(unsigned R, unsigned C, int extreme, unsigned seed) {
    mica_hw_config_t cfg = {R, C, 64, 4096, 64, 4, 8};
    mica_fm_t *m = mica_fm_new(&cfg, 4096);
    if (!m) return 1;
    srand(seed);
    for (size_t i = 0; i < (size_t)R * C; i++) m->w_shadow[i] = extreme ? -128 : (int8_t)(rand() % 256 - 128);
    for (size_t i = 0; i < (size_t)16 * R; i++) m->aspad[i] = extreme ? -128 : (int8_t)(rand() % 256 - 128);
    mica_instr_t in = {{0, 0}};
    int z_in = extreme ? 127 : rand() % 256 - 128;   /* -128 - 127 = -255: the largest |a| */
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_MATMUL);
    MICA_SET(&in, MICA_F_MATMUL_Z_IN, z_in);
    MICA_SET(&in, MICA_F_MATMUL_IN_H, 4); MICA_SET(&in, MICA_F_MATMUL_IN_W, 4);
    MICA_SET(&in, MICA_F_MATMUL_OUT_H, 4); MICA_SET(&in, MICA_F_MATMUL_OUT_W, 4);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1); MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
    memcpy(m->mem, &in, sizeof in);
    in.w[0] = in.w[1] = 0;
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_END);
    memcpy(m->mem + 16, &in, sizeof in);
    m->prog_addr = 0;
    m->prog_len = 2;
    int bad = mica_fm_run(m) != 0;
    for (unsigned p = 0; p < 16; p++)
        for (unsigned c = 0; c < C; c++) {
            int64_t want = 0;
            for (unsigned r = 0; r < R; r++) want += (int64_t)(m->aspad[p * R + r] - z_in) * m->w_active[r * C + c];
            bad += m->acc[p * C + c] != (int32_t)want;
        }
    if (extreme) printf("bound case %ux%u: |sum| = %lld (2^24 = 16777216)\n", R, C, (long long)(255LL * 128 * R));
    mica_fm_free(m);
    return bad;
}

int main(void) {
    int bad = run_case(256, 16, 1, 1) + run_case(256, 8, 1, 2);
    for (unsigned s = 0; s < 50; s++) bad += run_case(1u + s % 64 * 4, 1u + s % 17, 0, s);
    printf("test_func_exact: %s\n", bad ? "FAIL" : "PASS");
    return bad != 0;
}
