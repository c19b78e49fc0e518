/* mica disasm FILE.mica [--step N]: every step of a program and every instruction of its
 * accelerator steps, with named fields (include/mica_disasm.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "mica_disasm.h"
#include "mica_ops.h"
#include "mica_port.h"
#include "mica_program.h"

static void print_header(const mica_program_t *p, const char *shown) {
    const mica_prog_header_t *h = &p->hdr;
    printf(
        "program %s: array %ux%u (aspad %u, wspad %u, acc %u rows, %u param sets, bus %u bytes), "
        "%u steps, %u instructions\n",
        shown, h->rows, h->cols, h->aspad_depth, h->wspad_depth, h->acc_depth, h->param_sets,
        h->bus_bytes, h->nsteps, h->code_count);
}

/* One step: its line, then (accelerator steps) each instruction with its program-wide index.
 * Returns the number of instructions that did not decode. */
static unsigned print_step(const mica_program_t *p, uint32_t index) {
    const mica_prog_step_t *st = &p->steps[index];
    char name[MICA_NAME_LEN + 1], shown[4 * MICA_NAME_LEN + 8], line[512];
    memcpy(name, st->name, MICA_NAME_LEN);
    name[MICA_NAME_LEN] = 0;
    mica_escape_name(name, shown, sizeof shown);
    int accel = st->kind == MICA_STEP_ACCEL;
    printf("step %u  %-5s %s -> \"%s\"", index, accel ? "ACCEL" : "CPU", mica_step_op_name(st),
           shown);
    if (!accel) {
        printf("\n");
        return 0;
    }
    printf("  instructions %u..%u\n", st->instr_first, st->instr_first + st->instr_count - 1);
    const uint8_t *code = p->image + (p->hdr.code_addr - p->hdr.image_addr);
    unsigned bad = 0;
    for (uint32_t i = st->instr_first; i < st->instr_first + st->instr_count; i++) {
        mica_instr_t in;
        mica_instr_from_bytes(code + (size_t)i * MICA_INSTR_BYTES, &in);
        bad += mica_disasm_instr(&in, line, sizeof line) != 0;
        printf("%6u  %s\n", i, line);
    }
    return bad;
}

static int parse_args(int argc, char **argv, const char **file, long long *step) {
    *file = NULL;
    *step = -1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--step") && i + 1 < argc) {
            if (cli_parse_count("disasm", "--step", argv[++i], 0, UINT32_MAX, step))
                return -1;
        } else if (!*file && argv[i][0] != '-') {
            *file = argv[i];
        } else {
            return cli_unexpected("disasm", argv[i]);
        }
    }
    if (!*file) {
        fprintf(stderr, "%s disasm: give a program: mica disasm FILE.mica [--step N]\n", cli_prog);
        return -1;
    }
    return 0;
}

int cli_disasm(int argc, char **argv) {
    const char *file;
    long long step;
    if (parse_args(argc, argv, &file, &step))
        return 2;
    char shown[300], err[600], err_shown[700];
    mica_escape_name(file, shown, sizeof shown);
    size_t len = 0;
    uint8_t *bytes = NULL;
    int too_big = 0;
    if (mica_port_read_file(file, MICA_PROG_MAX_BYTES, &bytes, &len, &too_big, err, sizeof err)) {
        fprintf(stderr, "%s disasm: %s: %s\n", cli_prog, shown,
                mica_escape_name(err, err_shown, sizeof err_shown));
        return 1;
    }
    mica_program_t p;
    int rc = mica_program_parse(bytes, len, &p, err, sizeof err);
    mica_port_free(bytes);
    if (rc) {
        fprintf(stderr, "%s disasm: %s: %s\n", cli_prog, shown,
                mica_escape_name(err, err_shown, sizeof err_shown));
        return 1;
    }
    if (step >= (long long)p.hdr.nsteps) {
        fprintf(stderr, "%s disasm: --step %lld: the program has steps 0..%u\n", cli_prog, step,
                p.hdr.nsteps - 1);
        mica_program_free(&p);
        return 1;
    }
    print_header(&p, shown);
    unsigned bad = 0;
    for (uint32_t i = 0; i < p.hdr.nsteps; i++)
        if (step < 0 || (uint32_t)step == i)
            bad += print_step(&p, i);
    mica_program_free(&p);
    if (bad)
        fprintf(stderr, "%s disasm: %s: %u instructions with an undefined opcode\n", cli_prog,
                shown, bad);
    return bad ? 1 : 0;
}
