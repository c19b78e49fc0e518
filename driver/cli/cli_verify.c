/* mica verify MODEL.tflite: compile, run N inputs on a backend, compare every output byte with
 * LiteRT's reference kernels (tests/oracle/litert_oracle.py), print one summary line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "npy.h"

#ifndef MICA_SOURCE_DIR
#define MICA_SOURCE_DIR "."
#endif

typedef struct {
    const char *model, *backend, *array, *inputs_npy, *labels_npy, *cpu_ops;
    long count;
    uint64_t seed;
} verify_opts_t;

typedef struct {
    int n_in, n_out;
    size_t in_bytes[16], out_bytes[16];
    int8_t *in[16], *expect[16];
} batch_t;

static int make_inputs(mica_ctx_t *ctx, const verify_opts_t *o, batch_t *bt, const char *dir) {
    char err[256];
    for (int i = 0; i < bt->n_in; i++) {
        mica_tensor_info_t ti;
        mica_input_info(ctx, i, &ti);
        bt->in_bytes[i] = ti.bytes;
        if (o->inputs_npy && i == 0) {
            npy_array_t a;
            if (npy_read(o->inputs_npy, &a, err, sizeof err)) { fprintf(stderr, "mica verify: %s\n", err); return -1; }
            if (a.dtype != 'b' || a.count != (size_t)o->count * ti.bytes) { fprintf(stderr, "mica verify: %s must hold int8 samples of %zu bytes\n", o->inputs_npy, ti.bytes); npy_free(&a); return -1; }
            bt->in[i] = a.data;
        } else {
            bt->in[i] = malloc((size_t)o->count * ti.bytes);
            if (!bt->in[i]) return -1;
            uint64_t s = o->seed * 0x9E3779B97F4A7C15ull + (uint64_t)i + 1;
            cli_fill_random(bt->in[i], (size_t)o->count * ti.bytes, &s);
        }
        int64_t dims[7] = {o->count};
        for (int d = 0; d < ti.rank; d++) dims[d + 1] = ti.dims[d];
        char path[512];
        snprintf(path, sizeof path, "%s/in%d.npy", dir, i);
        if (npy_write(path, 'b', ti.rank + 1, dims, bt->in[i])) return -1;
    }
    return 0;
}

static int run_oracle(const verify_opts_t *o, batch_t *bt, const char *dir) {
    char cmd[4096];
    const char *py = getenv("PYTHON") ? getenv("PYTHON") : "python3";
    int n = snprintf(cmd, sizeof cmd, "'%s' '%s/tests/oracle/litert_oracle.py' '%s'", py, MICA_SOURCE_DIR, o->model);
    for (int i = 0; i < bt->n_in; i++) n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --in '%s/in%d.npy'", dir, i);
    for (int i = 0; i < bt->n_out; i++) n += snprintf(cmd + n, sizeof cmd - (size_t)n, " --out '%s/out%d.npy'", dir, i);
    if (system(cmd) != 0) { fprintf(stderr, "mica verify: the LiteRT oracle failed (%s)\n", cmd); return -1; }
    char err[256], path[512];
    for (int i = 0; i < bt->n_out; i++) {
        npy_array_t a;
        snprintf(path, sizeof path, "%s/out%d.npy", dir, i);
        if (npy_read(path, &a, err, sizeof err)) { fprintf(stderr, "mica verify: %s\n", err); return -1; }
        if (a.itemsize != 1 || a.count != (size_t)o->count * bt->out_bytes[i]) { fprintf(stderr, "mica verify: oracle output %d has the wrong size\n", i); npy_free(&a); return -1; }
        bt->expect[i] = a.data;
    }
    return 0;
}

/* A progress bar on a terminal; nothing when stderr is a file or pipe (CI logs stay clean). */
static void progress(long done, long total) {
    static int tty = -1;
    if (tty < 0) tty = isatty(STDERR_FILENO);
    if (!tty || total < 20 || (done % (total / 50 + 1) && done != total)) return;
    int fill = (int)(40 * done / total);
    fprintf(stderr, "\r  [%.*s%*s] %ld/%ld", fill, "########################################", 40 - fill, "", done, total);
    if (done == total) fprintf(stderr, "\r%*s\r", 60, "");
}

static int argmax(const int8_t *v, size_t n) {
    size_t best = 0;
    for (size_t i = 1; i < n; i++) if (v[i] > v[best]) best = i;
    return (int)best;
}

/* Runs every sample; returns mismatching bytes, or -1 on a runtime error. */
static long long run_all(mica_ctx_t *ctx, const verify_opts_t *o, batch_t *bt, const npy_array_t *labels,
                         uint64_t *cycles, long *correct) {
    long long bad = 0;
    int8_t *got = malloc(bt->out_bytes[0] > 0 ? 1 << 20 : 1);
    if (!got) return -1;
    for (long s = 0; s < o->count; s++) {
        for (int i = 0; i < bt->n_in; i++)
            if (mica_set_input(ctx, i, bt->in[i] + (size_t)s * bt->in_bytes[i], bt->in_bytes[i]) != MICA_OK) goto fail;
        if (mica_invoke(ctx) != MICA_OK) goto fail;
        uint64_t c[64];
        mica_counters(ctx, c, mica_num_counters());
        *cycles += c[0];
        for (int i = 0; i < bt->n_out; i++) {
            if (bt->out_bytes[i] > (1 << 20) || mica_get_output(ctx, i, got, bt->out_bytes[i]) != MICA_OK) goto fail;
            const int8_t *e = bt->expect[i] + (size_t)s * bt->out_bytes[i];
            for (size_t k = 0; k < bt->out_bytes[i]; k++) bad += got[k] != e[k];
            if (i == 0 && labels) *correct += argmax(got, bt->out_bytes[0]) == (int)((const int64_t *)labels->data)[s];
        }
        progress(s + 1, o->count);
    }
    free(got);
    return bad;
fail:
    fprintf(stderr, "mica verify: %s\n", mica_last_error(ctx));
    free(got);
    return -1;
}

static int parse_verify_args(int argc, char **argv, verify_opts_t *o) {
    memset(o, 0, sizeof *o);
    o->backend = "rtl";
    o->count = 10;
    o->seed = 1;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "--backend") && i + 1 < argc) o->backend = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) { o->count = strtol(argv[++i], &end, 10); if (*end || o->count < 1 || o->count > 1000000) { fprintf(stderr, "mica verify: --count must be 1..1000000\n"); return -1; } }
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) { o->seed = strtoull(argv[++i], &end, 10); if (*end) { fprintf(stderr, "mica verify: bad --seed\n"); return -1; } }
        else if (!strcmp(argv[i], "--array") && i + 1 < argc) o->array = argv[++i];
        else if (!strcmp(argv[i], "--cpu") && i + 1 < argc) o->cpu_ops = argv[++i];
        else if (!strcmp(argv[i], "--inputs") && i + 1 < argc) o->inputs_npy = argv[++i];
        else if (!strcmp(argv[i], "--labels") && i + 1 < argc) o->labels_npy = argv[++i];
        else if (argv[i][0] != '-' && !o->model) o->model = argv[i];
        else { fprintf(stderr, "mica verify: unexpected argument '%s'\n", argv[i]); return -1; }
    }
    if (!o->model) { fprintf(stderr, "mica verify: need MODEL.tflite\n"); return -1; }
    return 0;
}

/* --inputs X.npy sets the sample count from the file; --labels Y.npy must match it. */
static int load_dataset(verify_opts_t *o, npy_array_t *labels) {
    char err[256];
    if (o->inputs_npy) {
        npy_array_t a;
        if (npy_read(o->inputs_npy, &a, err, sizeof err)) { fprintf(stderr, "mica verify: %s\n", err); return -1; }
        o->count = a.rank > 0 ? (long)a.dims[0] : 0;
        npy_free(&a);
    }
    if (!o->labels_npy) return 0;
    if (npy_read(o->labels_npy, labels, err, sizeof err)) { fprintf(stderr, "mica verify: %s\n", err); return -1; }
    if (labels->dtype != 'l' || (long)labels->count != o->count) {
        fprintf(stderr, "mica verify: %s must hold %ld int64 labels\n", o->labels_npy, o->count);
        return -1;
    }
    return 0;
}

static void print_summary(const verify_opts_t *o, long long bad, uint64_t cycles, long correct, int labels, double secs) {
    printf("verify %s backend=%s inputs=%ld mismatching_bytes=%lld cycles_per_inference=%llu",
           o->model, o->backend, o->count, bad, (unsigned long long)(cycles / (uint64_t)o->count));
    if (labels) printf(" accuracy=%.2f%% (%ld/%ld)", 100.0 * (double)correct / (double)o->count, correct, o->count);
    if (!strncmp(o->backend, "rtl", 3) && secs > 0) printf(" sim_cycles_per_s=%.0f", (double)cycles / secs);
    printf(" %s\n", bad == 0 ? "PASS" : "FAIL");
}

int cli_verify(int argc, char **argv) {
    verify_opts_t o;
    npy_array_t labels = {0};
    batch_t bt;
    memset(&bt, 0, sizeof bt);
    if (parse_verify_args(argc, argv, &o) || load_dataset(&o, &labels)) return 2;
    char dir[] = "/tmp/mica_verify_XXXXXX", prog[600];
    if (!mkdtemp(dir)) { fprintf(stderr, "mica verify: cannot create a temporary directory\n"); return 1; }
    snprintf(prog, sizeof prog, "%s/model.mica", dir);
    int rc = 1;
    mica_ctx_t *ctx = NULL;
    if (cli_compile_to_file(o.model, prog, o.array, o.cpu_ops, 1)) goto done;
    if (!(ctx = cli_open_and_load(o.backend, prog))) goto done;
    bt.n_in = mica_num_inputs(ctx);
    bt.n_out = mica_num_outputs(ctx);
    for (int i = 0; i < bt.n_out; i++) {
        mica_tensor_info_t ti;
        mica_output_info(ctx, i, &ti);
        bt.out_bytes[i] = ti.bytes;
    }
    if (make_inputs(ctx, &o, &bt, dir) || run_oracle(&o, &bt, dir)) goto done;
    uint64_t cycles = 0;
    long correct = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long long bad = run_all(ctx, &o, &bt, o.labels_npy ? &labels : NULL, &cycles, &correct);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (bad < 0) goto done;
    print_summary(&o, bad, cycles, correct, o.labels_npy != NULL, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    rc = bad == 0 ? 0 : 1;
done:
    for (int i = 0; i < 16; i++) { free(bt.in[i]); free(bt.expect[i]); }
    npy_free(&labels);
    mica_close(ctx);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "mica verify: could not remove %s\n", dir);
    return rc;
}
