/* mica verify MODEL.tflite: compile, run N inputs on a backend, compare every output byte with
 * LiteRT's reference kernels (tests/oracle/litert_oracle.py), print one summary line.
 * Samples go through in chunks of bounded memory, so any --count runs (VWW x 10^6 included). */
#include <errno.h>
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
#define MAX_VERIFY_COUNT 1000000LL
#define MAX_IO 16
#define MAX_TMPDIR 200 /* TMPDIR length; every path below fits TMP_PATH */
#define TMP_PATH (MAX_TMPDIR + 64)
#define CHUNK_BYTES (16u << 20)       /* inputs + expected outputs held per chunk */
#define ORACLE_SECONDS_BASE 300.0     /* interpreter start-up (TensorFlow import) */
#define ORACLE_SECONDS_PER_SAMPLE 0.5 /* ~60x the slowest reference model here (VWW) */

typedef struct {
    const char *model, *backend, *inputs_npy, *labels_npy, *cpu_ops;
    cli_target_t target; /* --array, --board, --config */
    long long count, seed;
} verify_opts_t;

typedef struct {
    int n_in, n_out;
    size_t in_bytes[MAX_IO], out_bytes[MAX_IO];
    int8_t *in[MAX_IO], *expect[MAX_IO]; /* one chunk */
    uint64_t rng[MAX_IO];                /* random input streams, continued across chunks */
    npy_array_t dataset;                 /* --inputs: every sample of input 0 */
    int noted;                           /* the oracle's notes were shown */
    npy_array_t labels;                  /* --labels: one int64 per sample */
} batch_t;

static int write_chunk_inputs(batch_t *bt, mica_ctx_t *ctx, long long first, long long n,
                              const char *dir) {
    for (int i = 0; i < bt->n_in; i++) {
        mica_tensor_info_t ti;
        mica_input_info(ctx, i, &ti);
        if (bt->dataset.data && i == 0)
            memcpy(bt->in[i], (int8_t *)bt->dataset.data + (size_t)first * ti.bytes,
                   (size_t)n * ti.bytes);
        else
            cli_fill_input(&ti, bt->in[i], (size_t)n * ti.bytes, &bt->rng[i]);
        int64_t dims[7] = {n};
        for (int d = 0; d < ti.rank; d++)
            dims[d + 1] = ti.dims[d];
        char path[TMP_PATH];
        snprintf(path, sizeof path, "%s/in%d.npy", dir, i);
        if (npy_write(path, cli_npy_dtype(&ti), ti.rank + 1, dims, bt->in[i])) {
            fprintf(stderr, "%s verify: cannot write %s\n", cli_prog, path);
            return -1;
        }
    }
    return 0;
}

/* Last non-empty line the oracle wrote to stderr (its one-line error). */
static void last_line(const char *path, char *line, size_t n) {
    FILE *f = fopen(path, "r");
    char buf[300];
    line[0] = 0;
    while (f && fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = 0;
        if (buf[0])
            snprintf(line, n, "%s", buf);
    }
    if (f)
        fclose(f);
}

/* What the oracle said it did to the model (lines starting "note:"), once per verify. */
static void print_oracle_notes(const char *path, batch_t *bt) {
    FILE *f = bt->noted ? NULL : fopen(path, "r");
    char buf[400], shown[400];
    while (f && fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\n")] = 0;
        if (!strncmp(buf, "note: ", 6))
            fprintf(stderr, "%s verify: %s\n", cli_prog,
                    mica_escape_name(buf, shown, sizeof shown));
    }
    if (f)
        fclose(f);
    bt->noted = 1;
}

static int run_oracle(const verify_opts_t *o, batch_t *bt, long long n, const char *dir) {
    char paths[2 * MAX_IO][TMP_PATH], errpath[TMP_PATH], err[300], line[400];
    char *argv[4 * MAX_IO + 6];
    char script[] = MICA_SOURCE_DIR "/tests/oracle/litert_oracle.py";
    int a = 0;
    argv[a++] = (char *)cli_python();
    argv[a++] = script;
    for (int i = 0; i < bt->n_in + bt->n_out; i++) {
        int out = i >= bt->n_in;
        snprintf(paths[i], sizeof paths[i], "%s/%s%d.npy", dir, out ? "out" : "in",
                 out ? i - bt->n_in : i);
        argv[a++] = out ? "--out" : "--in";
        argv[a++] = paths[i];
    }
    argv[a++] = "--"; /* the model path is data, even when it starts with '-' */
    argv[a++] = (char *)o->model;
    argv[a] = NULL;
    snprintf(errpath, sizeof errpath, "%s/oracle.err", dir);
    int rc =
        cli_spawn_wait(argv, errpath, ORACLE_SECONDS_BASE + ORACLE_SECONDS_PER_SAMPLE * (double)n,
                       err, sizeof err);
    if (rc != 0) {
        last_line(errpath, line, sizeof line);
        char shown[400];
        mica_escape_name(rc < 0 ? err : line[0] ? line : "no message", shown, sizeof shown);
        fprintf(stderr, "%s verify: the LiteRT oracle (%s) failed: %s\n", cli_prog, argv[0], shown);
        return -1;
    }
    print_oracle_notes(errpath, bt);
    for (int i = 0; i < bt->n_out; i++) {
        npy_array_t r;
        if (npy_read(paths[bt->n_in + i], &r, err, sizeof err)) {
            fprintf(stderr, "%s verify: %s\n", cli_prog, err);
            return -1;
        }
        if (r.count * r.itemsize != (size_t)n * bt->out_bytes[i]) {
            fprintf(stderr, "%s verify: oracle output %d has %zu bytes, expected %lld x %zu\n",
                    cli_prog, i, r.count * r.itemsize, n, bt->out_bytes[i]);
            npy_free(&r);
            return -1;
        }
        memcpy(bt->expect[i], r.data, r.count * r.itemsize);
        npy_free(&r);
    }
    return 0;
}

/* A progress bar on a terminal; nothing when stderr is a file or pipe (CI logs stay clean). */
static void progress(long long done, long long total) {
    static int tty = -1;
    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (!tty || total < 20 || (done % (total / 50 + 1) && done != total))
        return;
    int fill = (int)(40 * done / total);
    fprintf(stderr, "\r  [%.*s%*s] %lld/%lld", fill, "########################################",
            40 - fill, "", done, total);
    if (done == total)
        fprintf(stderr, "\r%*s\r", 60, "");
}

static int argmax(const int8_t *v, size_t n) {
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i] > v[best])
            best = i;
    return (int)best;
}

typedef struct {
    long long bad, correct;
    uint64_t cycles;
    int cycles_estimated; /* the backend's cycles are the cost model's (func) */
} tally_t;

/* Runs the samples of one chunk; -1 on a runtime error. */
static int run_chunk(mica_ctx_t *ctx, const verify_opts_t *o, batch_t *bt, long long first,
                     long long n, tally_t *t, int8_t *got) {
    for (long long s = 0; s < n; s++) {
        if (cli_interrupted) {
            fprintf(stderr, "%s verify: interrupted (signal %d) after %lld samples\n", cli_prog,
                    (int)cli_interrupted, first + s);
            return -1;
        }
        for (int i = 0; i < bt->n_in; i++)
            if (mica_set_input(ctx, i, bt->in[i] + (size_t)s * bt->in_bytes[i], bt->in_bytes[i]) !=
                MICA_OK)
                goto fail;
        if (mica_invoke(ctx) != MICA_OK)
            goto fail;
        uint64_t c[64];
        mica_counters(ctx, c, mica_num_counters() < 64 ? mica_num_counters() : 64);
        t->cycles += c[0];
        t->cycles_estimated = mica_cycles_estimated(ctx);
        for (int i = 0; i < bt->n_out; i++) {
            if (mica_get_output(ctx, i, got, bt->out_bytes[i]) != MICA_OK)
                goto fail;
            const int8_t *e = bt->expect[i] + (size_t)s * bt->out_bytes[i];
            for (size_t k = 0; k < bt->out_bytes[i]; k++)
                t->bad += got[k] != e[k];
            if (i == 0 && bt->labels.data)
                t->correct +=
                    argmax(got, bt->out_bytes[0]) == ((const int64_t *)bt->labels.data)[first + s];
        }
        progress(first + s + 1, o->count);
    }
    return 0;
fail:
    cli_report_ctx("verify", ctx);
    return -1;
}

/* A board at the end of a link (link:sim=BOARD, link:ftdi=BOARD, mcu:accel=sim[,board=BOARD],
 * ulx3s by default) and no --array/--board/--config: compile for that board, so the same verify
 * line works with and without the hardware. */
static void imply_board(verify_opts_t *o) {
    static char name[MICA_OPT_VALUE_MAX + 1];
    char accel[16];
    const char *b = o->backend;
    if (o->target.array || o->target.board || o->target.config || !b)
        return;
    if (!strncmp(b, "link:", 5) && (mica_opt_string(b + 5, "sim", name, sizeof name) ||
                                    mica_opt_string(b + 5, "ftdi", name, sizeof name)))
        o->target.board = name;
    if (!strncmp(b, "mcu:", 4) && mica_opt_string(b + 4, "accel", accel, sizeof accel) &&
        !strcmp(accel, "sim")) {
        if (!mica_opt_string(b + 4, "board", name, sizeof name))
            snprintf(name, sizeof name, "ulx3s");
        o->target.board = name;
    }
}

static int parse_verify_args(int argc, char **argv, verify_opts_t *o) {
    memset(o, 0, sizeof *o);
    int tr;
    o->backend = "rtl";
    o->count = 10;
    o->seed = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--backend") && i + 1 < argc)
            o->backend = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
            if (cli_parse_count("verify", "--count", argv[++i], 1, MAX_VERIFY_COUNT, &o->count))
                return -1;
        } else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if (cli_parse_count("verify", "--seed", argv[++i], 0, INT64_MAX, &o->seed))
                return -1;
        } else if ((tr = cli_parse_target("verify", argc, argv, &i, &o->target)) != 0) {
            if (tr < 0)
                return -1;
        } else if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
            o->cpu_ops = argv[++i];
        else if (!strcmp(argv[i], "--inputs") && i + 1 < argc)
            o->inputs_npy = argv[++i];
        else if (!strcmp(argv[i], "--labels") && i + 1 < argc)
            o->labels_npy = argv[++i];
        else if (argv[i][0] != '-' && !o->model)
            o->model = argv[i];
        else {
            cli_unexpected("verify", argv[i]);
            return -1;
        }
    }
    if (!o->model) {
        fprintf(stderr, "%s verify: need MODEL.tflite\n", cli_prog);
        return -1;
    }
    if (o->labels_npy && !o->inputs_npy) {
        fprintf(stderr, "%s verify: --labels needs --inputs\n", cli_prog);
        return -1;
    }
    imply_board(o);
    mica_hw_config_t hw;
    if ((o->target.array && cli_parse_array("verify", o->target.array, &hw)) ||
        (o->cpu_ops && cli_check_cpu_ops("verify", o->cpu_ops)))
        return -1;
    return 0;
}

/* --inputs X.npy sets the sample count from the file; --labels Y.npy must match it. */
static int load_dataset(verify_opts_t *o, batch_t *bt) {
    char err[600];
    if (!o->inputs_npy)
        return 0;
    if (npy_read(o->inputs_npy, &bt->dataset, err, sizeof err)) {
        fprintf(stderr, "%s verify: %s\n", cli_prog, err);
        return -1;
    }
    o->count = bt->dataset.rank > 0 ? (long long)bt->dataset.dims[0] : 0;
    if ((bt->dataset.dtype != 'b' && bt->dataset.dtype != 'h' && bt->dataset.dtype != 'f') ||
        o->count < 1 || o->count > MAX_VERIFY_COUNT) {
        fprintf(stderr,
                "%s verify: --inputs must hold 1..%lld int8, int16 or float32 samples (has %lld of "
                "%s)\n",
                cli_prog, MAX_VERIFY_COUNT, o->count, npy_dtype_name(bt->dataset.dtype));
        return -1;
    }
    if (!o->labels_npy)
        return 0;
    if (npy_read(o->labels_npy, &bt->labels, err, sizeof err)) {
        fprintf(stderr, "%s verify: %s\n", cli_prog, err);
        return -1;
    }
    if (bt->labels.dtype != 'l' || (long long)bt->labels.count != o->count) {
        fprintf(stderr, "%s verify: --labels must hold %lld int64 labels (has %zu of %s)\n",
                cli_prog, o->count, bt->labels.count, npy_dtype_name(bt->labels.dtype));
        return -1;
    }
    return 0;
}

/* Sizes the I/O of the loaded program and allocates one chunk; returns the chunk length. */
static long long setup_batch(mica_ctx_t *ctx, const verify_opts_t *o, batch_t *bt) {
    bt->n_in = mica_num_inputs(ctx);
    bt->n_out = mica_num_outputs(ctx);
    if (bt->n_in > MAX_IO || bt->n_out > MAX_IO) {
        fprintf(stderr,
                "%s verify: the model has %d inputs and %d outputs; verify handles up to %d each\n",
                cli_prog, bt->n_in, bt->n_out, MAX_IO);
        return -1;
    }
    size_t per_sample = 0;
    for (int i = 0; i < bt->n_in + bt->n_out; i++) {
        mica_tensor_info_t ti;
        if (i < bt->n_in)
            mica_input_info(ctx, i, &ti);
        else
            mica_output_info(ctx, i - bt->n_in, &ti);
        *(i < bt->n_in ? &bt->in_bytes[i] : &bt->out_bytes[i - bt->n_in]) = ti.bytes;
        per_sample += ti.bytes;
        if (i < bt->n_in)
            bt->rng[i] = (uint64_t)o->seed * 0x9E3779B97F4A7C15ull + (uint64_t)i + 1;
    }
    mica_tensor_info_t in0;
    mica_input_info(ctx, 0, &in0);
    if (o->inputs_npy &&
        (bt->dataset.count * bt->dataset.itemsize != (size_t)o->count * bt->in_bytes[0] ||
         bt->dataset.dtype != cli_npy_dtype(&in0))) {
        fprintf(stderr,
                "%s verify: --inputs samples must be %zu %s values each (the model's input 0)\n",
                cli_prog, bt->in_bytes[0] / bt->dataset.itemsize,
                npy_dtype_name(cli_npy_dtype(&in0)));
        return -1;
    }
    long long chunk = (long long)(CHUNK_BYTES / (per_sample ? per_sample : 1));
    if (chunk < 1)
        chunk = 1;
    if (chunk > o->count)
        chunk = o->count;
    for (int i = 0; i < bt->n_in; i++)
        bt->in[i] = malloc((size_t)chunk * bt->in_bytes[i] + 1);
    for (int i = 0; i < bt->n_out; i++)
        bt->expect[i] = malloc((size_t)chunk * bt->out_bytes[i] + 1);
    for (int i = 0; i < bt->n_in + bt->n_out; i++)
        if (!(i < bt->n_in ? bt->in[i] : bt->expect[i - bt->n_in])) {
            fprintf(stderr, "%s verify: out of memory for %lld samples of %zu bytes\n", cli_prog,
                    chunk, per_sample);
            return -1;
        }
    return chunk;
}

static void print_summary(const verify_opts_t *o, const tally_t *t, int labels, double secs,
                          const mica_load_info_t *load, const char *device) {
    char model[300];
    mica_escape_name(o->model, model, sizeof model);
    printf("verify %s backend=%s inputs=%lld mismatching_bytes=%lld %scycles_per_inference=%llu",
           model, o->backend, o->count, t->bad, t->cycles_estimated ? "est_" : "",
           (unsigned long long)(t->cycles / (uint64_t)o->count));
    if (labels)
        printf(" accuracy=%.2f%% (%lld/%lld)", 100.0 * (double)t->correct / (double)o->count,
               t->correct, o->count);
    if (!t->cycles_estimated && secs > 0) /* a clocked device: how fast it simulates */
        printf(" sim_cycles_per_s=%.0f", (double)t->cycles / secs);
    if (load->device_ns) /* a device with its own clock behind a link: what loading cost it */
        printf(" load_bytes=%llu load_ms=%.1f", (unsigned long long)load->image_bytes,
               (double)load->device_ns / 1e6);
    if (*device) /* the device's own figures of the last invoke (an MCU: link bytes, memory) */
        printf(" %s", device);
    printf(" %s\n", t->bad == 0 ? "PASS" : "FAIL");
}

static double seconds_since(const struct timespec *t0) {
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Compiles into dir, then runs every chunk: inputs, oracle, device, compare. */
static int verify_in(const verify_opts_t *o, batch_t *bt, const char *dir) {
    char *prog = cli_concat(dir, "/model.mica", "");
    if (!prog)
        return 1;
    mica_ctx_t *ctx = cli_compile_to_file(o->model, prog, &o->target, o->cpu_ops, 1)
                          ? NULL
                          : cli_open_and_load(o->backend, prog);
    free(prog);
    if (!ctx)
        return 1;
    int rc = 1;
    long long chunk = setup_batch(ctx, o, bt);
    size_t max_out = 1;
    for (int i = 0; i < bt->n_out; i++)
        if (bt->out_bytes[i] > max_out)
            max_out = bt->out_bytes[i];
    int8_t *got = chunk > 0 ? malloc(max_out) : NULL;
    tally_t t = {0};
    double device_secs = 0;
    if (!got)
        goto done;
    for (long long first = 0; first < o->count; first += chunk) {
        long long n = o->count - first < chunk ? o->count - first : chunk;
        if (write_chunk_inputs(bt, ctx, first, n, dir) || run_oracle(o, bt, n, dir))
            goto done;
        /* Each chunk's oracle is a new interpreter, its variable tensors at zero: so are ours. */
        if (first > 0 && mica_reset_state(ctx) != MICA_OK) {
            cli_report_ctx("verify", ctx);
            goto done;
        }
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (run_chunk(ctx, o, bt, first, n, &t, got))
            goto done;
        device_secs += seconds_since(&t0);
    }
    mica_load_info_t load = {0};
    mica_load_info(ctx, &load);
    char device[400], shown[400];
    mica_device_report(ctx, device, sizeof device);
    mica_escape_name(device, shown, sizeof shown);
    print_summary(o, &t, bt->labels.data != NULL, device_secs, &load, shown);
    rc = t.bad == 0 ? 0 : 1;
done:
    free(got);
    mica_close(ctx);
    return rc;
}

int cli_verify(int argc, char **argv) {
    verify_opts_t o;
    batch_t bt;
    memset(&bt, 0, sizeof bt);
    int rc = 2;
    const char *tmp = getenv("TMPDIR") && getenv("TMPDIR")[0] ? getenv("TMPDIR") : "/tmp";
    char *dir = cli_concat(tmp, "/mica_verify_XXXXXX", "");
    if (!dir || parse_verify_args(argc, argv, &o) || load_dataset(&o, &bt))
        goto done;
    if (strlen(tmp) > MAX_TMPDIR) {
        fprintf(stderr, "%s verify: TMPDIR is longer than %d characters\n", cli_prog, MAX_TMPDIR);
        goto done;
    }
    rc = 1;
    if (!mkdtemp(dir)) {
        fprintf(stderr, "%s verify: cannot create a temporary directory in %s: %s\n", cli_prog, tmp,
                strerror(errno));
        goto done;
    }
    cli_catch_interrupts();
    rc = verify_in(&o, &bt, dir);
    if (cli_interrupted)
        rc = 128 + (int)cli_interrupted;
    if (cli_remove_tree(dir))
        fprintf(stderr, "%s verify: could not remove %s\n", cli_prog, dir);
done:
    for (int i = 0; i < MAX_IO; i++) {
        free(bt.in[i]);
        free(bt.expect[i]);
    }
    npy_free(&bt.dataset);
    npy_free(&bt.labels);
    free(dir);
    return rc;
}
