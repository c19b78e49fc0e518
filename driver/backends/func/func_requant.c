/* STORE's output stage on the func fast path: the per-column requantization constants computed
 * once per STORE, and the row loops per round mode (portable, AVX2 and AVX-512 round 0; LiteRT's
 * double-precision round 2 on the host's IEEE double), all bit-exact with mica_requantize. */
#include <stdlib.h>
#include <string.h>
#include "func_plan.h"
#include "func_simd.h"
#include "mica_fixedpoint.h"

/* LiteRT's double-precision requantization (STORE round mode 2) with the host's IEEE double:
 * scale = m53 * 2^(e-53) is exact, and x * scale rounds once to 53 bits exactly like
 * mica_mul_real's fl64 (no subnormals or overflow for an 8-bit e); then halves round away from zero
 * (t = trunc(y) and y - t are exact) and the result saturates. tests/unit/test_func_exact.c checks it
 * equals mica_mul_real. */
static double real_scale(uint64_t m53, int e) {
    union {
        uint64_t u;
        double d;
    } pow2; /* 2^(e-53) built directly: ldexp is a slow libm call */
    pow2.u = (uint64_t)(1023 + e - 53) << 52; /* a normal double for any 8-bit e */
    return (double)m53 * pow2.d;
}

static inline int32_t mul_real_host(int32_t x, double scale) {
    double y = (double)x * scale;
    y = y > 4294967296.0    ? 4294967296.0
        : y < -4294967296.0 ? -4294967296.0
                            : y; /* keeps the casts defined */
    int64_t t = (int64_t)y;
    double f = y - (double)t;
    t += (int64_t)(f >= 0.5) -
         (int64_t)(f <= -0.5); /* branch-free: the data makes it unpredictable */
    return (int32_t)(t > INT32_MAX ? INT32_MAX : t < INT32_MIN ? INT32_MIN : t);
}

/* The double path needs a normalized multiplier (2^52 <= m53 < 2^53, as the compiler writes it):
 * only then does mica_mul_real's saturation match the double's range. */
static int real_normalized(uint64_t m53) {
    return m53 >> 52 == 1;
}

int32_t mica_fm_mul_real_host(int32_t x, uint64_t m53, int e) {
    return real_normalized(m53) ? mul_real_host(x, real_scale(m53, e)) : mica_mul_real(x, m53, e);
}

/* A STORE's output stage (the bit-exact mica_requantize) with the per-column constants computed
 * once: translations build one per STORE when they are built.
 * One allocation: the struct, then the column arrays (8-byte ones first, for alignment). */
static mica_fm_requant_t *requant_alloc(uint32_t len) {
    size_t n = (len + 7) & ~(size_t)7; /* whole 8-column blocks (and never 0) */
    n = n ? n : 8;
    mica_fm_requant_t *q = malloc(sizeof *q + n * (8 * sizeof(int64_t) + 5 * sizeof(int32_t)));
    if (!q)
        return NULL;
    q->scale = (double *)(q + 1);
    q->m53 = (uint64_t *)(q->scale + n);
    q->half = (int64_t *)(q->m53 + n);
    q->below = q->half + n;
    q->right = q->below + n;
    q->add_eo = q->right + n;
    q->below_eo = q->add_eo + n;
    q->right_eo = q->below_eo + n;
    q->zoff = (int32_t *)(q->right_eo + n);
    q->bias = q->zoff + n;
    q->mult = q->bias + n;
    q->shift = q->mult + n;
    q->left = q->shift + n;
    q->len = len;
    q->simd = 0;
    return q;
}

/* The 8-column blocks' constants (add_eo .. zoff) from the column arrays. */
static void requant_blocks(mica_fm_requant_t *q) {
    const int64_t K = (1ll << 62) + (1ll << 30);
    uint32_t n = (q->len + 7) & ~7u;
    for (uint32_t c = 0; c < n; c++) {
        uint32_t b = c / 8 * 8, e = c % 8, col = b + (e < 4 ? 2 * e : 2 * (e - 4) + 1);
        int in = col < q->len;
        q->add_eo[c] = in ? q->half[col] + K : 0;
        q->below_eo[c] = in ? q->below[col] : 0;
        q->right_eo[c] = in ? q->right[col] : 0;
        q->zoff[c] =
            c < q->len ? (int32_t)((uint32_t)q->z - (uint32_t)(1ull << (62 - q->right[c]))) : 0;
    }
}

mica_fm_requant_t *mica_fm_requant_join(const mica_fm_requant_t *a, const mica_fm_requant_t *b) {
    mica_fm_requant_t *q = requant_alloc(a->len + b->len);
    if (!q)
        return NULL;
    q->mode = a->mode;
    q->slow = a->slow | b->slow;
    q->simd = a->simd < b->simd ? a->simd : b->simd;
    q->z = a->z;
    q->lo = a->lo;
    q->hi = a->hi;
#define JOIN(f)                                                                                    \
    (memcpy(q->f, a->f, sizeof *q->f * a->len), memcpy(q->f + a->len, b->f, sizeof *q->f * b->len))
    JOIN(scale);
    JOIN(m53);
    JOIN(half);
    JOIN(below);
    JOIN(right);
    JOIN(bias);
    JOIN(mult);
    JOIN(shift);
    JOIN(left);
#undef JOIN
    requant_blocks(q);
    return q;
}

mica_fm_requant_t *mica_fm_requant_new(const mica_instr_t *in, const int32_t *set, uint32_t C) {
    mica_store_fields_t f;
    mica_store_decode(in, &f);
    uint32_t len = f.len;
    mica_fm_requant_t *q = requant_alloc(len);
    if (!q)
        return NULL;
    q->mode = (int)f.round;
    q->z = f.z_out;
    q->lo = f.act_min;
    q->hi = f.act_max;
    q->slow = q->mode == MICA_STORE_ROUND_SINGLE;
#ifdef FM_X86
    q->simd = __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
                  ? 2
                  : __builtin_cpu_supports("avx2") != 0;
#endif
    const int32_t *bias = set + MICA_PARAM_BIAS * C, *mult = set + MICA_PARAM_MULT * C;
    const int32_t *shift_row = set + MICA_PARAM_SHIFT * C, *mlo = set + MICA_PARAM_MULT_LO * C;
    for (uint32_t c = 0; c < len; c++) {
        int s = (int8_t)(shift_row[c] & 0xFF); /* as mica_requantize */
        q->bias[c] = bias[c];
        q->mult[c] = mult[c];
        q->shift[c] = q->mode == MICA_STORE_ROUND_REAL ? s : s > 30 ? 30 : s < -31 ? -31 : s;
        mica_rescale_t r =
            mica_rescale_make(mult[c], q->mode == MICA_STORE_ROUND_DOUBLE ? q->shift[c] : 0);
        q->left[c] = r.left;
        q->half[c] = (int64_t)r.half * (1ll << 31);
        q->below[c] = r.below;
        q->right[c] = r.total_right;
        q->m53[c] = (uint64_t)(uint32_t)mult[c] << 21 | ((uint32_t)mlo[c] & 0x1FFFFFu);
        q->scale[c] = real_normalized(q->m53[c]) ? real_scale(q->m53[c], s) : 0.0;
        q->slow |= q->mode == MICA_STORE_ROUND_REAL && q->scale[c] == 0.0;
    }
    requant_blocks(q);
    return q;
}

/* mica_rescale on the constants as column arrays (a struct per column does not vectorize),
 * columns [c0, len). */
FM_CLONES
static void requant_double(const mica_fm_requant_t *q, uint32_t c0, const int32_t *restrict acc,
                           size_t acc_stride, uint32_t rows, uint8_t *restrict dst,
                           uint64_t stride) {
    const uint32_t len = q->len;
    const int32_t z = q->z, lo = q->lo, hi = q->hi, *restrict bias = q->bias,
                  *restrict mult = q->mult, *restrict left = q->left;
    const int64_t *restrict half = q->half, *restrict below = q->below, *restrict right = q->right;
    for (uint32_t i = 0; i < rows; i++, acc += acc_stride, dst += stride)
        for (uint32_t c = c0; c < len; c++) {
            int32_t a = (int32_t)(((uint32_t)acc[c] + (uint32_t)bias[c]) << left[c]);
            int64_t t = (int64_t)a * mult[c] + (1ll << 30);
            int64_t v = (t + half[c] - ((t >> 63) & below[c])) >> right[c];
            int32_t y = (int32_t)((uint32_t)(v > INT32_MAX ? INT32_MAX : (int32_t)v) + (uint32_t)z);
            y = y < lo ? lo : y;
            dst[c] = (uint8_t)(y > hi ? hi : y);
        }
}

#ifdef FM_X86
/* Eight columns from C0 whose multipliers are not INT32_MIN: then no result passes INT32_MAX
 * (mica_rescale), the 64-bit saturation goes, and 2^(62 - right) comes off in 32 bits together
 * with the zero point (z - off wraps like the int32 sum). Their constants, as vectors. */
typedef struct {
    __m256i bias, left, mult[2], add[2], below[2], right[2], zoff;
} rq8_t;

static inline __attribute__((always_inline, target("avx2"))) void
rq8_setup(const mica_fm_requant_t *q, uint32_t c0, rq8_t *k) {
#define FM_LD(p) _mm256_loadu_si256((const __m256i *)(p))
    k->zoff = FM_LD(q->zoff + c0);
    k->bias = FM_LD(q->bias + c0);
    k->left = FM_LD(q->left + c0);
    k->mult[0] = FM_LD(q->mult + c0);
    k->mult[1] = _mm256_srli_epi64(k->mult[0], 32);
    for (int h = 0; h < 2; h++) { /* h = 0: columns c0, c0 + 2, ...; 1: c0 + 1, c0 + 3, ... */
        k->add[h] = FM_LD(q->add_eo + c0 + 4 * h);
        k->below[h] = FM_LD(q->below_eo + c0 + 4 * h);
        k->right[h] = FM_LD(q->right_eo + c0 + 4 * h);
    }
#undef FM_LD
}

/* One row of the eight columns, plus the zero point, as int32 (before the clamp). SHL: some left
 * shift is not 0 (a constant where inlined: most layers shift only right). */
static inline __attribute__((always_inline, target("avx2"))) __m256i
rq8_row(const rq8_t *k, const int32_t *acc, int shl) {
    const __m256i neg = _mm256_set1_epi64x(-(1ll << 30));
    __m256i a = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)acc), k->bias), v[2];
    if (shl)
        a = _mm256_sllv_epi32(a, k->left);
    for (int h = 0; h < 2; h++) {
        __m256i p = _mm256_mul_epi32(h ? _mm256_srli_epi64(a, 32) : a, k->mult[h]);
        __m256i u = _mm256_sub_epi64(_mm256_add_epi64(p, k->add[h]),
                                     _mm256_and_si256(_mm256_cmpgt_epi64(neg, p), k->below[h]));
        v[h] = _mm256_srlv_epi64(u, k->right[h]);
    }
    return _mm256_add_epi32(_mm256_blend_epi32(v[0], _mm256_slli_epi64(v[1], 32), 0xAA), k->zoff);
}

/* Eight int32 results clamped to [lo, hi] and stored as bytes at DST. */
static inline __attribute__((always_inline, target("avx2"))) void store8(uint8_t *dst, __m256i y,
                                                                         __m256i lo, __m256i hi) {
    const __m256i bytes =
        _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12,
                         -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    y = _mm256_shuffle_epi8(_mm256_min_epi32(_mm256_max_epi32(y, lo), hi), bytes);
    y = _mm256_permutevar8x32_epi32(y, _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1));
    _mm_storel_epi64((__m128i *)dst, _mm256_castsi256_si128(y));
}

static inline __attribute__((always_inline, target("avx2"))) void
rq8_rows(const rq8_t *k, const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride,
         uint32_t rows, uint8_t *dst, uint64_t stride, int shl) {
    const __m256i lo = _mm256_set1_epi32(q->lo), hi = _mm256_set1_epi32(q->hi);
    for (uint32_t i = 0; i < rows; i++, acc += acc_stride, dst += stride)
        store8(dst, rq8_row(k, acc, shl), lo, hi);
}

/* Sixteen columns a row: two blocks' sums packed with signed saturation to bytes (act_min and
 * act_max are int8, so saturating first and clamping in bytes is the same clamp). */
static inline __attribute__((always_inline, target("avx2"))) void
rq16_rows(const rq8_t k[2], const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride,
          uint32_t rows, uint8_t *dst, uint64_t stride, int shl) {
    const __m128i lo = _mm_set1_epi8((char)q->lo), hi = _mm_set1_epi8((char)q->hi);
    for (uint32_t i = 0; i < rows; i++, acc += acc_stride, dst += stride) {
        __m256i w = _mm256_permute4x64_epi64(
            _mm256_packs_epi32(rq8_row(&k[0], acc, shl), rq8_row(&k[1], acc + 8, shl)), 0xD8);
        __m128i b = _mm_packs_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
        _mm_storeu_si128((__m128i *)dst, _mm_min_epi8(_mm_max_epi8(b, lo), hi));
    }
}

static int block_shifts_left(const mica_fm_requant_t *q, uint32_t c0, uint32_t n) {
    for (uint32_t c = c0; c < c0 + n; c++)
        if (q->left[c])
            return 1;
    return 0;
}

/* Eight (WIDE: sixteen) columns from C0 over the rows, each row loop in its left-shift case. */
__attribute__((target("avx2"))) static void
requant_block_avx2(const mica_fm_requant_t *q, uint32_t c0, int wide, const int32_t *acc,
                   size_t acc_stride, uint32_t rows, uint8_t *dst, uint64_t stride) {
    rq8_t k[2];
    rq8_setup(q, c0, &k[0]);
    if (wide)
        rq8_setup(q, c0 + 8, &k[1]);
    int shl = block_shifts_left(q, c0, wide ? 16 : 8);
    acc += c0;
    dst += c0;
    if (wide && shl)
        rq16_rows(k, q, acc, acc_stride, rows, dst, stride, 1);
    else if (wide)
        rq16_rows(k, q, acc, acc_stride, rows, dst, stride, 0);
    else if (shl)
        rq8_rows(k, q, acc, acc_stride, rows, dst, stride, 1);
    else
        rq8_rows(k, q, acc, acc_stride, rows, dst, stride, 0);
}

static int block_saturates(const mica_fm_requant_t *q, uint32_t c0) {
    for (uint32_t c = c0; c < c0 + 8; c++)
        if (q->mult[c] == INT32_MIN)
            return 1;
    return 0;
}

/* Round 0, eight columns at a time from C0, their constants in registers for all rows (the
 * compiler's version of requant_double emulates 64-bit shifts). AVX2 has no 64-bit arithmetic
 * shift: t + nudge (mica_rescale) shifts logically as u = t + nudge + 2^62, which lies in
 * [0, 2^64) for any int32 a and multiplier, and 2^(62 - right) comes off after. Even and odd
 * columns take one 32 x 32 -> 64-bit multiply each. */
__attribute__((target("avx2"))) static uint32_t
requant_double_avx2(const mica_fm_requant_t *q, uint32_t c0, const int32_t *acc, size_t acc_stride,
                    uint32_t rows, uint8_t *dst, uint64_t stride) {
    const __m256i z = _mm256_set1_epi32(q->z), lo = _mm256_set1_epi32(q->lo),
                  hi = _mm256_set1_epi32(q->hi);
    const __m256i max32 = _mm256_set1_epi64x(INT32_MAX), neg = _mm256_set1_epi64x(-(1ll << 30));
    for (; c0 + 8 <= q->len; c0 += 8) {
        if (!block_saturates(q, c0)) {
            int wide = c0 + 16 <= q->len && !block_saturates(q, c0 + 8);
            requant_block_avx2(q, c0, wide, acc, acc_stride, rows, dst, stride);
            c0 += wide ? 8 : 0;
            continue;
        }
        rq8_t k; /* its zoff is not used: 2^(62 - right) comes off before the saturation */
        rq8_setup(q, c0, &k);
        __m256i off[2];
        for (int h = 0; h < 2; h++)
            off[h] = _mm256_srlv_epi64(_mm256_set1_epi64x(1ll << 62), k.right[h]);
        const int32_t *a_row = acc + c0;
        uint8_t *d = dst + c0;
        for (uint32_t i = 0; i < rows; i++, a_row += acc_stride, d += stride) {
            __m256i a = _mm256_sllv_epi32(
                        _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)a_row), k.bias),
                        k.left),
                    v[2];
            for (int h = 0; h < 2; h++) {
                __m256i p = _mm256_mul_epi32(h ? _mm256_srli_epi64(a, 32) : a, k.mult[h]);
                __m256i u =
                    _mm256_sub_epi64(_mm256_add_epi64(p, k.add[h]),
                                     _mm256_and_si256(_mm256_cmpgt_epi64(neg, p), k.below[h]));
                __m256i y = _mm256_sub_epi64(_mm256_srlv_epi64(u, k.right[h]), off[h]);
                v[h] = _mm256_blendv_epi8(y, max32, _mm256_cmpgt_epi64(y, max32));
            }
            store8(d,
                   _mm256_add_epi32(_mm256_blend_epi32(v[0], _mm256_slli_epi64(v[1], 32), 0xAA), z),
                   lo, hi);
        }
    }
    return c0;
}

/* The same sixteen columns at a time where AVX-512 has the 64-bit arithmetic shift and minimum;
 * the flags constant where it is inlined, each sparing instructions in the common case:
 * RQ_SAT: some multiplier of the block is INT32_MIN, the only case that can pass INT32_MAX (see
 * requant_block_avx2), so the 64-bit minimum runs only then; RQ_SHL: some left shift is not 0;
 * RQ_S8MAX / RQ_S8: hi is 127 (and lo -128 for RQ_S8) with lo >= -128, so vpmovsdb's saturation
 * to [-128, 127] is the clamp's upper bound (and lower one). */
enum { RQ_SAT = 1, RQ_SHL = 2, RQ_S8MAX = 4, RQ_S8 = 8 };
static inline __attribute__((always_inline, target("avx512f,avx512bw,avx512vl"))) void
requant_rows_512(const mica_fm_requant_t *q, uint32_t c0, const int32_t *acc, size_t acc_stride,
                 uint32_t rows, uint8_t *dst, uint64_t stride, int flags) {
    const __m512i z = _mm512_set1_epi32(q->z), lo = _mm512_set1_epi32(q->lo),
                  hi = _mm512_set1_epi32(q->hi);
    const __m512i max32 = _mm512_set1_epi64(INT32_MAX), neg = _mm512_set1_epi64(-(1ll << 30)),
                  nudge = _mm512_set1_epi64(1ll << 30);
    const __m512i pick[2] = {_mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14),
                             _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15)};
    const __m512i bias = _mm512_loadu_si512(q->bias + c0), left = _mm512_loadu_si512(q->left + c0);
    const __m512i mult[2] = {_mm512_loadu_si512(q->mult + c0), _mm512_srli_epi64(mult[0], 32)};
    __m512i add[2], below[2], right[2];
#define FM_PICK(a, h)                                                                              \
    _mm512_permutex2var_epi64(_mm512_loadu_si512((a) + c0), pick[h],                               \
                              _mm512_loadu_si512((a) + c0 + 8))
    for (int h = 0; h < 2; h++) { /* h = 0: columns c0, c0 + 2, ...; 1: c0 + 1, c0 + 3, ... */
        add[h] = _mm512_add_epi64(nudge, FM_PICK(q->half, h));
        below[h] = FM_PICK(q->below, h);
        right[h] = FM_PICK(q->right, h);
    }
#undef FM_PICK
    acc += c0;
    dst += c0;
    for (uint32_t i = 0; i < rows; i++, acc += acc_stride, dst += stride) {
        __m512i a = _mm512_add_epi32(_mm512_loadu_si512(acc), bias), v[2];
        if (flags & RQ_SHL)
            a = _mm512_sllv_epi32(a, left);
        for (int h = 0; h < 2; h++) {
            __m512i p = _mm512_mul_epi32(h ? _mm512_srli_epi64(a, 32) : a, mult[h]),
                    t = _mm512_add_epi64(p, add[h]);
            t = _mm512_mask_sub_epi64(t, _mm512_cmplt_epi64_mask(p, neg), t, below[h]);
            v[h] = _mm512_srav_epi64(t, right[h]);
            if (flags & RQ_SAT)
                v[h] = _mm512_min_epi64(v[h], max32);
        }
        __m512i y =
            _mm512_add_epi32(_mm512_mask_blend_epi32(0xAAAA, v[0], _mm512_slli_epi64(v[1], 32)), z);
        __m128i b = flags & RQ_S8 ? _mm512_cvtsepi32_epi8(y)
                    : flags & RQ_S8MAX
                        ? _mm512_cvtsepi32_epi8(_mm512_max_epi32(y, lo))
                        : _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(y, lo), hi));
        _mm_storeu_si128((__m128i *)dst, b);
    }
}

/* requant_rows_512's flags for the sixteen columns from C0. */
static int block_flags16(const mica_fm_requant_t *q, uint32_t c0) {
    int f = block_saturates(q, c0) || block_saturates(q, c0 + 8) ? RQ_SAT : 0;
    for (uint32_t c = c0; c < c0 + 16; c++)
        f |= q->left[c] ? RQ_SHL : 0;
    if (q->hi == 127 && q->lo >= -128)
        f |= q->lo == -128 ? RQ_S8 : RQ_S8MAX;
    return f;
}

__attribute__((target("avx512f,avx512bw,avx512vl"))) static uint32_t
requant_double_512(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride, uint32_t rows,
                   uint8_t *dst, uint64_t stride) {
    uint32_t c0 = 0;
    for (; c0 + 16 <= q->len; c0 += 16) {
        int f = block_flags16(q, c0);
        if (f == RQ_S8MAX) /* the common cases, each its own loop */
            requant_rows_512(q, c0, acc, acc_stride, rows, dst, stride, RQ_S8MAX);
        else if (f == RQ_S8)
            requant_rows_512(q, c0, acc, acc_stride, rows, dst, stride, RQ_S8);
        else if (f == 0)
            requant_rows_512(q, c0, acc, acc_stride, rows, dst, stride, 0);
        else
            requant_rows_512(q, c0, acc, acc_stride, rows, dst, stride, RQ_SAT | RQ_SHL);
    }
    return c0;
}
#endif

/* mul_real_host with the saturation moved before the rounding (the same result: the bounds are
 * integers), so every step has a vector instruction. */
FM_CLONES_512 FM_FINITE static void requant_real(const mica_fm_requant_t *q, uint32_t c0,
                                                 const int32_t *restrict acc, size_t acc_stride,
                                                 uint32_t rows, uint8_t *restrict dst,
                                                 uint64_t stride) {
    const uint32_t len = q->len;
    const int32_t z = q->z, lo = q->lo, hi = q->hi, *restrict bias = q->bias;
    const double *restrict scale = q->scale;
    for (uint32_t i = 0; i < rows; i++, acc += acc_stride, dst += stride)
        for (uint32_t c = c0; c < len; c++) {
            double y = (double)(int32_t)((uint32_t)acc[c] + (uint32_t)bias[c]) * scale[c];
            y = __builtin_fmax(__builtin_fmin(y, 2147483647.0), -2147483648.0);
            int32_t t = (int32_t)y;
            double f = y - (double)t;
            t += (int32_t)(f >= 0.5) - (int32_t)(f <= -0.5);
            t = (int32_t)((uint32_t)t + (uint32_t)z);
            t = t < lo ? lo : t;
            dst[c] = (uint8_t)(t > hi ? hi : t);
        }
}

#ifdef FM_X86
/* Round 2 on AVX2, eight columns a step: y clamped to the int32 range first (requant_real's
 * order; the zero point then wraps like the int32 sum), then with t = trunc(y) and f = y - t
 * (exact), mul_real_host's rounding (halves away from zero) is t + trunc(2 f): 2 f is exact and
 * |2 f| >= 1 exactly when |f| >= 0.5. (trunc(y + copysign(0.5, y)) is one op shorter but rounds
 * wrong where y is just below a half in magnitude: -0.5 + 2^-54 - 0.5 is -1.) */
__attribute__((target("avx2"))) static uint32_t requant_real_avx2(const mica_fm_requant_t *q,
                                                                  const int32_t *acc,
                                                                  size_t acc_stride, uint32_t rows,
                                                                  uint8_t *dst, uint64_t stride) {
    const __m256d big = _mm256_set1_pd(2147483647.0), nbig = _mm256_set1_pd(-2147483648.0);
    const __m256i z = _mm256_set1_epi32(q->z), lo = _mm256_set1_epi32(q->lo),
                  hi = _mm256_set1_epi32(q->hi);
    uint32_t c0 = 0;
    for (; c0 + 8 <= q->len; c0 += 8) {
        const __m256i bias = _mm256_loadu_si256((const __m256i *)(q->bias + c0));
        const __m256d s0 = _mm256_loadu_pd(q->scale + c0), s1 = _mm256_loadu_pd(q->scale + c0 + 4);
        const int32_t *a = acc + c0;
        uint8_t *d = dst + c0;
        for (uint32_t i = 0; i < rows; i++, a += acc_stride, d += stride) {
            __m256i x = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)a), bias);
            __m128i r[2];
            for (int h = 0; h < 2; h++) {
                __m256d y = _mm256_mul_pd(_mm256_cvtepi32_pd(h ? _mm256_extracti128_si256(x, 1)
                                                               : _mm256_castsi256_si128(x)),
                                          h ? s1 : s0);
                y = _mm256_max_pd(_mm256_min_pd(y, big), nbig);
                __m256d t = _mm256_round_pd(y, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC),
                        f = _mm256_sub_pd(y, t);
                t = _mm256_add_pd(t, _mm256_round_pd(_mm256_add_pd(f, f),
                                                     _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC));
                r[h] = _mm256_cvttpd_epi32(t);
            }
            store8(d, _mm256_add_epi32(_mm256_set_m128i(r[1], r[0]), z), lo, hi);
        }
    }
    return c0;
}
#endif

/* Round mode 1, and mode 2 with a multiplier the double path cannot take. */
static void requant_slow(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride,
                         uint32_t rows, uint8_t *dst, uint64_t stride) {
    for (uint32_t i = 0; i < rows; i++, acc += acc_stride, dst += stride)
        for (uint32_t c = 0; c < q->len; c++) {
            int32_t x = (int32_t)((uint32_t)acc[c] + (uint32_t)q->bias[c]);
            x = q->mode == MICA_STORE_ROUND_SINGLE
                    ? mica_mul_single_round(x, q->mult[c], q->shift[c])
                : q->scale[c] != 0.0 ? mul_real_host(x, q->scale[c])
                                     : mica_mul_real(x, q->m53[c], q->shift[c]);
            dst[c] = (uint8_t)mica_clamp32((int32_t)((uint32_t)x + (uint32_t)q->z), q->lo, q->hi);
        }
}

/* The paths run column block by column block over the rows: in chunks of rows, so that the
 * accumulator and destination lines of a chunk stay in L1 across the column blocks (one pass over
 * a layer's output at a time measured up to 2x slower on wide layers: each block re-read its
 * lines from L2). A chunk holds about REQUANT_CHUNK_BYTES of accumulators, at least 32 rows: a
 * narrow layer's chunks are longer, as each chunk sets its blocks' constants up again (ResNet-8's
 * 16 columns: ~80 instructions per 32 rows of ~15 each). */
#define REQUANT_CHUNK_ROWS 32
#define REQUANT_CHUNK_BYTES 16384

static void requant_chunk(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride,
                          uint32_t rows, uint8_t *dst, uint64_t stride) {
    if (q->slow)
        requant_slow(q, acc, acc_stride, rows, dst, stride);
    else if (q->mode == MICA_STORE_ROUND_DOUBLE) {
        uint32_t c0 = 0;
#ifdef FM_X86
        if (q->simd == 2)
            c0 = requant_double_512(q, acc, acc_stride, rows, dst, stride);
        if (q->simd)
            c0 = requant_double_avx2(q, c0, acc, acc_stride, rows, dst, stride);
#endif
        if (c0 < q->len)
            requant_double(q, c0, acc, acc_stride, rows, dst, stride);
    } else {
        uint32_t c0 = 0;
#ifdef FM_X86
        if (q->simd == 1) /* (AVX-512 machines run requant_real's compiler clone) */
            c0 = requant_real_avx2(q, acc, acc_stride, rows, dst, stride);
#endif
        if (c0 < q->len)
            requant_real(q, c0, acc, acc_stride, rows, dst, stride);
    }
}

void mica_fm_requant_rows(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride,
                          uint32_t rows, uint8_t *dst, uint64_t stride) {
    size_t row_bytes = sizeof *acc * (q->len ? q->len : 1);
    uint32_t chunk = REQUANT_CHUNK_BYTES / row_bytes > REQUANT_CHUNK_ROWS
                         ? (uint32_t)(REQUANT_CHUNK_BYTES / row_bytes)
                         : REQUANT_CHUNK_ROWS;
    for (uint32_t i = 0; i < rows; i += chunk) {
        uint32_t n = rows - i < chunk ? rows - i : chunk;
        requant_chunk(q, acc + (size_t)i * acc_stride, acc_stride, n, dst + i * stride, stride);
    }
}
