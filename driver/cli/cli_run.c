/* mica run OUT.mica: inputs from .npy files (or random), outputs to .npy, per-layer report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "npy.h"

#define MAX_BENCH_COUNT 10000000LL /* mica bench --count: 1..10^7 */

static int load_input(mica_ctx_t *ctx, int i, const char *path, uint64_t *seed) {
    mica_tensor_info_t ti;
    mica_input_info(ctx, i, &ti);
    npy_array_t a;
    char err[600], name[120];
    int8_t *buf = NULL;
    mica_escape_name(ti.name, name, sizeof name);
    if (!path) {
        buf = malloc(ti.bytes);
        if (!buf) {
            fprintf(stderr, "%s run: out of memory for input %d\n", cli_prog, i);
            return -1;
        }
        cli_fill_input(&ti, buf, ti.bytes, seed);
    } else {
        if (npy_read(path, &a, err, sizeof err)) {
            fprintf(stderr, "%s run: %s\n", cli_prog, err);
            return -1;
        }
        char want = cli_npy_dtype(&ti);
        if (a.dtype != want || a.count * a.itemsize != ti.bytes) {
            char shown[300];
            mica_escape_name(path, shown, sizeof shown);
            fprintf(stderr,
                    "%s run: %s: input %d ('%s') needs %zu %s values, the file has %zu of %s\n",
                    cli_prog, shown, i, name, ti.bytes / mica_dtype_bytes((uint32_t)ti.dtype),
                    npy_dtype_name(want), a.count, npy_dtype_name(a.dtype));
            npy_free(&a);
            return -1;
        }
        buf = a.data;
    }
    mica_status_t s = mica_set_input(ctx, i, buf, ti.bytes);
    free(buf);
    if (s != MICA_OK) {
        cli_report_ctx("run", ctx);
        return -1;
    }
    return 0;
}

/* The output directory must exist and be writable before anything runs. */
static int check_outdir(const char *dir) {
    struct stat st;
    char shown[300];
    mica_escape_name(dir, shown, sizeof shown);
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s run: --output-dir %s: %s\n", cli_prog, shown,
                errno == ENOENT || !errno ? "no such directory" : strerror(errno));
        return -1;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "%s run: --output-dir %s: not writable (%s)\n", cli_prog, shown,
                strerror(errno));
        return -1;
    }
    return 0;
}

static int write_output(mica_ctx_t *ctx, int i, const char *path) {
    mica_tensor_info_t ti;
    mica_output_info(ctx, i, &ti);
    int8_t *buf = malloc(ti.bytes);
    int64_t dims[6];
    for (int d = 0; d < ti.rank; d++)
        dims[d] = ti.dims[d];
    int rc = !buf || mica_get_output(ctx, i, buf, ti.bytes) != MICA_OK ||
             npy_write(path, cli_npy_dtype(&ti), ti.rank, dims, buf);
    free(buf);
    return rc ? -1 : 0;
}

/* Every output is written under a temporary name first; all are renamed only when all were
 * written, so a failure leaves no partial set behind. */
static int save_outputs(mica_ctx_t *ctx, const char *dir) {
    int n = mica_num_outputs(ctx), rc = 0;
    char **final = calloc((size_t)n, sizeof *final), **tmp = calloc((size_t)n, sizeof *tmp);
    for (int i = 0; i < n && final && tmp && !rc; i++) {
        char name[32];
        snprintf(name, sizeof name, "/output%d.npy", i);
        final[i] = cli_concat(dir, name, "");
        tmp[i] = cli_concat(dir, name, ".tmp");
        rc = !final[i] || !tmp[i] || write_output(ctx, i, tmp[i]);
        if (rc) {
            char shown[300];
            mica_escape_name(final[i] ? final[i] : dir, shown, sizeof shown);
            fprintf(stderr, "%s run: cannot write %s: %s\n", cli_prog, shown, strerror(errno));
        }
    }
    if (!final || !tmp) {
        fprintf(stderr, "%s run: out of memory\n", cli_prog);
        rc = 1;
    }
    for (int i = 0; i < n && !rc; i++)
        rc = rename(tmp[i], final[i]) != 0;
    for (int i = 0; i < n && !rc; i++) {
        mica_tensor_info_t ti;
        char name[120], shown[300];
        mica_output_info(ctx, i, &ti);
        mica_escape_name(ti.name, name, sizeof name);
        mica_escape_name(final[i], shown, sizeof shown);
        printf("output %d (%s): %zu bytes -> %s\n", i, name, ti.bytes, shown);
    }
    for (int i = 0; i < n && final && tmp; i++) {
        if (tmp[i])
            unlink(tmp[i]);
        if (rc && final[i])
            unlink(final[i]);
        free(final[i]);
        free(tmp[i]);
    }
    free(final);
    free(tmp);
    return rc ? -1 : 0;
}

static void print_counters(mica_ctx_t *ctx) {
    uint64_t cnt[64];
    int n = mica_num_counters();
    mica_counters(ctx, cnt, n < 64 ? n : 64);
    if (mica_cycles_estimated(ctx))
        printf("(%s backend: cycles, array_busy and stall_* are cost-model estimates)\n",
               mica_backend_name(ctx));
    for (int i = 0; i < n && i < 64; i++) {
        if (mica_counter_counted(ctx, i))
            printf("%s=%llu", mica_counter_name(i), (unsigned long long)cnt[i]);
        else /* not built on this device: its 0 is no measurement */
            printf("%s=(not counted)", mica_counter_name(i));
        fputs(i + 1 < n ? " " : "\n", stdout);
    }
}

int cli_run(int argc, char **argv) {
    const char *prog = NULL, *backend = "rtl", *outdir = ".";
    const char **inputs = calloc((size_t)argc, sizeof *inputs);
    int ninputs = 0, rc = 2;
    long long seed = 1;
    mica_ctx_t *ctx = NULL;
    if (!inputs)
        return 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--backend") && i + 1 < argc)
            backend = argv[++i];
        else if (!strcmp(argv[i], "--input") && i + 1 < argc)
            inputs[ninputs++] = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc) {
            if (cli_parse_count("run", "--seed", argv[++i], 0, INT64_MAX, &seed))
                goto done;
        } else if (!strcmp(argv[i], "--output-dir") && i + 1 < argc)
            outdir = argv[++i];
        else if (argv[i][0] != '-' && !prog)
            prog = argv[i];
        else {
            rc = cli_unexpected("run", argv[i]);
            goto done;
        }
    }
    if (!prog) {
        fprintf(stderr, "%s run: need a compiled program (mica compile MODEL -o OUT.mica)\n",
                cli_prog);
        goto done;
    }
    if (check_outdir(outdir))
        goto done;
    rc = 1;
    if (!(ctx = cli_open_and_load(backend, prog)))
        goto done;
    if (ninputs && ninputs != mica_num_inputs(ctx)) {
        fprintf(stderr, "%s run: the model has %d inputs, %d --input given\n", cli_prog,
                mica_num_inputs(ctx), ninputs);
        goto done;
    }
    uint64_t state = (uint64_t)seed | 1;
    for (int i = 0; i < mica_num_inputs(ctx); i++)
        if (load_input(ctx, i, ninputs ? inputs[i] : NULL, &state))
            goto done;
    if (mica_invoke(ctx) != MICA_OK) {
        cli_report_ctx("run", ctx);
        goto done;
    }
    cli_print_layers(ctx);
    print_counters(ctx);
    char device[400], shown[400];
    if (mica_device_report(ctx, device, sizeof device) == MICA_OK && device[0])
        printf("device: %s\n", mica_escape_name(device, shown, sizeof shown));
    rc = save_outputs(ctx, outdir) ? 1 : 0;
done:
    mica_close(ctx);
    free(inputs);
    return rc;
}

/* Random inputs for `pool` invokes, made before any timing (as tests/bench/litert_speed.py makes
 * LiteRT's): input i of invoke k at pool[i] + k * bytes[i]. */
typedef struct {
    int n;
    size_t pool, bytes[16];
    uint8_t *data[16];
} bench_inputs_t;

static void bench_inputs_free(bench_inputs_t *in) {
    for (int i = 0; i < in->n; i++)
        free(in->data[i]);
}

static int bench_inputs_make(mica_ctx_t *ctx, long long count, bench_inputs_t *in) {
    memset(in, 0, sizeof *in);
    in->n = mica_num_inputs(ctx) < 16 ? mica_num_inputs(ctx) : 16;
    size_t per = 0;
    for (int i = 0; i < in->n; i++) {
        mica_tensor_info_t ti;
        mica_input_info(ctx, i, &ti);
        in->bytes[i] = ti.bytes;
        per += ti.bytes;
    }
    size_t cap = per ? ((size_t)64 << 20) / per : (size_t)count; /* 64 MiB of inputs at most */
    in->pool = (size_t)count < cap ? (size_t)count : cap ? cap : 1;
    uint64_t seed = 1;
    for (int i = 0; i < in->n; i++) {
        mica_tensor_info_t ti;
        mica_input_info(ctx, i, &ti);
        in->data[i] = malloc(in->pool * in->bytes[i] + 1);
        if (!in->data[i]) {
            fprintf(stderr, "%s bench: out of memory for %zu inputs\n", cli_prog, in->pool);
            bench_inputs_free(in);
            return -1;
        }
        for (size_t k = 0; k < in->pool; k++)
            cli_fill_input(&ti, in->data[i] + k * in->bytes[i], in->bytes[i], &seed);
    }
    return 0;
}

/* mica bench OUT.mica: invokes N times on random inputs; last field is inferences per second.
 * The inputs are made first; each timed invoke sets its inputs and runs (what LiteRT's side
 * times: set_tensor + invoke). --warmup W: W untimed invokes first (a backend's one-time work, as
 * the func backend's first, interpreted run, kept out as LiteRT's delegate preparation is in
 * tests/bench/litert_speed.py). */
int cli_bench(int argc, char **argv) {
    const char *prog = NULL, *backend = "func";
    long long count = 1000, warmup = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--backend") && i + 1 < argc)
            backend = argv[++i];
        else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
            if (cli_parse_count("bench", "--count", argv[++i], 1, MAX_BENCH_COUNT, &count))
                return 2;
        } else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) {
            if (cli_parse_count("bench", "--warmup", argv[++i], 0, MAX_BENCH_COUNT, &warmup))
                return 2;
        } else if (argv[i][0] != '-' && !prog)
            prog = argv[i];
        else
            return cli_unexpected("bench", argv[i]);
    }
    if (!prog) {
        fprintf(stderr, "%s bench: need OUT.mica\n", cli_prog);
        return 2;
    }
    mica_ctx_t *ctx = cli_open_and_load(backend, prog);
    bench_inputs_t in;
    if (!ctx || bench_inputs_make(ctx, count, &in)) {
        mica_close(ctx);
        return 1;
    }
    struct timespec t0, t1;
    int rc = 0;
    for (long long n = -warmup; n < count && !rc; n++) {
        if (n == 0)
            clock_gettime(CLOCK_MONOTONIC, &t0);
        size_t k = (size_t)(n < 0 ? -n : n) % in.pool;
        for (int i = 0; i < in.n && !rc; i++)
            rc = mica_set_input(ctx, i, in.data[i] + k * in.bytes[i], in.bytes[i]) != MICA_OK;
        if (rc || mica_invoke(ctx) != MICA_OK) {
            cli_report_ctx("bench", ctx);
            rc = 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    bench_inputs_free(&in);
    if (!rc) {
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("bench %s backend=%s inferences=%lld seconds=%.3f inferences_per_s %.1f\n", prog,
               backend, count, s, (double)count / s);
    }
    mica_close(ctx);
    return rc;
}
