/* Packing a translation's operands once (func_translate.c decides what a GEMM or vector group is):
 * the GEMM's weights straight from their LOAD sources in external memory (all-zero k rows dropped),
 * its activation buffers and depth, and a vector group's weights as int16. */
#include <stdlib.h>
#include <string.h>
#include "func_plan_internal.h"

/* Taps share pixels: the GEMM converts the image once (func_plan.c) when all use one zero point. */
static int alloc_image(uint32_t R, fp_gemm_t *g) {
    uint32_t lo = UINT32_MAX, hi = 0;
    int same_z = 1;
    for (uint32_t j = 0; j < g->tiles; j++) {
        const mica_fm_matmul_t *d = &g->gathers[j];
        lo = d->aspad < lo ? d->aspad : lo;
        hi = d->aspad + d->in_h * d->in_w > hi ? d->aspad + d->in_h * d->in_w : hi;
        same_z &= d->z_in == g->gathers[0].z_in;
    }
    g->img_lo = lo;
    g->img_hi = hi;
    return same_z && !(g->img = malloc(sizeof(float) * (size_t)(hi - lo) * R)) ? -1 : 0;
}

static int weight_row_zero(const mica_fm_t *m, const fp_gemm_t *g, uint32_t k, uint32_t K) {
    uint32_t C = m->ref->cfg.cols;
    int8_t row[C];
    for (uint32_t grp = 0; grp < g->groups; grp++) {
        fp_row_bytes(m, &g->wrows[(size_t)grp * K + k], row, C);
        for (uint32_t c = 0; c < C; c++)
            if (row[c])
                return 0;
    }
    return 1;
}

/* The GEMM's depth: the k whose weights are not all zero, when that drops at least a quarter
 * (then the gather picks lanes instead of copying rows). Zero weights add exactly 0. */
static int choose_depth(const mica_fm_t *m, fp_gemm_t *g) {
    uint32_t K = g->tiles * m->ref->cfg.rows, kc = 0;
    g->kc = K;
    if (!(g->kidx = malloc(sizeof *g->kidx * K)))
        return -1;
    for (uint32_t k = 0; k < K; k++)
        if (!weight_row_zero(m, g, k, K))
            g->kidx[kc++] = k;
    if (kc == 0)
        g->kidx[kc++] = 0; /* keep one: sgemm with depth 0 is best avoided */
    if (kc > K - K / 4) {
        free(g->kidx);
        g->kidx = NULL;
    } else {
        g->kc = kc;
    }
    return 0;
}

#define INDIRECT_MAX_IMAGE (1u << 20) /* elements: an image larger than this gathers instead */

/* For the indirect int16 kernel: kidx widened to the prefix [0, n) of every tile's lanes, n even and
 * past the last kept lane, when that adds at most a quarter (a first layer's 9 packed lanes of 3
 * tiles: 30 instead of 27, and no gather). The lanes it adds have all-zero weights: they add 0. */
static void widen_to_prefix(fp_gemm_t *g, uint32_t R) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < g->kc; i++)
        n = g->kidx[i] % R + 1 > n ? g->kidx[i] % R + 1 : n;
    n = (n + 1) & ~1u;
    if (n > R || g->tiles * n > g->kc + g->kc / 4)
        return;
    g->kc = g->tiles * n;
    for (uint32_t i = 0; i < g->kc; i++) /* kidx has room: kc <= K */
        g->kidx[i] = i / n * R + i % n;
}

/* The lanes each tile keeps when kidx is the same even prefix [0, n) of every tile's lanes, else 0. */
static uint32_t kidx_prefix(const fp_gemm_t *g, uint32_t R) {
    uint32_t n = g->kc / g->tiles;
    if (!g->kidx || n * g->tiles != g->kc || n % 2)
        return 0;
    for (uint32_t i = 0; i < g->kc; i++)
        if (g->kidx[i] != i / n * R + i % n)
            return 0;
    return n;
}

/* The indirect GEMMs (no im2col; func_gemm_i16.c, func_gemm_vnni512.c) where they apply: every
 * tile with one zero point and T pixels, whole rows of R lanes (R a multiple of ALIGN, the k a
 * kernel step takes). Each converts ASPAD rows [img_lo, img_hi) once per run into an image whose
 * row img_hi - img_lo is the padding, and reads pixel t of tile j from element pix[t x tiles + j]
 * (its row x R: no multiply in the kernels' loops; rows past T: the padding). 1 if it applies
 * (pix made), 0 if not, -1 (out of memory). */
static int indirect_table(const mica_fm_t *m, fp_gemm_t *g, uint32_t rows, uint32_t align) {
    uint32_t R = m->ref->cfg.rows, lo = UINT32_MAX, hi = 0;
    /* The lanes a kernel step reads must be those the weights were packed for: the int16 kernel
     * takes a prefix of compacted k (kidx, widened to it); the VNNI-512 one reads all R lanes,
     * which compacted weights do not match, so it gathers rows instead. */
    if (g->kidx && align != 2)
        return 0;
    g->lanes = g->kidx ? kidx_prefix(g, R) : R;
    for (uint32_t j = 0; j < g->tiles; j++) {
        const mica_fm_matmul_t *d = &g->gathers[j];
        if (d->z_in != g->gathers->z_in || d->out_h * d->out_w != g->t)
            return 0;
        lo = d->aspad < lo ? d->aspad : lo;
        hi = d->aspad + d->in_h * d->in_w > hi ? d->aspad + d->in_h * d->in_w : hi;
    }
    if (!g->lanes || g->t < 2 || R % align || (size_t)(hi - lo + 1) * R > INDIRECT_MAX_IMAGE)
        return 0;
    g->img_lo = lo;
    g->img_hi = hi;
    if (!(g->pix = malloc(sizeof *g->pix * (size_t)rows * g->tiles)))
        return -1;
    for (uint32_t j = 0; j < g->tiles; j++) {
        const mica_fm_matmul_t *d = &g->gathers[j];
        for (uint32_t t = 0; t < rows; t++) {
            int64_t px = t < g->t ? mica_fp_pixel_row(d, t / d->out_w, t % d->out_w) : -1;
            g->pix[(size_t)t * g->tiles + j] = (px < 0 ? hi - lo : (uint32_t)px - lo) * R;
        }
    }
    return 1;
}

/* The AVX-512 VNNI GEMM's image: bytes x + 128, its padding row z + 128 (x - z = 0). */
static int alloc_image_u8(const mica_fm_t *m, fp_gemm_t *g, uint32_t rows) {
    uint32_t R = m->ref->cfg.rows;
    int r = mica_fp_vnni512_usable() ? indirect_table(m, g, rows, 4) : 0;
    if (r <= 0)
        return r;
    size_t img = (size_t)(g->img_hi - g->img_lo) * R;
    if (!(g->img8 = malloc(img + R)))
        return -1;
    memset(g->img8 + img, (uint8_t)(g->gathers->z_in + 128), R);
    return 1;
}

static int has_vnni(void) { /* func_plan.c's AVX-VNNI or func_gemm_vnni512.c's kernels can run */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
    return __builtin_cpu_supports("avxvnni") || mica_fp_vnni512_usable();
#else
    return 0;
#endif
}

/* One pixel: the ASPAD row of tile 0's pixel when tile j's is that row + j for every tile, all with
 * tile 0's zero point (one block to convert), else -1. */
static int64_t pixel_rows_consecutive(const fp_gemm_t *g) {
    int64_t row1 = mica_fp_pixel_row(g->gathers, 0, 0);
    for (uint32_t j = 1; j < g->tiles && row1 >= 0; j++)
        row1 = mica_fp_pixel_row(&g->gathers[j], 0, 0) == row1 + j &&
                       g->gathers[j].z_in == g->gathers->z_in
                   ? row1
                   : -1;
    return row1;
}

/* The operand buffers of the GEMM's path (func_plan.c gemm_run), N a multiple of 8: with AVX-VNNI
 * or AVX-512 VNNI u8 activations and s8 weights in blocks of 4 k; else with AVX2 and T > 1 int16
 * activations and weights in pairs of k (func_gemm_i16.c). Else the one-pixel GEMV (int8 N x K)
 * or sgemm. */
static int alloc_operands(const mica_fm_t *m, fp_gemm_t *g, uint32_t K, uint32_t N) {
    int qgemm = m->plans->kernels >= FP_KERNELS_VNNI && has_vnni() && N % 8 == 0;
    int i16 = !qgemm && g->t > 1 && m->plans->kernels >= FP_KERNELS_AVX2 && mica_fp_i16_usable(N);
    uint32_t rows = qgemm ? mica_fp_vnni_rows(g->t) : i16 ? mica_fp_i16_rows(g->t) : g->t;
    g->out = calloc((size_t)rows * N, sizeof(int32_t)); /* the int16 path leaves dead outputs 0 */
    if (g->t == 1 && !qgemm) {
        g->kc = K;
        g->wt = calloc((size_t)K * N, sizeof *g->wt);
        g->a16 = malloc(sizeof(int16_t) * K);
        g->row1 = pixel_rows_consecutive(g);
        return !g->out || !g->wt || !g->a16 ? -1 : 0;
    }
    if (choose_depth(m, g))
        return -1;
    if (i16 && g->kidx)
        widen_to_prefix(g, m->ref->cfg.rows);
    g->kp = (g->kc + 3) & ~3u;
    if (i16) { /* rows past T and k past kc stay 0 */
        g->w2 = calloc((size_t)g->kp * N, sizeof *g->w2);
        int ind = g->out && g->w2 ? indirect_table(m, g, rows, 2) : -1;
        if (ind < 0 ||
            (ind && !(g->img16 = calloc((size_t)(g->img_hi - g->img_lo + 1) * m->ref->cfg.rows,
                                        sizeof *g->img16))))
            return -1;
        /* + 16: func_gemm_i16.c's shuffled gather may store past the last row's lanes */
        g->a16 = g->img16 ? NULL : calloc((size_t)rows * g->kp + 16, sizeof *g->a16);
        return !g->img16 && !g->a16 ? -1 : 0;
    }
    if (qgemm) {
        g->wt = calloc((size_t)g->kp * N, 1);
        g->corr = calloc(N, sizeof(int32_t));
        int ind = g->out && g->wt && g->corr ? alloc_image_u8(m, g, rows) : -1;
        if (ind < 0)
            return -1;
        if (ind) /* read through pix: no gathered rows */
            return 0;
        g->a8 = calloc((size_t)rows * g->kp + 16, 1); /* + 16: gather_u8_lanes16's last store */
        g->row1 = g->t == 1 && !g->kidx ? pixel_rows_consecutive(g) : -1;
        return !g->a8 ? -1 : 0;
    }
    g->w = calloc((size_t)g->kc * N, sizeof(float));
    g->a = malloc(sizeof(float) * (size_t)g->t * g->kc);
    g->p = malloc(sizeof(float) * (size_t)g->t * N);
    return !g->out || !g->w || !g->a || !g->p ||
                   (!g->kidx && g->tiles > 1 && alloc_image(m->ref->cfg.rows, g))
               ? -1
               : 0;
}

/* One weight row (depth index I, k = kidx[I] when compressed; LEN outputs from N0) into the
 * path's layout, with what it adds to the AVX-VNNI correction (the activations there are x + 128,
 * padding z + 128). */
static void put_row(fp_gemm_t *g, uint32_t i, uint32_t k, uint32_t n0, uint32_t K, uint32_t N,
                    const int8_t *src, uint32_t len, int32_t z) {
    if (g->w)
        for (uint32_t c = 0; c < len; c++)
            g->w[(size_t)i * N + n0 + c] = (float)src[c];
    else if (g->w2)
        for (uint32_t c = 0; c < len; c++)
            g->w2[((size_t)(i / 2) * N + n0 + c) * 2 + i % 2] = src[c];
    else if (!g->corr) /* the VNNI paths (a8 or img8) have the correction */
        for (uint32_t c = 0; c < len; c++)
            g->wt[(size_t)(n0 + c) * K + k] = src[c];
    else
        for (uint32_t c = 0; c < len; c++)
            g->wt[((size_t)(i / 4) * N + n0 + c) * 4 + i % 4] = src[c];
    if (g->corr)
        for (uint32_t c = 0; c < len; c++)
            g->corr[n0 + c] = (int32_t)((uint32_t)g->corr[n0 + c] +
                                        (uint32_t)(128 + z) * (uint32_t)(int32_t)src[c]);
}

/* Weights as GEMM operands, K = tiles x ROWS by N = groups x COLS, straight from the LOAD sources. */
int mica_fp_pack(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t R = m->ref->cfg.rows, C = m->ref->cfg.cols, K = g->tiles * R, N = g->groups * C;
    int8_t row[C];
    if (alloc_operands(m, g, K, N))
        return -1;
    for (uint32_t grp = 0; grp < g->groups; grp++)
        for (uint32_t i = 0; i < g->kc; i++) {
            uint32_t k = g->kidx ? g->kidx[i] : i;
            fp_row_bytes(m, &g->wrows[(size_t)grp * K + k], row, C);
            put_row(g, i, k, grp * C, K, N, row, C, g->gathers[k / R].z_in);
        }
    g->nlive = N;
    if (g->w2) { /* trailing outputs whose weights are all zero (a first layer's 8 of 16 columns) */
        uint32_t live = 0;
        for (uint32_t i = 0; i < g->kp / 2; i++)
            for (uint32_t n = live; n < N; n++)
                live = g->w2[((size_t)i * N + n) * 2] || g->w2[((size_t)i * N + n) * 2 + 1] ? n + 1
                                                                                            : live;
        g->nlive = live ? (live + 7) & ~7u : 8;
    }
    return 0;
}

/* A vector GEMM: the MAC ops' weights as int16 lanes, each RESCALE's results per input byte. */
int mica_fp_pack_vector(mica_fm_t *m, fp_gemm_t *g) {
    uint32_t C = m->ref->cfg.cols, L = m->ref->cfg.rows < C ? m->ref->cfg.rows : C;
    int8_t row[C];
    int rescales = 0;
    for (uint32_t i = 0; i < g->tiles; i++)
        rescales |= g->vops[i].kind == FP_VRESCALE;
    g->out = malloc(sizeof(int32_t) * (size_t)g->t * g->groups * C);
    g->w16 = calloc((size_t)g->tiles * L, sizeof *g->w16);
    g->dwp = calloc(g->tiles, sizeof *g->dwp);
    g->tab = rescales ? malloc(sizeof *g->tab * g->tiles) : NULL;
    if (!g->out || !g->w16 || !g->dwp || (rescales && !g->tab))
        return -1;
    for (uint32_t i = 0; i < g->tiles; i++) {
        if (g->vops[i].kind == FP_VMAC) {
            fp_row_bytes(m, &g->vops[i].w, row, C);
            for (uint32_t c = 0; c < L; c++)
                g->w16[(size_t)i * L + c] = row[c];
        }
        if (g->vops[i].kind == FP_VRESCALE)
            mica_fp_rescale_table(&g->vops[i].in, &g->tab[i]);
    }
    return 0;
}
