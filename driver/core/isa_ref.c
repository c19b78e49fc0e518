/* The reference interpreter of the Mica ISA: each opcode is the pseudo-code of its "doc" in
 * hw/mica.json, written plainly (numeric contract: hw/ARCHITECTURE.md section 7, the arithmetic of
 * include/mica_fixedpoint.h). Speed is the func backend's fast path's business, not this file's. */
#include <string.h>
#include "mica_isa_ref.h"
#include "mica_fixedpoint.h"

#define GET(in, field) MICA_GET((in), field)

static uint32_t lanes(const mica_hw_config_t *c) { return c->rows < c->cols ? c->rows : c->cols; }

/* ---- static checks, in rtl/mica_decode.sv's order ---- */

/* A LOAD target's row width in bytes and depth in rows. */
static void load_geometry(const mica_hw_config_t *c, uint32_t target, uint32_t *width, uint32_t *depth) {
    if (target == MICA_REF_TARGET_ASPAD) *width = c->rows, *depth = c->aspad_depth;
    else if (target == MICA_REF_TARGET_WSPAD) *width = c->cols, *depth = c->wspad_depth;
    else *width = 4 * c->cols, *depth = MICA_REF_PARAM_ROWS * c->param_sets;
}

static uint32_t check_load(const mica_hw_config_t *c, const mica_instr_t *in) {
    uint64_t target = GET(in, MICA_F_LOAD_TARGET), rows = GET(in, MICA_F_LOAD_ROWS), len = GET(in, MICA_F_LOAD_LEN);
    uint32_t width, depth;
    if (target > MICA_REF_TARGET_PARAM) return MICA_ERR_BAD_TARGET;
    load_geometry(c, (uint32_t)target, &width, &depth);
    if (rows == 0 || len == 0 || GET(in, MICA_F_LOAD_COL) + len > width) return MICA_ERR_BAD_LEN;
    if (GET(in, MICA_F_LOAD_MEM_ADDR) + rows > depth) return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

static uint32_t check_loadw(const mica_hw_config_t *c, const mica_instr_t *in) {
    uint64_t rows = GET(in, MICA_F_LOADW_VECTOR) ? 1 : c->rows;
    return GET(in, MICA_F_LOADW_WSPAD_ADDR) + rows > c->wspad_depth ? MICA_ERR_MEM_RANGE : MICA_ERR_NONE;
}

/* MATMUL's window; DWCONV has the same fields at the same positions. */
static uint32_t check_window(const mica_hw_config_t *c, const mica_instr_t *in) {
    uint64_t in_h = GET(in, MICA_F_MATMUL_IN_H), in_w = GET(in, MICA_F_MATMUL_IN_W);
    uint64_t out_h = GET(in, MICA_F_MATMUL_OUT_H), out_w = GET(in, MICA_F_MATMUL_OUT_W);
    if (!in_h || !in_w || !out_h || !out_w || !GET(in, MICA_F_MATMUL_STRIDE_Y) || !GET(in, MICA_F_MATMUL_STRIDE_X))
        return MICA_ERR_BAD_LEN;
    if (GET(in, MICA_F_MATMUL_ACC_ADDR) + out_h * out_w > c->acc_depth ||
        GET(in, MICA_F_MATMUL_ASPAD_ADDR) + in_h * in_w > c->aspad_depth)
        return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

static uint32_t check_rescale(const mica_hw_config_t *c, const mica_instr_t *in) {
    uint64_t rows = GET(in, MICA_F_RESCALE_ROWS);
    if (rows == 0 || GET(in, MICA_F_RESCALE_LEFT_SHIFT) > MICA_REF_RESCALE_LEFT_SHIFT_MAX) return MICA_ERR_BAD_LEN;
    if (GET(in, MICA_F_RESCALE_ACC_ADDR) + rows > c->acc_depth || GET(in, MICA_F_RESCALE_ASPAD_ADDR) + rows > c->aspad_depth)
        return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

static uint32_t check_store(const mica_hw_config_t *c, const mica_instr_t *in) {
    uint64_t rows = GET(in, MICA_F_STORE_ROWS), len = GET(in, MICA_F_STORE_LEN);
    if (rows == 0 || len == 0 || len > c->cols || GET(in, MICA_F_STORE_ROUND) > MICA_REF_ROUND_LAST) return MICA_ERR_BAD_LEN;
    if (GET(in, MICA_F_STORE_ACC_ADDR) + rows > c->acc_depth || GET(in, MICA_F_STORE_PARAM_SET) >= c->param_sets)
        return MICA_ERR_MEM_RANGE;
    return MICA_ERR_NONE;
}

uint32_t mica_isa_ref_check(const mica_hw_config_t *c, const mica_instr_t *in) {
    switch (GET(in, MICA_F_OPCODE)) {
    case MICA_OP_LOAD: return check_load(c, in);
    case MICA_OP_LOADW: return check_loadw(c, in);
    case MICA_OP_MATMUL: return check_window(c, in);
    case MICA_OP_DWCONV: return GET(in, MICA_F_DWCONV_MODE) > MICA_REF_DWCONV_MAX ? MICA_ERR_BAD_LEN : check_window(c, in);
    case MICA_OP_RESCALE: return check_rescale(c, in);
    case MICA_OP_STORE: return check_store(c, in);
    case MICA_OP_SYNC:
    case MICA_OP_END: return MICA_ERR_NONE;
    default: return MICA_ERR_ILLEGAL_OPCODE;
    }
}

/* ---- the opcodes ---- */

/* The bytes a row's DMA counts: whole bus beats (RTL), or the bytes copied (PAYLOAD). */
static uint64_t dma_bytes(const mica_isa_ref_t *s, uint64_t addr, uint32_t len) {
    uint64_t b = s->cfg.bus_bytes ? s->cfg.bus_bytes : 1;
    return s->counting == MICA_REF_COUNT_PAYLOAD ? len : (addr % b + len + b - 1) / b * b;
}

/* for i in [0,rows): row = target[mem_addr+i]; row[0:col) = fill; row[col:col+len) =
 * ext[ext_addr + i*ext_stride ..]; row[col+len:) = fill. */
uint32_t mica_isa_ref_load(mica_isa_ref_t *s, const mica_instr_t *in) {
    uint32_t target = (uint32_t)GET(in, MICA_F_LOAD_TARGET), mem_addr = (uint32_t)GET(in, MICA_F_LOAD_MEM_ADDR);
    uint32_t rows = (uint32_t)GET(in, MICA_F_LOAD_ROWS), len = (uint32_t)GET(in, MICA_F_LOAD_LEN);
    uint32_t col = (uint32_t)GET(in, MICA_F_LOAD_COL), width, depth;
    uint64_t ext = GET(in, MICA_F_LOAD_EXT_ADDR), stride = GET(in, MICA_F_LOAD_EXT_STRIDE);
    uint8_t fill = (uint8_t)GET(in, MICA_F_LOAD_FILL);
    load_geometry(&s->cfg, target, &width, &depth);
    uint8_t *base = target == MICA_REF_TARGET_ASPAD ? (uint8_t *)s->aspad
                  : target == MICA_REF_TARGET_WSPAD ? (uint8_t *)s->wspad : (uint8_t *)s->param;
    for (uint32_t i = 0; i < rows; i++) {
        uint64_t addr = ext + (uint64_t)i * stride;
        if (addr + len > s->mem_bytes) return MICA_ERR_BUS;
        uint8_t *row = base + (size_t)(mem_addr + i) * width;   /* PARAM: little-endian int32, as the host */
        memset(row, fill, width);
        memcpy(row + col, s->mem + addr, len);
        s->counters[MICA_CNT_DMA_RD_BYTES] += dma_bytes(s, addr, len);
        if (target == MICA_REF_TARGET_ASPAD) s->counters[MICA_CNT_ASPAD_WRITES]++;
        if (target == MICA_REF_TARGET_WSPAD) s->counters[MICA_CNT_WSPAD_WRITES]++;
    }
    return MICA_ERR_NONE;
}

/* vector = 0: Wshadow[r][c] = WSPAD[wspad_addr + r][c]; vector = 1: Vshadow[c] = WSPAD[wspad_addr][c]. */
void mica_isa_ref_loadw(mica_isa_ref_t *s, const mica_instr_t *in) {
    uint32_t addr = (uint32_t)GET(in, MICA_F_LOADW_WSPAD_ADDR), C = s->cfg.cols;
    int vector = GET(in, MICA_F_LOADW_VECTOR) != 0;
    uint32_t rows = vector ? 1 : s->cfg.rows;
    memcpy(vector ? s->v_shadow : s->w_shadow, s->wspad + (size_t)addr * C, (size_t)rows * C);
    s->counters[MICA_CNT_WSPAD_READS] += rows;
}

/* The window MATMUL and DWCONV share. */
typedef struct {
    uint32_t accumulate, aspad, acc, in_h, in_w, out_h, out_w, sy, sx;
    int32_t z, off_y, off_x;
} window_t;

static window_t decode_window(const mica_instr_t *in) {
    window_t w;
    w.accumulate = (uint32_t)GET(in, MICA_F_MATMUL_ACCUMULATE);
    w.z = (int32_t)GET(in, MICA_F_MATMUL_Z_IN);
    w.aspad = (uint32_t)GET(in, MICA_F_MATMUL_ASPAD_ADDR);
    w.acc = (uint32_t)GET(in, MICA_F_MATMUL_ACC_ADDR);
    w.in_h = (uint32_t)GET(in, MICA_F_MATMUL_IN_H);
    w.in_w = (uint32_t)GET(in, MICA_F_MATMUL_IN_W);
    w.out_h = (uint32_t)GET(in, MICA_F_MATMUL_OUT_H);
    w.out_w = (uint32_t)GET(in, MICA_F_MATMUL_OUT_W);
    w.sy = (uint32_t)GET(in, MICA_F_MATMUL_STRIDE_Y);
    w.sx = (uint32_t)GET(in, MICA_F_MATMUL_STRIDE_X);
    w.off_y = (int32_t)GET(in, MICA_F_MATMUL_OFF_Y);
    w.off_x = (int32_t)GET(in, MICA_F_MATMUL_OFF_X);
    return w;
}

/* Output pixel m = oy*out_w + ox reads input pixel (oy*stride_y + off_y, ox*stride_x + off_x):
 * its ASPAD row, or NULL outside the tile (padding: a = 0). */
static const int8_t *pixel(const mica_isa_ref_t *s, const window_t *w, uint32_t oy, uint32_t ox) {
    int64_t iy = (int64_t)oy * w->sy + w->off_y, ix = (int64_t)ox * w->sx + w->off_x;
    if (iy < 0 || iy >= w->in_h || ix < 0 || ix >= w->in_w) return NULL;
    return s->aspad + ((size_t)w->aspad + (size_t)iy * w->in_w + (size_t)ix) * s->cfg.rows;
}

/* The counters of one output row of the array or the vector unit. */
static void count_row(mica_isa_ref_t *s, uint64_t macs, int inside, uint32_t accumulate) {
    s->counters[MICA_CNT_MACS] += macs;
    s->counters[MICA_CNT_ASPAD_READS] += inside || s->counting == MICA_REF_COUNT_PAYLOAD;
    s->counters[MICA_CNT_ACC_READS] += accumulate;
    s->counters[MICA_CNT_ACC_WRITES]++;
}

/* Wactive = Wshadow; ACC[acc_addr+m][c] = (accumulate ? ACC : 0) + sum_r (ASPAD[..][r] - z_in) *
 * Wactive[r][c], int32 wrapping. */
void mica_isa_ref_matmul(mica_isa_ref_t *s, const mica_instr_t *in) {
    window_t w = decode_window(in);
    uint32_t R = s->cfg.rows, C = s->cfg.cols;
    memcpy(s->w_active, s->w_shadow, (size_t)R * C);
    for (uint32_t oy = 0; oy < w.out_h; oy++)
        for (uint32_t ox = 0; ox < w.out_w; ox++) {
            const int8_t *a = pixel(s, &w, oy, ox);
            int32_t *out = s->acc + ((size_t)w.acc + (size_t)oy * w.out_w + ox) * C;
            for (uint32_t c = 0; c < C; c++) {
                uint32_t sum = w.accumulate ? (uint32_t)out[c] : 0;
                for (uint32_t r = 0; a && r < R; r++) sum += (uint32_t)((a[r] - w.z) * s->w_active[(size_t)r * C + c]);
                out[c] = (int32_t)sum;
            }
            count_row(s, (uint64_t)R * C, a != NULL, w.accumulate);
        }
}

/* Vactive = Vshadow; lane c (< LANES) takes channel c: MAC adds a * Vactive[c], MAX keeps the
 * running maximum of a; columns past LANES see a = 0. */
void mica_isa_ref_dwconv(mica_isa_ref_t *s, const mica_instr_t *in) {
    window_t w = decode_window(in);
    uint32_t C = s->cfg.cols, L = lanes(&s->cfg);
    int max = GET(in, MICA_F_DWCONV_MODE) == MICA_REF_DWCONV_MAX;
    memcpy(s->v_active, s->v_shadow, C);
    for (uint32_t oy = 0; oy < w.out_h; oy++)
        for (uint32_t ox = 0; ox < w.out_w; ox++) {
            const int8_t *px = pixel(s, &w, oy, ox);
            int32_t *out = s->acc + ((size_t)w.acc + (size_t)oy * w.out_w + ox) * C;
            for (uint32_t c = 0; c < C; c++) {
                int32_t a = c < L && px ? px[c] - w.z : 0;
                if (max) out[c] = w.accumulate && out[c] > a ? out[c] : a;
                else out[c] = (int32_t)((w.accumulate ? (uint32_t)out[c] : 0) + (uint32_t)(a * s->v_active[c]));
            }
            count_row(s, L, px != NULL, w.accumulate);
        }
}

/* TFLite's ADD input stage per lane: q = RoundingDivideByPOT(SRDHM(a << left_shift, mult),
 * right_shift), added into ACC. */
void mica_isa_ref_rescale(mica_isa_ref_t *s, const mica_instr_t *in) {
    uint32_t accumulate = (uint32_t)GET(in, MICA_F_RESCALE_ACCUMULATE), rows = (uint32_t)GET(in, MICA_F_RESCALE_ROWS);
    uint32_t aspad = (uint32_t)GET(in, MICA_F_RESCALE_ASPAD_ADDR), acc = (uint32_t)GET(in, MICA_F_RESCALE_ACC_ADDR);
    int32_t z = (int32_t)GET(in, MICA_F_RESCALE_Z_IN), mult = (int32_t)GET(in, MICA_F_RESCALE_MULT);
    int left = (int)GET(in, MICA_F_RESCALE_LEFT_SHIFT), right = (int)GET(in, MICA_F_RESCALE_RIGHT_SHIFT);
    uint32_t C = s->cfg.cols, L = lanes(&s->cfg);
    for (uint32_t i = 0; i < rows; i++) {
        const int8_t *src = s->aspad + (size_t)(aspad + i) * s->cfg.rows;
        int32_t *out = s->acc + (size_t)(acc + i) * C;
        for (uint32_t c = 0; c < C; c++) {
            int32_t a = c < L ? src[c] - z : 0;
            int32_t q = mica_rdbpot(mica_srdhm((int32_t)((uint32_t)a << left), mult), right);
            out[c] = (int32_t)((accumulate ? (uint32_t)out[c] : 0) + (uint32_t)q);
        }
        count_row(s, L, 1, accumulate);
    }
}

/* ext[ext_addr + i*ext_stride + c] = int8(clamp(requant(ACC[acc_addr+i][c] + bias[c]) + z_out)),
 * the PARAM set's bias, multiplier, shift and low multiplier bits per column. */
uint32_t mica_isa_ref_store(mica_isa_ref_t *s, const mica_instr_t *in) {
    uint32_t acc = (uint32_t)GET(in, MICA_F_STORE_ACC_ADDR), rows = (uint32_t)GET(in, MICA_F_STORE_ROWS);
    uint32_t len = (uint32_t)GET(in, MICA_F_STORE_LEN), set = (uint32_t)GET(in, MICA_F_STORE_PARAM_SET);
    uint64_t ext = GET(in, MICA_F_STORE_EXT_ADDR), stride = GET(in, MICA_F_STORE_EXT_STRIDE);
    int round = (int)GET(in, MICA_F_STORE_ROUND);
    int32_t z = (int32_t)GET(in, MICA_F_STORE_Z_OUT);
    int32_t lo = (int32_t)GET(in, MICA_F_STORE_ACT_MIN), hi = (int32_t)GET(in, MICA_F_STORE_ACT_MAX);
    uint32_t C = s->cfg.cols, ok = 0;
    const int32_t *p = s->param + (size_t)MICA_REF_PARAM_ROWS * set * C;
    while (ok < rows && ext + (uint64_t)ok * stride + len <= s->mem_bytes) ok++;   /* rows before a bus error are written */
    if (ok && s->before_write) s->before_write(s->hook_ctx, ext, (uint64_t)(ok - 1) * stride + len);
    for (uint32_t i = 0; i < ok; i++) {
        const int32_t *x = s->acc + (size_t)(acc + i) * C;
        uint8_t *dst = s->mem + ext + (uint64_t)i * stride;
        for (uint32_t c = 0; c < len; c++)
            dst[c] = (uint8_t)mica_requantize(x[c], p[MICA_REF_PARAM_BIAS * C + c], p[MICA_REF_PARAM_MULT * C + c],
                                              p[MICA_REF_PARAM_MULT_LO * C + c], p[MICA_REF_PARAM_SHIFT * C + c], round,
                                              z, lo, hi);
        s->counters[MICA_CNT_ACC_READS]++;
        s->counters[MICA_CNT_DMA_WR_BYTES] += len;
    }
    return ok < rows ? MICA_ERR_BUS : MICA_ERR_NONE;
}

uint32_t mica_isa_ref_step(mica_isa_ref_t *s, const mica_instr_t *in, int *end) {
    uint32_t err = mica_isa_ref_check(&s->cfg, in);
    if (err) return err;
    switch (GET(in, MICA_F_OPCODE)) {
    case MICA_OP_LOAD: return mica_isa_ref_load(s, in);
    case MICA_OP_LOADW: mica_isa_ref_loadw(s, in); break;
    case MICA_OP_MATMUL: mica_isa_ref_matmul(s, in); break;
    case MICA_OP_DWCONV: mica_isa_ref_dwconv(s, in); break;
    case MICA_OP_RESCALE: mica_isa_ref_rescale(s, in); break;
    case MICA_OP_STORE: return mica_isa_ref_store(s, in);
    case MICA_OP_END: *end = 1; break;
    default: break;   /* SYNC: only waits */
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
        if (s->pc >= s->prog_len) err = MICA_ERR_PROG_END;
        else if (addr + MICA_INSTR_BYTES > s->mem_bytes) err = MICA_ERR_BUS;
        else {
            memcpy(&in, s->mem + addr, sizeof in);   /* little-endian host, like the bus */
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
