/* MATMULs at the bound of the func fast path's float sgemm (2^24: 256-row array, activations -255,
 * weights -128, all rows active; the batch cap batch_max_tiles) and with random values, compared
 * with integer arithmetic, here through the reference interpreter (the state is made without
 * translations); test_func_plan and test_func_vecplan compare translated runs with it.
 * Then STORE's vectorized output stage against mica_requantize. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "func_run.h"
#include "func_plan.h"
#include "mica_fixedpoint.h"

static int run_case(unsigned R, unsigned C, int extreme, unsigned seed) {
    mica_hw_config_t cfg = {R, C, 64, 4096, 64, 4, 8, 0, 0, 0};
    mica_fm_t *m = mica_fm_new(&cfg, 4096, 0);
    if (!m)
        return 1;
    srand(seed);
    for (size_t i = 0; i < (size_t)R * C; i++)
        m->ref->w_shadow[i] = extreme ? -128 : (int8_t)(rand() % 256 - 128);
    for (size_t i = 0; i < (size_t)16 * R; i++)
        m->ref->aspad[i] = extreme ? -128 : (int8_t)(rand() % 256 - 128);
    mica_instr_t in = {{0, 0}};
    int z_in = extreme ? 127 : rand() % 256 - 128; /* -128 - 127 = -255: the largest |a| */
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_MATMUL);
    MICA_SET(&in, MICA_F_MATMUL_Z_IN, z_in);
    MICA_SET(&in, MICA_F_MATMUL_IN_H, 4);
    MICA_SET(&in, MICA_F_MATMUL_IN_W, 4);
    MICA_SET(&in, MICA_F_MATMUL_OUT_H, 4);
    MICA_SET(&in, MICA_F_MATMUL_OUT_W, 4);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1);
    MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
    memcpy(m->ref->mem, &in, sizeof in);
    in.w[0] = in.w[1] = 0;
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_END);
    memcpy(m->ref->mem + 16, &in, sizeof in);
    m->ref->prog_addr = 0;
    m->ref->prog_len = 2;
    int bad = mica_fm_run(m) != 0;
    for (unsigned p = 0; p < 16; p++)
        for (unsigned c = 0; c < C; c++) {
            int64_t want = 0;
            for (unsigned r = 0; r < R; r++)
                want += (int64_t)(m->ref->aspad[p * R + r] - z_in) * m->ref->w_active[r * C + c];
            bad += m->ref->acc[p * C + c] != (int32_t)want;
        }
    if (extreme)
        printf("bound case %ux%u: |sum| = %lld (2^24 = 16777216)\n", R, C,
               (long long)(255LL * 128 * R));
    mica_fm_free(m);
    return bad;
}

/* The batched case: the largest batch of accumulating MATMULs (16x16 array) at the extreme values;
 * the sum reaches batch * 16 * 255 * 128, just under 2^24. */
static int run_batch_bound(void) {
    mica_hw_config_t cfg = {16, 16, 64, 4096, 64, 4, 8, 0, 0, 0};
    mica_fm_t *m = mica_fm_new(&cfg, 1 << 16, 0);
    if (!m)
        return 1;
    memset(m->ref->w_shadow, -128, 256);
    memset(m->ref->aspad, -128, 16 * 16);
    uint32_t n = m->batch_max_tiles + 3; /* one full batch and a partial one */
    for (uint32_t i = 0; i <= n; i++) {
        mica_instr_t in = {{0, 0}};
        if (i == n)
            MICA_SET(&in, MICA_F_OPCODE, MICA_OP_END);
        else {
            MICA_SET(&in, MICA_F_OPCODE, MICA_OP_MATMUL);
            MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, i > 0);
            MICA_SET(&in, MICA_F_MATMUL_Z_IN, 127);
            MICA_SET(&in, MICA_F_MATMUL_IN_H, 1);
            MICA_SET(&in, MICA_F_MATMUL_IN_W, 4);
            MICA_SET(&in, MICA_F_MATMUL_OUT_H, 1);
            MICA_SET(&in, MICA_F_MATMUL_OUT_W, 4);
            MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1);
            MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
        }
        memcpy(m->ref->mem + 16 * i, &in, sizeof in);
    }
    m->ref->prog_addr = 0;
    m->ref->prog_len = n + 1;
    int bad = mica_fm_run(m) != 0;
    int64_t want = (int64_t)n * 16 * 255 * 128;
    for (int i = 0; i < 4 * 16; i++)
        bad += m->ref->acc[i] != want;
    printf("batch bound: %u tiles per sgemm, sum of one batch %lld (2^24 = 16777216), total %lld\n",
           m->batch_max_tiles, (long long)m->batch_max_tiles * 16 * 255 * 128, (long long)want);
    mica_fm_free(m);
    return bad;
}

static void put(mica_fm_t *m, uint32_t *pc, mica_instr_t in) {
    memcpy(m->ref->mem + 16 * (*pc)++, &in, sizeof in);
}

static mica_instr_t load_rows(unsigned target, unsigned rows, unsigned len, uint32_t ext) {
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_LOAD);
    MICA_SET(&in, MICA_F_LOAD_TARGET, target);
    MICA_SET(&in, MICA_F_LOAD_ROWS, rows);
    MICA_SET(&in, MICA_F_LOAD_LEN, len);
    MICA_SET(&in, MICA_F_LOAD_EXT_ADDR, ext);
    MICA_SET(&in, MICA_F_LOAD_EXT_STRIDE, len);
    return in;
}

/* The same bound on the fast path: batch_max_tiles + 3 accumulating MATMULs of 4 pixels (sgemm
 * with vnni=0, two chunks of K), translated on the second run; its ACC, rebuilt by
 * mica_fp_materialize, must hold the integer sums. */
static int run_sgemm_bound(void) {
    mica_hw_config_t cfg = {16, 16, 64, 64, 64, 4, 8, 0, 0, 0};
    mica_fm_t *m = mica_fm_new(&cfg, 1 << 16, 1);
    if (!m)
        return 1;
    mica_fp_set_vnni(m->plans, 0);
    memset(m->ref->mem + 0x4000, -128, 0x2000); /* weights (0x4000) and activations (0x5000) */
    uint32_t pc = 0, n = m->batch_max_tiles + 3;
    put(m, &pc, load_rows(MICA_LOAD_TARGET_WSPAD, 16, 16, 0x4000));
    put(m, &pc, load_rows(MICA_LOAD_TARGET_ASPAD, 4, 16, 0x5000));
    put(m, &pc, load_rows(MICA_LOAD_TARGET_PARAM, 4, 64, 0x6000));
    mica_instr_t in = {{0, 0}};
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_LOADW);
    put(m, &pc, in);
    for (uint32_t i = 0; i < n; i++) {
        memset(&in, 0, sizeof in);
        MICA_SET(&in, MICA_F_OPCODE, MICA_OP_MATMUL);
        MICA_SET(&in, MICA_F_MATMUL_ACCUMULATE, i > 0);
        MICA_SET(&in, MICA_F_MATMUL_Z_IN, 127);
        MICA_SET(&in, MICA_F_MATMUL_IN_H, 1);
        MICA_SET(&in, MICA_F_MATMUL_IN_W, 4);
        MICA_SET(&in, MICA_F_MATMUL_OUT_H, 1);
        MICA_SET(&in, MICA_F_MATMUL_OUT_W, 4);
        MICA_SET(&in, MICA_F_MATMUL_STRIDE_Y, 1);
        MICA_SET(&in, MICA_F_MATMUL_STRIDE_X, 1);
        put(m, &pc, in);
    }
    memset(&in, 0, sizeof in);
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_STORE);
    MICA_SET(&in, MICA_F_STORE_ROWS, 4);
    MICA_SET(&in, MICA_F_STORE_LEN, 16);
    MICA_SET(&in, MICA_F_STORE_EXT_ADDR, 0x7000);
    MICA_SET(&in, MICA_F_STORE_EXT_STRIDE, 16);
    MICA_SET(&in, MICA_F_STORE_ACT_MIN, -128);
    MICA_SET(&in, MICA_F_STORE_ACT_MAX, 127);
    put(m, &pc, in);
    memset(&in, 0, sizeof in);
    MICA_SET(&in, MICA_F_OPCODE, MICA_OP_END);
    put(m, &pc, in);
    m->ref->prog_addr = 0;
    m->ref->prog_len = pc;
    int bad = mica_fm_run(m) != 0 || mica_fm_run(m) != 0 || mica_fp_translated_runs(m) != 1;
    memset(m->ref->acc, 0, 4 * 16 * sizeof(int32_t));
    mica_fp_materialize(m);
    int64_t want = (int64_t)n * 16 * 255 * 128;
    for (int i = 0; i < 4 * 16; i++)
        bad += m->ref->acc[i] != want;
    printf("sgemm bound, translated: %u tiles in chunks of %u, ACC %d (want %lld) -> %s\n", n,
           m->batch_max_tiles, m->ref->acc[0], (long long)want, bad ? "FAIL" : "ok");
    mica_fm_free(m);
    return bad;
}

/* STORE's vectorized output stage (mica_fm_requant_rows, each round mode; round 0 on AVX2 where
 * the CPU has it and portably) against the scalar definition mica_requantize, with extreme
 * accumulators, biases, multipliers and shifts (saturation and the zero point's int32 wrap
 * included), also with typical small sums and shifts. */
static int run_requant(void) {
    enum { C = 37, ROWS = 9 }; /* 37: not a multiple of any vector width */
    const int32_t edge[] = {0,       1,          -1,         INT32_MAX,  INT32_MIN,
                            1 << 30, -(1 << 30), 2147483520, -2147483520};
    uint64_t s = 0x9E3779B97F4A7C15ull;
    long bad = 0, n = 0;
    for (unsigned it = 0; it < 6000; it++) {
        int32_t set[4 * C], acc[ROWS * C];
        uint8_t out[ROWS * C];
        mica_instr_t in = {{0, 0}};
        int mode = it % 3, wide = it % 4 == 0; /* wide: shifts far outside the usual range */
        for (int i = 0; i < 4 * C + ROWS * C; i++) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            int32_t v = s % 11 == 0 ? edge[(s >> 8) % 9] : (int32_t)(s >> 32) >> (s >> 5 & 31);
            if (i >= C && i < 2 * C && it % 5)
                v |= INT32_MIN * (mode == 2); /* normalized m53 */
            if (i >= 2 * C && i < 3 * C)
                v = wide ? (int32_t)(s >> 20) : (int)(s >> 40 & 63) - 40;
            if (it % 2 && (i < C || i >= 4 * C))
                v >>= 12; /* sums of every size... */
            if (it % 2 && i >= 2 * C && i < 3 * C)
                v = (int)(s >> 40 & 7) - 6; /* ...and small shifts */
            if (i < 4 * C)
                set[i] = v;
            else
                acc[i - 4 * C] = v;
        }
        for (
            int c = 0; it == 0 && c < C;
            c +=
            c ? 3
              : 33) { /* 2^62 / 2^31, the one sum that saturates (seen with z_out 0), on each path */
            set[c] = 0;
            set[C + c] = INT32_MIN;
            set[2 * C + c] = 0;
            acc[c] = acc[C + c] = INT32_MIN;
        }
        MICA_SET(&in, MICA_F_STORE_ROUND, mode);
        MICA_SET(&in, MICA_F_STORE_LEN, C);
        MICA_SET(&in, MICA_F_STORE_Z_OUT, it == 0 ? 0 : (int)(s >> 9 & 255) - 128);
        MICA_SET(&in, MICA_F_STORE_ACT_MIN, -128 + (int)(it % 7));
        MICA_SET(&in, MICA_F_STORE_ACT_MAX, 127 - (int)(it % 5));
        mica_fm_requant_t *q = mica_fm_requant_new(&in, set, C);
        if (!q)
            return 1;
        for (int simd = q->simd; simd >= 0;
             simd--) { /* the AVX2 path where the CPU has it, and the portable one */
            q->simd = simd;
            mica_fm_requant_rows(q, acc, C, ROWS, out, C);
            for (int i = 0; i < ROWS * C; i++, n++) {
                int c = i % C;
                bad += (int8_t)out[i] != mica_requantize(acc[i], set[c], set[C + c], set[3 * C + c],
                                                         set[2 * C + c], mode, q->z, q->lo, q->hi);
            }
        }
        free(q);
    }
    printf("STORE output stage, vector paths vs mica_requantize: %ld cases, %ld differ\n", n, bad);
    return bad != 0;
}

/* Round mode 2 where the rounding decides: scales 2^-1 .. 2^-3 (exact halves, quarters, eighths),
 * those plus one unit of the 53-bit multiplier (just past them) and just below them (the largest
 * multiplier, one exponent down), small sums of either sign, no clamp beyond int8: every tie and
 * near-tie, on each path, against mica_requantize. */
static int run_requant_real_ties(void) {
    enum { C = 24, ROWS = 64 };
    long bad = 0, n = 0;
    for (int e = -2; e <= 0; e++)
        for (int v = 0; v < 3; v++) { /* m53 = 2^52, 2^52 + 1, 2^53 - 1 */
            int32_t set[4 * C], acc[ROWS * C];
            uint8_t out[ROWS * C];
            for (int c = 0; c < C; c++) {
                int odd = c % 2; /* even columns keep 2^52 */
                set[c] = c - 12;
                set[C + c] = odd && v == 2 ? -1 : INT32_MIN;
                set[2 * C + c] = odd && v == 2 ? e - 1 : e;
                set[3 * C + c] = odd && v == 1 ? 1 : odd && v == 2 ? 0x1FFFFF : 0;
            }
            for (int i = 0; i < ROWS * C; i++)
                acc[i] = i % 509 - 254;
            mica_instr_t in = {{0, 0}};
            MICA_SET(&in, MICA_F_STORE_ROUND, MICA_STORE_ROUND_REAL);
            MICA_SET(&in, MICA_F_STORE_LEN, C);
            MICA_SET(&in, MICA_F_STORE_Z_OUT, e);
            MICA_SET(&in, MICA_F_STORE_ACT_MIN, -128);
            MICA_SET(&in, MICA_F_STORE_ACT_MAX, 127);
            mica_fm_requant_t *q = mica_fm_requant_new(&in, set, C);
            if (!q)
                return 1;
            for (int simd = q->simd; simd >= 0; simd--) {
                q->simd = simd;
                mica_fm_requant_rows(q, acc, C, ROWS, out, C);
                for (int i = 0; i < ROWS * C; i++, n++) {
                    int c = i % C;
                    bad +=
                        (int8_t)out[i] !=
                        mica_requantize(acc[i], set[c], set[C + c], set[3 * C + c], set[2 * C + c],
                                        MICA_STORE_ROUND_REAL, q->z, q->lo, q->hi);
                }
            }
            free(q);
        }
    printf("STORE round 2 at ties and near-ties vs mica_requantize: %ld cases, %ld differ\n", n,
           bad);
    return bad != 0;
}

int main(void) {
    int bad = run_case(256, 16, 1, 1) + run_case(256, 8, 1, 2) + run_batch_bound() +
              run_sgemm_bound() + run_requant() + run_requant_real_ties();
    for (unsigned s = 0; s < 50; s++)
        bad += run_case(1u + s % 64 * 4, 1u + s % 17, 0, s);
    printf("test_func_exact: %s\n", bad ? "FAIL" : "PASS");
    return bad != 0;
}
