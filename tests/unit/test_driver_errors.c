/* libmica error paths: each failure gives its own status code and a one-line message.
 * usage: test_driver_errors PROGRAM_16x16.mica PROGRAM_8x8.mica */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica.h"
#include "mica_program.h"

static int failures;

static void expect(const char *what, mica_status_t got, mica_status_t want, mica_ctx_t *ctx) {
    int ok = got == want;
    printf("%s %-44s -> %-22s %s\n", ok ? "ok  " : "FAIL", what, mica_status_name(got), ctx ? mica_last_error(ctx) : "");
    failures += !ok;
}

static unsigned char *slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*len);
    if (!b || fread(b, 1, *len, f) != *len) exit(2);
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
    mica_open(backend, &ctx);
    expect("load (instruction corrupted)", mica_load(ctx, bad, len), MICA_OK, ctx);
    expect("invoke: illegal opcode", mica_invoke(ctx), MICA_E_HW, ctx);
    expect("invoke again: same error, no hang", mica_invoke(ctx), MICA_E_HW, ctx);
    mica_close(ctx);
    free(bad);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s P16.mica P8.mica\n", argv[0]); return 2; }
    size_t len, len8;
    unsigned char *prog = slurp(argv[1], &len), *prog8 = slurp(argv[2], &len8);
    mica_ctx_t *ctx = NULL;
    expect("open unknown backend", mica_open("gpu", &ctx), MICA_E_BACKEND, NULL);
    mica_open("func", &ctx);
    expect("invoke before load", mica_invoke(ctx), MICA_E_STATE, ctx);
    expect("load a file that does not exist", mica_load_file(ctx, "/nonexistent.mica"), MICA_E_IO, ctx);
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
    expect("invoke again after the timeout (recovers)", mica_invoke(ctx), MICA_E_TIMEOUT, ctx);
    mica_close(ctx);
    hw_error_and_timeout("rtl", prog, len);
    hw_error_and_timeout("func", prog, len);
    printf("test_driver_errors: %s\n", failures ? "FAIL" : "PASS");
    free(prog); free(prog8);
    return failures != 0;
}
