/* .mica program loader: nothing from the file is trusted until checked here. */
#include <stddef.h>
#include "mica_fmt.h"
#include <string.h>
#include "mica_program.h"
#include "mica_control.h"
#include "mica_crc32.h"
#include "mica_port.h"
#include "mica_isa.h"
#include "mica_kernels.h"

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        mica_snprintf(err, errlen, __VA_ARGS__);                                                   \
        return -1;                                                                                 \
    } while (0)

uint32_t mica_program_checksum(const void *bytes, size_t len) {
    const size_t at = offsetof(mica_prog_header_t, checksum);
    const uint8_t *p = bytes, zero[4] = {0};
    if (len < at + 4)
        return mica_crc32(p, len);
    uint32_t crc = mica_crc32_update(MICA_CRC32_INIT, p, at);
    crc = mica_crc32_update(crc, zero, 4);
    return ~mica_crc32_update(crc, p + at + 4, len - at - 4);
}

void mica_program_seal(void *bytes, size_t len) {
    uint32_t size = (uint32_t)len;
    memcpy((uint8_t *)bytes + offsetof(mica_prog_header_t, file_size), &size, 4);
    uint32_t crc = mica_program_checksum(bytes, len);
    memcpy((uint8_t *)bytes + offsetof(mica_prog_header_t, checksum), &crc, 4);
}

/* Magic, format, size and checksum: nothing else in the file is read before these pass. */
static int check_integrity(const uint8_t *bytes, size_t len, char *err, size_t errlen) {
    mica_prog_header_t h;
    if (len < sizeof h)
        FAIL("program: file too short (%zu bytes)", len);
    if (len > MICA_PROG_MAX_BYTES)
        FAIL("program: %zu bytes, larger than the %u MiB a program may have", len,
             MICA_PROG_MAX_BYTES >> 20);
    memcpy(&h, bytes, sizeof h);
    if (memcmp(h.magic, MICA_PROG_MAGIC, 8) != 0)
        FAIL("program: not a Mica program (bad magic)");
    if (h.format != MICA_PROG_FORMAT && h.format != MICA_PROG_FORMAT_CTRL)
        FAIL("program: format %u, this driver reads %u and %u (recompile the model)", h.format,
             MICA_PROG_FORMAT, MICA_PROG_FORMAT_CTRL);
    if (h.file_size != len)
        FAIL("program: file is %zu bytes, its header says %u (truncated or extended)", len,
             h.file_size);
    uint32_t crc = mica_program_checksum(bytes, len);
    if (crc != h.checksum)
        FAIL("program: checksum mismatch (stored 0x%08x, computed 0x%08x): file corrupted",
             h.checksum, crc);
    return 0;
}

static int section_ok(size_t file_len, uint32_t off, uint64_t count, size_t elem) {
    return off % 8 == 0 && (uint64_t)off <= file_len && count * elem <= file_len - off;
}

static int check_tensor(const mica_prog_header_t *h, const mica_prog_tensor_t *t, uint32_t i,
                        char *err, size_t errlen) {
    if (memchr(t->name, 0, MICA_NAME_LEN) == NULL)
        FAIL("program: tensor %u name not terminated", i);
    if ((t->dtype & ~(MICA_DT_TYPE_MASK | MICA_DT_STATE | MICA_DT_INDEX)) ||
        !mica_dtype_bytes(t->dtype))
        FAIL("program: tensor %u has unknown type %u", i, t->dtype);
    if ((t->dtype & MICA_DT_INDEX) &&
        ((t->dtype & ~MICA_DT_INDEX) != MICA_DT_INT32 || t->zero_point < 1))
        FAIL("program: tensor %u is an index but not int32 with a count of values (%d)", i,
             (int)t->zero_point);
    if (t->rank > MICA_MAX_RANK)
        FAIL("program: tensor %u rank %u > %d", i, t->rank, MICA_MAX_RANK);
    uint64_t n = mica_dtype_bytes(t->dtype);
    for (uint32_t d = 0; d < t->rank; d++) {
        if (t->dims[d] <= 0 || t->dims[d] > (1 << 24))
            FAIL("program: tensor %u dimension %u is %d", i, d, t->dims[d]);
        n *= (uint64_t)t->dims[d];
        if (n > 0xFFFFFFFFull)
            FAIL("program: tensor %u too large", i);
    }
    if (n != t->bytes)
        FAIL("program: tensor %u size %u does not match its shape (%llu)", i, t->bytes,
             (unsigned long long)n);
    if (t->addr < h->arena_addr ||
        (uint64_t)t->addr + t->bytes > (uint64_t)h->arena_addr + h->arena_size)
        FAIL("program: tensor %u lies outside the arena", i);
    return 0;
}

static int check_step(const mica_program_t *p, const mica_prog_step_t *s, uint32_t i, char *err,
                      size_t errlen) {
    const mica_prog_header_t *h = &p->hdr;
    if (memchr(s->name, 0, MICA_NAME_LEN) == NULL)
        FAIL("program: step %u name not terminated", i);
    if (s->ninputs > MICA_STEP_MAX_IO || s->noutputs > MICA_STEP_MAX_IO)
        FAIL("program: step %u has too many operands", i);
    for (uint32_t k = 0; k < s->ninputs; k++)
        if (s->inputs[k] < 0 || (uint32_t)s->inputs[k] >= h->ntensors)
            FAIL("program: step %u input %u is not a tensor", i, k);
    for (uint32_t k = 0; k < s->noutputs; k++)
        if (s->outputs[k] < 0 || (uint32_t)s->outputs[k] >= h->ntensors)
            FAIL("program: step %u output %u is not a tensor", i, k);
    if (s->kind == MICA_STEP_ACCEL) {
        if (s->instr_count == 0 || (uint64_t)s->instr_first + s->instr_count > h->code_count)
            FAIL("program: step %u instruction range outside the code", i);
    } else if (s->kind == MICA_STEP_CPU) {
        if ((uint64_t)s->params_offset + s->params_size > h->params_size)
            FAIL("program: step %u parameters outside the blob", i);
        if (s->params_offset % 8)
            FAIL("program: step %u parameters misaligned", i);
        if (!mica_kernel_find(s->op, NULL))
            FAIL("program: step %u uses unknown CPU kernel %u", i, s->op);
        if ((s->ninputs < 1 && s->op != MICA_CPU_CONSTANT) || s->noutputs < 1)
            FAIL("program: step %u lacks operands", i);
    } else if (s->kind == MICA_STEP_CTRL && h->format == MICA_PROG_FORMAT_CTRL) {
        mica_ctrl_t c;
        if (s->params_offset % 8)
            FAIL("program: step %u parameters misaligned", i);
        return mica_ctrl_parse(p, i, &c, err, errlen);
    } else
        FAIL("program: step %u has unknown kind %u", i, s->kind);
    return 0;
}

static int check_header(const mica_prog_header_t *h, size_t len, char *err, size_t errlen) {
    if (h->spec_version != MICA_SPEC_VERSION)
        FAIL("program: compiled for ISA version %u, driver has %u", h->spec_version,
             MICA_SPEC_VERSION);
    if (!h->rows || !h->cols || h->rows > 256 || h->cols > 256 || !h->bus_bytes)
        FAIL("program: implausible array configuration %ux%u", h->rows, h->cols);
    /* on-chip memories within what the 16-bit address and 8-bit set fields can reach */
    if (!h->aspad_depth || h->aspad_depth > 65536 || !h->wspad_depth || h->wspad_depth > 65536 ||
        !h->acc_depth || h->acc_depth > 65536 || !h->param_sets || h->param_sets > 256 ||
        h->bus_bytes > 64 || (h->bus_bytes & (h->bus_bytes - 1)))
        FAIL("program: implausible memory configuration (ASPAD %u, WSPAD %u, ACC %u rows, %u PARAM "
             "sets, %u-byte bus)",
             h->aspad_depth, h->wspad_depth, h->acc_depth, h->param_sets, h->bus_bytes);
    if (h->req_lanes > h->cols || h->absent >> MICA_NUM_FEATURES ||
        (h->req_mul_cycles > 1 && h->req_mul_cycles != 4))
        FAIL("program: implausible configuration family (%u requantization lanes for %u columns, "
             "absent features 0x%x, %u multiply cycles; allowed: lanes 0..cols, features below "
             "0x%x, 1 or 4 cycles)",
             h->req_lanes, h->cols, h->absent, h->req_mul_cycles, 1u << MICA_NUM_FEATURES);
    if (!section_ok(len, h->image_offset, h->image_size, 1))
        FAIL("program: image section outside the file");
    if (!section_ok(len, h->tensors_offset, h->ntensors, sizeof(mica_prog_tensor_t)))
        FAIL("program: tensor table outside the file");
    if (!section_ok(len, h->steps_offset, h->nsteps, sizeof(mica_prog_step_t)))
        FAIL("program: step table outside the file");
    if (!section_ok(len, h->inputs_offset, h->ninputs, 4) ||
        !section_ok(len, h->outputs_offset, h->noutputs, 4))
        FAIL("program: input/output list outside the file");
    if (!section_ok(len, h->params_offset, h->params_size, 1))
        FAIL("program: parameter blob outside the file");
    if ((uint64_t)h->arena_addr + h->arena_size > h->image_addr ||
        (uint64_t)h->image_addr + h->image_size > h->ext_size)
        FAIL("program: memory map inconsistent (arena, image and size overlap)");
    if (h->ext_size > (1u << 30))
        FAIL("program: needs %u bytes of external memory (limit 1 GiB)", h->ext_size);
    if (h->code_addr % MICA_INSTR_BYTES || h->code_addr < h->image_addr ||
        (uint64_t)h->code_addr + (uint64_t)h->code_count * MICA_INSTR_BYTES >
            (uint64_t)h->image_addr + h->image_size)
        FAIL("program: code outside the image");
    if (h->nsteps == 0 || h->ninputs == 0 || h->noutputs == 0)
        FAIL("program: no steps, inputs or outputs");
    return 0;
}

int mica_program_parse(const void *bytes, size_t len, mica_program_t *p, char *err, size_t errlen) {
    memset(p, 0, sizeof *p);
    if (check_integrity(bytes, len, err, errlen))
        return -1;
    p->blob = mica_port_alloc(len);
    if (!p->blob)
        FAIL("program: out of memory");
    memcpy(p->blob, bytes, len);
    memcpy(&p->hdr, p->blob, sizeof p->hdr);
    const mica_prog_header_t *h = &p->hdr;
    if (check_header(h, len, err, errlen))
        goto fail;
    p->image = p->blob + h->image_offset;
    p->tensors = (const mica_prog_tensor_t *)(p->blob + h->tensors_offset);
    p->steps = (const mica_prog_step_t *)(p->blob + h->steps_offset);
    p->inputs = (const uint32_t *)(p->blob + h->inputs_offset);
    p->outputs = (const uint32_t *)(p->blob + h->outputs_offset);
    p->params = p->blob + h->params_offset;
    for (uint32_t i = 0; i < h->ntensors; i++)
        if (check_tensor(h, &p->tensors[i], i, err, errlen))
            goto fail;
    for (uint32_t i = 0; i < h->nsteps; i++)
        if (check_step(p, &p->steps[i], i, err, errlen))
            goto fail;
    for (uint32_t i = 0; i < h->ninputs; i++)
        if (p->inputs[i] >= h->ntensors) {
            mica_snprintf(err, errlen, "program: input %u is not a tensor", i);
            goto fail;
        }
    for (uint32_t i = 0; i < h->noutputs; i++)
        if (p->outputs[i] >= h->ntensors) {
            mica_snprintf(err, errlen, "program: output %u is not a tensor", i);
            goto fail;
        }
    return 0;
fail:
    mica_program_free(p);
    return -1;
}

void mica_program_free(mica_program_t *p) {
    mica_port_free(p->blob);
    memset(p, 0, sizeof *p);
}
