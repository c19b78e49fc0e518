/* Which kernels the func backend's translations run (the backend's report, `mica run`'s
 * "device:" line, tests/bench/bench.sh): per kind of GEMM, how many of them use each path. */
#include <stdio.h>
#include <string.h>
#include "func_plan_internal.h"

enum {
    K_VNNI,
    K_AVX2_I16,
    K_GEMV,
    K_SGEMM,
    K_VECTOR,
    K_STORE_512,
    K_STORE_AVX2,
    K_STORE_REAL,
    K_STORE_REAL_AVX2,
    K_STORE_C,
    K_N
};

static const char *const kernel_names[K_N] = {
    "gemm_avx_vnni", "gemm_avx2_int16", "gemv_int8_avx2",    "gemm_openblas_sgemm", "vector_unit",
    "store_avx512",  "store_avx2",      "store_real_clones", "store_real_avx2",     "store_scalar"};

static int gemm_kind(const fp_gemm_t *g) {
    return g->vec             ? K_VECTOR
           : g->a8 || g->img8 ? K_VNNI
           : g->w2            ? K_AVX2_I16
           : g->w             ? K_SGEMM
                              : K_GEMV;
}

static int store_kind(const mica_fm_requant_t *q) {
    if (q->slow)
        return K_STORE_C;
    if (q->mode != MICA_STORE_ROUND_DOUBLE) /* round 2: host doubles, AVX2 (func_requant.c), or */
        return q->simd == 1 ? K_STORE_REAL_AVX2 : K_STORE_REAL; /* the compiler's clones */
    return q->simd == 2 ? K_STORE_512 : q->simd == 1 ? K_STORE_AVX2 : K_STORE_C;
}

void mica_fp_kernels_report(const struct mica_fp_cache *c, char *out, size_t n) {
    uint32_t count[K_N] = {0};
    for (uint32_t i = 0; c && i < c->n; i++) {
        const fp_prog_t *P = &c->progs[i];
        for (uint32_t j = 0; P->ok && j < P->ngemms; j++)
            count[gemm_kind(&P->gemms[j])]++;
        for (uint32_t j = 0; P->ok && j < P->nsteps; j++)
            if (P->steps[j].kind == FP_STORE)
                count[store_kind(P->steps[j].rq)]++;
    }
    const char *names[K_N];
    memcpy(names, kernel_names, sizeof names);
    if (!mica_fp_i16_usable(8)) /* no AVX2: func_plan.c's GEMV is the portable loop */
        names[K_GEMV] = "gemv_int8_portable";
    if (mica_fp_vnni512_usable()) /* func_plan.c runs the VNNI operands on these */
        names[K_VNNI] = "gemm_avx512_vnni";
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    /* func_vector.c's DWCONV MAC and RESCALE: AVX2 (16-lane passes two pixels a vector on
     * AVX-512BW), else portable loops */
    names[K_VECTOR] = __builtin_cpu_supports("avx512bw") ? "vector_unit_avx512bw"
                      : __builtin_cpu_supports("avx2")   ? "vector_unit_avx2"
                                                         : "vector_unit";
#endif
    size_t used = 0;
    if (n)
        out[0] = 0;
    for (int k = 0; k < K_N; k++)
        if (count[k] && used < n) {
            int w = snprintf(out + used, n - used, "%s%s=%u", used ? " " : "", names[k], count[k]);
            used += w > 0 ? (size_t)w : 0;
        }
}
