/* mica compile --dump=plan,instrs: per layer, what each pass decided and what it emitted. */
#include <stdio.h>
#include <string.h>
#include "compiler.h"
#include "mica_cost.h"
#include "mica_disasm.h"
#include "mica_escape.h"
#include "mica_ops.h"

static const char *text_at(const mica_buf_t *buf, uint32_t i, size_t rec) {
    return buf->len >= (i + 1) * rec ? (const char *)buf->data + (size_t)i * rec : "";
}

/* "LOAD 14, LOADW 3, MATMUL 3, STORE 1, END 1": how many of each opcode the step has. */
static void opcode_counts(const mica_instr_t *code, uint32_t n, char *out, size_t len) {
    uint32_t count[1u << 8] = {0};
    size_t used = 0;
    for (uint32_t i = 0; i < n; i++)
        count[mica_instr_opcode(&code[i]) & 0xFFu]++;
    out[0] = 0;
    for (unsigned op = 0; op < 256; op++) {
        const mica_op_desc_t *d = mica_op_desc(op);
        if (!count[op] || !d || used + 1 >= len)
            continue;
        used += (size_t)snprintf(out + used, len - used, "%s%s %u", used ? ", " : "", d->name,
                                 count[op]);
    }
}

static void plan_lines(FILE *f, const mica_builder_t *b, uint32_t i) {
    const mica_prog_step_t *s = (const mica_prog_step_t *)b->steps.data + i;
    const mica_cost_t *c = (const mica_cost_t *)b->costs.data + i;
    const char *why = text_at(&b->reasons, i, MICA_REASON_LEN),
               *detail = text_at(&b->details, i, MICA_REASON_LEN);
    if (s->kind != MICA_STEP_ACCEL) {
        fprintf(f, "  placement: CPU, because %s%s%s\n", why, detail[0] ? ": " : "", detail);
        return;
    }
    fprintf(f, "  placement: accelerator (every partition rule holds and the layer fits)\n");
    fputs(text_at(&b->plans, i, MICA_PLAN_LEN), f);
    fprintf(f, "  memory used: ACC %u rows, ASPAD %u rows, WSPAD %u rows (peak row touched)\n",
            c->acc_rows_used, c->aspad_rows_used, c->wspad_rows_used);
    char counts[256];
    opcode_counts((const mica_instr_t *)b->code.data + s->instr_first, s->instr_count, counts,
                  sizeof counts);
    fprintf(f, "  instructions: %u (%s)\n", s->instr_count, counts);
    fprintf(f, "  estimated cycles: %llu (cost model estimate, not a measurement), %llu MACs\n",
            (unsigned long long)c->cycles, (unsigned long long)s->macs);
}

static void instr_lines(FILE *f, const mica_builder_t *b, uint32_t i) {
    const mica_prog_step_t *s = (const mica_prog_step_t *)b->steps.data + i;
    if (s->kind != MICA_STEP_ACCEL)
        return;
    const mica_instr_t *code = (const mica_instr_t *)b->code.data;
    for (uint32_t k = s->instr_first; k < s->instr_first + s->instr_count; k++) {
        char line[512];
        mica_disasm_instr(&code[k], line, sizeof line);
        fprintf(f, "  %6u  %s\n", k, line);
    }
}

void mica_write_dump(const mica_builder_t *b, unsigned what, void *file) {
    FILE *f = file;
    uint32_t n = (uint32_t)(b->steps.len / sizeof(mica_prog_step_t));
    for (uint32_t i = 0; i < n; i++) {
        const mica_prog_step_t *s = (const mica_prog_step_t *)b->steps.data + i;
        char name[64];
        fprintf(f, "layer %u \"%s\" %s: %s\n", i, mica_escape_name(s->name, name, sizeof name),
                mica_step_op_name(s), s->kind == MICA_STEP_ACCEL ? "ACCEL" : "CPU");
        if (what & MICA_DUMP_PLAN)
            plan_lines(f, b, i);
        if (what & MICA_DUMP_INSTRS)
            instr_lines(f, b, i);
    }
}
