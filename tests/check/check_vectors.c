/* Runs a compiled program on the committed LiteRT vectors through libmica and requires every
 * output byte to equal LiteRT's (BUILTIN_REF). Each backend runs the samples twice in a row
 * (func translates a program after its first run, so the second pass exercises the fast path).
 *   check_vectors CASE PROGRAM.mica VECTORS.vec BACKEND...
 * One line: PASS with the backends and sample count, or FAIL per failing backend with the first
 * differing byte and the count. Exit 1 on any failure, 2 on bad usage or an unreadable file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mica.h"
#include "vecfile.h"

#define PASSES 2

typedef struct {
    long mismatches;
    uint32_t sample, output;
    size_t byte;
    int got, want;
} diff_t;

static void compare(const uint8_t *got, const uint8_t *want, size_t n, uint32_t sample,
                    uint32_t output, diff_t *d) {
    for (size_t b = 0; b < n; b++)
        if (got[b] != want[b] && d->mismatches++ == 0) {
            d->sample = sample;
            d->output = output;
            d->byte = b;
            d->got = got[b];
            d->want = want[b];
        }
}

/* One sample through the context; outputs compared into d. MICA_OK or the failing call's status. */
static mica_status_t run_sample(mica_ctx_t *ctx, const vec_file_t *v, uint32_t s, uint8_t *out,
                                diff_t *d) {
    mica_status_t st = MICA_OK;
    for (uint32_t i = 0; i < v->ninputs && st == MICA_OK; i++)
        st = mica_set_input(ctx, (int)i, vec_data(v, s, 0, i), vec_tensor(v, 0, i)->bytes);
    if (st == MICA_OK)
        st = mica_invoke(ctx);
    for (uint32_t o = 0; o < v->noutputs && st == MICA_OK; o++) {
        size_t n = vec_tensor(v, 1, o)->bytes;
        st = mica_get_output(ctx, (int)o, out, n);
        if (st == MICA_OK)
            compare(out, vec_data(v, s, 1, o), n, s, o, d);
    }
    return st;
}

/* 0 when every byte of every pass matched; prints one line either way. */
static int check_backend(const char *name, const char *program, const vec_file_t *v,
                         const char *backend, uint8_t *out) {
    mica_ctx_t *ctx = NULL;
    diff_t d = {0};
    char err[512] = "";
    mica_status_t st = mica_open(backend, &ctx);
    if (st == MICA_OK)
        st = mica_load_file(ctx, program);
    if (st == MICA_OK && vec_match_program(v, ctx, err, sizeof err))
        st = MICA_E_SHAPE;
    for (int pass = 0; pass < PASSES && st == MICA_OK; pass++)
        for (uint32_t s = 0; s < v->samples && st == MICA_OK; s++)
            st = run_sample(ctx, v, s, out, &d);
    if (st != MICA_OK && !err[0])
        snprintf(err, sizeof err, "%s", ctx ? mica_last_error(ctx) : mica_status_name(st));
    mica_close(ctx);
    if (st != MICA_OK) {
        printf("FAIL %s on %s: %s: %s\n", name, backend, mica_status_name(st), err);
        return 1;
    }
    if (d.mismatches) {
        printf("FAIL %s on %s: %ld mismatching bytes; first: sample %u output %u byte %zu is %d, "
               "LiteRT %d\n",
               name, backend, d.mismatches, d.sample, d.output, d.byte, (int8_t)d.got,
               (int8_t)d.want);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: check_vectors CASE PROGRAM.mica VECTORS.vec BACKEND...\n");
        return 2;
    }
    vec_file_t v;
    char err[512];
    if (vec_read(argv[3], &v, err, sizeof err)) {
        fprintf(stderr, "check_vectors: %s\n", err);
        return 2;
    }
    size_t largest = 1;
    for (uint32_t o = 0; o < v.noutputs; o++)
        if (vec_tensor(&v, 1, o)->bytes > largest)
            largest = vec_tensor(&v, 1, o)->bytes;
    uint8_t *out = malloc(largest);
    int failed = !out;
    for (int b = 4; b < argc && out; b++)
        failed |= check_backend(argv[1], argv[2], &v, argv[b], out);
    if (!failed) {
        printf("PASS %-24s %u samples x %d passes on", argv[1], v.samples, PASSES);
        for (int b = 4; b < argc; b++)
            printf(" %s", argv[b]);
        printf("\n");
    }
    free(out);
    vec_free(&v);
    return failed ? 1 : 0;
}
