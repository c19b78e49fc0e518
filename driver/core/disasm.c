/* Disassembler (include/mica_disasm.h): every field comes from the generated descriptor table. */
#include "mica_disasm.h"
#include <stdarg.h>
#include "mica_fmt.h"

void mica_instr_from_bytes(const uint8_t bytes[MICA_INSTR_BYTES], mica_instr_t *out) {
    out->w[0] = out->w[1] = 0;
    for (unsigned i = 0; i < MICA_INSTR_BYTES; i++)
        out->w[i / 8] |= (uint64_t)bytes[i] << (8 * (i % 8));
}

/* Appends printf output at *pos, never past len (snprintf truncates; *pos keeps counting). */
static void put(char *buf, size_t len, size_t *pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char *buf, size_t len, size_t *pos, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = mica_vsnprintf(*pos < len ? buf + *pos : NULL, *pos < len ? len - *pos : 0, fmt, ap);
    va_end(ap);
    if (n > 0)
        *pos += (size_t)n;
}

static void put_wait(char *buf, size_t len, size_t *pos, unsigned wait) {
    put(buf, len, pos, " wait=");
    if (!wait) {
        put(buf, len, pos, "0");
        return;
    }
    const char *sep = "";
    for (unsigned bit = 0; wait >> bit; bit++) {
        if (!((wait >> bit) & 1u))
            continue;
        const char *name = mica_unit_name(bit);
        if (name)
            put(buf, len, pos, "%s%s", sep, name);
        else
            put(buf, len, pos, "%sbit%u", sep, bit);
        sep = "|";
    }
}

static void put_field(char *buf, size_t len, size_t *pos, const mica_field_desc_t *f, int64_t v) {
    for (unsigned i = 0; i < f->nvalues; i++) {
        if (f->values[i].value == v) {
            put(buf, len, pos, " %s=%s", f->name, f->values[i].name);
            return;
        }
    }
    if (f->hex)
        put(buf, len, pos, " %s=0x%llx", f->name, (unsigned long long)v);
    else
        put(buf, len, pos, " %s=%lld", f->name, (long long)v);
    if (v < f->min || v > f->max)
        put(buf, len, pos, "(illegal)");
}

int mica_disasm_instr(const mica_instr_t *in, char *buf, size_t len) {
    size_t pos = 0;
    if (len)
        buf[0] = 0;
    unsigned opcode = mica_instr_opcode(in);
    const mica_op_desc_t *op = mica_op_desc(opcode);
    if (!op) {
        put(buf, len, &pos, ".word 0x%016llx%016llx  ; illegal opcode %u",
            (unsigned long long)in->w[1], (unsigned long long)in->w[0], opcode);
        return -1;
    }
    put(buf, len, &pos, "%-7s", op->name);
    put_wait(buf, len, &pos, mica_instr_wait(in));
    for (unsigned i = 0; i < op->nfields; i++) {
        const mica_field_desc_t *f = &op->fields[i];
        put_field(buf, len, &pos, f, mica_get_f(in, f->lsb, f->width, (int)f->is_signed));
    }
    return 0;
}
