/* Serializes the builder as a .mica file (layout in driver/mica_program.h). */
#include <stdio.h>
#include <string.h>
#include "compiler.h"

static uint32_t place(uint32_t *cursor, size_t bytes) {
    uint32_t at = *cursor;
    *cursor = (uint32_t)((at + bytes + 7) & ~(size_t)7);
    return at;
}

static int write_all(FILE *f, const void *p, size_t n, uint32_t at) {
    return fseek(f, (long)at, SEEK_SET) == 0 && fwrite(p, 1, n, f) == n ? 0 : -1;
}

int mica_write_program(mica_builder_t *b, const char *path) {
    mica_prog_header_t h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MICA_PROG_MAGIC, 8);
    h.format = MICA_PROG_FORMAT;
    h.spec_version = MICA_SPEC_VERSION;
    h.rows = b->hw.rows; h.cols = b->hw.cols;
    h.aspad_depth = b->hw.aspad_depth; h.wspad_depth = b->hw.wspad_depth;
    h.acc_depth = b->hw.acc_depth; h.param_sets = b->hw.param_sets; h.bus_bytes = b->hw.bus_bytes;
    if (mica_buf_align(&b->consts, 16)) return -1;
    size_t image_size = b->consts.len + b->code.len;
    h.arena_addr = 0;
    h.arena_size = b->arena_size;
    h.image_addr = b->image_addr;
    h.image_size = (uint32_t)image_size;
    h.code_addr = b->image_addr + (uint32_t)b->consts.len;
    h.code_count = mica_code_count(b);
    h.ext_size = (uint32_t)((b->image_addr + image_size + 4095) & ~(size_t)4095);
    h.ntensors = (uint32_t)(b->tensors.len / sizeof(mica_prog_tensor_t));
    h.nsteps = (uint32_t)(b->steps.len / sizeof(mica_prog_step_t));
    h.ninputs = b->ninputs;
    h.noutputs = b->noutputs;
    h.params_size = (uint32_t)b->params.len;
    uint32_t cur = sizeof h;
    h.image_offset = place(&cur, image_size);
    h.tensors_offset = place(&cur, b->tensors.len);
    h.steps_offset = place(&cur, b->steps.len);
    h.inputs_offset = place(&cur, 4u * h.ninputs);
    h.outputs_offset = place(&cur, 4u * h.noutputs);
    h.params_offset = place(&cur, b->params.len);
    FILE *f = fopen(path, "wb");
    if (!f) { snprintf(b->err, sizeof b->err, "%s: cannot create", path); return -1; }
    int rc = write_all(f, &h, sizeof h, 0) |
             write_all(f, b->consts.data, b->consts.len, h.image_offset) |
             write_all(f, b->code.data, b->code.len, h.image_offset + (uint32_t)b->consts.len) |
             write_all(f, b->tensors.data, b->tensors.len, h.tensors_offset) |
             write_all(f, b->steps.data, b->steps.len, h.steps_offset) |
             write_all(f, b->inputs, 4u * h.ninputs, h.inputs_offset) |
             write_all(f, b->outputs, 4u * h.noutputs, h.outputs_offset) |
             write_all(f, b->params.data, b->params.len, h.params_offset);
    if (rc == 0 && cur > (uint32_t)ftell(f)) rc = write_all(f, "\0\0\0\0\0\0\0", cur - (uint32_t)ftell(f), (uint32_t)ftell(f));
    if (fclose(f) != 0) rc = -1;
    if (rc) snprintf(b->err, sizeof b->err, "%s: write failed", path);
    return rc;
}
