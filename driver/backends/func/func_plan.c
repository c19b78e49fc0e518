/* Running translated programs (func_translate.c has what a translation is): the integer GEMM and
 * GEMV kernels (AVX-VNNI, AVX2, portable; AVX-512 VNNI in func_gemm_vnni512.c) and sgemm, the gathers that feed them,
 * and the step loop. The vector unit's kernels are in func_vector.c. */
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "func_plan_internal.h"
#include "mica_fixedpoint.h"

#include "func_simd.h"

void mica_fp_prog_free(fp_prog_t *P) {
    for (uint32_t i = 0; i < P->ngemms; i++) {
        fp_gemm_t *g = &P->gemms[i];
        free(g->gathers);
        free(g->wrows);
        free(g->acc_addr);
        free(g->kidx);
        free(g->w);
        free(g->wt);
        free(g->a16);
        free(g->w2);
        free(g->img16);
        free(g->pix);
        free(g->a8);
        free(g->img8);
        free(g->corr);
        free(g->img);
        free(g->a);
        free(g->p);
        free(g->out);
        free(g->vops);
        free(g->vstart);
        free(g->w16);
        for (uint32_t j = 0; g->dwp && j < g->tiles; j++)
            mica_fp_dw_free(g->dwp[j]);
        free(g->dwp);
        free(g->tab);
    }
    for (uint32_t i = 0; i < P->nsteps; i++)
        free(P->steps[i].rq);
    free(P->steps);
    free(P->gemms);
    free(P->wloads);
    free(P->shadow);
    free(P->vshadow);
    free(P->deps);
    memset(P, 0, sizeof *P);
}

void mica_fp_free(struct mica_fp_cache *c) {
    if (!c)
        return;
    for (uint32_t i = 0; i < c->n; i++)
        mica_fp_prog_free(&c->progs[i]);
    free(c->progs);
    free(c);
}

/* ---- running a translation ---- */

/* One pixel (FULLY_CONNECTED) without AVX-VNNI: a matrix-vector product is bound by the bytes of weights it reads,
 * so it runs on int8 weights in integer arithmetic (widened to 16 bits, pairs of products summed in
 * int32: x86's pmovsxbw + pmaddwd) rather than on 4x larger floats through sgemv. Exact: every
 * sum wraps modulo 2^32 like the ACC (|a * w| <= 255 * 128, so a pair sum fits int32). */
static void gemv_rows(const int16_t *a, const int8_t *wt, uint32_t k0, uint32_t K, uint32_t n0,
                      uint32_t N, int32_t *out) {
    for (uint32_t n = n0; n < N; n++) {
        uint32_t s = 0;
        for (uint32_t k = k0; k < K; k++)
            s += (uint32_t)(a[k] * wt[(size_t)n * K + k]);
        out[n] = (int32_t)((uint32_t)out[n] + s);
    }
}

#ifdef FM_X86
/* Four outputs at a time, so each activation load serves four weight rows and one horizontal add
 * finishes four sums. */
__attribute__((target("avx2"))) static void gemv_avx2(const int16_t *a, const int8_t *wt,
                                                      uint32_t K, uint32_t N, int32_t *out) {
    uint32_t K16 = K & ~15u, N4 = N & ~3u;
    for (uint32_t n = 0; n < N4; n += 4) {
        const int8_t *w = wt + (size_t)n * K;
        __m256i s[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                        _mm256_setzero_si256()};
        for (uint32_t k = 0; k < K16; k += 16) {
            __m256i av = _mm256_loadu_si256((const __m256i *)(a + k));
            for (int r = 0; r < 4; r++) {
                __m256i wv =
                    _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + (size_t)r * K + k)));
                s[r] = _mm256_add_epi32(s[r], _mm256_madd_epi16(av, wv));
            }
        }
        __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(s[0], s[1]), _mm256_hadd_epi32(s[2], s[3]));
        _mm_storeu_si128((__m128i *)(out + n),
                         _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1)));
    }
    if (K16 < K) /* the columns past a multiple of 16 (a pass over N4 outputs: only if any) */
        gemv_rows(a, wt, K16, K, 0, N4, out);
    if (N4 < N) {
        memset(out + N4, 0, sizeof *out * (N - N4));
        gemv_rows(a, wt, 0, K, N4, N, out);
    }
}

/* With AVX-VNNI, vpdpbusd sums four u8 x s8 products per lane in one instruction: activations
 * enter as x + 128 (padding z + 128), and the excess, the sum of (128 + z) * w per output, is
 * precomputed (corr) and taken off. Sums wrap modulo 2^32 like the ACC. One pixel, outputs in
 * vector lanes (no horizontal sums): per 4 k the activations are broadcast against 8 outputs x 4 k
 * of weights (the GEMM's layout), 64 outputs a pass. */
static inline __attribute__((always_inline, target("avx2,avxvnni"))) void
gemv_block(fp_gemm_t *g, uint32_t N, uint32_t n, uint32_t nv) {
    __m256i s[8];
    for (uint32_t r = 0; r < nv; r++)
        s[r] = _mm256_setzero_si256();
    for (uint32_t k = 0; k < g->kp; k += 4) {
        int32_t a;
        memcpy(&a, g->a8 + k, 4);
        __m256i b = _mm256_set1_epi32(a);
        const int8_t *w = g->wt + ((size_t)k * N + (size_t)n * 4);
        for (uint32_t r = 0; r < nv; r++)
            s[r] =
                _mm256_dpbusd_avx_epi32(s[r], b, _mm256_loadu_si256((const __m256i *)(w + 32 * r)));
    }
    for (uint32_t r = 0; r < nv; r++)
        _mm256_storeu_si256(
            (__m256i *)(g->out + n + 8 * r),
            _mm256_sub_epi32(s[r], _mm256_loadu_si256((const __m256i *)(g->corr + n + 8 * r))));
}

__attribute__((target("avx2,avxvnni"))) static void gemv_vnni(fp_gemm_t *g, uint32_t N) {
    uint32_t n = 0;
    for (; n + 64 <= N; n += 64)
        gemv_block(g, N, n, 8);
    if (n < N)
        gemv_block(g, N, n, (N - n) / 8);
}

/* Several pixels (T > 1) on AVX-VNNI, outputs in vector lanes: per step 4 pixels x 16 outputs in
 * 8 accumulators; each weight vector (8 outputs x 4 k) serves four pixels, whose 4 activations
 * are broadcast. Same exactness as gemv_vnni; rows past T (up to a multiple of 4) are scratch. */
__attribute__((target("avx2,avxvnni"))) static void gemm_vnni(fp_gemm_t *g, uint32_t T,
                                                              uint32_t N) {
    uint32_t kp = g->kp;
    for (uint32_t t = 0; t < T; t += 4)
        for (uint32_t n = 0; n < N; n += 16) {
            int two = N - n >= 16;
            __m256i s[4][2];
            for (int p = 0; p < 4; p++)
                s[p][0] = s[p][1] = _mm256_setzero_si256();
            for (uint32_t k = 0; k < kp; k += 4) {
                const int8_t *w = g->wt + ((size_t)k * N + (size_t)n * 4);
                __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
                __m256i w1 =
                    two ? _mm256_loadu_si256((const __m256i *)(w + 32)) : _mm256_setzero_si256();
                for (int p = 0; p < 4; p++) {
                    int32_t a;
                    memcpy(&a, g->a8 + (size_t)(t + p) * kp + k, 4);
                    __m256i b = _mm256_set1_epi32(a);
                    s[p][0] = _mm256_dpbusd_avx_epi32(s[p][0], b, w0);
                    s[p][1] = _mm256_dpbusd_avx_epi32(s[p][1], b, w1);
                }
            }
            for (int h = 0; h < 1 + two; h++) {
                __m256i c = _mm256_loadu_si256((const __m256i *)(g->corr + n + 8 * h));
                for (int p = 0; p < 4; p++)
                    _mm256_storeu_si256((__m256i *)(g->out + (size_t)(t + p) * N + n + 8 * h),
                                        _mm256_sub_epi32(s[p][h], c));
            }
        }
}
#endif

static void gemv_int8(const int16_t *a, const int8_t *wt, uint32_t K, uint32_t N, int32_t *out) {
#ifdef FM_X86
    if (__builtin_cpu_supports("avx2")) {
        gemv_avx2(a, wt, K, N, out);
        return;
    }
#endif
    memset(out, 0, sizeof *out * N);
    gemv_rows(a, wt, 0, K, 0, N, out);
}

/* The GEMV's activations straight from ASPAD: per tile, its one pixel minus the zero point, or 0
 * where the tap falls outside the tile (padding). */
FM_CLONES
static void gather_pixel(const mica_fm_t *m, const fp_gemm_t *g) {
    uint32_t R = m->ref->cfg.rows;
    if (g->row1 >= 0) { /* consecutive rows, one zero point (the common case): one block */
        const int8_t *src = m->ref->aspad + (size_t)g->row1 * R;
        int16_t z = (int16_t)g->gathers->z_in;
        for (size_t i = 0, n = (size_t)g->tiles * R; i < n; i++)
            g->a16[i] = (int16_t)(src[i] - z);
        return;
    }
    for (uint32_t j = 0; j < g->tiles; j++) {
        const mica_fm_matmul_t *d = &g->gathers[j];
        int16_t *a = g->a16 + (size_t)j * R;
        if (d->off_y < 0 || d->off_y >= (int32_t)d->in_h || d->off_x < 0 ||
            d->off_x >= (int32_t)d->in_w) {
            memset(a, 0, sizeof *a * R);
            continue;
        }
        const int8_t *src =
            m->ref->aspad + ((size_t)d->aspad + (size_t)d->off_y * d->in_w + (size_t)d->off_x) * R;
        for (uint32_t r = 0; r < R; r++)
            a[r] = (int16_t)(src[r] - d->z_in);
    }
}

/* Implicit im2col: row t of A = the activation vector of output pixel t, zero point removed,
 * 0 outside the tile (padding). */
static void gather_rows(const mica_fm_t *m, const mica_fm_matmul_t *d, float *a, size_t lda) {
    uint32_t R = m->ref->cfg.rows, t = 0;
    for (uint32_t oy = 0; oy < d->out_h; oy++)
        for (uint32_t ox = 0; ox < d->out_w; ox++, t++) {
            int64_t px = mica_fp_pixel_row(d, oy, ox);
            float *row = a + (size_t)t * lda;
            if (px < 0) {
                memset(row, 0, sizeof(float) * R);
                continue;
            }
            const int8_t *src = m->ref->aspad + (size_t)px * R;
            for (uint32_t r = 0; r < R; r++)
                row[r] = (float)(src[r] - d->z_in);
        }
}

/* One activation vector of R floats; a constant size lets the common widths copy inline. */
static inline void copy_row(float *dst, const float *src, uint32_t R) {
    if (R == 16)
        memcpy(dst, src, 16 * sizeof(float));
    else if (R == 8)
        memcpy(dst, src, 8 * sizeof(float));
    else
        memcpy(dst, src, R * sizeof(float));
}

/* Implicit im2col from the converted image: each tap reads the same pixels, so they are converted
 * to float once and copied per tap (gather_rows converts per tap). */
static void gather_converted(const fp_gemm_t *g, const mica_fm_matmul_t *d, uint32_t R, float *a,
                             size_t lda) {
    for (uint32_t oy = 0, t = 0; oy < d->out_h; oy++)
        for (uint32_t ox = 0; ox < d->out_w; ox++, t++) {
            int64_t px = mica_fp_pixel_row(d, oy, ox);
            float *row = a + (size_t)t * lda;
            if (px < 0)
                memset(row, 0, sizeof(float) * R);
            else
                copy_row(row, g->img + ((size_t)px - g->img_lo) * R, R);
        }
}

/* im2col of only the lanes in kidx (the others meet all-zero weights: a 3-channel input layer
 * fills 3 of 16 lanes), straight from ASPAD. */
static void gather_lanes(const mica_fm_t *m, const fp_gemm_t *g) {
    uint32_t R = m->ref->cfg.rows, kc = g->kc, lane[R];
    for (uint32_t i = 0, e; i < kc; i = e) { /* one tile's lanes: kidx[i, e) */
        uint32_t j = g->kidx[i] / R;
        for (e = i; e < kc && g->kidx[e] < (j + 1) * R; e++)
            lane[e - i] = g->kidx[e] - j * R;
        const mica_fm_matmul_t *d = &g->gathers[j];
        for (uint32_t oy = 0, t = 0; oy < d->out_h; oy++)
            for (uint32_t ox = 0; ox < d->out_w; ox++, t++) {
                int64_t px = mica_fp_pixel_row(d, oy, ox);
                float *row = g->a + (size_t)t * kc + i;
                const int8_t *src = m->ref->aspad + (size_t)(px < 0 ? 0 : px) * R;
                for (uint32_t q = 0; q < e - i; q++)
                    row[q] = px < 0 ? 0.0f : (float)(src[lane[q]] - d->z_in);
            }
    }
}

/* N bytes as x + 128 (LANE: which, NULL: the first N); 16 (the common ROWS) and 8 as 8-byte words. */
static inline void copy_u8(uint8_t *dst, const int8_t *src, const uint32_t *lane, uint32_t n) {
    if (lane)
        for (uint32_t q = 0; q < n; q++)
            dst[q] = (uint8_t)(src[lane[q]] ^ 0x80);
    else if (n == 16 || n == 8)
        for (uint32_t h = 0; h < n / 8; h++) {
            uint64_t v;
            memcpy(&v, src + 8 * h, 8);
            v ^= 0x8080808080808080ull;
            memcpy(dst + 8 * h, &v, 8);
        }
    else
        for (uint32_t q = 0; q < n; q++)
            dst[q] = (uint8_t)(src[q] ^ 0x80);
}

#ifdef FM_X86
/* The kidx lanes for ROWS = 16 (a first layer's packed taps), pixel by pixel: each tile's lanes
 * with one byte shuffle. Its 16-byte store may run past the tile's lanes into a later tile's (then
 * written) or the next pixel's row (then written; a8 has 16 bytes to spare at its end). */
__attribute__((target("avx2"))) static void gather_u8_lanes16(const mica_fm_t *m,
                                                              const fp_gemm_t *g) {
    uint32_t kc = g->kc, start[kc];
    const mica_fm_matmul_t *d[kc];
    const int8_t *line[kc];
    uint8_t sh[kc][16];
    uint32_t nseg = mica_fp_lane_segments(g, 0, start, d, sh);
    uint8_t *row = g->a8;
    for (uint32_t oy = 0; oy < g->gathers->out_h; oy++) {
        mica_fp_segment_lines(m, d, nseg, oy, line);
        for (uint32_t ox = 0; ox < g->gathers->out_w; ox++, row += g->kp)
            for (uint32_t s = 0; s < nseg; s++) {
                int64_t ix = (int64_t)ox * d[s]->sx + d[s]->off_x;
                __m128i v =
                    !line[s] || ix < 0 || ix >= d[s]->in_w
                        ? _mm_set1_epi8((char)(d[s]->z_in + 128))
                        : _mm_xor_si128(_mm_shuffle_epi8(
                                            _mm_loadu_si128((const __m128i *)(line[s] + ix * 16)),
                                            _mm_loadu_si128((const __m128i *)sh[s])),
                                        _mm_set1_epi8((char)0x80));
                _mm_storeu_si128((__m128i *)(row + start[s]), v);
            }
    }
}
#endif

/* im2col for gemm_vnni: bytes x + 128 (padding z + 128), whole ROWS-lane rows, or the kidx lanes. */
static void gather_u8(const mica_fm_t *m, const fp_gemm_t *g) {
    uint32_t R = m->ref->cfg.rows, kc = g->kc, lane[R];
#ifdef FM_X86
    uint32_t same = g->kidx && R == 16; /* pixel by pixel needs one output shape */
    for (uint32_t j = 0; same && j < g->tiles; j++)
        same = g->gathers[j].out_w == g->gathers->out_w;
    if (same && __builtin_cpu_supports("avx2")) {
        gather_u8_lanes16(m, g);
        return;
    }
#endif
    if (!g->kidx && g->t == 1) { /* one pixel (FULLY_CONNECTED): no loops over pixels */
        if (g->row1 >= 0) {      /* consecutive rows (the common case): one block, 8 bytes a step */
            const int8_t *src = m->ref->aspad + (size_t)g->row1 * R;
            size_t n = (size_t)g->tiles * R, i = 0;
            for (; i + 8 <= n; i += 8)
                copy_u8(g->a8 + i, src + i, NULL, 8);
            copy_u8(g->a8 + i, src + i, NULL, (uint32_t)(n - i));
            return;
        }
        for (uint32_t j = 0; j < g->tiles; j++) {
            const mica_fm_matmul_t *d = &g->gathers[j];
            int64_t px = mica_fp_pixel_row(d, 0, 0);
            if (px < 0)
                memset(g->a8 + (size_t)j * R, (uint8_t)(d->z_in + 128), R);
            else
                copy_u8(g->a8 + (size_t)j * R, m->ref->aspad + (size_t)px * R, NULL, R);
        }
        return;
    }
    for (uint32_t i = 0, e; i < kc; i = e) { /* one tile's lanes: [i, e) */
        uint32_t j = g->kidx ? g->kidx[i] / R : i / R;
        e = (j + 1) * R < kc ? (j + 1) * R : kc;
        if (g->kidx)
            for (e = i; e < kc && g->kidx[e] < (j + 1) * R; e++)
                lane[e - i] = g->kidx[e] - j * R;
        const mica_fm_matmul_t *d = &g->gathers[j];
        uint8_t pad = (uint8_t)(d->z_in + 128), *row = g->a8 + i;
        for (uint32_t oy = 0; oy < d->out_h; oy++) {
            int64_t iy = (int64_t)oy * d->sy + d->off_y;
            const int8_t *line =
                m->ref->aspad + ((size_t)d->aspad + (size_t)(iy < 0 ? 0 : iy) * d->in_w) * R;
            for (uint32_t ox = 0; ox < d->out_w; ox++, row += g->kp) {
                int64_t ix = (int64_t)ox * d->sx + d->off_x;
                if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w)
                    memset(row, pad, e - i);
                else
                    copy_u8(row, line + (size_t)ix * R, g->kidx ? lane : NULL, e - i);
            }
        }
    }
}

static void gather(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->ref->cfg.rows, K = g->tiles * R;
    if (g->kidx) {
        gather_lanes(m, g);
        return;
    }
    if (!g->img) {
        for (uint32_t j = 0; j < g->tiles; j++)
            gather_rows(m, &g->gathers[j], g->a + (size_t)j * R, K);
        return;
    }
    const int8_t *src = m->ref->aspad + (size_t)g->img_lo * R;
    float z = (float)g->gathers[0].z_in;
    for (size_t i = 0, n = (size_t)(g->img_hi - g->img_lo) * R; i < n; i++)
        g->img[i] = (float)src[i] - z;
    for (uint32_t j = 0; j < g->tiles; j++)
        gather_converted(g, &g->gathers[j], R, g->a + (size_t)j * R, K);
}

/* Vector groups: each group's ops in order, consecutive DWCONV taps of one mode and output shape
 * in one pass (the sums stay in registers), into the group's columns. */
static void vec_run(mica_fm_t *m, const fp_gemm_t *g) {
    uint32_t C = m->ref->cfg.cols, L = m->ref->cfg.rows < C ? m->ref->cfg.rows : C;
    size_t stride = (size_t)g->groups * C;
    for (uint32_t grp = 0; grp < g->groups; grp++)
        for (uint32_t i = g->vstart[grp], e, end = g->vstart[grp + 1]; i < end; i = e) {
            const fp_vop_t *v = &g->vops[i];
            const mica_fm_matmul_t *d = &g->gathers[i];
            int accumulate = i > g->vstart[grp];
            for (e = i + 1; v->kind != FP_VRESCALE && e < end && g->vops[e].kind == v->kind &&
                            g->gathers[e].out_h == d->out_h && g->gathers[e].out_w == d->out_w;
                 e++) {
            }
            if (v->kind == FP_VRESCALE)
                mica_fp_rescale_rows(m, d->aspad, g->t, &g->tab[i], accumulate,
                                     g->out + (size_t)grp * C, stride);
            else
                mica_fp_dw_taps(m, d, g->w16 + (size_t)i * L, e - i, v->kind == FP_VMAX, accumulate,
                                g->out + (size_t)grp * C, stride, g->dwp + i);
        }
}

static void gemm_run(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->ref->cfg.rows, K = g->tiles * R, N = g->groups * m->ref->cfg.cols, T = g->t;
    if (g->vec) {
        vec_run(m, g);
        return;
    }
    if (g->img8) { /* AVX-512 VNNI, every tile one zero point (func_pack.c) */
        mica_fp_gemm_vnni512_indirect(m, g, T, N);
        return;
    }
    if (g->a8) { /* only where AVX-VNNI or AVX-512 VNNI is (func_pack.c) */
        gather_u8(m, g);
#ifdef FM_X86
        if (mica_fp_vnni512_usable() && T == 1) /* 16 outputs a vector: preferred where both are */
            mica_fp_gemv_vnni512(g, N);
        else if (mica_fp_vnni512_usable())
            mica_fp_gemm_vnni512(g, T, N);
        else if (T == 1)
            gemv_vnni(g, N);
        else
            gemm_vnni(g, T, N);
#endif
        return;
    }
    if (g->w2) { /* AVX2 without AVX-VNNI (func_pack.c) */
        mica_fp_gemm_i16(m, g, T, N);
        return;
    }
    if (T == 1) {
        gather_pixel(m, g);
        gemv_int8(g->a16, g->wt, K, N, g->out);
        return;
    }
    gather(m, g);
    /* Exact: |a| <= 255, |w| <= 128, so every partial sum of at most batch_max_tiles x ROWS products
     * is an integer below 2^24, where float holds every integer exactly (func_run.c sets the cap,
     * tests/unit/test_func_exact.c checks the bound); the chunks are added in int32 like the ACC. */
    size_t n = (size_t)T * N;
    uint32_t chunk = m->batch_max_tiles * R;
    for (uint32_t k0 = 0; k0 < g->kc; k0 += chunk) {
        uint32_t kn = g->kc - k0 < chunk ? g->kc - k0 : chunk;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)T, (int)N, (int)kn, 1.0f,
                    g->a + k0, (int)g->kc, g->w + (size_t)k0 * N, (int)N, 0.0f, g->p, (int)N);
        if (k0 == 0)
            for (size_t i = 0; i < n; i++)
                g->out[i] = (int32_t)g->p[i];
        else
            for (size_t i = 0; i < n; i++)
                g->out[i] = (int32_t)((uint32_t)g->out[i] + (uint32_t)(int32_t)g->p[i]);
    }
}

/* Lanes [len, C) of ROWS rows of C bytes set to Z, eight bytes a store where they can be: a memset
 * call per row was 6 % of VWW's time (its first layer stores 8 of 16 lanes, 2,304 rows). */
static void fill_lanes(uint8_t *dst, uint32_t C, uint32_t rows, uint32_t len, uint8_t z) {
    if (len >= C)
        return;
    uint64_t zz = 0x0101010101010101ull * z;
    uint32_t words = (C - len) / 8;
    for (uint32_t i = 0; i < rows; i++, dst += C) {
        uint32_t c = len;
        for (uint32_t w = 0; w < words; w++, c += 8)
            memcpy(dst + c, &zz, 8);
        for (; c < C; c++)
            dst[c] = z;
    }
}

/* A STORE from its group's block of the GEMM result, requantized with the precomputed constants. */
static void store(mica_fm_t *m, const fp_step_t *s, const fp_gemm_t *g) {
    uint32_t C = m->ref->cfg.cols, rows = s->u.st.rows;
    const int32_t *acc = g->out + (size_t)s->row0 * g->groups * C + (size_t)s->group * C;
    if (s->u.st.aspad) { /* ASPAD rows of ROWS == COLS bytes, lanes len.. the zero point */
        uint8_t *dst = (uint8_t *)m->ref->aspad + s->u.st.ext * C;
        mica_fm_requant_rows(s->rq, acc, (size_t)g->groups * C, rows, dst, C);
        fill_lanes(dst, C, rows, s->rq->len, (uint8_t)s->rq->z);
        return;
    }
    if (rows)
        mica_fp_note_write(m, s->u.st.ext, (uint64_t)(rows - 1) * s->u.st.stride + s->rq->len);
    mica_fm_requant_rows(s->rq, acc, (size_t)g->groups * C, rows, m->ref->mem + s->u.st.ext,
                         s->u.st.stride);
}

int mica_fp_run(mica_fm_t *m) {
    fp_prog_t *P = mica_fp_find(m->plans, m->ref->prog_addr, m->ref->prog_len);
    if (!P || !P->ok)
        return 0;
    m->ref->done = m->ref->error = 0;
    m->ref->error_code = 0;
    for (uint32_t i = 0; i < P->nsteps; i++) {
        const fp_step_t *s = &P->steps[i];
        fp_gemm_t *g = &P->gemms[s->gemm];
        if (s->kind == FP_INSTR)
            mica_fp_load_run(m, &s->in, &s->u.ld);
        else if (s->kind == FP_GEMM)
            gemm_run(m, g);
        else
            store(m, s, g);
    }
    memcpy(m->ref->counters, P->counters, sizeof m->ref->counters);
    P->last_run = ++m->plans->run_seq;
    m->ref->pc = P->end_pc;
    m->ref->done = 1;
    return 1;
}
