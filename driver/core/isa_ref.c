/* The reference interpreter of the Mica ISA: each opcode is the pseudo-code of its "doc" in
 * hw/mica.json, written plainly (numeric contract: hw/ARCHITECTURE.md section 7, the arithmetic of
 * include/mica_fixedpoint.h). Speed is the func backend's fast path's business, not this file's. */
#include <string.h>
#include "mica_isa_ref.h"
#include "mica_gemv.h"
#include "mica_fixedpoint.h"

static uint32_t lanes(const mica_hw_config_t *c) {
    return c->rows < c->cols ? c->rows : c->cols;
}

/* MATMUL's and DWCONV's window: the fields both opcodes have, from either's decoded fields. */
typedef struct {
    uint32_t accumulate, aspad, acc, in_h, in_w, out_h, out_w, sy, sx;
    int32_t z, off_y, off_x;
} window_t;

#define WINDOW_OF(f)                                                                               \
    ((window_t){(f).accumulate, (f).aspad_addr, (f).acc_addr, (f).in_h, (f).in_w, (f).out_h,       \
                (f).out_w, (f).stride_y, (f).stride_x, (f).z_in, (f).off_y, (f).off_x})

/* ---- static checks, in rtl/mica_decode.sv's order ---- */

/* A LOAD target's row width in bytes (PARAM: COLS int32) and depth in rows. */
static void load_geometry(const mica_hw_config_t *c, uint32_t target, uint32_t *width,
                          uint32_t *depth) {
    if (target == MICA_LOAD_TARGET_ASPAD)
        *width = c->rows, *depth = c->aspad_depth;
    else if (target == MICA_LOAD_TARGET_WSPAD)
        *width = c->cols, *depth = c->wspad_depth;
    else
        *width = 4 * c->cols, *depth = MICA_PARAM_ROWS * c->param_sets;
}

static uint32_t check_load(const mica_hw_config_t *c, const mica_instr_t *in) {
    mica_load_fields_t f;
    uint32_t width, depth;
    mica_load_decode(in, &f);
    if (f.target > MICA_LOAD_TARGET_MAX)
        return MICA_ERR_BAD_TARGET;
    load_geometry(c, f.target, &width, &depth);
    if (f.rows < MICA_LOAD_ROWS_MIN || f.len < MICA_LOAD_LEN_MIN || (uint64_t)f.col + f.len > width)
        return MICA_ERR_BAD_LEN;
    if ((uint64_t)f.mem_addr + f.rows > depth)
        return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

static uint32_t check_loadw(const mica_hw_config_t *c, const mica_instr_t *in) {
    mica_loadw_fields_t f;
    mica_loadw_decode(in, &f);
    uint64_t rows = f.vector == MICA_LOADW_VECTOR_ROW ? 1 : c->rows;
    return f.wspad_addr + rows > c->wspad_depth ? MICA_ERR_MEM_RANGE : MICA_ERR_NONE;
}

/* MATMUL's and DWCONV's dimensions and ranges (their limits are the same). */
static uint32_t check_window(const mica_hw_config_t *c, const window_t *w) {
    if (w->in_h < MICA_MATMUL_IN_H_MIN || w->in_w < MICA_MATMUL_IN_W_MIN ||
        w->out_h < MICA_MATMUL_OUT_H_MIN || w->out_w < MICA_MATMUL_OUT_W_MIN ||
        w->sy < MICA_MATMUL_STRIDE_Y_MIN || w->sx < MICA_MATMUL_STRIDE_X_MIN)
        return MICA_ERR_BAD_LEN;
    if (w->acc + (uint64_t)w->out_h * w->out_w > c->acc_depth ||
        w->aspad + (uint64_t)w->in_h * w->in_w > c->aspad_depth)
        return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

static uint32_t check_matmul(const mica_hw_config_t *c, const mica_instr_t *in) {
    mica_matmul_fields_t f;
    mica_matmul_decode(in, &f);
    window_t w = WINDOW_OF(f);
    return check_window(c, &w);
}

static uint32_t check_dwconv(const mica_hw_config_t *c, const mica_instr_t *in) {
    mica_dwconv_fields_t f;
    mica_dwconv_decode(in, &f);
    window_t w = WINDOW_OF(f);
    uint32_t taps = mica_dwconv_taps(c, in);
    int has_taps = !(mica_hw_absent(c) & MICA_FEATURE_DWCONV_TAPS);
    /* taps THREE and NINE: each output line's input pixels are counted in in_w's range, NINE's
     * input lines in in_h's (the RTL's walk), and NINE's line must fit the line buffer */
    uint64_t line = mica_dwconv_line(in), lines = mica_dwconv_lines(c, in);
    int bad = (has_taps && f.taps > MICA_DWCONV_TAPS_MAX) ||
              (taps > 1 && line > MICA_MATMUL_IN_W_MAX) ||
              (taps == MICA_DWCONV_VSHADOW_ROWS &&
               (line > MICA_DWCONV_LINE || lines > MICA_MATMUL_IN_H_MAX));
    return bad ? MICA_ERR_BAD_LEN : check_window(c, &w);
}

static uint32_t check_rescale(const mica_hw_config_t *c, const mica_instr_t *in) {
    mica_rescale_fields_t f;
    mica_rescale_decode(in, &f);
    if (f.rows < MICA_RESCALE_ROWS_MIN || f.left_shift > MICA_RESCALE_LEFT_SHIFT_MAX)
        return MICA_ERR_BAD_LEN;
    if ((uint64_t)f.acc_addr + f.rows > c->acc_depth ||
        (uint64_t)f.aspad_addr + f.rows > c->aspad_depth)
        return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

static uint32_t check_store(const mica_hw_config_t *c, const mica_instr_t *in) {
    mica_store_fields_t f;
    mica_store_decode(in, &f);
    if (f.rows < MICA_STORE_ROWS_MIN || f.len < MICA_STORE_LEN_MIN || f.len > c->cols ||
        f.round > MICA_STORE_ROUND_MAX)
        return MICA_ERR_BAD_LEN;
    if ((uint64_t)f.acc_addr + f.rows > c->acc_depth || f.param_set >= c->param_sets)
        return MICA_ERR_MEM_RANGE;
    if (mica_store_writes_aspad(c, in) && (uint64_t)f.ext_addr + f.rows > c->aspad_depth)
        return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

uint32_t mica_isa_ref_check(const mica_hw_config_t *c, const mica_instr_t *in) {
    if (mica_instr_feature(in) & mica_hw_refused(c))
        return MICA_ERR_ABSENT_FEATURE;
    switch (mica_instr_opcode(in)) {
    case MICA_OP_LOAD:
        return check_load(c, in);
    case MICA_OP_LOADW:
        return check_loadw(c, in);
    case MICA_OP_MATMUL:
        return check_matmul(c, in);
    case MICA_OP_DWCONV:
        return check_dwconv(c, in);
    case MICA_OP_RESCALE:
        return check_rescale(c, in);
    case MICA_OP_STORE:
        return check_store(c, in);
    case MICA_OP_GEMV: { /* not decoded without the feature */
        mica_gemv_fields_t f;
        mica_gemv_decode(in, &f);
        return mica_hw_absent(c) & MICA_FEATURE_GEMV ? MICA_ERR_ILLEGAL_OPCODE
                                                     : mica_gemv_check(c, &f);
    }
    case MICA_OP_SYNC:
    case MICA_OP_END:
        return MICA_ERR_NONE;
    default:
        return MICA_ERR_ILLEGAL_OPCODE;
    }
}

/* ---- the opcodes ---- */

/* The bytes a row's DMA counts: whole bus beats (RTL), or the bytes copied (PAYLOAD). */
static uint64_t dma_bytes(const mica_isa_ref_t *s, uint64_t addr, uint32_t len) {
    uint64_t b = s->cfg.bus_bytes ? s->cfg.bus_bytes : 1;
    return s->counting == MICA_REF_COUNT_PAYLOAD ? len : (addr % b + len + b - 1) / b * b;
}

/* for i in [0,rows): row = target[mem_addr+i]; row[0:col) = fill; row[col:col+len) =
 * ext[ext_addr + i*ext_stride + 0 .. len); row[col+len:) = fill. */
uint32_t mica_isa_ref_load(mica_isa_ref_t *s, const mica_instr_t *in) {
    mica_load_fields_t f;
    uint32_t width, depth;
    mica_load_decode(in, &f);
    load_geometry(&s->cfg, f.target, &width, &depth);
    uint8_t *base = f.target == MICA_LOAD_TARGET_ASPAD   ? (uint8_t *)s->aspad
                    : f.target == MICA_LOAD_TARGET_WSPAD ? (uint8_t *)s->wspad
                                                         : (uint8_t *)s->param;
    for (uint32_t i = 0; i < f.rows; i++) {
        uint64_t addr = f.ext_addr + (uint64_t)i * f.ext_stride;
        if (addr + f.len > s->mem_bytes)
            return MICA_ERR_BUS;
        uint8_t *row =
            base + (size_t)(f.mem_addr + i) * width; /* PARAM: little-endian int32, as the host */
        memset(row, (uint8_t)f.fill, width);
        memcpy(row + f.col, s->mem + addr, f.len);
        s->counters[MICA_CNT_DMA_RD_BYTES] += dma_bytes(s, addr, f.len);
        if (f.target == MICA_LOAD_TARGET_ASPAD)
            s->counters[MICA_CNT_ASPAD_WRITES]++;
        if (f.target == MICA_LOAD_TARGET_WSPAD)
            s->counters[MICA_CNT_WSPAD_WRITES]++;
        if (f.target == MICA_LOAD_TARGET_PARAM)
            s->counters[MICA_CNT_PARAM_WRITES]++;
    }
    return MICA_ERR_NONE;
}

/* vector = TILE: for r in [0,ROWS), c in [0,COLS): Wshadow[r][c] = int8(WSPAD[wspad_addr + r][c]).
 * vector = ROW: Vshadow[k] = Vshadow[k-1] for k = 8..1; Vshadow[0][c] = int8(WSPAD[wspad_addr][c])
 * (without DWCONV_TAPS only row 0 exists; the shift is unseen there). */
void mica_isa_ref_loadw(mica_isa_ref_t *s, const mica_instr_t *in) {
    mica_loadw_fields_t f;
    mica_loadw_decode(in, &f);
    int vector = f.vector == MICA_LOADW_VECTOR_ROW;
    uint32_t rows = vector ? 1 : s->cfg.rows, C = s->cfg.cols;
    if (vector)
        memmove(s->v_shadow + C, s->v_shadow, (size_t)(MICA_DWCONV_VSHADOW_ROWS - 1) * C);
    memcpy(vector ? s->v_shadow : s->w_shadow, s->wspad + (size_t)f.wspad_addr * C,
           (size_t)rows * C);
    s->counters[MICA_CNT_WSPAD_READS] += rows;
}

/* Output pixel m = oy*out_w + ox reads input pixel (oy*stride_y + off_y, ox*stride_x + off_x):
 * its ASPAD row, or NULL outside the tile (padding: a = 0). */
static const int8_t *pixel(const mica_isa_ref_t *s, const window_t *w, uint32_t oy, uint32_t ox) {
    int64_t iy = (int64_t)oy * w->sy + w->off_y, ix = (int64_t)ox * w->sx + w->off_x;
    if (iy < 0 || iy >= w->in_h || ix < 0 || ix >= w->in_w)
        return NULL;
    return s->aspad + ((size_t)w->aspad + (size_t)iy * w->in_w + (size_t)ix) * s->cfg.rows;
}

/* The counters of one output row of the array or the vector unit. */
static void count_row(mica_isa_ref_t *s, uint64_t macs, int inside, uint32_t accumulate) {
    s->counters[MICA_CNT_MACS] += macs;
    s->counters[MICA_CNT_ASPAD_READS] += inside || s->counting == MICA_REF_COUNT_PAYLOAD;
    s->counters[MICA_CNT_ACC_READS] += accumulate;
    s->counters[MICA_CNT_ACC_WRITES]++;
}

/* Wactive = Wshadow. for oy in [0,out_h), ox in [0,out_w): m = oy*out_w + ox; a[r] = inside ?
 * int8(ASPAD[aspad_addr + iy*in_w + ix][r]) - z_in : 0; for c: ACC[acc_addr+m][c] = (accumulate ?
 * ACC[acc_addr+m][c] : 0) + sum_r a[r]*Wactive[r][c] (int32, wrapping). */
void mica_isa_ref_matmul(mica_isa_ref_t *s, const mica_instr_t *in) {
    mica_matmul_fields_t f;
    mica_matmul_decode(in, &f);
    window_t w = WINDOW_OF(f);
    uint32_t R = s->cfg.rows, C = s->cfg.cols;
    memcpy(s->w_active, s->w_shadow, (size_t)R * C);
    for (uint32_t oy = 0; oy < w.out_h; oy++)
        for (uint32_t ox = 0; ox < w.out_w; ox++) {
            const int8_t *a = pixel(s, &w, oy, ox);
            int32_t *out = s->acc + ((size_t)w.acc + (size_t)oy * w.out_w + ox) * C;
            for (uint32_t c = 0; c < C; c++) {
                uint32_t sum = w.accumulate ? (uint32_t)out[c] : 0;
                for (uint32_t r = 0; a && r < R; r++)
                    sum += (uint32_t)((a[r] - w.z) * s->w_active[(size_t)r * C + c]);
                out[c] = (int32_t)sum;
            }
            count_row(s, (uint64_t)R * C, a != NULL, w.accumulate);
        }
}

/* One output pixel of a DWCONV: its taps (off_y + k, off_x + t) for k < rows, t < cols = taps /
 * rows, weights Vactive[(rows-1-k) * cols + t] (the last kernel row in rows 0..cols-1), summed
 * (MAC) or maximized (MAXIMUM) into ACC row `out`, combined with the old row when accumulating. */
static void dw_pixel(mica_isa_ref_t *s, const window_t *w, int max, uint32_t taps, uint32_t rows,
                     uint32_t oy, uint32_t ox, int32_t *out) {
    uint32_t C = s->cfg.cols, L = lanes(&s->cfg), cols = taps / rows;
    window_t wt = *w;
    for (uint32_t c = 0; c < C; c++) {
        int32_t v = 0;
        for (uint32_t t = 0; t < taps; t++) {
            wt.off_y = w->off_y + (int32_t)(t / cols);
            wt.off_x = w->off_x + (int32_t)(t % cols);
            const int8_t *px = pixel(s, &wt, oy, ox);
            int32_t a = c < L && px ? px[c] - w->z : 0;
            size_t row = mica_dwconv_vshadow_row(rows, cols, t);
            v = max ? (t == 0 || a > v ? a : v)
                    : (int32_t)((uint32_t)v + (uint32_t)(a * s->v_active[row * C + c]));
        }
        if (max)
            out[c] = w->accumulate && out[c] > v ? out[c] : v;
        else
            out[c] = (int32_t)((w->accumulate ? (uint32_t)out[c] : 0) + (uint32_t)v);
    }
}

/* The counters of a DWCONV of three or nine taps: the vector unit works on every input pixel of
 * each input line it walks (THREE: one per output line; NINE: all H of the window's), L =
 * (out_w-1)*stride_x + 3 of them, and writes ACC once per output. */
static void count_dw_window(mica_isa_ref_t *s, const window_t *w, const mica_instr_t *in,
                            uint32_t rows) {
    uint64_t line = mica_dwconv_line(in), lines = mica_dwconv_lines(&s->cfg, in);
    for (uint64_t j = 0; j < lines; j++) {
        int64_t iy = rows == 1 ? (int64_t)j * w->sy + w->off_y : (int64_t)j + w->off_y;
        for (uint64_t x = 0; x < line; x++) {
            int64_t ix = (int64_t)w->off_x + x;
            int inside = iy >= 0 && iy < w->in_h && ix >= 0 && ix < w->in_w;
            s->counters[MICA_CNT_MACS] += lanes(&s->cfg);
            s->counters[MICA_CNT_ASPAD_READS] += inside || s->counting == MICA_REF_COUNT_PAYLOAD;
        }
    }
    s->counters[MICA_CNT_ACC_READS] += w->accumulate ? (uint64_t)w->out_h * w->out_w : 0;
    s->counters[MICA_CNT_ACC_WRITES] += (uint64_t)w->out_h * w->out_w;
}

/* Vactive = Vshadow. For each output pixel m and c in [0,COLS), taps (k, t) of the window (THREE:
 * 1 x 3, NINE: 3 x 3 with DWCONV_TAPS, else 1 x 1): a_kt = (c < LANES && inside) ?
 * int8(ASPAD[..(iy + k, ix + t)][c]) - z_in : 0; MAC: ACC[acc_addr+m][c] = (accumulate ? ACC : 0)
 * + sum a_kt*Vactive[(rows-1-k)*cols + t][c] (int32, wrapping); MAXIMUM: ACC[acc_addr+m][c] =
 * max(accumulate ? ACC : a_00, every a_kt). */
void mica_isa_ref_dwconv(mica_isa_ref_t *s, const mica_instr_t *in) {
    mica_dwconv_fields_t f;
    mica_dwconv_decode(in, &f);
    window_t w = WINDOW_OF(f);
    uint32_t C = s->cfg.cols, taps = mica_dwconv_taps(&s->cfg, in);
    uint32_t rows = mica_dwconv_tap_rows(&s->cfg, in);
    int max = f.mode == MICA_DWCONV_MODE_MAXIMUM;
    memcpy(s->v_active, s->v_shadow, (size_t)MICA_DWCONV_VSHADOW_ROWS * C);
    for (uint32_t oy = 0; oy < w.out_h; oy++)
        for (uint32_t ox = 0; ox < w.out_w; ox++) {
            int32_t *out = s->acc + ((size_t)w.acc + (size_t)oy * w.out_w + ox) * C;
            dw_pixel(s, &w, max, taps, rows, oy, ox, out);
            if (taps == 1)
                count_row(s, lanes(&s->cfg), pixel(s, &w, oy, ox) != NULL, w.accumulate);
        }
    if (taps > 1)
        count_dw_window(s, &w, in, rows);
}

/* for i in [0,rows), c in [0,COLS): a = c < LANES ? int8(ASPAD[aspad_addr+i][c]) - z_in : 0;
 * q = RoundingDivideByPOT(SRDHM(a << left_shift, mult), right_shift); ACC[acc_addr+i][c] =
 * (accumulate ? ACC[acc_addr+i][c] : 0) + q (int32, wrapping). TFLite's ADD input stage. */
void mica_isa_ref_rescale(mica_isa_ref_t *s, const mica_instr_t *in) {
    mica_rescale_fields_t f;
    mica_rescale_decode(in, &f);
    uint32_t C = s->cfg.cols, L = lanes(&s->cfg);
    for (uint32_t i = 0; i < f.rows; i++) {
        const int8_t *src = s->aspad + (size_t)(f.aspad_addr + i) * s->cfg.rows;
        int32_t *out = s->acc + (size_t)(f.acc_addr + i) * C;
        for (uint32_t c = 0; c < C; c++) {
            int32_t a = c < L ? src[c] - f.z_in : 0;
            int32_t q =
                mica_rdbpot(mica_srdhm((int32_t)((uint32_t)a << f.left_shift), (int32_t)f.mult),
                            (int)f.right_shift);
            out[c] = (int32_t)((f.accumulate ? (uint32_t)out[c] : 0) + (uint32_t)q);
        }
        count_row(s, L, 1, f.accumulate);
    }
}

/* Requantizes ACC row acc_addr + i into dst[0 .. len) (PARAM set p, COLS int32 per row). */
static void store_row(const mica_isa_ref_t *s, const mica_store_fields_t *f, uint32_t i,
                      uint8_t *dst) {
    uint32_t C = s->cfg.cols;
    const int32_t *p = s->param + (size_t)MICA_PARAM_ROWS * f->param_set * C;
    const int32_t *x = s->acc + (size_t)(f->acc_addr + i) * C;
    for (uint32_t c = 0; c < f->len; c++)
        dst[c] =
            (uint8_t)mica_requantize(x[c], p[MICA_PARAM_BIAS * C + c], p[MICA_PARAM_MULT * C + c],
                                     p[MICA_PARAM_MULT_LO * C + c], p[MICA_PARAM_SHIFT * C + c],
                                     (int)f->round, f->z_out, f->act_min, f->act_max);
}

/* for i in [0,rows), c in [0,len): x = ACC[acc_addr+i][c] + bias[c]; y = requant(x, mult[c],
 * shift[c], round); y = clamp(y + z_out, act_min, act_max); target EXT: ext[ext_addr +
 * i*ext_stride + c] = int8(y); target ASPAD: ASPAD[ext_addr + i][c] = int8(y), lanes len..ROWS-1
 * = z_out; bias, mult, shift (and mult_lo for round REAL) from PARAM set param_set. */
uint32_t mica_isa_ref_store(mica_isa_ref_t *s, const mica_instr_t *in) {
    mica_store_fields_t f;
    mica_store_decode(in, &f);
    uint64_t ext = f.ext_addr, stride = f.ext_stride;
    uint32_t ok = 0;
    s->counters[MICA_CNT_PARAM_READS] += MICA_PARAM_ROWS; /* the set, before any row */
    if (mica_store_writes_aspad(&s->cfg, in)) {
        uint32_t R = s->cfg.rows; /* == COLS (mica_hw_absent) */
        for (uint32_t i = 0; i < f.rows; i++) {
            uint8_t *dst = (uint8_t *)s->aspad + (size_t)(f.ext_addr + i) * R;
            memset(dst + f.len, (uint8_t)f.z_out, R - f.len);
            store_row(s, &f, i, dst);
        }
        s->counters[MICA_CNT_ACC_READS] += f.rows;
        s->counters[MICA_CNT_ASPAD_WRITES] += f.rows;
        return MICA_ERR_NONE;
    }
    while (ok < f.rows && ext + (uint64_t)ok * stride + f.len <= s->mem_bytes)
        ok++; /* rows before a bus error are written */
    if (ok && s->before_write)
        s->before_write(s->hook_ctx, ext, (uint64_t)(ok - 1) * stride + f.len);
    for (uint32_t i = 0; i < ok; i++) {
        store_row(s, &f, i, s->mem + ext + (uint64_t)i * stride);
        s->counters[MICA_CNT_ACC_READS]++;
        s->counters[MICA_CNT_DMA_WR_BYTES] += f.len;
    }
    return ok < f.rows ? MICA_ERR_BUS : MICA_ERR_NONE;
}

uint32_t mica_isa_ref_step(mica_isa_ref_t *s, const mica_instr_t *in, int *end) {
    uint32_t err = mica_isa_ref_check(&s->cfg, in);
    if (err)
        return err;
    switch (mica_instr_opcode(in)) {
    case MICA_OP_LOAD:
        return mica_isa_ref_load(s, in);
    case MICA_OP_LOADW:
        mica_isa_ref_loadw(s, in);
        break;
    case MICA_OP_MATMUL:
        mica_isa_ref_matmul(s, in);
        break;
    case MICA_OP_DWCONV:
        mica_isa_ref_dwconv(s, in);
        break;
    case MICA_OP_RESCALE:
        mica_isa_ref_rescale(s, in);
        break;
    case MICA_OP_STORE:
        return mica_isa_ref_store(s, in);
    case MICA_OP_GEMV: {
        mica_gemv_fields_t f;
        mica_gemv_decode(in, &f);
        for (uint32_t j = 0; j < 2 * f.folds; j++) {
            mica_instr_t op;
            mica_gemv_op(&f, j, s->cfg.rows, &op);
            if (j % 2)
                mica_isa_ref_matmul(s, &op);
            else
                mica_isa_ref_loadw(s, &op);
        }
        s->counters[MICA_CNT_INSTRS] += 2 * f.folds - 1; /* each operation (run loop: 1) */
        break;
    }
    case MICA_OP_END:
        *end = 1;
        break;
    default:
        break; /* SYNC: only waits */
    }
    return MICA_ERR_NONE;
}

/* ---- the run loop ---- */

uint32_t mica_isa_ref_run(mica_isa_ref_t *s) {
    memset(s->counters, 0, sizeof s->counters);
    s->done = s->error = 0;
    s->error_code = MICA_ERR_NONE;
    for (s->pc = 0;; s->pc++) {
        uint64_t addr = (uint64_t)s->prog_addr + (uint64_t)s->pc * MICA_INSTR_BYTES;
        uint32_t err;
        int end = 0;
        mica_instr_t in;
        if (s->pc >= s->prog_len)
            err = MICA_ERR_PROG_END;
        else if (addr + MICA_INSTR_BYTES > s->mem_bytes)
            err = MICA_ERR_BUS;
        else {
            memcpy(&in, s->mem + addr, sizeof in); /* little-endian host, like the bus */
            s->counters[MICA_CNT_FETCH_BYTES] += MICA_INSTR_BYTES;
            s->counters[MICA_CNT_INSTRS]++;
            err = mica_isa_ref_step(s, &in, &end);
        }
        if (err) {
            s->error = 1;
            s->error_code = err;
            s->error_pc = s->pc;
            return err;
        }
        if (end) {
            s->done = 1;
            return MICA_ERR_NONE;
        }
    }
}
