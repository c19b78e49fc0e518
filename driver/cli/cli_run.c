/* mica run OUT.mica: inputs from .npy files (or random), outputs to .npy, per-layer report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "npy.h"

static int load_input(mica_ctx_t *ctx, int i, const char *path, uint64_t *seed) {
    mica_tensor_info_t ti;
    mica_input_info(ctx, i, &ti);
    npy_array_t a;
    char err[256];
    int8_t *buf = NULL;
    if (!path) {
        buf = malloc(ti.bytes);
        if (!buf) return -1;
        cli_fill_random(buf, ti.bytes, seed);
    } else {
        if (npy_read(path, &a, err, sizeof err)) { fprintf(stderr, "mica run: %s\n", err); return -1; }
        if ((a.dtype != 'b' && a.dtype != 'B') || a.count != ti.bytes) {
            fprintf(stderr, "mica run: %s: input %d (%s) needs %zu int8 values, file has %zu of type '%c'\n",
                    path, i, ti.name, ti.bytes, a.count, a.dtype);
            npy_free(&a);
            return -1;
        }
        buf = a.data;
    }
    mica_status_t s = mica_set_input(ctx, i, buf, ti.bytes);
    free(buf);
    if (s != MICA_OK) { fprintf(stderr, "mica run: %s\n", mica_last_error(ctx)); return -1; }
    return 0;
}

static int save_outputs(mica_ctx_t *ctx, const char *dir) {
    for (int i = 0; i < mica_num_outputs(ctx); i++) {
        mica_tensor_info_t ti;
        mica_output_info(ctx, i, &ti);
        int8_t *buf = malloc(ti.bytes);
        if (!buf || mica_get_output(ctx, i, buf, ti.bytes) != MICA_OK) { free(buf); return -1; }
        char path[512];
        int64_t dims[6];
        for (int d = 0; d < ti.rank; d++) dims[d] = ti.dims[d];
        snprintf(path, sizeof path, "%s/output%d.npy", dir, i);
        int rc = npy_write(path, 'b', ti.rank, dims, buf);
        printf("output %d (%s): %zu bytes -> %s%s\n", i, ti.name, ti.bytes, path, rc ? " (WRITE FAILED)" : "");
        free(buf);
        if (rc) return -1;
    }
    return 0;
}

int cli_run(int argc, char **argv) {
    const char *prog = NULL, *backend = "rtl", *outdir = ".", *inputs[16] = {0};
    int ninputs = 0;
    uint64_t seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--backend") && i + 1 < argc) backend = argv[++i];
        else if (!strcmp(argv[i], "--input") && i + 1 < argc && ninputs < 16) inputs[ninputs++] = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) seed = strtoull(argv[++i], NULL, 10) | 1;
        else if (!strcmp(argv[i], "--output-dir") && i + 1 < argc) outdir = argv[++i];
        else if (argv[i][0] != '-' && !prog) prog = argv[i];
        else { fprintf(stderr, "mica run: unexpected argument '%s'\n", argv[i]); return 2; }
    }
    if (!prog) { fprintf(stderr, "mica run: need a compiled program (mica compile MODEL -o OUT.mica)\n"); return 2; }
    mica_ctx_t *ctx = cli_open_and_load(backend, prog);
    if (!ctx) return 1;
    int rc = 1;
    if (ninputs && ninputs != mica_num_inputs(ctx)) {
        fprintf(stderr, "mica run: model has %d inputs, %d given\n", mica_num_inputs(ctx), ninputs);
        goto done;
    }
    for (int i = 0; i < mica_num_inputs(ctx); i++)
        if (load_input(ctx, i, inputs[i], &seed)) goto done;
    if (mica_invoke(ctx) != MICA_OK) { fprintf(stderr, "mica run: %s\n", mica_last_error(ctx)); goto done; }
    cli_print_layers(ctx);
    uint64_t cnt[64];
    mica_counters(ctx, cnt, mica_num_counters());
    for (int i = 0; i < mica_num_counters(); i++) printf("%s=%llu%s", mica_counter_name(i), (unsigned long long)cnt[i], i + 1 < mica_num_counters() ? " " : "\n");
    rc = save_outputs(ctx, outdir) ? 1 : 0;
done:
    mica_close(ctx);
    return rc;
}

/* mica bench OUT.mica: invokes N times on random inputs; last field is inferences per second. */
int cli_bench(int argc, char **argv) {
    const char *prog = NULL, *backend = "func";
    long count = 1000;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--backend") && i + 1 < argc) backend = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) count = strtol(argv[++i], NULL, 10);
        else if (argv[i][0] != '-' && !prog) prog = argv[i];
        else { fprintf(stderr, "mica bench: unexpected argument '%s'\n", argv[i]); return 2; }
    }
    if (!prog || count < 1) { fprintf(stderr, "mica bench: need OUT.mica and --count >= 1\n"); return 2; }
    mica_ctx_t *ctx = cli_open_and_load(backend, prog);
    if (!ctx) return 1;
    uint64_t seed = 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long n = 0; n < count; n++) {
        for (int i = 0; i < mica_num_inputs(ctx); i++)
            if (load_input(ctx, i, NULL, &seed)) { mica_close(ctx); return 1; }
        if (mica_invoke(ctx) != MICA_OK) { fprintf(stderr, "mica bench: %s\n", mica_last_error(ctx)); mica_close(ctx); return 1; }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("bench %s backend=%s inferences=%ld seconds=%.3f inferences_per_s %.1f\n", prog, backend, count, s, (double)count / s);
    mica_close(ctx);
    return 0;
}
