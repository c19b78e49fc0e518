/* The vector unit on the func fast path: DWCONV taps of either mode in passes of up to FP_TAPS
 * taps over a tile padded with its zero point (portable or AVX2), RESCALE by a table per input
 * byte. Translated programs (func_plan.c) run their vector groups through these. */
#include <stdlib.h>
#include <string.h>

#include "func_plan_internal.h"
#include "func_simd.h"
#include "mica_fixedpoint.h"

/* ---- the vector unit (DWCONV, RESCALE) ---- */

/* RESCALE's result depends only on the input byte: q for each of the 256, by the definition. */
static void rescale_exact(const mica_rescale_fields_t *f, int32_t q[256]) {
    int32_t z = f->z_in, mult = (int32_t)f->mult;
    int ls = (int)f->left_shift, rs = (int)f->right_shift;
    for (int b = 0; b < 256; b++) {
        int32_t s =
            (int32_t)((uint32_t)((int8_t)b - z) << ls); /* fits: left_shift <= 22 (checked) */
        q[b] = mica_rdbpot(mica_srdhm(s, mult), rs);
    }
}

#ifdef FM_X86
/* RESCALE of eight lanes (int8 x sign-extended) in AVX2 arithmetic, a table lookup per lane being
 * scalar. s = (x - z) << left fits 2^30, so SRDHM's product fits 2^61 and its nudged division
 * truncating toward zero equals floor((s m + 2^30) / 2^31) for either sign (the negative nudge
 * 1 - 2^30 plus the 2^31 - 1 that makes truncation a floor is again 2^30): bits 31..62 of a 64-bit
 * sum, taken by logical shifts. RDBPOT (halves away from zero) is floor((y + 2^(r-1) - [y < 0]) /
 * 2^r) with |y| < 2^30: no overflow. mica_fp_rescale_table checks it against the definition on
 * all 256 inputs before it is used. */
static inline __attribute__((always_inline, target("avx2"))) __m256i
rescale8(__m256i x, const fp_rescale_t *t) {
    const __m256i m = _mm256_set1_epi32(t->mult), round = _mm256_set1_epi64x(1ll << 30);
    __m256i s =
        _mm256_sll_epi32(_mm256_sub_epi32(x, _mm256_set1_epi32(t->z)), _mm_cvtsi32_si128(t->left));
    __m256i p0 = _mm256_add_epi64(_mm256_mul_epi32(s, m), round);
    __m256i p1 = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(s, 32), m), round);
    __m256i y = _mm256_blend_epi32(_mm256_srli_epi64(p0, 31), _mm256_slli_epi64(p1, 1), 0xAA);
    if (!t->right)
        return y;
    __m256i half = _mm256_set1_epi32(1 << (t->right - 1));
    y = _mm256_add_epi32(_mm256_add_epi32(y, half), _mm256_cmpgt_epi32(_mm256_setzero_si256(), y));
    return _mm256_sra_epi32(y, _mm_cvtsi32_si128(t->right));
}

__attribute__((target("avx2"))) static int rescale_simd_exact(const fp_rescale_t *t) {
    for (int b = 0; b < 256; b += 8) {
        __m256i x = _mm256_setr_epi32(b, b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7);
        x = _mm256_srai_epi32(_mm256_slli_epi32(x, 24), 24); /* the bytes as int8 */
        __m256i d =
            _mm256_xor_si256(rescale8(x, t), _mm256_loadu_si256((const __m256i *)(t->q + b)));
        if (!_mm256_testz_si256(d, d))
            return 0;
    }
    return 1;
}

/* rescale8's arithmetic on sixteen lanes with AVX-512 (one 16-lane row of a 16x16 array a vector),
 * which has the 64-bit arithmetic shift: floor((s m + 2^30) / 2^31) directly, even lanes (h = 0)
 * and odd lanes (h = 1) one 32 x 32 -> 64-bit multiply each; RDBPOT's -[y < 0] is y >> 31.
 * mica_fp_rescale_table checks it on all 256 inputs too before it is used. */
static inline __attribute__((always_inline, target("avx512f"))) __m512i
rescale16(__m512i x, const fp_rescale_t *t) {
    __m512i s = _mm512_sllv_epi32(_mm512_sub_epi32(x, _mm512_set1_epi32(t->z)),
                                  _mm512_set1_epi32(t->left)),
            q[2];
    for (int h = 0; h < 2; h++) {
        __m512i p = _mm512_mul_epi32(h ? _mm512_srli_epi64(s, 32) : s, _mm512_set1_epi32(t->mult));
        q[h] = _mm512_srai_epi64(_mm512_add_epi64(p, _mm512_set1_epi64(1ll << 30)), 31);
    }
    __m512i y = _mm512_mask_blend_epi32(0xAAAA, q[0], _mm512_slli_epi64(q[1], 32));
    if (t->right) {
        __m512i r =
            _mm512_add_epi32(_mm512_srai_epi32(y, 31), _mm512_set1_epi32(1 << (t->right - 1)));
        y = _mm512_srav_epi32(_mm512_add_epi32(y, r), _mm512_set1_epi32(t->right));
    }
    return y;
}

__attribute__((target("avx512f"))) static int rescale512_exact(const fp_rescale_t *t) {
    for (int b = 0; b < 256; b += 16) {
        __m512i x =
            _mm512_add_epi32(_mm512_set1_epi32(b), _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
                                                                     10, 11, 12, 13, 14, 15));
        x = _mm512_srai_epi32(_mm512_slli_epi32(x, 24), 24); /* the bytes as int8 */
        if (_mm512_cmpneq_epi32_mask(rescale16(x, t), _mm512_loadu_si512(t->q + b)))
            return 0;
    }
    return 1;
}

/* ROWS rows of L lanes (a multiple of 16), sixteen at a time. */
__attribute__((target("avx512f"))) static void
rescale_rows_512(const int8_t *src, uint32_t R, uint32_t L, uint32_t rows, const fp_rescale_t *t,
                 int accumulate, int32_t *out, size_t stride) {
    for (uint32_t i = 0; i < rows; i++, src += R, out += stride)
        for (uint32_t c = 0; c < L; c += 16) {
            __m512i y =
                rescale16(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(src + c))), t);
            if (accumulate)
                y = _mm512_add_epi32(y, _mm512_loadu_si512(out + c));
            _mm512_storeu_si512(out + c, y);
        }
}

/* ROWS rows of L lanes (a multiple of 8), eight at a time. */
__attribute__((target("avx2"))) static void rescale_rows_avx2(const int8_t *src, uint32_t R,
                                                              uint32_t L, uint32_t rows,
                                                              const fp_rescale_t *t, int accumulate,
                                                              int32_t *out, size_t stride) {
    for (uint32_t i = 0; i < rows; i++, src += R, out += stride)
        for (uint32_t c = 0; c < L; c += 8) {
            __m256i y =
                rescale8(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(src + c))), t);
            if (accumulate)
                y = _mm256_add_epi32(y, _mm256_loadu_si256((const __m256i *)(out + c)));
            _mm256_storeu_si256((__m256i *)(out + c), y);
        }
}
#endif

void mica_fp_rescale_table(const mica_instr_t *in, fp_rescale_t *t) {
    mica_rescale_fields_t f;
    mica_rescale_decode(in, &f);
    rescale_exact(&f, t->q);
    t->z = f.z_in;
    t->left = (int32_t)f.left_shift;
    t->mult = (int32_t)f.mult;
    t->right = (int32_t)f.right_shift;
    t->simd = 0;
#ifdef FM_X86
    t->simd = __builtin_cpu_supports("avx2") && rescale_simd_exact(t);
    if (t->simd && __builtin_cpu_supports("avx512f") && rescale512_exact(t))
        t->simd = 2; /* 16 lanes a vector where L allows */
#endif
}

FM_CLONES
void mica_fp_rescale_rows(const mica_fm_t *m, uint32_t aspad, uint32_t rows, const fp_rescale_t *t,
                          int accumulate, int32_t *out, size_t stride) {
    uint32_t R = m->ref->cfg.rows, C = m->ref->cfg.cols, L = R < C ? R : C;
#ifdef FM_X86
    if (t->simd && L % 8 == 0) {
        const int8_t *src = m->ref->aspad + (size_t)aspad * R;
        if (t->simd == 2 && L % 16 == 0)
            rescale_rows_512(src, R, L, rows, t, accumulate, out, stride);
        else
            rescale_rows_avx2(src, R, L, rows, t, accumulate, out, stride);
        if (!accumulate && C > L)
            for (uint32_t i = 0; i < rows; i++)
                memset(out + i * stride + L, 0, sizeof *out * (C - L)); /* a = 0 there: q = 0 */
        return;
    }
#endif
    const int32_t *tab = t->q;
    for (uint32_t i = 0; i < rows; i++, out += stride) {
        const uint8_t *src = (const uint8_t *)m->ref->aspad + (size_t)(aspad + i) * R;
        for (uint32_t c = 0; c < L; c++)
            out[c] = (int32_t)((accumulate ? (uint32_t)out[c] : 0) + (uint32_t)tab[src[c]]);
        if (!accumulate && C > L)
            memset(out + L, 0, sizeof *out * (C - L)); /* a = 0 there: q = 0 */
    }
}

#define FP_TAPS 32 /* DWCONV taps per pass over the pixels (more: the passes accumulate) */

/* A pass: N taps that read one tile with one zero point, on pixels of one output shape. Pixel p of
 * a run reads tap j's lanes at base[j] + p * step, a copy of the tile with a border of z (where a
 * tap falls in the padding it reads z: a = z - z = 0, as the ISA has it). */
typedef struct dw_pass {
    uint32_t n, nn, L, C; /* taps, taps with the AVX2 MAC's zero-weight partner, lanes, columns */
    int max, accumulate, z, simd; /* simd: the AVX2 MAC's constants below are set */
    const int16_t *w;             /* n x L weights */
    int32_t corr[64];             /* AVX2 MAC: -z sum_j w_j per lane (it multiplies x, not x - z) */
    int16_t wi[FP_TAPS / 2][4][2]
              [16];   /* and the weights of tap pairs, per 16 lanes, as its unpacks pair them */
    int8_t *pad;      /* a kept pass: its padded tile, the border of z written once */
    size_t pad_bytes; /* (the runs rewrite the inside only), or NULL */
} dw_pass_t;

void mica_fp_dw_free(struct dw_pass *x) {
    if (x)
        free(x->pad);
    free(x);
}

/* Portable, lanes [k, k + W) of one pixel. MAC: products fit int16 (|x - z| <= 255, |w| <= 128),
 * sums wrap in int32 like the ACC; MAX: the taps' maximum fits int16 too. Inlined with W = 16 the
 * loops become whole vectors. */
static inline __attribute__((always_inline)) void
dw_chunk(const dw_pass_t *x, int32_t *acc, const int8_t *const *src, uint32_t k, uint32_t W) {
    const int16_t *w = x->w + k;
    const int16_t z = (int16_t)x->z;
    if (x->max) {
        int16_t mx[16];
        for (uint32_t c = 0; c < W; c++)
            mx[c] = INT16_MIN;
        for (uint32_t j = 0; j < x->n; j++)
            for (uint32_t c = 0; c < W; c++) {
                int16_t v = (int16_t)(src[j][k + c] - z);
                mx[c] = mx[c] > v ? mx[c] : v;
            }
        for (uint32_t c = 0; c < W; c++)
            acc[c] = x->accumulate && acc[c] > mx[c] ? acc[c] : mx[c];
        return;
    }
    uint32_t s[16];
    for (uint32_t c = 0; c < W; c++)
        s[c] = x->accumulate ? (uint32_t)acc[c] : 0;
    for (uint32_t j = 0; j < x->n; j++, w += x->L)
        for (uint32_t c = 0; c < W; c++)
            s[c] += (uint32_t)(int32_t)(int16_t)((int16_t)(src[j][k + c] - z) * w[c]);
    for (uint32_t c = 0; c < W; c++)
        acc[c] = (int32_t)s[c];
}

typedef void (*dw_run_fn)(const struct dw_pass *, const int8_t *const *, size_t, uint32_t,
                          int32_t *, size_t);

FM_CLONES
static void dw_run_c(const dw_pass_t *x, const int8_t *const *base, size_t step, uint32_t np,
                     int32_t *out, size_t stride) {
    const int8_t *src[FP_TAPS];
    for (uint32_t p = 0; p < np; p++, out += stride) {
        for (uint32_t j = 0; j < x->n; j++)
            src[j] = base[j] + p * step;
        uint32_t k = 0;
        for (; k + 16 <= x->L; k += 16)
            dw_chunk(x, out + k, src, k, 16);
        if (k < x->L)
            dw_chunk(x, out + k, src, k, x->L - k);
        for (uint32_t c = x->L; c < x->C; c++)
            out[c] = !x->accumulate || (x->max && out[c] < 0) ? 0 : out[c];
    }
}

#ifdef FM_X86
/* MAC on AVX2, 16 lanes a step: tap pairs through vpmaddwd (x_i w_i + x_j w_j in int32 per lane,
 * |x w| <= 2^14), the zero points off once through corr (exact: all of it wraps mod 2^32). The
 * unpacks pair lanes 0-3 and 8-11, then 4-7 and 12-15: the sums stay in that order until stored. */
static inline __attribute__((always_inline, target("avx2"))) __m256i dw_ld(const void *p) {
    return _mm256_loadu_si256((const __m256i *)p);
}

/* The sums of lanes [16 q, 16 q + 16) of a pixel at OUT in the unpacks' order, from corr (and the
 * ACC when accumulating), as the two vectors the pairs add into. */
static inline __attribute__((always_inline, target("avx2"))) void
dw_start(const dw_pass_t *x, const int32_t *out, uint32_t q, __m256i *s0, __m256i *s1) {
    __m256i c0 = dw_ld(x->corr + 16 * q), c1 = dw_ld(x->corr + 16 * q + 8);
    if (x->accumulate) {
        c0 = _mm256_add_epi32(c0, dw_ld(out + 16 * q));
        c1 = _mm256_add_epi32(c1, dw_ld(out + 16 * q + 8));
    }
    *s0 = _mm256_permute2x128_si256(c0, c1, 0x20);
    *s1 = _mm256_permute2x128_si256(c0, c1, 0x31);
}

/* The sums back in lane order into OUT. */
static inline __attribute__((always_inline, target("avx2"))) void
dw_finish(int32_t *out, uint32_t q, __m256i s0, __m256i s1) {
    _mm256_storeu_si256((__m256i *)(out + 16 * q), _mm256_permute2x128_si256(s0, s1, 0x20));
    _mm256_storeu_si256((__m256i *)(out + 16 * q + 8), _mm256_permute2x128_si256(s0, s1, 0x31));
}

static inline __attribute__((always_inline, target("avx2"))) void
dw_pixel_avx2(const dw_pass_t *x, const int8_t *const *base, size_t off, int32_t *out) {
    for (uint32_t q = 0; q < x->L / 16; q++) {
        __m256i s0, s1;
        dw_start(x, out, q, &s0, &s1);
        for (uint32_t j = 0; j < x->nn; j += 2) {
            __m256i a0 =
                _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(base[j] + off + 16 * q)));
            __m256i a1 = _mm256_cvtepi8_epi16(
                _mm_loadu_si128((const __m128i *)(base[j + 1] + off + 16 * q)));
            s0 = _mm256_add_epi32(
                s0, _mm256_madd_epi16(_mm256_unpacklo_epi16(a0, a1), dw_ld(x->wi[j / 2][q][0])));
            s1 = _mm256_add_epi32(
                s1, _mm256_madd_epi16(_mm256_unpackhi_epi16(a0, a1), dw_ld(x->wi[j / 2][q][1])));
        }
        dw_finish(out, q, s0, s1);
    }
    if (!x->accumulate && x->C > x->L) /* a call per pixel, even of 0 bytes, measured */
        memset(out + x->L, 0, sizeof *out * (x->C - x->L)); /* a = 0: MAC leaves 0 */
}

__attribute__((target("avx2"))) static void dw_run_avx2(const dw_pass_t *x,
                                                        const int8_t *const *base, size_t step,
                                                        uint32_t np, int32_t *out, size_t stride) {
    for (uint32_t p = 0; p < np; p++, out += stride)
        dw_pixel_avx2(x, base, p * step, out);
}

/* 16 lanes with AVX-512: two pixels a vector (the same unpacks and pairs in each 256-bit half),
 * half the instructions per pixel. */
static inline __attribute__((always_inline, target("avx2,avx512f,avx512bw"))) __m512i
dw_two(const int8_t *p, size_t step) {
    __m256i v =
        step == 16
            ? dw_ld(p)
            : _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)p)),
                                      _mm_loadu_si128((const __m128i *)(p + step)), 1);
    return _mm512_cvtepi8_epi16(v);
}

/* NN: x->nn, a constant where the caller makes it one (3x3 taps: 10), so that the tap loop
 * unrolls and the weights stay in registers across the pixels. */
static inline __attribute__((always_inline, target("avx2,avx512f,avx512bw"))) void
dw_run_512_nn(const dw_pass_t *x, const int8_t *const *base, size_t step, uint32_t np, int32_t *out,
              size_t stride, uint32_t nn) {
    uint32_t p = 0;
    for (; p + 2 <= np; p += 2, out += 2 * stride) {
        __m256i s0, s1, t0, t1;
        dw_start(x, out, 0, &s0, &s1);
        dw_start(x, out + stride, 0, &t0, &t1);
        __m512i S0 = _mm512_inserti64x4(_mm512_castsi256_si512(s0), t0, 1),
                S1 = _mm512_inserti64x4(_mm512_castsi256_si512(s1), t1, 1);
        for (uint32_t j = 0; j < nn; j += 2) {
            __m512i a0 = dw_two(base[j] + p * step, step),
                    a1 = dw_two(base[j + 1] + p * step, step);
            S0 = _mm512_add_epi32(
                S0, _mm512_madd_epi16(_mm512_unpacklo_epi16(a0, a1),
                                      _mm512_broadcast_i64x4(dw_ld(x->wi[j / 2][0][0]))));
            S1 = _mm512_add_epi32(
                S1, _mm512_madd_epi16(_mm512_unpackhi_epi16(a0, a1),
                                      _mm512_broadcast_i64x4(dw_ld(x->wi[j / 2][0][1]))));
        }
        dw_finish(out, 0, _mm512_castsi512_si256(S0), _mm512_castsi512_si256(S1));
        dw_finish(out + stride, 0, _mm512_extracti64x4_epi64(S0, 1),
                  _mm512_extracti64x4_epi64(S1, 1));
        if (!x->accumulate && x->C > x->L)
            for (int h = 0; h < 2; h++)
                memset(out + h * stride + x->L, 0, sizeof *out * (x->C - x->L));
    }
    if (p < np)
        dw_pixel_avx2(x, base, p * step, out);
}

__attribute__((target("avx2,avx512f,avx512bw"))) static void
dw_run_512(const dw_pass_t *x, const int8_t *const *base, size_t step, uint32_t np, int32_t *out,
           size_t stride) {
    if (x->nn == 10)
        dw_run_512_nn(x, base, step, np, out, stride, 10);
    else
        dw_run_512_nn(x, base, step, np, out, stride, x->nn);
}
#endif

/* The AVX2 MAC's constants; 0 where it does not apply (MAX, lanes not 16, 32, 48 or 64). */
static int dw_simd_setup(dw_pass_t *x) {
#ifdef FM_X86
    if (x->max || x->L % 16 || x->L > 64 || !__builtin_cpu_supports("avx2"))
        return 0;
    x->nn = (x->n + 1) & ~1u;
    uint32_t s[64] = {0}; /* taps outer, lanes inner: the compiler vectorizes it (run per pass) */
    for (uint32_t j = 0; j < x->n; j++)
        for (uint32_t c = 0; c < x->L; c++)
            s[c] -= (uint32_t)(x->z * x->w[(size_t)j * x->L + c]);
    for (uint32_t c = 0; c < x->L; c++)
        x->corr[c] = (int32_t)s[c];
    for (uint32_t j = 0; j < x->nn; j++) /* the partner of an odd last tap: weights 0 */
        for (uint32_t q = 0; q < x->L / 16; q++)
            for (uint32_t e = j % 2; e < 16;
                 e += 2) { /* _mm256_unpack{lo,hi}_epi16: element e of lane half e / 8 */
                uint32_t lane = 16 * q + e / 8 * 8 + e % 8 / 2;
                x->wi[j / 2][q][0][e] = j < x->n ? x->w[(size_t)j * x->L + lane] : 0;
                x->wi[j / 2][q][1][e] = j < x->n ? x->w[(size_t)j * x->L + lane + 4] : 0;
            }
    return 1;
#else
    (void)x;
    return 0;
#endif
}

/* Taps that can share a pass with tap D (one tile, one zero point). */
static int dw_same_tile(const mica_fm_matmul_t *a, const mica_fm_matmul_t *d) {
    return a->aspad == d->aspad && a->in_h == d->in_h && a->in_w == d->in_w && a->sy == d->sy &&
           a->sx == d->sx && a->z_in == d->z_in && a->out_h == d->out_h && a->out_w == d->out_w;
}

static int8_t *scratch(mica_fm_t *m, size_t bytes) {
    if (bytes > m->scratch_bytes) {
        int8_t *p = realloc(m->scratch, bytes);
        if (!p)
            return NULL;
        m->scratch = p;
        m->scratch_bytes = bytes;
    }
    return m->scratch;
}

/* A pixel at a time, a tap in the padding reading the row of z at ZROW. */
static void dw_pixels(const mica_fm_t *m, const mica_fm_matmul_t *d, const dw_pass_t *x,
                      dw_run_fn run, const int8_t *zrow, int32_t *out, size_t stride) {
    const int8_t *base[FP_TAPS + 1];
    for (uint32_t oy = 0, t = 0; oy < d->out_h; oy++)
        for (uint32_t ox = 0; ox < d->out_w; ox++, t++) {
            for (uint32_t j = 0; j < x->n; j++) {
                int64_t px = mica_fp_pixel_row(&d[j], oy, ox);
                base[j] = px < 0 ? zrow : m->ref->aspad + (size_t)px * m->ref->cfg.rows;
            }
            base[x->n] = base[0]; /* the AVX2 MAC's zero-weight partner of an odd last tap */
            run(x, base, 0, 1, out + t * stride, stride);
        }
}

/* The tile (rows of LANES bytes) with z around it as far as the taps read, then one run per
 * output row. */
/* The padded tile's border of z (rows [y0, y1) x columns [x0, x1), the tile at 0, 0). */
static void pad_border(const mica_fm_matmul_t *d, int z, uint32_t L, int64_t y0, int64_t y1,
                       int64_t x0, int64_t x1, int8_t *buf) {
    size_t PW = (size_t)(x1 - x0), bytes = (size_t)(y1 - y0) * PW * L;
    size_t top = (size_t)-y0 * PW * L, left = (size_t)-x0 * L, right = (size_t)(x1 - d->in_w) * L;
    memset(buf, z, top);
    memset(buf + top + (size_t)d->in_h * PW * L, z, bytes - top - (size_t)d->in_h * PW * L);
    for (uint32_t y = 0; y < d->in_h; y++) {
        int8_t *dst = buf + ((size_t)(y - y0) * PW + (size_t)-x0) * L;
        memset(dst - left, z, left);
        memset(dst + (size_t)d->in_w * L, z, right);
    }
}

/* KEEP: X is kept with the translation, and so may keep its padded tile (KWS: the border's small
 * memsets, two per row and run, were most of this function's samples). */
static void dw_pass(mica_fm_t *m, const mica_fm_matmul_t *d, dw_pass_t *x, int keep, int32_t *out,
                    size_t stride) {
    int simd = x->simd;
    dw_run_fn run = dw_run_c;
#ifdef FM_X86
    if (simd)
        run = x->L == 16 && __builtin_cpu_supports("avx512bw") ? dw_run_512 : dw_run_avx2;
#else
    (void)simd;
#endif
    uint32_t R = m->ref->cfg.rows, L = x->L;
    int64_t y0 = 0, y1 = d->in_h, x0 = 0, x1 = d->in_w; /* the rows and columns read */
    for (uint32_t j = 0; j < x->n; j++) {
        int64_t ty = d[j].off_y, tx = d[j].off_x;
        int64_t by = (int64_t)(d->out_h - 1) * d->sy + ty + 1,
                bx = (int64_t)(d->out_w - 1) * d->sx + tx + 1;
        y0 = ty < y0 ? ty : y0, x0 = tx < x0 ? tx : x0, y1 = by > y1 ? by : y1,
        x1 = bx > x1 ? bx : x1;
    }
    size_t PW = (size_t)(x1 - x0), tile = (size_t)d->in_h * d->in_w,
           bytes = (size_t)(y1 - y0) * PW * L;
    int8_t *buf = x->pad && x->pad_bytes == bytes ? x->pad : NULL;
    if (!buf && bytes <= 4 * (tile + 1024) * L) {
        buf = keep ? malloc(bytes) : NULL;
        if (buf) {
            free(x->pad);
            x->pad = buf;
            x->pad_bytes = bytes;
        } else
            buf = scratch(m, bytes);
        if (buf) /* z where the tile is not: the border only */
            pad_border(d, x->z, L, y0, y1, x0, x1, buf);
    }
    if (!buf) { /* taps far outside the tile (no compiler writes them), or out of memory */
        int8_t zrow[L];
        memset(zrow, x->z, L);
        dw_pixels(m, d, x, run, zrow, out, stride);
        return;
    }
    for (uint32_t y = 0; y < d->in_h; y++) {
        int8_t *dst = buf + ((size_t)(y - y0) * PW + (size_t)-x0) * L;
        const int8_t *src = m->ref->aspad + ((size_t)d->aspad + (size_t)y * d->in_w) * R;
        if (L == R)
            memcpy(dst, src, (size_t)d->in_w * R);
        else
            for (uint32_t i = 0; i < d->in_w; i++)
                memcpy(dst + (size_t)i * L, src + (size_t)i * R, L);
    }
    const int8_t *base[FP_TAPS + 1];
    int64_t tap[FP_TAPS]; /* tap j's offset in the padded tile; output row oy adds oy sy PW L */
    for (uint32_t j = 0; j < x->n; j++)
        tap[j] = ((d[j].off_y - y0) * (int64_t)PW + d[j].off_x - x0) * (int64_t)L;
    for (uint32_t oy = 0; oy < d->out_h; oy++) {
        const int8_t *row = buf + (size_t)oy * d->sy * PW * L;
        for (uint32_t j = 0; j < x->n; j++)
            base[j] = row + tap[j];
        base[x->n] = base[0];
        run(x, base, (size_t)d->sx * L, d->out_w, out + (size_t)oy * d->out_w * stride, stride);
    }
}

/* Pass constants for the taps from J0 on: as many as share its tile (up to FP_TAPS). */
static void dw_prepare(const mica_fm_matmul_t *d, const int16_t *w, uint32_t n, uint32_t j0,
                       int max, int accumulate, uint32_t L, uint32_t C, dw_pass_t *x) {
    x->C = C;
    x->L = L;
    x->max = max;
    for (x->n = 1; j0 + x->n < n && x->n < FP_TAPS && dw_same_tile(&d[j0 + x->n], &d[j0]); x->n++) {
    }
    x->nn = x->n;
    x->accumulate = accumulate || j0;
    x->z = d[j0].z_in;
    x->w = w + (size_t)j0 * L;
    x->simd = dw_simd_setup(x);
}

void mica_fp_dw_taps(mica_fm_t *m, const mica_fm_matmul_t *d, const int16_t *w, uint32_t n, int max,
                     int accumulate, int32_t *out, size_t stride, dw_pass_t **cache) {
    uint32_t C = m->ref->cfg.cols, L = m->ref->cfg.rows < C ? m->ref->cfg.rows : C;
    for (uint32_t j0 = 0; j0 < n;) {
        dw_pass_t local, *x = cache ? cache[j0] : NULL;
        if (!x) { /* the first run (or no cache): kept when it can be */
            x = cache ? malloc(sizeof *x) : NULL;
            if (!x)
                x = &local;
            dw_prepare(d, w, n, j0, max, accumulate, L, C, x);
            x->pad = NULL;
            x->pad_bytes = 0;
            if (x != &local)
                cache[j0] = x;
        }
        dw_pass(m, d + j0, x, x != &local, out, stride);
        j0 += x->n;
    }
}
