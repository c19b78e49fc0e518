/* The exact integer GEMM and GEMV on AVX-512 VNNI (Cascade Lake, Ice Lake and later Xeons: many
 * have it without the VEX-encoded AVX-VNNI func_plan.c's 256-bit kernels need). Same operands as
 * those (func_pack.c): activations x + 128 (padding z + 128) as u8 rows of kp bytes, weights s8 in
 * blocks of 4 k x N (k fastest), corr per output what the + 128 and the zero points add. vpdpbusd
 * sums four u8 x s8 products into each int32 lane, 64 MACs an instruction; sums wrap modulo 2^32
 * like the ACC (vpdpbusd, not the saturating vpdpbusds). N is a multiple of 8: a last block of 8
 * outputs runs with masked loads and stores. */
#include <string.h>
#include "func_plan_internal.h"
#include "func_simd.h"

int mica_fp_vnni512_usable(void) {
#ifdef FM_X86
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni");
#else
    return 0;
#endif
}

#ifdef FM_X86
#define V512 __attribute__((target("avx512f,avx512vnni")))

/* The lanes of the vector of outputs [n, n + 16) that exist (N - n is a multiple of 8). */
static inline V512 __mmask16 out_mask(uint32_t N, uint32_t n) {
    return N - n >= 16 ? (__mmask16)0xFFFF : (__mmask16)0x00FF;
}

/* The activation word at P (4 k, u8) in every lane. */
static inline __attribute__((always_inline)) V512 __m512i bcast4(const uint8_t *p) {
    int32_t word;
    memcpy(&word, p, 4);
    return _mm512_set1_epi32(word);
}

/* Vector R of NV (16 int32 lanes or 64 bytes each): all of it but the last, which has LAST. */
static inline __attribute__((always_inline)) V512 __m512i ld_vec(const void *base, int r, int nv,
                                                                 __mmask16 last) {
    const char *p = (const char *)base + 64 * r;
    return r + 1 < nv ? _mm512_loadu_si512(p) : _mm512_maskz_loadu_epi32(last, p);
}

/* One step of 4 k for V5_MR pixel rows: NV weight vectors (16 outputs x 4 k, the last LAST lanes
 * only) against each row's broadcast activation word; the sums stay in V5_MR x NV registers. */
static inline __attribute__((always_inline)) V512 void vnni_step(__m512i s[V5_MR][2],
                                                                 const uint8_t *const rows[V5_MR],
                                                                 uint32_t k, const int8_t *w,
                                                                 int nv, __mmask16 last) {
    __m512i w0 = nv == 2 ? _mm512_loadu_si512(w) : _mm512_maskz_loadu_epi32(last, w);
    __m512i w1 = nv == 2 ? _mm512_maskz_loadu_epi32(last, w + 64) : w0;
    for (int p = 0; p < V5_MR; p++) {
        __m512i b = bcast4(rows[p] + k);
        s[p][0] = _mm512_dpbusd_epi32(s[p][0], b, w0);
        if (nv == 2)
            s[p][1] = _mm512_dpbusd_epi32(s[p][1], b, w1);
    }
}

/* The block's sums minus corr into out: pixels [t, t + V5_MR) x outputs [n, n + 16 NV). */
static inline __attribute__((always_inline)) V512 void vnni_put(const fp_gemm_t *g,
                                                                __m512i s[V5_MR][2], uint32_t N,
                                                                uint32_t t, uint32_t n, int nv,
                                                                __mmask16 last) {
    __m512i c0 =
        nv == 2 ? _mm512_loadu_si512(g->corr + n) : _mm512_maskz_loadu_epi32(last, g->corr + n);
    __m512i c1 = nv == 2 ? _mm512_maskz_loadu_epi32(last, g->corr + n + 16) : c0;
    for (int p = 0; p < V5_MR; p++) {
        int32_t *o = g->out + (size_t)(t + p) * N + n;
        if (nv == 2) {
            _mm512_storeu_si512(o, _mm512_sub_epi32(s[p][0], c0));
            _mm512_mask_storeu_epi32(o + 16, last, _mm512_sub_epi32(s[p][1], c1));
        } else {
            _mm512_mask_storeu_epi32(o, last, _mm512_sub_epi32(s[p][0], c0));
        }
    }
}

/* Pixels [t, t + V5_MR) x outputs [n, n + 16 NV) from the gathered rows (a8). Output blocks are
 * the outer loop (gemm below), so a block's weights stay in L1 while the pixels stream. */
static inline __attribute__((always_inline)) V512 void vnni_block(const fp_gemm_t *g, uint32_t N,
                                                                  uint32_t t, uint32_t n, int nv) {
    const __mmask16 last = out_mask(N, n + 16 * (uint32_t)(nv - 1));
    const int8_t *w = g->wt + (size_t)n * 4;
    const uint8_t *rows[V5_MR];
    __m512i s[V5_MR][2];
    for (int p = 0; p < V5_MR; p++) {
        s[p][0] = s[p][1] = _mm512_setzero_si512();
        rows[p] = g->a8 + (size_t)(t + p) * g->kp;
    }
    for (uint32_t k = 0; k < g->kp; k += 4, w += (size_t)4 * N)
        vnni_step(s, rows, k, w, nv, last);
    vnni_put(g, s, N, t, n, nv, last);
}

/* Where each of the block's pixel rows reads one tile in img8 (PX: the first row's pix entry). */
static inline __attribute__((always_inline)) void tile_rows(const fp_gemm_t *g, const uint32_t *px,
                                                            const uint8_t *rows[V5_MR]) {
    for (int p = 0; p < V5_MR; p++, px += g->tiles)
        rows[p] = g->img8 + *px;
}

/* The same reading each tile's R lanes of each pixel from img8 through pix (R a constant where the
 * caller makes it one: the common ROWS 16 then runs its four k steps a tile unrolled). */
static inline __attribute__((always_inline)) V512 void
vnni_block_indirect(const fp_gemm_t *g, uint32_t N, uint32_t R, uint32_t t, uint32_t n, int nv) {
    const __mmask16 last = out_mask(N, n + 16 * (uint32_t)(nv - 1));
    const int8_t *w = g->wt + (size_t)n * 4;
    const uint32_t *px = g->pix + (size_t)t * g->tiles;
    __m512i s[V5_MR][2];
    for (int p = 0; p < V5_MR; p++)
        s[p][0] = s[p][1] = _mm512_setzero_si512();
    for (uint32_t j = 0; j < g->tiles; j++, px++) {
        const uint8_t *rows[V5_MR];
        tile_rows(g, px, rows);
        for (uint32_t r = 0; r < R; r += 4, w += (size_t)4 * N)
            vnni_step(s, rows, r, w, nv, last);
    }
    vnni_put(g, s, N, t, n, nv, last);
}

/* Several pixels: T is rounded up to V5_MR rows (mica_fp_vnni_rows; the rows past T are scratch). */
V512 void mica_fp_gemm_vnni512(fp_gemm_t *g, uint32_t T, uint32_t N) {
    uint32_t n = 0;
    for (; n + 16 < N; n += 32) /* two vectors, the second maybe half */
        for (uint32_t t = 0; t < T; t += V5_MR)
            vnni_block(g, N, t, n, 2);
    if (n < N)
        for (uint32_t t = 0; t < T; t += V5_MR)
            vnni_block(g, N, t, n, 1);
}

/* All blocks, output vectors outermost (vnni_block's order). */
static inline __attribute__((always_inline)) V512 void
indirect_blocks(const fp_gemm_t *g, uint32_t T, uint32_t N, uint32_t R) {
    uint32_t n = 0;
    for (; n + 16 < N; n += 32)
        for (uint32_t t = 0; t < T; t += V5_MR)
            vnni_block_indirect(g, N, R, t, n, 2);
    if (n < N)
        for (uint32_t t = 0; t < T; t += V5_MR)
            vnni_block_indirect(g, N, R, t, n, 1);
}

V512 void mica_fp_gemm_vnni512_indirect(const mica_fm_t *m, fp_gemm_t *g, uint32_t T, uint32_t N) {
    const uint32_t R = m->ref->cfg.rows;
    const uint8_t *restrict src = (const uint8_t *)m->ref->aspad + (size_t)g->img_lo * R;
    uint8_t *restrict dst = g->img8; /* a local: stores through g->img8 would reload it */
    size_t i = 0, e = (size_t)(g->img_hi - g->img_lo) * R;
    for (const __m512i top = _mm512_set1_epi8((char)0x80); i + 64 <= e; i += 64)
        _mm512_storeu_si512(dst + i, _mm512_xor_si512(_mm512_loadu_si512(src + i), top));
    for (; i < e; i++)
        dst[i] = src[i] ^ 0x80; /* x + 128 */
    if (R == 16)
        indirect_blocks(g, T, N, 16);
    else
        indirect_blocks(g, T, N, R);
}

/* One pixel: NV (<= 8) vectors of outputs from n, each broadcast activation word against all of
 * them. The weights stream from L2 (a layer's do not stay in L1 between inferences): fetching 4 k
 * ahead measured ~20% faster (func_plan.c's first version of this loop). */
static inline __attribute__((always_inline)) V512 void gemv_block512(const fp_gemm_t *g, uint32_t N,
                                                                     uint32_t n, int nv) {
    const __mmask16 last = out_mask(N, n + 16 * (uint32_t)(nv - 1));
    __m512i s[8];
    for (int r = 0; r < nv; r++)
        s[r] = _mm512_setzero_si512();
    const int8_t *w = g->wt + (size_t)n * 4;
    for (uint32_t k = 0; k < g->kp; k += 4, w += (size_t)4 * N) {
        __m512i b = bcast4(g->a8 + k);
        for (int r = 0; k + 16 < g->kp && r < nv; r++)
            _mm_prefetch((const char *)(w + (size_t)16 * N + 64 * r), _MM_HINT_T0);
        for (int r = 0; r < nv; r++)
            s[r] = _mm512_dpbusd_epi32(s[r], b, ld_vec(w, r, nv, last));
    }
    for (int r = 0; r < nv; r++)
        _mm512_mask_storeu_epi32(g->out + n + 16 * r, r + 1 < nv ? (__mmask16)0xFFFF : last,
                                 _mm512_sub_epi32(s[r], ld_vec(g->corr + n, r, nv, last)));
}

/* 128 outputs a pass; the rest (N is a multiple of 8) 32 and then 16 or 8 at a time. */
V512 void mica_fp_gemv_vnni512(fp_gemm_t *g, uint32_t N) {
    uint32_t n = 0;
    for (; n + 128 <= N; n += 128)
        gemv_block512(g, N, n, 8);
    for (; n + 16 < N; n += 32)
        gemv_block512(g, N, n, 2);
    if (n < N)
        gemv_block512(g, N, n, 1);
}
#else
void mica_fp_gemm_vnni512(fp_gemm_t *g, uint32_t T, uint32_t N) {
    (void)g, (void)T, (void)N; /* not chosen: mica_fp_vnni512_usable is 0 */
}
void mica_fp_gemv_vnni512(fp_gemm_t *g, uint32_t N) {
    (void)g, (void)N;
}
void mica_fp_gemm_vnni512_indirect(const mica_fm_t *m, fp_gemm_t *g, uint32_t T, uint32_t N) {
    (void)m, (void)g, (void)T, (void)N;
}
#endif
