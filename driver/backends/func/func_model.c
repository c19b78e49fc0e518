/* Functional model of the Mica ISA: one function per opcode, each a transcription of the
 * pseudo-code in hw/mica.json. */
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "func_model.h"
#include <cblas.h>
#include "mica_fixedpoint.h"
#include "mica_fixedpoint.h"
#include "mica_cost.h"
#include "func_plan.h"

#define GET MICA_GET

#include "func_simd.h"

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
    if (rows == 0 || len == 0 || col + len > width) return MICA_ERR_BAD_LEN;   /* no zero counts */
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


static uint32_t op_store(mica_fm_t *m, const mica_instr_t *in) {
    uint32_t acc_addr = GET(in, MICA_F_STORE_ACC_ADDR), rows = GET(in, MICA_F_STORE_ROWS);
    uint32_t len = GET(in, MICA_F_STORE_LEN), set = GET(in, MICA_F_STORE_PARAM_SET);
    uint64_t ext = GET(in, MICA_F_STORE_EXT_ADDR), stride = GET(in, MICA_F_STORE_EXT_STRIDE);
    if (rows == 0 || len == 0 || len > m->cfg.cols || GET(in, MICA_F_STORE_ROUND) > MICA_ROUND_REAL) return MICA_ERR_BAD_LEN;
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
