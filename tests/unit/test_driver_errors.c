/* libmica error paths: each failure gives its own status code and a one-line message.
 * usage: test_driver_errors PROGRAM_16x16.mica PROGRAM_8x8.mica [LONG_STEPS.mica]
 * LONG_STEPS: a program with an accelerator step longer than the default limit's floor (10,000
 * cycles; ad_autoencoder), for the derived cycle limit. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica.h"
#include "mica_program.h"
#include "mica_program.h"

static int failures;

static void expect(const char *what, mica_status_t got, mica_status_t want, mica_ctx_t *ctx) {
    int ok = got == want;
    printf("%s %-44s -> %-22s %s\n", ok ? "ok  " : "FAIL", what, mica_status_name(got),
           ctx ? mica_last_error(ctx) : "");
    failures += !ok;
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len);
    if (!b || fread(b, 1, *len, f) != *len)
        exit(2);
    fclose(f);
    return b;
}

static void hw_error_and_timeout(const char *backend, const unsigned char *prog, size_t len) {
    mica_ctx_t *ctx;
    mica_prog_header_t h;
    memcpy(&h, prog, sizeof h);
    unsigned char *bad = malloc(len);
    memcpy(bad, prog, len);
    /* instruction 1's opcode nibble -> 15 (undefined): the loader accepts it, the hardware must not */
    size_t at = h.image_offset + (h.code_addr - h.image_addr) + 16;
    bad[at] = (unsigned char)((bad[at] & 0xF0) | 0x0F);
    mica_program_seal(bad,
                      len); /* a consistent program with a bad instruction, not a damaged file */
    mica_open(backend, &ctx);
    expect("load (instruction corrupted)", mica_load(ctx, bad, len), MICA_OK, ctx);
    expect("invoke: illegal opcode", mica_invoke(ctx), MICA_E_HW, ctx);
    expect("invoke again: same error, no hang", mica_invoke(ctx), MICA_E_HW, ctx);
    mica_close(ctx);
    free(bad);
}

/* The longest accelerator step, or -1. */
static int longest_accel_step(const unsigned char *prog) {
    mica_prog_header_t h;
    memcpy(&h, prog, sizeof h);
    int best = -1;
    uint64_t best_est = 0;
    for (uint32_t i = 0; i < h.nsteps; i++) {
        mica_prog_step_t st;
        memcpy(&st, prog + h.steps_offset + (size_t)i * sizeof st, sizeof st);
        if (st.kind == MICA_STEP_ACCEL && st.est_cycles > best_est)
            best = (int)i, best_est = st.est_cycles;
    }
    return best;
}

/* Damage the checksum must catch: one bit anywhere, a truncated or an old-format file. */
static void integrity(const unsigned char *prog, size_t len) {
    mica_prog_header_t h;
    memcpy(&h, prog, sizeof h);
    unsigned char *bad = malloc(len);
    mica_ctx_t *ctx;
    mica_open("func", &ctx);
    const size_t spots[] = {h.image_offset + 5, h.code_addr - h.image_addr + h.image_offset + 3,
                            h.steps_offset + 60, len - 1, 20 /* header: cols */};
    for (size_t i = 0; i < sizeof spots / sizeof spots[0]; i++) {
        memcpy(bad, prog, len);
        bad[spots[i]] ^= 0x10;
        char what[64];
        snprintf(what, sizeof what, "load with bit 4 of byte %zu flipped", spots[i]);
        expect(what, mica_load(ctx, bad, len), MICA_E_FORMAT, ctx);
        if (!strstr(mica_last_error(ctx), "checksum mismatch")) {
            printf("FAIL  message does not name the checksum\n");
            failures++;
        }
    }
    memcpy(bad, prog, len);
    expect("load with the last byte missing", mica_load(ctx, bad, len - 1), MICA_E_FORMAT, ctx);
    bad[8] = 1; /* format 1: no checksum */
    expect("load a format-1 program", mica_load(ctx, bad, len), MICA_E_FORMAT, ctx);
    mica_close(ctx);
    free(bad);
}

/* A step whose estimate is forged to 0 (resealed: a consistent program) gets the default limit's
 * floor only, below what it needs: it must end in MICA_E_TIMEOUT, naming max_cycles. */
static void derived_cycle_limit(const char *path) {
    size_t len;
    unsigned char *prog = slurp(path, &len);
    mica_prog_header_t h;
    memcpy(&h, prog, sizeof h);
    int s = longest_accel_step(prog);
    unsigned char *bad = malloc(len), buf[4096] = {0};
    memcpy(bad, prog, len);
    uint64_t zero = 0;
    memcpy(bad + h.steps_offset + (size_t)s * sizeof(mica_prog_step_t) +
               offsetof(mica_prog_step_t, est_cycles),
           &zero, 8);
    mica_program_seal(bad, len);
    mica_ctx_t *ctx;
    mica_tensor_info_t ti;
    mica_open("rtl", &ctx);
    expect("load: longest step's estimate forged to 0", mica_load(ctx, bad, len), MICA_OK, ctx);
    mica_input_info(ctx, 0, &ti);
    size_t in_bytes = ti.bytes < sizeof buf ? ti.bytes : sizeof buf;
    mica_set_input(ctx, 0, buf, in_bytes);
    expect("invoke: derived cycle limit", mica_invoke(ctx), MICA_E_TIMEOUT, ctx);
    if (!strstr(mica_last_error(ctx), "max_cycles=N") ||
        !strstr(mica_last_error(ctx), "cycles (limit from the estimate")) {
        printf("FAIL  timeout message does not give the derived limit and max_cycles=N\n");
        failures++;
    }
    mica_close(ctx);
    mica_open("rtl", &ctx);
    expect("same program, true estimate: default limit", mica_load(ctx, prog, len), MICA_OK, ctx);
    mica_set_input(ctx, 0, buf, in_bytes);
    expect("invoke within the derived limit", mica_invoke(ctx), MICA_OK, ctx);
    mica_close(ctx);
    free(bad);
    free(prog);
}

int main(int argc, char **argv) {
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s P16.mica P8.mica [LONG_STEPS.mica]\n", argv[0]);
        return 2;
    }
    size_t len, len8;
    unsigned char *prog = slurp(argv[1], &len), *prog8 = slurp(argv[2], &len8);
    mica_ctx_t *ctx = NULL;
    expect("open unknown backend", mica_open("gpu", &ctx), MICA_E_BACKEND, NULL);
    mica_open("func", &ctx);
    expect("invoke before load", mica_invoke(ctx), MICA_E_STATE, ctx);
    expect("load a file that does not exist", mica_load_file(ctx, "/nonexistent.mica"), MICA_E_IO,
           ctx);
    prog[0] ^= 0xFF;
    expect("load corrupted magic", mica_load(ctx, prog, len), MICA_E_FORMAT, ctx);
    prog[0] ^= 0xFF;
    expect("load truncated program", mica_load(ctx, prog, len / 2), MICA_E_FORMAT, ctx);
    expect("load good program", mica_load(ctx, prog, len), MICA_OK, ctx);
    mica_tensor_info_t ti;
    mica_input_info(ctx, 0, &ti);
    char buf[4096] = {0};
    expect("set_input wrong size", mica_set_input(ctx, 0, buf, ti.bytes + 1), MICA_E_SHAPE, ctx);
    expect("set_input index out of range", mica_set_input(ctx, 7, buf, ti.bytes), MICA_E_ARG, ctx);
    expect("get_output wrong size", mica_get_output(ctx, 0, buf, 3), MICA_E_SHAPE, ctx);
    mica_close(ctx);
    mica_open("rtl:array=16x16", &ctx);
    expect("8x8 program on a 16x16 rtl backend", mica_load(ctx, prog8, len8), MICA_E_CONFIG, ctx);
    mica_close(ctx);
    mica_open("rtl:max_cycles=50", &ctx);
    expect("load on rtl with a 50-cycle limit", mica_load(ctx, prog, len), MICA_OK, ctx);
    mica_set_input(ctx, 0, buf, ti.bytes);
    expect("invoke: cycle limit", mica_invoke(ctx), MICA_E_TIMEOUT, ctx);
    if (!strstr(mica_last_error(ctx), "max_cycles=50") || !strstr(mica_last_error(ctx), "step 0")) {
        printf("FAIL  timeout message does not name the step and max_cycles=50\n");
        failures++;
    }
    expect("invoke again after the timeout (recovers)", mica_invoke(ctx), MICA_E_TIMEOUT, ctx);
    mica_close(ctx);
    integrity(prog, len);
    if (argc == 4)
        derived_cycle_limit(argv[3]);
    hw_error_and_timeout("rtl", prog, len);
    hw_error_and_timeout("func", prog, len);
    printf("test_driver_errors: %s\n", failures ? "FAIL" : "PASS");
    free(prog);
    free(prog8);
    return failures != 0;
}
