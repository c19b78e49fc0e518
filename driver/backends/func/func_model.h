/* Functional model of the Mica ISA (hw/mica.json semantics), used by the "func" backend and
 * as the golden model in tests. */
#ifndef MICA_FUNC_MODEL_H
#define MICA_FUNC_MODEL_H
#include <stdint.h>
#include "mica_backend.h"
#include "mica_isa.h"

#define FM_COST_MEMO 64
typedef struct { uint64_t hash, bytes, cycles, array_cycles; } fm_cost_memo_t;

typedef struct {
    mica_hw_config_t cfg;
    uint8_t *mem;            /* external memory */
    uint64_t mem_bytes;
    int8_t *aspad;           /* aspad_depth x rows */
    int8_t *wspad;           /* wspad_depth x cols */
    int32_t *acc;            /* acc_depth x cols */
    int32_t *param;          /* 4 * param_sets x cols */
    int8_t *w_shadow, *w_active;   /* rows x cols */
    int8_t *v_shadow, *v_active;   /* cols: the vector unit's weights (DWCONV), one allocation */
    float *a_float, *p_float, *w_float;   /* sgemm operands: activations, products, weights */
    uint32_t batch_tiles, batch_max_tiles, batch_acc, batch_t;   /* pending MATMULs (func_model.c) */
    int batch_accumulate;
    uint32_t prog_addr, prog_len, pc, error_code, error_pc;
    int done, error;         /* STATUS bits of the last run */
    uint64_t counters[MICA_NUM_COUNTERS];
    uint32_t counter_hi_snapshot;
    fm_cost_memo_t cost_memo[FM_COST_MEMO];   /* cycle predictions of interpreted programs */
    struct mica_fp_cache *plans;   /* translated programs (func_plan.c); NULL: interpret only */
    int8_t *scratch;               /* the vector unit's padded tiles (func_plan.c) */
    size_t scratch_bytes;
} mica_fm_t;

/* MATMUL operands, decoded. */
typedef struct {
    uint32_t in_h, in_w, out_h, out_w, acc_addr, aspad, sy, sx;
    int32_t off_y, off_x, z_in;
    int accumulate;
} mica_fm_matmul_t;

mica_fm_t *mica_fm_new(const mica_hw_config_t *cfg, uint64_t mem_bytes);
void mica_fm_free(mica_fm_t *m);
/* Runs from PROG_ADDR to END or the first error; returns the error code (0 = none). */
uint32_t mica_fm_run(mica_fm_t *m);
/* Everything that writes external memory (host writes, STOREs) reports the range, so translated
 * programs that depend on it are dropped. */
void mica_fm_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes);

/* Pieces of the interpreter the translated programs reuse. */
uint32_t mica_fm_interpret(mica_fm_t *m);
uint32_t mica_fm_load(mica_fm_t *m, const mica_instr_t *in);
void mica_fm_decode_matmul(const mica_instr_t *in, mica_fm_matmul_t *d);
void mica_fm_gather_rows(const mica_fm_t *m, const mica_fm_matmul_t *d, float *a, size_t lda);
/* RESCALE: its result for each input byte (tab[uint8 x]); ROWS ASPAD rows from ASPAD into OUT. */
void mica_fm_rescale_table(const mica_instr_t *in, int32_t tab[256]);
void mica_fm_rescale_rows(const mica_fm_t *m, uint32_t aspad, uint32_t rows, const int32_t *tab, int accumulate,
                          int32_t *out, size_t stride);
/* STORE round mode 2 with the host's double arithmetic; equals mica_mul_real. */
int32_t mica_fm_mul_real_host(int32_t x, uint64_t m53, int e);

/* A STORE's output stage, its per-column constants computed from one PARAM set (SET: 4 rows of
 * COLS int32) and its fields. One allocation: free() it. NULL: out of memory. */
typedef struct {
    uint32_t len;
    int mode, slow;          /* slow: the scalar path (round 1, or round 2 off the double path) */
    int simd;                /* round 0's path: 2 AVX-512, 1 AVX2, 0 portable (tests set each) */
    int32_t z, lo, hi;
    double *scale;           /* round 2: m53 * 2^(shift-53), 0 when not normalized */
    uint64_t *m53;
    int64_t *half, *below, *right;   /* round 0: mica_rescale_t's fields, as column arrays */
    int32_t *bias, *mult, *shift, *left;
} mica_fm_requant_t;
mica_fm_requant_t *mica_fm_requant_new(const mica_instr_t *in, const int32_t *set, uint32_t cols);
/* The columns of A then those of B (same round mode, zero point and clamp). */
mica_fm_requant_t *mica_fm_requant_join(const mica_fm_requant_t *a, const mica_fm_requant_t *b);
/* Requantizes ROWS rows of len accumulators (row i at acc + i * acc_stride) into dst + i * stride. */
void mica_fm_requant_rows(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride, uint32_t rows,
                          uint8_t *dst, uint64_t stride);

#endif
