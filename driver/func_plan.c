/* Translated programs: how the func backend runs an accelerator program fast.
 *
 * Interpreting costs a weight-tile conversion and a 16-column sgemm per MATMUL. So after a program
 * has run once through the interpreter (which also checks every field), it is translated, like a
 * binary translator's basic blocks:
 *   - the MATMULs of one accumulation group (one output fold: all taps and input folds) become a
 *     column block of a GEMM; groups that gather the same activations (the output folds of a layer
 *     band) share one GEMM, T pixels x (tiles x ROWS) x (groups x COLS); groups may overlap in time
 *     (double-buffered ACC) and activation LOADs may come between MATMULs as long as they do not
 *     overwrite rows a pending gather reads;
 *   - the weights those MATMULs would read are packed once, straight from the LOAD sources in
 *     external memory (floats for sgemm, k rows whose weights are all zero dropped; int8 for the
 *     one-pixel GEMV); weight and PARAM LOADs and LOADWs become no-ops;
 *   - each STORE's requantization constants are computed once from its PARAM LOADs' sources, and
 *     back-to-back STOREs of neighbouring output folds become one pass over all their columns;
 *   - activation LOADs and STOREs still execute in program order, STOREs reading their group's
 *     block of the GEMM result instead of ACC.
 * A translation depends on the program bytes and the weight and parameter bytes it read; any write
 * to those drops it. The state a translated run skips (WSPAD, PARAM, the LOADW shadow, ACC) is
 * rebuilt before the interpreter runs again, so mixing both is exact.
 */
#include <stdlib.h>
#include <string.h>
#include <cblas.h>

#include "func_plan_internal.h"

void mica_fp_prog_free(fp_prog_t *P) {
    for (uint32_t i = 0; i < P->ngemms; i++) {
        fp_gemm_t *g = &P->gemms[i];
        free(g->gathers); free(g->wrows); free(g->acc_addr); free(g->kidx); free(g->w); free(g->wt); free(g->a16); free(g->a8); free(g->corr); free(g->img); free(g->a); free(g->p); free(g->out);
    }
    for (uint32_t i = 0; i < P->nsteps; i++) free(P->steps[i].rq);
    free(P->steps); free(P->gemms); free(P->wloads); free(P->shadow); free(P->deps);
    memset(P, 0, sizeof *P);
}

struct mica_fp_cache *mica_fp_new(void) {
    struct mica_fp_cache *c = calloc(1, sizeof(struct mica_fp_cache));
    if (c) c->vnni = 1;
    return c;
}

void mica_fp_set_vnni(struct mica_fp_cache *c, int on) { c->vnni = on; }

void mica_fp_free(struct mica_fp_cache *c) {
    if (!c) return;
    for (uint32_t i = 0; i < c->n; i++) mica_fp_prog_free(&c->progs[i]);
    free(c->progs);
    free(c);
}

fp_prog_t *mica_fp_find(struct mica_fp_cache *c, uint32_t addr, uint32_t len) {
    for (uint32_t i = 0; i < c->n; i++)
        if (c->progs[i].prog_addr == addr && c->progs[i].prog_len == len && c->progs[i].deps) return &c->progs[i];
    return NULL;
}

/* ---- running a translation ---- */

/* One pixel (FULLY_CONNECTED): a matrix-vector product is bound by the bytes of weights it reads,
 * so it runs on int8 weights in integer arithmetic (widened to 16 bits, pairs of products summed in
 * int32: x86's pmovsxbw + pmaddwd) rather than on 4x larger floats through sgemv. Exact: every
 * sum wraps modulo 2^32 like the ACC (|a * w| <= 255 * 128, so a pair sum fits int32). */
static void gemv_rows(const int16_t *a, const int8_t *wt, uint32_t k0, uint32_t K, uint32_t n0, uint32_t N, int32_t *out) {
    for (uint32_t n = n0; n < N; n++) {
        uint32_t s = 0;
        for (uint32_t k = k0; k < K; k++) s += (uint32_t)(a[k] * wt[(size_t)n * K + k]);
        out[n] = (int32_t)((uint32_t)out[n] + s);
    }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
/* Four outputs at a time, so each activation load serves four weight rows and one horizontal add
 * finishes four sums. */
__attribute__((target("avx2")))
static void gemv_avx2(const int16_t *a, const int8_t *wt, uint32_t K, uint32_t N, int32_t *out) {
    uint32_t K16 = K & ~15u, N4 = N & ~3u;
    for (uint32_t n = 0; n < N4; n += 4) {
        const int8_t *w = wt + (size_t)n * K;
        __m256i s[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
        for (uint32_t k = 0; k < K16; k += 16) {
            __m256i av = _mm256_loadu_si256((const __m256i *)(a + k));
            for (int r = 0; r < 4; r++) {
                __m256i wv = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(w + (size_t)r * K + k)));
                s[r] = _mm256_add_epi32(s[r], _mm256_madd_epi16(av, wv));
            }
        }
        __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(s[0], s[1]), _mm256_hadd_epi32(s[2], s[3]));
        _mm_storeu_si128((__m128i *)(out + n), _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1)));
    }
    memset(out + N4, 0, sizeof *out * (N - N4));
    gemv_rows(a, wt, K16, K, 0, N4, out);   /* the columns past a multiple of 16 */
    gemv_rows(a, wt, 0, K, N4, N, out);
}

/* With AVX-VNNI, vpdpbusd sums four u8 x s8 products per lane in one instruction: activations
 * enter as x + 128 (padding as z + 128), and the excess, the sum of (128 + z) * w per output over
 * the first K32 lanes, is precomputed (corr) and taken off. Sums wrap modulo 2^32 like the ACC. */
__attribute__((target("avx2,avxvnni")))
static void gemv_vnni(fp_gemm_t *g, uint32_t K, uint32_t N) {
    uint32_t K32 = K & ~31u, N8 = N & ~7u;
    for (uint32_t n = 0; n < N8; n += 8) {   /* 8 independent sums cover vpdpbusd's latency */
        const int8_t *w = g->wt + (size_t)n * K;
        __m256i s[8];
        for (int r = 0; r < 8; r++) s[r] = _mm256_setzero_si256();
        for (uint32_t k = 0; k < K32; k += 32) {
            __m256i av = _mm256_loadu_si256((const __m256i *)(g->a8 + k));
            for (int r = 0; r < 8; r++)
                s[r] = _mm256_dpbusd_avx_epi32(s[r], av, _mm256_loadu_si256((const __m256i *)(w + (size_t)r * K + k)));
        }
        for (int h = 0; h < 2; h++) {
            __m256i x = _mm256_hadd_epi32(_mm256_hadd_epi32(s[4 * h], s[4 * h + 1]), _mm256_hadd_epi32(s[4 * h + 2], s[4 * h + 3]));
            __m128i sum = _mm_add_epi32(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
            _mm_storeu_si128((__m128i *)(g->out + n + 4 * h), _mm_sub_epi32(sum, _mm_loadu_si128((const __m128i *)(g->corr + n + 4 * h))));
        }
    }
    for (uint32_t n = N8; n < N; n++) {
        uint32_t s = 0;
        for (uint32_t k = 0; k < K32; k++) s += (uint32_t)(g->a8[k] * g->wt[(size_t)n * K + k]);
        g->out[n] = (int32_t)(s - (uint32_t)g->corr[n]);
    }
    gemv_rows(g->a16, g->wt, K32, K, 0, N, g->out);   /* the lanes past a multiple of 32 */
}

/* Several pixels (T > 1) on AVX-VNNI, outputs in vector lanes: per step 4 pixels x 16 outputs in
 * 8 accumulators; each weight vector (8 outputs x 4 k) serves four pixels, whose 4 activations
 * are broadcast. Same exactness as gemv_vnni; rows past T (up to a multiple of 4) are scratch. */
__attribute__((target("avx2,avxvnni")))
static void gemm_vnni(fp_gemm_t *g, uint32_t T, uint32_t N) {
    uint32_t kp = g->kp;
    for (uint32_t t = 0; t < T; t += 4)
        for (uint32_t n = 0; n < N; n += 16) {
            int two = N - n >= 16;
            __m256i s[4][2];
            for (int p = 0; p < 4; p++) s[p][0] = s[p][1] = _mm256_setzero_si256();
            for (uint32_t k = 0; k < kp; k += 4) {
                const int8_t *w = g->wt + ((size_t)k * N + (size_t)n * 4);
                __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
                __m256i w1 = two ? _mm256_loadu_si256((const __m256i *)(w + 32)) : _mm256_setzero_si256();
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
                    _mm256_storeu_si256((__m256i *)(g->out + (size_t)(t + p) * N + n + 8 * h), _mm256_sub_epi32(s[p][h], c));
            }
        }
}
#endif

int mica_fp_has_vnni(void) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    return __builtin_cpu_supports("avxvnni");
#else
    return 0;
#endif
}

static void gemv_int8(const int16_t *a, const int8_t *wt, uint32_t K, uint32_t N, int32_t *out) {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    if (__builtin_cpu_supports("avx2")) { gemv_avx2(a, wt, K, N, out); return; }
#endif
    memset(out, 0, sizeof *out * N);
    gemv_rows(a, wt, 0, K, 0, N, out);
}

/* The GEMV's activations straight from ASPAD: per tile, its one pixel minus the zero point, or 0
 * where the tap falls outside the tile (padding); for gemv_vnni also as x + 128 (padding z + 128). */
static void gather_pixel(const mica_fm_t *m, const fp_gemm_t *g) {
    uint32_t R = m->cfg.rows;
    for (uint32_t j = 0; j < g->tiles; j++) {
        const mica_fm_matmul_t *d = &g->gathers[j];
        int16_t *a = g->a16 + (size_t)j * R;
        uint8_t *u = g->a8 ? g->a8 + (size_t)j * R : NULL;
        if (d->off_y < 0 || d->off_y >= (int32_t)d->in_h || d->off_x < 0 || d->off_x >= (int32_t)d->in_w) {
            memset(a, 0, sizeof *a * R);
            if (u) memset(u, (uint8_t)(d->z_in + 128), R);
            continue;
        }
        const int8_t *src = m->aspad + ((size_t)d->aspad + (size_t)d->off_y * d->in_w + (size_t)d->off_x) * R;
        for (uint32_t r = 0; r < R; r++) a[r] = (int16_t)(src[r] - d->z_in);
        for (uint32_t r = 0; u && r < R; r++) u[r] = (uint8_t)(src[r] + 128);
    }
}

/* One activation vector of R floats; a constant size lets the common widths copy inline. */
static inline void copy_row(float *dst, const float *src, uint32_t R) {
    if (R == 16) memcpy(dst, src, 16 * sizeof(float));
    else if (R == 8) memcpy(dst, src, 8 * sizeof(float));
    else memcpy(dst, src, R * sizeof(float));
}

/* Where output pixel t of a MATMUL reads its ASPAD row, or -1 for padding (outside the tile). */
static inline int64_t pixel_row(const mica_fm_matmul_t *d, uint32_t oy, uint32_t ox) {
    int64_t iy = (int64_t)oy * d->sy + d->off_y, ix = (int64_t)ox * d->sx + d->off_x;
    return iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w ? -1 : (int64_t)d->aspad + iy * d->in_w + ix;
}

/* Implicit im2col from the converted image: each tap reads the same pixels, so they are converted
 * to float once and copied per tap (mica_fm_gather_rows converts per tap). */
static void gather_converted(const fp_gemm_t *g, const mica_fm_matmul_t *d, uint32_t R, float *a, size_t lda) {
    for (uint32_t oy = 0, t = 0; oy < d->out_h; oy++)
        for (uint32_t ox = 0; ox < d->out_w; ox++, t++) {
            int64_t px = pixel_row(d, oy, ox);
            float *row = a + (size_t)t * lda;
            if (px < 0) memset(row, 0, sizeof(float) * R);
            else copy_row(row, g->img + ((size_t)px - g->img_lo) * R, R);
        }
}

/* im2col of only the lanes in kidx (the others meet all-zero weights: a 3-channel input layer
 * fills 3 of 16 lanes), straight from ASPAD. */
static void gather_lanes(const mica_fm_t *m, const fp_gemm_t *g) {
    uint32_t R = m->cfg.rows, kc = g->kc, lane[R];
    for (uint32_t i = 0, e; i < kc; i = e) {   /* one tile's lanes: kidx[i, e) */
        uint32_t j = g->kidx[i] / R;
        for (e = i; e < kc && g->kidx[e] < (j + 1) * R; e++) lane[e - i] = g->kidx[e] - j * R;
        const mica_fm_matmul_t *d = &g->gathers[j];
        for (uint32_t oy = 0, t = 0; oy < d->out_h; oy++)
            for (uint32_t ox = 0; ox < d->out_w; ox++, t++) {
                int64_t px = pixel_row(d, oy, ox);
                float *row = g->a + (size_t)t * kc + i;
                const int8_t *src = m->aspad + (size_t)(px < 0 ? 0 : px) * R;
                for (uint32_t q = 0; q < e - i; q++) row[q] = px < 0 ? 0.0f : (float)(src[lane[q]] - d->z_in);
            }
    }
}

/* N bytes as x + 128 (LANE: which, NULL: the first N); 16 is the common ROWS, copied inline. */
static inline void copy_u8(uint8_t *dst, const int8_t *src, const uint32_t *lane, uint32_t n) {
    if (lane) for (uint32_t q = 0; q < n; q++) dst[q] = (uint8_t)(src[lane[q]] ^ 0x80);
    else if (n == 16) for (uint32_t q = 0; q < 16; q++) dst[q] = (uint8_t)(src[q] ^ 0x80);
    else for (uint32_t q = 0; q < n; q++) dst[q] = (uint8_t)(src[q] ^ 0x80);
}

/* im2col for gemm_vnni: bytes x + 128 (padding z + 128), whole ROWS-lane rows, or the kidx lanes. */
static void gather_u8(const mica_fm_t *m, const fp_gemm_t *g) {
    uint32_t R = m->cfg.rows, kc = g->kc, lane[R];
    for (uint32_t i = 0, e; i < kc; i = e) {   /* one tile's lanes: [i, e) */
        uint32_t j = g->kidx ? g->kidx[i] / R : i / R;
        for (e = i; e < kc && (g->kidx ? g->kidx[e] : e) < (j + 1) * R; e++) lane[e - i] = (g->kidx ? g->kidx[e] : e) - j * R;
        const mica_fm_matmul_t *d = &g->gathers[j];
        uint8_t pad = (uint8_t)(d->z_in + 128), *row = g->a8 + i;
        for (uint32_t oy = 0; oy < d->out_h; oy++) {
            int64_t iy = (int64_t)oy * d->sy + d->off_y;
            const int8_t *line = m->aspad + ((size_t)d->aspad + (size_t)(iy < 0 ? 0 : iy) * d->in_w) * R;
            for (uint32_t ox = 0; ox < d->out_w; ox++, row += g->kp) {
                int64_t ix = (int64_t)ox * d->sx + d->off_x;
                if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w) memset(row, pad, e - i);
                else copy_u8(row, line + (size_t)ix * R, g->kidx ? lane : NULL, e - i);
            }
        }
    }
}

static void gather(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->cfg.rows, K = g->tiles * R;
    if (g->kidx) {
        gather_lanes(m, g);
        return;
    }
    if (!g->img) {
        for (uint32_t j = 0; j < g->tiles; j++) mica_fm_gather_rows(m, &g->gathers[j], g->a + (size_t)j * R, K);
        return;
    }
    const int8_t *src = m->aspad + (size_t)g->img_lo * R;
    float z = (float)g->gathers[0].z_in;
    for (size_t i = 0, n = (size_t)(g->img_hi - g->img_lo) * R; i < n; i++) g->img[i] = (float)src[i] - z;
    for (uint32_t j = 0; j < g->tiles; j++) gather_converted(g, &g->gathers[j], R, g->a + (size_t)j * R, K);
}

static void gemm_run(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->cfg.rows, K = g->tiles * R, N = g->groups * m->cfg.cols, T = g->t;
    if (T == 1) {
        gather_pixel(m, g);
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
        if (g->a8) { gemv_vnni(g, K, N); return; }
#endif
        gemv_int8(g->a16, g->wt, K, N, g->out);
        return;
    }
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    if (g->a8) {
        gather_u8(m, g);
        gemm_vnni(g, T, N);
        return;
    }
#endif
    gather(m, g);
    /* Exact in float while every partial sum stays below 2^24 (see flush_batch in func_model.c):
     * at most batch_max_tiles x ROWS products per sgemm, the chunks added in int32 like the ACC. */
    size_t n = (size_t)T * N;
    uint32_t chunk = m->batch_max_tiles * R;
    for (uint32_t k0 = 0; k0 < g->kc; k0 += chunk) {
        uint32_t kn = g->kc - k0 < chunk ? g->kc - k0 : chunk;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)T, (int)N, (int)kn, 1.0f, g->a + k0, (int)g->kc,
                    g->w + (size_t)k0 * N, (int)N, 0.0f, g->p, (int)N);
        if (k0 == 0)
            for (size_t i = 0; i < n; i++) g->out[i] = (int32_t)g->p[i];
        else
            for (size_t i = 0; i < n; i++) g->out[i] = (int32_t)((uint32_t)g->out[i] + (uint32_t)(int32_t)g->p[i]);
    }
}

/* A STORE from its group's block of the GEMM result, requantized with the precomputed constants. */
static void store(mica_fm_t *m, const fp_step_t *s, const fp_gemm_t *g) {
    uint32_t rows = GET(&s->in, MICA_F_STORE_ROWS), C = m->cfg.cols;
    uint64_t ext = GET(&s->in, MICA_F_STORE_EXT_ADDR), stride = GET(&s->in, MICA_F_STORE_EXT_STRIDE);
    if (rows) mica_fm_note_write(m, ext, (uint64_t)(rows - 1) * stride + s->rq->len);
    mica_fm_requant_rows(s->rq, g->out + (size_t)s->row0 * g->groups * C + (size_t)s->group * C, (size_t)g->groups * C,
                         rows, m->mem + ext, stride);
}

int mica_fp_run(mica_fm_t *m) {
    fp_prog_t *P = mica_fp_find(m->plans, m->prog_addr, m->prog_len);
    if (!P || !P->ok) return 0;
    m->done = m->error = 0;
    m->error_code = 0;
    for (uint32_t i = 0; i < P->nsteps; i++) {
        const fp_step_t *s = &P->steps[i];
        fp_gemm_t *g = &P->gemms[s->gemm];
        if (s->kind == FP_INSTR) mica_fm_load(m, &s->in);   /* checked by the interpreted run */
        else if (s->kind == FP_GEMM) gemm_run(m, g);
        else store(m, s, g);
    }
    memcpy(m->counters, P->counters, sizeof m->counters);
    P->last_run = ++m->plans->run_seq;
    m->pc = P->end_pc;
    m->done = 1;
    return 1;
}

/* ---- keeping the interpreter's view exact ---- */

static int by_last_run(const void *a, const void *b) {
    const fp_prog_t *x = *(fp_prog_t *const *)a, *y = *(fp_prog_t *const *)b;
    return x->last_run < y->last_run ? -1 : x->last_run > y->last_run;
}

/* Replays, in the order of their last runs, what the translated runs since the last interpreted
 * one skipped: each one's weight LOADs, its last LOADW, its accumulator groups. A program's weight
 * bytes have not changed since (a write to them materializes first). */
void mica_fp_materialize(mica_fm_t *m) {
    struct mica_fp_cache *c = m->plans;
    if (!c || c->materialized_seq == c->run_seq) return;
    fp_prog_t **order = malloc(sizeof *order * (c->n ? c->n : 1));
    uint32_t k = 0, R = m->cfg.rows, C = m->cfg.cols;
    uint64_t saved[MICA_NUM_COUNTERS];
    memcpy(saved, m->counters, sizeof saved);
    if (order) {
        for (uint32_t i = 0; i < c->n; i++)
            if (c->progs[i].ok && c->progs[i].last_run > c->materialized_seq) order[k++] = &c->progs[i];
        qsort(order, k, sizeof *order, by_last_run);
    }
    for (uint32_t i = 0; i < k; i++) {
        fp_prog_t *P = order[i];
        for (uint32_t j = 0; j < P->nwloads; j++) mica_fm_load(m, &P->wloads[j]);
        if (P->shadow)
            for (uint32_t r = 0; r < R; r++) {
                memset(m->w_shadow + (size_t)r * C, 0, C);
                memcpy(m->w_shadow + (size_t)r * C, m->mem + P->shadow[r].ext, P->shadow[r].len);
            }
        for (uint32_t gi = 0; gi < P->ngemms; gi++) {
            const fp_gemm_t *g = &P->gemms[gi];
            for (uint32_t grp = 0; grp < g->groups; grp++)
                for (uint32_t t = 0; t < g->t; t++)
                    memcpy(m->acc + ((size_t)g->acc_addr[grp] + t) * C, g->out + ((size_t)t * g->groups + grp) * C,
                           sizeof(int32_t) * C);
        }
    }
    memcpy(m->counters, saved, sizeof saved);
    free(order);
    c->materialized_seq = c->run_seq;
}

void mica_fp_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes) {
    struct mica_fp_cache *c = m->plans;
    uint64_t hi = addr + bytes;
    if (!c || !bytes || !mica_fp_overlaps(&c->box, addr, hi)) return;
    int hit = 0;
    for (uint32_t i = 0; i < c->n && !hit; i++)
        for (uint32_t d = 0; d < c->progs[i].ndeps && !hit; d++) hit = mica_fp_overlaps(&c->progs[i].deps[d], addr, hi);
    if (!hit) return;
    mica_fp_materialize(m);   /* while the weight bytes are still the ones the runs used */
    for (uint32_t i = 0; i < c->n; i++) {
        fp_prog_t *P = &c->progs[i];
        for (uint32_t d = 0; d < P->ndeps; d++)
            if (mica_fp_overlaps(&P->deps[d], addr, hi)) { mica_fp_prog_free(P); break; }
    }
}

uint64_t mica_fp_translated_runs(const mica_fm_t *m) { return m->plans ? m->plans->run_seq : 0; }
