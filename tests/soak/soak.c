/* Soak test: many inferences through libmica on one context, with a different input each time,
 * checking that memory stays flat. Reports the peak resident set (VmHWM) and the current one
 * (VmRSS) after WARMUP inferences and at the end; fails when the peak grew by more than
 * BOUND_KB between the two (default 1024 KiB: allocator noise, far below one leaked input or
 * output buffer per inference). Every inference must succeed. SOAK_SELFTEST_LEAK=BYTES leaks that
 * much per inference, to show that the check catches a leak (tests/soak/run.sh does).
 *   soak PROGRAM.mica BACKEND COUNT [WARMUP=100] [BOUND_KB=1024] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "mica.h"

/* A field of /proc/self/status in KiB ("VmHWM", "VmRSS"), or -1. */
static long status_kb(const char *field) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t n = strlen(field);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, field, n) && line[n] == ':') kb = strtol(line + n + 1, NULL, 10);
    if (f) fclose(f);
    return kb;
}

typedef struct {
    int n;
    void *buf[16];
    size_t bytes[16];
} io_set_t;

static int alloc_io(mica_ctx_t *ctx, io_set_t *io, int outputs) {
    io->n = outputs ? mica_num_outputs(ctx) : mica_num_inputs(ctx);
    if (io->n < 1 || io->n > 16) return -1;
    for (int i = 0; i < io->n; i++) {
        mica_tensor_info_t t;
        if ((outputs ? mica_output_info(ctx, i, &t) : mica_input_info(ctx, i, &t)) != MICA_OK) return -1;
        io->bytes[i] = t.bytes;
        if (!(io->buf[i] = malloc(t.bytes ? t.bytes : 1))) return -1;
    }
    return 0;
}

static void free_io(io_set_t *io) {
    for (int i = 0; i < io->n; i++) free(io->buf[i]);
}

/* One inference on fresh pseudo-random inputs; 0 or -1 with the reason printed. */
static int infer(mica_ctx_t *ctx, io_set_t *in, io_set_t *out, uint64_t *rng, long k) {
    for (int i = 0; i < in->n; i++) {
        uint8_t *p = in->buf[i];
        for (size_t j = 0; j < in->bytes[i]; j++) {
            *rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
            p[j] = (uint8_t)(*rng >> 56);
        }
        if (mica_set_input(ctx, i, p, in->bytes[i]) != MICA_OK) goto fail;
    }
    if (mica_invoke(ctx) != MICA_OK) goto fail;
    for (int i = 0; i < out->n; i++)
        if (mica_get_output(ctx, i, out->buf[i], out->bytes[i]) != MICA_OK) goto fail;
    return 0;
fail:
    fprintf(stderr, "soak: inference %ld: %s\n", k, mica_last_error(ctx));
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: soak PROGRAM.mica BACKEND COUNT [WARMUP=100] [BOUND_KB=1024]\n");
        return 2;
    }
    long count = atol(argv[3]), warmup = argc > 4 ? atol(argv[4]) : 100, bound = argc > 5 ? atol(argv[5]) : 1024;
    if (count < 1 || warmup < 1 || warmup >= count || bound < 0) {
        fprintf(stderr, "soak: need COUNT > WARMUP >= 1 and BOUND_KB >= 0\n");
        return 2;
    }
    mica_ctx_t *ctx = NULL;
    io_set_t in = {0}, out = {0};
    if (mica_open(argv[2], &ctx) != MICA_OK || mica_load_file(ctx, argv[1]) != MICA_OK ||
        alloc_io(ctx, &in, 0) || alloc_io(ctx, &out, 1)) {
        fprintf(stderr, "soak: %s on %s: %s\n", argv[1], argv[2], ctx ? mica_last_error(ctx) : "cannot open backend");
        mica_close(ctx);
        return 1;
    }
    uint64_t rng = 0x9E3779B97F4A7C15ull;
    long hwm_warm = 0, rss_warm = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = 0;
    size_t selftest_leak = getenv("SOAK_SELFTEST_LEAK") ? (size_t)atol(getenv("SOAK_SELFTEST_LEAK")) : 0;
    for (long k = 1; k <= count && !rc; k++) {
        rc = infer(ctx, &in, &out, &rng, k);
        if (selftest_leak) memset(malloc(selftest_leak), 1, selftest_leak);   /* deliberately never freed */
        if (k == warmup) { hwm_warm = status_kb("VmHWM"); rss_warm = status_kb("VmRSS"); }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long hwm_end = status_kb("VmHWM"), rss_end = status_kb("VmRSS");
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    free_io(&in);
    free_io(&out);
    mica_close(ctx);
    if (rc) return 1;
    long growth = hwm_end - hwm_warm;
    int ok = hwm_warm > 0 && growth <= bound;
    printf("soak: %s on %s: %ld inferences in %.1f s; max RSS after %ld: %ld KiB (RSS %ld), at the end: %ld KiB "
           "(RSS %ld); growth %ld KiB (bound %ld) %s\n", argv[1], argv[2], count, secs, warmup, hwm_warm, rss_warm,
           hwm_end, rss_end, growth, bound, ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
