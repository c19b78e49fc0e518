#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "builder.h"
#include "mica_escape.h"

int mica_buf_append(mica_buf_t *b, const void *src, size_t n) {
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *d = realloc(b->data, cap);
        if (!d)
            return -1;
        b->data = d;
        b->cap = cap;
    }
    if (src)
        memcpy(b->data + b->len, src, n);
    else
        memset(b->data + b->len, 0, n);
    b->len += n;
    return 0;
}

int mica_buf_align(mica_buf_t *b, size_t align) {
    size_t pad = (align - b->len % align) % align;
    return pad ? mica_buf_append(b, NULL, pad) : 0;
}

void mica_buf_free(mica_buf_t *b) {
    free(b->data);
    memset(b, 0, sizeof *b);
}

uint32_t mica_const_add(mica_builder_t *b, const void *src, size_t n) {
    if (mica_buf_align(&b->consts, 16))
        return 0;
    size_t off = b->consts.len;
    if ((uint64_t)b->image_addr + off + n > 0x3FFFFFFFu || mica_buf_append(&b->consts, src, n))
        return 0;
    return b->image_addr + (uint32_t)off;
}

int mica_field_error(mica_builder_t *b, const char *layer, const char *field, int64_t v) {
    snprintf(b->err, sizeof b->err,
             "layer %s: value %lld does not fit instruction field %s (layer too large for this "
             "array configuration)",
             layer, (long long)v, field);
    return 1;
}

int mica_encoded(mica_builder_t *b, const char *layer, unsigned opcode, int rc,
                 const char *bad_field, const void *fields) {
    if (rc == 0)
        return 0;
    const mica_op_desc_t *d = mica_op_desc(opcode);
    const uint32_t *word = fields; /* every typed field is a 32-bit member, wait first */
    char name[64];
    int64_t v = 0;
    unsigned k = 0;
    while (d && k < d->nfields && strcmp(d->fields[k].name, bad_field ? bad_field : ""))
        k++;
    if (d && k < d->nfields)
        v = d->fields[k].is_signed ? (int64_t)(int32_t)word[k + 1] : (int64_t)word[k + 1];
    else if (d)
        v = word[0]; /* wait */
    snprintf(name, sizeof name, "%s_%s", d ? d->name : "?", bad_field ? bad_field : "?");
    for (char *c = name; *c; c++)
        if (*c >= 'a' && *c <= 'z')
            *c = (char)(*c - 'a' + 'A');
    mica_field_error(b, layer, name, v);
    return -1;
}

int mica_emit(mica_builder_t *b, const mica_instr_t *in) {
    return mica_buf_append(&b->code, in, sizeof *in);
}

uint32_t mica_code_count(const mica_builder_t *b) {
    return (uint32_t)(b->code.len / sizeof(mica_instr_t));
}

mica_prog_tensor_t *mica_tensor_at(mica_builder_t *b, int32_t i) {
    return (mica_prog_tensor_t *)b->tensors.data + i;
}

mica_prog_step_t *mica_step_add(mica_builder_t *b) {
    if (mica_buf_append(&b->steps, NULL, sizeof(mica_prog_step_t)))
        return NULL;
    return (mica_prog_step_t *)(b->steps.data + b->steps.len) - 1;
}

/* The compiler runs on a host: its messages print values with libc's %g (the runtime core's
 * mica_snprintf has no exact float formatting), then get escaped (names come from the model). */
int mica_fail(mica_builder_t *b, const char *fmt, ...) {
    char raw[sizeof b->err];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    if (len >= (int)sizeof raw)
        memcpy(raw + sizeof raw - 4, "...", 4); /* cut: said so */
    mica_escape_name(raw, b->err, sizeof b->err);
    return -1;
}

void mica_plan_note(mica_builder_t *b, const char *fmt, ...) {
    size_t used = strlen(b->plan_note);
    if (used + 1 >= sizeof b->plan_note)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->plan_note + used, sizeof b->plan_note - used, fmt, ap);
    va_end(ap);
}
