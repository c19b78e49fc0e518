#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "energy_tech.h"
#include "mica_options.h"
#include "tflite/tflite_reader.h"
#include "compiler.h"
#include "mica_ops.h"

int cli_parse_count(const char *cmd, const char *opt, const char *text, long long min,
                    long long max, long long *out) {
    int rc = mica_parse_int(text, min, max, out);
    if (rc == 0)
        return 0;
    char shown[64];
    mica_escape_name(text, shown, sizeof shown);
    fprintf(stderr, "%s %s: %s '%s' is %s; give an integer in %lld..%lld\n", cli_prog, cmd, opt,
            shown, rc == -1 ? "not a plain decimal integer" : "out of range", min, max);
    return -1;
}

int cli_parse_array(const char *cmd, const char *text, mica_hw_config_t *hw) {
    unsigned r, c;
    int rc = mica_parse_dims(text, 256, &r, &c);
    if (rc == 0) {
        hw->rows = r;
        hw->cols = c;
        return 0;
    }
    char shown[64];
    mica_escape_name(text, shown, sizeof shown);
    fprintf(stderr, "%s %s: --array '%s' is %s; give RxC with each side 1..256, e.g. 16x16\n",
            cli_prog, cmd, shown, rc == -1 ? "malformed" : "out of range");
    return -1;
}

/* --cpu OP,OP: every name must be a TFLite builtin operator. */
int cli_check_cpu_ops(const char *cmd, const char *list) {
    for (const char *p = list; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        int found = 0;
        for (int op = 0; op < 512 && !found; op++) {
            const char *name = tfl_builtin_name(op);
            found = strcmp(name, "UNKNOWN") && strlen(name) == n && !strncmp(name, p, n);
        }
        if (!found) {
            char item[64], shown[96];
            snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), p);
            mica_escape_name(item, shown, sizeof shown);
            fprintf(
                stderr,
                "%s %s: --cpu: '%s' is not a TFLite operator name (e.g. CONV_2D,FULLY_CONNECTED)\n",
                cli_prog, cmd, shown);
            return -1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

static void print_compile_summary(const char *model, const char *out, const mica_builder_t *b,
                                  double ms) {
    uint32_t n = (uint32_t)(b->steps.len / sizeof(mica_prog_step_t)), accel = 0;
    const mica_prog_step_t *s = (const mica_prog_step_t *)b->steps.data;
    uint64_t macs = 0, est = 0;
    printf("%-22s %-16s %-6s %10s %11s  %s\n", "layer", "op", "place", "MACs", "est.cycles",
           "reason (CPU)");
    for (uint32_t i = 0; i < n; i++) {
        int acc = s[i].kind == MICA_STEP_ACCEL;
        const char *why = (const char *)b->reasons.data + (size_t)i * MICA_REASON_LEN;
        accel += (uint32_t)acc;
        macs += s[i].macs;
        est += s[i].est_cycles;
        char name[64];
        mica_escape_name(s[i].name, name, sizeof name);
        printf("%-22s %-16s %-6s %10llu %11llu  %s\n", name, mica_step_op_name(&s[i]),
               acc ? "ACCEL" : "CPU", (unsigned long long)s[i].macs,
               (unsigned long long)s[i].est_cycles, acc ? "" : why);
    }
    char m_shown[300], o_shown[300];
    mica_escape_name(model, m_shown, sizeof m_shown);
    mica_escape_name(out, o_shown, sizeof o_shown);
    printf("compiled %s -> %s (+ .json report): %u steps (%u ACCEL, %u CPU), %llu MACs, %u "
           "instructions, "
           "weights+params %zu B, arena %u B, est. %llu cycles, %ux%u array, %.1f ms\n",
           m_shown, o_shown, n, accel, n - accel, (unsigned long long)macs, mica_code_count(b),
           b->consts.len, b->arena_size, (unsigned long long)est, b->hw.rows, b->hw.cols, ms);
}

/* Writes the program and its report beside their final names, then renames both: a failed
 * compile leaves no partial or stale output behind. */
static int write_outputs(mica_builder_t *b, const char *model, const char *out, int with_report) {
    char *json = cli_concat(out, ".json", ""), *tmp_prog = cli_concat(out, ".tmp", ""),
         *tmp_json = cli_concat(out, ".json.tmp", "");
    int rc = -1;
    if (!json || !tmp_prog || !tmp_json) {
        fprintf(stderr, "%s: out of memory\n", cli_prog);
        goto done;
    }
    if (mica_write_program(b, tmp_prog)) {
        fprintf(stderr, "%s compile: cannot write %s: %s\n", cli_prog, out, strerror(errno));
        goto done;
    }
    mica_energy_tech_t tech;
    char terr[512];
    if (with_report && mica_energy_tech_load(cli_default_tech_path(), &tech, terr, sizeof terr)) {
        fprintf(stderr, "%s compile: energy table: %s\n", cli_prog, terr);
        goto done;
    }
    if (with_report && mica_write_report(b, &tech, model, tmp_json)) {
        fprintf(stderr, "%s compile: cannot write the report %s: %s\n", cli_prog, json,
                strerror(errno));
        goto done;
    }
    if (rename(tmp_prog, out) || (with_report && rename(tmp_json, json))) {
        fprintf(stderr, "%s compile: cannot create %s: %s\n", cli_prog, out, strerror(errno));
        unlink(out);
        goto done;
    }
    rc = 0;
done:
    if (tmp_prog)
        unlink(tmp_prog);
    if (tmp_json)
        unlink(tmp_json);
    free(json);
    free(tmp_prog);
    free(tmp_json);
    return rc;
}

/* Per-tensor quantization with a quantized_dimension outside the tensor's rank: TFLite Micro
 * ignores the field (one scale applies to every element), and so does Mica; LiteRT's Python
 * interpreter refuses it (mica verify's oracle normalizes it). One line, not an error. */
static void warn_quant_dims(const tfl_model_t *m, const char *shown) {
    int n = 0, first = -1;
    for (int i = 0; i < m->ntensors; i++) {
        const tfl_tensor_t *t = &m->tensors[i];
        if (t->nquant == 1 && t->quant_dim >= (t->rank > 0 ? t->rank : 1)) {
            first = first < 0 ? i : first;
            n++;
        }
    }
    if (!n)
        return;
    char name[96];
    const tfl_tensor_t *t = &m->tensors[first];
    fprintf(stderr,
            "%s: warning: %s: %d tensor(s) with one scale carry a quantized_dimension beyond their "
            "rank (first: '%s', %d for rank %d); as TFLite Micro does, it is ignored\n",
            cli_prog, shown, n, mica_escape_name(t->name, name, sizeof name), t->quant_dim,
            t->rank);
}

static int compile_to_file(const char *model, const char *out, const cli_target_t *t,
                           const char *cpu_ops, int quiet, unsigned dump) {
    char err[512], shown[300];
    tfl_model_t *m = NULL;
    mica_compile_opts_t o;
    mica_board_cfg_t board;
    mica_compile_opts_default(&o);
    o.partition.cpu_ops = cpu_ops;
    o.while_limit = t->while_limit;
    if ((t->array && cli_parse_array("compile", t->array, &o.hw)) ||
        ((t->board || t->config) && cli_load_target(t, &board, &o)) ||
        (cpu_ops && cli_check_cpu_ops("compile", cpu_ops)))
        return 2;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    mica_escape_name(model, shown, sizeof shown);
    if (tfl_model_load_file(model, &m, err, sizeof err)) {
        fprintf(stderr, "%s: %s: %s\n", cli_prog, shown, err);
        return 1;
    }
    if (!quiet)
        warn_quant_dims(m, shown);
    mica_builder_t b;
    memset(&b, 0, sizeof b);
    int rc = mica_compile(m, &o, &b);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc)
        fprintf(stderr, "%s: %s: %s\n", cli_prog, shown, mica_escape_name(b.err, err, sizeof err));
    else
        rc = write_outputs(&b, model, out, !quiet);
    if (!rc && !quiet)
        print_compile_summary(model, out, &b,
                              (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
                                  (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
    if (!rc && dump)
        mica_write_dump(&b, dump, stdout);
    mica_builder_free(&b);
    tfl_model_free(m);
    return rc ? 1 : 0;
}

int cli_compile_to_file(const char *model, const char *out, const cli_target_t *target,
                        const char *cpu_ops, int quiet) {
    return compile_to_file(model, out, target, cpu_ops, quiet, 0);
}

/* --dump=plan,instrs: a comma-separated list of plan and instrs. */
static int parse_dump(const char *list, unsigned *what) {
    *what = 0;
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n == 4 && !strncmp(p, "plan", 4))
            *what |= MICA_DUMP_PLAN;
        else if (n == 6 && !strncmp(p, "instrs", 6))
            *what |= MICA_DUMP_INSTRS;
        else {
            char shown[64];
            fprintf(
                stderr,
                "%s compile: --dump: '%s' is not one of plan, instrs (e.g. --dump=plan,instrs)\n",
                cli_prog, mica_escape_name(list, shown, sizeof shown));
            return -1;
        }
        p += n + (p[n] == ',');
    }
    if (!*what)
        fprintf(stderr, "%s compile: --dump needs plan, instrs or both (e.g. --dump=plan,instrs)\n",
                cli_prog);
    return *what ? 0 : -1;
}

int cli_compile(int argc, char **argv) {
    const char *model = NULL, *out = NULL, *cpu_ops = NULL, *emit_c = NULL;
    cli_target_t target = {NULL, NULL, NULL, 0};
    unsigned dump = 0;
    for (int i = 1; i < argc; i++) {
        int tr = cli_parse_target("compile", argc, argv, &i, &target);
        if (tr < 0)
            return 2;
        if (tr > 0)
            continue;
        if (!strncmp(argv[i], "--dump=", 7)) {
            if (parse_dump(argv[i] + 7, &dump))
                return 2;
        } else if (!strcmp(argv[i], "-o") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--emit-c") && i + 1 < argc)
            emit_c = argv[++i];
        else if (!strcmp(argv[i], "--cpu") && i + 1 < argc)
            cpu_ops = argv[++i];
        else if (argv[i][0] != '-' && !model)
            model = argv[i];
        else
            return cli_unexpected("compile", argv[i]);
    }
    char *stem_mica = NULL; /* --emit-c STEM.c without -o: the program goes to STEM.mica */
    size_t n = emit_c ? strlen(emit_c) : 0;
    if (emit_c && (n < 3 || strcmp(emit_c + n - 2, ".c"))) {
        char shown[300];
        fprintf(stderr,
                "%s compile: --emit-c %s: give a file name ending in .c (its stem names "
                "the C symbol, e.g. model_mica.c)\n",
                cli_prog, mica_escape_name(emit_c, shown, sizeof shown));
        return 2;
    }
    if (!out && n > 2 && !strcmp(emit_c + n - 2, ".c") &&
        (stem_mica = cli_concat(emit_c, "mica", ""))) {
        memcpy(stem_mica + n - 1, "mica", 5); /* STEM.c -> STEM.mica */
        out = stem_mica;
    }
    if (!model || !out) {
        fprintf(stderr, "mica compile: need MODEL.tflite and -o OUT.mica or --emit-c STEM.c\n");
        free(stem_mica);
        return 2;
    }
    if (cli_same_file(model, out)) {
        fprintf(stderr, "mica compile: -o names the model itself; choose another output file\n");
        free(stem_mica);
        return 2;
    }
    int rc = compile_to_file(model, out, &target, cpu_ops, 0, dump);
    if (!rc && emit_c)
        rc = cli_emit_c(out, model, emit_c);
    free(stem_mica);
    return rc;
}

mica_ctx_t *cli_open_and_load(const char *backend, const char *program) {
    mica_ctx_t *ctx = NULL;
    char err[300], shown[300];
    if (mica_check_backend(backend, err, sizeof err) != MICA_OK) {
        mica_escape_name(err, shown, sizeof shown);
        fprintf(stderr, "%s: --backend: %s\n", cli_prog, shown);
        return NULL;
    }
    mica_status_t s = mica_open(backend, &ctx);
    if (s != MICA_OK) {
        fprintf(stderr, "%s: backend '%s': %s\n", cli_prog, backend, mica_status_name(s));
        return NULL;
    }
    s = mica_load_file(ctx, program);
    if (s != MICA_OK) {
        mica_escape_name(mica_last_error(ctx), shown, sizeof shown);
        fprintf(stderr, "%s: %s: %s\n", cli_prog, mica_status_name(s), shown);
        mica_close(ctx);
        return NULL;
    }
    return ctx;
}

void cli_fill_random(int8_t *dst, size_t n, uint64_t *state) {
    for (size_t i = 0; i < n; i++) { /* xorshift64*: reproducible for a seed on every platform */
        uint64_t x = *state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        *state = x;
        dst[i] = (int8_t)((x * 2685821657736338717ull) >> 56);
    }
}

char cli_npy_dtype(const mica_tensor_info_t *ti) {
    return ti->dtype == MICA_DT_FLOAT32 ? 'f'
           : ti->dtype == MICA_DT_INT32 ? 'i'
           : ti->dtype == MICA_DT_INT64 ? 'l'
           : ti->dtype == MICA_DT_INT16 ? 'h'
                                        : 'b';
}

void cli_fill_input(const mica_tensor_info_t *ti, void *dst, size_t count, uint64_t *state) {
    if (ti->index_count > 0) { /* indices: uniform over the valid ones (TFLite fails outside) */
        for (size_t i = 0; i < count / 4; i++) {
            int8_t r[4];
            cli_fill_random(r, sizeof r, state);
            uint32_t u;
            memcpy(&u, r, 4);
            int32_t v = (int32_t)(u % (uint32_t)ti->index_count);
            memcpy((uint8_t *)dst + 4 * i, &v, 4);
        }
        return;
    }
    if (ti->dtype != MICA_DT_FLOAT32) {
        cli_fill_random(dst, count, state);
        return;
    }
    double scale = ti->scale > 0 ? ti->scale : 1.0 / 64;
    for (size_t i = 0; i < count / 4; i++) {
        int8_t r[3];
        cli_fill_random(r, sizeof r, state);
        /* the int8 step, a fraction (every 8th an exact half), 5% beyond the ends */
        double frac = (r[1] & 7) == 0 ? (r[1] < 0 ? -0.5 : 0.5) : r[1] / 170.0;
        float x = (float)(scale * ((r[0] - ti->zero_point) + frac) * (1.0 + (r[2] & 1) * 0.05));
        memcpy((uint8_t *)dst + 4 * i, &x, 4);
    }
}

void cli_print_layers(mica_ctx_t *ctx) {
    /* The func backend's cycles are the cost model's: said in the column header. A device with
     * its own clock per step (an MCU in QEMU, where one ns is one instruction) gets a column. */
    int dev = 0;
    for (int i = 0; i < mica_num_layers(ctx); i++) {
        mica_layer_info_t li;
        mica_layer_info(ctx, i, &li);
        dev |= li.device_ns != 0;
    }
    printf("%-24s %-16s %-6s %12s %12s %12s%s\n", "layer", "op", "place", "MACs", "est.cycles",
           mica_cycles_estimated(ctx) ? "cycles(est)" : "cycles", dev ? "    device_ns" : "");
    for (int i = 0; i < mica_num_layers(ctx); i++) {
        mica_layer_info_t li;
        mica_layer_info(ctx, i, &li);
        char name[64];
        mica_escape_name(li.name, name, sizeof name);
        printf("%-24s %-16s %-6s %12llu %12llu %12llu", name, li.op, li.on_accel ? "ACCEL" : "CPU",
               (unsigned long long)li.macs, (unsigned long long)li.est_cycles,
               (unsigned long long)li.cycles);
        if (dev)
            printf(" %12llu", (unsigned long long)li.device_ns);
        printf("\n");
    }
}

char *cli_concat(const char *a, const char *b, const char *c) {
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = malloc(la + lb + lc + 1);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

int cli_same_file(const char *a, const char *b) {
    struct stat sa, sb;
    if (!strcmp(a, b))
        return 1;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

void cli_report_ctx(const char *cmd, const mica_ctx_t *ctx) {
    char shown[400];
    mica_escape_name(mica_last_error(ctx), shown, sizeof shown);
    fprintf(stderr, "%s %s: %s\n", cli_prog, cmd, shown);
}

int cli_unexpected(const char *cmd, const char *arg) {
    char shown[100];
    mica_escape_name(arg, shown, sizeof shown);
    if (arg[0] == '-')
        fprintf(stderr, "%s %s: unknown option or missing value: '%s' (see mica --help)\n",
                cli_prog, cmd, shown);
    else
        fprintf(stderr, "%s %s: unexpected argument '%s' (see mica --help)\n", cli_prog, cmd,
                shown);
    return 2;
}

/* mica ops [--board NAME | --config FILE]: the rules, and what the configuration lacks. */
int cli_ops(int argc, char **argv) {
    cli_target_t t = {NULL, NULL, NULL, 0};
    mica_compile_opts_t o;
    mica_board_cfg_t board;
    mica_compile_opts_default(&o);
    for (int i = 1; i < argc; i++) {
        int tr = cli_parse_target("ops", argc, argv, &i, &t);
        if (tr < 0)
            return 2;
        if (tr == 0 || t.array || t.while_limit)
            return cli_unexpected("ops", argv[i]);
    }
    if ((t.board || t.config) && cli_load_target(&t, &board, &o))
        return 2;
    o.partition.absent = o.hw.absent;
    mica_print_supported_ops(stdout, t.board || t.config ? &o.partition : NULL);
    return 0;
}
