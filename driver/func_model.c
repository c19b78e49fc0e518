/* Functional model of the Mica ISA: one function per opcode, each a transcription of the
 * pseudo-code in hw/mica.json. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "func_model.h"
#include <cblas.h>
#include "kernels/mica_fixedpoint.h"
#include "kernels/mica_kernel_util.h"
#include "cost.h"
#include "func_plan.h"

#define GET MICA_GET

/* The inner loops (STORE's output stage per round mode, RESCALE's lanes) are written so the
 * compiler vectorizes them across columns, and built for AVX2 (round 2: AVX-512) as well where the
 * CPU has them; round 0 also has AVX2 and AVX-512 versions by hand. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define FM_CLONES __attribute__((target_clones("avx2", "default")))   /* AVX-512 measured slower here */
#define FM_CLONES_512 __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))   /* and faster here */
/* y is always finite (|x| < 2^32, scale < 2^128): lets fmin/fmax become vector instructions */
#define FM_FINITE __attribute__((optimize("finite-math-only")))
#include <immintrin.h>
#define FM_X86 1
#else
#define FM_CLONES
#define FM_CLONES_512
#define FM_FINITE
#endif

mica_fm_t *mica_fm_new(const mica_hw_config_t *cfg, uint64_t mem_bytes) {
    mica_fm_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->cfg = *cfg;
    m->mem_bytes = mem_bytes;
    m->mem = calloc(mem_bytes ? mem_bytes : 1, 1);
    m->aspad = calloc((size_t)cfg->aspad_depth * cfg->rows, 1);
    m->wspad = calloc((size_t)cfg->wspad_depth * cfg->cols, 1);
    m->acc = calloc((size_t)cfg->acc_depth * cfg->cols, 4);
    m->param = calloc((size_t)4 * cfg->param_sets * cfg->cols, 4);
    m->w_shadow = calloc((size_t)cfg->rows * cfg->cols, 1);
    m->w_active = calloc((size_t)cfg->rows * cfg->cols, 1);
    m->v_shadow = calloc(2 * (size_t)cfg->cols, 1);
    m->v_active = m->v_shadow ? m->v_shadow + cfg->cols : NULL;
    /* batch cap: FM_MAX_TILES * ROWS * 255 * 128 < 2^24 keeps float sums exact */
    m->batch_max_tiles = (uint32_t)((1u << 24) / (255u * 128u) / (cfg->rows ? cfg->rows : 1));
    if (m->batch_max_tiles > 64) m->batch_max_tiles = 64;
    if (m->batch_max_tiles < 1) m->batch_max_tiles = 1;
    m->a_float = malloc(sizeof(float) * (size_t)cfg->acc_depth * cfg->rows * m->batch_max_tiles);
    m->p_float = malloc(sizeof(float) * (size_t)cfg->acc_depth * cfg->cols);
    m->w_float = malloc(sizeof(float) * (size_t)cfg->rows * cfg->cols * m->batch_max_tiles);
    if (!m->mem || !m->aspad || !m->wspad || !m->acc || !m->param || !m->w_shadow || !m->w_active || !m->v_shadow ||
        !m->a_float || !m->p_float || !m->w_float) {
        mica_fm_free(m);
        return NULL;
    }
    return m;
}

void mica_fm_free(mica_fm_t *m) {
    if (!m) return;
    free(m->mem); free(m->aspad); free(m->wspad); free(m->acc); free(m->param);
    free(m->w_shadow); free(m->w_active); free(m->v_shadow); free(m->a_float); free(m->p_float); free(m->w_float);
    mica_fp_free(m->plans);
    free(m->scratch);
    free(m);
}

uint32_t mica_fm_load(mica_fm_t *m, const mica_instr_t *in) {
    uint32_t target = GET(in, MICA_F_LOAD_TARGET), addr = GET(in, MICA_F_LOAD_MEM_ADDR);
    uint32_t rows = GET(in, MICA_F_LOAD_ROWS), len = GET(in, MICA_F_LOAD_LEN);
    uint64_t ext = GET(in, MICA_F_LOAD_EXT_ADDR), stride = GET(in, MICA_F_LOAD_EXT_STRIDE);
    uint32_t col = GET(in, MICA_F_LOAD_COL);
    int fill = (int)(int64_t)MICA_GET(in, MICA_F_LOAD_FILL);
    uint8_t *base; uint32_t width, depth;
    if (target == 0) { base = (uint8_t *)m->aspad; width = m->cfg.rows; depth = m->cfg.aspad_depth; }
    else if (target == 1) { base = (uint8_t *)m->wspad; width = m->cfg.cols; depth = m->cfg.wspad_depth; }
    else if (target == 2) { base = (uint8_t *)m->param; width = 4 * m->cfg.cols; depth = 4 * m->cfg.param_sets; }
    else return MICA_ERR_BAD_TARGET;
    if (rows == 0) return 0;
    if (len == 0 || col + len > width) return MICA_ERR_BAD_LEN;
    if (addr + rows > depth) return MICA_ERR_MEM_RANGE;
    uint64_t end = ext + (uint64_t)(rows - 1) * stride + len;   /* the last row ends last */
    uint8_t *row = base + (size_t)addr * width;
    if (end <= m->mem_bytes && end <= 0x100000000ull && col == 0 && len == width) {   /* whole rows: plain copies */
        const uint8_t *src = m->mem + ext;
        if (stride == width) memcpy(row, src, (size_t)rows * width);
        else if (width == 16)   /* the common ROWS, copied inline */
            for (uint32_t i = 0; i < rows; i++) memcpy(row + (size_t)i * 16, src + (size_t)i * stride, 16);
        else
            for (uint32_t i = 0; i < rows; i++) memcpy(row + (size_t)i * width, src + (size_t)i * stride, width);
        m->counters[MICA_CNT_DMA_RD_BYTES] += (uint64_t)rows * len;
    } else if (width == 16 && ext >= col && end - len - col + 16 <= m->mem_bytes && end <= 0x100000000ull) {
        /* A few channels (packed taps, the image's edges): each row one 16-byte read at ext - col
         * and one store, the bytes outside [col, col + len) filled (no byte stores a 16-byte
         * read of the row right after could not take from the store buffer). */
        uint8_t keep[16], put[16];
        for (uint32_t b = 0; b < 16; b++) keep[b] = b >= col && b < col + len ? 0xFF : 0, put[b] = (uint8_t)(fill & ~keep[b]);
        for (uint32_t i = 0; i < rows; i++, row += 16) {
            uint8_t t[16];
            memcpy(t, m->mem + ext - col + (size_t)i * stride, 16);
            for (uint32_t b = 0; b < 16; b++) t[b] = (uint8_t)((t[b] & keep[b]) | put[b]);
            memcpy(row, t, 16);
        }
        m->counters[MICA_CNT_DMA_RD_BYTES] += (uint64_t)rows * len;
    } else {
        for (uint32_t i = 0; i < rows; i++, row += width) {
            uint64_t e = ext + (uint64_t)i * stride + len;
            if (e > m->mem_bytes || e > 0x100000000ull) return MICA_ERR_BUS;   /* the rows before it are written */
            memset(row, fill, col);
            memcpy(row + col, m->mem + (e - len), len);
            memset(row + col + len, fill, width - col - len);
            m->counters[MICA_CNT_DMA_RD_BYTES] += len;
        }
    }
    m->counters[target == 0 ? MICA_CNT_ASPAD_WRITES : MICA_CNT_WSPAD_WRITES] += target < 2 ? rows : 0;
    return 0;
}

static uint32_t op_loadw(mica_fm_t *m, const mica_instr_t *in) {
    uint32_t addr = GET(in, MICA_F_LOADW_WSPAD_ADDR);
    if (GET(in, MICA_F_LOADW_VECTOR)) {   /* one row for the vector unit (DWCONV) */
        if (addr + 1 > m->cfg.wspad_depth) return MICA_ERR_MEM_RANGE;
        memcpy(m->v_shadow, m->wspad + (size_t)addr * m->cfg.cols, m->cfg.cols);
        m->counters[MICA_CNT_WSPAD_READS]++;
        return 0;
    }
    if (addr + m->cfg.rows > m->cfg.wspad_depth) return MICA_ERR_MEM_RANGE;
    memcpy(m->w_shadow, m->wspad + (size_t)addr * m->cfg.cols, (size_t)m->cfg.rows * m->cfg.cols);
    m->counters[MICA_CNT_WSPAD_READS] += m->cfg.rows;
    return 0;
}

void mica_fm_decode_matmul(const mica_instr_t *in, mica_fm_matmul_t *d) {
    d->in_h = GET(in, MICA_F_MATMUL_IN_H); d->in_w = GET(in, MICA_F_MATMUL_IN_W);
    d->out_h = GET(in, MICA_F_MATMUL_OUT_H); d->out_w = GET(in, MICA_F_MATMUL_OUT_W);
    d->acc_addr = GET(in, MICA_F_MATMUL_ACC_ADDR); d->aspad = GET(in, MICA_F_MATMUL_ASPAD_ADDR);
    d->sy = GET(in, MICA_F_MATMUL_STRIDE_Y); d->sx = GET(in, MICA_F_MATMUL_STRIDE_X);
    d->off_y = (int32_t)GET(in, MICA_F_MATMUL_OFF_Y); d->off_x = (int32_t)GET(in, MICA_F_MATMUL_OFF_X);
    d->z_in = (int32_t)GET(in, MICA_F_MATMUL_Z_IN);
    d->accumulate = (int)GET(in, MICA_F_MATMUL_ACCUMULATE);
}

/* The window checks MATMUL and DWCONV share. */
static uint32_t check_window(const mica_fm_t *m, const mica_fm_matmul_t *d) {
    if (!d->in_h || !d->in_w || !d->out_h || !d->out_w || !d->sy || !d->sx) return MICA_ERR_BAD_LEN;
    if (d->acc_addr + d->out_h * d->out_w > m->cfg.acc_depth || d->aspad + d->in_h * d->in_w > m->cfg.aspad_depth)
        return MICA_ERR_MEM_RANGE;
    return 0;
}

/* Implicit im2col: row m of A = the activation vector of output pixel m, zero point removed,
 * 0 outside the tile (padding). */
void mica_fm_gather_rows(const mica_fm_t *m, const mica_fm_matmul_t *d, float *a, size_t lda) {
    uint32_t R = m->cfg.rows, t = 0;
    for (uint32_t oy = 0; oy < d->out_h; oy++)
        for (uint32_t ox = 0; ox < d->out_w; ox++, t++) {
            int64_t iy = (int64_t)oy * d->sy + d->off_y, ix = (int64_t)ox * d->sx + d->off_x;
            float *row = a + (size_t)t * lda;
            if (iy < 0 || iy >= d->in_h || ix < 0 || ix >= d->in_w) {
                memset(row, 0, sizeof(float) * R);
                continue;
            }
            const int8_t *src = m->aspad + ((size_t)d->aspad + (size_t)iy * d->in_w + (size_t)ix) * R;
            for (uint32_t r = 0; r < R; r++) row[r] = (float)(src[r] - d->z_in);
        }
}

/* ACC (+)= A x W through OpenBLAS sgemm. Consecutive MATMULs that accumulate into the same ACC rows
 * (the kernel taps and input-channel folds of one output fold) are batched into one sgemm with
 * K = tiles x ROWS: [A_1 .. A_k] x [W_1; ..; W_k]. The batch is flushed before anything reads ACC.
 * Exact: |a| <= 255, |w| <= 128, so every partial sum is an integer below
 * FM_MAX_TILES * ROWS * 255 * 128; the batch is capped so that stays below 2^24, where float
 * holds every integer exactly (tests/unit/test_func_exact.c checks the bound). */
static void flush_batch(mica_fm_t *m) {
    if (!m->batch_tiles) return;
    uint32_t R = m->cfg.rows, C = m->cfg.cols, T = m->batch_t, K = m->batch_tiles * R;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)T, (int)C, (int)K, 1.0f, m->a_float,
                (int)(m->batch_max_tiles * R), m->w_float, (int)C, 0.0f, m->p_float, (int)C);
    int32_t *acc = m->acc + (size_t)m->batch_acc * C;
    const float *p = m->p_float;
    size_t n = (size_t)T * C;
    if (m->batch_accumulate)
        for (size_t i = 0; i < n; i++) acc[i] = (int32_t)((uint32_t)acc[i] + (uint32_t)(int32_t)p[i]);
    else
        for (size_t i = 0; i < n; i++) acc[i] = (int32_t)p[i];
    m->batch_tiles = 0;
}

static uint32_t op_matmul(mica_fm_t *m, const mica_instr_t *in) {
    mica_fm_matmul_t d;
    mica_fm_decode_matmul(in, &d);
    uint32_t R = m->cfg.rows, C = m->cfg.cols, T = d.out_h * d.out_w, err = check_window(m, &d);
    if (err) return err;
    memcpy(m->w_active, m->w_shadow, (size_t)R * C);
    if (m->batch_tiles && (!d.accumulate || d.acc_addr != m->batch_acc || T != m->batch_t ||
                           m->batch_tiles == m->batch_max_tiles))
        flush_batch(m);
    if (!m->batch_tiles) {
        m->batch_acc = d.acc_addr;
        m->batch_t = T;
        m->batch_accumulate = d.accumulate;
    }
    uint32_t j = m->batch_tiles++;
    float *w = m->w_float + (size_t)j * R * C;
    for (size_t i = 0; i < (size_t)R * C; i++) w[i] = (float)m->w_active[i];
    mica_fm_gather_rows(m, &d, m->a_float + (size_t)j * R, m->batch_max_tiles * R);
    m->counters[MICA_CNT_MACS] += (uint64_t)T * R * C;
    m->counters[MICA_CNT_ASPAD_READS] += T;
    m->counters[MICA_CNT_ACC_WRITES] += T;
    if (d.accumulate) m->counters[MICA_CNT_ACC_READS] += T;
    return 0;
}

/* RESCALE's result depends only on the input byte: q for each of the 256, by the definition. */
void mica_fm_rescale_table(const mica_instr_t *in, int32_t tab[256]) {
    int32_t z = (int32_t)GET(in, MICA_F_RESCALE_Z_IN), mult = (int32_t)GET(in, MICA_F_RESCALE_MULT);
    int ls = (int)GET(in, MICA_F_RESCALE_LEFT_SHIFT), rs = (int)GET(in, MICA_F_RESCALE_RIGHT_SHIFT);
    for (int b = 0; b < 256; b++) {
        int32_t s = (int32_t)((uint32_t)((int8_t)b - z) << ls);   /* fits: left_shift <= 22 (checked) */
        tab[b] = mica_rdbpot(mica_srdhm(s, mult), rs);
    }
}

FM_CLONES
void mica_fm_rescale_rows(const mica_fm_t *m, uint32_t aspad, uint32_t rows, const int32_t *tab, int accumulate,
                          int32_t *out, size_t stride) {
    uint32_t R = m->cfg.rows, C = m->cfg.cols, L = R < C ? R : C;
    for (uint32_t i = 0; i < rows; i++, out += stride) {
        const uint8_t *src = (const uint8_t *)m->aspad + (size_t)(aspad + i) * R;
        for (uint32_t c = 0; c < L; c++) out[c] = (int32_t)((accumulate ? (uint32_t)out[c] : 0) + (uint32_t)tab[src[c]]);
        if (!accumulate) memset(out + L, 0, sizeof *out * (C - L));   /* a = 0 there: q = 0 */
    }
}

static void vector_counters(mica_fm_t *m, uint32_t rows, int accumulate) {
    m->counters[MICA_CNT_MACS] += (uint64_t)rows * (m->cfg.rows < m->cfg.cols ? m->cfg.rows : m->cfg.cols);
    m->counters[MICA_CNT_ASPAD_READS] += rows;
    m->counters[MICA_CNT_ACC_WRITES] += rows;
    if (accumulate) m->counters[MICA_CNT_ACC_READS] += rows;
}

/* DWCONV: one depthwise tap, lane c = channel c: ACC[m][c] (+)= (a[c] - z_in) * V[c] (mode MAC) or
 * the running maximum of a[c] - z_in (mode MAX). */
static uint32_t op_dwconv(mica_fm_t *m, const mica_instr_t *in) {
    mica_fm_matmul_t d;
    mica_fm_decode_matmul(in, &d);   /* same fields as MATMUL */
    uint32_t C = m->cfg.cols, mode = GET(in, MICA_F_DWCONV_MODE);
    uint32_t err = mode > 1 ? MICA_ERR_BAD_LEN : check_window(m, &d);
    if (err) return err;
    memcpy(m->v_active, m->v_shadow, C);   /* both modes: Vactive = Vshadow as of issue */
    int16_t w[C];
    for (uint32_t c = 0; c < C; c++) w[c] = m->v_active[c];
    mica_fp_dw_taps(m, &d, w, 1, (int)mode, d.accumulate, m->acc + (size_t)d.acc_addr * C, C);
    vector_counters(m, d.out_h * d.out_w, d.accumulate);
    return 0;
}

/* RESCALE: ACC[acc_addr + i][c] (+)= TFLite's ADD input stage of ASPAD[aspad_addr + i][c]. */
static uint32_t op_rescale(mica_fm_t *m, const mica_instr_t *in) {
    uint32_t aspad = GET(in, MICA_F_RESCALE_ASPAD_ADDR), acc = GET(in, MICA_F_RESCALE_ACC_ADDR);
    uint32_t rows = GET(in, MICA_F_RESCALE_ROWS), C = m->cfg.cols;
    int accumulate = (int)GET(in, MICA_F_RESCALE_ACCUMULATE);
    if (!rows || GET(in, MICA_F_RESCALE_LEFT_SHIFT) > 22) return MICA_ERR_BAD_LEN;   /* 9 x 31-bit lanes */
    if (acc + rows > m->cfg.acc_depth || aspad + rows > m->cfg.aspad_depth) return MICA_ERR_MEM_RANGE;
    int32_t tab[256];
    mica_fm_rescale_table(in, tab);
    mica_fm_rescale_rows(m, aspad, rows, tab, accumulate, m->acc + (size_t)acc * C, C);
    vector_counters(m, rows, accumulate);
    return 0;
}

/* LiteRT's double-precision requantization (STORE round mode 2) with the host's IEEE double:
 * scale = m53 * 2^(e-53) is exact, and x * scale rounds once to 53 bits exactly like
 * mica_mul_real's fl64 (no subnormals or overflow for an 8-bit e); then halves round away from zero
 * (t = trunc(y) and y - t are exact) and the result saturates. tests/unit/test_func_exact.c checks it
 * equals mica_mul_real. */
static double real_scale(uint64_t m53, int e) {
    union { uint64_t u; double d; } pow2;   /* 2^(e-53) built directly: ldexp is a slow libm call */
    pow2.u = (uint64_t)(1023 + e - 53) << 52;   /* a normal double for any 8-bit e */
    return (double)m53 * pow2.d;
}

static inline int32_t mul_real_host(int32_t x, double scale) {
    double y = (double)x * scale;
    y = y > 4294967296.0 ? 4294967296.0 : y < -4294967296.0 ? -4294967296.0 : y;   /* keeps the casts defined */
    int64_t t = (int64_t)y;
    double f = y - (double)t;
    t += (int64_t)(f >= 0.5) - (int64_t)(f <= -0.5);   /* branch-free: the data makes it unpredictable */
    return (int32_t)(t > INT32_MAX ? INT32_MAX : t < INT32_MIN ? INT32_MIN : t);
}

/* The double path needs a normalized multiplier (2^52 <= m53 < 2^53, as the compiler writes it):
 * only then does mica_mul_real's saturation match the double's range. */
static int real_normalized(uint64_t m53) { return m53 >> 52 == 1; }

int32_t mica_fm_mul_real_host(int32_t x, uint64_t m53, int e) {
    return real_normalized(m53) ? mul_real_host(x, real_scale(m53, e)) : mica_mul_real(x, m53, e);
}

/* A STORE's output stage (the bit-exact mica_requantize) with the per-column constants computed
 * once: the interpreter builds one per STORE, translations one per STORE when they are built.
 * One allocation: the struct, then the column arrays (8-byte ones first, for alignment). */
static mica_fm_requant_t *requant_alloc(uint32_t len) {
    size_t n = len ? len : 1;
    mica_fm_requant_t *q = malloc(sizeof *q + n * (5 * sizeof(int64_t) + 4 * sizeof(int32_t)));
    if (!q) return NULL;
    q->scale = (double *)(q + 1);
    q->m53 = (uint64_t *)(q->scale + n);
    q->half = (int64_t *)(q->m53 + n);
    q->below = q->half + n;
    q->right = q->below + n;
    q->bias = (int32_t *)(q->right + n);
    q->mult = q->bias + n;
    q->shift = q->mult + n;
    q->left = q->shift + n;
    q->len = len;
    q->simd = 0;
    return q;
}

mica_fm_requant_t *mica_fm_requant_join(const mica_fm_requant_t *a, const mica_fm_requant_t *b) {
    mica_fm_requant_t *q = requant_alloc(a->len + b->len);
    if (!q) return NULL;
    q->mode = a->mode;
    q->slow = a->slow | b->slow;
    q->simd = a->simd < b->simd ? a->simd : b->simd;
    q->z = a->z; q->lo = a->lo; q->hi = a->hi;
#define JOIN(f) (memcpy(q->f, a->f, sizeof *q->f * a->len), memcpy(q->f + a->len, b->f, sizeof *q->f * b->len))
    JOIN(scale); JOIN(m53); JOIN(half); JOIN(below); JOIN(right); JOIN(bias); JOIN(mult); JOIN(shift); JOIN(left);
#undef JOIN
    return q;
}

mica_fm_requant_t *mica_fm_requant_new(const mica_instr_t *in, const int32_t *set, uint32_t C) {
    uint32_t len = GET(in, MICA_F_STORE_LEN);
    mica_fm_requant_t *q = requant_alloc(len);
    if (!q) return NULL;
    q->mode = (int)GET(in, MICA_F_STORE_ROUND);
    q->z = (int32_t)GET(in, MICA_F_STORE_Z_OUT);
    q->lo = (int32_t)GET(in, MICA_F_STORE_ACT_MIN);
    q->hi = (int32_t)GET(in, MICA_F_STORE_ACT_MAX);
    q->slow = q->mode == MICA_ROUND_SINGLE;
#ifdef FM_X86
    q->simd = __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") ? 2 : __builtin_cpu_supports("avx2") != 0;
#endif
    const int32_t *mult = set + C, *shift_row = mult + C, *mlo = shift_row + C;
    for (uint32_t c = 0; c < len; c++) {
        int s = (int8_t)(shift_row[c] & 0xFF);   /* as mica_requantize */
        q->bias[c] = set[c];
        q->mult[c] = mult[c];
        q->shift[c] = q->mode == MICA_ROUND_REAL ? s : s > 30 ? 30 : s < -31 ? -31 : s;
        mica_rescale_t r = mica_rescale_make(mult[c], q->mode == MICA_ROUND_DOUBLE ? q->shift[c] : 0);
        q->left[c] = r.left;
        q->half[c] = (int64_t)r.half * (1ll << 31);
        q->below[c] = r.below;
        q->right[c] = r.total_right;
        q->m53[c] = (uint64_t)(uint32_t)mult[c] << 21 | ((uint32_t)mlo[c] & 0x1FFFFFu);
        q->scale[c] = real_normalized(q->m53[c]) ? real_scale(q->m53[c], s) : 0.0;
        q->slow |= q->mode == MICA_ROUND_REAL && q->scale[c] == 0.0;
    }
    return q;
}

/* mica_rescale on the constants as column arrays (a struct per column does not vectorize),
 * columns [c0, len). */
FM_CLONES
static void requant_double(const mica_fm_requant_t *q, uint32_t c0, const int32_t *restrict acc, size_t acc_stride, uint32_t rows, uint8_t *restrict dst, uint64_t stride) {
    const uint32_t len = q->len;
    const int32_t z = q->z, lo = q->lo, hi = q->hi, *restrict bias = q->bias, *restrict mult = q->mult, *restrict left = q->left;
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
/* Round 0, eight columns at a time from C0, their constants in registers for all rows (the
 * compiler's version of requant_double emulates 64-bit shifts). AVX2 has no 64-bit arithmetic
 * shift: t + nudge (mica_rescale) shifts logically as u = t + nudge + 2^62, which lies in
 * [0, 2^64) for any int32 a and multiplier, and 2^(62 - right) comes off after. Even and odd
 * columns take one 32 x 32 -> 64-bit multiply each. */
__attribute__((target("avx2")))
static uint32_t requant_double_avx2(const mica_fm_requant_t *q, uint32_t c0, const int32_t *acc, size_t acc_stride,
                                    uint32_t rows, uint8_t *dst, uint64_t stride) {
    const __m256i z = _mm256_set1_epi32(q->z), lo = _mm256_set1_epi32(q->lo), hi = _mm256_set1_epi32(q->hi);
    const __m256i max32 = _mm256_set1_epi64x(INT32_MAX), neg = _mm256_set1_epi64x(-(1ll << 30));
    const __m256i bytes = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                           0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const int64_t K = (1ll << 62) + (1ll << 30);
    for (; c0 + 8 <= q->len; c0 += 8) {
        const __m256i bias = _mm256_loadu_si256((const __m256i *)(q->bias + c0));
        const __m256i left = _mm256_loadu_si256((const __m256i *)(q->left + c0));
        const __m256i mult[2] = {_mm256_loadu_si256((const __m256i *)(q->mult + c0)), _mm256_srli_epi64(mult[0], 32)};
        __m256i add[2], below[2], right[2], off[2];
        for (int h = 0; h < 2; h++) {   /* h = 0: columns c0, c0 + 2, ...; 1: c0 + 1, c0 + 3, ... */
            const int64_t *hf = q->half + c0 + h, *bl = q->below + c0 + h, *rt = q->right + c0 + h;
            add[h] = _mm256_setr_epi64x(hf[0] + K, hf[2] + K, hf[4] + K, hf[6] + K);
            below[h] = _mm256_setr_epi64x(bl[0], bl[2], bl[4], bl[6]);
            right[h] = _mm256_setr_epi64x(rt[0], rt[2], rt[4], rt[6]);
            off[h] = _mm256_srlv_epi64(_mm256_set1_epi64x(1ll << 62), right[h]);
        }
        const int32_t *a_row = acc + c0;
        uint8_t *d = dst + c0;
        for (uint32_t i = 0; i < rows; i++, a_row += acc_stride, d += stride) {
            __m256i a = _mm256_sllv_epi32(_mm256_add_epi32(_mm256_loadu_si256((const __m256i *)a_row), bias), left), v[2];
            for (int h = 0; h < 2; h++) {
                __m256i p = _mm256_mul_epi32(h ? _mm256_srli_epi64(a, 32) : a, mult[h]);
                __m256i u = _mm256_sub_epi64(_mm256_add_epi64(p, add[h]), _mm256_and_si256(_mm256_cmpgt_epi64(neg, p), below[h]));
                __m256i y = _mm256_sub_epi64(_mm256_srlv_epi64(u, right[h]), off[h]);
                v[h] = _mm256_blendv_epi8(y, max32, _mm256_cmpgt_epi64(y, max32));
            }
            __m256i y = _mm256_add_epi32(_mm256_blend_epi32(v[0], _mm256_slli_epi64(v[1], 32), 0xAA), z);
            y = _mm256_shuffle_epi8(_mm256_min_epi32(_mm256_max_epi32(y, lo), hi), bytes);
            y = _mm256_permutevar8x32_epi32(y, _mm256_setr_epi32(0, 4, 1, 1, 1, 1, 1, 1));
            _mm_storel_epi64((__m128i *)d, _mm256_castsi256_si128(y));
        }
    }
    return c0;
}

/* The same sixteen columns at a time where AVX-512 has the 64-bit arithmetic shift and minimum. */
__attribute__((target("avx512f,avx512bw,avx512vl")))
static uint32_t requant_double_512(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride, uint32_t rows,
                                   uint8_t *dst, uint64_t stride) {
    const __m512i z = _mm512_set1_epi32(q->z), lo = _mm512_set1_epi32(q->lo), hi = _mm512_set1_epi32(q->hi);
    const __m512i max32 = _mm512_set1_epi64(INT32_MAX), neg = _mm512_set1_epi64(-(1ll << 30)), nudge = _mm512_set1_epi64(1ll << 30);
    const __m512i pick[2] = {_mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15)};
    uint32_t c0 = 0;
    for (; c0 + 16 <= q->len; c0 += 16) {
        const __m512i bias = _mm512_loadu_si512(q->bias + c0), left = _mm512_loadu_si512(q->left + c0);
        const __m512i mult[2] = {_mm512_loadu_si512(q->mult + c0), _mm512_srli_epi64(mult[0], 32)};
        __m512i add[2], below[2], right[2];
#define FM_PICK(a, h) _mm512_permutex2var_epi64(_mm512_loadu_si512((a) + c0), pick[h], _mm512_loadu_si512((a) + c0 + 8))
        for (int h = 0; h < 2; h++) {   /* h = 0: columns c0, c0 + 2, ...; 1: c0 + 1, c0 + 3, ... */
            add[h] = _mm512_add_epi64(nudge, FM_PICK(q->half, h));
            below[h] = FM_PICK(q->below, h);
            right[h] = FM_PICK(q->right, h);
        }
#undef FM_PICK
        const int32_t *a_row = acc + c0;
        uint8_t *d = dst + c0;
        for (uint32_t i = 0; i < rows; i++, a_row += acc_stride, d += stride) {
            __m512i a = _mm512_sllv_epi32(_mm512_add_epi32(_mm512_loadu_si512(a_row), bias), left), v[2];
            for (int h = 0; h < 2; h++) {
                __m512i p = _mm512_mul_epi32(h ? _mm512_srli_epi64(a, 32) : a, mult[h]), t = _mm512_add_epi64(p, add[h]);
                t = _mm512_mask_sub_epi64(t, _mm512_cmplt_epi64_mask(p, neg), t, below[h]);
                v[h] = _mm512_min_epi64(_mm512_srav_epi64(t, right[h]), max32);
            }
            __m512i y = _mm512_add_epi32(_mm512_mask_blend_epi32(0xAAAA, v[0], _mm512_slli_epi64(v[1], 32)), z);
            _mm_storeu_si128((__m128i *)d, _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(y, lo), hi)));
        }
    }
    return c0;
}
#endif

/* mul_real_host with the saturation moved before the rounding (the same result: the bounds are
 * integers), so every step has a vector instruction. */
FM_CLONES_512 FM_FINITE
static void requant_real(const mica_fm_requant_t *q, const int32_t *restrict acc, size_t acc_stride, uint32_t rows, uint8_t *restrict dst, uint64_t stride) {
    const uint32_t len = q->len;
    const int32_t z = q->z, lo = q->lo, hi = q->hi, *restrict bias = q->bias;
    const double *restrict scale = q->scale;
    for (uint32_t i = 0; i < rows; i++, acc += acc_stride, dst += stride)
        for (uint32_t c = 0; c < len; c++) {
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

/* Round mode 1, and mode 2 with a multiplier the double path cannot take. */
static void requant_slow(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride, uint32_t rows, uint8_t *dst, uint64_t stride) {
    for (uint32_t i = 0; i < rows; i++, acc += acc_stride, dst += stride)
        for (uint32_t c = 0; c < q->len; c++) {
            int32_t x = (int32_t)((uint32_t)acc[c] + (uint32_t)q->bias[c]);
            x = q->mode == MICA_ROUND_SINGLE ? mica_mul_single_round(x, q->mult[c], q->shift[c])
              : q->scale[c] != 0.0 ? mul_real_host(x, q->scale[c]) : mica_mul_real(x, q->m53[c], q->shift[c]);
            dst[c] = (uint8_t)mica_clamp32((int32_t)((uint32_t)x + (uint32_t)q->z), q->lo, q->hi);
        }
}

void mica_fm_requant_rows(const mica_fm_requant_t *q, const int32_t *acc, size_t acc_stride, uint32_t rows, uint8_t *dst, uint64_t stride) {
    if (q->slow) requant_slow(q, acc, acc_stride, rows, dst, stride);
    else if (q->mode == MICA_ROUND_DOUBLE) {
        uint32_t c0 = 0;
#ifdef FM_X86
        if (q->simd == 2) c0 = requant_double_512(q, acc, acc_stride, rows, dst, stride);
        if (q->simd) c0 = requant_double_avx2(q, c0, acc, acc_stride, rows, dst, stride);
#endif
        if (c0 < q->len) requant_double(q, c0, acc, acc_stride, rows, dst, stride);
    }
    else requant_real(q, acc, acc_stride, rows, dst, stride);
}

static uint32_t op_store(mica_fm_t *m, const mica_instr_t *in) {
    uint32_t acc_addr = GET(in, MICA_F_STORE_ACC_ADDR), rows = GET(in, MICA_F_STORE_ROWS);
    uint32_t len = GET(in, MICA_F_STORE_LEN), set = GET(in, MICA_F_STORE_PARAM_SET);
    uint64_t ext = GET(in, MICA_F_STORE_EXT_ADDR), stride = GET(in, MICA_F_STORE_EXT_STRIDE);
    if (len == 0 || len > m->cfg.cols || GET(in, MICA_F_STORE_ROUND) > MICA_ROUND_REAL) return MICA_ERR_BAD_LEN;
    if (acc_addr + rows > m->cfg.acc_depth || set >= m->cfg.param_sets) return MICA_ERR_MEM_RANGE;
    /* rows before the first out-of-range one are written, as the RTL does */
    uint32_t ok = 0;
    while (ok < rows && ext + (uint64_t)ok * stride + len <= m->mem_bytes) ok++;
    mica_fm_requant_t *q = mica_fm_requant_new(in, m->param + (size_t)4 * set * m->cfg.cols, m->cfg.cols);
    if (!q) return MICA_ERR_BUS;   /* host out of memory: no better code to report */
    if (ok) mica_fm_note_write(m, ext, (uint64_t)(ok - 1) * stride + len);
    mica_fm_requant_rows(q, m->acc + (size_t)acc_addr * m->cfg.cols, m->cfg.cols, ok, m->mem + ext, stride);
    free(q);
    m->counters[MICA_CNT_DMA_WR_BYTES] += (uint64_t)ok * len;
    m->counters[MICA_CNT_ACC_READS] += ok;
    return ok < rows ? MICA_ERR_BUS : 0;
}

static uint32_t execute(mica_fm_t *m, const mica_instr_t *in, int *end) {
    switch (GET(in, MICA_F_OPCODE)) {
    case MICA_OP_LOAD: return mica_fm_load(m, in);
    case MICA_OP_LOADW: return op_loadw(m, in);
    case MICA_OP_MATMUL: return op_matmul(m, in);
    case MICA_OP_DWCONV: flush_batch(m); return op_dwconv(m, in);
    case MICA_OP_RESCALE: flush_batch(m); return op_rescale(m, in);
    case MICA_OP_STORE: flush_batch(m); return op_store(m, in);
    case MICA_OP_SYNC: return 0;
    case MICA_OP_END: flush_batch(m); *end = 1; return 0;
    default: return MICA_ERR_ILLEGAL_OPCODE;
    }
}

uint32_t mica_fm_run(mica_fm_t *m) {
    if (m->plans && mica_fp_run(m)) return 0;
    mica_fp_materialize(m);
    uint32_t err = mica_fm_interpret(m);
    if (!err && m->plans) mica_fp_translate(m);
    return err;
}

void mica_fm_note_write(mica_fm_t *m, uint64_t addr, uint64_t bytes) {
    if (m->plans) mica_fp_note_write(m, addr, bytes);
}

/* The analytic model's cycle figures for the range just run, remembered per code (FNV-1a of the
 * instructions): programs that stay interpreted run it once, not on every inference. */
static void predicted_cycles(mica_fm_t *m) {
    const uint8_t *code = m->mem + m->prog_addr;
    size_t n = (size_t)(m->pc + 1) * MICA_INSTR_BYTES;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ code[i]) * 1099511628211ull;
    fm_cost_memo_t *e = &m->cost_memo[h % FM_COST_MEMO];
    if (e->hash != h || e->bytes != n) {
        mica_cost_t cost;
        mica_cost_instrs(&m->cfg, (const mica_instr_t *)code, m->pc + 1, &cost);
        *e = (fm_cost_memo_t){h, n, cost.cycles, cost.array_cycles};
    }
    m->counters[MICA_CNT_CYCLES] = e->cycles;
    m->counters[MICA_CNT_ARRAY_BUSY] = e->array_cycles;
}

uint32_t mica_fm_interpret(mica_fm_t *m) {
    memset(m->counters, 0, sizeof m->counters);
    m->done = m->error = 0;
    m->error_code = 0;
    m->batch_tiles = 0;
    for (m->pc = 0;; m->pc++) {
        uint64_t a = (uint64_t)m->prog_addr + (uint64_t)m->pc * MICA_INSTR_BYTES;
        uint32_t err = 0;
        int end = 0;
        mica_instr_t in;
        if (m->pc >= m->prog_len) err = MICA_ERR_PROG_END;
        else if (a + MICA_INSTR_BYTES > m->mem_bytes) err = MICA_ERR_BUS;
        else {
            memcpy(&in, m->mem + a, sizeof in);   /* little-endian host, like the bus */
            m->counters[MICA_CNT_FETCH_BYTES] += MICA_INSTR_BYTES;
            m->counters[MICA_CNT_INSTRS]++;
            err = execute(m, &in, &end);
        }
        if (err) {
            flush_batch(m);   /* the MATMULs before the error completed, as in the RTL */
            m->error = 1;
            m->error_code = err;
            m->error_pc = m->pc;
            return err;
        }
        if (end) {
            predicted_cycles(m);
            m->done = 1;
            return 0;
        }
    }
}
