/* The exact integer GEMM for CPUs with AVX2 but no AVX-VNNI (several pixels, T > 1): activations
 * x - z as int16 (padding 0, so no zero-point term remains), weights int16 packed once in pairs of
 * k (func_pack.c), and vpmaddwd: two products summed into int32 per lane, 16 MACs an instruction.
 * Exact: |x - z| <= 255 and |w| <= 128, so a product fits 2^15 and a pair sum fits int32; the
 * running sums wrap modulo 2^32 like the ACC. Outputs are blocked 6 pixels x 16 outputs in twelve
 * registers: per pair of k, two weight vectors serve six broadcast activation pairs (measured ~3%
 * faster than 4 x 16 on ResNet-8, as fast elsewhere). Where every
 * tile has one zero point it runs indirect (no im2col): the ASPAD rows the tiles read are
 * converted once per run, and each pixel x tile reads its row through a table built once. */
#include <stdlib.h>
#include <string.h>
#include "func_plan_internal.h"
#include "func_simd.h"

int mica_fp_i16_usable(uint32_t N) {
#ifdef FM_X86
    return N % 8 == 0 && __builtin_cpu_supports("avx2");
#else
    (void)N;
    return 0;
#endif
}

FM_CLONES
static void convert_image(const mica_fm_t *m, const fp_gemm_t *g) {
    uint32_t R = m->ref->cfg.rows;
    const int8_t *src = m->ref->aspad + (size_t)g->img_lo * R;
    int16_t z = (int16_t)g->gathers->z_in, *dst = g->img16;
    for (size_t i = 0, n = (size_t)(g->img_hi - g->img_lo) * R; i < n; i++)
        dst[i] = (int16_t)(src[i] - z);
}

/* One tile's pixels into columns [col, col + R) of the rows (stride kp): x - z per lane. */
static inline __attribute__((always_inline)) void
gather_tile(const mica_fm_t *m, const mica_fm_matmul_t *d, int16_t *a, uint32_t kp, uint32_t col) {
    uint32_t R = m->ref->cfg.rows;
    int16_t *row = a + col;
    for (uint32_t oy = 0; oy < d->out_h; oy++) {
        int64_t iy = (int64_t)oy * d->sy + d->off_y;
        const int8_t *line =
            m->ref->aspad + ((size_t)d->aspad + (size_t)(iy < 0 ? 0 : iy) * d->in_w) * R;
        for (uint32_t ox = 0; ox < d->out_w; ox++, row += kp) {
            int64_t ix = (int64_t)ox * d->sx + d->off_x;
            if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w) {
                memset(row, 0, sizeof *row * R);
                continue;
            }
            const int8_t *src = line + (size_t)ix * R;
            for (uint32_t r = 0; r < R; r++) /* R = 16: one vector (pmovsxbw, psubw) */
                row[r] = (int16_t)(src[r] - d->z_in);
        }
    }
}

/* The kidx lanes only (a first layer's few channels): segments of one tile's lanes. */
static inline __attribute__((always_inline)) void gather_lanes_i16(const mica_fm_t *m,
                                                                   const fp_gemm_t *g) {
    uint32_t R = m->ref->cfg.rows, kc = g->kc, kp = g->kp, lane[R];
    for (uint32_t i = 0, e; i < kc; i = e) { /* one tile's lanes: kidx[i, e) */
        uint32_t j = g->kidx[i] / R;
        for (e = i; e < kc && g->kidx[e] < (j + 1) * R; e++)
            lane[e - i] = g->kidx[e] - j * R;
        const mica_fm_matmul_t *d = &g->gathers[j];
        int16_t *row = g->a16 + i;
        for (uint32_t oy = 0; oy < d->out_h; oy++) {
            int64_t iy = (int64_t)oy * d->sy + d->off_y;
            const int8_t *line =
                m->ref->aspad + ((size_t)d->aspad + (size_t)(iy < 0 ? 0 : iy) * d->in_w) * R;
            for (uint32_t ox = 0; ox < d->out_w; ox++, row += kp) {
                int64_t ix = (int64_t)ox * d->sx + d->off_x;
                int pad = iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w;
                const int8_t *src = line + (size_t)(pad ? 0 : ix) * R;
                for (uint32_t q = 0; q < e - i; q++)
                    row[q] = pad ? 0 : (int16_t)(src[lane[q]] - d->z_in);
            }
        }
    }
}

#ifdef FM_X86
/* The kidx lanes for ROWS = 16 (a first layer's packed taps), pixel by pixel: each tile's lanes
 * with one byte shuffle, widened. Its 16-lane store may run past the tile's lanes into a later
 * tile's (then written) or the next pixel's row (then written; a16 has 16 lanes to spare). */
__attribute__((target("avx2"))) static void gather_lanes16_avx2(const mica_fm_t *m,
                                                                const fp_gemm_t *g) {
    uint32_t kc = g->kc, start[kc];
    const mica_fm_matmul_t *d[kc];
    const int8_t *line[kc];
    uint8_t sh[kc][16];
    uint32_t nseg = mica_fp_lane_segments(g, 0x80, start, d, sh);
    int16_t *row = g->a16;
    for (uint32_t oy = 0; oy < g->gathers->out_h; oy++) {
        mica_fp_segment_lines(m, d, nseg, oy, line);
        for (uint32_t ox = 0; ox < g->gathers->out_w; ox++, row += g->kp)
            for (uint32_t s = 0; s < nseg; s++) {
                int64_t ix = (int64_t)ox * d[s]->sx + d[s]->off_x;
                __m256i v = _mm256_setzero_si256();
                if (line[s] && ix >= 0 && ix < d[s]->in_w)
                    v = _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_shuffle_epi8(
                                             _mm_loadu_si128((const __m128i *)(line[s] + ix * 16)),
                                             _mm_loadu_si128((const __m128i *)sh[s]))),
                                         _mm256_set1_epi16((int16_t)d[s]->z_in));
                _mm256_storeu_si256((__m256i *)(row + start[s]), v);
            }
    }
}
#endif

/* ROWS = 16 and one output shape: the shuffles above. */
static int lanes16(const mica_fm_t *m, const fp_gemm_t *g) {
    int same = g->kidx && m->ref->cfg.rows == 16;
    for (uint32_t j = 0; same && j < g->tiles; j++)
        same = g->gathers[j].out_w == g->gathers->out_w && g->gathers[j].out_h == g->gathers->out_h;
    return same;
}

FM_CLONES
static void gather_i16(const mica_fm_t *m, const fp_gemm_t *g) {
    if (g->kidx) {
        gather_lanes_i16(m, g);
        return;
    }
    for (uint32_t j = 0; j < g->tiles; j++)
        gather_tile(m, &g->gathers[j], g->a16, g->kp, j * m->ref->cfg.rows);
}

#ifdef FM_X86
/* One pair of k for MR pixel rows: s[p][h] += rows[p][k..k+1] . w's pair column (8 outputs per
 * vector, NV vectors), exact in int32 (vpmaddwd). */
static inline __attribute__((always_inline, target("avx2"))) void
madd_pair(__m256i s[I16_MR][2], const int16_t *const rows[I16_MR], uint32_t k, const int16_t *w,
          int nv, int mr) {
    __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
    __m256i w1 = nv == 2 ? _mm256_loadu_si256((const __m256i *)(w + 16)) : w0;
    for (int p = 0; p < mr; p++) {
        int32_t pair;
        memcpy(&pair, rows[p] + k, 4);
        __m256i b = _mm256_set1_epi32(pair);
        s[p][0] = _mm256_add_epi32(s[p][0], _mm256_madd_epi16(b, w0));
        if (nv == 2)
            s[p][1] = _mm256_add_epi32(s[p][1], _mm256_madd_epi16(b, w1));
    }
}

/* Pixels [t, t + I16_MR) x outputs [n, n + 8 NV): NV weight vectors (8 outputs x a pair of k) per step. */
static inline __attribute__((always_inline, target("avx2"))) void
block_4xn(const fp_gemm_t *g, uint32_t N, uint32_t t, uint32_t n, int nv) {
    const uint32_t kp = g->kp;
    const int16_t *a = g->a16 + (size_t)t * kp, *w = g->w2 + (size_t)n * 2;
    __m256i s[I16_MR][2];
    for (int p = 0; p < I16_MR; p++)
        s[p][0] = s[p][1] = _mm256_setzero_si256();
    const int16_t *rows[I16_MR];
    for (int p = 0; p < I16_MR; p++)
        rows[p] = a + (size_t)p * kp;
    for (uint32_t k = 0; k < kp; k += 2, w += 2 * (size_t)N)
        madd_pair(s, rows, k, w, nv, I16_MR);
    for (int p = 0; p < I16_MR; p++)
        for (int h = 0; h < nv; h++)
            _mm256_storeu_si256((__m256i *)(g->out + (size_t)(t + p) * N + n + 8 * h), s[p][h]);
}

/* The same for MR pixel rows (I16_MR, or half of it for a short tail: 9 pixels are 6 + 3, not
 * 12), reading pixel rows through pix (LANES per tile, even). Not unrolled over the lanes: the
 * compiler then keeps the sums in registers. */
static inline __attribute__((always_inline, target("avx2"))) void
block_indirect(const fp_gemm_t *g, uint32_t N, uint32_t lanes, uint32_t t, uint32_t n, int nv,
               int mr) {
    const uint32_t *px = g->pix + (size_t)t * g->tiles;
    const int16_t *w = g->w2 + (size_t)n * 2;
    __m256i s[I16_MR][2];
    for (int p = 0; p < mr; p++)
        s[p][0] = s[p][1] = _mm256_setzero_si256();
    for (uint32_t j = 0; j < g->tiles; j++, px++) {
        const int16_t *a[I16_MR];
        for (int p = 0; p < mr; p++)
            a[p] = g->img16 + px[(size_t)p * g->tiles];
        for (uint32_t r = 0; r < lanes; r += 2, w += 2 * (size_t)N)
            madd_pair(s, a, r, w, nv, mr);
    }
    for (int p = 0; p < mr; p++)
        for (int h = 0; h < nv; h++)
            _mm256_storeu_si256((__m256i *)(g->out + (size_t)(t + p) * N + n + 8 * h), s[p][h]);
}

/* Outputs [n, n + 8 NV) for every pixel block. */
static inline __attribute__((always_inline, target("avx2"))) void
column_indirect(const fp_gemm_t *g, uint32_t T, uint32_t N, uint32_t n, int nv) {
    uint32_t t = 0;
    for (; t + I16_MR <= T || (t < T && T - t > I16_MR / 2); t += I16_MR)
        block_indirect(g, N, g->lanes, t, n, nv, I16_MR);
    if (t < T)
        block_indirect(g, N, g->lanes, t, n, nv, I16_MR / 2);
}

__attribute__((target("avx2"))) static void gemm_avx2_indirect(const fp_gemm_t *g, uint32_t T,
                                                               uint32_t N) {
    uint32_t n = 0;
    for (; n + 16 <= g->nlive; n += 16)
        column_indirect(g, T, N, n, 2);
    if (n < g->nlive) /* nlive % 16 == 8 */
        column_indirect(g, T, N, n, 1);
}

/* Output blocks outermost: a block's weights (kp x 16 int16) stay in L1 while the pixels stream. */
__attribute__((target("avx2"))) static void gemm_avx2(const fp_gemm_t *g, uint32_t T, uint32_t N) {
    uint32_t n = 0;
    for (; n + 16 <= g->nlive; n += 16)
        for (uint32_t t = 0; t < T; t += I16_MR)
            block_4xn(g, N, t, n, 2);
    if (n < g->nlive) /* nlive % 16 == 8 */
        for (uint32_t t = 0; t < T; t += I16_MR)
            block_4xn(g, N, t, n, 1);
}
#endif

void mica_fp_gemm_i16(const mica_fm_t *m, const fp_gemm_t *g, uint32_t T, uint32_t N) {
#ifdef FM_X86
    if (g->img16) {
        convert_image(m, g);
        gemm_avx2_indirect(g, T, N);
        return;
    }
    if (lanes16(m, g))
        gather_lanes16_avx2(m, g);
    else
        gather_i16(m, g);
    gemm_avx2(g, T, N);
#else
    (void)m, (void)g, (void)T, (void)N; /* not chosen: mica_fp_i16_usable is 0 */
#endif
}
