/* An activation LOAD of a translated run (checked by the interpreted run; the run's counters are
 * that run's): whole rows as block copies, a few-channel image's packed rows with one 16-byte read
 * and store each, anything else through the interpreter's LOAD. The choice, the addresses and the
 * packed rows' byte masks are made once when the translation is built: a small model's run is
 * mostly such steps (digits: 20 LOADs, decoding each and building its masks byte by byte every
 * run was ~10% of an inference). */
#include <string.h>
#include "func_plan_internal.h"

void mica_fp_load_prepare(const mica_isa_ref_t *s, const mica_instr_t *in, fp_load_t *ld) {
    mica_load_fields_t f;
    mica_load_decode(in, &f);
    uint32_t width = s->cfg.rows, len = f.len, col = f.col;
    uint64_t end =
        f.ext_addr + (uint64_t)(f.rows - 1) * f.ext_stride + len; /* last row ends last */
    memset(ld, 0, sizeof *ld);
    ld->rows = f.rows;
    ld->width = width;
    ld->dst = (size_t)f.mem_addr * width;
    ld->src = f.ext_addr;
    ld->stride = f.ext_stride;
    ld->need = end;
    if (f.target != MICA_LOAD_TARGET_ASPAD || !f.rows) {
        ld->mode = FP_LD_REF;
    } else if (col == 0 && len == width) {
        ld->mode = f.ext_stride == width ? FP_LD_BLOCK : width == 16 ? FP_LD_ROWS16 : FP_LD_ROWS;
    } else if (width == 16 && f.ext_addr >= col) {
        /* As two 64-bit words: no byte stores a 16-byte read of the row right after could not take
         * from the store buffer (little-endian host: byte b is bits 8 (b % 8) of word b / 8). */
        uint64_t fill = (uint8_t)f.fill;
        for (uint32_t b = 0; b < 16; b++) {
            if (b >= col && b < col + len)
                ld->keep[b / 8] |= 0xFFull << (8 * (b % 8));
            else
                ld->put[b / 8] |= fill << (8 * (b % 8));
        }
        ld->mode = FP_LD_PACKED16;
        ld->src -= col;
        uint64_t last = end - len - col + 16; /* the last row's 16-byte read ends there */
        ld->need = last > end ? last : end;
    } else {
        ld->mode = FP_LD_REF;
    }
}

void mica_fp_load_run(mica_fm_t *m, const mica_instr_t *in, const fp_load_t *ld) {
    const mica_isa_ref_t *s = m->ref;
    if (ld->mode == FP_LD_REF || ld->need > s->mem_bytes) {
        mica_isa_ref_load(m->ref, in);
        return;
    }
    int8_t *row = s->aspad + ld->dst;
    const uint8_t *src = s->mem + ld->src;
    uint32_t rows = ld->rows, width = ld->width;
    switch (ld->mode) {
    case FP_LD_BLOCK:
        memcpy(row, src, (size_t)rows * width);
        break;
    case FP_LD_ROWS16: /* the common ROWS, copied inline */
        for (uint32_t i = 0; i < rows; i++)
            memcpy(row + (size_t)i * 16, src + (size_t)i * ld->stride, 16);
        break;
    case FP_LD_ROWS:
        for (uint32_t i = 0; i < rows; i++)
            memcpy(row + (size_t)i * width, src + (size_t)i * ld->stride, width);
        break;
    default: /* FP_LD_PACKED16 */
        for (uint32_t i = 0; i < rows; i++, row += 16) {
            uint64_t t[2];
            memcpy(t, src + (size_t)i * ld->stride, 16);
            t[0] = (t[0] & ld->keep[0]) | ld->put[0];
            t[1] = (t[1] & ld->keep[1]) | ld->put[1];
            memcpy(row, t, 16);
        }
    }
}
