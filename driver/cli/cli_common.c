#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "compiler.h"
#include "cpu_steps.h"

static int parse_array(const char *s, mica_hw_config_t *hw) {
    unsigned r, c;
    char extra;
    if (sscanf(s, "%ux%u%c", &r, &c, &extra) != 2 || r < 1 || c < 1 || r > 256 || c > 256) return -1;
    hw->rows = r;
    hw->cols = c;
    return 0;
}

static void print_compile_summary(const char *model, const char *out, const mica_builder_t *b, double ms) {
    uint32_t n = (uint32_t)(b->steps.len / sizeof(mica_prog_step_t)), accel = 0;
    const mica_prog_step_t *s = (const mica_prog_step_t *)b->steps.data;
    uint64_t macs = 0, est = 0;
    printf("%-22s %-16s %-6s %10s %11s  %s\n", "layer", "op", "place", "MACs", "est.cycles", "reason (CPU)");
    for (uint32_t i = 0; i < n; i++) {
        int acc = s[i].kind == MICA_STEP_ACCEL;
        const char *why = (const char *)b->reasons.data + (size_t)i * MICA_REASON_LEN;
        accel += (uint32_t)acc;
        macs += s[i].macs;
        est += s[i].est_cycles;
        printf("%-22s %-16s %-6s %10llu %11llu  %s\n", s[i].name, mica_step_op_name(&s[i]), acc ? "ACCEL" : "CPU",
               (unsigned long long)s[i].macs, (unsigned long long)s[i].est_cycles, acc ? "" : why);
    }
    printf("compiled %s -> %s (+ .json report): %u steps (%u ACCEL, %u CPU), %llu MACs, %u instructions, "
           "weights+params %zu B, arena %u B, est. %llu cycles, %ux%u array, %.1f ms\n",
           model, out, n, accel, n - accel, (unsigned long long)macs, mica_code_count(b),
           b->consts.len, b->arena_size, (unsigned long long)est, b->hw.rows, b->hw.cols, ms);
}

int cli_compile_to_file(const char *model, const char *out, const char *array, const char *cpu_ops, int quiet) {
    char err[256];
    tfl_model_t *m = NULL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (tfl_model_load_file(model, &m, err, sizeof err)) {
        fprintf(stderr, "mica: %s: %s\n", model, err);
        return 1;
    }
    mica_compile_opts_t o;
    mica_compile_opts_default(&o);
    o.partition.cpu_ops = cpu_ops;
    if (array && parse_array(array, &o.hw)) {
        fprintf(stderr, "mica: bad --array '%s' (want RxC, e.g. 16x16)\n", array);
        tfl_model_free(m);
        return 2;
    }
    mica_builder_t b;
    memset(&b, 0, sizeof b);
    int rc = mica_compile(m, &o, &b) || mica_write_program(&b, out);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    char json[600];
    snprintf(json, sizeof json, "%s.json", out);
    if (!rc && !quiet && mica_write_report(&b, model, json)) {
        fprintf(stderr, "mica: %s: cannot write the report\n", json);
        rc = 1;
    }
    if (rc) fprintf(stderr, "mica: %s: %s\n", model, b.err);
    else if (!quiet) print_compile_summary(model, out, &b, (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    mica_builder_free(&b);
    tfl_model_free(m);
    return rc ? 1 : 0;
}

int cli_compile(int argc, char **argv) {
    const char *model = NULL, *out = NULL, *array = NULL, *cpu_ops = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
        else if (!strcmp(argv[i], "--cpu") && i + 1 < argc) cpu_ops = argv[++i];
        else if (!strcmp(argv[i], "--array") && i + 1 < argc) array = argv[++i];
        else if (argv[i][0] != '-' && !model) model = argv[i];
        else { fprintf(stderr, "mica compile: unexpected argument '%s'\n", argv[i]); return 2; }
    }
    if (!model || !out) { fprintf(stderr, "mica compile: need MODEL.tflite and -o OUT.mica\n"); return 2; }
    return cli_compile_to_file(model, out, array, cpu_ops, 0);
}

mica_ctx_t *cli_open_and_load(const char *backend, const char *program) {
    mica_ctx_t *ctx = NULL;
    char err[300];
    if (mica_check_backend(backend, err, sizeof err) != MICA_OK) {
        fprintf(stderr, "mica: --backend: %s\n", err);
        return NULL;
    }
    mica_status_t s = mica_open(backend, &ctx);
    if (s != MICA_OK) {
        fprintf(stderr, "mica: backend '%s': %s\n", backend, mica_status_name(s));
        return NULL;
    }
    s = mica_load_file(ctx, program);
    if (s != MICA_OK) {
        fprintf(stderr, "mica: %s: %s\n", mica_status_name(s), mica_last_error(ctx));
        mica_close(ctx);
        return NULL;
    }
    return ctx;
}

void cli_fill_random(int8_t *dst, size_t n, uint64_t *state) {
    for (size_t i = 0; i < n; i++) {   /* xorshift64*: reproducible for a seed on every platform */
        uint64_t x = *state;
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
        *state = x;
        dst[i] = (int8_t)((x * 2685821657736338717ull) >> 56);
    }
}

void cli_print_layers(mica_ctx_t *ctx) {
    printf("%-24s %-16s %-6s %12s %12s %12s\n", "layer", "op", "place", "MACs", "est.cycles", "cycles");
    for (int i = 0; i < mica_num_layers(ctx); i++) {
        mica_layer_info_t li;
        mica_layer_info(ctx, i, &li);
        printf("%-24s %-16s %-6s %12llu %12llu %12llu\n", li.name, li.op, li.on_accel ? "ACCEL" : "CPU",
               (unsigned long long)li.macs, (unsigned long long)li.est_cycles, (unsigned long long)li.cycles);
    }
}

int cli_ops(int argc, char **argv) {
    (void)argc; (void)argv;
    mica_print_supported_ops(stdout);
    return 0;
}
