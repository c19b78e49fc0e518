/* Serializes the builder as a .mica file (layout in include/mica_program.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compiler.h"
#include "mica_control.h"
#include "mica_program.h"

static uint32_t place(uint32_t *cursor, size_t bytes) {
    uint32_t at = *cursor;
    *cursor = (uint32_t)((at + bytes + 7) & ~(size_t)7);
    return at;
}

static void put(uint8_t *file, uint32_t at, const void *p, size_t n) {
    if (n)
        memcpy(file + at, p, n);
}

int mica_write_program(mica_builder_t *b, const char *path) {
    mica_prog_header_t h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, MICA_PROG_MAGIC, 8);
    h.format = MICA_PROG_FORMAT;
    for (size_t i = 0; i < b->steps.len / sizeof(mica_prog_step_t); i++)
        if (((const mica_prog_step_t *)b->steps.data)[i].kind == MICA_STEP_CTRL)
            h.format = MICA_PROG_FORMAT_CTRL; /* older drivers refuse it by its format */
    h.spec_version = MICA_SPEC_VERSION;
    h.rows = b->hw.rows;
    h.cols = b->hw.cols;
    h.aspad_depth = b->hw.aspad_depth;
    h.wspad_depth = b->hw.wspad_depth;
    h.acc_depth = b->hw.acc_depth;
    h.param_sets = b->hw.param_sets;
    h.bus_bytes = b->hw.bus_bytes;
    h.req_lanes = (uint16_t)(mica_hw_req_lanes(&b->hw) == b->hw.cols ? 0 : b->hw.req_lanes);
    h.absent = (uint8_t)b->hw.absent;
    h.req_mul_cycles = (uint8_t)(mica_hw_req_mul_cycles(&b->hw) == 1 ? 0 : b->hw.req_mul_cycles);
    if (mica_buf_align(&b->consts, 16))
        return -1;
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
    /* every section plus its alignment padding, in 64 bits so that no offset below can wrap */
    uint64_t need = sizeof h + (uint64_t)image_size + b->tensors.len + b->steps.len +
                    4ull * (h.ninputs + h.noutputs) + b->params.len + 6 * 8;
    if (need > MICA_PROG_MAX_BYTES) {
        snprintf(b->err, sizeof b->err,
                 "%s: the program would be %llu bytes, more than the %u MiB a driver loads", path,
                 (unsigned long long)need, MICA_PROG_MAX_BYTES >> 20);
        return -1;
    }
    uint32_t cur = sizeof h;
    h.image_offset = place(&cur, image_size);
    h.tensors_offset = place(&cur, b->tensors.len);
    h.steps_offset = place(&cur, b->steps.len);
    h.inputs_offset = place(&cur, 4u * h.ninputs);
    h.outputs_offset = place(&cur, 4u * h.noutputs);
    h.params_offset = place(&cur, b->params.len);
    uint8_t *file = calloc(1, cur);
    if (!file) {
        snprintf(b->err, sizeof b->err, "out of memory");
        return -1;
    }
    put(file, 0, &h, sizeof h);
    put(file, h.image_offset, b->consts.data, b->consts.len);
    put(file, h.image_offset + (uint32_t)b->consts.len, b->code.data, b->code.len);
    put(file, h.tensors_offset, b->tensors.data, b->tensors.len);
    put(file, h.steps_offset, b->steps.data, b->steps.len);
    put(file, h.inputs_offset, b->inputs, 4u * h.ninputs);
    put(file, h.outputs_offset, b->outputs, 4u * h.noutputs);
    put(file, h.params_offset, b->params.data, b->params.len);
    mica_program_seal(file, cur); /* size and CRC-32 over everything above */
    FILE *f = fopen(path, "wb");
    int rc = f && fwrite(file, 1, cur, f) == cur ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    free(file);
    if (rc)
        snprintf(b->err, sizeof b->err, "%s: cannot write", path);
    return rc;
}
