/* The func backend's fast path: programs translated into GEMMs, vector passes and precomputed
 * STOREs (func_translate.c builds them, func_plan.c runs them). It runs on the reference
 * interpreter's state (include/mica_isa_ref.h) and calls the interpreter's LOAD; the interpreter
 * knows nothing of it (the dependency points one way). */
#ifndef MICA_FUNC_PLAN_H
#define MICA_FUNC_PLAN_H
#include <stddef.h>
#include <stdint.h>
#include "mica_isa_ref.h"

#define FM_COST_MEMO 64
typedef struct {
    uint64_t hash, bytes, cycles, array_cycles;
} fm_cost_memo_t;

/* The func backend's state: the ISA state and the translations of the programs it ran. */
typedef struct mica_fm {
    mica_isa_ref_t *ref;         /* memories, CSRs, counters: the reference interpreter's state */
    struct mica_fp_cache *plans; /* translated programs; NULL: every run interpreted (plan=0) */
    int8_t *scratch;             /* the vector unit's padded tiles (func_vector.c) */
    size_t scratch_bytes;
    uint32_t batch_max_tiles; /* MATMUL tiles one sgemm may sum exactly in float (func_plan.c) */
    fm_cost_memo_t
        cost_memo[FM_COST_MEMO]; /* cycle estimates of interpreted programs (func_run.c) */
} mica_fm_t;

struct mica_fp_cache *mica_fp_new(void);
void mica_fp_free(struct mica_fp_cache *c);
/* The integer kernels translations built from now on may use, at most (tests of each path):
 * PORTABLE = sgemm and the int8 GEMV, AVX2 = the int16 GEMM too, VNNI = the AVX-512 VNNI or
 * AVX-VNNI ones too (default); each only where the CPU has it. */
enum { FP_KERNELS_PORTABLE = 0, FP_KERNELS_AVX2 = 1, FP_KERNELS_VNNI = 2 };
void mica_fp_set_kernels(struct mica_fp_cache *c, int level);
/* ON = 0: mica_fp_set_kernels(c, FP_KERNELS_PORTABLE); 1: FP_KERNELS_VNNI. */
void mica_fp_set_vnni(struct mica_fp_cache *c, int on);
/* Which kernels the current translations use, as "key=value ..." (the backend's report). */
void mica_fp_kernels_report(const struct mica_fp_cache *c, char *out, size_t n);
/* Runs the program at PROG_ADDR/PROG_LEN from its translation: 1 if it ran, 0 if there is none. */
int mica_fp_run(mica_fm_t *m);
/* After a successful interpreted run of PROG_ADDR/PROG_LEN: translate it for the next runs. */
void mica_fp_translate(mica_fm_t *m);
/* Bring WSPAD, PARAM, the weight shadows and ACC to what the interpreter would have left. */
void mica_fp_materialize(mica_fm_t *m);
/* A write of [addr, addr + bytes) is about to happen. */
void mica_fp_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes);
/* Runs made from translations so far (tests). */
uint64_t mica_fp_translated_runs(const mica_fm_t *m);

/* STORE round mode 2 with the host's double arithmetic; equals mica_mul_real. */
int32_t mica_fm_mul_real_host(int32_t x, uint64_t m53, int e);

/* A STORE's output stage, its per-column constants computed from one PARAM set (SET: MICA_PARAM_ROWS rows of
 * COLS int32) and its fields. One allocation: free() it. NULL: out of memory. */
typedef struct {
    uint32_t len;
    int mode, slow; /* slow: the scalar path (round 1, or round 2 off the double path) */
    int simd;       /* round 0's path: 2 AVX-512, 1 AVX2, 0 portable (tests set each) */
    int32_t z, lo, hi;
    double *scale; /* round 2: m53 * 2^(shift-53), 0 when not normalized */
    uint64_t *m53;
    int64_t *half, *below, *right; /* round 0: mica_rescale_t's fields, as column arrays */
    int32_t *bias, *mult, *shift, *left;
    /* round 0 in 8-column blocks, as the AVX2 path loads them: block b's 8 int64 at 8 b (columns
     * 8b, 8b + 2, 8b + 4, 8b + 6, then 8b + 1, 8b + 3, ...): half + 2^62 + 2^30, below, right; and
     * z - 2^(62 - right) per column (len rounded up to 8, the rest 0) */
    int64_t *add_eo, *below_eo, *right_eo;
    int32_t *zoff;
} mica_fm_requant_t;
mica_fm_requant_t *mica_fm_requant_new(const mica_instr_t *in, const int32_t *set, uint32_t cols);
/* The columns of A then those of B (same round mode, zero point and clamp). */
mica_fm_requant_t *mica_fm_requant_join(const mica_fm_requant_t *a, const mica_fm_requant_t *b);
/* Requantizes ROWS rows of len accumulators (row i at acc + i * acc_stride) into dst + i * stride. */
void mica_fm_requant_rows(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride,
                          uint32_t rows, uint8_t *dst, uint64_t stride);

#endif
